//! Grids (网格): which response team owns the jobs of which buildings.

use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::NewGrid;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::db::Store;
use crate::entity::{building, grid};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, new_id, require_admin};

impl Store {
    pub async fn create_grid(&self, who: &Principal, input: NewGrid, now: DateTime<Utc>) -> Result<grid::Model> {
        require_admin(who)?;
        let unknown = |field: &str| StorageError::field(field, FieldErrorCode::UnknownReference);
        self.project(who, &input.project_id).await.map_err(|_| unknown("project_id"))?;
        self.team_of_project(&who.company_id, &input.team_id, &input.project_id).await?;
        let found = building::Entity::find()
            .filter(building::Column::CompanyId.eq(&who.company_id))
            .filter(building::Column::ProjectId.eq(&input.project_id))
            .filter(building::Column::Id.is_in(input.building_ids.clone()))
            .count(&self.db)
            .await?;
        let distinct: std::collections::BTreeSet<&String> = input.building_ids.iter().collect();
        if found as usize != distinct.len() {
            return Err(unknown("building_ids"));
        }
        let txn = self.begin_write().await?;
        let model = grid::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(input.project_id),
            name: Set(input.name),
            team_id: Set(input.team_id),
            building_ids: Set(json!(distinct)),
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

    /// The grids of the projects the caller sees (or of one).
    pub async fn grids(&self, who: &Principal, project_id: Option<&str>) -> Result<Vec<grid::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let mut query = grid::Entity::find().filter(grid::Column::CompanyId.eq(&who.company_id));
        if let Some(project_id) = project_id {
            query = query.filter(grid::Column::ProjectId.eq(project_id));
        }
        let all = query.order_by_asc(grid::Column::CreatedAt).all(&self.db).await?;
        Ok(all.into_iter().filter(|g| who.sees_project(&g.project_id)).collect())
    }
}
