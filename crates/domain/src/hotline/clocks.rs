//! The 12345 platform's own deadlines as clocks of the order's ticket. Unlike policy clocks they
//! are due at the instant the platform set, whatever our calendars and suspensions say: the
//! platform does not wait while we wait for a third party.
//!
//! - 签收 (`hotline_accept`) is met by the first thing staff do that the caller sees, or by work
//!   finished before anyone answered;
//! - 办结 (`hotline_finish`) is met when a complete handling result (办理结果) is written.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::sla::{Clock, ClockFacts, ClockName, ClockState};
use crate::ticket::Status;

/// What a ticket keeps of the platform order it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrder {
    /// 工单编号
    pub order_no: String,
    /// 签收时限
    pub accept_by: Option<DateTime<Utc>>,
    /// 办理时限
    pub finish_by: DateTime<Utc>,
    /// When a complete handling result was first written: the 办结 clock stops there.
    pub answered_at: Option<DateTime<Utc>>,
}

/// The platform's clocks of a ticket as of `now`, 签收 first.
pub fn platform_clocks(
    order: &PlatformOrder,
    facts: &ClockFacts,
    now: DateTime<Utc>,
) -> Vec<Clock> {
    let signed_for = [
        facts.first_responded_at,
        facts.first_resolved_at,
        facts.resolved_at,
        facts.closed_at,
    ]
    .into_iter()
    .flatten()
    .min();
    let accept = order
        .accept_by
        .and_then(|due| fixed(ClockName::HotlineAccept, facts, due, signed_for, now));
    let finish = fixed(
        ClockName::HotlineFinish,
        facts,
        order.finish_by,
        order.answered_at,
        now,
    );
    accept.into_iter().chain(finish).collect()
}

/// A clock due at a fixed instant, counted in wall time from the report.
fn fixed(
    name: ClockName,
    facts: &ClockFacts,
    due_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Clock> {
    // A ticket cancelled before the clock finished has no such clock, as with policy clocks.
    if facts.status == Status::Cancelled && finished_at.is_none() {
        return None;
    }
    let started_at = facts.reported_at.min(due_at);
    let state = match finished_at {
        Some(at) if at <= due_at => ClockState::Met,
        Some(_) => ClockState::Breached,
        None if now > due_at => ClockState::Breached,
        None => ClockState::Running,
    };
    Some(Clock {
        name,
        started_at,
        due_at,
        state,
        budget: due_at - started_at,
        paused: chrono::Duration::zero(),
        remaining: finished_at.is_none().then(|| due_at - now),
        finished_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Kind;
    use chrono::Duration;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn order() -> PlatformOrder {
        PlatformOrder {
            order_no: "GD1".into(),
            accept_by: Some(at("2026-12-01T10:00:00Z")),
            finish_by: at("2026-12-03T08:00:00Z"),
            answered_at: None,
        }
    }

    #[test]
    fn the_platforms_times_are_due_as_set_and_a_suspension_moves_nothing() {
        let mut facts = ClockFacts::reported(Kind::Complaint, at("2026-12-01T08:00:00Z"));
        facts.status = Status::Suspended;
        facts.suspended_at = Some(at("2026-12-01T08:30:00Z"));
        let now = at("2026-12-01T09:00:00Z");
        let clocks = platform_clocks(&order(), &facts, now);
        let names: Vec<_> = clocks.iter().map(|c| c.name).collect();
        assert_eq!(names, [ClockName::HotlineAccept, ClockName::HotlineFinish]);
        assert_eq!(clocks[0].due_at, at("2026-12-01T10:00:00Z"));
        assert_eq!(clocks[0].state, ClockState::Running);
        assert_eq!(clocks[0].remaining, Some(Duration::hours(1)));
        assert_eq!(clocks[0].budget, Duration::hours(2));
        let late = platform_clocks(&order(), &facts, at("2026-12-01T11:00:00Z"));
        assert_eq!(late[0].state, ClockState::Breached);
        assert_eq!(late[0].remaining, Some(Duration::hours(-1)));
    }

    #[test]
    fn signing_for_is_the_first_answer_and_finishing_is_the_reply() {
        let mut facts = ClockFacts::reported(Kind::Complaint, at("2026-12-01T08:00:00Z"));
        facts.first_responded_at = Some(at("2026-12-01T09:00:00Z"));
        facts.resolved_at = Some(at("2026-12-02T09:00:00Z"));
        facts.status = Status::Resolved;
        let now = at("2026-12-04T00:00:00Z");
        let open = platform_clocks(&order(), &facts, now);
        assert_eq!(open[0].state, ClockState::Met);
        assert_eq!(
            open[1].state,
            ClockState::Breached,
            "resolved is not answered: the platform waits for the result"
        );
        let answered = PlatformOrder {
            answered_at: Some(at("2026-12-02T10:00:00Z")),
            ..order()
        };
        let done = platform_clocks(&answered, &facts, now);
        assert_eq!((done[1].state, done[1].remaining), (ClockState::Met, None));
        let no_accept = PlatformOrder {
            accept_by: None,
            ..answered
        };
        assert_eq!(platform_clocks(&no_accept, &facts, now).len(), 1);
    }

    #[test]
    fn a_cancelled_ticket_keeps_only_finished_platform_clocks() {
        let mut facts = ClockFacts::reported(Kind::Complaint, at("2026-12-01T08:00:00Z"));
        facts.first_responded_at = Some(at("2026-12-01T08:10:00Z"));
        facts.status = Status::Cancelled;
        let clocks = platform_clocks(&order(), &facts, at("2026-12-01T09:00:00Z"));
        assert_eq!(clocks.len(), 1);
        assert_eq!(clocks[0].name, ClockName::HotlineAccept);
    }
}
