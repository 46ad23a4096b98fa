//! Automatic dispatch: the candidates of a job as the pipeline needs them, and its decision
//! written: an assignment through the state machine, or the dispatcher queue with the
//! supervisor told. Either way the explanation goes into the timeline and onto the ticket.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use guanjia_domain::dispatch::{
    Candidate, DEFAULT_CAPACITY, DEFAULT_GRAB_MINUTES, Decision, DispatchMode, Explanation, Job,
    Ranked, Redispatch, decide, rank,
};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::role::Role;
use guanjia_domain::sla::StepKind;
use guanjia_domain::sla::{Audience, Reach};
use guanjia_domain::ticket::{Action, Visibility};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
};
use serde_json::json;

use super::load::open_jobs;
use super::rosters::on_duty;
use crate::db::Store;
use crate::entity::{
    dispatch_offer, grid, project, room, sla_step, staff, staff_project, team_member, ticket,
};
use crate::error::{Result, StorageError};
use crate::notify::{audience_of, notify};
use crate::principal::Principal;
use crate::sla::SlaContext;
use crate::support::ForUpdate;
use crate::tickets::{SystemCause, timeline};

/// What the pipeline decided for a job, with its reasons, and how long a grab offer stands.
pub(crate) struct Plan {
    pub decision: Decision,
    pub grab_minutes: u32,
}

/// The `clock` of the step that ends a grab offer.
pub(crate) const GRAB: &str = "grab";

/// The step that gives an ungrabbed job to the least loaded technician; not one of the clocks'
/// steps, so keeping the clocks in line leaves it alone.
async fn schedule_grab_fallback(
    txn: &DatabaseTransaction,
    t: &ticket::Model,
    at: DateTime<Utc>,
) -> Result<()> {
    let row = sla_step::ActiveModel {
        company_id: Set(t.company_id.clone()),
        ticket_id: Set(t.id.clone()),
        clock: Set(format!("{GRAB}#{}", at.timestamp())),
        step: Set(StepKind::GrabTimeout.key()),
        fire_at: Set(Some(at)),
        fired_at: Set(None),
        lease_owner: Set(None),
        lease_until: Set(None),
    };
    sla_step::Entity::insert(row)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Who could take a job, best first, as automatic dispatch would see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub category: Option<String>,
    pub mode: DispatchMode,
    pub candidates: Vec<Ranked>,
}

/// What an automatic dispatch did.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatched {
    pub ticket: ticket::Model,
    /// Why: the facts the timeline keeps.
    pub explanation: Explanation,
    /// Whether it was assigned (false: queued for a dispatcher).
    pub assigned: bool,
}

impl Store {
    /// The active technicians of a project.
    pub(crate) async fn technicians_of(
        &self,
        company_id: &str,
        project_id: &str,
    ) -> Result<Vec<staff::Model>> {
        let members = staff_project::Entity::find()
            .select_only()
            .column(staff_project::Column::StaffId)
            .filter(staff_project::Column::CompanyId.eq(company_id))
            .filter(staff_project::Column::ProjectId.eq(project_id))
            .into_query();
        Ok(staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(company_id))
            .filter(staff::Column::Role.eq(Role::Technician.as_str()))
            .filter(staff::Column::Active.eq(true))
            .filter(staff::Column::Id.in_subquery(members))
            .all(&self.db)
            .await?)
    }

    /// The members of the teams of the grids that cover the ticket's place; None when no grid does.
    async fn grid_members(&self, t: &ticket::Model) -> Result<Option<Vec<String>>> {
        let building_id = match &t.room_id {
            Some(room_id) => room::Entity::find_by_id((t.company_id.clone(), room_id.clone()))
                .one(&self.db)
                .await?
                .map(|r| r.building_id),
            None => None,
        };
        let grids = grid::Entity::find()
            .filter(grid::Column::CompanyId.eq(&t.company_id))
            .filter(grid::Column::ProjectId.eq(&t.project_id))
            .all(&self.db)
            .await?;
        let covering: Vec<String> = grids
            .into_iter()
            .filter(|g| {
                let buildings: Vec<String> =
                    serde_json::from_value(g.building_ids.clone()).unwrap_or_default();
                buildings.is_empty() || building_id.as_ref().is_some_and(|b| buildings.contains(b))
            })
            .map(|g| g.team_id)
            .collect();
        if covering.is_empty() {
            return Ok(None);
        }
        let members = team_member::Entity::find()
            .filter(team_member::Column::CompanyId.eq(&t.company_id))
            .filter(team_member::Column::TeamId.is_in(covering))
            .all(&self.db)
            .await?;
        Ok(Some(members.into_iter().map(|m| m.staff_id).collect()))
    }

    /// The job and its candidates as the pipeline reads them, leaving out `excluded` (who let
    /// it time out); `mode` overrides the category's (least load after a grab). Also the minutes
    /// a grab offer stands.
    async fn job_and_candidates(
        &self,
        t: &ticket::Model,
        excluded: &[String],
        mode: Option<DispatchMode>,
        now: DateTime<Utc>,
    ) -> Result<(Job, Vec<Candidate>, u32)> {
        let project = project::Entity::find_by_id((t.company_id.clone(), t.project_id.clone()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("ticket"))?;
        let zone: Tz = project
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai);
        let category = match &t.category {
            Some(code) => Some(self.active_category(&t.company_id, code).await?),
            None => None,
        };
        let mode = mode.or_else(|| {
            category
                .as_ref()
                .and_then(|c| c.dispatch_mode.as_deref())
                .and_then(|m| m.parse().ok())
        });
        let grab_minutes = category
            .and_then(|c| c.grab_minutes)
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(DEFAULT_GRAB_MINUTES);
        let technicians: Vec<staff::Model> = self
            .technicians_of(&t.company_id, &t.project_id)
            .await?
            .into_iter()
            .filter(|s| !excluded.contains(&s.id))
            .collect();
        let ids: Vec<String> = technicians.iter().map(|s| s.id.clone()).collect();
        let duty = on_duty(&self.db, &t.company_id, &ids, zone, now).await?;
        let grid = self.grid_members(t).await?;
        let loads = open_jobs(&self.db, &t.company_id, &ids).await?;
        let candidates: Vec<Candidate> = technicians
            .iter()
            .zip(duty)
            .map(|(s, on_duty)| Candidate {
                id: s.id.clone(),
                name: s.name.clone(),
                skills: serde_json::from_value(s.skills.clone()).unwrap_or_default(),
                in_grid: grid.as_ref().is_none_or(|members| members.contains(&s.id)),
                on_duty,
                open_jobs: loads.get(&s.id).copied().unwrap_or_default(),
                last_assigned_at: s.last_assigned_at,
            })
            .collect();
        let job = Job {
            category: t.category.clone(),
            mode: mode.unwrap_or(DispatchMode::LeastLoad),
            capacity: DEFAULT_CAPACITY,
        };
        Ok((job, candidates, grab_minutes))
    }

    /// The pipeline's decision for a ticket, leaving out `excluded` (who let it time out), with
    /// its reasons; `mode` overrides the category's (least load after a grab).
    pub(crate) async fn plan_dispatch(
        &self,
        t: &ticket::Model,
        excluded: &[String],
        mode: Option<DispatchMode>,
        now: DateTime<Utc>,
    ) -> Result<Plan> {
        let (job, candidates, grab_minutes) =
            self.job_and_candidates(t, excluded, mode, now).await?;
        Ok(Plan {
            decision: decide(&job, &candidates),
            grab_minutes,
        })
    }

    /// The project's technicians for a ticket the caller (desk staff) can see, ranked as
    /// automatic dispatch would choose among them now, each with the facts of the judgement.
    pub async fn dispatch_candidates(
        &self,
        who: &Principal,
        ticket_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Ranking> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let t = self.ticket(who, ticket_id).await?;
        let (job, candidates, _) = self.job_and_candidates(&t, &[], None, now).await?;
        Ok(Ranking {
            category: job.category.clone(),
            mode: job.mode,
            candidates: rank(&job, &candidates),
        })
    }

    /// Runs the pipeline for a ticket the caller (desk staff) can see, and writes its decision.
    pub async fn auto_dispatch(
        &self,
        who: &Principal,
        ticket_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Dispatched> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let t = self.ticket(who, ticket_id).await?;
        let plan = self.plan_dispatch(&t, &[], None, now).await?;
        let explanation = plan.decision.explanation().clone();
        let ctx = self.sla_context(&t.company_id).await?;
        let txn = self.begin_write().await?;
        let find = ticket::Entity::find_by_id((t.company_id.clone(), t.id.clone()))
            .for_update(self.backend());
        let current = find
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("ticket"))?;
        let (ticket, assigned) = self
            .write_decision(&txn, who, current, plan, &ctx, now)
            .await?;
        txn.commit().await?;
        Ok(Dispatched {
            ticket,
            explanation,
            assigned,
        })
    }

    /// Writes a plan in the caller's transaction: the assignment through the state machine (a
    /// dispatch, or a transfer when the assignee let the window pass), the offers of a grab with
    /// the step that falls back to least load, or the queue with the supervisors told. The
    /// explanation is kept as facts, on the ticket and in the timeline, for each reader's words.
    /// Returns the ticket and whether it was assigned. Everything it reads comes through `txn`
    /// or was read before it began (`plan`, `ctx`): waiting for another connection while holding
    /// the write lock would freeze every writer on SQLite.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn write_decision(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        current: ticket::Model,
        plan: Plan,
        ctx: &SlaContext,
        now: DateTime<Utc>,
    ) -> Result<(ticket::Model, bool)> {
        let explanation = plan.decision.explanation().clone();
        let mut model: ticket::ActiveModel = current.into();
        model.dispatch_explanation = Set(Some(json!(explanation).to_string()));
        let current = model.update(txn).await?;
        Ok(match plan.decision {
            Decision::Assign { staff_id, .. } => {
                let assign = match explanation.after {
                    // 转单: the job moves from the one who let it lapse; the code says why.
                    Some(cause @ Redispatch::AssignmentTimedOut) => Action::Transfer {
                        assignee_id: Some(staff_id.clone()),
                        team_id: None,
                        reason: cause.as_str().to_owned(),
                    },
                    _ => Action::Dispatch {
                        assignee_id: Some(staff_id.clone()),
                        team_id: None,
                        note: None,
                    },
                };
                let updated = self
                    .apply_in(
                        txn,
                        who,
                        current,
                        &assign,
                        false,
                        Some(SystemCause::Dispatch(&explanation)),
                        ctx,
                        now,
                    )
                    .await?;
                staff::Entity::update_many()
                    .col_expr(staff::Column::LastAssignedAt, Expr::value(now))
                    .filter(staff::Column::CompanyId.eq(&updated.company_id))
                    .filter(staff::Column::Id.eq(&staff_id))
                    .exec(txn)
                    .await?;
                (updated, true)
            }
            Decision::Offer { staff_ids, .. } => {
                let offers = staff_ids.iter().map(|id| dispatch_offer::ActiveModel {
                    company_id: Set(current.company_id.clone()),
                    ticket_id: Set(current.id.clone()),
                    staff_id: Set(id.clone()),
                    offered_at: Set(now),
                });
                dispatch_offer::Entity::insert_many(offers)
                    .exec_without_returning(txn)
                    .await?;
                schedule_grab_fallback(
                    txn,
                    &current,
                    now + Duration::minutes(i64::from(plan.grab_minutes)),
                )
                .await?;
                timeline::record(
                    txn,
                    who,
                    &current,
                    "dispatch_offered",
                    Visibility::Internal,
                    json!({ "explanation": explanation, "offered": staff_ids }),
                    now,
                )
                .await?;
                notify(
                    txn,
                    &self.delivery,
                    (&current).into(),
                    &staff_ids,
                    NoticeKind::JobOffered,
                    &json!({ "ticket_number": current.number }),
                    now,
                )
                .await?;
                (current, false)
            }
            Decision::Queue { .. } => {
                timeline::record(
                    txn,
                    who,
                    &current,
                    "dispatch_queued",
                    Visibility::Internal,
                    json!({ "explanation": explanation }),
                    now,
                )
                .await?;
                let supervisors = Audience::Rung {
                    role: Role::Supervisor,
                    reach: Reach::Project,
                };
                let to = audience_of(txn, &current.company_id, &current.project_id, &supervisors)
                    .await?;
                notify(
                    txn,
                    &self.delivery,
                    (&current).into(),
                    &to,
                    NoticeKind::DispatchQueued,
                    &json!({ "ticket_number": current.number, "explanation": explanation }),
                    now,
                )
                .await?;
                (current, false)
            }
        })
    }
}
