//! What a call's events make of it. The phone system may post an event twice or late (`ended`
//! before `answered`), so each event only fills in what it knows and a call never goes back:
//! an `answered` after `ended` keeps the call ended with its answer time, a repeated event
//! changes nothing.

use chrono::{DateTime, Duration, Utc};

use super::event::{AFTER_CALL_WORK, CallEvent, CallEventKind};
use crate::code::code_enum;

/// A call with no `ended` this long after it began is taken as over (its last event was lost).
const LONGEST_CALL: Duration = Duration::hours(4);

code_enum! {
    /// Where a call stands.
    pub enum CallState ("call state") {
        Ringing = "ringing",
        Answered = "answered",
        Ended = "ended",
    }
}

/// What is known of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFacts {
    pub state: CallState,
    pub caller: String,
    /// The extension that rang, then the one that answered.
    pub extension: String,
    pub ringing_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub recording_url: Option<String>,
}

/// What an event did to its call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The call's first event (whichever it is).
    Opened(CallFacts),
    /// The call as it is now.
    Changed(CallFacts),
    /// Nothing new: the same event again, or one older than what is known.
    Repeated,
}

/// The call after `event`, given what was known of it (`None`: nothing yet).
pub fn apply_event(before: Option<&CallFacts>, event: &CallEvent) -> Step {
    let Some(before) = before else {
        let mut facts = CallFacts {
            state: CallState::Ringing,
            caller: event.caller.clone(),
            extension: event.extension.clone(),
            ringing_at: None,
            answered_at: None,
            ended_at: None,
            recording_url: None,
        };
        fill(&mut facts, event);
        return Step::Opened(facts);
    };
    let mut after = before.clone();
    fill(&mut after, event);
    if after == *before {
        Step::Repeated
    } else {
        Step::Changed(after)
    }
}

/// Fills in what `event` knows, keeping what an earlier arrival of it already set.
fn fill(facts: &mut CallFacts, event: &CallEvent) {
    match event.kind {
        CallEventKind::Ringing => {
            facts.ringing_at.get_or_insert(event.at);
        }
        CallEventKind::Answered => {
            if facts.answered_at.is_none() {
                facts.answered_at = Some(event.at);
                // Whoever picked up has the call (a ring group rings several extensions).
                facts.extension = event.extension.clone();
            }
            if facts.state == CallState::Ringing {
                facts.state = CallState::Answered;
            }
        }
        CallEventKind::Ended => {
            facts.ended_at.get_or_insert(event.at);
            facts.state = CallState::Ended;
            if facts.recording_url.is_none() {
                facts.recording_url = event.recording_url.clone();
            }
        }
    }
}

impl CallFacts {
    /// When the call began, by its earliest known event.
    pub fn began_at(&self) -> Option<DateTime<Utc>> {
        [self.ringing_at, self.answered_at, self.ended_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// The call is on (ringing or talking) at `now`: what the agent's pop-up shows.
    pub fn is_on(&self, now: DateTime<Utc>) -> bool {
        self.state != CallState::Ended && self.began_at().is_some_and(|b| now - b < LONGEST_CALL)
    }

    /// A ticket the agent opens for the caller at `now` belongs to this call: while it is on,
    /// and for the after-call work once it ended.
    pub fn takes_ticket(&self, now: DateTime<Utc>) -> bool {
        self.is_on(now)
            || self
                .ended_at
                .is_some_and(|end| now - end <= AFTER_CALL_WORK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-12-06T12:{minute:02}:00Z").parse().unwrap()
    }

    fn event(kind: CallEventKind, minute: u32, extension: &str) -> CallEvent {
        CallEvent {
            call_id: "c1".into(),
            kind,
            caller: "13800138000".into(),
            extension: extension.into(),
            at: at(minute),
            recording_url: (kind == CallEventKind::Ended)
                .then(|| "https://pbx.example.com/r/c1.mp3".into()),
        }
    }

    fn run(events: &[CallEvent]) -> CallFacts {
        let mut facts: Option<CallFacts> = None;
        for e in events {
            match apply_event(facts.as_ref(), e) {
                Step::Opened(f) | Step::Changed(f) => facts = Some(f),
                Step::Repeated => {}
            }
        }
        facts.unwrap()
    }

    #[test]
    fn a_call_rings_is_answered_and_ends_with_its_recording() {
        use CallEventKind as K;
        let ringing = event(K::Ringing, 0, "8001");
        let Step::Opened(facts) = apply_event(None, &ringing) else {
            panic!("opened")
        };
        assert_eq!(facts.state, CallState::Ringing);
        assert!(facts.is_on(at(1)));
        let f = run(&[
            ringing,
            event(K::Answered, 1, "8001"),
            event(K::Ended, 5, "8001"),
        ]);
        assert_eq!(f.state, CallState::Ended);
        assert_eq!(
            (f.ringing_at, f.answered_at, f.ended_at),
            (Some(at(0)), Some(at(1)), Some(at(5)))
        );
        assert_eq!(
            f.recording_url.as_deref(),
            Some("https://pbx.example.com/r/c1.mp3")
        );
        assert!(!f.is_on(at(6)));
    }

    #[test]
    fn repeats_change_nothing_and_late_events_never_move_it_back() {
        use CallEventKind as K;
        let f = run(&[event(K::Ringing, 0, "8001"), event(K::Ended, 5, "8001")]);
        assert_eq!(
            apply_event(Some(&f), &event(K::Ended, 5, "8001")),
            Step::Repeated
        );
        assert_eq!(
            apply_event(Some(&f), &event(K::Ringing, 0, "8001")),
            Step::Repeated
        );
        // Answered arrives after ended: kept, the call stays ended.
        let Step::Changed(late) = apply_event(Some(&f), &event(K::Answered, 1, "8001")) else {
            panic!("the answer time is news")
        };
        assert_eq!(late.state, CallState::Ended);
        assert_eq!(late.answered_at, Some(at(1)));
        assert_eq!(late.ended_at, Some(at(5)));
    }

    #[test]
    fn ended_first_opens_the_call_ended() {
        let f = run(&[event(CallEventKind::Ended, 5, "8001")]);
        assert_eq!(f.state, CallState::Ended);
        assert_eq!(f.began_at(), Some(at(5)));
    }

    #[test]
    fn whoever_answers_has_the_call() {
        use CallEventKind as K;
        let f = run(&[event(K::Ringing, 0, "8001"), event(K::Answered, 1, "8002")]);
        assert_eq!(f.extension, "8002");
        let again = run(&[
            event(K::Ringing, 0, "8001"),
            event(K::Answered, 1, "8002"),
            event(K::Answered, 2, "8003"),
        ]);
        assert_eq!(again.extension, "8002", "the first answer stands");
    }

    #[test]
    fn tickets_belong_to_the_call_while_on_and_during_after_call_work() {
        use CallEventKind as K;
        let on = run(&[event(K::Ringing, 0, "8001"), event(K::Answered, 1, "8001")]);
        assert!(on.takes_ticket(at(3)));
        let ended = run(&[event(K::Answered, 1, "8001"), event(K::Ended, 5, "8001")]);
        assert!(ended.takes_ticket(at(15)), "after-call work");
        assert!(!ended.takes_ticket(at(16)));
        let lost = run(&[event(K::Ringing, 0, "8001")]);
        assert!(!lost.is_on(at(0) + Duration::hours(5)), "its end was lost");
    }
}
