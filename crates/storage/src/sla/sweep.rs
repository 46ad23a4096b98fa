//! The scheduler's sweep: claim due steps with a lease, then fire each in its own transaction.
//!
//! Exactly once, with any number of nodes: a step is claimed only when nobody holds a live lease
//! on it (PostgreSQL skips rows another node is claiming), and it fires only if, inside the
//! transaction that writes its timeline entry and notifications, the conditional update
//! "fired_at is null, still leased by me, still due" changes its row. A node that dies after
//! claiming leaves the lease to expire, and another node fires the step. A step missed while
//! every node was down is simply due, and fires on the first sweep after start.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::dispatch::{DispatchMode, Redispatch};
use guanjia_domain::machine::webhook::WebhookEvent;
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::role::Role;
use guanjia_domain::sla::{Audience, ClockName, EscalationStep, Reach, StepKind};
use guanjia_domain::ticket::{Action, Status, Visibility};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::clocks::{RISK, clock_of_step};
use super::context::SlaContext;
use crate::db::Store;
use crate::dispatch::Plan;
use crate::entity::{dispatch_offer, sla_clock, sla_step, ticket, ticket_event};
use crate::error::{Result, StorageError};
use crate::notify::{audience_of, notify};
use crate::principal::Principal;
use crate::support::{ForUpdate, new_id};
use crate::tickets::SystemCause;
use crate::webhooks::{Event, emit, ticket_data};

/// How long a claim holds before another node may take the step over.
pub const LEASE: Duration = Duration::seconds(60);

/// The actor role written on timeline entries the scheduler makes.
const SYSTEM: &str = "system";

/// Who closes tickets on the scheduler's behalf, in the timeline.
const SCHEDULER: &str = "scheduler";

impl Store {
    /// Claims up to `limit` due steps for `node` and fires them. Returns how many fired here; a
    /// step that fails is logged and left to its lease.
    pub async fn sweep_sla(&self, node: &str, now: DateTime<Utc>, limit: u64) -> Result<usize> {
        let claimed = self.claim_steps(node, now, limit).await?;
        let mut fired = 0;
        for step in claimed {
            match self.fire_step(node, &step, now).await {
                Ok(true) => fired += 1,
                Ok(false) => {}
                // One step that cannot fire now must neither hold back the rest of the round nor
                // hide the steps that did fire from the count: it keeps its lease and is claimed
                // again when that runs out.
                Err(e) => tracing::warn!(
                    error = %e, ticket_id = %step.ticket_id, step = %step.step,
                    "an SLA step failed to fire; it is tried again when its lease ends"
                ),
            }
        }
        Ok(fired)
    }

    async fn claim_steps(
        &self,
        node: &str,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<sla_step::Model>> {
        let txn = self.begin_write().await?;
        let free = Condition::any()
            .add(sla_step::Column::LeaseUntil.is_null())
            .add(sla_step::Column::LeaseUntil.lt(now));
        let query = sla_step::Entity::find()
            .filter(sla_step::Column::FireAt.lte(now))
            .filter(free)
            .order_by_asc(sla_step::Column::FireAt)
            .limit(limit)
            .for_update_skip_locked(self.backend());
        let due = query.all(&txn).await?;
        if due.is_empty() {
            return Ok(due);
        }
        let mut keys = Condition::any();
        for s in &due {
            keys = keys.add(step_key(s));
        }
        sla_step::Entity::update_many()
            .col_expr(sla_step::Column::LeaseOwner, Expr::value(node))
            .col_expr(sla_step::Column::LeaseUntil, Expr::value(now + LEASE))
            .filter(keys)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(due)
    }

    /// Fires one claimed step, or does nothing if it moved, went, or fired elsewhere meanwhile.
    async fn fire_step(
        &self,
        node: &str,
        step: &sla_step::Model,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // Everything read through the pool is read before the write transaction begins: waiting
        // for another connection while holding SQLite's write lock would freeze every writer.
        let ctx = self.sla_context(&step.company_id).await?;
        let replan = match StepKind::parse(&step.step) {
            Some(StepKind::AssignmentTimeout) => {
                self.plan_ahead(step, &[late_assignee(&step.clock)], None, now)
                    .await?
            }
            Some(StepKind::GrabTimeout) => {
                self.plan_ahead(step, &[], Some(DispatchMode::LeastLoad), now)
                    .await?
            }
            _ => None,
        };
        let txn = self.begin_write().await?;
        let mine = sla_step::Entity::update_many()
            .col_expr(sla_step::Column::FiredAt, Expr::value(now))
            .col_expr(
                sla_step::Column::FireAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                sla_step::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                sla_step::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(step_key(step))
            .filter(sla_step::Column::FiredAt.is_null())
            .filter(sla_step::Column::LeaseOwner.eq(node))
            .filter(sla_step::Column::FireAt.lte(now))
            .exec(&txn)
            .await?;
        if mine.rows_affected != 1 {
            return Ok(false);
        }
        let find = ticket::Entity::find_by_id((step.company_id.clone(), step.ticket_id.clone()))
            .for_update(self.backend());
        let Some(t) = find.one(&txn).await? else {
            return Ok(false);
        };
        let Some(kind) = StepKind::parse(&step.step) else {
            txn.commit().await?;
            return Ok(false);
        };
        let clock = clock_of_step(&step.clock).to_owned();
        let clock_row = sla_clock::Entity::find_by_id((
            step.company_id.clone(),
            step.ticket_id.clone(),
            clock.clone(),
        ))
        .one(&txn)
        .await?;
        let (notice, audience, level, role) = match kind {
            StepKind::Warning { .. } => (
                NoticeKind::SlaWarning,
                Audience::Handlers {
                    assignee_id: t.assignee_id.clone(),
                    owner_id: t.first_contact_owner_id.clone(),
                },
                None,
                None,
            ),
            StepKind::Escalation { level } => {
                let rung = clock_row
                    .as_ref()
                    .and_then(|c| ctx.policy(&c.policy_id))
                    .and_then(|p| p.spec.escalation.iter().find(|r| r.level == level).copied())
                    .unwrap_or(EscalationStep {
                        level,
                        after_minutes: 0,
                        notify: Role::Supervisor,
                        reach: Reach::Project,
                    });
                let notice = if step.clock == RISK {
                    NoticeKind::EscalationRisk
                } else {
                    NoticeKind::SlaEscalation
                };
                (
                    notice,
                    Audience::Rung {
                        role: rung.notify,
                        reach: rung.reach,
                    },
                    Some(level),
                    Some(rung.notify),
                )
            }
            StepKind::AutoClose => return self.auto_close(txn, t, &ctx, now).await,
            StepKind::AssignmentTimeout => {
                return self
                    .assignment_timed_out(txn, t, &step.clock, replan, &ctx, now)
                    .await;
            }
            StepKind::GrabTimeout => return self.grab_timed_out(txn, t, replan, &ctx, now).await,
        };
        let to = audience_of(&txn, &t.company_id, &t.project_id, &audience).await?;
        let clock_name = clock.parse::<ClockName>().ok();
        // How far past due the clock is now, in the business time its badge counts.
        let late_seconds = clock_name
            .and_then(|name| {
                ctx.clocks(&t, now)
                    .into_iter()
                    .find(|tc| tc.clock.name == name)
            })
            .and_then(|tc| tc.clock.remaining)
            .map(|left| -left.num_seconds())
            .filter(|late| *late > 0);
        let percent = match kind {
            StepKind::Warning { percent } => Some(percent),
            _ => None,
        };
        let details = json!({
            "ticket_number": t.number,
            "clock": clock_name,
            "step": step.step,
            "due_at": clock_row.as_ref().map(|c| c.due_at),
            "percent": percent,
            "late_seconds": late_seconds,
            "level": level,
            "recipients": to,
            // The rung's role: how the timeline names recipients its reader cannot see.
            "recipient_role": role,
        });
        if let Some(level) = level {
            let level = i32::from(level);
            if level > t.escalation_level {
                let mut m: ticket::ActiveModel = t.clone().into();
                m.escalation_level = Set(level);
                m.update(&txn).await?;
            }
        }
        ticket_event::ActiveModel {
            company_id: Set(t.company_id.clone()),
            id: Set(new_id()),
            ticket_id: Set(t.id.clone()),
            actor_id: Set(None),
            actor_role: Set(SYSTEM.to_owned()),
            action: Set(notice.as_str().to_owned()),
            from_status: Set(Some((*t.status).into())),
            to_status: Set(Some((*t.status).into())),
            visibility: Set(Visibility::Internal.into()),
            details: Set(details.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let event = match (kind, notice) {
            (StepKind::Warning { .. }, _) => Some(WebhookEvent::SlaWarning),
            (_, NoticeKind::SlaEscalation) => Some(WebhookEvent::SlaBreached),
            _ => None,
        };
        if let Some(event) = event {
            let data = json!({
                "ticket": ticket_data(&t), "clock": clock_name, "due_at": details["due_at"],
                "percent": percent, "late_seconds": late_seconds, "level": level,
            });
            let e = Event {
                company_id: t.company_id.clone(),
                project_id: t.project_id.clone(),
                order_key: t.id.clone(),
                event,
                internal: false,
                data,
            };
            emit(&txn, &self.webhooks, e, now).await?;
        }
        notify(
            &txn,
            &self.delivery,
            (&t).into(),
            &to,
            notice,
            &details,
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// Closes a resolved ticket nobody rated, as the system. A ticket that moved on meanwhile is
    /// left as it is; the step is spent either way.
    async fn auto_close(
        &self,
        txn: DatabaseTransaction,
        t: ticket::Model,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let system = Principal::system(&t.company_id, SCHEDULER);
        let close = Action::Close { note: None };
        match self
            .apply_in(
                &txn,
                &system,
                t,
                &close,
                false,
                Some(SystemCause::Step(StepKind::AutoClose)),
                ctx,
                now,
            )
            .await
        {
            Ok(_) => {
                txn.commit().await?;
                Ok(true)
            }
            Err(StorageError::Lifecycle(_)) => {
                txn.commit().await?;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}

/// Who let the acceptance window pass: the step's key is `assignment#STAFF_ID`.
fn late_assignee(key: &str) -> String {
    key.split_once('#')
        .map(|(_, assignee)| assignee.to_owned())
        .unwrap_or_default()
}

impl Store {
    /// The dispatch a timed-out step will write, planned from the ticket as it is before the
    /// step's transaction begins (which checks again that the ticket still waits); None when the
    /// ticket is gone.
    async fn plan_ahead(
        &self,
        step: &sla_step::Model,
        excluded: &[String],
        mode: Option<DispatchMode>,
        now: DateTime<Utc>,
    ) -> Result<Option<Plan>> {
        let found = ticket::Entity::find_by_id((step.company_id.clone(), step.ticket_id.clone()))
            .one(&self.db)
            .await?;
        match found {
            Some(t) => Ok(Some(self.plan_dispatch(&t, excluded, mode, now).await?)),
            None => Ok(None),
        }
    }

    /// The assignee let the acceptance window pass: the job goes to the next candidate (or waits
    /// in the queue), and the supervisors are told either way.
    async fn assignment_timed_out(
        &self,
        txn: DatabaseTransaction,
        t: ticket::Model,
        key: &str,
        plan: Option<Plan>,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let late = late_assignee(key);
        let Some(mut plan) = plan.filter(|_| {
            t.status == Status::Dispatched && t.assignee_id.as_deref() == Some(late.as_str())
        }) else {
            txn.commit().await?;
            return Ok(false);
        };
        plan.decision = plan.decision.after(Redispatch::AssignmentTimedOut);
        let explanation = plan.decision.explanation().clone();
        let system = Principal::system(&t.company_id, SCHEDULER);
        let (updated, _) = self
            .write_decision(&txn, &system, t, plan, ctx, now)
            .await?;
        let supervisors = Audience::Rung {
            role: Role::Supervisor,
            reach: Reach::Project,
        };
        let to = audience_of(&txn, &updated.company_id, &updated.project_id, &supervisors).await?;
        let details =
            json!({ "ticket_number": updated.number, "late": late, "explanation": explanation });
        notify(
            &txn,
            &self.delivery,
            (&updated).into(),
            &to,
            NoticeKind::AssignmentTimeout,
            &details,
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// Nobody grabbed the offered job in time: the offers end and least load decides.
    async fn grab_timed_out(
        &self,
        txn: DatabaseTransaction,
        t: ticket::Model,
        plan: Option<Plan>,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let offered = dispatch_offer::Entity::delete_many()
            .filter(dispatch_offer::Column::CompanyId.eq(&t.company_id))
            .filter(dispatch_offer::Column::TicketId.eq(&t.id))
            .exec(&txn)
            .await?;
        let Some(mut plan) = plan.filter(|_| t.assignee_id.is_none() && offered.rows_affected > 0)
        else {
            txn.commit().await?;
            return Ok(false);
        };
        plan.decision = plan.decision.after(Redispatch::GrabTimedOut);
        let system = Principal::system(&t.company_id, SCHEDULER);
        self.write_decision(&txn, &system, t, plan, ctx, now)
            .await?;
        txn.commit().await?;
        Ok(true)
    }
}

fn step_key(s: &sla_step::Model) -> Condition {
    Condition::all()
        .add(sla_step::Column::CompanyId.eq(&s.company_id))
        .add(sla_step::Column::TicketId.eq(&s.ticket_id))
        .add(sla_step::Column::Clock.eq(&s.clock))
        .add(sla_step::Column::Step.eq(&s.step))
}
