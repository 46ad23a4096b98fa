//! The demo's open work measured against the product's default deadlines: a desk that looks like
//! a real one has most open tickets on time, a few warned and a few late, not a wall of red. The
//! histories are replayed through the domain's own state machine and clocks.

use chrono::{DateTime, Utc};
use guanjia_domain::calendar::Calendar;
use guanjia_domain::closed_loop::CallOutcome;
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::role::Role;
use guanjia_domain::sla::{
    ClockFacts, ClockName, Policy, TicketTraits, choose, clock, default_policies,
};
use guanjia_domain::ticket::{Action, Actor, Lifecycle, LoopRules};

use crate::{DemoCompany, DemoStep, DemoTicket, demo_company};

/// How an open ticket stands against its deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Standing {
    OnTime,
    Warned,
    Late,
}

fn action(step: &DemoStep) -> Action {
    let body = step.body.clone();
    match step.action {
        "respond" => Action::Respond { body },
        "accept" => Action::Accept { note: body },
        "dispatch" => Action::Dispatch {
            assignee_id: step.assignee_key.clone(),
            team_id: None,
            note: body,
        },
        "arrive" => Action::Arrive {
            note: body,
            location: None,
        },
        "resolve" => Action::Resolve {
            body,
            materials: vec![],
            charges: vec![],
        },
        "follow_up" => Action::FollowUp {
            outcome: CallOutcome::Reached,
            satisfaction: step.satisfaction.map(i64::from),
            timeliness: None,
            attitude: None,
            comment: body,
        },
        "close" => Action::Close { note: body },
        "reopen" => Action::Reopen {
            reason: step.reason.clone(),
        },
        "suspend" => Action::Suspend {
            reason: step.reason.clone().unwrap_or_default(),
        },
        "resume" => Action::Resume { note: body },
        "escalate" => Action::Escalate {
            reason: step.reason.clone(),
        },
        "cancel" => Action::Cancel {
            reason: step.reason.clone().unwrap_or_default(),
        },
        "comment" => Action::Comment {
            body: body.unwrap_or_default(),
            visibility: step.visibility.unwrap_or("internal").parse().unwrap(),
        },
        other => panic!("unknown demo action {other}"),
    }
}

/// The ticket after its history, as the state machine leaves it.
fn replay(c: &DemoCompany, t: &DemoTicket) -> Lifecycle {
    let mut lifecycle = Lifecycle::new(t.kind.parse().unwrap());
    for step in &t.steps {
        let actor = match step.actor_key.as_str() {
            "resident" => Actor {
                id: "resident".into(),
                role: Role::Resident,
            },
            key => Actor {
                id: key.into(),
                role: c
                    .staff
                    .iter()
                    .find(|s| s.key == key)
                    .unwrap()
                    .role
                    .parse()
                    .unwrap(),
            },
        };
        lifecycle
            .apply(&action(step), &actor, step.at, LoopRules::default())
            .unwrap_or_else(|e| panic!("{}: {e}", t.key));
    }
    lifecycle
}

fn standing(
    c: &DemoCompany,
    t: &DemoTicket,
    policies: &[Policy],
    now: DateTime<Utc>,
) -> Option<Standing> {
    let lifecycle = replay(c, t);
    if lifecycle.status.is_final() {
        return None;
    }
    let tier = c
        .projects
        .iter()
        .flat_map(|p| &p.buildings)
        .flat_map(|b| &b.rooms)
        .flat_map(|r| &r.residents)
        .find(|r| Some(&r.key) == t.resident_key.as_ref())
        .map_or("basic", |r| r.tier);
    let traits = TicketTraits {
        project_id: t.project_key.clone(),
        kind: t.kind.parse().unwrap(),
        category: t.category.map(str::to_owned),
        urgency: t.urgency.parse().unwrap(),
        tier: tier.parse().unwrap_or(ServiceTier::Basic),
    };
    let facts = ClockFacts {
        kind: lifecycle.kind,
        status: lifecycle.status,
        reported_at: t.reported_at,
        first_responded_at: lifecycle.first_responded_at,
        arrived_at: lifecycle.arrived_at,
        resolved_at: lifecycle.resolved_at,
        closed_at: lifecycle.closed_at,
        suspended_at: lifecycle.suspended_at,
        pauses: lifecycle.pauses.clone(),
        first_resolved_at: lifecycle.first_resolved_at,
        reopened_at: lifecycle.reopened_at,
        follow_up_policy: lifecycle.follow_up_policy,
    };
    let zone = "Asia/Shanghai".parse().unwrap();
    let (business, always) = (Calendar::china_mainland(zone), Calendar::always_open(zone));
    let mut worst = Standing::OnTime;
    for &name in ClockName::ALL.iter() {
        let Some((policy, target)) = choose(policies, &traits, name) else {
            continue;
        };
        let calendar = if policy.spec.calendar_id.is_some() {
            &always
        } else {
            &business
        };
        let Some(clock) = clock(name, &facts, target, calendar, now) else {
            continue;
        };
        let (Some(left), true) = (clock.remaining, clock.is_open()) else {
            continue;
        };
        let first_warning = i32::from(policy.spec.warn_at_percent.first().copied().unwrap_or(100));
        let here = if left < chrono::Duration::zero() {
            Standing::Late
        } else if clock.budget - left >= clock.budget * first_warning / 100 {
            Standing::Warned
        } else {
            Standing::OnTime
        };
        worst = worst.max(here);
    }
    Some(worst)
}

#[test]
fn most_open_tickets_are_on_time_a_few_warned_a_few_late() {
    let policies: Vec<Policy> = default_policies("always")
        .into_iter()
        .enumerate()
        .map(|(i, spec)| Policy {
            id: format!("p{i}"),
            spec,
        })
        .collect();
    // A Beijing morning and a Beijing night, as the other demo tests.
    for now in ["2026-11-24T02:30:00Z", "2027-03-01T17:45:12Z"] {
        let now: DateTime<Utc> = now.parse().unwrap();
        let c = demo_company(now);
        let open: Vec<Standing> = c
            .tickets
            .iter()
            .filter_map(|t| standing(&c, t, &policies, now))
            .collect();
        let count = |s: Standing| open.iter().filter(|o| **o == s).count();
        let (on_time, warned, late) = (
            count(Standing::OnTime),
            count(Standing::Warned),
            count(Standing::Late),
        );
        let summary = format!(
            "{now}: {} open, {on_time} on time, {warned} warned, {late} late",
            open.len()
        );
        assert!(open.len() >= 20, "{summary}");
        assert!(
            on_time * 2 > open.len(),
            "most open tickets are on time: {summary}"
        );
        assert!(
            warned >= 1 && late >= 1,
            "a few warned, a few late: {summary}"
        );
        assert!(
            late * 3 < open.len(),
            "late ones are the exception: {summary}"
        );
    }
}
