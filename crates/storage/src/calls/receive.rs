//! Receiving the phone system's call events: each fills in its call, in one transaction, once
//! however often it arrives (the call id is unique in the company, so concurrent first events on
//! several nodes make one call).

use chrono::{DateTime, Utc};
use guanjia_domain::calls::{CallEvent, CallState, Step, apply_event};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, SqlErr,
};

use super::facts_of;
use crate::db::Store;
use crate::entity::{call, staff, staff_project};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{ForUpdate, new_id};

/// A call after one of its events, and whether that event was its first.
#[derive(Debug, Clone)]
pub struct CallReceived {
    pub call: call::Model,
    pub created: bool,
}

/// The agent's latest calls still open looked at for the pop-up (one rings at a time).
const RECENT_CALLS: u64 = 3;

impl Store {
    /// Applies a call event posted by the phone system's account `who` (a desk role). The
    /// extension must ring an active agent who shares a project with `who`, else 422 on
    /// `extension`.
    pub async fn receive_call_event(
        &self,
        who: &Principal,
        event: CallEvent,
        now: DateTime<Utc>,
    ) -> Result<CallReceived> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let agent = self.agent_at(who, &event.extension).await?;
        for attempt in 0..2 {
            let txn = self.begin_write().await?;
            let before = call::Entity::find()
                .filter(call::Column::CompanyId.eq(&who.company_id))
                .filter(call::Column::CallId.eq(&event.call_id))
                .for_update(self.backend())
                .one(&txn)
                .await?;
            let step = apply_event(before.as_ref().map(facts_of).as_ref(), &event);
            let received = match (before, step) {
                (Some(call), Step::Repeated) => CallReceived {
                    call,
                    created: false,
                },
                (Some(call), Step::Changed(facts)) => {
                    let mut row: call::ActiveModel = call.into();
                    if facts.extension == event.extension {
                        row.staff_id = Set(agent.clone());
                    }
                    row.state = Set(facts.state.as_str().to_owned());
                    row.extension = Set(facts.extension);
                    row.ringing_at = Set(facts.ringing_at);
                    row.answered_at = Set(facts.answered_at);
                    row.ended_at = Set(facts.ended_at);
                    row.recording_url = Set(facts.recording_url);
                    row.updated_at = Set(now);
                    CallReceived {
                        call: row.update(&txn).await?,
                        created: false,
                    }
                }
                (_, Step::Opened(facts)) => {
                    let row = call::ActiveModel {
                        company_id: Set(who.company_id.clone()),
                        id: Set(new_id()),
                        call_id: Set(event.call_id.clone()),
                        state: Set(facts.state.as_str().to_owned()),
                        caller_phone: Set(facts.caller),
                        extension: Set(facts.extension),
                        staff_id: Set(agent.clone()),
                        ringing_at: Set(facts.ringing_at),
                        answered_at: Set(facts.answered_at),
                        ended_at: Set(facts.ended_at),
                        recording_url: Set(facts.recording_url),
                        ticket_id: Set(None),
                        received_by: Set(who.id.clone()),
                        created_at: Set(now),
                        updated_at: Set(now),
                    };
                    match row.insert(&txn).await {
                        Ok(call) => CallReceived {
                            call,
                            created: true,
                        },
                        // Another node opened it first: apply the event to theirs.
                        Err(e)
                            if attempt == 0
                                && matches!(
                                    e.sql_err(),
                                    Some(SqlErr::UniqueConstraintViolation(_))
                                ) =>
                        {
                            txn.rollback().await?;
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                // A known call is never opened, and an unknown one has nothing to repeat.
                (None, _) => return Err(StorageError::NotFound("call")),
            };
            txn.commit().await?;
            return Ok(received);
        }
        Err(StorageError::NotFound("call"))
    }

    /// The active agent whose extension this is, among the staff `who` may post calls for.
    async fn agent_at(&self, who: &Principal, extension: &str) -> Result<String> {
        let unknown = || StorageError::field("extension", FieldErrorCode::UnknownReference);
        let agent = staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(&who.company_id))
            .filter(staff::Column::Extension.eq(extension))
            .filter(staff::Column::Active.eq(true))
            .one(&self.db)
            .await?
            .ok_or_else(unknown)?;
        if let ProjectScope::Only(ids) = &who.projects {
            let shared = staff_project::Entity::find()
                .filter(staff_project::Column::CompanyId.eq(&who.company_id))
                .filter(staff_project::Column::StaffId.eq(&agent.id))
                .filter(staff_project::Column::ProjectId.is_in(ids.clone()))
                .one(&self.db)
                .await?;
            if shared.is_none() {
                return Err(unknown());
            }
        }
        Ok(agent.id)
    }

    /// The caller's call on now at their extension (ringing or talking), the latest first.
    pub async fn current_call(
        &self,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Result<Option<call::Model>> {
        let open = [CallState::Ringing.as_str(), CallState::Answered.as_str()];
        let calls = call::Entity::find()
            .filter(call::Column::CompanyId.eq(&who.company_id))
            .filter(call::Column::StaffId.eq(&who.id))
            .filter(call::Column::State.is_in(open))
            .order_by_desc(call::Column::CreatedAt)
            .limit(RECENT_CALLS)
            .all(&self.db)
            .await?;
        Ok(calls.into_iter().find(|c| facts_of(c).is_on(now)))
    }

    /// The calls a ticket the caller sees keeps, oldest first: staff only (recordings are the
    /// desk's).
    pub async fn ticket_calls(&self, who: &Principal, ticket_id: &str) -> Result<Vec<call::Model>> {
        let t = self.ticket(who, ticket_id).await?;
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        Ok(call::Entity::find()
            .filter(call::Column::CompanyId.eq(&t.company_id))
            .filter(call::Column::TicketId.eq(&t.id))
            .order_by_asc(call::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }
}
