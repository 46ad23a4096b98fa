//! Business calendars (工作日历): which days are worked, in which hours, and SLA arithmetic that
//! counts only those hours.
//!
//! A calendar is a weekly pattern plus dated exceptions. Chinese public holidays move every year
//! and come with make-up workdays (调休上班) on weekends, so they are data, not rules: the State
//! Council's schedules ship as `china_mainland.csv`, and admins import or export a company's own
//! exceptions as CSV or iCalendar.

mod arithmetic;
mod china_mainland;
pub mod csv;
mod error;
mod hours;
pub mod ics;
pub mod input;
mod intervals;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

pub use error::CalendarError;
pub use hours::{Span, WeeklyHours, format_spans, parse_spans, validate_spans};

/// A dated exception: a public holiday (rest day) or a make-up workday (调休上班), or special hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub date: NaiveDate,
    pub is_workday: bool,
    /// Empty = the calendar's standard workday hours.
    pub hours: Vec<Span>,
    pub name: String,
}

impl Exception {
    pub fn validate(&self) -> Result<(), CalendarError> {
        if !self.is_workday && !self.hours.is_empty() {
            return Err(CalendarError::RestDayHours(self.date));
        }
        validate_spans(&self.hours).map_err(|error| CalendarError::Exception {
            date: self.date,
            error: Box::new(error),
        })
    }
}

/// One resolved day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub is_workday: bool,
    pub hours: Vec<Span>,
    /// The exception's name, if any.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub time_zone: Tz,
    pub weekly: WeeklyHours,
    pub exceptions: BTreeMap<NaiveDate, Exception>,
}

impl Calendar {
    /// 24×7 without exceptions: business time is wall-clock time.
    pub fn always_open(time_zone: Tz) -> Self {
        Calendar {
            time_zone,
            weekly: WeeklyHours::always(),
            exceptions: BTreeMap::new(),
        }
    }

    /// Office hours (Mon–Fri 09:00–18:00) with the State Council's holiday schedules 2020–2026.
    pub fn china_mainland(time_zone: Tz) -> Self {
        Calendar {
            time_zone,
            weekly: WeeklyHours::office(),
            exceptions: china_mainland::exceptions().clone(),
        }
    }

    /// Checks what the fields' types cannot: the arithmetic never panics on an invalid calendar,
    /// but it only means what an admin expects on a valid one.
    pub fn validate(&self) -> Result<(), CalendarError> {
        self.weekly.validate()?;
        for (&key, exception) in &self.exceptions {
            if key != exception.date {
                return Err(CalendarError::MisfiledException {
                    key,
                    date: exception.date,
                });
            }
            exception.validate()?;
        }
        Ok(())
    }

    /// The exception wins over the weekly pattern; a workday exception without hours of its own
    /// is worked in the standard workday hours, a rest-day exception has no hours.
    pub fn day(&self, date: NaiveDate) -> Day {
        let exception = self.exceptions.get(&date);
        Day {
            date,
            is_workday: exception.map_or_else(
                || !self.weekly.on(date.weekday()).is_empty(),
                |e| e.is_workday,
            ),
            hours: self.hours(date).to_vec(),
            name: exception.map(|e| e.name.clone()),
        }
    }

    /// Every day from `from` to `to`, both included.
    pub fn days(&self, from: NaiveDate, to: NaiveDate) -> Vec<Day> {
        from.iter_days()
            .take_while(|date| *date <= to)
            .map(|date| self.day(date))
            .collect()
    }

    /// The business hours of a date, without allocating: the arithmetic asks this for every day it
    /// walks.
    fn hours(&self, date: NaiveDate) -> &[Span] {
        match self.exceptions.get(&date) {
            Some(exception) if !exception.is_workday => &[],
            Some(exception) if exception.hours.is_empty() => self.weekly.standard(),
            Some(exception) => &exception.hours,
            None => self.weekly.on(date.weekday()),
        }
    }
}
