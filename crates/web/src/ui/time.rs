//! Times as the people of a project read them: in the project's time zone, to the minute.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// "11-29 14:05": for lists, where the year is nearly always this one.
pub fn short(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%m-%d %H:%M").to_string()
}

/// "2026-11-29 14:05".
pub fn full(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_the_projects_zone() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T06:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(short(at, chrono_tz::Asia::Shanghai), "11-29 14:05");
        assert_eq!(full(at, chrono_tz::Asia::Shanghai), "2026-11-29 14:05");
    }
}
