//! SLA policies as stored, and the defaults every company starts with.

use chrono::{DateTime, Utc};
use guanjia_domain::calendar::Calendar;
use guanjia_domain::sla::{
    Criteria, Policy, PolicySpec, default_policies, first_response_default,
    former_standard_default, standard_default_now,
};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;

use super::calendars::{ALWAYS_OPEN, CHINA_MAINLAND, insert_calendar};
use super::version::bump_config;
use crate::db::Store;
use crate::entity::{calendar, project, sla_policy};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, new_id, require_admin};

/// The domain's view of a stored policy; None for a row it cannot read.
pub(crate) fn policy_of(row: &sla_policy::Model) -> Option<Policy> {
    Some(Policy {
        id: row.id.clone(),
        spec: PolicySpec {
            name: row.name.clone(),
            criteria: Criteria {
                project_id: row.project_id.clone(),
                kind: code(&row.kind)?,
                category: row.category.clone(),
                urgency: code(&row.urgency)?,
                tier: code(&row.tier)?,
            },
            calendar_id: row.calendar_id.clone(),
            targets: serde_json::from_value(row.targets.clone()).ok()?,
            warn_at_percent: serde_json::from_value(row.warn_at_percent.clone()).ok()?,
            escalation: serde_json::from_value(row.escalation.clone()).ok()?,
            active: row.active,
        },
    })
}

/// An optional code column: absent is None, unreadable fails the whole row.
fn code<T: std::str::FromStr>(value: &Option<String>) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(s) => s.parse().ok().map(Some),
    }
}

fn fill(model: &mut sla_policy::ActiveModel, spec: &PolicySpec) {
    let c = &spec.criteria;
    model.name = Set(spec.name.clone());
    model.project_id = Set(c.project_id.clone());
    model.kind = Set(c.kind.map(|k| k.as_str().to_owned()));
    model.category = Set(c.category.clone());
    model.urgency = Set(c.urgency.map(|u| u.as_str().to_owned()));
    model.tier = Set(c.tier.map(|t| t.as_str().to_owned()));
    model.calendar_id = Set(spec.calendar_id.clone());
    model.targets = Set(json!(spec.targets));
    model.warn_at_percent = Set(json!(spec.warn_at_percent));
    model.escalation = Set(json!(spec.escalation));
    model.active = Set(spec.active);
}

async fn insert_policy(
    db: &impl ConnectionTrait,
    company_id: &str,
    spec: &PolicySpec,
    now: DateTime<Utc>,
) -> Result<sla_policy::Model> {
    let mut model = sla_policy::ActiveModel {
        company_id: Set(company_id.to_owned()),
        id: Set(new_id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut model, spec);
    Ok(model.insert(db).await?)
}

/// Seeds a company's calendars (the State Council's holidays, and 24×7) and default policies,
/// once, inside the caller's transaction.
pub(crate) async fn seed_sla(
    db: &impl ConnectionTrait,
    company_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let has = calendar::Entity::find()
        .filter(calendar::Column::CompanyId.eq(company_id))
        .count(db)
        .await?;
    if has > 0 {
        return Ok(());
    }
    let zone = chrono_tz::Asia::Shanghai;
    insert_calendar(
        db,
        company_id,
        CHINA_MAINLAND.0,
        Some(CHINA_MAINLAND.1),
        &Calendar::china_mainland(zone),
        now,
    )
    .await?;
    let always = insert_calendar(
        db,
        company_id,
        ALWAYS_OPEN.0,
        Some(ALWAYS_OPEN.1),
        &Calendar::always_open(zone),
        now,
    )
    .await?;
    // Distinct creation times keep the defaults' documented tie-break order.
    for (i, spec) in default_policies(&always.id).iter().enumerate() {
        insert_policy(
            db,
            company_id,
            spec,
            now + chrono::Duration::microseconds(i as i64),
        )
        .await?;
    }
    Ok(())
}

/// Moves a company still holding the former seeded default (first response counted on the
/// business calendar) to today's defaults, inside the caller's transaction: the standard policy
/// loses its first response, and a round-the-clock first-response policy takes its place in the
/// tie-break order. A policy an admin changed is left alone. Returns whether it moved; a second
/// run finds nothing to move.
pub(crate) async fn move_first_response_default(
    db: &impl ConnectionTrait,
    company_id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let rows = sla_policy::Entity::find()
        .filter(sla_policy::Column::CompanyId.eq(company_id))
        .all(db)
        .await?;
    let former = former_standard_default();
    let Some(standard) = rows
        .into_iter()
        .find(|row| policy_of(row).is_some_and(|p| p.spec == former))
    else {
        return Ok(false);
    };
    let always_open = calendar::Entity::find()
        .filter(calendar::Column::CompanyId.eq(company_id))
        .filter(calendar::Column::Preset.eq(ALWAYS_OPEN.1))
        .one(db)
        .await?;
    let Some(always_open) = always_open else {
        return Ok(false);
    };
    let mut model: sla_policy::ActiveModel = standard.clone().into();
    fill(&mut model, &standard_default_now());
    model.updated_at = Set(now);
    model.update(db).await?;
    // The standard policy's creation time keeps the new one ahead of any catch-all an admin added.
    let round_the_clock = insert_policy(
        db,
        company_id,
        &first_response_default(&always_open.id),
        standard.created_at,
    )
    .await?;
    bump_config(db, company_id).await?;
    let audit = |entity_id, action| Audit {
        company_id,
        actor: None,
        entity: "sla_policy",
        entity_id,
        action,
    };
    audit(&standard.id, "update")
        .record(
            db,
            json!({ "targets": standard_default_now().targets }),
            now,
        )
        .await?;
    audit(&round_the_clock.id, "create")
        .record(db, audit_details(&round_the_clock), now)
        .await?;
    Ok(true)
}

impl Store {
    /// The company's policies in precedence tie-break order (oldest first); staff may read them.
    pub async fn sla_policies(&self, who: &Principal) -> Result<Vec<sla_policy::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        Ok(sla_policy::Entity::find()
            .filter(sla_policy::Column::CompanyId.eq(&who.company_id))
            .order_by_asc(sla_policy::Column::CreatedAt)
            .order_by_asc(sla_policy::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn sla_policy(&self, who: &Principal, id: &str) -> Result<sla_policy::Model> {
        if !who.role.is_staff() {
            return Err(StorageError::NotFound("policy"));
        }
        sla_policy::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("policy"))
    }

    /// The project and calendar a policy names must be the company's.
    async fn check_policy_references(&self, who: &Principal, spec: &PolicySpec) -> Result<()> {
        if let Some(project_id) = &spec.criteria.project_id {
            project::Entity::find_by_id((who.company_id.clone(), project_id.clone()))
                .one(&self.db)
                .await?
                .ok_or_else(|| {
                    StorageError::field("project_id", FieldErrorCode::UnknownReference)
                })?;
        }
        if let Some(calendar_id) = &spec.calendar_id {
            self.calendar(who, calendar_id).await.map_err(|_| {
                StorageError::field("calendar_id", FieldErrorCode::UnknownReference)
            })?;
        }
        if let Some(category) = &spec.criteria.category {
            self.active_category(&who.company_id, category).await?;
        }
        Ok(())
    }

    pub async fn create_sla_policy(
        &self,
        who: &Principal,
        spec: PolicySpec,
        now: DateTime<Utc>,
    ) -> Result<sla_policy::Model> {
        require_admin(who)?;
        self.check_policy_references(who, &spec).await?;
        let txn = self.begin_write().await?;
        let model = insert_policy(&txn, &who.company_id, &spec, now).await?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "sla_policy", &model.id, "create")
            .record(&txn, audit_details(&model), now)
            .await?;
        txn.commit().await?;
        self.recompute_clocks(&who.company_id, now).await?;
        Ok(model)
    }

    /// Replaces a policy's rules (set `active` false to retire it); open tickets follow.
    pub async fn update_sla_policy(
        &self,
        who: &Principal,
        id: &str,
        spec: PolicySpec,
        now: DateTime<Utc>,
    ) -> Result<sla_policy::Model> {
        require_admin(who)?;
        let current = self.sla_policy(who, id).await?;
        self.check_policy_references(who, &spec).await?;
        let txn = self.begin_write().await?;
        let mut model: sla_policy::ActiveModel = current.into();
        fill(&mut model, &spec);
        model.updated_at = Set(now);
        let updated = model.update(&txn).await?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "sla_policy", id, "update")
            .record(&txn, audit_details(&updated), now)
            .await?;
        txn.commit().await?;
        self.recompute_clocks(&who.company_id, now).await?;
        Ok(updated)
    }
}

fn audit_details(m: &sla_policy::Model) -> serde_json::Value {
    json!({
        "name": m.name, "project_id": m.project_id, "kind": m.kind, "category": m.category,
        "urgency": m.urgency, "tier": m.tier, "calendar_id": m.calendar_id, "targets": m.targets,
        "warn_at_percent": m.warn_at_percent, "escalation": m.escalation, "active": m.active,
    })
}
