//! Residents and the households they form.

use chrono::{DateTime, Utc};
use guanjia_domain::delivery::PreferredChannel;
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewResident;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{household, resident, room, ticket};
use crate::error::{Result, StorageError};

use crate::principal::{Principal, ProjectScope};
use crate::support::{
    Audit, Page, PageRequest, changes, contains_literally, in_use_or, new_id, require_admin,
    taken_or, unused,
};

/// Filters of the resident list.
#[derive(Debug, Clone, Default)]
pub struct ResidentFilter {
    pub project_id: Option<String>,
    pub room_id: Option<String>,
    /// A normalised phone number, exact.
    pub phone: Option<String>,
    /// Part of a name.
    pub name: Option<String>,
}

impl Store {
    /// Adds a resident to the household of a room, creating the household with its first member.
    pub async fn create_resident(
        &self,
        who: &Principal,
        input: NewResident,
        now: DateTime<Utc>,
    ) -> Result<resident::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let room = self.referenced_room(who, &input.room_id, "room_id").await?;
        let txn = self.begin_write().await?;
        let household = household_of(&txn, &who.company_id, &room, now).await?;
        let model = resident::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            household_id: Set(household.id.clone()),
            project_id: Set(room.project_id.clone()),
            room_id: Set(room.id.clone()),
            name: Set(input.name),
            phone: Set(input.phone),
            role: Set(input.role.as_str().to_owned()),
            tier: Set(input.tier.as_str().to_owned()),
            preferred_channel: Set(PreferredChannel::Sms.as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "phone"))?;
        Audit::by(who, "resident", &model.id, "create")
            .record(
                &txn,
                json!({ "room_id": room.id, "name": model.name, "role": model.role }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn residents(
        &self,
        who: &Principal,
        filter: ResidentFilter,
        page: PageRequest,
    ) -> Result<Page<resident::Model>> {
        let mut condition = Condition::all().add(resident::Column::CompanyId.eq(&who.company_id));
        condition = match &who.projects {
            _ if !who.role.is_staff() => {
                condition.add(resident::Column::HouseholdId.is_in(who.households.clone()))
            }
            ProjectScope::All => condition,
            ProjectScope::Only(ids) => {
                condition.add(resident::Column::ProjectId.is_in(ids.clone()))
            }
        };
        if let Some(project_id) = filter.project_id {
            condition = condition.add(resident::Column::ProjectId.eq(project_id));
        }
        if let Some(room_id) = filter.room_id {
            condition = condition.add(resident::Column::RoomId.eq(room_id));
        }
        if let Some(phone) = filter.phone {
            condition = condition.add(resident::Column::Phone.eq(phone));
        }
        if let Some(name) = filter.name {
            condition = condition.add(contains_literally(resident::Column::Name, &name));
        }
        let query = resident::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(resident::Column::CreatedAt)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// A resident the principal may see; otherwise not found.
    pub async fn resident(&self, who: &Principal, id: &str) -> Result<resident::Model> {
        let found = resident::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?;
        found
            .filter(|r| who.sees_project(&r.project_id) || who.households.contains(&r.household_id))
            .ok_or(StorageError::NotFound("resident"))
    }

    /// Corrects a resident's name, phone, role or tier, or moves them to another room's household
    /// (admins only). Their past tickets keep the room they named.
    pub async fn update_resident(
        &self,
        who: &Principal,
        id: &str,
        input: NewResident,
        now: DateTime<Utc>,
    ) -> Result<resident::Model> {
        require_admin(who)?;
        let current = self.resident(who, id).await?;
        let room = self.referenced_room(who, &input.room_id, "room_id").await?;
        let before = resident_facts(&current);
        let txn = self.begin_write().await?;
        let household = household_of(&txn, &who.company_id, &room, now).await?;
        let mut model: resident::ActiveModel = current.into();
        model.household_id = Set(household.id);
        model.project_id = Set(room.project_id.clone());
        model.room_id = Set(room.id.clone());
        model.name = Set(input.name);
        model.phone = Set(input.phone);
        model.role = Set(input.role.as_str().to_owned());
        model.tier = Set(input.tier.as_str().to_owned());
        let updated = model.update(&txn).await.map_err(|e| taken_or(e, "phone"))?;
        Audit::by(who, "resident", id, "update")
            .record(&txn, changes(before, resident_facts(&updated)), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Sets the channel a resident hears on (admins and desk staff of their project; audited).
    pub async fn set_preferred_channel(
        &self,
        who: &Principal,
        id: &str,
        channel: PreferredChannel,
        now: DateTime<Utc>,
    ) -> Result<resident::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let current = self.resident(who, id).await?;
        let txn = self.begin_write().await?;
        let updated = write_preference(&txn, who, current, channel, now).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// A resident sets the channel they hear on themselves: one identity across rooms, so every
    /// registration under their phone takes it (audited).
    pub async fn set_my_preferred_channel(
        &self,
        who: &Principal,
        channel: PreferredChannel,
        now: DateTime<Utc>,
    ) -> Result<Vec<resident::Model>> {
        if who.role != Role::Resident {
            return Err(StorageError::Forbidden);
        }
        let txn = self.begin_write().await?;
        let mine = resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(&who.company_id))
            .filter(resident::Column::Phone.eq(&who.id))
            .order_by_asc(resident::Column::CreatedAt)
            .all(&txn)
            .await?;
        let mut updated = Vec::with_capacity(mine.len());
        for current in mine {
            updated.push(write_preference(&txn, who, current, channel, now).await?);
        }
        txn.commit().await?;
        Ok(updated)
    }

    /// Removes a resident registered by mistake (admins only); one who has
    /// reported anything stays, as their tickets name them.
    pub async fn delete_resident(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_admin(who)?;
        let current = self.resident(who, id).await?;
        let txn = self.begin_write().await?;
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(&who.company_id))
            .filter(ticket::Column::ResidentId.eq(id))
            .count(&txn)
            .await?;
        unused(vec![("tickets", tickets)])?;
        resident::Entity::delete_by_id((who.company_id.clone(), id.to_owned()))
            .exec(&txn)
            .await
            .map_err(in_use_or)?;
        Audit::by(who, "resident", id, "delete")
            .record(
                &txn,
                json!({ "room_id": current.room_id, "name": current.name }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Everyone registered with `phone` in the company: the rooms a caller belongs to.
    pub async fn residents_by_phone(
        &self,
        company_id: &str,
        phone: &str,
    ) -> Result<Vec<resident::Model>> {
        Ok(resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(company_id))
            .filter(resident::Column::Phone.eq(phone))
            .order_by_asc(resident::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }
}

/// The household living in `room`, created on first use.
async fn household_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    room: &room::Model,
    now: DateTime<Utc>,
) -> Result<household::Model> {
    if let Some(found) = household_in_room(db, company_id, &room.id).await? {
        return Ok(found);
    }
    Ok(household::ActiveModel {
        company_id: Set(company_id.to_owned()),
        id: Set(new_id()),
        project_id: Set(room.project_id.clone()),
        room_id: Set(room.id.clone()),
        created_at: Set(now),
        facts: Set(None),
        butler_id: Set(None),
    }
    .insert(db)
    .await?)
}

/// The household living in a room, if one is registered.
pub(crate) async fn household_in_room(
    db: &impl ConnectionTrait,
    company_id: &str,
    room_id: &str,
) -> Result<Option<household::Model>> {
    Ok(household::Entity::find()
        .filter(household::Column::CompanyId.eq(company_id))
        .filter(household::Column::RoomId.eq(room_id))
        .one(db)
        .await?)
}

fn resident_facts(r: &resident::Model) -> serde_json::Value {
    json!({ "room_id": r.room_id, "name": r.name, "phone": r.phone, "role": r.role, "tier": r.tier })
}

/// Writes a resident's preferred channel with its audit entry, when it changes.
async fn write_preference(
    txn: &DatabaseTransaction,
    who: &Principal,
    current: resident::Model,
    channel: PreferredChannel,
    now: DateTime<Utc>,
) -> Result<resident::Model> {
    if current.preferred_channel == channel.as_str() {
        return Ok(current);
    }
    let id = current.id.clone();
    let before = current.preferred_channel.clone();
    let mut model: resident::ActiveModel = current.into();
    model.preferred_channel = Set(channel.as_str().to_owned());
    let updated = model.update(txn).await?;
    Audit::by(who, "resident", &id, "set_preferred_channel")
        .record(
            txn,
            json!({ "preferred_channel": { "from": before, "to": channel.as_str() } }),
            now,
        )
        .await?;
    Ok(updated)
}
