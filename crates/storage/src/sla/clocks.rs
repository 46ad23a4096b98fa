//! Keeping each ticket's stored clocks and scheduler steps in line with the domain's view of it:
//! after every change of the ticket (in the same transaction), and for all open tickets after a
//! policy or calendar changes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use guanjia_domain::sla::{
    ClockName, ClockState, StepKind, assignment_timeout_step, auto_close_step, risk_step, steps,
};
use guanjia_domain::ticket::Status;
use sea_orm::sea_query::{OnConflict, Query, UpdateStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::context::{SlaContext, facts_of};
use crate::db::Store;
use crate::dispatch::GRAB;
use crate::entity::{sla_clock, sla_step, ticket};
use crate::error::Result;
use crate::support::ForUpdate;
use crate::tickets::{NEXT_DUE_AT, earliest_open_due};

/// The `clock` of the step that escalates a ticket flagged with escalation risk.
pub(crate) const RISK: &str = "risk";

/// The `clock` of the step that closes a resolved ticket nobody rated.
const LOOP: &str = "loop";

/// The `clock` of a dispatched job's acceptance window, followed by `#` and the assignee.
pub(crate) const ASSIGNMENT: &str = "assignment";

/// The key under which a clock's steps are stored. The clocks that start again after each
/// rectification (follow-up, rectification, the auto-close) carry the round, so that a step
/// fired in an earlier round does not keep the same step of a later one from firing.
pub(crate) fn step_clock(name: &str, restarts: bool, round: i32) -> String {
    if restarts && round > 0 {
        format!("{name}#{round}")
    } else {
        name.to_owned()
    }
}

/// The clock name of a step's key.
pub(crate) fn clock_of_step(key: &str) -> &str {
    key.split('#').next().unwrap_or(key)
}

/// Open tickets recomputed per transaction when a policy or calendar changes.
const RECOMPUTE_BATCH: u64 = 500;

/// Brings the stored clocks and steps of `tickets` in line with `ctx`, inside the caller's
/// transaction. A step already fired is never touched, so it never fires twice.
pub(crate) async fn sync_clocks(
    db: &impl ConnectionTrait,
    ctx: &SlaContext,
    tickets: &[ticket::Model],
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(first) = tickets.first() else {
        return Ok(());
    };
    let company_id = first.company_id.clone();
    let ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
    let stored_clocks = sla_clock::Entity::find()
        .filter(sla_clock::Column::CompanyId.eq(&company_id))
        .filter(sla_clock::Column::TicketId.is_in(ids.clone()))
        .all(db)
        .await?;
    let stored_steps = sla_step::Entity::find()
        .filter(sla_step::Column::CompanyId.eq(&company_id))
        .filter(sla_step::Column::TicketId.is_in(ids))
        .all(db)
        .await?;
    write_clocks(db, ctx, tickets, &stored_clocks, &stored_steps, now).await
}

/// The clocks and steps of a ticket just written: [`sync_clocks`] without looking for stored
/// ones, as a new ticket has none (two reads fewer in every creation's write transaction).
pub(crate) async fn start_clocks(
    db: &impl ConnectionTrait,
    ctx: &SlaContext,
    ticket: &ticket::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    write_clocks(db, ctx, std::slice::from_ref(ticket), &[], &[], now).await
}

/// Writes what `tickets` should have given their stored clocks and steps: new and changed
/// clocks and steps, moved or removed steps not yet fired, and clocks no longer wanted.
async fn write_clocks(
    db: &impl ConnectionTrait,
    ctx: &SlaContext,
    tickets: &[ticket::Model],
    stored_clocks: &[sla_clock::Model],
    stored_steps: &[sla_step::Model],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut clocks_by_key: HashMap<(&str, &str), &sla_clock::Model> = stored_clocks
        .iter()
        .map(|c| ((c.ticket_id.as_str(), c.name.as_str()), c))
        .collect();
    let mut clock_rows = Vec::new();
    let mut new_steps = Vec::new();
    for t in tickets {
        // Steps wanted now: Some(time) to fire, None to wait (a paused clock).
        let mut wanted: HashMap<(String, String), Option<DateTime<Utc>>> = HashMap::new();
        let mut waiting: HashSet<String> = HashSet::new();
        for tc in ctx.clocks(t, now) {
            let name = tc.clock.name.as_str();
            let restarts = matches!(
                tc.clock.name,
                ClockName::FollowUp | ClockName::Rectification
            );
            let key = step_clock(name, restarts, t.reopen_count);
            let policy = ctx.policy(&tc.policy_id);
            let calendar = ctx.calendar(&tc.calendar_id, &t.project_id);
            let mut warn_at = None;
            if let (Some(policy), Some(calendar)) = (policy, calendar) {
                for step in steps(&tc.clock, &policy.spec, calendar) {
                    if matches!(step.kind, StepKind::Warning { .. }) {
                        warn_at = Some(
                            warn_at.map_or(step.fire_at, |w: DateTime<Utc>| w.min(step.fire_at)),
                        );
                    }
                    wanted.insert((key.clone(), step.kind.key()), Some(step.fire_at));
                }
            }
            if tc.clock.state == ClockState::Paused {
                waiting.insert(key.clone());
            }
            let row = sla_clock::Model {
                company_id: t.company_id.clone(),
                ticket_id: t.id.clone(),
                name: name.to_owned(),
                policy_id: tc.policy_id.clone(),
                calendar_id: tc.calendar_id.clone(),
                target: serde_json::json!(tc.target),
                started_at: tc.clock.started_at,
                due_at: tc.clock.due_at,
                warn_at,
                state: tc.clock.state.as_str().to_owned(),
                finished_at: tc.clock.finished_at,
            };
            if clocks_by_key.remove(&(t.id.as_str(), name)) != Some(&row) {
                clock_rows.push(row);
            }
        }
        if t.escalation_risk {
            let risk = risk_step(t.created_at);
            wanted.insert((RISK.to_owned(), risk.kind.key()), Some(risk.fire_at));
        }
        if let Some((traits, facts)) = facts_of(t) {
            if let Some(close) = auto_close_step(&facts, ctx.auto_close_days) {
                wanted.insert(
                    (step_clock(LOOP, true, t.reopen_count), close.kind.key()),
                    Some(close.fire_at),
                );
            }
            // One acceptance window per assignee: a job handed on gets a fresh one.
            if let (Some(assignee), Some(timeout)) = (
                &t.assignee_id,
                assignment_timeout_step(facts.status, traits.urgency, t.dispatched_at),
            ) {
                wanted.insert(
                    (format!("{ASSIGNMENT}#{assignee}"), timeout.kind.key()),
                    Some(timeout.fire_at),
                );
            }
        }
        // Stored steps: fired ones stay as they are; the rest move, wait, or go.
        let mine: Vec<&sla_step::Model> = stored_steps
            .iter()
            .filter(|s| s.ticket_id == t.id)
            .collect();
        for s in mine {
            let key = (s.clock.clone(), s.step.clone());
            let want = wanted.remove(&key);
            // Fired steps are history; a grab's fallback is the dispatcher's, not a clock's.
            if s.fired_at.is_some() || clock_of_step(&s.clock) == GRAB {
                continue;
            }
            let target = match want {
                Some(at) => Some(at),
                None if waiting.contains(&s.clock) => Some(None),
                None => None,
            };
            match target {
                Some(fire_at) if fire_at == s.fire_at => {}
                Some(fire_at) => {
                    let mut m: sla_step::ActiveModel = s.clone().into();
                    m.fire_at = Set(fire_at);
                    // A moved step is claimed afresh: a lease on the old time must not fire it.
                    m.lease_owner = Set(None);
                    m.lease_until = Set(None);
                    m.update(db).await?;
                }
                None => {
                    sla_step::Entity::delete_by_id((
                        s.company_id.clone(),
                        s.ticket_id.clone(),
                        s.clock.clone(),
                        s.step.clone(),
                    ))
                    .exec(db)
                    .await?;
                }
            }
        }
        for ((clock, step), fire_at) in wanted {
            new_steps.push(sla_step::ActiveModel {
                company_id: Set(t.company_id.clone()),
                ticket_id: Set(t.id.clone()),
                clock: Set(clock),
                step: Set(step),
                fire_at: Set(fire_at),
                fired_at: Set(None),
                lease_owner: Set(None),
                lease_until: Set(None),
            });
        }
    }
    // Clocks the tickets no longer have (a reopened ticket's follow-up clock).
    for gone in clocks_by_key.into_values() {
        sla_clock::Entity::delete_by_id((
            gone.company_id.clone(),
            gone.ticket_id.clone(),
            gone.name.clone(),
        ))
        .exec(db)
        .await?;
    }
    for chunk in clock_rows.chunks(300) {
        let rows = chunk.iter().cloned().map(sla_clock::ActiveModel::from);
        sla_clock::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    sla_clock::Column::CompanyId,
                    sla_clock::Column::TicketId,
                    sla_clock::Column::Name,
                ])
                .update_columns([
                    sla_clock::Column::PolicyId,
                    sla_clock::Column::CalendarId,
                    sla_clock::Column::Target,
                    sla_clock::Column::StartedAt,
                    sla_clock::Column::DueAt,
                    sla_clock::Column::WarnAt,
                    sla_clock::Column::State,
                    sla_clock::Column::FinishedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    for chunk in new_steps.chunks(300) {
        sla_step::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(db)
            .await?;
    }
    // The queue's order follows the clocks just stored: one statement for the whole batch.
    if let Some(first) = tickets.first() {
        let ids = tickets.iter().map(|t| t.id.clone()).collect();
        db.execute(&next_due_update(&first.company_id, ids)).await?;
    }
    Ok(())
}

/// Sets the tickets' `next_due_at` from their clocks as stored.
fn next_due_update(company_id: &str, ids: Vec<String>) -> UpdateStatement {
    Query::update()
        .table(ticket::Entity)
        .value(NEXT_DUE_AT, earliest_open_due())
        .and_where(ticket::Column::CompanyId.eq(company_id))
        .and_where(ticket::Column::Id.is_in(ids))
        .to_owned()
}

impl Store {
    /// Recomputes the clocks and steps of every open ticket of the company, in batches, after
    /// a policy, calendar or project calendar changed. Returns how many tickets were visited.
    pub async fn recompute_clocks(&self, company_id: &str, now: DateTime<Utc>) -> Result<u64> {
        let ctx = self.sla_context(company_id).await?;
        let open: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| !s.is_final())
            .map(|s| s.as_str())
            .collect();
        let mut after = String::new();
        let mut visited = 0;
        loop {
            // Read and write each batch in one transaction, so an action on one of its tickets
            // waits instead of being overwritten by clocks computed from its older state.
            let txn = self.begin_write().await?;
            let query = ticket::Entity::find()
                .filter(ticket::Column::CompanyId.eq(company_id))
                .filter(ticket::Column::Status.is_in(open.clone()))
                .filter(ticket::Column::Id.gt(after.clone()))
                .order_by_asc(ticket::Column::Id)
                .limit(RECOMPUTE_BATCH)
                .for_update(self.backend());
            let batch = query.all(&txn).await?;
            let Some(last) = batch.last() else { break };
            after = last.id.clone();
            visited += batch.len() as u64;
            sync_clocks(&txn, &ctx, &batch, now).await?;
            txn.commit().await?;
        }
        Ok(visited)
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;
    use crate::query_plan::sqlite_plan;

    #[tokio::test]
    async fn the_next_deadline_reads_only_the_tickets_own_clocks() {
        let update = DbBackend::Sqlite.build(&next_due_update("company", vec!["ticket".into()]));
        let plan = sqlite_plan(update).await;
        assert_eq!(
            plan.last().map(String::as_str),
            Some(
                "SEARCH c USING INDEX sqlite_autoindex_sla_clocks_1 (company_id=? AND ticket_id=?)"
            ),
            "the ticket's clocks by their primary key, not every counting clock of the company: {plan:?}"
        );
    }
}
