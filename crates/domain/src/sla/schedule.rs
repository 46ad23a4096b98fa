//! Early warnings (预警) and the escalation ladder (升级) as steps with a firing time.
//!
//! Storage keeps one row per (ticket, clock, step) and the scheduler fires each row once. When a
//! ticket changes, its steps are computed again: a step not fired yet takes its new time, a step
//! already fired is never fired again, and the steps of a clock that is paused or finished wait
//! or go away.

use chrono::{DateTime, Duration, Utc};

use super::clock::{Clock, ClockFacts};
use super::policy::PolicySpec;
use super::{ClockName, ClockState};
use crate::calendar::Calendar;
use crate::closed_loop::FollowUpPolicy;
use crate::taxonomy::Urgency;
use crate::ticket::Status;

/// What a step does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    /// A share of the clock's target has passed: tell the people handling it.
    Warning { percent: u8 },
    /// A rung of the ladder: the ticket's escalation level rises and the rung's role is told.
    Escalation { level: u8 },
    /// A resolved ticket nobody rated closes on its own.
    AutoClose,
    /// A dispatched job nobody accepted in time goes to the next candidate.
    AssignmentTimeout,
    /// A job offered for grabbing that nobody took goes by least load.
    GrabTimeout,
}

impl StepKind {
    /// A stable key, unique per clock: `warning:50`, `escalation:2`.
    pub fn key(self) -> String {
        match self {
            StepKind::Warning { percent } => format!("warning:{percent}"),
            StepKind::Escalation { level } => format!("escalation:{level}"),
            StepKind::AutoClose => AUTO_CLOSE.to_owned(),
            StepKind::AssignmentTimeout => ASSIGNMENT_TIMEOUT.to_owned(),
            StepKind::GrabTimeout => GRAB_TIMEOUT.to_owned(),
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        match key {
            AUTO_CLOSE => return Some(StepKind::AutoClose),
            ASSIGNMENT_TIMEOUT => return Some(StepKind::AssignmentTimeout),
            GRAB_TIMEOUT => return Some(StepKind::GrabTimeout),
            _ => {}
        }
        let (kind, number) = key.split_once(':')?;
        let number = number.parse().ok()?;
        match kind {
            "warning" => Some(StepKind::Warning { percent: number }),
            "escalation" => Some(StepKind::Escalation { level: number }),
            _ => None,
        }
    }
}

/// One step to fire. `clock` is None for the escalation of a ticket flagged with escalation risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub clock: Option<ClockName>,
    pub kind: StepKind,
    pub fire_at: DateTime<Utc>,
}

/// The steps of a clock that is counting (running, or breached and still open). A paused or
/// finished clock has none: its pending steps wait or are dropped.
pub fn steps(clock: &Clock, policy: &PolicySpec, calendar: &Calendar) -> Vec<Step> {
    if !clock.is_open() || !matches!(clock.state, ClockState::Running | ClockState::Breached) {
        return Vec::new();
    }
    let warnings = policy.warn_at_percent.iter().filter_map(|&percent| {
        let share = clock.budget * i32::from(percent) / 100;
        let fire_at = calendar.add(clock.started_at, share + clock.paused)?;
        Some(Step {
            clock: Some(clock.name),
            kind: StepKind::Warning { percent },
            fire_at,
        })
    });
    let escalations = policy.escalation.iter().map(|rung| Step {
        clock: Some(clock.name),
        kind: StepKind::Escalation { level: rung.level },
        fire_at: clock.due_at + Duration::minutes(i64::from(rung.after_minutes)),
    });
    warnings.chain(escalations).collect()
}

const AUTO_CLOSE: &str = "auto_close";
const ASSIGNMENT_TIMEOUT: &str = "assignment_timeout";
const GRAB_TIMEOUT: &str = "grab_timeout";

/// How long a technician has to accept a dispatched job: 3 minutes for an emergency, else 10.
pub fn acceptance_window(urgency: Urgency) -> Duration {
    Duration::minutes(if urgency == Urgency::Emergency { 3 } else { 10 })
}

/// The step that hands a dispatched job on when its assignee does not accept it in time.
pub fn assignment_timeout_step(
    status: Status,
    urgency: Urgency,
    dispatched_at: Option<DateTime<Utc>>,
) -> Option<Step> {
    if status != Status::Dispatched {
        return None;
    }
    Some(Step {
        clock: None,
        kind: StepKind::AssignmentTimeout,
        fire_at: dispatched_at? + acceptance_window(urgency),
    })
}

/// A resolved ticket nobody rated closes `days` after resolve, unless it needs a real follow-up
/// contact (every complaint, and categories followed up always).
pub fn auto_close_step(facts: &ClockFacts, days: u32) -> Option<Step> {
    if facts.status != Status::Resolved || facts.follow_up_policy == FollowUpPolicy::Always {
        return None;
    }
    Some(Step {
        clock: None,
        kind: StepKind::AutoClose,
        fire_at: facts.resolved_at? + Duration::days(i64::from(days)),
    })
}

/// A ticket flagged with escalation risk (12345, media, court) goes to level 1 at once.
pub fn risk_step(now: DateTime<Utc>) -> Step {
    Step {
        clock: None,
        kind: StepKind::Escalation { level: 1 },
        fire_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::clock::clock;
    use crate::sla::policy::{Target, default_policies};
    use crate::taxonomy::Kind;
    use chrono_tz::Asia::Shanghai;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn facts() -> ClockFacts {
        ClockFacts::reported(Kind::Repair, at("2025-11-24T09:30:00Z"))
    }

    #[test]
    fn warnings_fall_at_shares_of_business_time_and_the_ladder_after_the_breach() {
        let cal = Calendar::china_mainland(Shanghai);
        let policy = &default_policies("always")[0];
        let f = facts(); // Monday 17:30 in Beijing
        let c = clock(
            ClockName::FirstResponse,
            &f,
            Target::Minutes(60),
            &cal,
            f.reported_at,
        )
        .unwrap();
        let list = steps(&c, policy, &cal);
        let keys: Vec<_> = list.iter().map(|s| (s.kind.key(), s.fire_at)).collect();
        assert_eq!(
            keys,
            [
                // 30 minutes: 17:30 → 18:00 Monday.
                ("warning:50".to_owned(), at("2025-11-24T10:00:00Z")),
                // 48 minutes: the last 18 on Tuesday morning.
                ("warning:80".to_owned(), at("2025-11-25T01:18:00Z")),
                ("escalation:1".to_owned(), at("2025-11-25T01:30:00Z")),
                ("escalation:2".to_owned(), at("2025-11-25T02:30:00Z")),
                ("escalation:3".to_owned(), at("2025-11-25T05:30:00Z")),
            ]
        );
    }

    #[test]
    fn paused_and_finished_clocks_have_no_steps() {
        let cal = Calendar::always_open(Shanghai);
        let policy = &default_policies("always")[0];
        let mut f = facts();
        f.status = Status::Suspended;
        f.suspended_at = Some(f.reported_at);
        let paused = clock(
            ClockName::Resolution,
            &f,
            Target::Minutes(60),
            &cal,
            f.reported_at,
        )
        .unwrap();
        assert!(steps(&paused, policy, &cal).is_empty());
        let mut f = facts();
        f.first_responded_at = Some(f.reported_at);
        let met = clock(
            ClockName::FirstResponse,
            &f,
            Target::Minutes(60),
            &cal,
            f.reported_at,
        )
        .unwrap();
        assert!(steps(&met, policy, &cal).is_empty());
    }

    #[test]
    fn a_resolved_ticket_closes_itself_after_a_week_unless_it_needs_a_call() {
        let mut f = facts();
        f.status = Status::Resolved;
        f.resolved_at = Some(f.reported_at + Duration::hours(2));
        let step = auto_close_step(&f, 7).unwrap();
        assert_eq!(
            (step.kind, step.fire_at),
            (
                StepKind::AutoClose,
                f.reported_at + Duration::hours(2) + Duration::days(7)
            )
        );
        let complaint = ClockFacts {
            kind: Kind::Complaint,
            follow_up_policy: FollowUpPolicy::Always,
            ..f.clone()
        };
        assert_eq!(auto_close_step(&complaint, 7), None);
        assert_eq!(
            auto_close_step(
                &ClockFacts {
                    status: Status::Closed,
                    ..f
                },
                7
            ),
            None
        );
    }

    #[test]
    fn an_unaccepted_job_moves_on_after_its_window() {
        let at = facts().reported_at;
        let step =
            assignment_timeout_step(Status::Dispatched, Urgency::Emergency, Some(at)).unwrap();
        assert_eq!(step.fire_at, at + Duration::minutes(3));
        assert_eq!(
            assignment_timeout_step(Status::Dispatched, Urgency::Normal, Some(at))
                .unwrap()
                .fire_at,
            at + Duration::minutes(10)
        );
        assert_eq!(
            assignment_timeout_step(Status::InProgress, Urgency::Normal, Some(at)),
            None,
            "accepted"
        );
    }

    #[test]
    fn step_keys_round_trip() {
        for kind in [
            StepKind::Warning { percent: 80 },
            StepKind::Escalation { level: 3 },
            StepKind::AutoClose,
            StepKind::AssignmentTimeout,
            StepKind::GrabTimeout,
        ] {
            assert_eq!(StepKind::parse(&kind.key()), Some(kind));
        }
        assert_eq!(StepKind::parse("warning"), None);
        assert_eq!(StepKind::parse("nudge:1"), None);
        assert_eq!(StepKind::parse("warning:x"), None);
    }
}
