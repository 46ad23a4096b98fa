//! The plot of a ticket's history: the closed loop of the product (受理 → 派单 → 处理 → 完成 →
//! 回访 → 关闭), cut off where the ticket is supposed to stand today, with the detours real
//! tickets take: escalation of risky ones, reassignment, waiting for parts, cancellation, and
//! rectification (整改) after an unsatisfied follow-up.

use crate::DemoStaff;
use crate::dice::{between, chance, one, table};
use crate::journey::Journey;
use crate::text::{self, Withdrawal};

/// The actor key of the ticket's own resident.
pub(crate) const RESIDENT: &str = "resident";

/// What the plot needs to know about a ticket.
pub(crate) struct Facts<'a> {
    pub kind: &'static str,
    pub category: &'static str,
    pub urgency: &'static str,
    pub channel: &'static str,
    /// 首问负责人: answers, dispatches, follows up and closes.
    pub owner: &'a str,
    /// The project's supervisor: escalations, reassignments, complaint resolutions.
    pub supervisor: &'a str,
    /// Whether a resident on file reported it (only then may `resident` act).
    pub resident: bool,
    /// Whether anyone can be called back (a resident or a caller; not a sensor).
    pub reachable: bool,
    /// Threatens 12345, the media or court, or came from 12345.
    pub high_risk: bool,
    /// Technicians of the project skilled for the category; empty when the desk handles it.
    pub techs: Vec<&'a DemoStaff>,
    /// The resolution, or the answer of an inquiry.
    pub fix: String,
}

/// Writes the history of a ticket that ends in status `target`.
pub(crate) fn play(j: &mut Journey<'_>, f: &Facts<'_>, target: &str) {
    match target {
        "new" => return nudge(j, f),
        "cancelled" => return withdraw(j, f),
        _ => {}
    }
    let at_once = f.kind == "inquiry" && target == "closed" && chance(j.rng, 0.7);
    take_in(j, f, at_once);
    if target == "accepted" {
        return;
    }
    if at_once {
        // Answered at first contact: the inquiry closes straight away.
        j.after(1, 15).close(f.owner);
    } else if f.techs.is_empty() {
        desk(j, f, target);
    } else {
        field(j, f, target);
    }
}

/// Minutes to wait, by urgency: emergencies move in minutes, routine work in hours.
fn pace(
    f: &Facts<'_>,
    emergency: (i64, i64),
    urgent: (i64, i64),
    normal: (i64, i64),
) -> (i64, i64) {
    match f.urgency {
        "emergency" => emergency,
        "urgent" => urgent,
        _ => normal,
    }
}

/// Nobody has picked it up yet; sometimes the resident chases it.
fn nudge(j: &mut Journey<'_>, f: &Facts<'_>) {
    if f.resident && chance(j.rng, 0.3) {
        let body = text::nudge(j.rng);
        j.after(20, 180).comment(RESIDENT, body, "resident");
    }
}

/// The first response (受理), and the immediate escalation of emergencies and risky tickets.
fn take_in(j: &mut Journey<'_>, f: &Facts<'_>, at_once: bool) {
    let body = match f.kind {
        "inquiry" if at_once => f.fix.clone(),
        "inquiry" => text::holding_reply(j.rng),
        _ => text::first_reply(j.rng, f.kind, f.category, f.urgency),
    };
    // The hotline answers round the clock, mostly within the 15 minutes of the default policy.
    let slow = chance(j.rng, 0.15);
    let (lo, hi) = pace(f, (1, 4), (2, 12), if slow { (20, 90) } else { (2, 14) });
    j.around_the_clock(lo, hi).respond(f.owner, body);
    if f.urgency == "emergency" {
        j.after(1, 5)
            .escalate(f.owner, text::escalation_reason(true, false));
    } else if f.high_risk {
        let hotline = f.channel == "hotline_12345";
        j.after(5, 40)
            .escalate(f.supervisor, text::escalation_reason(false, hotline));
        if hotline {
            j.after(2, 20)
                .comment(f.supervisor, text::HOTLINE_NOTE.into(), "internal");
        }
    }
}

/// A ticket withdrawn at some stage: by the resident before work starts, by the desk later,
/// or as a sensor's false alarm.
fn withdraw(j: &mut Journey<'_>, f: &Facts<'_>) {
    if f.channel == "iot" {
        take_in(j, f, false);
        let reason = text::cancel_reason(j.rng, Withdrawal::FalseAlarm);
        j.after(10, 40).cancel(f.owner, reason);
        return;
    }
    let stage = between(j.rng, 0, 9);
    let field = !f.techs.is_empty();
    if stage <= 3 {
        let (actor, who) = if f.resident {
            (RESIDENT, Withdrawal::Resident)
        } else {
            (f.owner, Withdrawal::Desk)
        };
        let reason = text::cancel_reason(j.rng, who);
        j.after(10, 180).cancel(actor, reason);
        return;
    }
    take_in(j, f, false);
    if stage <= 6 || !field {
        let (actor, who) = if f.resident && chance(j.rng, 0.5) {
            (RESIDENT, Withdrawal::Resident)
        } else {
            (f.owner, Withdrawal::Desk)
        };
        let reason = text::cancel_reason(j.rng, who);
        j.after(10, 600).cancel(actor, reason);
        return;
    }
    let tech = one(j.rng, &f.techs);
    send(j, f, f.owner, tech);
    if stage <= 8 {
        let reason = text::cancel_reason(j.rng, Withdrawal::AfterDispatch);
        j.after(10, 240).cancel(f.owner, reason);
        return;
    }
    j.after(3, 30).accept(&tech.key);
    let hold = text::hold_reason(j.rng, f.category);
    j.after(30, 240).suspend(&tech.key, hold);
    let reason = text::cancel_reason(j.rng, Withdrawal::AfterHold);
    j.after(4320, 10080).cancel(f.owner, reason);
}

/// Gives the job to `tech`, often telling the resident who is coming.
fn send(j: &mut Journey<'_>, f: &Facts<'_>, actor: &str, tech: &DemoStaff) {
    let (lo, hi) = pace(f, (1, 3), (3, 15), (5, 60));
    j.after(lo, hi).dispatch(actor, &tech.key);
    if f.reachable && chance(j.rng, 0.3) {
        let note = text::dispatch_note(j.rng, &tech.name, f.urgency);
        j.after(1, 5).comment(f.owner, note, "resident");
    }
}

/// Work done on site by a technician (or a cleaner, a guard, a gardener).
fn field(j: &mut Journey<'_>, f: &Facts<'_>, target: &str) {
    let dispatcher = if chance(j.rng, 0.75) {
        f.owner
    } else {
        f.supervisor
    };
    let first = one(j.rng, &f.techs);
    send(j, f, dispatcher, first);
    if target == "dispatched" {
        if f.resident && chance(j.rng, 0.25) {
            let body = text::resident_note(j.rng);
            j.after(10, 90).comment(RESIDENT, body, "resident");
        }
        return;
    }
    let others: Vec<&DemoStaff> = f
        .techs
        .iter()
        .copied()
        .filter(|t| t.key != first.key)
        .collect();
    if !others.is_empty() && chance(j.rng, 0.06) {
        let other = one(j.rng, &others);
        j.after(10, 90).dispatch(f.supervisor, &other.key);
        j.after(1, 5).comment(
            f.supervisor,
            text::reassign_note(&first.name, &other.name),
            "internal",
        );
    }
    let tech = j.assignee().expect("dispatched").to_string();
    let (lo, hi) = pace(f, (1, 3), (2, 10), (3, 30));
    j.after(lo, hi).accept(&tech);
    if target == "in_progress" && chance(j.rng, 0.4) {
        return;
    }
    let appointment = chance(j.rng, 0.2);
    let (lo, hi) = pace(
        f,
        (5, 15),
        (15, 50),
        if appointment { (900, 1500) } else { (30, 240) },
    );
    j.after(lo, hi).arrive();
    if chance(j.rng, 0.15) {
        let note = text::tech_note(j.rng, f.kind);
        j.after(5, 30).comment(&tech, note, "internal");
    }
    if target == "in_progress" {
        return;
    }
    if target == "suspended" || (target == "closed" && chance(j.rng, 0.06)) {
        let reason = text::hold_reason(j.rng, f.category);
        j.after(10, 60).suspend(&tech, reason);
        if target == "suspended" {
            return;
        }
        j.after(1440, 7200).resume(&tech);
    }
    let (lo, hi) = pace(f, (20, 90), (30, 150), (20, 180));
    let body = text::resolution(j.rng, f.kind, &f.fix, false);
    j.after(lo, hi).resolve(&tech, body);
    if target == "resolved" {
        return;
    }
    settle(j, f, target);
}

/// Handled at the desk: answers, formalities, conduct and fee complaints, suggestions, praise.
fn desk(j: &mut Journey<'_>, f: &Facts<'_>, target: &str) {
    if target == "suspended" || (target == "closed" && f.kind != "inquiry" && chance(j.rng, 0.05)) {
        let reason = text::hold_reason(j.rng, f.category);
        j.after(30, 240).suspend(f.owner, reason);
        if target == "suspended" {
            return;
        }
        j.after(1440, 5760).resume(f.owner);
    }
    if chance(j.rng, 0.2) {
        let note = text::internal_note(j.rng);
        j.after(10, 120).comment(f.owner, note, "internal");
    }
    let (lo, hi) = match f.kind {
        "inquiry" => (30, 600),
        "complaint" => (240, 1440),
        "suggestion" => (1440, 10080),
        "praise" => (60, 1440),
        _ => (60, 2880),
    };
    // Complaints about staff or fees, and suggestions, are decided by the supervisor.
    let resolver = if matches!(f.kind, "complaint" | "suggestion") {
        f.supervisor
    } else {
        f.owner
    };
    let body = text::resolution(j.rng, f.kind, &f.fix, false);
    j.after(lo, hi).resolve(resolver, body);
    if target == "resolved" {
        return;
    }
    settle(j, f, target);
}

/// From resolved to the end: closed, or reopened and reworked first.
fn settle(j: &mut Journey<'_>, f: &Facts<'_>, target: &str) {
    let rework_rate = match f.kind {
        "complaint" => 0.12,
        "repair" => 0.06,
        _ => 0.0,
    };
    if target == "reopened" || chance(j.rng, rework_rate) {
        if f.kind == "complaint" || (f.reachable && chance(j.rng, 0.5)) {
            // An unsatisfied follow-up reopens the ticket.
            let satisfaction = table(j.rng, &[(2, 6), (1, 4)]);
            rate(j, f, satisfaction);
        } else {
            // Closed, then the problem came back.
            conclude(j, f);
            let reason = text::reopen_reason(j.rng);
            j.after(1440, 7200).reopen(f.owner, reason);
        }
        if target == "reopened" {
            return;
        }
        rectify(j, f);
    }
    conclude(j, f);
}

/// Closes a resolved ticket: complaints always through a follow-up (闭环), others often when
/// there is somebody to ask.
fn conclude(j: &mut Journey<'_>, f: &Facts<'_>) {
    if f.kind == "complaint" || (f.reachable && chance(j.rng, 0.6)) {
        let satisfaction = table(j.rng, &[(5, 60), (4, 28), (3, 12)]);
        rate(j, f, satisfaction);
    } else {
        j.after(10, 1440).close(f.owner);
    }
}

/// The follow-up (回访): a call by the owner, or the resident's own rating in the app. A
/// complaint is always called back (a resident's own rating leaves it waiting for the call).
fn rate(j: &mut Journey<'_>, f: &Facts<'_>, satisfaction: u8) {
    let online = matches!(f.channel, "app" | "wechat" | "web");
    let by_resident = f.kind != "complaint" && f.resident && online && chance(j.rng, 0.4);
    let actor = if by_resident { RESIDENT } else { f.owner };
    let note = text::follow_up_note(j.rng, by_resident, satisfaction);
    j.after(120, 2880).follow_up(actor, satisfaction, note);
}

/// Rectification (整改) of a reopened ticket: the desk takes it back and the work is redone.
fn rectify(j: &mut Journey<'_>, f: &Facts<'_>) {
    j.after(10, 120).accept(f.owner);
    let body = text::resolution(j.rng, f.kind, &f.fix, true);
    if f.techs.is_empty() {
        j.after(240, 1440).resolve(f.supervisor, body);
        return;
    }
    let tech = one(j.rng, &f.techs);
    send(j, f, f.supervisor, tech);
    j.after(3, 30).accept(&tech.key);
    j.after(30, 240).arrive();
    j.after(20, 180).resolve(&tech.key, body);
}
