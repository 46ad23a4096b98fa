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
