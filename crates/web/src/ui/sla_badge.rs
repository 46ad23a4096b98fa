//! A ticket's deadlines as badges: time left or overdue, calm, amber past the first early
//! warning (the same point `?sla_state=warning` uses), red once breached.

use chrono::Duration;
use guanjia_domain::sla::ClockState;
use guanjia_storage::{SlaContext, TicketClock};

use super::text;
use crate::i18n::Lang;

/// How a clock stands, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tone {
    Breached,
    Warning,
    Calm,
    Paused,
    Met,
    /// Finished, but after its deadline.
    Late,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Breached | Tone::Late => "badge red",
            Tone::Warning => "badge amber",
            Tone::Calm => "badge",
            Tone::Paused => "badge grey",
            Tone::Met => "badge green",
        }
    }
}

pub struct Badge {
    pub class: &'static str,
    pub text: String,
    tone: Tone,
    left: Duration,
}

impl Badge {
    /// How hard the clock presses: by tone, then by time left; smaller is more pressing.
    pub fn pressure(&self) -> (Tone, Duration) {
        (self.tone, self.left)
    }
}

/// The badge of one clock.
pub fn of_clock(tc: &TicketClock, sla: &SlaContext, lang: Lang) -> Badge {
    let clock = &tc.clock;
    let (tone, left) = match (clock.state, clock.remaining) {
        (ClockState::Met, _) => (Tone::Met, Duration::zero()),
        (_, None) => (Tone::Late, Duration::zero()),
        (ClockState::Paused, Some(left)) => (Tone::Paused, left),
        (_, Some(left)) if left < Duration::zero() || clock.state == ClockState::Breached => {
            (Tone::Breached, left)
        }
        (_, Some(left)) if past_first_warning(tc, sla, left) => (Tone::Warning, left),
        (_, Some(left)) => (Tone::Calm, left),
    };
    let text = match tone {
        Tone::Met | Tone::Late => text::clock_state(lang, clock.state).to_owned(),
        Tone::Paused => format!(
            "{} · {}",
            text::clock_state(lang, clock.state),
            text::remaining(lang, left)
        ),
        _ => text::remaining(lang, left),
    };
    Badge {
        class: tone.class(),
        text,
        tone,
        left,
    }
}

/// The badge of a ticket in a list: its most pressing open clock, None when all are finished.
pub fn most_pressing(clocks: &[TicketClock], sla: &SlaContext, lang: Lang) -> Option<Badge> {
    clocks
        .iter()
        .filter(|tc| tc.clock.is_open())
        .map(|tc| of_clock(tc, sla, lang))
        .min_by_key(Badge::pressure)
}

/// A running clock is past its first warning once that share of its business time is used.
fn past_first_warning(tc: &TicketClock, sla: &SlaContext, left: Duration) -> bool {
    let Some(&percent) = sla
        .policy(&tc.policy_id)
        .and_then(|p| p.spec.warn_at_percent.first())
    else {
        return false;
    };
    let used = tc.clock.budget - left;
    used >= tc.clock.budget * i32::from(percent) / 100
}
