//! Business-time arithmetic for SLA clocks: it walks the calendar a day at a time, through each
//! day's business intervals, so a call costs microseconds however long the holidays.

use chrono::{DateTime, Duration, Utc};

use super::Calendar;

/// Days in a row without business time after which the walk gives up: longer than any holiday,
/// so only an empty calendar gets there.
const IDLE_DAYS: u32 = 3 * 366;

/// The longest business time (and the most business days) the walk will count, so a nonsense
/// target fails fast instead of walking to the end of chrono's dates.
const LONGEST_DAYS: u32 = 100 * 366;

impl Calendar {
    /// The instant when `business` time has elapsed from `start`, counting only business hours.
    /// `add(s, 0) == s`, and a negative duration counts as zero. For business > 0 the result is
    /// inside a business span (start < t <= end), so a deadline is never at the opening of a day.
    /// None when no business time exists within ~3 years ahead (an empty calendar), or when
    /// `business` is longer than 100 years.
    pub fn add(&self, start: DateTime<Utc>, business: Duration) -> Option<DateTime<Utc>> {
        if business <= Duration::zero() {
            return Some(start);
        }
        if business > Duration::days(LONGEST_DAYS.into()) {
            return None;
        }
        let mut remaining = business;
        let mut date = self.local_date(start)?;
        let mut idle = 0;
        while idle < IDLE_DAYS {
            idle += 1;
            for (open, close) in self.intervals(date) {
                let open = open.max(start);
                if close <= open {
                    continue;
                }
                idle = 0;
                let available = close - open;
                if available >= remaining {
                    return open.checked_add_signed(remaining);
                }
                remaining -= available;
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// Business time in [from, to); zero when to <= from.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let (Some(first), Some(last)) = (self.local_date(from), self.local_date(to)) else {
            return Duration::zero();
        };
        // One day past `to`'s date, for the zones whose clocks fall back across midnight.
        let last = last.succ_opt().unwrap_or(last);
        first
            .iter_days()
            .take_while(|date| *date <= last)
            .flat_map(|date| self.intervals(date))
            .map(|(open, close)| (close.min(to) - open.max(from)).max(Duration::zero()))
            .sum()
    }

    /// The end of business on the `n`-th business day (workday with hours) strictly after
    /// `start`'s local date: "within 3 business days" (3个工作日内) ends at closing time. `n` = 0
    /// is read as 1. None for an empty calendar, or when `n` is more than 100 years of days.
    /// Whether `at` falls inside business hours (an on-duty roster is a calendar too).
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.between(at, at + Duration::seconds(1)) > Duration::zero()
    }

    pub fn end_of_business_day(&self, start: DateTime<Utc>, n: u32) -> Option<DateTime<Utc>> {
        if n > LONGEST_DAYS {
            return None;
        }
        let mut left = n.max(1);
        let mut date = self.local_date(start)?;
        let mut idle = 0;
        while idle < IDLE_DAYS {
            date = date.succ_opt()?;
            idle += 1;
            let Some(close) = self.close(date) else {
                continue;
            };
            idle = 0;
            left -= 1;
            if left == 0 {
                return Some(close);
            }
        }
        None
    }
}
