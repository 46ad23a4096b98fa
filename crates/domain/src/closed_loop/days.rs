//! Day facts (日汇总): what the service figures count of one project's tickets reported on one
//! local day, kept so that a period's figures add days up instead of reading every ticket again.
//!
//! Adding days must give what counting the tickets of all those days at once gives, so a day keeps
//! more than its counts: who the assignees were (a person working on two days is one person), and
//! each duration a middle value is taken of (a middle of middles is not the middle).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::figures::{Medians, TicketCounts, TicketFigures, ticket_figures};
use crate::sla::ClockName;
use crate::taxonomy::Channel;

/// The finished SLA clocks of some tickets, of one name: how many finished, how many in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTally {
    pub finished: u64,
    pub met: u64,
}

/// The facts of some tickets (one project's day, or the sum of several).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayFacts {
    /// Every count but the distinct assignees, which [`DayFacts::assignees`] stands for.
    pub counts: TicketCounts,
    /// The staff assigned to these tickets.
    pub assignees: BTreeSet<String>,
    /// Milliseconds from report to close, of each closed complaint (whole numbers, so the kept
    /// facts come back exactly as summed).
    pub complaint_close: Vec<i64>,
    /// Milliseconds from report to the first step the resident saw, of each ticket that had one.
    pub first_update: Vec<i64>,
    /// The tickets' finished clocks, by name.
    pub clocks: BTreeMap<ClockName, ClockTally>,
}

impl DayFacts {
    /// These facts and `other`'s, as if their tickets had been counted together.
    pub fn add(&mut self, other: &DayFacts) {
        self.counts.add(&other.counts);
        self.assignees.extend(other.assignees.iter().cloned());
        self.complaint_close
            .extend_from_slice(&other.complaint_close);
        self.first_update.extend_from_slice(&other.first_update);
        for (name, tally) in &other.clocks {
            let mine = self.clocks.entry(*name).or_default();
            mine.finished += tally.finished;
            mine.met += tally.met;
        }
    }

    /// The counts, with the distinct assignees counted and every channel in its order.
    pub fn counts(&self) -> TicketCounts {
        let of = |channel| {
            self.counts
                .channels
                .iter()
                .find(|(c, _)| *c == channel)
                .map_or(0, |(_, n)| *n)
        };
        TicketCounts {
            assignees: self.assignees.len() as u64,
            channels: Channel::ALL.iter().map(|&c| (c, of(c))).collect(),
            ..self.counts.clone()
        }
    }

    /// The middle values, in seconds.
    pub fn medians(&self) -> Medians {
        let seconds = |ms: &[i64]| median(ms).map(|m| m / 1000.0);
        Medians {
            complaint_close: seconds(&self.complaint_close),
            first_update: seconds(&self.first_update),
        }
    }

    /// The figures of these tickets over a period of `period_days`.
    pub fn figures(&self, period_days: f64) -> TicketFigures {
        ticket_figures(&self.counts(), self.medians(), period_days)
    }
}

/// The middle value, or the mean of the two in the middle. Selects rather than sorts: a year of
/// a company's durations is a million values.
pub fn median(values: &[i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut values = values.to_vec();
    let n = values.len();
    let (below, upper, _) = values.select_nth_unstable(n / 2);
    let upper = *upper as f64;
    Some(if n % 2 == 1 {
        upper
    } else {
        // The lower middle is the largest of the values below the upper one.
        let lower = below.iter().copied().max().unwrap_or_default() as f64;
        (lower + upper) / 2.0
    })
}

/// One local day's part of a period: the whole day, or the part of it inside the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayPart {
    pub day: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The period covers the whole day.
    pub whole: bool,
}

/// Where a local day starts, in UTC (the first instant of it, should midnight be skipped).
pub fn day_start(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match zone.from_local_datetime(&midnight).earliest() {
        Some(at) => at.with_timezone(&Utc),
        // A day that starts in a gap (a clock moved forward at midnight) starts an hour later.
        None => zone
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc)),
    }
}

/// The local days of `zone` that `[from, to)` touches, each with the part of it inside.
pub fn days_of(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DayPart> {
    let mut parts = Vec::new();
    if to <= from {
        return parts;
    }
    let mut day = from.with_timezone(&zone).date_naive();
    loop {
        let (start, end) = (day_start(zone, day), day_start(zone, day + Days::new(1)));
        if start >= to {
            break;
        }
        parts.push(DayPart {
            day,
            from: start.max(from),
            to: end.min(to),
            whole: start >= from && end <= to,
        });
        day = day + Days::new(1);
    }
    parts
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn facts(assignees: &[&str], first_update: &[i64], tickets: u64) -> DayFacts {
        DayFacts {
            counts: TicketCounts {
                tickets,
                assigned: assignees.len() as u64,
                channels: vec![(Channel::Wechat, tickets)],
                ..TicketCounts::default()
            },
            assignees: assignees.iter().map(|s| s.to_string()).collect(),
            first_update: first_update.to_vec(),
            ..DayFacts::default()
        }
    }

    #[test]
    fn days_add_up_as_their_tickets_would() {
        let mut sum = facts(&["a", "b"], &[60_000, 600_000], 2);
        sum.add(&facts(&["b", "c"], &[120_000], 3));
        let counts = sum.counts();
        assert_eq!(counts.tickets, 5);
        assert_eq!(counts.channels.len(), Channel::ALL.len(), "every channel");
        assert!(counts.channels.contains(&(Channel::Wechat, 5)));
        assert_eq!(
            counts.assignees, 3,
            "b worked on both days and is one person"
        );
        assert_eq!(
            sum.medians().first_update,
            Some(120.0),
            "the middle of 60, 120 and 600, not a middle of the days' middles"
        );
    }

    #[test]
    fn the_middle_of_an_even_number_is_the_mean_of_the_two() {
        assert_eq!(median(&[4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&[5, 1, 3]), Some(3.0));
        assert_eq!(median(&[7, 7, 1, 7]), Some(7.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn a_period_splits_into_whole_days_and_its_edges() {
        let zone = chrono_tz::Asia::Shanghai;
        let at = |d, h| {
            zone.with_ymd_and_hms(2026, 12, d, h, 0, 0)
                .unwrap()
                .to_utc()
        };
        let parts = days_of(zone, at(1, 12), at(4, 0));
        let days: Vec<(u32, bool)> = parts
            .iter()
            .map(|p| (chrono::Datelike::day(&p.day), p.whole))
            .collect();
        assert_eq!(days, vec![(1, false), (2, true), (3, true)]);
        assert_eq!((parts[0].from, parts[0].to), (at(1, 12), at(2, 0)));
        assert!(days_of(zone, at(2, 0), at(2, 0)).is_empty());
        let within = days_of(zone, at(2, 1), at(2, 5));
        assert_eq!(within.len(), 1);
        assert!(!within[0].whole);
    }

    proptest! {
        /// Selecting finds what sorting finds.
        #[test]
        fn the_middle_is_that_of_the_sorted_values(values in proptest::collection::vec(-1000i64..1000, 1..60)) {
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let n = sorted.len();
            let expected = if n % 2 == 1 {
                sorted[n / 2] as f64
            } else {
                (sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0
            };
            prop_assert_eq!(median(&values), Some(expected));
        }

        /// However a period falls, its parts cover it exactly, in order, without overlap.
        #[test]
        fn the_parts_cover_the_period(start in 0i64..400 * 24, hours in 0i64..2000) {
            let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let from = base + chrono::Duration::minutes(start * 37);
            let to = from + chrono::Duration::minutes(hours * 53);
            let parts = days_of(chrono_tz::America::New_York, from, to);
            if to > from {
                prop_assert_eq!(parts.first().map(|p| p.from), Some(from));
                prop_assert_eq!(parts.last().map(|p| p.to), Some(to));
            }
            for pair in parts.windows(2) {
                prop_assert_eq!(pair[0].to, pair[1].from);
            }
        }
    }
}
