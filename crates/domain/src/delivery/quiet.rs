//! Quiet hours (免打扰): residents are not messaged at night in their project's time zone. The
//! message is delayed to the morning, never dropped; emergencies and sign-in codes go at once.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A daily window, in local time, in which messages wait. `start` after `end` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    /// 22:00 to 08:00.
    fn default() -> Self {
        QuietHours {
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        }
    }
}

impl QuietHours {
    /// Whether local time `t` falls inside the window (start included, end excluded).
    fn covers(self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// When a message due at `at` may leave: `at` itself outside the window, otherwise the
    /// window's end in `zone` (the next morning, or this morning after midnight).
    pub fn release(self, at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let local = at.with_timezone(&zone);
        if self.start == self.end || !self.covers(local.time()) {
            return at;
        }
        let today = local.date_naive();
        let day = if local.time() < self.end {
            today
        } else {
            today + Duration::days(1)
        };
        // A window end skipped by a clock change (none in China) lands an hour later.
        let end = day.and_time(self.end);
        zone.from_local_datetime(&end)
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&(end + Duration::hours(1)))
                    .earliest()
            })
            .map_or(at, |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("time")
    }

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn daytime_messages_leave_at_once() {
        // 10:00 in Shanghai.
        let at = utc("2026-03-02T02:00:00Z");
        assert_eq!(QuietHours::default().release(at, SHANGHAI), at);
    }

    #[test]
    fn a_late_evening_message_waits_for_the_next_morning() {
        // 23:30 in Shanghai → 08:00 the next day (00:00 UTC).
        let at = utc("2026-03-02T15:30:00Z");
        assert_eq!(
            QuietHours::default().release(at, SHANGHAI),
            utc("2026-03-03T00:00:00Z")
        );
    }

    #[test]
    fn an_early_morning_message_waits_for_eight_the_same_day() {
        // 06:59 in Shanghai.
        let at = utc("2026-03-02T22:59:00Z");
        assert_eq!(
            QuietHours::default().release(at, SHANGHAI),
            utc("2026-03-03T00:00:00Z")
        );
        // 08:00 sharp is allowed.
        let eight = utc("2026-03-03T00:00:00Z");
        assert_eq!(QuietHours::default().release(eight, SHANGHAI), eight);
    }

    #[test]
    fn the_window_is_in_the_project_zone() {
        // 23:30 UTC is 00:30 in London (quiet) but 07:30 in Shanghai (quiet too, until 08:00).
        let at = utc("2026-01-10T23:30:00Z");
        assert_eq!(
            QuietHours::default().release(at, chrono_tz::Europe::London),
            utc("2026-01-11T08:00:00Z")
        );
        assert_eq!(
            QuietHours::default().release(at, SHANGHAI),
            utc("2026-01-11T00:00:00Z")
        );
    }

    #[test]
    fn an_empty_or_daytime_window_works_too() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("time");
        let none = QuietHours {
            start: nine,
            end: nine,
        };
        let at = utc("2026-03-02T15:30:00Z");
        assert_eq!(none.release(at, SHANGHAI), at);
        let lunch = QuietHours {
            start: NaiveTime::from_hms_opt(12, 0, 0).expect("time"),
            end: NaiveTime::from_hms_opt(14, 0, 0).expect("time"),
        };
        // 12:30 in Shanghai → 14:00.
        assert_eq!(
            lunch.release(utc("2026-03-02T04:30:00Z"), SHANGHAI),
            utc("2026-03-02T06:00:00Z")
        );
    }
}
