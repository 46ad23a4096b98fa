//! Grids and duty rosters as an admin writes them.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::calendar::input::{DayInput, HoursText, spans};
use crate::calendar::{Calendar, Exception, WeeklyHours};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GridInput {
    pub project_id: String,
    pub name: String,
    /// The response team that owns the grid's jobs.
    pub team_id: String,
    /// The buildings of the grid; empty or absent: the whole project.
    pub building_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrid {
    pub project_id: String,
    pub name: String,
    pub team_id: String,
    pub building_ids: Vec<String>,
}

impl GridInput {
    pub fn validate(self) -> Result<NewGrid, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 36);
        p.text("name", &self.name, 100);
        p.text("team_id", &self.team_id, 36);
        let building_ids = self.building_ids.unwrap_or_default();
        if building_ids.len() > 500 {
            p.add("building_ids", FieldErrorCode::TooLong);
        }
        p.into_result(NewGrid {
            project_id: self.project_id,
            name: self.name.trim().to_owned(),
            team_id: self.team_id,
            building_ids,
        })
    }
}

/// One dated change of a roster: leave, a swapped shift, holiday duty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RosterDay {
    /// YYYY-MM-DD
    pub date: NaiveDate,
    #[serde(flatten)]
    pub day: DayInput,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RosterInput {
    /// Seven lists of on-duty spans, Monday first; a night shift is two spans (20:00–24:00, 00:00–08:00).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Vec<String>>>))]
    pub weekly_hours: Vec<HoursText>,
    #[serde(default)]
    pub exceptions: Vec<RosterDay>,
}

impl RosterInput {
    /// The roster as a calendar (in `time_zone`): on duty is "open".
    pub fn validate(self) -> Result<(WeeklyHours, Vec<Exception>), ValidationError> {
        let mut p = Problems::new();
        let mut weekly = WeeklyHours(Default::default());
        if self.weekly_hours.len() == 7 {
            for (i, day) in self.weekly_hours.iter().enumerate() {
                weekly.0[i] = spans(&mut p, &format!("weekly_hours.{i}"), day);
            }
        } else {
            p.add("weekly_hours", FieldErrorCode::Invalid);
        }
        let mut exceptions: Vec<Exception> = Vec::new();
        for (i, d) in self.exceptions.into_iter().enumerate() {
            if exceptions.iter().any(|e| e.date == d.date) {
                p.add(format!("exceptions.{i}.date"), FieldErrorCode::Taken);
            }
            match d.day.validate(d.date) {
                Ok(e) => exceptions.push(e),
                Err(e) => {
                    e.0.into_iter()
                        .for_each(|f| p.add(format!("exceptions.{i}.{}", f.field), f.code))
                }
            }
        }
        if exceptions.len() > 400 {
            p.add("exceptions", FieldErrorCode::TooLong);
        }
        p.into_result((weekly, exceptions))
    }
}

/// A roster as the on-duty question sees it.
pub fn roster_calendar(
    time_zone: chrono_tz::Tz,
    weekly: WeeklyHours,
    exceptions: Vec<Exception>,
) -> Calendar {
    Calendar {
        time_zone,
        weekly,
        exceptions: exceptions.into_iter().map(|e| (e.date, e)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn a_night_shift_roster_with_leave_answers_who_is_on_duty() {
        let night = vec![
            ["00:00".to_owned(), "08:00".to_owned()],
            ["20:00".to_owned(), "24:00".to_owned()],
        ];
        let input: RosterInput = serde_json::from_value(serde_json::json!({
            "weekly_hours": vec![night; 7],
            "exceptions": [{ "date": "2026-12-01", "is_workday": false, "name": "年假" }]
        }))
        .unwrap();
        let (weekly, exceptions) = input.validate().unwrap();
        let roster = roster_calendar(chrono_tz::Asia::Shanghai, weekly, exceptions);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(
            roster.is_open(at("2026-11-30T23:00:00+08:00")),
            "on the night shift"
        );
        assert!(
            !roster.is_open(at("2026-11-30T12:00:00+08:00")),
            "off by day"
        );
        assert!(!roster.is_open(at("2026-12-01T23:00:00+08:00")), "on leave");
        let bad: RosterInput =
            serde_json::from_value(serde_json::json!({ "weekly_hours": [[["09:00", "08:00"]]] }))
                .unwrap();
        assert_eq!(bad.validate().unwrap_err().0[0].field, "weekly_hours");
    }
}
