//! The device registry: admins register, edit and deactivate devices; staff read their projects'.

use chrono::{DateTime, Utc};
use guanjia_domain::iot::{DeviceType, NewDevice, PlaceWords};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{building, device, room};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, Page, PageRequest, changes, new_id, require_admin, taken_or};

/// Which devices a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFilter {
    pub project_id: Option<String>,
    pub device_type: Option<DeviceType>,
    pub active: Option<bool>,
}

/// Where a device is, once its references are checked: a room brings its building and unit.
struct Placement {
    building_id: Option<String>,
    unit: Option<String>,
    room_id: Option<String>,
}

impl Store {
    /// Registers a device at a place of a project (admins only).
    pub async fn create_device(
        &self,
        who: &Principal,
        input: NewDevice,
        now: DateTime<Utc>,
    ) -> Result<device::Model> {
        require_admin(who)?;
        let placement = self.placement(who, &input).await?;
        let txn = self.begin_write().await?;
        let model = device::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            project_id: Set(input.project_id),
            device_id: Set(input.device_id),
            device_type: Set(input.device_type.as_str().to_owned()),
            building_id: Set(placement.building_id),
            unit: Set(placement.unit),
            room_id: Set(placement.room_id),
            place: Set(input.place),
            resolve_on_recovery: Set(input.resolve_on_recovery),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "device_id"))?;
        Audit::by(who, "device", &model.id, "create")
            .record(&txn, device_facts(&model), now)
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// The devices of the caller's projects, by their own id.
    pub async fn devices(
        &self,
        who: &Principal,
        filter: DeviceFilter,
        page: PageRequest,
    ) -> Result<Page<device::Model>> {
        if !who.role.is_staff() {
            return Ok(page.wrap(vec![], 0));
        }
        let mut query =
            device::Entity::find().filter(device::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            query = query.filter(device::Column::ProjectId.is_in(ids.clone()));
        }
        if let Some(project_id) = &filter.project_id {
            query = query.filter(device::Column::ProjectId.eq(project_id));
        }
        if let Some(device_type) = filter.device_type {
            query = query.filter(device::Column::DeviceType.eq(device_type.as_str()));
        }
        if let Some(active) = filter.active {
            query = query.filter(device::Column::Active.eq(active));
        }
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(device::Column::DeviceId)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// A device the caller may see; otherwise not found.
    pub async fn device(&self, who: &Principal, id: &str) -> Result<device::Model> {
        device::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|d| who.sees_project(&d.project_id))
            .ok_or(StorageError::NotFound("device"))
    }

    /// Changes everything a device was registered with (admins only), checked as a new one is.
    pub async fn update_device(
        &self,
        who: &Principal,
        id: &str,
        input: NewDevice,
        now: DateTime<Utc>,
    ) -> Result<device::Model> {
        require_admin(who)?;
        let current = self.device(who, id).await?;
        let placement = self.placement(who, &input).await?;
        let before = device_facts(&current);
        let txn = self.begin_write().await?;
        let mut row: device::ActiveModel = current.into();
        row.project_id = Set(input.project_id);
        row.device_id = Set(input.device_id);
        row.device_type = Set(input.device_type.as_str().to_owned());
        row.building_id = Set(placement.building_id);
        row.unit = Set(placement.unit);
        row.room_id = Set(placement.room_id);
        row.place = Set(input.place);
        row.resolve_on_recovery = Set(input.resolve_on_recovery);
        row.updated_at = Set(now);
        let updated = row
            .update(&txn)
            .await
            .map_err(|e| taken_or(e, "device_id"))?;
        Audit::by(who, "device", id, "update")
            .record(&txn, changes(before, device_facts(&updated)), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Stops (or restarts) a device's alarms from opening tickets (admins only); its history
    /// stays.
    pub async fn set_device_active(
        &self,
        who: &Principal,
        id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<device::Model> {
        require_admin(who)?;
        let current = self.device(who, id).await?;
        let txn = self.begin_write().await?;
        let mut row: device::ActiveModel = current.into();
        row.active = Set(active);
        row.updated_at = Set(now);
        let updated = row.update(&txn).await?;
        Audit::by(
            who,
            "device",
            id,
            if active { "activate" } else { "deactivate" },
        )
        .record(&txn, json!({ "active": active }), now)
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// An active device of the caller's projects by its own id, as an alarm names it; unknown,
    /// out of scope and deactivated are alike: 422 on `device_id`.
    pub(crate) async fn alarmed_device(
        &self,
        who: &Principal,
        device_id: &str,
    ) -> Result<device::Model> {
        device::Entity::find()
            .filter(device::Column::CompanyId.eq(&who.company_id))
            .filter(device::Column::DeviceId.eq(device_id))
            .one(&self.db)
            .await?
            .filter(|d| d.active && who.sees_project(&d.project_id))
            .ok_or_else(|| StorageError::field("device_id", FieldErrorCode::UnknownReference))
    }

    /// Where a device is, in the project's words, for the tickets its alarms open.
    pub(crate) async fn device_place(&self, d: &device::Model) -> Result<PlaceWords> {
        let building = match &d.building_id {
            Some(id) => building::Entity::find_by_id((d.company_id.clone(), id.clone()))
                .one(&self.db)
                .await?
                .map(|b| b.name),
            None => None,
        };
        let room = match &d.room_id {
            Some(id) => room::Entity::find_by_id((d.company_id.clone(), id.clone()))
                .one(&self.db)
                .await?
                .map(|r| r.number),
            None => None,
        };
        Ok(PlaceWords {
            building,
            unit: d.unit.clone(),
            room,
            place: d.place.clone(),
        })
    }

    /// Checks a device's project and place against stored data, within the admin's scope.
    async fn placement(&self, who: &Principal, input: &NewDevice) -> Result<Placement> {
        self.project(who, &input.project_id)
            .await
            .map_err(|_| StorageError::field("project_id", FieldErrorCode::UnknownReference))?;
        let mismatch = |field: &str| StorageError::field(field, FieldErrorCode::Mismatch);
        let building = match &input.building_id {
            Some(id) => {
                let found = self.building(who, id).await.map_err(|_| {
                    StorageError::field("building_id", FieldErrorCode::UnknownReference)
                })?;
                if found.project_id != input.project_id {
                    return Err(mismatch("building_id"));
                }
                Some(found)
            }
            None => None,
        };
        let Some(room_id) = &input.room_id else {
            return Ok(Placement {
                building_id: building.map(|b| b.id),
                unit: input.unit.clone(),
                room_id: None,
            });
        };
        let room = self.referenced_room(who, room_id, "room_id").await?;
        if room.project_id != input.project_id {
            return Err(mismatch("room_id"));
        }
        if building.is_some_and(|b| b.id != room.building_id) {
            return Err(mismatch("building_id"));
        }
        let unit = Some(room.unit).filter(|u| !u.is_empty());
        if input.unit.is_some() && input.unit != unit {
            return Err(mismatch("unit"));
        }
        Ok(Placement {
            building_id: Some(room.building_id),
            unit,
            room_id: Some(room.id),
        })
    }
}

/// What the audit trail keeps of a device.
fn device_facts(d: &device::Model) -> serde_json::Value {
    json!({
        "project_id": d.project_id, "device_id": d.device_id, "type": d.device_type,
        "building_id": d.building_id, "unit": d.unit, "room_id": d.room_id, "place": d.place,
        "resolve_on_recovery": d.resolve_on_recovery,
    })
}
