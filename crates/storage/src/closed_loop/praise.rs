//! Praise credited to the staff a resident names, read from the text at creation or set by hand.

use guanjia_domain::notice::NoticeKind;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::praise::{Named, named_in};
use guanjia_domain::taxonomy::Kind;
use guanjia_domain::ticket::Visibility;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::figures::{figures_projects, reported_between};
use crate::db::Store;
use crate::delivery::DeliverySetup;
use crate::entity::{praise_credit, staff, ticket};
use crate::error::{Result, StorageError};
use crate::notify::{notify, staff_refs};
use crate::principal::Principal;
use crate::tickets::timeline;

/// How many times each staff member was praised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PraiseCount {
    pub staff_id: String,
    pub name: String,
    pub count: u64,
}

/// The staff who may be credited on a ticket of `project_id`: its own and the company-wide.
async fn creditable(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
) -> Result<Vec<Named>> {
    let refs = staff_refs(db, company_id).await?;
    let names: HashMap<String, String> = staff::Entity::find()
        .filter(staff::Column::CompanyId.eq(company_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(refs
        .into_iter()
        .filter(|r| r.project_ids.is_empty() || r.project_ids.iter().any(|p| p == project_id))
        .filter_map(|r| {
            Some(Named {
                name: names.get(&r.id)?.clone(),
                id: r.id,
                role: r.role,
            })
        })
        .collect())
}

/// Writes credits and tells each credited staff member, in the caller's transaction.
async fn credit(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    t: &ticket::Model,
    staff_ids: &[String],
    source: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if staff_ids.is_empty() {
        return Ok(());
    }
    record(db, t, staff_ids, source, now).await?;
    notify(
        db,
        setup,
        t.into(),
        staff_ids,
        NoticeKind::Praise,
        &json!({ "ticket_number": t.number }),
        now,
    )
    .await
}

/// Writes credits without telling anyone (they were told when first credited).
async fn record(
    db: &impl ConnectionTrait,
    t: &ticket::Model,
    staff_ids: &[String],
    source: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if staff_ids.is_empty() {
        return Ok(());
    }
    let rows = staff_ids.iter().map(|id| praise_credit::ActiveModel {
        company_id: Set(t.company_id.clone()),
        ticket_id: Set(t.id.clone()),
        staff_id: Set(id.clone()),
        source: Set(source.to_owned()),
        created_at: Set(now),
    });
    praise_credit::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Credits the staff a new praise ticket names (creation's transaction).
pub(crate) async fn credit_named(
    db: &impl ConnectionTrait,
    setup: &DeliverySetup,
    t: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    if t.kind != Kind::Praise {
        return Ok(());
    }
    let staff = creditable(db, &t.company_id, &t.project_id).await?;
    credit(db, setup, t, &named_in(&t.description, &staff), "text", now).await
}

impl Store {
    /// The staff credited on a praise ticket the caller can see.
    pub async fn praised(&self, who: &Principal, ticket_id: &str) -> Result<Vec<String>> {
        let t = self.ticket(who, ticket_id).await?;
        Ok(praise_credit::Entity::find()
            .filter(praise_credit::Column::CompanyId.eq(&t.company_id))
            .filter(praise_credit::Column::TicketId.eq(&t.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.staff_id)
            .collect())
    }

    /// Sets who a praise ticket credits (desk roles), in the timeline; the newly credited are told.
    pub async fn set_praised(
        &self,
        who: &Principal,
        ticket_id: &str,
        staff_ids: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let t = self.ticket(who, ticket_id).await?;
        if t.kind != Kind::Praise {
            return Err(StorageError::field("ticket", FieldErrorCode::Mismatch));
        }
        let allowed = creditable(&self.db, &t.company_id, &t.project_id).await?;
        let mut wanted: Vec<String> = Vec::new();
        for id in staff_ids {
            if !allowed.iter().any(|s| s.id == id) {
                return Err(StorageError::field(
                    "staff_ids",
                    FieldErrorCode::UnknownReference,
                ));
            }
            if !wanted.contains(&id) {
                wanted.push(id);
            }
        }
        let before = self.praised(who, ticket_id).await?;
        let txn = self.begin_write().await?;
        praise_credit::Entity::delete_many()
            .filter(praise_credit::Column::CompanyId.eq(&t.company_id))
            .filter(praise_credit::Column::TicketId.eq(&t.id))
            .exec(&txn)
            .await?;
        let kept: Vec<String> = wanted
            .iter()
            .filter(|id| before.contains(id))
            .cloned()
            .collect();
        let added: Vec<String> = wanted
            .iter()
            .filter(|id| !before.contains(id))
            .cloned()
            .collect();
        record(&txn, &t, &kept, "agent", now).await?;
        credit(&txn, &self.delivery, &t, &added, "agent", now).await?;
        timeline::record(
            &txn,
            who,
            &t,
            "credit_praise",
            Visibility::Internal,
            json!({ "staff_ids": wanted, "before": before }),
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(wanted)
    }

    /// Praise per staff member on the tickets reported in `[from, to)` of the projects the
    /// caller sees (or one of them), most praised first.
    pub async fn praise_counts(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PraiseCount>> {
        let projects = figures_projects(who, project_id)?;
        let tickets = reported_between(&who.company_id, projects.as_ref(), from, to)
            .filter(ticket::Column::Kind.eq(Kind::Praise.as_str()));
        let ids: Vec<String> = tickets
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        let credits = praise_credit::Entity::find()
            .filter(praise_credit::Column::CompanyId.eq(&who.company_id))
            .filter(praise_credit::Column::TicketId.is_in(ids))
            .all(&self.db)
            .await?;
        let mut counts: HashMap<String, u64> = HashMap::new();
        for c in credits {
            *counts.entry(c.staff_id).or_default() += 1;
        }
        let names: HashMap<String, String> = staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(&who.company_id))
            .filter(staff::Column::Id.is_in(counts.keys().cloned()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let mut out: Vec<PraiseCount> = counts
            .into_iter()
            .map(|(staff_id, count)| PraiseCount {
                name: names.get(&staff_id).cloned().unwrap_or_default(),
                staff_id,
                count,
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }
}
