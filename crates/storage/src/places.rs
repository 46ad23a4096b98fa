//! Projects, buildings and rooms.

use chrono::{DateTime, Utc};
use guanjia_domain::setup::{NewProject, NewRoom};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{building, project, room};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::sla::bump_config;
use crate::support::{Audit, Page, PageRequest, new_id, require_admin, taken_or};

impl Store {
    pub async fn create_project(&self, who: &Principal, input: NewProject, now: DateTime<Utc>) -> Result<project::Model> {
        require_admin(who)?;
        let txn = self.begin_write().await?;
        let model = project::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            code: Set(input.code.clone()),
            name: Set(input.name),
            kind: Set(input.kind.as_str().to_owned()),
            time_zone: Set(input.time_zone),
            address: Set(input.address),
            calendar_id: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "code"))?;
        // A project's tickets get deadlines only once the SLA configuration knows the project.
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "project", &model.id, "create").record(&txn, json!({ "code": model.code, "name": model.name }), now).await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn projects(&self, who: &Principal, page: PageRequest) -> Result<Page<project::Model>> {
        let mut query = project::Entity::find().filter(project::Column::CompanyId.eq(&who.company_id));
        query = match &who.projects {
            _ if !who.role.is_staff() => return Ok(page.wrap(vec![], 0)),
            ProjectScope::All => query,
            ProjectScope::Only(ids) => query.filter(project::Column::Id.is_in(ids.clone())),
        };
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(project::Column::CreatedAt)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// A project the principal may see; otherwise not found.
    pub async fn project(&self, who: &Principal, id: &str) -> Result<project::Model> {
        if !who.sees_project(id) {
            return Err(StorageError::NotFound("project"));
        }
        project::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("project"))
    }

    pub async fn create_building(
        &self,
        who: &Principal,
        project_id: &str,
        name: String,
        now: DateTime<Utc>,
    ) -> Result<building::Model> {
        require_admin(who)?;
        self.project(who, project_id).await?;
        let txn = self.begin_write().await?;
        let model = building::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(project_id.to_owned()),
            name: Set(name),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "name"))?;
        Audit::by(who, "building", &model.id, "create")
            .record(&txn, json!({ "project_id": project_id, "name": model.name }), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn buildings(&self, who: &Principal, project_id: &str, page: PageRequest) -> Result<Page<building::Model>> {
        self.project(who, project_id).await?;
        let query = building::Entity::find().filter(
            Condition::all()
                .add(building::Column::CompanyId.eq(&who.company_id))
                .add(building::Column::ProjectId.eq(project_id)),
        );
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(building::Column::CreatedAt)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// A building the principal may see; otherwise not found.
    pub async fn building(&self, who: &Principal, id: &str) -> Result<building::Model> {
        let found = building::Entity::find_by_id((who.company_id.clone(), id.to_owned())).one(&self.db).await?;
        found.filter(|b| who.sees_project(&b.project_id)).ok_or(StorageError::NotFound("building"))
    }

    pub async fn create_room(&self, who: &Principal, building_id: &str, input: NewRoom, now: DateTime<Utc>) -> Result<room::Model> {
        require_admin(who)?;
        let building = self.building(who, building_id).await?;
        let txn = self.begin_write().await?;
        let model = room::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(building.project_id.clone()),
            building_id: Set(building.id.clone()),
            unit: Set(input.unit),
            number: Set(input.number),
            kind: Set(input.kind.as_str().to_owned()),
            floor: Set(input.floor),
            area_m2: Set(input.area_m2),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "number"))?;
        Audit::by(who, "room", &model.id, "create")
            .record(&txn, json!({ "building_id": building.id, "unit": model.unit, "number": model.number }), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn rooms(&self, who: &Principal, building_id: &str, page: PageRequest) -> Result<Page<room::Model>> {
        self.building(who, building_id).await?;
        let query = room::Entity::find().filter(
            Condition::all().add(room::Column::CompanyId.eq(&who.company_id)).add(room::Column::BuildingId.eq(building_id)),
        );
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(room::Column::Unit)
            .order_by_asc(room::Column::Number)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// A room the principal may see, for references from other objects: unknown is a 422 on `field`.
    pub(crate) async fn referenced_room(&self, who: &Principal, id: &str, field: &str) -> Result<room::Model> {
        let found = room::Entity::find_by_id((who.company_id.clone(), id.to_owned())).one(&self.db).await?;
        found
            .filter(|r| who.sees_project(&r.project_id) || !who.role.is_staff())
            .ok_or_else(|| StorageError::field(field, FieldErrorCode::UnknownReference))
    }
}
