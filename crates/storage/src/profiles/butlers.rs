//! 管家: each household's butler, set on its building by a manager or on the household by hand
//! (hand wins), and the butler's day: their households with what needs attention today.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::announcement::AnnouncementState;
use guanjia_domain::place::local_date;
use guanjia_domain::profile::{ButlerSource, ImportantDate, household_butler};
use guanjia_domain::role::Role;
use guanjia_domain::ticket::Status;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde_json::json;

use super::{HouseholdButler, facts_of};
use crate::db::Store;
use crate::entity::{
    announcement, announcement_recipient, building, household, project, resident, room, staff,
    staff_project, ticket,
};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::Audit;

/// A butler looks after at most this many households on their page.
const MAX_HOUSEHOLDS: u64 = 1000;

/// One of a butler's households and what needs attention today.
#[derive(Debug, Clone)]
pub struct ButlerHousehold {
    pub household: household::Model,
    pub room: room::Model,
    pub building_name: String,
    pub source: ButlerSource,
    pub members: Vec<resident::Model>,
    /// Resolved tickets waiting for the butler's call-back.
    pub follow_ups: Vec<ticket::Model>,
    /// Critical notices a member has not acknowledged: the notice and whom to call.
    pub notices: Vec<(announcement::Model, String)>,
    pub dates_today: Vec<ImportantDate>,
}

impl ButlerHousehold {
    pub fn needs_attention(&self) -> bool {
        !self.follow_ups.is_empty() || !self.notices.is_empty() || !self.dates_today.is_empty()
    }
}

/// A butler's households, those needing attention first.
#[derive(Debug, Clone)]
pub struct ButlerDay {
    pub households: Vec<ButlerHousehold>,
}

impl Store {
    /// Sets (or clears, with None) a building's butler: its households without one set by
    /// hand are theirs (admins and managers of the project; audited).
    pub async fn set_building_butler(
        &self,
        who: &Principal,
        id: &str,
        butler_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<building::Model> {
        if !who.role.manages() {
            return Err(StorageError::Forbidden);
        }
        let current = building::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|b| who.sees_project(&b.project_id))
            .ok_or(StorageError::NotFound("building"))?;
        self.check_butler(who, &current.project_id, butler_id.as_deref())
            .await?;
        let txn = self.begin_write().await?;
        building::Entity::update_many()
            .col_expr(building::Column::ButlerId, Expr::value(butler_id.clone()))
            .filter(building::Column::CompanyId.eq(&who.company_id))
            .filter(building::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        Audit::by(who, "building", id, "set_butler")
            .record(
                &txn,
                json!({ "butler_id": { "from": current.butler_id, "to": butler_id } }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(building::Model {
            butler_id,
            ..current
        })
    }

    /// Sets (or clears, with None) a household's butler by hand, over its building's (those
    /// who oversee the project; audited).
    pub async fn set_household_butler(
        &self,
        who: &Principal,
        id: &str,
        butler_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<household::Model> {
        if !who.role.oversees() {
            return Err(StorageError::Forbidden);
        }
        let current = self.visible_household(who, id).await?;
        self.check_butler(who, &current.project_id, butler_id.as_deref())
            .await?;
        let txn = self.begin_write().await?;
        household::Entity::update_many()
            .col_expr(household::Column::ButlerId, Expr::value(butler_id.clone()))
            .filter(household::Column::CompanyId.eq(&who.company_id))
            .filter(household::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        Audit::by(who, "household", id, "set_butler")
            .record(
                &txn,
                json!({ "butler_id": { "from": current.butler_id, "to": butler_id } }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(household::Model {
            butler_id,
            ..current
        })
    }

    /// The butler named is an active butler of the project.
    async fn check_butler(
        &self,
        who: &Principal,
        project_id: &str,
        butler_id: Option<&str>,
    ) -> Result<()> {
        let Some(butler_id) = butler_id else {
            return Ok(());
        };
        let member = staff_project::Entity::find()
            .filter(staff_project::Column::CompanyId.eq(&who.company_id))
            .filter(staff_project::Column::StaffId.eq(butler_id))
            .filter(staff_project::Column::ProjectId.eq(project_id))
            .count(&self.db)
            .await?;
        let butler = staff::Entity::find_by_id((who.company_id.clone(), butler_id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|s| s.active && s.role == Role::Butler.as_str());
        if member == 0 || butler.is_none() {
            return Err(StorageError::field(
                "butler_id",
                FieldErrorCode::UnknownReference,
            ));
        }
        Ok(())
    }

    /// A household's butler as its profile shows it.
    pub(super) async fn butler_of(
        &self,
        household: &household::Model,
    ) -> Result<Option<HouseholdButler>> {
        let company = &household.company_id;
        let found = butlers_of(&self.db, company, std::slice::from_ref(&household.id))
            .await?
            .remove(&household.id);
        let Some((id, source)) = found else {
            return Ok(None);
        };
        let staff = staff::Entity::find_by_id((company.clone(), id))
            .one(&self.db)
            .await?;
        Ok(staff.map(|staff| HouseholdButler { staff, source }))
    }

    /// The signed-in butler's households and, for each, the follow-ups waiting for their call,
    /// the critical notices a member has not acknowledged and the important dates falling on
    /// today in the project's time zone.
    pub async fn butler_day(&self, who: &Principal, now: DateTime<Utc>) -> Result<ButlerDay> {
        if who.role != Role::Butler {
            return Err(StorageError::Forbidden);
        }
        let company = &who.company_id;
        let buildings: Vec<building::Model> = building::Entity::find()
            .filter(building::Column::CompanyId.eq(company))
            .filter(building::Column::ButlerId.eq(&who.id))
            .all(&self.db)
            .await?;
        let their_rooms = room::Entity::find()
            .select_only()
            .column(room::Column::Id)
            .filter(room::Column::CompanyId.eq(company))
            .filter(room::Column::BuildingId.is_in(buildings.iter().map(|b| b.id.clone())))
            .into_query();
        let mut mine = Condition::all()
            .add(household::Column::CompanyId.eq(company))
            .add(
                Condition::any()
                    .add(household::Column::ButlerId.eq(&who.id))
                    .add(
                        Condition::all()
                            .add(household::Column::ButlerId.is_null())
                            .add(household::Column::RoomId.in_subquery(their_rooms)),
                    ),
            );
        if let ProjectScope::Only(ids) = &who.projects {
            mine = mine.add(household::Column::ProjectId.is_in(ids.iter().cloned()));
        }
        let households = household::Entity::find()
            .filter(mine)
            .order_by_asc(household::Column::Id)
            .limit(MAX_HOUSEHOLDS)
            .all(&self.db)
            .await?;
        let ids: Vec<String> = households.iter().map(|h| h.id.clone()).collect();
        let rooms: HashMap<String, room::Model> = room::Entity::find()
            .filter(room::Column::CompanyId.eq(company))
            .filter(room::Column::Id.is_in(households.iter().map(|h| h.room_id.clone())))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let building_names: HashMap<String, String> = building::Entity::find()
            .filter(building::Column::CompanyId.eq(company))
            .filter(building::Column::Id.is_in(rooms.values().map(|r| r.building_id.clone())))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect();
        let members = resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(company))
            .filter(resident::Column::HouseholdId.is_in(ids.iter().cloned()))
            .order_by_asc(resident::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let follow_ups = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::HouseholdId.is_in(ids.iter().cloned()))
            .filter(ticket::Column::FollowUpOwnerId.eq(&who.id))
            .filter(ticket::Column::Status.eq(Status::Resolved.as_str()))
            .filter(ticket::Column::FollowUpResult.is_null())
            .order_by_asc(ticket::Column::ResolvedAt)
            .all(&self.db)
            .await?;
        let critical = announcement::Entity::find()
            .select_only()
            .column(announcement::Column::Id)
            .filter(announcement::Column::CompanyId.eq(company))
            .filter(announcement::Column::State.eq(AnnouncementState::Sent.as_str()))
            .filter(announcement::Column::RequiresAck.eq(true))
            .into_query();
        let owing = announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(company))
            .filter(
                announcement_recipient::Column::ResidentId
                    .is_in(members.iter().map(|m| m.id.clone())),
            )
            .filter(announcement_recipient::Column::AcknowledgedAt.is_null())
            .filter(announcement_recipient::Column::AnnouncementId.in_subquery(critical))
            .all(&self.db)
            .await?;
        let notices: HashMap<String, announcement::Model> = announcement::Entity::find()
            .filter(announcement::Column::CompanyId.eq(company))
            .filter(announcement::Column::Id.is_in(owing.iter().map(|o| o.announcement_id.clone())))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let zones: HashMap<String, String> = project::Entity::find()
            .filter(project::Column::CompanyId.eq(company))
            .filter(project::Column::Id.is_in(households.iter().map(|h| h.project_id.clone())))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.time_zone))
            .collect();
        let mut day: Vec<ButlerHousehold> = households
            .into_iter()
            .filter_map(|h| {
                let room = rooms.get(&h.room_id)?.clone();
                let people: Vec<resident::Model> = members
                    .iter()
                    .filter(|m| m.household_id == h.id)
                    .cloned()
                    .collect();
                let today: NaiveDate =
                    local_date(zones.get(&h.project_id).map_or("", String::as_str), now);
                Some(ButlerHousehold {
                    building_name: building_names
                        .get(&room.building_id)
                        .cloned()
                        .unwrap_or_default(),
                    source: if h.butler_id.is_some() {
                        ButlerSource::Household
                    } else {
                        ButlerSource::Building
                    },
                    follow_ups: follow_ups
                        .iter()
                        .filter(|t| t.household_id.as_deref() == Some(h.id.as_str()))
                        .cloned()
                        .collect(),
                    notices: owing
                        .iter()
                        .filter(|o| people.iter().any(|p| p.id == o.resident_id))
                        .filter_map(|o| {
                            Some((
                                notices.get(&o.announcement_id)?.clone(),
                                o.resident_id.clone(),
                            ))
                        })
                        .collect(),
                    dates_today: facts_of(&h).dates_on(today).cloned().collect(),
                    members: people,
                    room,
                    household: h,
                })
            })
            .collect();
        day.sort_by(|a, b| {
            (
                !a.needs_attention(),
                &a.building_name,
                &a.room.unit,
                &a.room.number,
            )
                .cmp(&(
                    !b.needs_attention(),
                    &b.building_name,
                    &b.room.unit,
                    &b.room.number,
                ))
        });
        Ok(ButlerDay { households: day })
    }
}

/// The butlers of some households, by household id: the active butler set by hand, else the
/// building's. The one place a household's butler is decided, for its profile, its
/// follow-ups and its unacknowledged notices alike.
pub(crate) async fn butlers_of(
    db: &impl ConnectionTrait,
    company_id: &str,
    household_ids: &[String],
) -> Result<HashMap<String, (String, ButlerSource)>> {
    if household_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let households = household::Entity::find()
        .filter(household::Column::CompanyId.eq(company_id))
        .filter(household::Column::Id.is_in(household_ids.iter().cloned()))
        .all(db)
        .await?;
    let rooms: HashMap<String, String> = room::Entity::find()
        .filter(room::Column::CompanyId.eq(company_id))
        .filter(room::Column::Id.is_in(households.iter().map(|h| h.room_id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.building_id))
        .collect();
    let buildings: HashMap<String, Option<String>> = building::Entity::find()
        .filter(building::Column::CompanyId.eq(company_id))
        .filter(building::Column::Id.is_in(rooms.values().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.butler_id))
        .collect();
    let of_building = |h: &household::Model| -> Option<String> {
        rooms
            .get(&h.room_id)
            .and_then(|b| buildings.get(b).cloned().flatten())
    };
    let candidates: Vec<Option<String>> = households
        .iter()
        .flat_map(|h| [h.butler_id.clone(), of_building(h)])
        .collect();
    let active = active_butlers(db, company_id, candidates.iter()).await?;
    Ok(households
        .iter()
        .filter_map(|h| {
            let building = of_building(h);
            let (id, source) = household_butler(
                h.butler_id.as_deref().filter(|id| active.contains_key(*id)),
                building.as_deref().filter(|id| active.contains_key(*id)),
            )?;
            Some((h.id.clone(), (id.to_owned(), source)))
        })
        .collect())
}

/// Those of `ids` who are active butlers, by id.
async fn active_butlers<'a>(
    db: &impl ConnectionTrait,
    company_id: &str,
    ids: impl IntoIterator<Item = &'a Option<String>>,
) -> Result<HashMap<String, staff::Model>> {
    let ids: Vec<String> = ids.into_iter().flatten().cloned().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::CompanyId.eq(company_id))
        .filter(staff::Column::Id.is_in(ids))
        .filter(staff::Column::Role.eq(Role::Butler.as_str()))
        .filter(staff::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect())
}
