//! Standard scripts (话术库): admins and managers keep them (audited); the desk reads the ones
//! that fit a ticket, with what the ticket knows for their placeholders, and counts each use.

use chrono::{DateTime, Utc};
use guanjia_domain::script::{Script, Situation, fit, fit_without_ticket};
use guanjia_domain::sla::ClockName;
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::writes;
use crate::db::Store;
use crate::entity::{category, kb_script, project, resident, sla_clock, staff};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, new_id};
use crate::support::{Page, PageRequest};

/// Most scripts a company's suggestions weigh: far more than any desk reads.
const WEIGHED: u64 = 500;

/// Scripts suggested for one ticket.
const SUGGESTED: usize = 8;

/// What a ticket knows for the placeholders, as facts: the web layer words the time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketFacts {
    /// The contact's name, else the resident's.
    pub name: Option<String>,
    pub ticket_number: String,
    /// When the resolution clock is due, and the project's time zone to say it in.
    pub due_at: Option<DateTime<Utc>>,
    pub time_zone: String,
    /// Who holds the job.
    pub technician: Option<String>,
}

/// The scripts that fit a ticket, best first, and the ticket's facts to fill them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketScripts {
    pub scripts: Vec<kb_script::Model>,
    pub facts: TicketFacts,
}

impl Store {
    /// A new script (admins and managers); audited.
    pub async fn create_kb_script(
        &self,
        who: &Principal,
        script: Script,
        now: DateTime<Utc>,
    ) -> Result<kb_script::Model> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        self.known_category(who, script.category.as_deref()).await?;
        let txn = self.begin_write().await?;
        let id = new_id();
        let saved = kb_script::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(id.clone()),
            title: Set(script.title.clone()),
            situation: Set(script.situation.as_str().to_owned()),
            category: Set(script.category.clone()),
            states: Set(json!(states(&script))),
            body: Set(script.body.clone()),
            active: Set(script.active),
            use_count: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "kb_script", &id, "create")
            .record(&txn, json!({ "title": script.title }), now)
            .await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Rewrites a script (admins and managers); its use count stays; audited.
    pub async fn update_kb_script(
        &self,
        who: &Principal,
        id: &str,
        script: Script,
        now: DateTime<Utc>,
    ) -> Result<kb_script::Model> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        self.known_category(who, script.category.as_deref()).await?;
        let txn = self.begin_write().await?;
        let found = kb_script::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("kb_script"))?;
        let mut changed: kb_script::ActiveModel = found.into();
        changed.title = Set(script.title.clone());
        changed.situation = Set(script.situation.as_str().to_owned());
        changed.category = Set(script.category.clone());
        changed.states = Set(json!(states(&script)));
        changed.body = Set(script.body.clone());
        changed.active = Set(script.active);
        changed.updated_at = Set(now);
        let saved = changed.update(&txn).await?;
        Audit::by(who, "kb_script", id, "update")
            .record(
                &txn,
                json!({ "title": script.title, "active": script.active }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The company's scripts (staff), by situation then title, a page at a time.
    pub async fn kb_scripts(
        &self,
        who: &Principal,
        page: PageRequest,
    ) -> Result<Page<kb_script::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let query = kb_script::Entity::find()
            .filter(kb_script::Column::CompanyId.eq(&who.company_id))
            .order_by_asc(kb_script::Column::Situation)
            .order_by_asc(kb_script::Column::Title)
            .order_by_asc(kb_script::Column::Id);
        let total = query.clone().count(&self.db).await?;
        let items = query
            .offset(page.page.saturating_sub(1).saturating_mul(page.per_page))
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// One script (staff).
    pub async fn kb_script(&self, who: &Principal, id: &str) -> Result<kb_script::Model> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        kb_script::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("kb_script"))
    }

    /// Counts a use of a script (staff): one atomic increment, safe from any node.
    pub async fn use_kb_script(&self, who: &Principal, id: &str) -> Result<i64> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        let done = kb_script::Entity::update_many()
            .col_expr(
                kb_script::Column::UseCount,
                Expr::col(kb_script::Column::UseCount).add(1),
            )
            .filter(kb_script::Column::CompanyId.eq(&who.company_id))
            .filter(kb_script::Column::Id.eq(id))
            .filter(kb_script::Column::Active.eq(true))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(StorageError::NotFound("kb_script"));
        }
        let count = kb_script::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&txn)
            .await?
            .map_or(0, |s| s.use_count);
        txn.commit().await?;
        Ok(count)
    }

    /// The active scripts that fit a ticket the caller sees (its category first, then the
    /// situations likeliest in its status), at most [`SUGGESTED`], with the ticket's facts.
    pub async fn scripts_for_ticket(
        &self,
        who: &Principal,
        ticket_id: &str,
    ) -> Result<TicketScripts> {
        let t = self.ticket(who, ticket_id).await?;
        let status = *t.status;
        // The ticket's category and each category above it (`repair` for `repair.water`).
        let mut lineage = vec![];
        if let Some(code) = &t.category {
            let mut at = code.as_str();
            lineage.push(at.to_owned());
            while let Some((up, _)) = at.rsplit_once('.') {
                lineage.push(up.to_owned());
                at = up;
            }
        }
        let scripts = self
            .best_scripts(
                &t.company_id,
                Condition::any()
                    .add(kb_script::Column::Category.is_null())
                    .add(kb_script::Column::Category.is_in(lineage)),
                |category, situation, states| {
                    fit(category, situation, states, t.category.as_deref(), status)
                },
            )
            .await?;
        let facts = self.ticket_facts(&t).await?;
        Ok(TicketScripts { scripts, facts })
    }

    /// The active scripts for a conversation that has no ticket yet (staff): the company-wide
    /// greeting, closing and the like, `name` for the salutation and every other placeholder
    /// left blank.
    pub async fn scripts_without_ticket(
        &self,
        who: &Principal,
        name: Option<String>,
    ) -> Result<TicketScripts> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let scripts = self
            .best_scripts(
                &who.company_id,
                Condition::all().add(kb_script::Column::Category.is_null()),
                fit_without_ticket,
            )
            .await?;
        Ok(TicketScripts {
            scripts,
            facts: TicketFacts {
                name,
                ..TicketFacts::default()
            },
        })
    }

    /// The company's active scripts of `categories`, ranked by `rank` (lower first, then the
    /// most used), at most [`SUGGESTED`]; a script `rank` does not fit is left out.
    async fn best_scripts(
        &self,
        company_id: &str,
        categories: Condition,
        rank: impl Fn(Option<&str>, Situation, &[Status]) -> Option<(u8, usize)>,
    ) -> Result<Vec<kb_script::Model>> {
        let candidates = kb_script::Entity::find()
            .filter(kb_script::Column::CompanyId.eq(company_id))
            .filter(kb_script::Column::Active.eq(true))
            .filter(categories)
            .order_by_asc(kb_script::Column::Id)
            .limit(WEIGHED)
            .all(&self.db)
            .await?;
        let mut ranked: Vec<((u8, usize), kb_script::Model)> = candidates
            .into_iter()
            .filter_map(|s| {
                let situation: Situation = s.situation.parse().ok()?;
                let states: Vec<Status> = serde_json::from_value::<Vec<String>>(s.states.clone())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|c| c.parse().ok())
                    .collect();
                Some((rank(s.category.as_deref(), situation, &states)?, s))
            })
            .collect();
        ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.use_count.cmp(&a.1.use_count)));
        Ok(ranked.into_iter().take(SUGGESTED).map(|(_, s)| s).collect())
    }

    async fn ticket_facts(&self, t: &crate::entity::ticket::Model) -> Result<TicketFacts> {
        let company = t.company_id.clone();
        let resident_name = match (&t.contact_name, &t.resident_id) {
            (Some(_), _) | (None, None) => None,
            (None, Some(id)) => resident::Entity::find_by_id((company.clone(), id.clone()))
                .one(&self.db)
                .await?
                .map(|r| r.name),
        };
        let technician = match &t.assignee_id {
            Some(id) => staff::Entity::find_by_id((company.clone(), id.clone()))
                .one(&self.db)
                .await?
                .map(|s| s.name),
            None => None,
        };
        let due_at = sla_clock::Entity::find_by_id((
            company.clone(),
            t.id.clone(),
            ClockName::Resolution.as_str().to_owned(),
        ))
        .one(&self.db)
        .await?
        .map(|c| c.due_at);
        let time_zone = project::Entity::find_by_id((company, t.project_id.clone()))
            .one(&self.db)
            .await?
            .map(|p| p.time_zone)
            .unwrap_or_default();
        Ok(TicketFacts {
            name: t.contact_name.clone().or(resident_name),
            ticket_number: t.number.clone(),
            due_at,
            time_zone,
            technician,
        })
    }

    /// A script's category must be one of the company's taxonomy.
    async fn known_category(&self, who: &Principal, code: Option<&str>) -> Result<()> {
        let Some(code) = code else {
            return Ok(());
        };
        let known = category::Entity::find_by_id((who.company_id.clone(), code.to_owned()))
            .one(&self.db)
            .await?
            .is_some();
        if known {
            Ok(())
        } else {
            Err(guanjia_domain::validation::ValidationError::single(
                "category",
                FieldErrorCode::UnknownReference,
            )
            .into())
        }
    }
}

fn states(script: &Script) -> Vec<&'static str> {
    script.states.iter().map(|s| s.as_str()).collect()
}
