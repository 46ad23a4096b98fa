//! A day's business hours as instants: the one place where wall-clock time meets the time zone.
//!
//! A wall time maps to the first instant at which the local clock reads that time or later. That
//! map never goes backwards, so the intervals of consecutive days are ordered and disjoint even
//! across DST changes: a span in a spring-forward gap is shortened (or vanishes), and in the
//! repeated hour of a fall-back it starts at the first reading.

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::{Calendar, Span};

const DAY: u16 = 24 * 60;

impl Calendar {
    /// Business time of a local date as `[start, end)` instants, in order and disjoint; empty
    /// for a rest day.
    pub(super) fn intervals(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let time_zone = self.time_zone;
        clipped(self.hours(date)).filter_map(move |(start, end)| {
            let start = instant(time_zone, date, start)?;
            let end = instant(time_zone, date, end)?;
            (start < end).then_some((start, end))
        })
    }

    /// The end of business on a date, if it has business hours; a rest day costs no time-zone
    /// look-up.
    pub(super) fn close(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        self.intervals(date).last().map(|(_, end)| end)
    }

    /// The local date of an instant, or None outside the dates chrono can represent.
    pub(super) fn local_date(&self, at: DateTime<Utc>) -> Option<NaiveDate> {
        local(self.time_zone, at).map(|local| local.date())
    }
}

/// Spans as the arithmetic reads them: within the day and after the previous span, so a calendar
/// that skipped `validate` still yields sorted, disjoint time instead of counting an hour twice.
fn clipped(spans: &[Span]) -> impl Iterator<Item = (u16, u16)> + '_ {
    spans
        .iter()
        .scan(0, |floor: &mut u16, span| {
            let (start, end) = (span.start.max(*floor), span.end.min(DAY));
            *floor = end.max(*floor);
            Some((start, end))
        })
        .filter(|(start, end)| start < end)
}

/// The first instant at which the local clock reads `minute` of `date` or later.
fn instant(time_zone: Tz, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
    let wall = date
        .and_time(NaiveTime::MIN)
        .checked_add_signed(Duration::minutes(minute.into()))?;
    match time_zone.from_local_datetime(&wall) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.with_timezone(&Utc)),
        LocalResult::None => gap_end(time_zone, wall),
    }
}

/// The end of the spring-forward gap that swallowed `wall`: the transition instant, found by
/// bisection in whole seconds because chrono-tz does not expose its transitions (and offsets,
/// even historical ones, are whole seconds).
fn gap_end(time_zone: Tz, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Offsets stay within a day of UTC, so the clock reads less than `wall` two days before
    // `wall`-read-as-UTC and more than it two days after.
    let around = wall.and_utc();
    let mut before = around.checked_sub_signed(Duration::days(2))?.timestamp();
    let mut after = around.checked_add_signed(Duration::days(2))?.timestamp();
    while after - before > 1 {
        let middle = before + (after - before) / 2;
        if local(time_zone, DateTime::from_timestamp(middle, 0)?)? >= wall {
            after = middle;
        } else {
            before = middle;
        }
    }
    DateTime::from_timestamp(after, 0)
}

/// The local wall time of an instant; chrono's own `naive_local` panics near its range limits.
fn local(time_zone: Tz, at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let utc = at.naive_utc();
    utc.checked_add_offset(time_zone.offset_from_utc_datetime(&utc).fix())
}
