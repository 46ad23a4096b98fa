//! Places: projects, buildings, rooms.

use crate::code::code_enum;

code_enum! {
    /// What a project is; it shapes vocabulary (楼栋 vs 座, 房号 vs 铺位) and demo data.
    pub enum ProjectKind ("project kind") {
        Residential = "residential",
        Commercial = "commercial",
        Mixed = "mixed",
    }
}

code_enum! {
    /// What a room is used for.
    pub enum RoomKind ("room kind") {
        Residential = "residential",
        Shop = "shop",
        Office = "office",
        Parking = "parking",
    }
}

/// The time zone business rules run in when a project names none.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Whether `name` is an IANA time zone we can compute in.
pub fn is_known_time_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// The calendar day of `at` in the time zone `name` (unknown zones fall back to the default).
pub fn local_date(name: &str, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    let zone: chrono_tz::Tz = name.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    at.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_local_midnight() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T16:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(local_date("Asia/Shanghai", at).to_string(), "2026-11-24");
        assert_eq!(local_date("Europe/London", at).to_string(), "2026-11-23");
        assert_eq!(local_date("Nowhere/Else", at).to_string(), "2026-11-24");
    }
}
