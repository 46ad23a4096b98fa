//! Calendars and dated exceptions as an admin writes them, checked field by field.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Exception, Span, WeeklyHours, validate_spans};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

/// Business hours as text: `[["09:00", "12:00"], ["13:00", "18:00"]]`; "24:00" ends a day.
pub type HoursText = Vec<[String; 2]>;

/// The longest name of a calendar or of a dated exception.
pub const MAX_CALENDAR_NAME: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    pub name: String,
    /// Seven lists of spans, Monday first; default Mon–Fri 09:00–18:00.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Vec<Vec<String>>>>))]
    pub weekly_hours: Option<Vec<HoursText>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCalendar {
    pub name: String,
    pub weekly: WeeklyHours,
}

impl CalendarInput {
    pub fn validate(self) -> Result<NewCalendar, ValidationError> {
        let mut p = Problems::new();
        p.text("name", &self.name, MAX_CALENDAR_NAME);
        let weekly = match self.weekly_hours {
            None => WeeklyHours::office(),
            Some(days) if days.len() == 7 => {
                let mut weekly = WeeklyHours::office();
                for (i, day) in days.iter().enumerate() {
                    weekly.0[i] = spans(&mut p, &format!("weekly_hours.{i}"), day);
                }
                weekly
            }
            Some(_) => {
                p.add("weekly_hours", FieldErrorCode::Invalid);
                WeeklyHours::office()
            }
        };
        p.into_result(NewCalendar {
            name: self.name.trim().to_owned(),
            weekly,
        })
    }
}

/// One dated exception: a holiday, a make-up workday or special hours.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    pub is_workday: bool,
    /// Only for a workday; empty or absent: the calendar's standard workday hours.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Vec<String>>>))]
    pub hours: Option<HoursText>,
    /// What the day is, e.g. 春节 or 春节调休上班.
    pub name: String,
}

impl DayInput {
    pub fn validate(self, date: NaiveDate) -> Result<Exception, ValidationError> {
        let mut p = Problems::new();
        p.text("name", &self.name, MAX_CALENDAR_NAME);
        let hours = spans(&mut p, "hours", self.hours.as_deref().unwrap_or_default());
        if !self.is_workday && !hours.is_empty() {
            p.add("hours", FieldErrorCode::Invalid);
        }
        p.into_result(Exception {
            date,
            is_workday: self.is_workday,
            hours,
            name: self.name.trim().to_owned(),
        })
    }
}

/// Business hours from their text, recording `invalid` on `field` when any span is wrong.
pub(crate) fn spans(p: &mut Problems, field: &str, text: &[[String; 2]]) -> Vec<Span> {
    let parsed: Result<Vec<Span>, _> = text
        .iter()
        .map(|[start, end]| Span::parse(start, end))
        .collect();
    match parsed.and_then(|spans| validate_spans(&spans).map(|()| spans)) {
        Ok(spans) => spans,
        Err(_) => {
            p.add(field, FieldErrorCode::Invalid);
            Vec::new()
        }
    }
}

/// The text of business hours, as the API shows them.
pub fn hours_text(spans: &[Span]) -> HoursText {
    spans
        .iter()
        .map(|s| [s.start_text(), s.end_text()])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(spans: &[(&str, &str)]) -> HoursText {
        spans
            .iter()
            .map(|(a, b)| [(*a).to_owned(), (*b).to_owned()])
            .collect()
    }

    #[test]
    fn a_calendar_defaults_to_office_hours_and_checks_each_weekday() {
        let plain = CalendarInput {
            name: "翠湖客服".into(),
            weekly_hours: None,
        }
        .validate()
        .unwrap();
        assert_eq!(plain.weekly, WeeklyHours::office());
        let mut week = vec![hours(&[("08:30", "12:00"), ("13:30", "17:30")]); 5];
        week.push(hours(&[("09:00", "12:00")]));
        week.push(hours(&[]));
        let custom = CalendarInput {
            name: "商场".into(),
            weekly_hours: Some(week.clone()),
        }
        .validate()
        .unwrap();
        assert_eq!(
            hours_text(&custom.weekly.0[5]),
            hours(&[("09:00", "12:00")])
        );
        week[2] = hours(&[("13:00", "12:00")]);
        week[6] = hours(&[("09:00", "25:00")]);
        let bad = CalendarInput {
            name: " ".into(),
            weekly_hours: Some(week),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = bad.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "weekly_hours.2", "weekly_hours.6"]);
        let short = CalendarInput {
            name: "x".into(),
            weekly_hours: Some(vec![]),
        }
        .validate()
        .unwrap_err();
        assert_eq!(short.0[0].field, "weekly_hours");
    }

    #[test]
    fn a_rest_day_has_no_hours() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        let eve = DayInput {
            is_workday: true,
            hours: Some(hours(&[("09:00", "15:00")])),
            name: "平安夜提前下班".into(),
        };
        assert_eq!(eve.validate(date).unwrap().hours.len(), 1);
        let wrong = DayInput {
            is_workday: false,
            hours: Some(hours(&[("09:00", "15:00")])),
            name: "休".into(),
        };
        assert_eq!(wrong.validate(date).unwrap_err().0[0].field, "hours");
    }
}
