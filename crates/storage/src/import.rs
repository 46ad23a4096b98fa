//! Importing a project's rooms and residents in bulk, as property companies keep them in a
//! spreadsheet: one transaction per file, all or nothing. Buildings, rooms, households and
//! residents are created when missing; a row that repeats what is already there is skipped, so
//! the same file may be imported twice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guanjia_domain::delivery::PreferredChannel;
use guanjia_domain::resident::{ResidentRole, ServiceTier};
use guanjia_domain::setup::NewRoom;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{building, household, resident, room};
use crate::error::Result;
use crate::principal::Principal;
use crate::support::{Audit, new_id, require_admin};

/// One checked row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    /// The row's number in the file, for the report.
    pub line: u32,
    /// As the domain's `BuildingInput` checked it.
    pub building: String,
    pub room: NewRoom,
    pub resident: Option<ResidentRow>,
}

/// A resident of a row, checked by the domain's `ResidentInput` (its room is the row's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentRow {
    pub name: String,
    /// Normalised.
    pub phone: String,
    pub role: ResidentRole,
    pub tier: ServiceTier,
}

/// A row the database refuses: the room's household already has its phone under another name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneConflict {
    pub line: u32,
    /// The name already registered with the phone in that room.
    pub registered_name: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub buildings_created: u64,
    pub rooms_created: u64,
    pub rooms_existing: u64,
    pub residents_created: u64,
    pub residents_existing: u64,
    /// When any, nothing was written.
    pub conflicts: Vec<PhoneConflict>,
    /// Whether the changes were made: false for a dry run or when any row conflicts.
    pub committed: bool,
}

/// (building id, unit, number): how a room is known within a project.
type RoomKey = (String, String, String);

/// What the project already has, loaded once so each row is a map look-up.
struct Known {
    buildings: HashMap<String, String>,
    rooms: HashMap<RoomKey, String>,
    households: HashMap<String, String>,
    /// (household id, phone) → name.
    residents: HashMap<(String, String), String>,
}

async fn known(db: &impl ConnectionTrait, company_id: &str, project_id: &str) -> Result<Known> {
    let buildings = building::Entity::find()
        .select_only()
        .columns([building::Column::Name, building::Column::Id])
        .filter(building::Column::CompanyId.eq(company_id))
        .filter(building::Column::ProjectId.eq(project_id))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?;
    let rooms = room::Entity::find()
        .select_only()
        .columns([
            room::Column::BuildingId,
            room::Column::Unit,
            room::Column::Number,
            room::Column::Id,
        ])
        .filter(room::Column::CompanyId.eq(company_id))
        .filter(room::Column::ProjectId.eq(project_id))
        .into_tuple::<(String, String, String, String)>()
        .all(db)
        .await?;
    let households = household::Entity::find()
        .select_only()
        .columns([household::Column::RoomId, household::Column::Id])
        .filter(household::Column::CompanyId.eq(company_id))
        .filter(household::Column::ProjectId.eq(project_id))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?;
    let residents = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::HouseholdId,
            resident::Column::Phone,
            resident::Column::Name,
        ])
        .filter(resident::Column::CompanyId.eq(company_id))
        .filter(resident::Column::ProjectId.eq(project_id))
        .into_tuple::<(String, String, String)>()
        .all(db)
        .await?;
    Ok(Known {
        buildings: buildings.into_iter().collect(),
        rooms: rooms
            .into_iter()
            .map(|(b, u, n, id)| ((b, u, n), id))
            .collect(),
        households: households.into_iter().collect(),
        residents: residents.into_iter().map(|(h, p, n)| ((h, p), n)).collect(),
    })
}

/// Rows per INSERT: well under the bind-parameter limits of SQLite and PostgreSQL.
const CHUNK: usize = 200;

async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<()>
where
    A: sea_orm::ActiveModelTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// What importing the rows takes: the objects to insert and their audit entries.
#[derive(Default)]
struct Plan {
    report: ImportReport,
    buildings: Vec<building::ActiveModel>,
    rooms: Vec<room::ActiveModel>,
    households: Vec<household::ActiveModel>,
    residents: Vec<resident::ActiveModel>,
    audits: Vec<(&'static str, String, serde_json::Value)>,
}

impl Plan {
    /// Goes through the rows in order, so a later row sees what an earlier one creates.
    fn of(
        mut known: Known,
        rows: &[PlaceRow],
        company_id: &str,
        project_id: &str,
        now: DateTime<Utc>,
    ) -> Plan {
        let mut plan = Plan::default();
        let report = &mut plan.report;
        for row in rows {
            let building_id = match known.buildings.get(&row.building) {
                Some(id) => id.clone(),
                None => {
                    let id = new_id();
                    plan.buildings.push(building::ActiveModel {
                        company_id: Set(company_id.to_owned()),
                        id: Set(id.clone()),
                        project_id: Set(project_id.to_owned()),
                        name: Set(row.building.clone()),
                        created_at: Set(now),
                        butler_id: Set(None),
                    });
                    plan.audits.push((
                        "building",
                        id.clone(),
                        json!({ "project_id": project_id, "name": row.building }),
                    ));
                    known.buildings.insert(row.building.clone(), id.clone());
                    report.buildings_created += 1;
                    id
                }
            };
            let key = (
                building_id.clone(),
                row.room.unit.clone(),
                row.room.number.clone(),
            );
            let room_id = match known.rooms.get(&key) {
                Some(id) => {
                    report.rooms_existing += 1;
                    id.clone()
                }
                None => {
                    let id = new_id();
                    plan.rooms.push(room::ActiveModel {
                        company_id: Set(company_id.to_owned()),
                        id: Set(id.clone()),
                        project_id: Set(project_id.to_owned()),
                        building_id: Set(building_id.clone()),
                        unit: Set(row.room.unit.clone()),
                        number: Set(row.room.number.clone()),
                        kind: Set(row.room.kind.as_str().to_owned()),
                        floor: Set(row.room.floor),
                        area_m2: Set(row.room.area_m2),
                        created_at: Set(now),
                    });
                    plan.audits.push(("room", id.clone(), json!({ "building_id": building_id, "unit": row.room.unit, "number": row.room.number })));
                    known.rooms.insert(key, id.clone());
                    report.rooms_created += 1;
                    id
                }
            };
            let Some(person) = &row.resident else {
                continue;
            };
            let household_id = known.households.entry(room_id.clone()).or_insert_with(|| {
                let id = new_id();
                plan.households.push(household::ActiveModel {
                    company_id: Set(company_id.to_owned()),
                    id: Set(id.clone()),
                    project_id: Set(project_id.to_owned()),
                    room_id: Set(room_id.clone()),
                    created_at: Set(now),
                    facts: Set(None),
                    butler_id: Set(None),
                });
                id
            });
            let member = (household_id.clone(), person.phone.clone());
            match known.residents.get(&member) {
                Some(name) if *name == person.name => report.residents_existing += 1,
                Some(name) => report.conflicts.push(PhoneConflict {
                    line: row.line,
                    registered_name: name.clone(),
                }),
                None => {
                    let id = new_id();
                    plan.residents.push(resident::ActiveModel {
                        company_id: Set(company_id.to_owned()),
                        id: Set(id.clone()),
                        household_id: Set(household_id.clone()),
                        project_id: Set(project_id.to_owned()),
                        room_id: Set(room_id.clone()),
                        name: Set(person.name.clone()),
                        phone: Set(person.phone.clone()),
                        role: Set(person.role.as_str().to_owned()),
                        tier: Set(person.tier.as_str().to_owned()),
                        preferred_channel: Set(PreferredChannel::Sms.as_str().to_owned()),
                        created_at: Set(now),
                    });
                    plan.audits.push(("resident", id, json!({ "room_id": room_id, "name": person.name, "role": person.role.as_str() })));
                    known.residents.insert(member, person.name.clone());
                    report.residents_created += 1;
                }
            }
        }
        plan
    }
}

impl Store {
    /// Imports `rows` into a project, or with `dry_run` only says what importing would do.
    /// Nothing is written when any row conflicts.
    pub async fn import_places(
        &self,
        who: &Principal,
        project_id: &str,
        rows: &[PlaceRow],
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<ImportReport> {
        require_admin(who)?;
        self.project(who, project_id).await?;
        let company_id = who.company_id.as_str();
        if dry_run {
            return Ok(Plan::of(
                known(&self.db, company_id, project_id).await?,
                rows,
                company_id,
                project_id,
                now,
            )
            .report);
        }
        // What exists is read inside the writing transaction, so a concurrent import cannot
        // slip a duplicate in between.
        let txn = self.begin_write().await?;
        let plan = Plan::of(
            known(&txn, company_id, project_id).await?,
            rows,
            company_id,
            project_id,
            now,
        );
        let mut report = plan.report;
        if !report.conflicts.is_empty() {
            txn.rollback().await?;
            return Ok(report);
        }
        // Parents before children, for the foreign keys.
        insert_all(&txn, plan.buildings).await?;
        insert_all(&txn, plan.rooms).await?;
        insert_all(&txn, plan.households).await?;
        insert_all(&txn, plan.residents).await?;
        for (entity, id, details) in plan.audits {
            Audit::by(who, entity, &id, "import")
                .record(&txn, details, now)
                .await?;
        }
        txn.commit().await?;
        report.committed = true;
        Ok(report)
    }
}
