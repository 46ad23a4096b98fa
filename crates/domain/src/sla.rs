//! SLA clocks (服务时限): what deadline each ticket has and where each clock stands.
//!
//! Targets here are the product's defaults, counted in wall-clock time. Business calendars and
//! admin-edited policies (issue: SLA engine) will replace `target` without changing the clock
//! semantics below: a clock starts when the resident reported, pauses while the ticket is
//! suspended (the due time moves by the paused time), and is met or breached.

use chrono::{DateTime, Duration, Utc};

use crate::code::code_enum;
use crate::taxonomy::{Kind, Urgency};
use crate::ticket::Status;

code_enum! {
    /// The named clocks of a ticket.
    pub enum ClockName ("clock") {
        FirstResponse = "first_response",
        Arrival = "arrival",
        Resolution = "resolution",
        FollowUp = "follow_up",
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

/// One clock of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub name: ClockName,
    pub due_at: DateTime<Utc>,
    pub state: ClockState,
}

/// What the clocks of a ticket are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFacts {
    pub kind: Kind,
    pub urgency: Urgency,
    pub status: Status,
    pub reported_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub paused_seconds: i64,
}

/// The default target of a clock, if this ticket has that clock.
pub fn target(name: ClockName, kind: Kind, urgency: Urgency) -> Option<Duration> {
    use Urgency::*;
    match name {
        ClockName::FirstResponse => Some(if urgency == Emergency { Duration::minutes(5) } else { Duration::minutes(15) }),
        ClockName::Arrival if kind == Kind::Repair => Some(match urgency {
            Emergency => Duration::minutes(30),
            Urgent => Duration::hours(2),
            Normal => Duration::hours(24),
        }),
        ClockName::Arrival => None,
        ClockName::Resolution => Some(match (kind, urgency) {
            (Kind::Complaint, _) => Duration::hours(24),
            (_, Emergency) => Duration::hours(4),
            (_, Urgent) => Duration::hours(24),
            (Kind::Repair, Normal) => Duration::hours(72),
            _ => Duration::hours(48),
        }),
        ClockName::FollowUp => Some(Duration::hours(24)),
    }
}

/// Every clock of a ticket as of `now`.
pub fn deadlines(facts: &ClockFacts, now: DateTime<Utc>) -> Vec<Deadline> {
    let paused = Duration::seconds(facts.paused_seconds)
        + facts.suspended_at.map_or(Duration::zero(), |since| (now - since).max(Duration::zero()));
    let cancelled = facts.status == Status::Cancelled;
    ClockName::ALL
        .iter()
        .filter_map(|&name| {
            let target = target(name, facts.kind, facts.urgency)?;
            let (start, done) = match name {
                ClockName::FirstResponse => (facts.reported_at, facts.first_responded_at),
                ClockName::Arrival => (facts.reported_at, facts.arrived_at),
                ClockName::Resolution => (facts.reported_at, facts.resolved_at),
                // The follow-up clock starts at resolve and is met when the loop closes.
                ClockName::FollowUp => (facts.resolved_at?, facts.closed_at),
            };
            if cancelled && done.is_none() {
                return None;
            }
            let due_at = start + target + if name == ClockName::FollowUp { Duration::zero() } else { paused };
            let state = match done {
                Some(at) if at <= due_at => ClockState::Met,
                Some(_) => ClockState::Breached,
                None if now > due_at => ClockState::Breached,
                None if facts.status == Status::Suspended => ClockState::Paused,
                None => ClockState::Running,
            };
            Some(Deadline { name, due_at, state })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: Kind, urgency: Urgency) -> ClockFacts {
        ClockFacts {
            kind,
            urgency,
            status: Status::New,
            reported_at: DateTime::parse_from_rfc3339("2026-11-24T02:00:00Z").unwrap().to_utc(),
            first_responded_at: None,
            arrived_at: None,
            resolved_at: None,
            closed_at: None,
            suspended_at: None,
            paused_seconds: 0,
        }
    }

    fn by_name(list: &[Deadline], name: ClockName) -> Option<&Deadline> {
        list.iter().find(|d| d.name == name)
    }

    #[test]
    fn a_new_emergency_repair_has_tight_clocks() {
        let f = facts(Kind::Repair, Urgency::Emergency);
        let list = deadlines(&f, f.reported_at);
        let first = by_name(&list, ClockName::FirstResponse).unwrap();
        assert_eq!(first.due_at, f.reported_at + Duration::minutes(5));
        assert_eq!(first.state, ClockState::Running);
        assert_eq!(by_name(&list, ClockName::Arrival).unwrap().due_at, f.reported_at + Duration::minutes(30));
        assert!(by_name(&list, ClockName::FollowUp).is_none(), "follow-up starts at resolve");
    }

    #[test]
    fn clocks_are_met_or_breached_by_when_things_happened() {
        let mut f = facts(Kind::Complaint, Urgency::Normal);
        f.first_responded_at = Some(f.reported_at + Duration::minutes(10));
        f.resolved_at = Some(f.reported_at + Duration::hours(30));
        let list = deadlines(&f, f.reported_at + Duration::hours(31));
        assert_eq!(by_name(&list, ClockName::FirstResponse).unwrap().state, ClockState::Met);
        assert_eq!(by_name(&list, ClockName::Resolution).unwrap().state, ClockState::Breached);
        assert!(by_name(&list, ClockName::Arrival).is_none(), "only repairs have an arrival clock");
        assert_eq!(by_name(&list, ClockName::FollowUp).unwrap().state, ClockState::Running);
    }

    #[test]
    fn suspension_pauses_and_moves_the_due_time() {
        let mut f = facts(Kind::Repair, Urgency::Normal);
        f.first_responded_at = Some(f.reported_at);
        f.status = Status::Suspended;
        f.paused_seconds = 3600;
        f.suspended_at = Some(f.reported_at + Duration::hours(2));
        let now = f.reported_at + Duration::hours(3);
        let resolution = deadlines(&f, now).into_iter().find(|d| d.name == ClockName::Resolution).unwrap();
        assert_eq!(resolution.due_at, f.reported_at + Duration::hours(72 + 1 + 1));
        assert_eq!(resolution.state, ClockState::Paused);
    }

    #[test]
    fn a_cancelled_ticket_keeps_only_clocks_that_finished() {
        let mut f = facts(Kind::Repair, Urgency::Normal);
        f.status = Status::Cancelled;
        f.first_responded_at = Some(f.reported_at);
        let list = deadlines(&f, f.reported_at + Duration::days(9));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].state, ClockState::Met);
    }
}
