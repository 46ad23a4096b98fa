//! The facts of an SLA warning or escalation on the timeline: read from the entry by
//! `timeline.rs`, worded by `text.rs`, so neither of the two depends on the other.

use chrono::Duration;
use guanjia_domain::role::Role;
use guanjia_domain::sla::ClockName;

/// What the scheduler recorded when it warned or escalated: the clock, how far along (a warning's
/// share used) or how late, the level reached, and who was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaNotice {
    /// None for an escalation on risk, which follows no clock.
    pub clock: Option<ClockName>,
    pub percent: Option<u8>,
    pub late: Option<Duration>,
    pub level: Option<u8>,
    /// The recipients' staff ids.
    pub told: Vec<String>,
    /// The role an escalation's rung told.
    pub role: Option<Role>,
}
