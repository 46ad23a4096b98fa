//! Grids (网格): which response team owns the jobs of which buildings.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::NewGrid;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{building, grid};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::sla::bump_config;
use crate::support::{Audit, changes, new_id, require_admin};

impl Store {
    pub async fn create_grid(
        &self,
        who: &Principal,
        input: NewGrid,
        now: DateTime<Utc>,
    ) -> Result<grid::Model> {
        require_admin(who)?;
        let building_ids = self.check_grid(who, &input).await?;
        let txn = self.begin_write().await?;
        let model = grid::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(input.project_id),
            name: Set(input.name),
            team_id: Set(input.team_id),
            building_ids: Set(json!(building_ids)),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "grid", &model.id, "create")
            .record(&txn, json!({ "name": model.name, "team_id": model.team_id, "building_ids": model.building_ids }), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// The project, team and buildings of a grid must be the company's, the team and buildings
    /// of that project; the buildings, each once.
    async fn check_grid(&self, who: &Principal, input: &NewGrid) -> Result<BTreeSet<String>> {
        let unknown = |field: &str| StorageError::field(field, FieldErrorCode::UnknownReference);
        self.project(who, &input.project_id)
            .await
            .map_err(|_| unknown("project_id"))?;
        self.team_of_project(&who.company_id, &input.team_id, &input.project_id)
            .await?;
        let found = building::Entity::find()
            .filter(building::Column::CompanyId.eq(&who.company_id))
            .filter(building::Column::ProjectId.eq(&input.project_id))
            .filter(building::Column::Id.is_in(input.building_ids.clone()))
            .count(&self.db)
            .await?;
        let distinct: BTreeSet<String> = input.building_ids.iter().cloned().collect();
        if found as usize != distinct.len() {
            return Err(unknown("building_ids"));
        }
        Ok(distinct)
    }

    /// A grid of a project the principal sees; otherwise not found.
    pub async fn grid(&self, who: &Principal, id: &str) -> Result<grid::Model> {
        let found = grid::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?;
        found
            .filter(|g| who.sees_project(&g.project_id))
            .ok_or(StorageError::NotFound("grid"))
    }

    /// Changes a grid's name, team or buildings (admins only), checked as a new one is; the
    /// next dispatch follows it.
    pub async fn update_grid(
        &self,
        who: &Principal,
        id: &str,
        input: NewGrid,
        now: DateTime<Utc>,
    ) -> Result<grid::Model> {
        require_admin(who)?;
        let current = self.grid(who, id).await?;
        if input.project_id != current.project_id {
            return Err(StorageError::field("project_id", FieldErrorCode::Mismatch));
        }
        let building_ids = self.check_grid(who, &input).await?;
        let before = grid_facts(&current);
        let txn = self.begin_write().await?;
        let mut model: grid::ActiveModel = current.into();
        model.name = Set(input.name);
        model.team_id = Set(input.team_id);
        model.building_ids = Set(json!(building_ids));
        let updated = model.update(&txn).await?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "grid", id, "update")
            .record(&txn, changes(before, grid_facts(&updated)), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Deletes a grid (admins only): its buildings' jobs go to the project's other grids, or to
    /// any technician of the project.
    pub async fn delete_grid(&self, who: &Principal, id: &str, now: DateTime<Utc>) -> Result<()> {
        require_admin(who)?;
        let current = self.grid(who, id).await?;
        let txn = self.begin_write().await?;
        grid::Entity::delete_by_id((who.company_id.clone(), id.to_owned()))
            .exec(&txn)
            .await?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "grid", id, "delete")
            .record(
                &txn,
                json!({ "project_id": current.project_id, "name": current.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The grids of the projects the caller sees (or of one).
    pub async fn grids(
        &self,
        who: &Principal,
        project_id: Option<&str>,
    ) -> Result<Vec<grid::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let mut query = grid::Entity::find().filter(grid::Column::CompanyId.eq(&who.company_id));
        if let Some(project_id) = project_id {
            query = query.filter(grid::Column::ProjectId.eq(project_id));
        }
        let all = query
            .order_by_asc(grid::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(all
            .into_iter()
            .filter(|g| who.sees_project(&g.project_id))
            .collect())
    }
}

fn grid_facts(g: &grid::Model) -> serde_json::Value {
    json!({ "name": g.name, "team_id": g.team_id, "building_ids": g.building_ids })
}
