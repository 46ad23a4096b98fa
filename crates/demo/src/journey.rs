//! The mechanics of writing a ticket's history: a clock that moves forward by realistic gaps,
//! and the status each action leads to, so that `story` can write the plot in plain terms
//! ("respond, then dispatch, then…") and always knows where the ticket stands.
//!
//! The transitions mirror the ticket state machine of the product; the tests replay every
//! history through an independent copy of it.

use chrono::{DateTime, Duration, Timelike, Utc};
use rand::rngs::StdRng;

use crate::DemoStep;
use crate::dice::between;

/// Beijing time is UTC+8 all year; working hours are reckoned in it.
pub(crate) const BEIJING: Duration = Duration::hours(8);

pub(crate) struct Journey<'r> {
    pub rng: &'r mut StdRng,
    urgency: &'static str,
    at: DateTime<Utc>,
    status: &'static str,
    suspended_from: &'static str,
    assignee: Option<String>,
    steps: Vec<DemoStep>,
}

impl<'r> Journey<'r> {
    pub(crate) fn new(
        rng: &'r mut StdRng,
        reported_at: DateTime<Utc>,
        urgency: &'static str,
    ) -> Self {
        Journey {
            rng,
            urgency,
            at: reported_at,
            status: "new",
            suspended_from: "new",
            assignee: None,
            steps: Vec::new(),
        }
    }

    pub(crate) fn assignee(&self) -> Option<&str> {
        self.assignee.as_deref()
    }

    pub(crate) fn into_steps(self) -> Vec<DemoStep> {
        self.steps
    }

    /// Moves on by `lo`–`hi` minutes whatever the hour: the desk's hotline never sleeps.
    pub(crate) fn around_the_clock(&mut self, lo: i64, hi: i64) -> &mut Self {
        self.at = self.at
            + Duration::minutes(between(self.rng, lo, hi))
            + Duration::seconds(between(self.rng, 0, 59));
        self
    }

    /// Moves the clock `lo..=hi` minutes on. Routine work waits for the morning: a step of a
    /// normal ticket that would fall between 22:00 and 07:00 Beijing time moves to the next
    /// morning (keeping its minutes, so mornings do not all start at the same second).
    pub(crate) fn after(&mut self, lo: i64, hi: i64) -> &mut Self {
        let mut at = self.at
            + Duration::minutes(between(self.rng, lo, hi))
            + Duration::seconds(between(self.rng, 0, 59));
        if self.urgency == "normal" {
            let local = at + BEIJING;
            let hour = local.hour();
            if !(7..22).contains(&hour) {
                let days = if hour >= 22 { 1 } else { 0 };
                let morning = (local.date_naive() + Duration::days(days))
                    .and_hms_opt(8, 0, 0)
                    .expect("valid time");
                at = morning.and_utc() - BEIJING + Duration::minutes(i64::from(local.minute()));
            }
        }
        self.at = at;
        self
    }

    fn push(&mut self, actor: &str, action: &'static str, to: &'static str) -> &mut DemoStep {
        self.status = to;
        self.steps.push(DemoStep {
            at: self.at,
            actor_key: actor.into(),
            action,
            assignee_key: None,
            satisfaction: None,
            body: None,
            visibility: None,
            reason: None,
        });
        self.steps.last_mut().expect("just pushed")
    }

    /// The first (or a further) answer to the resident; takes a new ticket in.
    pub(crate) fn respond(&mut self, actor: &str, body: String) {
        let to = if self.status == "new" {
            "accepted"
        } else {
            self.status
        };
        self.push(actor, "respond", to).body = Some(body);
    }

    /// The desk takes a new or reopened ticket in; the assignee accepts a dispatched job.
    pub(crate) fn accept(&mut self, actor: &str) {
        let to = if self.status == "dispatched" {
            "in_progress"
        } else {
            "accepted"
        };
        self.push(actor, "accept", to);
    }

    pub(crate) fn dispatch(&mut self, actor: &str, assignee: &str) {
        self.assignee = Some(assignee.into());
        self.push(actor, "dispatch", "dispatched").assignee_key = Some(assignee.into());
    }

    /// The assignee is on site.
    pub(crate) fn arrive(&mut self) {
        let tech = self.assignee.clone().expect("arrive after dispatch");
        self.push(&tech, "arrive", "in_progress");
    }

    pub(crate) fn resolve(&mut self, actor: &str, body: String) {
        self.push(actor, "resolve", "resolved").body = Some(body);
    }

    /// The rating closes the ticket, or reopens it when below 3.
    pub(crate) fn follow_up(&mut self, actor: &str, satisfaction: u8, body: String) {
        let to = if satisfaction >= 3 {
            "closed"
        } else {
            "reopened"
        };
        let step = self.push(actor, "follow_up", to);
        step.satisfaction = Some(satisfaction);
        step.body = Some(body);
    }

    pub(crate) fn close(&mut self, actor: &str) {
        self.push(actor, "close", "closed");
    }

    pub(crate) fn reopen(&mut self, actor: &str, reason: String) {
        self.push(actor, "reopen", "reopened").reason = Some(reason);
    }

    pub(crate) fn suspend(&mut self, actor: &str, reason: String) {
        self.suspended_from = self.status;
        self.push(actor, "suspend", "suspended").reason = Some(reason);
    }

    pub(crate) fn resume(&mut self, actor: &str) {
        let to = self.suspended_from;
        self.push(actor, "resume", to);
    }

    pub(crate) fn escalate(&mut self, actor: &str, reason: String) {
        let to = self.status;
        self.push(actor, "escalate", to).reason = Some(reason);
    }

    pub(crate) fn cancel(&mut self, actor: &str, reason: String) {
        self.push(actor, "cancel", "cancelled").reason = Some(reason);
    }

    pub(crate) fn comment(&mut self, actor: &str, body: String, visibility: &'static str) {
        let to = self.status;
        let step = self.push(actor, "comment", to);
        step.body = Some(body);
        step.visibility = Some(visibility);
    }
}

/// Squeezes a history into the time that has passed: if its last step would lie after `now`,
/// the gaps shrink in proportion (keeping at least a minute between steps), and if even that
/// does not fit, the report moves earlier. Returns the (possibly earlier) report time.
pub(crate) fn fit(
    reported_at: DateTime<Utc>,
    steps: &mut [DemoStep],
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let Some(last) = steps.last().map(|s| s.at) else {
        return reported_at;
    };
    if last <= now {
        return reported_at;
    }
    let room = (now - reported_at - Duration::minutes(1))
        .num_seconds()
        .max(0) as f64;
    let span = (last - reported_at).num_seconds() as f64;
    let mut previous = reported_at;
    for step in steps.iter_mut() {
        let offset = (step.at - reported_at).num_seconds() as f64 * room / span;
        step.at =
            (reported_at + Duration::seconds(offset as i64)).max(previous + Duration::minutes(1));
        previous = step.at;
    }
    let overshoot = previous - now;
    if overshoot <= Duration::zero() {
        return reported_at;
    }
    for step in steps.iter_mut() {
        step.at -= overshoot;
    }
    reported_at - overshoot
}
