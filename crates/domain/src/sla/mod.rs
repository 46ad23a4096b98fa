//! SLA (服务时限): which targets a ticket gets, where each of its clocks stands, and what the
//! scheduler must do before and after a deadline.
//!
//! - [`policy`]: admin-edited policies and the precedence that picks one per clock;
//! - [`clock`]: business-time clocks that start at `reported_at`, pause while suspended, and are
//!   met or breached;
//! - [`schedule`]: early warnings and the escalation ladder, as steps with a firing time;
//! - [`audience`]: who hears of each step.

pub mod audience;
pub mod clock;
pub mod policy;
pub mod schedule;
pub mod simulation;

use crate::code::code_enum;

code_enum! {
    /// The named clocks of a ticket.
    pub enum ClockName ("clock") {
        FirstResponse = "first_response",
        Arrival = "arrival",
        Resolution = "resolution",
        FollowUp = "follow_up",
        /// 整改: from an unsatisfied follow-up's reopen to the work resolved again.
        Rectification = "rectification",
        /// 签收: a 12345 order signed for by the platform's time (see `hotline`).
        HotlineAccept = "hotline_accept",
        /// 办结: a 12345 order's handling result back by the platform's time.
        HotlineFinish = "hotline_finish",
    }
}

impl ClockName {
    /// Whether SLA policies set this clock's target; the 12345 platform sets its own clocks'
    /// due times with each order.
    pub fn set_by_policy(self) -> bool {
        !matches!(self, ClockName::HotlineAccept | ClockName::HotlineFinish)
    }
}

code_enum! {
    pub enum ClockState ("clock state") {
        Running = "running",
        Paused = "paused",
        Met = "met",
        Breached = "breached",
    }
}

code_enum! {
    /// The list filter over clocks: a ticket past an early warning, or past a deadline.
    pub enum SlaState ("sla state") {
        Warning = "warning",
        Breached = "breached",
    }
}

pub use audience::{Audience, StaffRef, recipients};
pub use clock::{Clock, ClockFacts, Pause, clock};
pub use policy::{
    Criteria, EscalationStep, FIRST_RESPONSE_DEFAULT, Policy, PolicyInput, PolicySpec, Reach,
    Target, Targets, TicketTraits, choose, default_policies, first_response_default,
    former_standard_default, standard_default_now,
};
pub use schedule::{
    Step, StepKind, acceptance_window, assignment_timeout_step, auto_close_step, risk_step, steps,
};
pub use simulation::SimulationInput;
