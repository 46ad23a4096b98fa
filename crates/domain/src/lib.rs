//! Guanjia's domain: the rules of property customer service, as pure Rust without I/O.
//!
//! Storage and HTTP are thin layers around this crate; a rule is found here by its name.

pub mod announcement;
pub mod calendar;
pub mod calls;
pub mod checklist;
pub mod closed_loop;
mod code;
pub mod conversation;
pub mod delivery;
pub mod dispatch;
pub mod hotline;
pub mod inspection;
pub mod iot;
pub mod kb;
pub mod machine;
pub mod notice;
pub mod phone;
pub mod place;
pub mod profile;
pub mod resident;
pub mod role;
pub mod scorecard;
pub mod script;
pub mod setup;
pub mod sign_in_throttle;
pub mod sla;
pub mod taxonomy;
pub mod ticket;
pub mod training;
pub mod validation;
pub mod wechat;
pub mod wecom_robot;

pub use code::UnknownCode;
