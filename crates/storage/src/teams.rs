//! Teams (班组 / 部门) and their members.

use chrono::{DateTime, Utc};
use guanjia_domain::setup::{NewTeam, TeamEdit};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{grid, staff, subtask, team, team_member, ticket};
use crate::error::{Result, StorageError};

use crate::principal::{Principal, ProjectScope};
use crate::sla::bump_config;
use crate::support::{
    Audit, Page, PageRequest, changes, in_use_or, new_id, require_admin, taken_or, unused,
};

/// A team with its members' ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub team: team::Model,
    pub member_ids: Vec<String>,
}

impl Store {
    pub async fn create_team(
        &self,
        who: &Principal,
        input: NewTeam,
        now: DateTime<Utc>,
    ) -> Result<Team> {
        require_admin(who)?;
        self.project(who, &input.project_id)
            .await
            .map_err(|_| StorageError::field("project_id", FieldErrorCode::UnknownReference))?;
        let member_ids = self.known_staff(&who.company_id, &input.member_ids).await?;
        let txn = self.begin_write().await?;
        let model = team::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(input.project_id),
            name: Set(input.name),
            kind: Set(input.kind.as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "name"))?;
        add_members(&txn, &who.company_id, &model.id, &member_ids).await?;
        Audit::by(who, "team", &model.id, "create")
            .record(
                &txn,
                json!({ "name": model.name, "kind": model.kind, "member_ids": member_ids }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(Team {
            team: model,
            member_ids,
        })
    }

    /// Replaces a team's members (admins only).
    pub async fn set_team_members(
        &self,
        who: &Principal,
        team_id: &str,
        member_ids: &[String],
        now: DateTime<Utc>,
    ) -> Result<Team> {
        require_admin(who)?;
        let team = self.team(who, team_id).await?;
        let member_ids = self.known_staff(&who.company_id, member_ids).await?;
        let txn = self.begin_write().await?;
        team_member::Entity::delete_many()
            .filter(team_member::Column::CompanyId.eq(&who.company_id))
            .filter(team_member::Column::TeamId.eq(&team.id))
            .exec(&txn)
            .await?;
        add_members(&txn, &who.company_id, &team.id, &member_ids).await?;
        Audit::by(who, "team", &team.id, "set_members")
            .record(&txn, json!({ "member_ids": member_ids }), now)
            .await?;
        txn.commit().await?;
        Ok(Team { team, member_ids })
    }

    /// A team of a project the principal sees; otherwise not found.
    pub async fn team(&self, who: &Principal, id: &str) -> Result<team::Model> {
        team::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|t| who.sees_project(&t.project_id))
            .ok_or(StorageError::NotFound("team"))
    }

    /// Renames a team or changes its kind (admins only); it stays in its project.
    pub async fn update_team(
        &self,
        who: &Principal,
        id: &str,
        input: TeamEdit,
        now: DateTime<Utc>,
    ) -> Result<Team> {
        require_admin(who)?;
        let current = self.team(who, id).await?;
        let before = json!({ "name": current.name, "kind": current.kind });
        let txn = self.begin_write().await?;
        let mut model: team::ActiveModel = current.into();
        model.name = Set(input.name);
        model.kind = Set(input.kind.as_str().to_owned());
        let updated = model.update(&txn).await.map_err(|e| taken_or(e, "name"))?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "team", id, "update")
            .record(
                &txn,
                changes(
                    before,
                    json!({ "name": updated.name, "kind": updated.kind }),
                ),
                now,
            )
            .await?;
        let member_ids = team_member::Entity::find()
            .filter(team_member::Column::CompanyId.eq(&who.company_id))
            .filter(team_member::Column::TeamId.eq(id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| m.staff_id)
            .collect();
        txn.commit().await?;
        Ok(Team {
            team: updated,
            member_ids,
        })
    }

    /// Deletes a team no grid, ticket or sub-task names (admins only); its members stay staff.
    pub async fn delete_team(&self, who: &Principal, id: &str, now: DateTime<Utc>) -> Result<()> {
        require_admin(who)?;
        let current = self.team(who, id).await?;
        let company = &who.company_id;
        let txn = self.begin_write().await?;
        unused(vec![
            (
                "grids",
                grid::Entity::find()
                    .filter(grid::Column::CompanyId.eq(company))
                    .filter(grid::Column::TeamId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "tickets",
                ticket::Entity::find()
                    .filter(ticket::Column::CompanyId.eq(company))
                    .filter(ticket::Column::TeamId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "subtasks",
                subtask::Entity::find()
                    .filter(subtask::Column::CompanyId.eq(company))
                    .filter(subtask::Column::TeamId.eq(id))
                    .count(&txn)
                    .await?,
            ),
        ])?;
        team_member::Entity::delete_many()
            .filter(team_member::Column::CompanyId.eq(company))
            .filter(team_member::Column::TeamId.eq(id))
            .exec(&txn)
            .await?;
        team::Entity::delete_by_id((company.clone(), id.to_owned()))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        bump_config(&txn, company).await?;
        Audit::by(who, "team", id, "delete")
            .record(
                &txn,
                json!({ "project_id": current.project_id, "name": current.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The distinct ids of `ids`, all of them staff of the company; else 422 on `member_ids`.
    async fn known_staff(&self, company_id: &str, ids: &[String]) -> Result<Vec<String>> {
        let known = staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(company_id))
            .filter(staff::Column::Id.is_in(ids.to_vec()))
            .count(&self.db)
            .await?;
        let mut distinct: Vec<String> = Vec::new();
        for id in ids {
            if !distinct.contains(id) {
                distinct.push(id.clone());
            }
        }
        if known as usize != distinct.len() {
            return Err(StorageError::field(
                "member_ids",
                FieldErrorCode::UnknownReference,
            ));
        }
        Ok(distinct)
    }

    pub async fn teams(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Team>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let mut condition = Condition::all().add(team::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            condition = condition.add(team::Column::ProjectId.is_in(ids.clone()));
        }
        if let Some(project_id) = project_id {
            condition = condition.add(team::Column::ProjectId.eq(project_id));
        }
        let query = team::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        let teams = query
            .order_by_asc(team::Column::CreatedAt)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let members = team_member::Entity::find()
            .filter(team_member::Column::CompanyId.eq(&who.company_id))
            .filter(team_member::Column::TeamId.is_in(teams.iter().map(|t| t.id.clone())))
            .all(&self.db)
            .await?;
        let items = teams
            .into_iter()
            .map(|team| {
                let member_ids = members
                    .iter()
                    .filter(|m| m.team_id == team.id)
                    .map(|m| m.staff_id.clone())
                    .collect();
                Team { team, member_ids }
            })
            .collect();
        Ok(page.wrap(items, total))
    }

    /// A team of `project_id`, for dispatch: unknown is a 422 on `team_id`.
    pub(crate) async fn team_of_project(
        &self,
        company_id: &str,
        team_id: &str,
        project_id: &str,
    ) -> Result<team::Model> {
        team::Entity::find_by_id((company_id.to_owned(), team_id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|t| t.project_id == project_id)
            .ok_or_else(|| StorageError::field("team_id", FieldErrorCode::UnknownReference))
    }
}

async fn add_members(
    db: &impl ConnectionTrait,
    company_id: &str,
    team_id: &str,
    member_ids: &[String],
) -> Result<()> {
    if member_ids.is_empty() {
        return Ok(());
    }
    let rows = member_ids.iter().map(|staff_id| team_member::ActiveModel {
        company_id: Set(company_id.to_owned()),
        team_id: Set(team_id.to_owned()),
        staff_id: Set(staff_id.clone()),
    });
    team_member::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}
