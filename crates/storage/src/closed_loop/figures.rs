//! The service figures of a project and period, from the tickets reported in it.

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{
    BotCounts, BotFigures, Breakdown, Figures, ROUTINE_QUIET_HOURS, TicketCounts, TicketFigures,
    ticket_figures,
};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Select,
};

use super::counting::{Scope, medians, ticket_counts};
use super::days::sum_days;
use super::groups::{GroupName, Grouping};
use crate::db::Store;
use crate::entity::{bot_answer, ticket};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};

/// What the service figures are asked for.
#[derive(Debug, Clone)]
pub struct FiguresQuery {
    /// One project; None: every project the caller sees.
    pub project_id: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Also the figures per group.
    pub by: Option<Breakdown>,
    /// Also the same figures of the period just before, as long.
    pub compare_previous: bool,
}

/// One group of a breakdown: its key (None: the tickets without one), name and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    pub key: Option<String>,
    pub name: GroupName,
    pub figures: TicketFigures,
}

/// The figures of one period, and of its groups when a breakdown was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodFigures {
    pub figures: Figures,
    pub groups: Option<Vec<GroupFigures>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFigures {
    pub current: PeriodFigures,
    pub previous: Option<PeriodFigures>,
}

impl Store {
    /// The service figures of the tickets reported in `[from, to)`, in one project or in every
    /// project the caller sees, broken down and compared as asked. Definitions:
    /// `guanjia_domain::closed_loop::figures`.
    pub async fn service_figures(
        &self,
        who: &Principal,
        query: &FiguresQuery,
    ) -> Result<ServiceFigures> {
        let projects = figures_projects(who, query.project_id.as_deref())?;
        let grouping = match query.by {
            Some(by) => Some(Grouping::of(self, &who.company_id, by).await?),
            None => None,
        };
        let scope = Scope {
            company_id: &who.company_id,
            projects: projects.as_ref(),
            from: query.from,
            to: query.to,
        };
        let mut current = self.period_figures(&scope, grouping.as_ref()).await?;
        let previous = if query.compare_previous {
            let length = query.to - query.from;
            let before = Scope {
                from: query.from - length,
                to: query.from,
                ..scope
            };
            let previous = self.period_figures(&before, grouping.as_ref()).await?;
            current
                .figures
                .of_tickets
                .compare_with(&previous.figures.of_tickets);
            if let (Some(now), Some(then)) = (&mut current.groups, &previous.groups) {
                for group in now.iter_mut() {
                    if let Some(earlier) = then.iter().find(|g| g.key == group.key) {
                        group.figures.compare_with(&earlier.figures);
                    }
                }
            }
            Some(previous)
        } else {
            None
        };
        Ok(ServiceFigures { current, previous })
    }

    async fn period_figures(
        &self,
        scope: &Scope<'_>,
        grouping: Option<&Grouping>,
    ) -> Result<PeriodFigures> {
        let days = (scope.to - scope.from).num_seconds() as f64 / 86_400.0;
        // The period's days add up (kept day facts, and the tickets of days not kept whole).
        let project_days = self
            .project_days(scope.company_id, scope.projects, scope.from, scope.to)
            .await?;
        let (whole, per_project) = sum_days(&project_days);
        let bot = self
            .bot_counts(scope.company_id, scope.projects, scope.from, scope.to)
            .await?;
        let nps = self
            .nps_between(
                scope.company_id,
                scope.projects.cloned(),
                scope.from,
                scope.to,
            )
            .await?;
        let figures = Figures {
            of_tickets: whole.figures(days),
            nps,
            bot: BotFigures::of(bot),
        };
        let groups = match grouping {
            Some(g) if g.by() == Breakdown::Project => {
                let figures = per_project
                    .into_iter()
                    .map(|(project, facts)| (Some(project), facts.figures(days)))
                    .collect();
                Some(self.named_groups(scope, g, figures).await?)
            }
            Some(g) => {
                let figures = self.group_figures(scope, g, days).await?;
                Some(self.named_groups(scope, g, figures).await?)
            }
            None => None,
        };
        Ok(PeriodFigures { figures, groups })
    }

    /// The figures per group of a breakdown the day facts do not keep, from the tickets.
    async fn group_figures(
        &self,
        scope: &Scope<'_>,
        grouping: &Grouping,
        days: f64,
    ) -> Result<Vec<(Option<String>, TicketFigures)>> {
        let satisfied = self.loop_rules.satisfied_at_least;
        let counts: Vec<(Option<String>, TicketCounts)> =
            ticket_counts(&self.db, scope, Some(grouping), satisfied).await?;
        let mut middles = medians(&self.db, scope, Some(grouping)).await?;
        Ok(counts
            .into_iter()
            .map(|(key, c)| {
                let middle = middles.remove(&key).unwrap_or_default();
                (key, ticket_figures(&c, middle, days))
            })
            .collect())
    }

    /// The groups named in the reader's terms, the largest first, the tickets without a key last.
    async fn named_groups(
        &self,
        scope: &Scope<'_>,
        grouping: &Grouping,
        figures: Vec<(Option<String>, TicketFigures)>,
    ) -> Result<Vec<GroupFigures>> {
        let keys: Vec<String> = figures.iter().filter_map(|(k, _)| k.clone()).collect();
        let mut names = grouping.names(self, scope.company_id, &keys).await?;
        let mut groups: Vec<GroupFigures> = figures
            .into_iter()
            .map(|(key, figures)| {
                let name = key
                    .as_ref()
                    .and_then(|k| names.remove(k))
                    .unwrap_or(GroupName::Unset);
                GroupFigures { figures, key, name }
            })
            .collect();
        groups.sort_by(|a, b| {
            (
                a.key.is_none(),
                std::cmp::Reverse(a.figures.tickets),
                &a.key,
            )
                .cmp(&(
                    b.key.is_none(),
                    std::cmp::Reverse(b.figures.tickets),
                    &b.key,
                ))
        });
        Ok(groups)
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
