//! SOP checklists (作业检查单): admins and managers write a category's steps and whether they
//! are required before resolve (audited); whoever works a ticket ticks its steps, each tick an
//! entry on the ticket's timeline; the lifecycle refuses a resolve with required steps left.

use chrono::{DateTime, Utc};
use guanjia_domain::checklist::{ChecklistInput, Step, with_ids};
use guanjia_domain::role::Role;
use guanjia_domain::ticket::Visibility;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::writes;
use crate::db::Store;
use crate::entity::{category, kb_checklist, kb_checklist_tick, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, ForUpdate, new_id};
use crate::tickets::timeline;

/// Most checklists listed: one a category.
const LISTED: u64 = 1_000;

/// A category's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub category: String,
    pub steps: Vec<Step>,
    pub required: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<kb_checklist::Model> for Checklist {
    fn from(m: kb_checklist::Model) -> Self {
        Checklist {
            steps: serde_json::from_value(m.steps).unwrap_or_default(),
            category: m.category,
            required: m.required,
            updated_at: m.updated_at,
        }
    }
}

/// A step of a ticket's checklist and its tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickedStep {
    pub step: Step,
    /// Who ticked it, and when.
    pub ticked: Option<(String, DateTime<Utc>)>,
}

/// The checklist of a ticket's category, as ticked on the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketChecklist {
    pub category: String,
    pub required: bool,
    pub steps: Vec<TickedStep>,
}

async fn checklist_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    category: &str,
) -> Result<Option<Checklist>> {
    Ok(
        kb_checklist::Entity::find_by_id((company_id.to_owned(), category.to_owned()))
            .one(db)
            .await?
            .map(Checklist::from),
    )
}

async fn ticks_of(
    db: &impl ConnectionTrait,
    t: &ticket::Model,
) -> Result<Vec<kb_checklist_tick::Model>> {
    Ok(kb_checklist_tick::Entity::find()
        .filter(kb_checklist_tick::Column::CompanyId.eq(&t.company_id))
        .filter(kb_checklist_tick::Column::TicketId.eq(&t.id))
        .all(db)
        .await?)
}

impl Store {
    /// Writes a category's checklist (admins and managers): steps that keep their text keep
    /// their ticks; audited.
    pub async fn put_checklist(
        &self,
        who: &Principal,
        category_code: &str,
        input: ChecklistInput,
        now: DateTime<Utc>,
    ) -> Result<Checklist> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let required = input.required;
        let texts = input.validate()?;
        let known =
            category::Entity::find_by_id((who.company_id.clone(), category_code.to_owned()))
                .one(&self.db)
                .await?
                .is_some();
        if !known {
            return Err(StorageError::NotFound("category"));
        }
        let txn = self.begin_write().await?;
        let before =
            kb_checklist::Entity::find_by_id((who.company_id.clone(), category_code.to_owned()))
                .for_update(txn.get_database_backend())
                .one(&txn)
                .await?;
        let old: Vec<Step> = before
            .as_ref()
            .and_then(|m| serde_json::from_value(m.steps.clone()).ok())
            .unwrap_or_default();
        let steps = with_ids(&old, texts, new_id);
        let row = kb_checklist::ActiveModel {
            company_id: Set(who.company_id.clone()),
            category: Set(category_code.to_owned()),
            steps: Set(json!(steps)),
            required: Set(required),
            updated_at: Set(now),
        };
        let saved = if before.is_some() {
            row.update(&txn).await?
        } else {
            row.insert(&txn).await?
        };
        Audit::by(who, "kb_checklist", category_code, "put")
            .record(
                &txn,
                json!({ "steps": steps.len(), "required": required }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(saved.into())
    }

    /// Removes a category's checklist (admins and managers): its tickets no longer show it nor
    /// need it before resolve; the ticks already made stay on their timelines. Audited.
    pub async fn delete_checklist(
        &self,
        who: &Principal,
        category_code: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !writes(who) {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        let gone = kb_checklist::Entity::delete_many()
            .filter(kb_checklist::Column::CompanyId.eq(&who.company_id))
            .filter(kb_checklist::Column::Category.eq(category_code))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StorageError::NotFound("kb_checklist"));
        }
        Audit::by(who, "kb_checklist", category_code, "delete")
            .record(&txn, json!({}), now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The company's checklists (staff), by category.
    pub async fn checklists(&self, who: &Principal) -> Result<Vec<Checklist>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        Ok(kb_checklist::Entity::find()
            .filter(kb_checklist::Column::CompanyId.eq(&who.company_id))
            .order_by_asc(kb_checklist::Column::Category)
            .limit(LISTED)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Checklist::from)
            .collect())
    }

    /// One category's checklist (staff); none written is not found.
    pub async fn checklist(&self, who: &Principal, category_code: &str) -> Result<Checklist> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        checklist_of(&self.db, &who.company_id, category_code)
            .await?
            .ok_or(StorageError::NotFound("kb_checklist"))
    }

    /// The checklist of a ticket the caller sees, as ticked; none when its category has none.
    pub async fn ticket_checklist(
        &self,
        who: &Principal,
        ticket_id: &str,
    ) -> Result<Option<TicketChecklist>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let t = self.ticket(who, ticket_id).await?;
        self.checklist_as_ticked(&self.db, &t).await
    }

    async fn checklist_as_ticked(
        &self,
        db: &impl ConnectionTrait,
        t: &ticket::Model,
    ) -> Result<Option<TicketChecklist>> {
        let Some(code) = &t.category else {
            return Ok(None);
        };
        let Some(list) = checklist_of(db, &t.company_id, code).await? else {
            return Ok(None);
        };
        let ticks = ticks_of(db, t).await?;
        let steps = list
            .steps
            .into_iter()
            .map(|step| TickedStep {
                ticked: ticks
                    .iter()
                    .find(|k| k.step_id == step.id)
                    .map(|k| (k.ticked_by.clone(), k.ticked_at)),
                step,
            })
            .collect();
        Ok(Some(TicketChecklist {
            category: list.category,
            required: list.required,
            steps,
        }))
    }

    /// Ticks (or unticks) a step of an open ticket's checklist: the desk, or the technician who
    /// holds the job. Each change is an entry on the ticket's timeline; ticking what is ticked
    /// changes nothing.
    pub async fn tick_checklist_step(
        &self,
        who: &Principal,
        ticket_id: &str,
        step_id: &str,
        ticked: bool,
        now: DateTime<Utc>,
    ) -> Result<TicketChecklist> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let seen = self.ticket(who, ticket_id).await?;
        if who.role == Role::Technician && seen.assignee_id.as_deref() != Some(who.id.as_str()) {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        // The ticket locked: ticks and a resolve do not pass each other.
        let t = ticket::Entity::find_by_id((seen.company_id.clone(), seen.id.clone()))
            .for_update(txn.get_database_backend())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("ticket"))?;
        let open = t.status.is_open();
        if !open {
            return Err(ValidationError::single("ticket", FieldErrorCode::Invalid).into());
        }
        let list = self
            .checklist_as_ticked(&txn, &t)
            .await?
            .ok_or(StorageError::NotFound("kb_checklist"))?;
        let step = list
            .steps
            .iter()
            .find(|s| s.step.id == step_id)
            .ok_or(StorageError::NotFound("kb_checklist_step"))?;
        if step.ticked.is_some() != ticked {
            let key = (t.company_id.clone(), t.id.clone(), step_id.to_owned());
            if ticked {
                kb_checklist_tick::ActiveModel {
                    company_id: Set(key.0),
                    ticket_id: Set(key.1),
                    step_id: Set(key.2),
                    ticked_by: Set(who.id.clone()),
                    ticked_at: Set(now),
                }
                .insert(&txn)
                .await?;
            } else {
                kb_checklist_tick::Entity::delete_by_id(key)
                    .exec(&txn)
                    .await?;
            }
            timeline::record(
                &txn,
                who,
                &t,
                if ticked {
                    "checklist_ticked"
                } else {
                    "checklist_unticked"
                },
                Visibility::Internal,
                json!({ "step_id": step_id, "text": step.step.text }),
                now,
            )
            .await?;
        }
        let list = self
            .checklist_as_ticked(&txn, &t)
            .await?
            .ok_or(StorageError::NotFound("kb_checklist"))?;
        txn.commit().await?;
        Ok(list)
    }
}
