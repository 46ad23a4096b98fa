//! The SLA engine's storage: calendars, policies, each ticket's clocks and scheduler steps, the
//! sweep that fires them exactly once across nodes, and the notification outbox.

mod calendars;
mod clocks;
mod context;
mod notifications;
mod policies;
mod settle;
mod sweep;
mod version;

pub use context::{SlaContext, TicketClock, platform_order_of};
pub use notifications::{NEW_JOB_KINDS, Unread};
pub use sweep::LEASE;

pub(crate) use calendars::{exception_of_json, exceptions_json, weekly_json, weekly_of};
pub(crate) use clocks::{start_clocks, sync_clocks};
pub(crate) use context::ContextCache;
pub(crate) use policies::{move_first_response_default, seed_sla};
pub(crate) use version::bump_config;
