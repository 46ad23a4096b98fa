//! The managers' dashboard: intake by day, open tickets by status, SLA compliance, first response
//! and satisfaction, over a period and per project. Counting is done by the database (GROUP BY)
//! where SQL is the same on SQLite and PostgreSQL; only day and week buckets, whose SQL differs,
//! are made here from the few columns read.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use guanjia_domain::sla::{ClockName, ClockState};
use guanjia_domain::ticket::Status;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
};

use crate::closed_loop::figures_projects;
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

    fn add(&mut self, met: bool, count: u64) {
        self.finished += count;
        if met {
            self.met += count;
        }
    }
}

/// An average over some tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mean {
    sum: f64,
    pub count: u64,
}

impl Mean {
    fn add(&mut self, value: f64) {
        self.sum += value;
        self.count += 1;
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

/// A ticket reported in the period: project, reported, first responded, rating.
type Reported = (String, DateTime<Utc>, Option<DateTime<Utc>>, Option<i32>);
/// Finished clocks of a project with one name and final state, and how many.
type Clocks = (String, String, String, i64);

impl Store {
    pub async fn dashboard(&self, who: &Principal, query: &DashboardQuery) -> Result<Dashboard> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let scope = in_scope(who, query.project_id.as_deref())?;
        let period = Condition::all()
            .add(ticket::Column::ReportedAt.gte(query.from))
            .add(ticket::Column::ReportedAt.lt(query.to))
            .add(ticket::Column::Status.ne(Status::Cancelled.as_str()));
        let open = Status::open_codes();

        let reported = ticket::Entity::find()
            .select_only()
            .columns([
                ticket::Column::ProjectId,
                ticket::Column::ReportedAt,
                ticket::Column::FirstRespondedAt,
                ticket::Column::Satisfaction,
            ])
            .filter(scope.clone())
            .filter(period.clone())
            .into_tuple::<Reported>()
            .all(&self.db);
        let open_now = ticket::Entity::find()
            .select_only()
            .columns([ticket::Column::ProjectId, ticket::Column::Status])
            .column_as(Expr::col(ticket::Column::Id).count(), "n")
            .filter(scope.clone())
            .filter(ticket::Column::Status.is_in(open))
            .group_by(ticket::Column::ProjectId)
            .group_by(ticket::Column::Status)
            .into_tuple::<(String, OpenStatus, i64)>()
            .all(&self.db);
        let (late_scope, late_period) = (scope.clone(), period.clone());
        let clocks = sla_clock::Entity::find()
            .select_only()
            .column(ticket::Column::ProjectId)
            .columns([sla_clock::Column::Name, sla_clock::Column::State])
            .column_as(
                Expr::col((sla_clock::Entity, sla_clock::Column::TicketId)).count(),
                "n",
            )
            .join(JoinType::InnerJoin, clock_ticket())
            .filter(scope)
            .filter(period)
            .filter(sla_clock::Column::FinishedAt.is_not_null())
            .group_by(ticket::Column::ProjectId)
            .group_by(sla_clock::Column::Name)
            .group_by(sla_clock::Column::State)
            .into_tuple::<Clocks>()
            .all(&self.db);
        let late = sla_clock::Entity::find()
            .select_only()
            .column(ticket::Column::ProjectId)
            .column(sla_clock::Column::Name)
            .column_as(
                Expr::col((sla_clock::Entity, sla_clock::Column::TicketId)).count(),
                "n",
            )
            .join(JoinType::InnerJoin, clock_ticket())
            .filter(late_scope)
            .filter(late_period)
            .filter(sla_clock::Column::FinishedAt.is_null())
            .filter(sla_clock::Column::DueAt.lt(query.to))
            .group_by(ticket::Column::ProjectId)
            .group_by(sla_clock::Column::Name)
            .into_tuple::<(String, String, i64)>()
            .all(&self.db);
        let (reported, open_now, clocks, late) =
            tokio::try_join!(reported, open_now, clocks, late)?;
        Ok(tally(query, &reported, &open_now, &clocks, &late))
    }
}

/// Buckets and sums the rows read.
fn tally(
    query: &DashboardQuery,
    reported: &[Reported],
    open_now: &[(String, OpenStatus, i64)],
    clocks: &[Clocks],
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
    for (project, reported_at, responded_at, satisfaction) in reported {
        let day = local(*reported_at);
        *by_day.entry(day).or_default() += 1;
        let line = projects.entry(project.clone()).or_default();
        for figures in [&mut total, line] {
            figures.reported += 1;
            if let Some(responded) = responded_at {
                figures
                    .first_response_seconds
                    .add(Ord::max((*responded - *reported_at).num_seconds(), 0) as f64);
            }
            if let Some(rating) = satisfaction {
                figures.csat.add(f64::from(*rating));
            }
        }
        if let Some(rating) = satisfaction {
            by_week
                .entry(monday(day))
                .or_default()
                .add(f64::from(*rating));
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
    let mut by_clock: BTreeMap<String, Compliance> = BTreeMap::new();
    for (project, name, state, n) in clocks {
        let met = *state == ClockState::Met.as_str();
        by_clock
            .entry(name.clone())
            .or_default()
            .add(met, count(*n));
        projects
            .entry(project.clone())
            .or_default()
            .sla
            .add(met, count(*n));
        total.sla.add(met, count(*n));
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
