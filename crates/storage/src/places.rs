//! Projects, buildings and rooms.

use chrono::{DateTime, Utc};
use guanjia_domain::setup::{NewProject, NewRoom};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{
    building, device, grid, household, incident, nps_campaign, price_item, project, resident, room,
    sla_policy, staff_project, team, ticket,
};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::sla::bump_config;
use crate::support::{
    Audit, Page, PageRequest, changes, in_use_or, new_id, require_admin, taken_or, unused,
};

impl Store {
    pub async fn create_project(
        &self,
        who: &Principal,
        input: NewProject,
        now: DateTime<Utc>,
    ) -> Result<project::Model> {
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
        Audit::by(who, "project", &model.id, "create")
            .record(&txn, json!({ "code": model.code, "name": model.name }), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn projects(
        &self,
        who: &Principal,
        page: PageRequest,
    ) -> Result<Page<project::Model>> {
        let mut query =
            project::Entity::find().filter(project::Column::CompanyId.eq(&who.company_id));
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

    /// A company's project by its code, for a channel configured to serve it.
    pub async fn project_by_code(
        &self,
        company_id: &str,
        code: &str,
    ) -> Result<Option<project::Model>> {
        Ok(project::Entity::find()
            .filter(project::Column::CompanyId.eq(company_id))
            .filter(project::Column::Code.eq(code))
            .one(&self.db)
            .await?)
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
            butler_id: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "name"))?;
        Audit::by(who, "building", &model.id, "create")
            .record(
                &txn,
                json!({ "project_id": project_id, "name": model.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn buildings(
        &self,
        who: &Principal,
        project_id: &str,
        page: PageRequest,
    ) -> Result<Page<building::Model>> {
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
        let found = building::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?;
        found
            .filter(|b| who.sees_project(&b.project_id))
            .ok_or(StorageError::NotFound("building"))
    }

    pub async fn create_room(
        &self,
        who: &Principal,
        building_id: &str,
        input: NewRoom,
        now: DateTime<Utc>,
    ) -> Result<room::Model> {
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
            .record(
                &txn,
                json!({ "building_id": building.id, "unit": model.unit, "number": model.number }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn rooms(
        &self,
        who: &Principal,
        building_id: &str,
        page: PageRequest,
    ) -> Result<Page<room::Model>> {
        self.building(who, building_id).await?;
        let query = room::Entity::find().filter(
            Condition::all()
                .add(room::Column::CompanyId.eq(&who.company_id))
                .add(room::Column::BuildingId.eq(building_id)),
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
    pub(crate) async fn referenced_room(
        &self,
        who: &Principal,
        id: &str,
        field: &str,
    ) -> Result<room::Model> {
        let found = room::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?;
        found
            .filter(|r| who.sees_project(&r.project_id) || !who.role.is_staff())
            .ok_or_else(|| StorageError::field(field, FieldErrorCode::UnknownReference))
    }

    /// Changes a project's code, name, kind, time zone or address (admins only). Its clocks count
    /// in its time zone, so every node reloads the SLA configuration and open deadlines follow.
    pub async fn update_project(
        &self,
        who: &Principal,
        id: &str,
        input: NewProject,
        now: DateTime<Utc>,
    ) -> Result<project::Model> {
        require_admin(who)?;
        let current = self.project(who, id).await?;
        let before = project_facts(&current);
        let zone_moved = current.time_zone != input.time_zone;
        let txn = self.begin_write().await?;
        let mut model: project::ActiveModel = current.into();
        model.code = Set(input.code);
        model.name = Set(input.name);
        model.kind = Set(input.kind.as_str().to_owned());
        model.time_zone = Set(input.time_zone);
        model.address = Set(input.address);
        let updated = model.update(&txn).await.map_err(|e| taken_or(e, "code"))?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "project", id, "update")
            .record(&txn, changes(before, project_facts(&updated)), now)
            .await?;
        txn.commit().await?;
        if zone_moved {
            self.recompute_clocks(&who.company_id, now).await?;
        }
        Ok(updated)
    }

    /// Deletes a project nothing belongs to yet (admins only): no buildings, devices, teams, grids,
    /// staff, tickets, prices, incidents, surveys or policies of its own.
    pub async fn delete_project(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_admin(who)?;
        let current = self.project(who, id).await?;
        let company = &who.company_id;
        let txn = self.begin_write().await?;
        unused(vec![
            (
                "buildings",
                building::Entity::find()
                    .filter(building::Column::CompanyId.eq(company))
                    .filter(building::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "teams",
                team::Entity::find()
                    .filter(team::Column::CompanyId.eq(company))
                    .filter(team::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "grids",
                grid::Entity::find()
                    .filter(grid::Column::CompanyId.eq(company))
                    .filter(grid::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "staff",
                staff_project::Entity::find()
                    .filter(staff_project::Column::CompanyId.eq(company))
                    .filter(staff_project::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "tickets",
                ticket::Entity::find()
                    .filter(ticket::Column::CompanyId.eq(company))
                    .filter(ticket::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "price_items",
                price_item::Entity::find()
                    .filter(price_item::Column::CompanyId.eq(company))
                    .filter(price_item::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "incidents",
                incident::Entity::find()
                    .filter(incident::Column::CompanyId.eq(company))
                    .filter(incident::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "devices",
                device::Entity::find()
                    .filter(device::Column::CompanyId.eq(company))
                    .filter(device::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "nps_campaigns",
                nps_campaign::Entity::find()
                    .filter(nps_campaign::Column::CompanyId.eq(company))
                    .filter(nps_campaign::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "sla_policies",
                sla_policy::Entity::find()
                    .filter(sla_policy::Column::CompanyId.eq(company))
                    .filter(sla_policy::Column::ProjectId.eq(id))
                    .count(&txn)
                    .await?,
            ),
        ])?;
        project::Entity::delete_by_id((company.clone(), id.to_owned()))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        bump_config(&txn, company).await?;
        Audit::by(who, "project", id, "delete")
            .record(
                &txn,
                json!({ "code": current.code, "name": current.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Renames a building (admins only).
    pub async fn update_building(
        &self,
        who: &Principal,
        id: &str,
        name: String,
        now: DateTime<Utc>,
    ) -> Result<building::Model> {
        require_admin(who)?;
        let current = self.building(who, id).await?;
        let before = json!({ "name": current.name });
        let txn = self.begin_write().await?;
        let mut model: building::ActiveModel = current.into();
        model.name = Set(name);
        let updated = model.update(&txn).await.map_err(|e| taken_or(e, "name"))?;
        Audit::by(who, "building", id, "update")
            .record(&txn, changes(before, json!({ "name": updated.name })), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Deletes a building without rooms or devices that no grid names (admins only).
    pub async fn delete_building(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_admin(who)?;
        let current = self.building(who, id).await?;
        let company = &who.company_id;
        let txn = self.begin_write().await?;
        let grids = grid::Entity::find()
            .filter(grid::Column::CompanyId.eq(company))
            .filter(grid::Column::ProjectId.eq(&current.project_id))
            .all(&txn)
            .await?;
        let named = grids
            .iter()
            .filter(|g| {
                g.building_ids
                    .as_array()
                    .is_some_and(|ids| ids.iter().any(|b| b.as_str() == Some(id)))
            })
            .count();
        unused(vec![
            (
                "rooms",
                room::Entity::find()
                    .filter(room::Column::CompanyId.eq(company))
                    .filter(room::Column::BuildingId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            ("grids", named as u64),
            (
                "devices",
                device::Entity::find()
                    .filter(device::Column::CompanyId.eq(company))
                    .filter(device::Column::BuildingId.eq(id))
                    .count(&txn)
                    .await?,
            ),
        ])?;
        building::Entity::delete_by_id((company.clone(), id.to_owned()))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        Audit::by(who, "building", id, "delete")
            .record(
                &txn,
                json!({ "project_id": current.project_id, "name": current.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A room the principal may see; otherwise not found.
    pub async fn room(&self, who: &Principal, id: &str) -> Result<room::Model> {
        let found = room::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?;
        found
            .filter(|r| who.sees_project(&r.project_id))
            .ok_or(StorageError::NotFound("room"))
    }

    /// Changes a room's unit, number, kind, floor or area (admins only); it stays in its building.
    pub async fn update_room(
        &self,
        who: &Principal,
        id: &str,
        input: NewRoom,
        now: DateTime<Utc>,
    ) -> Result<room::Model> {
        require_admin(who)?;
        let current = self.room(who, id).await?;
        let before = room_facts(&current);
        let txn = self.begin_write().await?;
        let mut model: room::ActiveModel = current.into();
        model.unit = Set(input.unit);
        model.number = Set(input.number);
        model.kind = Set(input.kind.as_str().to_owned());
        model.floor = Set(input.floor);
        model.area_m2 = Set(input.area_m2);
        let updated = model
            .update(&txn)
            .await
            .map_err(|e| taken_or(e, "number"))?;
        Audit::by(who, "room", id, "update")
            .record(&txn, changes(before, room_facts(&updated)), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Deletes a room nobody lives in and no ticket or device names (admins only), with its
    /// empty household.
    pub async fn delete_room(&self, who: &Principal, id: &str, now: DateTime<Utc>) -> Result<()> {
        require_admin(who)?;
        let current = self.room(who, id).await?;
        let company = &who.company_id;
        let txn = self.begin_write().await?;
        unused(vec![
            (
                "residents",
                resident::Entity::find()
                    .filter(resident::Column::CompanyId.eq(company))
                    .filter(resident::Column::RoomId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "tickets",
                ticket::Entity::find()
                    .filter(ticket::Column::CompanyId.eq(company))
                    .filter(ticket::Column::RoomId.eq(id))
                    .count(&txn)
                    .await?,
            ),
            (
                "devices",
                device::Entity::find()
                    .filter(device::Column::CompanyId.eq(company))
                    .filter(device::Column::RoomId.eq(id))
                    .count(&txn)
                    .await?,
            ),
        ])?;
        household::Entity::delete_many()
            .filter(household::Column::CompanyId.eq(company))
            .filter(household::Column::RoomId.eq(id))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        room::Entity::delete_by_id((company.clone(), id.to_owned()))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        Audit::by(who, "room", id, "delete")
            .record(&txn, json!({ "building_id": current.building_id, "unit": current.unit, "number": current.number }), now)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

fn project_facts(p: &project::Model) -> serde_json::Value {
    json!({ "code": p.code, "name": p.name, "kind": p.kind, "time_zone": p.time_zone, "address": p.address })
}

fn room_facts(r: &room::Model) -> serde_json::Value {
    json!({ "unit": r.unit, "number": r.number, "kind": r.kind, "floor": r.floor, "area_m2": r.area_m2 })
}
