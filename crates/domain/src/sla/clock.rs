//! One SLA clock of one ticket, in business time.
//!
//! A clock starts when the resident reported (the follow-up clock when the work was resolved),
//! counts only the business hours of its policy's calendar, pauses while the ticket is suspended
//! (waiting for the resident, parts or a third party: the paused business time is deducted, so
//! the due time moves), and is met or breached.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::policy::Target;
use super::{ClockName, ClockState};
use crate::calendar::Calendar;
use crate::closed_loop::FollowUpPolicy;
use crate::taxonomy::Kind;
use crate::ticket::Status;

/// A finished suspension of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// What the clocks of a ticket are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFacts {
    pub kind: Kind,
    pub status: Status,
    pub reported_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the current suspension began.
    pub suspended_at: Option<DateTime<Utc>>,
    pub pauses: Vec<Pause>,
    /// The first resolve, kept through rectification.
    pub first_resolved_at: Option<DateTime<Utc>>,
    /// The latest reopen for rectification.
    pub reopened_at: Option<DateTime<Utc>>,
    /// A ticket that is never called back has no follow-up clock.
    pub follow_up_policy: FollowUpPolicy,
}

/// Where one clock stands at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub name: ClockName,
    pub started_at: DateTime<Utc>,
    /// When it is (or was) due. For a paused clock: when it would be due if resumed now.
    pub due_at: DateTime<Utc>,
    pub state: ClockState,
    /// The target in business time.
    pub budget: Duration,
    /// Business time paused so far (deducted).
    pub paused: Duration,
    /// Business time left; negative once overdue. None once the clock is finished.
    pub remaining: Option<Duration>,
    /// When the clock finished (met or breached), if it has.
    pub finished_at: Option<DateTime<Utc>>,
}

impl Clock {
    /// Whether the clock still counts (or waits, paused): its ticket is not done with it.
    pub fn is_open(&self) -> bool {
        self.finished_at.is_none()
    }
}

impl ClockFacts {
    /// A ticket just reported: nothing has happened to it yet.
    pub fn reported(kind: Kind, reported_at: DateTime<Utc>) -> Self {
        ClockFacts {
            kind,
            status: Status::New,
            reported_at,
            first_responded_at: None,
            arrived_at: None,
            resolved_at: None,
            closed_at: None,
            suspended_at: None,
            pauses: Vec::new(),
            first_resolved_at: None,
            reopened_at: None,
            follow_up_policy: FollowUpPolicy::effective(kind, None),
        }
    }

    /// When the clock starts and when it finished, or None if the ticket has no such clock now.
    fn span(&self, name: ClockName) -> Option<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        let done = match name {
            ClockName::FirstResponse => self.first_responded_at,
            // Work finished without a visit (fixed remotely, closed at first contact) ends the
            // wait for a technician too.
            ClockName::Arrival if self.kind == Kind::Repair => {
                self.arrived_at.or(self.resolved_at).or(self.closed_at)
            }
            ClockName::Arrival => return None,
            // Due when the platform says, not by a target: see `hotline::platform_clocks`.
            ClockName::HotlineAccept | ClockName::HotlineFinish => return None,
            ClockName::Resolution => self
                .first_resolved_at
                .or(self.resolved_at)
                .or(self.closed_at),
            // The follow-up clock starts at resolve and is met when the loop closes.
            ClockName::FollowUp if self.follow_up_policy == FollowUpPolicy::Never => return None,
            ClockName::FollowUp => return Some((self.resolved_at?, self.closed_at)),
            // Rectification runs from the reopen to the next resolve (or a close).
            ClockName::Rectification => {
                let start = self.reopened_at?;
                let done = self
                    .resolved_at
                    .filter(|&r| r >= start)
                    .or(self.closed_at.filter(|&c| c >= start));
                return if self.status == Status::Cancelled && done.is_none() {
                    None
                } else {
                    Some((start, done))
                };
            }
        };
        if self.status == Status::Cancelled && done.is_none() {
            return None;
        }
        Some((self.reported_at, done))
    }

    /// Business time the ticket spent suspended between `start` and `until`.
    fn paused_between(
        &self,
        calendar: &Calendar,
        start: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Duration {
        let current = self.suspended_at.map(|from| Pause { from, to: until });
        self.pauses
            .iter()
            .chain(current.iter())
            .map(|p| calendar.between(p.from.max(start), p.to.min(until)))
            .fold(Duration::zero(), |a, b| a + b)
    }
}

/// The business time a target allows from `start` on `calendar`, or None on an empty calendar.
pub fn budget(target: Target, calendar: &Calendar, start: DateTime<Utc>) -> Option<Duration> {
    match target {
        Target::Minutes(m) => Some(Duration::minutes(i64::from(m))),
        Target::BusinessDays(n) => {
            Some(calendar.between(start, calendar.end_of_business_day(start, n)?))
        }
    }
}

/// The clock `name` of a ticket as of `now`, counted on `calendar` against `target`; None when
/// the ticket has no such clock (yet), or the calendar has no business hours at all.
pub fn clock(
    name: ClockName,
    facts: &ClockFacts,
    target: Target,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Option<Clock> {
    let (started_at, finished_at) = facts.span(name)?;
    let budget = budget(target, calendar, started_at)?;
    let until = finished_at.unwrap_or(now).max(started_at);
    let paused = facts.paused_between(calendar, started_at, until);
    let elapsed = calendar.between(started_at, until) - paused;
    let remaining = budget - elapsed;
    let due_at = calendar.add(started_at, budget + paused)?;
    let state = match finished_at {
        Some(at) if at <= due_at => ClockState::Met,
        Some(_) => ClockState::Breached,
        None if facts.suspended_at.is_some() && remaining >= Duration::zero() => ClockState::Paused,
        None if remaining < Duration::zero() || (facts.suspended_at.is_none() && now > due_at) => {
            ClockState::Breached
        }
        None => ClockState::Running,
    };
    Some(Clock {
        name,
        started_at,
        due_at,
        state,
        budget,
        paused,
        remaining: finished_at.is_none().then_some(remaining),
        finished_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn facts(kind: Kind, reported: &str) -> ClockFacts {
        ClockFacts::reported(kind, at(reported))
    }

    #[test]
    fn an_emergency_on_the_24x7_calendar_counts_wall_clock_time() {
        let f = facts(Kind::Repair, "2026-11-24T02:00:00Z");
        let cal = Calendar::always_open(Shanghai);
        let c = clock(
            ClockName::FirstResponse,
            &f,
            Target::Minutes(5),
            &cal,
            f.reported_at,
        )
        .unwrap();
        assert_eq!(c.due_at, at("2026-11-24T02:05:00Z"));
        assert_eq!(
            (c.state, c.remaining),
            (ClockState::Running, Some(Duration::minutes(5)))
        );
        assert!(
            clock(
                ClockName::FollowUp,
                &f,
                Target::Minutes(60),
                &cal,
                f.reported_at
            )
            .is_none(),
            "starts at resolve"
        );
    }

    #[test]
    fn business_clocks_skip_nights_and_holidays() {
        // Reported on the eve of the National Day holiday at 17:50 Beijing time.
        let f = facts(Kind::Repair, "2025-09-30T09:50:00Z");
        let cal = Calendar::china_mainland(Shanghai);
        let c = clock(
            ClockName::FirstResponse,
            &f,
            Target::Minutes(15),
            &cal,
            f.reported_at,
        )
        .unwrap();
        // 10 minutes on Sept 30, 5 more when the office opens on Thursday Oct 9 (Oct 1–8 are off).
        assert_eq!(c.due_at, at("2025-10-09T01:05:00Z"));
        // At midnight the clock has used ten minutes: five remain, and it is not breached.
        let c = clock(
            ClockName::FirstResponse,
            &f,
            Target::Minutes(15),
            &cal,
            at("2025-10-03T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            (c.state, c.remaining),
            (ClockState::Running, Some(Duration::minutes(5)))
        );
        // "Next business day" is the end of Thursday Oct 9.
        let c = clock(
            ClockName::Arrival,
            &f,
            Target::BusinessDays(1),
            &cal,
            f.reported_at,
        )
        .unwrap();
        assert_eq!(c.due_at, at("2025-10-09T10:00:00Z"));
    }

    #[test]
    fn clocks_are_met_or_breached_by_when_things_happened() {
        let cal = Calendar::always_open(Shanghai);
        let mut f = facts(Kind::Complaint, "2026-11-24T02:00:00Z");
        f.first_responded_at = Some(f.reported_at + Duration::minutes(10));
        f.resolved_at = Some(f.reported_at + Duration::hours(30));
        f.status = Status::Resolved;
        let now = f.reported_at + Duration::hours(31);
        let first = clock(ClockName::FirstResponse, &f, Target::Minutes(15), &cal, now).unwrap();
        assert_eq!((first.state, first.remaining), (ClockState::Met, None));
        let resolution = clock(
            ClockName::Resolution,
            &f,
            Target::Minutes(24 * 60),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(resolution.state, ClockState::Breached);
        assert!(
            clock(ClockName::Arrival, &f, Target::Minutes(30), &cal, now).is_none(),
            "only repairs have an arrival clock"
        );
        let follow_up =
            clock(ClockName::FollowUp, &f, Target::Minutes(24 * 60), &cal, now).unwrap();
        assert_eq!(
            (follow_up.state, follow_up.started_at),
            (ClockState::Running, f.resolved_at.unwrap())
        );
        let late = clock(
            ClockName::FirstResponse,
            &facts(Kind::Repair, "2026-11-24T02:00:00Z"),
            Target::Minutes(15),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(late.state, ClockState::Breached);
        assert!(late.remaining.unwrap() < Duration::zero());
    }

    #[test]
    fn suspension_pauses_the_clock_and_moves_the_due_time_by_business_time() {
        let cal = Calendar::china_mainland(Shanghai);
        // Monday 2025-11-24 09:00 Beijing; suspended 10:00–11:00, and again from 15:00.
        let mut f = facts(Kind::Repair, "2025-11-24T01:00:00Z");
        f.first_responded_at = Some(f.reported_at);
        f.pauses = vec![Pause {
            from: at("2025-11-24T02:00:00Z"),
            to: at("2025-11-24T03:00:00Z"),
        }];
        f.status = Status::Suspended;
        f.suspended_at = Some(at("2025-11-24T07:00:00Z"));
        // At 09:00 the next day the current pause has lasted 3 business hours (15:00–18:00).
        let now = at("2025-11-25T01:00:00Z");
        let c = clock(
            ClockName::Resolution,
            &f,
            Target::Minutes(8 * 60),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(c.state, ClockState::Paused);
        assert_eq!(c.paused, Duration::hours(4));
        // Elapsed 5 business hours (9–10, 11–15): 3 remain, counted from now if resumed.
        assert_eq!(c.remaining, Some(Duration::hours(3)));
        assert_eq!(c.due_at, at("2025-11-25T04:00:00Z"));
        // A night spent suspended costs no business time and moves nothing.
        let night = ClockFacts {
            suspended_at: None,
            pauses: vec![Pause {
                from: at("2025-11-24T12:00:00Z"),
                to: at("2025-11-24T22:00:00Z"),
            }],
            status: Status::InProgress,
            ..f.clone()
        };
        let c = clock(
            ClockName::Resolution,
            &night,
            Target::Minutes(8 * 60),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(
            (c.paused, c.due_at),
            (Duration::zero(), at("2025-11-24T09:00:00Z"))
        );
    }

    #[test]
    fn rectification_has_its_own_clock_and_the_first_resolution_stands() {
        let cal = Calendar::always_open(Shanghai);
        let mut f = facts(Kind::Complaint, "2026-11-24T02:00:00Z");
        f.first_responded_at = Some(f.reported_at);
        f.first_resolved_at = Some(f.reported_at + Duration::hours(5));
        f.reopened_at = Some(f.reported_at + Duration::hours(6));
        f.status = Status::Reopened;
        let now = f.reported_at + Duration::hours(40);
        let resolution = clock(
            ClockName::Resolution,
            &f,
            Target::Minutes(24 * 60),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(
            resolution.state,
            ClockState::Met,
            "the first resolve was in time"
        );
        let rectification = clock(
            ClockName::Rectification,
            &f,
            Target::Minutes(24 * 60),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(
            (rectification.started_at, rectification.state),
            (f.reopened_at.unwrap(), ClockState::Breached)
        );
        f.resolved_at = Some(f.reported_at + Duration::hours(20));
        f.status = Status::Resolved;
        let done = clock(
            ClockName::Rectification,
            &f,
            Target::Minutes(24 * 60),
            &cal,
            now,
        )
        .unwrap();
        assert_eq!(done.state, ClockState::Met);
        let never = ClockFacts {
            follow_up_policy: FollowUpPolicy::Never,
            kind: Kind::Inquiry,
            ..f
        };
        assert!(
            clock(ClockName::FollowUp, &never, Target::Minutes(60), &cal, now).is_none(),
            "no call, no clock"
        );
    }

    #[test]
    fn a_cancelled_ticket_keeps_only_clocks_that_finished() {
        let cal = Calendar::always_open(Shanghai);
        let mut f = facts(Kind::Repair, "2026-11-24T02:00:00Z");
        f.status = Status::Cancelled;
        f.first_responded_at = Some(f.reported_at);
        let now = f.reported_at + Duration::days(9);
        let open: Vec<_> = ClockName::ALL
            .iter()
            .filter_map(|&n| clock(n, &f, Target::Minutes(60), &cal, now))
            .collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].state, ClockState::Met);
    }
}
