//! The service figures of a project and period, from the tickets reported in it.

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{
    BotCounts, Figures, FollowUpResult, ROUTINE_QUIET_HOURS, TicketOutcome, figures,
};
use guanjia_domain::taxonomy::Kind;
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Select,
};

use crate::code::Code;
use crate::db::Store;
use crate::entity::{bot_answer, ticket};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};

impl Store {
    /// The figures of the tickets reported in `[from, to)`, in one project or in every project
    /// the caller sees. Definitions: `guanjia_domain::closed_loop::figures`.
    pub async fn service_figures(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Figures> {
        let projects = figures_projects(who, project_id)?;
        // The database counts the tickets alike in all the figures read: a few hundred rows
        // however many tickets the period holds.
        let ever_resolved = || Expr::col(ticket::Column::FirstResolvedAt).is_not_null();
        let repeat = || Expr::col(ticket::Column::RepeatOf).is_not_null();
        let outcomes: Vec<(TicketOutcome, u64)> =
            reported_between(&who.company_id, projects.as_ref(), from, to)
                .select_only()
                .columns([ticket::Column::Kind, ticket::Column::Status])
                .column_as(ever_resolved(), "ever_resolved")
                .columns([
                    ticket::Column::ReopenCount,
                    ticket::Column::Satisfaction,
                    ticket::Column::FollowUpResult,
                ])
                .column_as(repeat(), "is_repeat")
                .column(ticket::Column::Adopted)
                .column_as(Expr::col(ticket::Column::Id).count(), "tickets")
                .group_by(ticket::Column::Kind)
                .group_by(ticket::Column::Status)
                .group_by(ever_resolved())
                .group_by(ticket::Column::ReopenCount)
                .group_by(ticket::Column::Satisfaction)
                .group_by(ticket::Column::FollowUpResult)
                .group_by(repeat())
                .group_by(ticket::Column::Adopted)
                .into_model::<Alike>()
                .all(&self.db)
                .await?
                .into_iter()
                .filter_map(Alike::outcome)
                .collect();
        let bot = self
            .bot_counts(&who.company_id, projects.as_ref(), from, to)
            .await?;
        let nps = self
            .nps_between(&who.company_id, projects, from, to)
            .await?;
        Ok(figures(
            &outcomes,
            nps,
            bot,
            self.loop_rules.satisfied_at_least,
        ))
    }

    /// The bot's questions of `[from, to)` counted in one row by the database, each answer
    /// looking for a later ticket of its asker through the tickets' contact phone index.
    async fn bot_counts(
        &self,
        company_id: &str,
        projects: Option<&Vec<String>>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<BotCounts> {
        let row = bot_counts_query(self.backend(), company_id, projects, from, to)
            .into_model::<BotRow>()
            .one(&self.db)
            .await?
            .unwrap_or_default();
        let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
        Ok(BotCounts {
            asked: count(row.asked),
            answered: count(row.answered),
            handed_off: count(row.handed_off),
            rated: count(row.rated),
            helpful: count(row.helpful),
            routine: count(row.routine),
        })
    }
}

/// The one statement behind [`BotCounts`]. Adding hours to a timestamp is spelled differently by
/// each database (SQLite keeps RFC 3339 text, which `julianday` reads offset and all).
fn bot_counts_query(
    backend: DbBackend,
    company_id: &str,
    projects: Option<&Vec<String>>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Select<bot_answer::Entity> {
    let (at, answered_at, quiet_until) = match backend {
        DbBackend::Sqlite => (
            "julianday(t.reported_at)",
            "julianday(bot_answers.created_at)",
            format!("julianday(bot_answers.created_at) + {ROUTINE_QUIET_HOURS} / 24.0"),
        ),
        _ => (
            "t.reported_at",
            "bot_answers.created_at",
            format!("bot_answers.created_at + interval '{ROUTINE_QUIET_HOURS} hours'"),
        ),
    };
    let routine = format!(
        "COALESCE(SUM(CASE WHEN bot_answers.article_id IS NOT NULL \
         AND bot_answers.handoff IS NULL AND NOT EXISTS (SELECT 1 FROM tickets t \
         WHERE t.company_id = bot_answers.company_id AND t.contact_phone = bot_answers.asked_by \
         AND t.project_id = bot_answers.project_id \
         AND {at} >= {answered_at} AND {at} < {quiet_until}) THEN 1 ELSE 0 END), 0)"
    );
    let mut query = bot_answer::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "asked")
        .column_as(Expr::col(bot_answer::Column::ArticleId).count(), "answered")
        .column_as(Expr::col(bot_answer::Column::Handoff).count(), "handed_off")
        .column_as(Expr::col(bot_answer::Column::Helpful).count(), "rated")
        .column_as(
            Expr::cust("COALESCE(SUM(CASE WHEN bot_answers.helpful THEN 1 ELSE 0 END), 0)"),
            "helpful",
        )
        .column_as(Expr::cust(routine), "routine")
        .filter(bot_answer::Column::CompanyId.eq(company_id))
        .filter(bot_answer::Column::CreatedAt.gte(from))
        .filter(bot_answer::Column::CreatedAt.lt(to));
    if let Some(ids) = projects {
        query = query.filter(bot_answer::Column::ProjectId.is_in(ids.clone()));
    }
    query
}

/// The counts of [`BotCounts`] as the database answers them (a sum over no rows is null).
#[derive(FromQueryResult, Default)]
struct BotRow {
    asked: Option<i64>,
    answered: Option<i64>,
    handed_off: Option<i64>,
    rated: Option<i64>,
    helpful: Option<i64>,
    routine: Option<i64>,
}

/// The projects a figure counts: the one asked for, or all the caller sees (None: every one).
pub(crate) fn figures_projects(
    who: &Principal,
    project_id: Option<&str>,
) -> Result<Option<Vec<String>>> {
    if !who.role.is_staff() {
        return Err(StorageError::Forbidden);
    }
    Ok(match (project_id, &who.projects) {
        (Some(id), _) if !who.sees_project(id) => {
            return Err(StorageError::field(
                "project_id",
                FieldErrorCode::UnknownReference,
            ));
        }
        (Some(id), _) => Some(vec![id.to_owned()]),
        (None, ProjectScope::Only(ids)) => Some(ids.clone()),
        (None, ProjectScope::All) => None,
    })
}

/// The tickets reported in `[from, to)` in `projects` (None: all of the company's).
pub(crate) fn reported_between(
    company_id: &str,
    projects: Option<&Vec<String>>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Select<ticket::Entity> {
    let mut query = ticket::Entity::find()
        .filter(ticket::Column::CompanyId.eq(company_id))
        .filter(ticket::Column::ReportedAt.gte(from))
        .filter(ticket::Column::ReportedAt.lt(to));
    if let Some(ids) = projects {
        query = query.filter(ticket::Column::ProjectId.is_in(ids.clone()));
    }
    query
}

/// Tickets alike in everything the figures read, and how many.
#[derive(FromQueryResult)]
struct Alike {
    kind: Code<Kind, ticket::Entity>,
    status: Code<Status, ticket::Entity>,
    ever_resolved: bool,
    reopen_count: i32,
    satisfaction: Option<i32>,
    follow_up_result: Option<Code<FollowUpResult, ticket::Entity>>,
    is_repeat: bool,
    adopted: Option<bool>,
    tickets: i64,
}

impl Alike {
    fn outcome(self) -> Option<(TicketOutcome, u64)> {
        let result = self.follow_up_result.map(|r| *r);
        let outcome = TicketOutcome {
            kind: *self.kind,
            status: *self.status,
            ever_resolved: self.ever_resolved,
            reopen_count: self.reopen_count,
            satisfaction: self.satisfaction.map(i64::from),
            followed_up: result.is_some(),
            contacted: result.is_some_and(FollowUpResult::contacted),
            repeat: self.is_repeat,
            adopted: self.adopted,
        };
        Some((outcome, u64::try_from(self.tickets).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use sea_orm::QueryTrait;

    use super::*;
    use crate::query_plan::sqlite_plan;

    /// However many answers and tickets a company has, the bot's figures read the period's
    /// answers by their index and look each later ticket up by the asker's phone.
    #[tokio::test]
    async fn the_bots_figures_read_by_index() {
        let day = |d| Utc.with_ymd_and_hms(2026, 12, d, 0, 0, 0).unwrap();
        let projects = vec!["p".to_owned()];
        let query = bot_counts_query(DbBackend::Sqlite, "c", Some(&projects), day(1), day(2));
        let plan = sqlite_plan(query.build(DbBackend::Sqlite)).await;
        assert!(
            plan.iter()
                .any(|step| step.contains("ix_bot_answers_project_created")),
            "{plan:?}"
        );
        assert!(
            plan.iter()
                .any(|step| step.contains("ix_tickets_company_id_contact_phone")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|step| step.starts_with("SCAN")),
            "{plan:?}"
        );
    }
}
