//! The scheduler's sweep: claim due steps with a lease, then fire each in its own transaction.
//!
//! Exactly once, with any number of nodes: a step is claimed only when nobody holds a live lease
//! on it (PostgreSQL skips rows another node is claiming), and it fires only if, inside the
//! transaction that writes its timeline entry and notifications, the conditional update
//! "fired_at is null, still leased by me, still due" changes its row. A node that dies after
//! claiming leaves the lease to expire, and another node fires the step. A step missed while
//! every node was down is simply due, and fires on the first sweep after start.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::sla::{Audience, ClockName, EscalationStep, Reach, StaffRef, StepKind, recipients};
use guanjia_domain::role::Role;
use guanjia_domain::ticket::Visibility;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::clocks::RISK;
use crate::db::Store;
use crate::entity::{notification, sla_clock, sla_step, staff, staff_project, ticket, ticket_event};
use crate::error::Result;
use crate::support::new_id;

/// How long a claim holds before another node may take the step over.
pub const LEASE: Duration = Duration::seconds(60);

/// The actor role written on timeline entries the scheduler makes.
const SYSTEM: &str = "system";

impl Store {
    /// Claims up to `limit` due steps for `node` and fires them. Returns how many fired here.
    pub async fn sweep_sla(&self, node: &str, now: DateTime<Utc>, limit: u64) -> Result<usize> {
        let claimed = self.claim_steps(node, now, limit).await?;
        let mut fired = 0;
        for step in claimed {
            if self.fire_step(node, &step, now).await? {
                fired += 1;
            }
        }
        Ok(fired)
    }

    async fn claim_steps(&self, node: &str, now: DateTime<Utc>, limit: u64) -> Result<Vec<sla_step::Model>> {
        let txn = self.begin_write().await?;
        let free = Condition::any().add(sla_step::Column::LeaseUntil.is_null()).add(sla_step::Column::LeaseUntil.lt(now));
        let mut query = sla_step::Entity::find()
            .filter(sla_step::Column::FireAt.lte(now))
            .filter(free)
            .order_by_asc(sla_step::Column::FireAt)
            .limit(limit);
        if self.backend() == DbBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
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
    async fn fire_step(&self, node: &str, step: &sla_step::Model, now: DateTime<Utc>) -> Result<bool> {
        let ctx = self.sla_context(&step.company_id).await?;
        let txn = self.begin_write().await?;
        let mine = sla_step::Entity::update_many()
            .col_expr(sla_step::Column::FiredAt, Expr::value(now))
            .col_expr(sla_step::Column::FireAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(sla_step::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(sla_step::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(step_key(step))
            .filter(sla_step::Column::FiredAt.is_null())
            .filter(sla_step::Column::LeaseOwner.eq(node))
            .filter(sla_step::Column::FireAt.lte(now))
            .exec(&txn)
            .await?;
        if mine.rows_affected != 1 {
            return Ok(false);
        }
        let mut find = ticket::Entity::find_by_id((step.company_id.clone(), step.ticket_id.clone()));
        if self.backend() == DbBackend::Postgres {
            find = find.lock_exclusive();
        }
        let Some(t) = find.one(&txn).await? else { return Ok(false) };
        let Some(kind) = StepKind::parse(&step.step) else {
            txn.commit().await?;
            return Ok(false);
        };
        let clock_row = sla_clock::Entity::find_by_id((step.company_id.clone(), step.ticket_id.clone(), step.clock.clone())).one(&txn).await?;
        let (notice, audience, level) = match kind {
            StepKind::Warning { .. } => (
                "sla_warning",
                Audience::Handlers { assignee_id: t.assignee_id.clone(), owner_id: t.first_contact_owner_id.clone() },
                None,
            ),
            StepKind::Escalation { level } => {
                let rung = clock_row
                    .as_ref()
                    .and_then(|c| ctx.policy(&c.policy_id))
                    .and_then(|p| p.spec.escalation.iter().find(|r| r.level == level).copied())
                    .unwrap_or(EscalationStep { level, after_minutes: 0, notify: Role::Supervisor, reach: Reach::Project });
                let notice = if step.clock == RISK { "escalation_risk" } else { "sla_escalation" };
                (notice, Audience::Rung { role: rung.notify, reach: rung.reach }, Some(level))
            }
        };
        let staff = staff_refs(&txn, &t.company_id).await?;
        let to = recipients(&audience, &t.project_id, &staff);
        let details = json!({
            "ticket_number": t.number,
            "clock": step.clock.parse::<ClockName>().ok(),
            "step": step.step,
            "due_at": clock_row.as_ref().map(|c| c.due_at),
            "level": level,
            "recipients": to,
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
            action: Set(notice.to_owned()),
            from_status: Set(Some(t.status.clone())),
            to_status: Set(Some(t.status.clone())),
            visibility: Set(Visibility::Internal.as_str().to_owned()),
            details: Set(details.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let rows: Vec<notification::ActiveModel> = to
            .iter()
            .map(|recipient| notification::ActiveModel {
                company_id: Set(t.company_id.clone()),
                id: Set(new_id()),
                recipient_id: Set(recipient.clone()),
                kind: Set(notice.to_owned()),
                ticket_id: Set(Some(t.id.clone())),
                details: Set(details.clone()),
                created_at: Set(now),
                read_at: Set(None),
                delivered_at: Set(None),
            })
            .collect();
        if !rows.is_empty() {
            notification::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
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

/// The company's active staff as the audience rules see them.
async fn staff_refs(db: &impl ConnectionTrait, company_id: &str) -> Result<Vec<StaffRef>> {
    let people = staff::Entity::find()
        .filter(staff::Column::CompanyId.eq(company_id))
        .filter(staff::Column::Active.eq(true))
        .all(db)
        .await?;
    let links = staff_project::Entity::find().filter(staff_project::Column::CompanyId.eq(company_id)).all(db).await?;
    Ok(people
        .into_iter()
        .filter_map(|s| {
            let role = s.role.parse().ok()?;
            let project_ids = links.iter().filter(|l| l.staff_id == s.id).map(|l| l.project_id.clone()).collect();
            Some(StaffRef { id: s.id, role, project_ids })
        })
        .collect())
}
