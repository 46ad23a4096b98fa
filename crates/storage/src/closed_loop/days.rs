//! Day facts in the database (日汇总): summed from a day's tickets, kept in `ticket_days`, summed
//! again wherever the triggers marked a change (`ticket_day_marks`), and read back for a period:
//! whole days from what was kept, the period's partial days and any day still marked from the
//! tickets themselves — so a period's figures are always those of its tickets, however many
//! there are, and read in time bounded by its days.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use guanjia_domain::closed_loop::{ClockTally, DayFacts, day_start, days_of};
use guanjia_domain::sla::{ClockName, ClockState};
use guanjia_domain::taxonomy::Kind;
use guanjia_domain::ticket::Status;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::counting::{Scope, counted, seconds, ticket_counts};
use super::groups::Grouping;
use crate::code::UnknownStored;
use crate::db::Store;
use crate::entity::{project, ticket_day, ticket_day_mark};
use crate::error::Result;

/// Marks read per refresh round: a round sums again the days they touch.
const MARKS_PER_ROUND: u64 = 2000;

/// What a refresh round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DaysRefreshed {
    /// Project days summed again.
    pub days: usize,
    /// More marks wait: run another round.
    pub more: bool,
}

/// One project's facts of one local day.
pub(crate) type ProjectDays = Vec<(String, NaiveDate, DayFacts)>;

/// The facts of `scope`'s tickets, one per project (a project without tickets: none).
async fn facts_of(
    db: &impl ConnectionTrait,
    scope: &Scope<'_>,
    satisfied_at_least: i64,
) -> Result<BTreeMap<String, DayFacts>> {
    let backend = db.get_database_backend();
    let mut out: BTreeMap<String, DayFacts> = BTreeMap::new();
    let by_project = Grouping::by_project();
    for (key, counts) in ticket_counts(db, scope, Some(&by_project), satisfied_at_least).await? {
        if let Some(project) = key {
            out.entry(project).or_default().counts = counts;
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    // Who was assigned, and each duration a middle value is taken of.
    let complaint_closed = format!(
        "tickets.kind = '{}' AND tickets.status = '{}' AND tickets.closed_at IS NOT NULL",
        Kind::Complaint.as_str(),
        Status::Closed.as_str()
    );
    let millis = |s: String| format!("CAST(ROUND({s} * 1000) AS BIGINT)");
    let mut each = counted(scope, None);
    each.column((Alias::new("tickets"), Alias::new("project_id")))
        .column((Alias::new("tickets"), Alias::new("assignee_id")))
        .expr_as(
            Expr::cust(format!(
                "CASE WHEN {complaint_closed} THEN {} END",
                millis(seconds(backend, "tickets.reported_at", "tickets.closed_at"))
            )),
            Alias::new("complaint_close"),
        )
        .expr_as(
            Expr::cust(format!(
                "CASE WHEN tickets.first_responded_at IS NOT NULL THEN {} END",
                millis(seconds(
                    backend,
                    "tickets.reported_at",
                    "tickets.first_responded_at"
                ))
            )),
            Alias::new("first_update"),
        );
    for row in db.query_all(&each).await? {
        let project: String = row.try_get("", "project_id")?;
        let facts = out.entry(project).or_default();
        if let Some(id) = row.try_get::<Option<String>>("", "assignee_id")? {
            facts.assignees.insert(id);
        }
        if let Some(ms) = row.try_get::<Option<i64>>("", "complaint_close")? {
            facts.complaint_close.push(ms);
        }
        if let Some(ms) = row.try_get::<Option<i64>>("", "first_update")? {
            facts.first_update.push(ms);
        }
    }
    // The finished clocks, by name and whether they were met.
    let mut clocks = counted(scope, None);
    clocks
        .join(
            sea_orm::JoinType::InnerJoin,
            Alias::new("sla_clocks"),
            Expr::cust(
                "sla_clocks.company_id = tickets.company_id AND sla_clocks.ticket_id = tickets.id",
            ),
        )
        .and_where(Expr::cust("sla_clocks.finished_at IS NOT NULL"))
        .column((Alias::new("tickets"), Alias::new("project_id")))
        .expr_as(Expr::cust("sla_clocks.name"), Alias::new("name"))
        .expr_as(
            Expr::cust(format!(
                "SUM(CASE WHEN sla_clocks.state = '{}' THEN 1 ELSE 0 END)",
                ClockState::Met.as_str()
            )),
            Alias::new("met"),
        )
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("finished"))
        .group_by_col((Alias::new("tickets"), Alias::new("project_id")))
        .group_by_col(Alias::new("name"));
    for row in db.query_all(&clocks).await? {
        let project: String = row.try_get("", "project_id")?;
        let name: String = row.try_get("", "name")?;
        let name: ClockName = name.parse().map_err(|_| UnknownStored {
            table: "sla_clocks",
            id: None,
            column: "name".to_owned(),
            value: name.clone(),
        })?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let tally = ClockTally {
            met: count(row.try_get::<Option<i64>>("", "met")?.unwrap_or(0)),
            finished: count(row.try_get("", "finished")?),
        };
        out.entry(project).or_default().clocks.insert(name, tally);
    }
    Ok(out)
}

/// Local days of each project's zone from the earliest to the latest instant given for it.
fn touched_days(
    zones: &BTreeMap<String, Tz>,
    instants: impl IntoIterator<Item = (String, DateTime<Utc>, DateTime<Utc>)>,
) -> BTreeSet<(String, NaiveDate)> {
    let mut days = BTreeSet::new();
    for (project, first, last) in instants {
        let zone = zones
            .get(&project)
            .copied()
            .unwrap_or(chrono_tz::Asia::Shanghai);
        let mut day = first.with_timezone(&zone).date_naive();
        let end = last.with_timezone(&zone).date_naive();
        while day <= end {
            days.insert((project.clone(), day));
            day = day + Days::new(1);
        }
    }
    days
}

impl Store {
    /// The time zone of each of the company's projects (those of `projects` when given).
    pub(crate) async fn project_zones(
        &self,
        company_id: &str,
        projects: Option<&Vec<String>>,
    ) -> Result<BTreeMap<String, Tz>> {
        let mut query = project::Entity::find()
            .select_only()
            .columns([project::Column::Id, project::Column::TimeZone])
            .filter(project::Column::CompanyId.eq(company_id));
        if let Some(ids) = projects {
            query = query.filter(project::Column::Id.is_in(ids.clone()));
        }
        Ok(query
            .into_tuple::<(String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, zone)| (id, zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)))
            .collect())
    }

    /// The facts of each project's local days that `[from, to)` touches (a partial day: of its
    /// part inside), in `projects` (None: all of the company's). Days without tickets are left
    /// out.
    pub(crate) async fn project_days(
        &self,
        company_id: &str,
        projects: Option<&Vec<String>>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<ProjectDays> {
        let satisfied = self.loop_rules.satisfied_at_least;
        let zones = self.project_zones(company_id, projects).await?;
        let pending = self.marked_days(company_id, &zones).await?;
        let mut out: ProjectDays = Vec::new();
        // Projects sharing a zone share their days.
        let mut by_zone: BTreeMap<&str, (Tz, Vec<String>)> = BTreeMap::new();
        for (id, zone) in &zones {
            by_zone
                .entry(zone.name())
                .or_insert((*zone, Vec::new()))
                .1
                .push(id.clone());
        }
        for (zone, ids) in by_zone.values() {
            let parts = days_of(*zone, from, to);
            let whole: Vec<NaiveDate> = parts.iter().filter(|p| p.whole).map(|p| p.day).collect();
            if let (Some(first), Some(last)) = (whole.first(), whole.last()) {
                let kept = ticket_day::Entity::find()
                    .filter(ticket_day::Column::CompanyId.eq(company_id))
                    .filter(ticket_day::Column::ProjectId.is_in(ids.clone()))
                    .filter(ticket_day::Column::Day.gte(*first))
                    .filter(ticket_day::Column::Day.lte(*last))
                    .all(&self.db)
                    .await?;
                for row in kept {
                    if pending.contains(&(row.project_id.clone(), row.day)) {
                        continue;
                    }
                    let facts: DayFacts =
                        serde_json::from_str(&row.facts).map_err(|_| UnknownStored {
                            table: "ticket_days",
                            id: Some(format!("{}/{}", row.project_id, row.day)),
                            column: "facts".to_owned(),
                            value: row.facts.chars().take(80).collect(),
                        })?;
                    out.push((row.project_id, row.day, facts));
                }
            }
            // From the tickets: the partial days, and whole days still marked.
            for part in &parts {
                let live: Vec<String> = if part.whole {
                    ids.iter()
                        .filter(|id| pending.contains(&((*id).clone(), part.day)))
                        .cloned()
                        .collect()
                } else {
                    ids.clone()
                };
                if live.is_empty() {
                    continue;
                }
                let scope = Scope {
                    company_id,
                    projects: Some(&live),
                    from: part.from,
                    to: part.to,
                };
                for (project, facts) in facts_of(&self.db, &scope, satisfied).await? {
                    out.push((project, part.day, facts));
                }
            }
        }
        Ok(out)
    }

    /// The days of the company's projects (those in `zones`) with a change not yet summed.
    async fn marked_days(
        &self,
        company_id: &str,
        zones: &BTreeMap<String, Tz>,
    ) -> Result<BTreeSet<(String, NaiveDate)>> {
        // Grouped by UTC date, so a backlog of marks reads as one row a project and date.
        let date = match self.backend() {
            DbBackend::Sqlite => "substr(reported_at, 1, 10)",
            _ => "date_trunc('day', reported_at AT TIME ZONE 'UTC')",
        };
        let rows = ticket_day_mark::Entity::find()
            .select_only()
            .column(ticket_day_mark::Column::ProjectId)
            .column_as(ticket_day_mark::Column::ReportedAt.min(), "first")
            .column_as(ticket_day_mark::Column::ReportedAt.max(), "last")
            .filter(ticket_day_mark::Column::CompanyId.eq(company_id))
            .filter(ticket_day_mark::Column::ProjectId.is_in(zones.keys().cloned()))
            .group_by(ticket_day_mark::Column::ProjectId)
            .group_by(Expr::cust(date))
            .into_tuple::<(String, DateTime<Utc>, DateTime<Utc>)>()
            .all(&self.db)
            .await?;
        Ok(touched_days(zones, rows))
    }

    /// Sums again the days marked since the last round (up to a round's worth of marks) and
    /// forgets those marks. Several nodes may run it at once:
    /// a day summed twice is summed the same, and a mark is forgotten only by a round that read
    /// it before summing its day. `now` is when the round starts, before it reads its marks: a
    /// day is written only over facts summed by a round that started earlier.
    pub async fn refresh_ticket_days(&self, now: DateTime<Utc>) -> Result<DaysRefreshed> {
        let marks = ticket_day_mark::Entity::find()
            .order_by_asc(ticket_day_mark::Column::Id)
            .limit(MARKS_PER_ROUND)
            .all(&self.db)
            .await?;
        if marks.is_empty() {
            return Ok(DaysRefreshed::default());
        }
        let more = marks.len() as u64 == MARKS_PER_ROUND;
        // The marks read, by id: on PostgreSQL a mark with a smaller id may commit after a
        // larger one was read, and must stay for the next round.
        let read: Vec<i64> = marks.iter().map(|m| m.id).collect();
        let mut by_company: BTreeMap<String, Vec<ticket_day_mark::Model>> = BTreeMap::new();
        for mark in marks {
            by_company
                .entry(mark.company_id.clone())
                .or_default()
                .push(mark);
        }
        let satisfied = self.loop_rules.satisfied_at_least;
        let mut rows = Vec::new();
        let mut emptied = Vec::new();
        for (company_id, marks) in &by_company {
            let zones = self.project_zones(company_id, None).await?;
            let days = touched_days(
                &zones,
                marks
                    .iter()
                    .map(|m| (m.project_id.clone(), m.reported_at, m.reported_at)),
            );
            for (project_id, day) in days {
                let zone = zones
                    .get(&project_id)
                    .copied()
                    .unwrap_or(chrono_tz::Asia::Shanghai);
                let one = vec![project_id.clone()];
                let scope = Scope {
                    company_id,
                    projects: Some(&one),
                    from: day_start(zone, day),
                    to: day_start(zone, day + Days::new(1)),
                };
                match facts_of(&self.db, &scope, satisfied)
                    .await?
                    .remove(&project_id)
                {
                    Some(facts) => rows.push(ticket_day::ActiveModel {
                        company_id: Set(company_id.clone()),
                        project_id: Set(project_id),
                        day: Set(day),
                        facts: Set(serde_json::to_string(&facts).unwrap_or_default()),
                        refreshed_at: Set(now),
                    }),
                    None => emptied.push((company_id.clone(), project_id, day)),
                }
            }
        }
        let summed = rows.len() + emptied.len();
        let txn = self.begin_write().await?;
        for (company_id, project_id, day) in emptied {
            ticket_day::Entity::delete_many()
                .filter(ticket_day::Column::CompanyId.eq(company_id))
                .filter(ticket_day::Column::ProjectId.eq(project_id))
                .filter(ticket_day::Column::Day.eq(day))
                .filter(ticket_day::Column::RefreshedAt.lte(now))
                .exec(&txn)
                .await?;
        }
        for row in rows {
            ticket_day::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        ticket_day::Column::CompanyId,
                        ticket_day::Column::ProjectId,
                        ticket_day::Column::Day,
                    ])
                    .update_columns([ticket_day::Column::Facts, ticket_day::Column::RefreshedAt])
                    // A round that read its marks later has summed the day already.
                    .action_and_where(
                        Expr::col((ticket_day::Entity, ticket_day::Column::RefreshedAt)).lte(now),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        ticket_day_mark::Entity::delete_many()
            .filter(ticket_day_mark::Column::Id.is_in(read))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(DaysRefreshed { days: summed, more })
    }
}

/// The facts of some project days summed: all together, and per project.
pub(crate) fn sum_days(days: &ProjectDays) -> (DayFacts, BTreeMap<String, DayFacts>) {
    let mut whole = DayFacts::default();
    let mut projects: BTreeMap<String, DayFacts> = BTreeMap::new();
    for (project, _, facts) in days {
        whole.add(facts);
        projects.entry(project.clone()).or_default().add(facts);
    }
    (whole, projects)
}
