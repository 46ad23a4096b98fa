//! The managers' dashboard: intake by day, open tickets by status, SLA compliance, first response
//! and satisfaction, over a period and per project. The period's tickets are read as day facts
//! (kept per project and local day, see `closed_loop::days`); what is open now is counted by the
//! database.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use guanjia_domain::sla::{ClockName, ClockState};
use guanjia_domain::ticket::Status;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
};

use crate::closed_loop::{ProjectDays, figures_projects};
use crate::code::Code;
use crate::db::Store;
use crate::entity::{sla_clock, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;

/// The status of a group of open tickets.
type OpenStatus = Code<Status, ticket::Entity>;

/// What the dashboard covers: the tickets reported in `[from, to)`, days counted in `zone`.
#[derive(Debug, Clone)]
pub struct DashboardQuery {
    /// One project, or every project the caller sees.
    pub project_id: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub zone: Tz,
}

/// SLA clocks of the period's tickets: the finished ones and how many met their deadline, and
/// those still open but already past due, which can no longer be met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compliance {
    pub met: u64,
    pub finished: u64,
    /// Not finished, and past due at the end of the period.
    pub open_late: u64,
}

impl Compliance {
    /// The share met among the clocks decided: finished, or open and late. 0–1; None when none
    /// is decided. Leaving late open clocks out would praise a desk for work it has not done.
    pub fn share(self) -> Option<f64> {
        let decided = self.finished + self.open_late;
        (decided > 0).then(|| self.met as f64 / decided as f64)
    }

    fn add_all(&mut self, other: Compliance) {
        self.met += other.met;
        self.finished += other.finished;
        self.open_late += other.open_late;
    }
}

/// An average over some tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mean {
    sum: f64,
    pub count: u64,
}

impl Mean {
    fn add_all(&mut self, other: Mean) {
        self.sum += other.sum;
        self.count += other.count;
    }

    pub fn value(self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// One project's line of the dashboard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFigures {
    pub reported: u64,
    /// Open now, whenever reported.
    pub open: u64,
    pub sla: Compliance,
    /// Wall-clock seconds from report to the first answer the resident saw.
    pub first_response_seconds: Mean,
    /// Overall rating, 1–5.
    pub csat: Mean,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Every day of the period in the query's zone, oldest first, with the tickets reported.
    pub reported_by_day: Vec<(NaiveDate, u64)>,
    /// Open tickets now by status, in the lifecycle's order; statuses with none left out.
    pub open_by_status: Vec<(Status, u64)>,
    /// Per clock name (`first_response`, `arrival`, …), in the order the clocks run: finished and
    /// met, and open and late.
    pub sla_by_clock: Vec<(String, Compliance)>,
    /// The period's weeks (from Monday) with the ratings of the tickets reported in them.
    pub csat_by_week: Vec<(NaiveDate, Mean)>,
    /// The whole scope, and each project by id.
    pub total: ProjectFigures,
    pub projects: BTreeMap<String, ProjectFigures>,
}

/// The tickets of the caller's scope, narrowed to one project when asked.
fn in_scope(who: &Principal, project_id: Option<&str>) -> Result<Condition> {
    let mut scope = Condition::all().add(ticket::Column::CompanyId.eq(&who.company_id));
    if let Some(ids) = figures_projects(who, project_id)? {
        scope = scope.add(ticket::Column::ProjectId.is_in(ids));
    }
    Ok(scope)
}

/// A clock belongs to its ticket (the entities declare no relations: joins are spelled out).
fn clock_ticket() -> RelationDef {
    sla_clock::Entity::belongs_to(ticket::Entity)
        .from((sla_clock::Column::CompanyId, sla_clock::Column::TicketId))
        .to((ticket::Column::CompanyId, ticket::Column::Id))
        .into()
}

impl Store {
    pub async fn dashboard(&self, who: &Principal, query: &DashboardQuery) -> Result<Dashboard> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let projects = figures_projects(who, query.project_id.as_deref())?;
        let scope = in_scope(who, query.project_id.as_deref())?;
        let open = Status::open_codes();
        // The period's tickets as day facts: read in time bounded by its days, not its tickets.
        let days = self.project_days(&who.company_id, projects.as_ref(), query.from, query.to);
        let late_scope = scope.clone();
        let open_now = async {
            Ok(ticket::Entity::find()
                .select_only()
                .columns([ticket::Column::ProjectId, ticket::Column::Status])
                .column_as(Expr::col(ticket::Column::Id).count(), "n")
                .filter(scope.clone())
                .filter(ticket::Column::Status.is_in(open))
                .group_by(ticket::Column::ProjectId)
                .group_by(ticket::Column::Status)
                .into_tuple::<(String, OpenStatus, i64)>()
                .all(&self.db)
                .await?)
        };
        // From the clocks still counting (few, by their state's index) to their tickets.
        let counting = [
            ClockState::Running,
            ClockState::Paused,
            ClockState::Breached,
        ]
        .map(|s| s.as_str());
        let late = async {
            Ok(sla_clock::Entity::find()
                .select_only()
                .column(ticket::Column::ProjectId)
                .column(sla_clock::Column::Name)
                .column_as(
                    Expr::col((sla_clock::Entity, sla_clock::Column::TicketId)).count(),
                    "n",
                )
                .join(JoinType::InnerJoin, clock_ticket())
                .filter(sla_clock::Column::CompanyId.eq(&who.company_id))
                .filter(sla_clock::Column::State.is_in(counting))
                .filter(sla_clock::Column::FinishedAt.is_null())
                .filter(sla_clock::Column::DueAt.lt(query.to))
                .filter(late_scope)
                .filter(ticket::Column::ReportedAt.gte(query.from))
                .filter(ticket::Column::ReportedAt.lt(query.to))
                .filter(ticket::Column::Status.ne(Status::Cancelled.as_str()))
                .group_by(ticket::Column::ProjectId)
                .group_by(sla_clock::Column::Name)
                .into_tuple::<(String, String, i64)>()
                .all(&self.db)
                .await?)
        };
        let (days, open_now, late) = tokio::try_join!(days, open_now, late)?;
        Ok(tally(query, &days, &open_now, &late))
    }
}

/// Sums the days and counts read.
fn tally(
    query: &DashboardQuery,
    days: &ProjectDays,
    open_now: &[(String, OpenStatus, i64)],
    late: &[(String, String, i64)],
) -> Dashboard {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let local = |at: DateTime<Utc>| at.with_timezone(&query.zone).date_naive();
    let (first_day, last_day) = (local(query.from), local(query.to - Duration::seconds(1)));
    let monday =
        |day: NaiveDate| day - Duration::days(i64::from(day.weekday().num_days_from_monday()));

    let mut by_day: BTreeMap<NaiveDate, u64> = first_day
        .iter_days()
        .take_while(|d| *d <= last_day)
        .map(|d| (d, 0))
        .collect();
    let mut by_week: BTreeMap<NaiveDate, Mean> = by_day
        .keys()
        .map(|d| (monday(*d), Mean::default()))
        .collect();
    let mut projects: BTreeMap<String, ProjectFigures> = BTreeMap::new();
    let mut total = ProjectFigures::default();
    let mut by_clock: BTreeMap<String, Compliance> = BTreeMap::new();
    for (project, day, facts) in days {
        let c = &facts.counts;
        *by_day.entry(*day).or_default() += c.tickets;
        let ratings = Mean {
            sum: c.rating_sum as f64,
            count: c.rated,
        };
        let responses = Mean {
            sum: facts
                .first_update
                .iter()
                .map(|ms| Ord::max(*ms, 0) as f64 / 1000.0)
                .sum(),
            count: facts.first_update.len() as u64,
        };
        let line = projects.entry(project.clone()).or_default();
        for figures in [&mut total, line] {
            figures.reported += c.tickets;
            figures.first_response_seconds.add_all(responses);
            figures.csat.add_all(ratings);
        }
        by_week.entry(monday(*day)).or_default().add_all(ratings);
        for (name, tally) in &facts.clocks {
            let finished = Compliance {
                met: tally.met,
                finished: tally.finished,
                open_late: 0,
            };
            by_clock
                .entry(name.as_str().to_owned())
                .or_default()
                .add_all(finished);
            projects
                .entry(project.clone())
                .or_default()
                .sla
                .add_all(finished);
            total.sla.add_all(finished);
        }
    }
    let mut by_status: BTreeMap<usize, (Status, u64)> = BTreeMap::new();
    for (project, status, n) in open_now {
        let status = **status;
        let order = Status::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or(usize::MAX);
        by_status.entry(order).or_insert((status, 0)).1 += count(*n);
        projects.entry(project.clone()).or_default().open += count(*n);
        total.open += count(*n);
    }
    for (project, name, n) in late {
        by_clock.entry(name.clone()).or_default().open_late += count(*n);
        projects.entry(project.clone()).or_default().sla.open_late += count(*n);
        total.sla.open_late += count(*n);
    }
    Dashboard {
        reported_by_day: by_day.into_iter().collect(),
        open_by_status: by_status.into_values().collect(),
        sla_by_clock: {
            let mut clocks: Vec<_> = by_clock.into_iter().collect();
            clocks.sort_by_key(|(name, _)| ClockName::ALL.iter().position(|c| c.as_str() == name));
            clocks
        },
        csat_by_week: by_week.into_iter().collect(),
        total,
        projects,
    }
}
