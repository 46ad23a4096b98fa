//! One module per table; the schema itself is in `migration`.

pub mod audit_entry;
pub mod building;
pub mod calendar;
pub mod calendar_day;
pub mod category;
pub mod company;
pub mod counter;
pub mod household;
pub mod installation_secret;
pub mod notification;
pub mod project;
pub mod rating_link;
pub mod resident;
pub mod room;
pub mod session;
pub mod sign_in_code;
pub mod sla_clock;
pub mod sla_policy;
pub mod sla_step;
pub mod staff;
pub mod staff_project;
pub mod team;
pub mod team_member;
pub mod ticket;
pub mod ticket_event;
