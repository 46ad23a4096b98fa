//! 业主画像: a household's profile for staff — members, contact points, tags, stored facts
//! (important dates, preferences), its butler ([`butlers`]) and one history across channels
//! ([`history`]); and one person's data exported or erased on request ([`pipl`]).

mod butlers;
mod history;
mod pipl;

use chrono::{DateTime, Utc};
use guanjia_domain::announcement::sees_sensitive_tags;
use guanjia_domain::profile::{ButlerSource, HistoryCursor, HouseholdFacts, ProfileChange};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{building, contact_point, household, resident, resident_tag, room, staff};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, changes};

pub(crate) use butlers::butlers_of;
pub use butlers::{ButlerDay, ButlerHousehold};
pub use history::{HistoryEntry, HistoryPage};
pub use pipl::{Erased, PersonExport};

/// One member of a household with what is recorded about them.
#[derive(Debug, Clone)]
pub struct Member {
    pub resident: resident::Model,
    pub contact_points: Vec<contact_point::Model>,
    /// Sensitive ones only for those who may see them.
    pub tags: Vec<resident_tag::Model>,
}

/// A household's butler and how it came to be theirs.
#[derive(Debug, Clone)]
pub struct HouseholdButler {
    pub staff: staff::Model,
    pub source: ButlerSource,
}

/// What staff see of a household.
#[derive(Debug, Clone)]
pub struct HouseholdProfile {
    pub household: household::Model,
    pub room: room::Model,
    pub building: building::Model,
    pub members: Vec<Member>,
    pub facts: HouseholdFacts,
    pub butler: Option<HouseholdButler>,
    pub history: HistoryPage,
}

impl Store {
    /// A household's profile with the first page of its history after `cursor` (desk staff of
    /// its project; residents are 403, other projects 404).
    pub async fn household_profile(
        &self,
        who: &Principal,
        id: &str,
        cursor: Option<&HistoryCursor>,
        limit: u64,
    ) -> Result<HouseholdProfile> {
        let household = self.visible_household(who, id).await?;
        let (room, building) = self.household_place(&household).await?;
        let people = resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(&who.company_id))
            .filter(resident::Column::HouseholdId.eq(&household.id))
            .order_by_asc(resident::Column::CreatedAt)
            .order_by_asc(resident::Column::Id)
            .all(&self.db)
            .await?;
        let ids: Vec<String> = people.iter().map(|r| r.id.clone()).collect();
        let points = contact_point::Entity::find()
            .filter(contact_point::Column::CompanyId.eq(&who.company_id))
            .filter(contact_point::Column::ResidentId.is_in(ids.iter().cloned()))
            .order_by_asc(contact_point::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let tags = resident_tag::Entity::find()
            .filter(resident_tag::Column::CompanyId.eq(&who.company_id))
            .filter(resident_tag::Column::ResidentId.is_in(ids.iter().cloned()))
            .order_by_asc(resident_tag::Column::Code)
            .all(&self.db)
            .await?;
        let sees_sensitive = sees_sensitive_tags(who.role);
        let members = people
            .into_iter()
            .map(|r| Member {
                contact_points: points
                    .iter()
                    .filter(|p| p.resident_id == r.id)
                    .cloned()
                    .collect(),
                tags: tags
                    .iter()
                    .filter(|t| t.resident_id == r.id && (sees_sensitive || !t.sensitive))
                    .cloned()
                    .collect(),
                resident: r,
            })
            .collect();
        let butler = self.butler_of(&household).await?;
        let history = self.history(who, &household, &ids, cursor, limit).await?;
        Ok(HouseholdProfile {
            facts: facts_of(&household),
            household,
            room,
            building,
            members,
            butler,
            history,
        })
    }

    /// Replaces a household's important dates and/or preferences (desk staff of its project;
    /// audited). A date naming someone outside the household is refused by field.
    pub async fn set_household_facts(
        &self,
        who: &Principal,
        id: &str,
        change: ProfileChange,
        now: DateTime<Utc>,
    ) -> Result<HouseholdFacts> {
        let household = self.visible_household(who, id).await?;
        if let Some(dates) = &change.important_dates {
            let named: Vec<String> = dates.iter().filter_map(|d| d.resident_id.clone()).collect();
            let members: Vec<String> = resident::Entity::find()
                .filter(resident::Column::CompanyId.eq(&who.company_id))
                .filter(resident::Column::HouseholdId.eq(&household.id))
                .filter(resident::Column::Id.is_in(named))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
            if let Some(i) = dates
                .iter()
                .position(|d| d.resident_id.as_ref().is_some_and(|r| !members.contains(r)))
            {
                return Err(StorageError::field(
                    &format!("important_dates[{i}].resident_id"),
                    FieldErrorCode::UnknownReference,
                ));
            }
        }
        let before = facts_of(&household);
        let after = change.apply(before.clone());
        if after == before {
            return Ok(after);
        }
        let txn = self.begin_write().await?;
        let mut model: household::ActiveModel = household.into();
        model.facts = Set(Some(json!(after)));
        model.update(&txn).await?;
        Audit::by(who, "household", id, "set_profile")
            .record(&txn, changes(json!(before), json!(after)), now)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// A household of the caller's projects, for desk staff; residents do not read profiles.
    pub(crate) async fn visible_household(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<household::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        household::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|h| who.sees_project(&h.project_id))
            .ok_or(StorageError::NotFound("household"))
    }

    /// The room a household lives in and its building.
    async fn household_place(
        &self,
        household: &household::Model,
    ) -> Result<(room::Model, building::Model)> {
        let room =
            room::Entity::find_by_id((household.company_id.clone(), household.room_id.clone()))
                .one(&self.db)
                .await?
                .ok_or(StorageError::NotFound("room"))?;
        let building =
            building::Entity::find_by_id((household.company_id.clone(), room.building_id.clone()))
                .one(&self.db)
                .await?
                .ok_or(StorageError::NotFound("building"))?;
        Ok((room, building))
    }
}

/// A household's stored facts; none stored (or unreadable) reads as none recorded.
pub(crate) fn facts_of(household: &household::Model) -> HouseholdFacts {
    household
        .facts
        .clone()
        .and_then(|f| serde_json::from_value(f).ok())
        .unwrap_or_default()
}
