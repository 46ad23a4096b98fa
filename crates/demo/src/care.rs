//! Who looks after whom (管家): every building of a project with butlers has one, the same run
//! of buildings whose first contacts they take; a few households have their butler set by hand,
//! important dates (one birthday falls on the demo's today, so the butler's page has something
//! to show on first start) and a preference for calls.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::journey::BEIJING;

use crate::{DemoBuilding, DemoCare, DemoDate, DemoHouseholdCare, DemoProject, DemoStaff};

/// Households per project given dates and preferences.
const CARED_FOR: usize = 4;

/// The butler of a building: butlers share the project's buildings in runs, in order.
pub(crate) fn building_butler<'a>(
    butlers: &[&'a DemoStaff],
    buildings: &[DemoBuilding],
    building_key: &str,
) -> Option<&'a DemoStaff> {
    let i = buildings.iter().position(|b| b.key == building_key)?;
    butlers.get(i * butlers.len() / buildings.len()).copied()
}

pub(crate) fn care(now: DateTime<Utc>, projects: &[DemoProject], staff: &[DemoStaff]) -> DemoCare {
    // The demo's projects are in China: their day turns at midnight there.
    let today = (now + BEIJING).date_naive();
    let mut care = DemoCare::default();
    for project in projects {
        let butlers: Vec<&DemoStaff> = staff
            .iter()
            .filter(|s| s.role == "butler" && s.project_keys.contains(&project.key))
            .collect();
        if butlers.is_empty() {
            continue;
        }
        for building in &project.buildings {
            if let Some(b) = building_butler(&butlers, &project.buildings, &building.key) {
                care.building_butlers
                    .push((building.key.clone(), b.key.clone()));
            }
        }
        let homes = project
            .buildings
            .iter()
            .flat_map(|b| b.rooms.iter().map(move |r| (b, r)))
            .filter(|(_, r)| r.kind == "residential" && !r.residents.is_empty())
            .take(CARED_FOR);
        for (i, (building, room)) in homes.enumerate() {
            let first = &room.residents[0];
            let years_ago = |years: i32, month: u32, day: u32| {
                NaiveDate::from_ymd_opt(today.year() - years, month, day.min(28)).unwrap_or(today)
            };
            let (dates, call_not_before) = match i {
                0 => (
                    vec![DemoDate {
                        kind: "birthday",
                        date: today.with_year(today.year() - 72).unwrap_or(today),
                        resident_key: Some(first.key.clone()),
                        label: None,
                    }],
                    Some("09:00"),
                ),
                1 => (
                    vec![DemoDate {
                        kind: "move_in",
                        date: years_ago(3, 6, 18),
                        resident_key: None,
                        label: Some("交房入住".into()),
                    }],
                    None,
                ),
                _ => (
                    vec![DemoDate {
                        kind: "birthday",
                        date: years_ago(40 + i as i32, 10, 1 + i as u32),
                        resident_key: Some(first.key.clone()),
                        label: None,
                    }],
                    Some("10:00"),
                ),
            };
            // The second household is looked after by another butler than its building's.
            let by_hand = (i == 1 && butlers.len() > 1)
                .then(|| building_butler(&butlers, &project.buildings, &building.key))
                .flatten()
                .and_then(|theirs| butlers.iter().find(|b| b.key != theirs.key))
                .map(|b| b.key.clone());
            care.households.push(DemoHouseholdCare {
                room_key: room.key.clone(),
                butler_key: by_hand,
                dates,
                call_not_before,
            });
        }
    }
    care
}
