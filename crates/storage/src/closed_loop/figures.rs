//! The service figures of a project and period, from the tickets reported in it.

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{Figures, FollowUpResult, TicketOutcome, figures};
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Select};

use crate::db::Store;
use crate::entity::ticket;
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
        let nps = self
            .nps_between(&who.company_id, projects, from, to)
            .await?;
        Ok(figures(&outcomes, nps, self.loop_rules.satisfied_at_least))
    }
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
    kind: String,
    status: String,
    ever_resolved: bool,
    reopen_count: i32,
    satisfaction: Option<i32>,
    follow_up_result: Option<String>,
    is_repeat: bool,
    adopted: Option<bool>,
    tickets: i64,
}

impl Alike {
    fn outcome(self) -> Option<(TicketOutcome, u64)> {
        let result: Option<FollowUpResult> = self
            .follow_up_result
            .as_deref()
            .and_then(|r| r.parse().ok());
        let outcome = TicketOutcome {
            kind: self.kind.parse().ok()?,
            status: self.status.parse::<Status>().ok()?,
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
