//! Team load (班组负荷): each technician's open jobs in a project (counted as automatic dispatch
//! weighs them), how many are late, and whether they are on duty now, for the supervisors' page;
//! and the escalated tickets a supervisor must look at.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guanjia_domain::sla::SlaState;
use guanjia_domain::ticket::Status;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::rosters::on_duty;
use crate::db::Store;
use crate::entity::{staff, team, team_member, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Page, PageRequest};
use crate::tickets::{clocks_in, visible_to};

/// Statuses in which a job counts as open work for its assignee.
pub(crate) const OPEN_WORK: [Status; 4] = [
    Status::Dispatched,
    Status::InProgress,
    Status::Suspended,
    Status::Reopened,
];

/// How many of a company's tickets matching `which` each assignee has (those without any are
/// left out).
async fn per_assignee(
    db: &impl ConnectionTrait,
    company_id: &str,
    which: Condition,
) -> Result<HashMap<String, u32>> {
    let counts: Vec<(String, i64)> = ticket::Entity::find()
        .select_only()
        .column(ticket::Column::AssigneeId)
        .column_as(ticket::Column::Id.count(), "jobs")
        .filter(ticket::Column::CompanyId.eq(company_id))
        .filter(which)
        .group_by(ticket::Column::AssigneeId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
        .collect())
}

/// How many open jobs each of `ids` carries (those without any are left out).
pub(crate) async fn open_jobs(
    db: &impl ConnectionTrait,
    company_id: &str,
    ids: &[String],
) -> Result<HashMap<String, u32>> {
    let open_statuses: Vec<&str> = OPEN_WORK.iter().map(|s| s.as_str()).collect();
    let which = Condition::all()
        .add(ticket::Column::AssigneeId.is_in(ids.to_vec()))
        .add(ticket::Column::Status.is_in(open_statuses));
    per_assignee(db, company_id, which).await
}

/// How many of each of `ids`'s open tickets in a project have a clock in `state` at `now`.
async fn late_jobs(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
    ids: &[String],
    state: SlaState,
    now: DateTime<Utc>,
) -> Result<HashMap<String, u32>> {
    let which = Condition::all()
        .add(ticket::Column::ProjectId.eq(project_id))
        .add(ticket::Column::AssigneeId.is_in(ids.to_vec()))
        .add(ticket::Column::Status.is_in(Status::open_codes()))
        .add(ticket::Column::Id.in_subquery(clocks_in(company_id, state, now)));
    per_assignee(db, company_id, which).await
}

/// A technician's load in a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub staff: staff::Model,
    /// The project's teams they are a member of.
    pub team_ids: Vec<String>,
    pub on_duty: bool,
    pub open_jobs: u32,
    /// Their open jobs in the project past an early warning, and past a deadline.
    pub warning: u32,
    pub breached: u32,
}

/// Supervisors, managers and admins watch the teams' load.
fn require_oversight(who: &Principal) -> Result<()> {
    if who.role.oversees() {
        Ok(())
    } else {
        Err(StorageError::Forbidden)
    }
}

impl Store {
    /// The active technicians of a project the caller oversees, with their open jobs and whether
    /// they are on duty at `at`, the least loaded first.
    pub async fn team_load(
        &self,
        who: &Principal,
        project_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<Load>> {
        require_oversight(who)?;
        let project = self.project(who, project_id).await?;
        let zone: Tz = project
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai);
        let technicians = self.technicians_of(&who.company_id, project_id).await?;
        let ids: Vec<String> = technicians.iter().map(|s| s.id.clone()).collect();
        let duty = on_duty(&self.db, &who.company_id, &ids, zone, at).await?;
        let open = open_jobs(&self.db, &who.company_id, &ids).await?;
        let warning = late_jobs(
            &self.db,
            &who.company_id,
            project_id,
            &ids,
            SlaState::Warning,
            at,
        )
        .await?;
        let breached = late_jobs(
            &self.db,
            &who.company_id,
            project_id,
            &ids,
            SlaState::Breached,
            at,
        )
        .await?;
        let teams: Vec<String> = team::Entity::find()
            .select_only()
            .column(team::Column::Id)
            .filter(team::Column::CompanyId.eq(&who.company_id))
            .filter(team::Column::ProjectId.eq(project_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let members = team_member::Entity::find()
            .filter(team_member::Column::CompanyId.eq(&who.company_id))
            .filter(team_member::Column::TeamId.is_in(teams))
            .filter(team_member::Column::StaffId.is_in(ids))
            .all(&self.db)
            .await?;
        let mut loads: Vec<Load> = technicians
            .into_iter()
            .zip(duty)
            .map(|(staff, on_duty)| Load {
                team_ids: members
                    .iter()
                    .filter(|m| m.staff_id == staff.id)
                    .map(|m| m.team_id.clone())
                    .collect(),
                open_jobs: open.get(&staff.id).copied().unwrap_or_default(),
                warning: warning.get(&staff.id).copied().unwrap_or_default(),
                breached: breached.get(&staff.id).copied().unwrap_or_default(),
                on_duty,
                staff,
            })
            .collect();
        loads.sort_by(|a, b| (a.open_jobs, &a.staff.name).cmp(&(b.open_jobs, &b.staff.name)));
        Ok(loads)
    }

    /// Tickets not yet closed that were escalated, by the SLA or as a risk, in the projects the
    /// caller oversees (or one of them): the most escalated first, then the newest.
    pub async fn escalations(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<ticket::Model>> {
        require_oversight(who)?;
        let finished: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| s.is_final())
            .map(|s| s.as_str())
            .collect();
        let escalated = Condition::any()
            .add(ticket::Column::EscalationLevel.gt(0))
            .add(ticket::Column::EscalationRisk.eq(true));
        let mut condition = visible_to(who)
            .add(escalated)
            .add(ticket::Column::Status.is_not_in(finished));
        if let Some(project_id) = project_id {
            condition = condition.add(ticket::Column::ProjectId.eq(project_id));
        }
        let query = ticket::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(ticket::Column::EscalationLevel)
            .order_by_desc(ticket::Column::CreatedAt)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }
}
