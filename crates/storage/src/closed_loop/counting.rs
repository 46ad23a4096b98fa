//! The statements behind the service figures: the period's tickets counted in one row per group,
//! and the middle values of two durations. What each count counts is defined on
//! [`TicketCounts`]; this is the one place it is said in SQL.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{
    COMPLAINT_CLOSE_TARGET_HOURS, FIRST_RESPONSE_TARGET_MINUTES, FollowUpResult, Medians,
    TicketCounts,
};
use guanjia_domain::taxonomy::{Channel, Kind};
use guanjia_domain::ticket::Status;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use super::groups::Grouping;
use crate::error::Result;

/// The tickets a figure counts: a company's, reported in `[from, to)`, in `projects` (None:
/// all of them), cancelled ones left out.
pub(crate) struct Scope<'a> {
    pub company_id: &'a str,
    pub projects: Option<&'a Vec<String>>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Seconds from one timestamp column to another: SQLite keeps RFC 3339 text, which `julianday`
/// reads offset and all.
pub(crate) fn seconds(backend: DbBackend, from: &str, to: &str) -> String {
    match backend {
        DbBackend::Sqlite => format!("((julianday({to}) - julianday({from})) * 86400.0)"),
        _ => format!("EXTRACT(EPOCH FROM ({to} - {from}))"),
    }
}

/// A quoted list of codes, for `IN (…)`: our own codes, never the caller's text.
fn codes<T: Copy>(values: &[T], code: impl Fn(T) -> &'static str) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", code(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each count of [`TicketCounts`] but the channels and the distinct assignees, as the condition
/// a ticket meets to be counted in it.
pub(crate) fn conditions(
    backend: DbBackend,
    satisfied_at_least: i64,
) -> Vec<(&'static str, String)> {
    let complaint = format!("tickets.kind = '{}'", Kind::Complaint.as_str());
    let closed = format!("tickets.status = '{}'", Status::Closed.as_str());
    let contacted = codes(
        &FollowUpResult::ALL
            .iter()
            .copied()
            .filter(|r| r.contacted())
            .collect::<Vec<_>>(),
        FollowUpResult::as_str,
    );
    let resolved = "tickets.first_resolved_at IS NOT NULL";
    let to_close = seconds(backend, "tickets.reported_at", "tickets.closed_at");
    let to_respond = seconds(backend, "tickets.reported_at", "tickets.first_responded_at");
    vec![
        ("complaints", complaint.clone()),
        (
            "complaints_closed_after_contact",
            format!("{complaint} AND {closed} AND tickets.follow_up_result IN ({contacted})"),
        ),
        (
            "complaints_closed_in_time",
            format!(
                "{complaint} AND {closed} AND {to_close} <= {}",
                COMPLAINT_CLOSE_TARGET_HOURS * 3600
            ),
        ),
        (
            "repeat_complaints",
            format!("{complaint} AND tickets.repeat_of IS NOT NULL"),
        ),
        ("resolved", resolved.to_owned()),
        (
            "resolved_followed_up",
            format!("{resolved} AND tickets.follow_up_result IS NOT NULL"),
        ),
        (
            "resolved_reopened",
            format!("{resolved} AND tickets.reopen_count > 0"),
        ),
        ("closed", closed.clone()),
        (
            "closed_never_reopened",
            format!("{closed} AND tickets.reopen_count = 0"),
        ),
        ("rated", "tickets.satisfaction IS NOT NULL".to_owned()),
        (
            "rated_satisfied",
            format!("tickets.satisfaction >= {satisfied_at_least}"),
        ),
        (
            "suggestions_reviewed",
            "tickets.adopted IS NOT NULL".to_owned(),
        ),
        ("suggestions_adopted", "tickets.adopted".to_owned()),
        (
            "responded_in_time",
            format!(
                "tickets.first_responded_at IS NOT NULL AND {to_respond} <= {}",
                FIRST_RESPONSE_TARGET_MINUTES * 60
            ),
        ),
        ("escalated", "tickets.escalation_level > 0".to_owned()),
        ("duplicates", "tickets.duplicate_of IS NOT NULL".to_owned()),
        ("assigned", "tickets.assignee_id IS NOT NULL".to_owned()),
    ]
}

/// The tickets of `scope` (and of the grouping's own condition), from `tickets` and what the
/// grouping joins; no columns yet.
pub(crate) fn counted(scope: &Scope, grouping: Option<&Grouping>) -> SelectStatement {
    let column = |name: &str| Expr::col((Alias::new("tickets"), Alias::new(name)));
    let mut q = Query::select();
    q.from(Alias::new("tickets"))
        .and_where(column("company_id").eq(scope.company_id))
        .and_where(column("reported_at").gte(scope.from))
        .and_where(column("reported_at").lt(scope.to))
        .and_where(Expr::cust(format!(
            "tickets.status <> '{}'",
            Status::Cancelled.as_str()
        )));
    if let Some(ids) = scope.projects {
        q.and_where(column("project_id").is_in(ids.clone()));
    }
    if let Some(g) = grouping {
        g.narrow(&mut q);
    }
    q
}

/// The counts of `scope`, one per group of `grouping` (its key first), or one for the whole.
pub(crate) async fn ticket_counts(
    db: &impl ConnectionTrait,
    scope: &Scope<'_>,
    grouping: Option<&Grouping>,
    satisfied_at_least: i64,
) -> Result<Vec<(Option<String>, TicketCounts)>> {
    let q = counts_statement(
        db.get_database_backend(),
        scope,
        grouping,
        satisfied_at_least,
    );
    let rows = db.query_all(&q).await?;
    rows.iter()
        .map(|row| {
            let key = match grouping {
                Some(_) => row.try_get::<Option<String>>("", "group_key")?,
                None => None,
            };
            Ok((key, counts_of(row)?))
        })
        .collect()
}

/// The one statement behind [`ticket_counts`].
fn counts_statement(
    backend: DbBackend,
    scope: &Scope<'_>,
    grouping: Option<&Grouping>,
    satisfied_at_least: i64,
) -> SelectStatement {
    let mut q = counted(scope, grouping);
    let sum = |condition: &str| Expr::cust(format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"));
    q.expr_as(Expr::cust("COUNT(*)"), Alias::new("tickets"));
    for (name, condition) in &conditions(backend, satisfied_at_least) {
        q.expr_as(sum(condition), Alias::new(*name));
    }
    q.expr_as(
        Expr::cust("SUM(tickets.satisfaction)"),
        Alias::new("rating_sum"),
    );
    for channel in Channel::ALL {
        q.expr_as(
            sum(&format!("tickets.channel = '{}'", channel.as_str())),
            Alias::new(format!("channel_{}", channel.as_str())),
        );
    }
    q.expr_as(
        Func::count_distinct(Expr::col((
            Alias::new("tickets"),
            Alias::new("assignee_id"),
        ))),
        Alias::new("assignees"),
    );
    if let Some(g) = grouping {
        q.expr_as(g.key(backend), Alias::new("group_key"));
        // By its name: a key with parameters is not the same expression twice to PostgreSQL.
        q.group_by_col(Alias::new("group_key"));
    }
    q
}

fn counts_of(row: &QueryResult) -> Result<TicketCounts> {
    // A sum over no rows is null.
    let n = |name: &str| -> Result<u64> {
        Ok(row
            .try_get::<Option<i64>>("", name)?
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0))
    };
    Ok(TicketCounts {
        tickets: n("tickets")?,
        complaints: n("complaints")?,
        complaints_closed_after_contact: n("complaints_closed_after_contact")?,
        complaints_closed_in_time: n("complaints_closed_in_time")?,
        repeat_complaints: n("repeat_complaints")?,
        resolved: n("resolved")?,
        resolved_followed_up: n("resolved_followed_up")?,
        resolved_reopened: n("resolved_reopened")?,
        closed: n("closed")?,
        closed_never_reopened: n("closed_never_reopened")?,
        rated: n("rated")?,
        rating_sum: n("rating_sum")?,
        rated_satisfied: n("rated_satisfied")?,
        suggestions_reviewed: n("suggestions_reviewed")?,
        suggestions_adopted: n("suggestions_adopted")?,
        responded_in_time: n("responded_in_time")?,
        escalated: n("escalated")?,
        duplicates: n("duplicates")?,
        channels: Channel::ALL
            .iter()
            .map(|&c| Ok((c, n(&format!("channel_{}", c.as_str()))?)))
            .collect::<Result<_>>()?,
        assigned: n("assigned")?,
        assignees: n("assignees")?,
    })
}

/// Which duration a middle value is taken of.
#[derive(Clone, Copy)]
enum Duration {
    /// Report to close, of the closed complaints.
    ComplaintClose,
    /// Report to the first step the resident saw.
    FirstUpdate,
}

/// The middle values of `scope`, per group of `grouping` or for the whole.
pub(crate) async fn medians(
    db: &impl ConnectionTrait,
    scope: &Scope<'_>,
    grouping: Option<&Grouping>,
) -> Result<BTreeMap<Option<String>, Medians>> {
    let mut out: BTreeMap<Option<String>, Medians> = BTreeMap::new();
    for duration in [Duration::ComplaintClose, Duration::FirstUpdate] {
        for (key, value) in median(db, scope, grouping, duration).await? {
            let slot = out.entry(key).or_default();
            match duration {
                Duration::ComplaintClose => slot.complaint_close = Some(value),
                Duration::FirstUpdate => slot.first_update = Some(value),
            }
        }
    }
    Ok(out)
}

/// The middle of one duration per group: numbered in order within each group, the one in the
/// middle (or the mean of the two in the middle), so the database sorts and answers a row a group.
async fn median(
    db: &impl ConnectionTrait,
    scope: &Scope<'_>,
    grouping: Option<&Grouping>,
    duration: Duration,
) -> Result<Vec<(Option<String>, f64)>> {
    let backend = db.get_database_backend();
    let mut values = counted(scope, grouping);
    let (from, to) = match duration {
        Duration::ComplaintClose => {
            values
                .and_where(Expr::cust(format!(
                    "tickets.kind = '{}' AND tickets.status = '{}'",
                    Kind::Complaint.as_str(),
                    Status::Closed.as_str()
                )))
                .and_where(Expr::cust("tickets.closed_at IS NOT NULL"));
            ("tickets.reported_at", "tickets.closed_at")
        }
        Duration::FirstUpdate => {
            values.and_where(Expr::cust("tickets.first_responded_at IS NOT NULL"));
            ("tickets.reported_at", "tickets.first_responded_at")
        }
    };
    values.expr_as(Expr::cust(seconds(backend, from, to)), Alias::new("d"));
    let partition = match grouping {
        Some(g) => {
            values.expr_as(g.key(backend), Alias::new("g"));
            "PARTITION BY g "
        }
        None => {
            values.expr_as(Expr::cust("NULL"), Alias::new("g"));
            ""
        }
    };
    let mut numbered = Query::select();
    numbered
        .column(Alias::new("g"))
        .column(Alias::new("d"))
        .expr_as(
            Expr::cust(format!("ROW_NUMBER() OVER ({partition}ORDER BY d)")),
            Alias::new("rn"),
        )
        .expr_as(
            Expr::cust(format!("COUNT(*) OVER ({partition})")),
            Alias::new("n"),
        )
        .from_subquery(values, Alias::new("v"));
    let mut middle = Query::select();
    middle
        .column(Alias::new("g"))
        .expr_as(
            Expr::cust("CAST(AVG(d) AS DOUBLE PRECISION)"),
            Alias::new("median"),
        )
        .from_subquery(numbered, Alias::new("x"))
        .and_where(Expr::cust("rn IN ((n + 1) / 2, (n + 2) / 2)"))
        .group_by_col(Alias::new("g"));
    let rows = db.query_all(&middle).await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<Option<String>>("", "g")?,
                row.try_get::<Option<f64>>("", "median")?.unwrap_or(0.0),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use guanjia_domain::closed_loop::Breakdown;

    use super::*;
    use crate::query_plan::sqlite_plan;

    /// However many tickets a company has, the figures read the period's by their index.
    #[tokio::test]
    async fn the_counts_read_the_periods_tickets_by_index() {
        let day = |d| Utc.with_ymd_and_hms(2026, 12, d, 0, 0, 0).unwrap();
        let projects = vec!["p".to_owned()];
        let scope = Scope {
            company_id: "c",
            projects: Some(&projects),
            from: day(1),
            to: day(2),
        };
        let by_project = Grouping::test(Breakdown::Project);
        for grouping in [None, Some(&by_project)] {
            let q = counts_statement(DbBackend::Sqlite, &scope, grouping, 4);
            let plan = sqlite_plan(DbBackend::Sqlite.build(&q)).await;
            assert!(
                plan.iter()
                    .any(|step| step.contains("ix_tickets_company_id_reported_at")),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.starts_with("SCAN")),
                "{plan:?}"
            );
        }
    }
}
