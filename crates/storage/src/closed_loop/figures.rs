//! The service figures of a project and period, from the tickets reported in it.

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{Figures, FollowUpResult, TicketOutcome, figures};
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

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
        let query = reported_between(&who.company_id, projects.as_ref(), from, to);
        let outcomes: Vec<TicketOutcome> = query
            .all(&self.db)
            .await?
            .iter()
            .filter_map(outcome_of)
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

fn outcome_of(t: &ticket::Model) -> Option<TicketOutcome> {
    let result: Option<FollowUpResult> = t.follow_up_result.as_deref().and_then(|r| r.parse().ok());
    Some(TicketOutcome {
        kind: t.kind.parse().ok()?,
        status: t.status.parse::<Status>().ok()?,
        ever_resolved: t.first_resolved_at.is_some(),
        reopen_count: t.reopen_count,
        satisfaction: t.satisfaction.map(i64::from),
        followed_up: result.is_some(),
        contacted: result.is_some_and(FollowUpResult::contacted),
        repeat: t.repeat_of.is_some(),
        adopted: t.adopted,
    })
}
