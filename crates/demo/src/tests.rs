//! What the demo must guarantee to whoever loads it: determinism, realistic sizes, the whole
//! vocabulary in use, unique identities, consistent references, sane times, and histories that
//! the real ticket state machine accepts. The state machine is copied here from the product's
//! rules on purpose, independent of the generator's own bookkeeping in `journey`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use guanjia_domain::taxonomy::{DEFAULT_CATEGORIES, Kind};

use crate::{DemoCompany, DemoStaff, DemoStep, DemoTicket, demo_company};

const URGENCIES: &[&str] = &["emergency", "urgent", "normal"];
const CHANNELS: &[&str] = &[
    "app",
    "wechat",
    "phone",
    "front_desk",
    "email",
    "hotline_12345",
    "iot",
    "web",
];
const ROLES: &[&str] = &[
    "admin",
    "manager",
    "supervisor",
    "agent",
    "butler",
    "technician",
];
const TEAM_KINDS: &[&str] = &[
    "engineering",
    "cleaning",
    "security",
    "customer_service",
    "greening",
];
const RESIDENT_ROLES: &[&str] = &["owner", "family", "tenant", "merchant"];
const ROOM_KINDS: &[&str] = &["residential", "shop", "office", "parking"];

/// Two clocks: a Beijing morning and a Beijing night, so nothing depends on the hour.
fn companies() -> Vec<(DateTime<Utc>, DemoCompany)> {
    [
        Utc.with_ymd_and_hms(2026, 11, 24, 2, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2027, 3, 1, 17, 45, 12).unwrap(),
    ]
    .into_iter()
    .map(|now| (now, demo_company(now)))
    .collect()
}

fn staff_of<'a>(c: &'a DemoCompany, key: &str) -> &'a DemoStaff {
    c.staff
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("unknown staff {key}"))
}

fn residents(c: &DemoCompany) -> impl Iterator<Item = &crate::DemoResident> {
    c.projects
        .iter()
        .flat_map(|p| &p.buildings)
        .flat_map(|b| &b.rooms)
        .flat_map(|r| &r.residents)
}

fn steps_text(t: &DemoTicket) -> impl Iterator<Item = &str> {
    t.steps
        .iter()
        .flat_map(|s| s.body.iter().chain(&s.reason))
        .map(String::as_str)
}

#[test]
fn the_same_now_gives_the_same_company() {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 2, 30, 0).unwrap();
    assert_eq!(demo_company(now), demo_company(now));
    assert_ne!(demo_company(now), demo_company(now + Duration::days(1)));
}

#[test]
fn sizes_are_realistic() {
    for (_, c) in companies() {
        assert_eq!(c.code, "jincheng");
        assert_eq!(c.projects.len(), 2);
        let rooms: usize = c
            .projects
            .iter()
            .flat_map(|p| &p.buildings)
            .map(|b| b.rooms.len())
            .sum();
        assert!((150..=400).contains(&rooms), "{rooms} rooms");
        let residents = residents(&c).count();
        assert!((180..=230).contains(&residents), "{residents} residents");
        assert!(
            (450..=550).contains(&c.tickets.len()),
            "{} tickets",
            c.tickets.len()
        );
        let residential = &c.projects[0];
        assert_eq!(residential.buildings.len(), 10);
        assert!(residential.buildings.iter().all(|b| b.units.len() == 2));
    }
}

fn set(codes: Vec<&'static str>) -> BTreeSet<&'static str> {
    codes.into_iter().collect()
}

fn all(codes: &[&'static str]) -> BTreeSet<&'static str> {
    codes.iter().copied().collect()
}

#[test]
fn the_whole_vocabulary_is_used() {
    for (_, c) in companies() {
        assert_eq!(set(c.staff.iter().map(|s| s.role).collect()), all(ROLES));
        assert_eq!(
            set(c.projects.iter().map(|p| p.kind).collect()),
            all(&["residential", "commercial"])
        );
        let rooms: Vec<_> = c
            .projects
            .iter()
            .flat_map(|p| &p.buildings)
            .flat_map(|b| &b.rooms)
            .collect();
        assert_eq!(set(rooms.iter().map(|r| r.kind).collect()), all(ROOM_KINDS));
        assert_eq!(
            set(residents(&c).map(|r| r.role).collect()),
            all(RESIDENT_ROLES)
        );
        assert_eq!(
            set(residents(&c).map(|r| r.tier).collect()),
            all(&["basic", "premium"])
        );
        assert_eq!(
            set(c.tickets.iter().map(|t| t.kind).collect()),
            Kind::ALL.iter().map(|k| k.as_str()).collect()
        );
        assert_eq!(
            set(c.tickets.iter().filter_map(|t| t.category).collect()),
            DEFAULT_CATEGORIES.iter().map(|c| c.code).collect()
        );
        assert_eq!(
            set(c.tickets.iter().map(|t| t.urgency).collect()),
            all(URGENCIES)
        );
        assert_eq!(
            set(c.tickets.iter().map(|t| t.channel).collect()),
            all(CHANNELS)
        );
        for p in &c.projects {
            let kinds = set(c
                .teams
                .iter()
                .filter(|t| t.project_key == p.key)
                .map(|t| t.kind)
                .collect());
            assert_eq!(kinds, all(TEAM_KINDS), "teams of {}", p.key);
            assert!(c.tickets.iter().any(|t| t.project_key == p.key));
        }
        // Repairs lead, emergencies are rare.
        let count = |f: &dyn Fn(&DemoTicket) -> bool| c.tickets.iter().filter(|t| f(t)).count();
        let by_kind: Vec<usize> = Kind::ALL
            .iter()
            .map(|k| count(&|t| t.kind == k.as_str()))
            .collect();
        assert!(
            by_kind[0] > by_kind[1] && by_kind[1] > by_kind[4],
            "{by_kind:?}"
        );
        let emergencies = count(&|t| t.urgency == "emergency");
        assert!(
            (3..=c.tickets.len() / 20).contains(&emergencies),
            "{emergencies} emergencies"
        );
    }
}

#[test]
fn identities_are_unique() {
    for (_, c) in companies() {
        let usernames: HashSet<_> = c.staff.iter().map(|s| &s.username).collect();
        assert_eq!(usernames.len(), c.staff.len());
        for s in &c.staff {
            assert_eq!(s.key, s.username);
            assert!(
                s.username.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{}",
                s.username
            );
        }
        for name in [
            "admin",
            "manager",
            "supervisor1",
            "supervisor2",
            "agent1",
            "butler1",
            "tech1",
        ] {
            assert!(usernames.contains(&name.to_string()), "{name}");
        }
        let phones: Vec<&String> = residents(&c)
            .map(|r| &r.phone)
            .chain(c.staff.iter().map(|s| &s.phone))
            .chain(
                c.tickets
                    .iter()
                    .filter_map(|t| t.contact.as_ref())
                    .map(|c| &c.phone),
            )
            .collect();
        assert_eq!(
            phones.iter().collect::<HashSet<_>>().len(),
            phones.len(),
            "phones are unique"
        );
        for phone in phones {
            let b = phone.as_bytes();
            assert!(
                b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]),
                "{phone}"
            );
            assert!(b.iter().all(u8::is_ascii_digit), "{phone}");
        }
        let mut keys = HashSet::new();
        for p in &c.projects {
            assert!(keys.insert(&p.key));
            for b in &p.buildings {
                assert!(keys.insert(&b.key));
                let numbers: HashSet<_> = b.rooms.iter().map(|r| &r.number).collect();
                assert_eq!(numbers.len(), b.rooms.len(), "room numbers of {}", b.name);
                for r in &b.rooms {
                    assert!(keys.insert(&r.key), "{}", r.key);
                    assert_eq!(r.unit.is_some(), !b.units.is_empty());
                    if let Some(u) = &r.unit {
                        assert!(b.units.contains(u));
                    }
                    r.residents
                        .iter()
                        .for_each(|x| assert!(keys.insert(&x.key), "{}", x.key));
                    let tiers: HashSet<_> = r.residents.iter().map(|x| x.tier).collect();
                    assert!(tiers.len() <= 1, "one tier per household");
                }
            }
        }
        let tickets: HashSet<_> = c.tickets.iter().map(|t| &t.key).collect();
        assert_eq!(tickets.len(), c.tickets.len());
        assert_eq!(c.tickets[0].key, "t0001");
    }
}

#[test]
fn references_are_consistent() {
    for (_, c) in companies() {
        let team_keys: HashSet<_> = c.teams.iter().map(|t| &t.key).collect();
        for s in &c.staff {
            let company_wide = matches!(s.role, "admin" | "manager");
            assert_eq!(s.project_keys.is_empty(), company_wide, "{}", s.key);
            if let Some(team) = &s.team_key {
                assert!(team_keys.contains(team));
                let team = c.teams.iter().find(|t| &t.key == team).unwrap();
                assert!(s.project_keys.contains(&team.project_key));
            }
            assert_eq!(!s.skills.is_empty(), s.role == "technician", "{}", s.key);
            assert!(
                s.skills
                    .iter()
                    .all(|k| DEFAULT_CATEGORIES.iter().any(|c| c.code == k))
            );
        }
        for p in &c.projects {
            let of_role = |role| {
                c.staff
                    .iter()
                    .filter(|s| s.role == role && s.project_keys.contains(&p.key))
                    .count()
            };
            assert_eq!(of_role("supervisor"), 1);
            assert!((2..=3).contains(&of_role("agent")));
            assert!(of_role("technician") >= 4);
            if p.kind == "residential" {
                assert!((1..=2).contains(&of_role("butler")));
            }
        }
        for t in &c.tickets {
            let project = c
                .projects
                .iter()
                .find(|p| p.key == t.project_key)
                .expect("project");
            let rooms: Vec<_> = project.buildings.iter().flat_map(|b| &b.rooms).collect();
            if let Some(room) = &t.room_key {
                let room = rooms
                    .iter()
                    .find(|r| &r.key == room)
                    .expect("room of the project");
                let resident = t
                    .resident_key
                    .as_ref()
                    .expect("a room's ticket has its resident");
                assert!(
                    room.residents.iter().any(|r| &r.key == resident),
                    "{}",
                    t.key
                );
            }
            if let Some(resident) = &t.resident_key {
                assert!(
                    rooms
                        .iter()
                        .flat_map(|r| &r.residents)
                        .any(|r| &r.key == resident)
                );
                assert!(t.contact.is_none());
            }
            assert_eq!(
                t.channel == "iot",
                t.resident_key.is_none() && t.contact.is_none(),
                "{}",
                t.key
            );
            let owner = staff_of(&c, &t.first_contact_owner_key);
            assert!(matches!(owner.role, "agent" | "butler"), "{}", t.key);
            assert!(owner.project_keys.contains(&t.project_key));
        }
    }
}

#[test]
fn times_lie_in_the_window_and_increase() {
    for (now, c) in companies() {
        for t in &c.tickets {
            assert!(
                t.reported_at >= now - Duration::days(60) && t.reported_at <= now,
                "{}",
                t.key
            );
            let mut last = t.reported_at;
            for s in &t.steps {
                assert!(s.at > last, "{}: {} not after {}", t.key, s.at, last);
                last = s.at;
            }
            assert!(last <= now, "{}", t.key);
            if t.urgency == "emergency" {
                let first = t
                    .steps
                    .iter()
                    .find(|s| s.action == "respond")
                    .expect("emergencies are answered");
                assert!(
                    first.at - t.reported_at <= Duration::minutes(10),
                    "{} answered late",
                    t.key
                );
            }
        }
        assert!(
            c.tickets
                .windows(2)
                .all(|w| w[0].reported_at <= w[1].reported_at)
        );
        // Spread over the window, not bunched up.
        let old = c
            .tickets
            .iter()
            .filter(|t| t.reported_at < now - Duration::days(30))
            .count();
        assert!(
            old > c.tickets.len() / 3,
            "{old} tickets older than 30 days"
        );
    }
}

#[test]
fn words_are_filled_in_and_fit() {
    for (_, c) in companies() {
        for t in &c.tickets {
            if let Some(category) = t.category {
                assert!(DEFAULT_CATEGORIES.iter().any(|c| c.code == category));
                assert_eq!(category.split('.').next(), Some(t.kind), "{}", t.key);
            }
            assert!(
                !t.title.is_empty() && t.title.chars().count() <= 20,
                "{}: {}",
                t.key,
                t.title
            );
            assert!(!t.description.is_empty());
            for text in [t.title.as_str(), t.description.as_str()]
                .into_iter()
                .chain(steps_text(t))
            {
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "{}: {text}",
                    t.key
                );
            }
            if t.channel == "hotline_12345" {
                assert!(t.description.starts_with("【12345"), "{}", t.key);
            }
        }
        let descriptions: HashSet<_> = c.tickets.iter().map(|t| &t.description).collect();
        assert!(
            descriptions.len() * 10 >= c.tickets.len() * 9,
            "descriptions vary"
        );
    }
}

/// The ticket state machine of the product, written out again for the test.
struct Replay<'c> {
    company: &'c DemoCompany,
    ticket: &'c DemoTicket,
    status: &'static str,
    suspended_from: &'static str,
    assignee: Option<String>,
    followed_up: bool,
}

impl Replay<'_> {
    fn step(&mut self, s: &DemoStep) -> Result<(), String> {
        let t = self.ticket;
        let role = if s.actor_key == "resident" {
            if t.resident_key.is_none() {
                return Err("resident acts on a ticket without resident".into());
            }
            "resident"
        } else {
            let staff = staff_of(self.company, &s.actor_key);
            if !staff.project_keys.is_empty() && !staff.project_keys.contains(&t.project_key) {
                return Err(format!("{} is not on project {}", staff.key, t.project_key));
            }
            staff.role
        };
        let allowed = match role {
            "technician" => matches!(
                s.action,
                "accept" | "arrive" | "resolve" | "suspend" | "resume" | "comment"
            ),
            "resident" => matches!(s.action, "comment" | "cancel" | "follow_up"),
            _ => true,
        };
        if !allowed {
            return Err(format!("{role} may not {}", s.action));
        }
        if role == "technician" && self.assignee.as_deref() != Some(s.actor_key.as_str()) {
            return Err("technician acts on a ticket not assigned to them".into());
        }
        let status = self.status;
        let invalid = || format!("{} from {status}", s.action);
        let to = match s.action {
            "respond" => {
                s.body.as_ref().ok_or("respond without body")?;
                match status {
                    "new" => "accepted",
                    "accepted" | "dispatched" | "in_progress" | "reopened" | "suspended" => status,
                    _ => return Err(invalid()),
                }
            }
            "accept" => match status {
                "new" | "reopened" if role != "technician" => "accepted",
                "dispatched" if self.assignee.as_deref() == Some(s.actor_key.as_str()) => {
                    "in_progress"
                }
                _ => return Err(invalid()),
            },
            "dispatch" => {
                let key = s.assignee_key.as_ref().ok_or("dispatch without assignee")?;
                let tech = staff_of(self.company, key);
                let of_project: Vec<_> = self
                    .company
                    .staff
                    .iter()
                    .filter(|x| x.role == "technician" && x.project_keys.contains(&t.project_key))
                    .collect();
                let skilled =
                    |x: &DemoStaff| t.category.is_some_and(|c| x.skills.iter().any(|k| k == c));
                let ok = of_project.iter().any(|x| x.key == tech.key)
                    && (skilled(tech) || !of_project.iter().any(|x| skilled(x)));
                if !ok {
                    return Err(format!("{key} may not be sent to {:?}", t.category));
                }
                self.assignee = Some(key.clone());
                match status {
                    "new" | "accepted" | "dispatched" | "in_progress" | "reopened" => "dispatched",
                    _ => return Err(invalid()),
                }
            }
            "arrive" => match status {
                "dispatched" | "in_progress" => "in_progress",
                _ => return Err(invalid()),
            },
            "resolve" => {
                s.body.as_ref().ok_or("resolve without body")?;
                match status {
                    "accepted" | "dispatched" | "in_progress" | "reopened" => "resolved",
                    _ => return Err(invalid()),
                }
            }
            "follow_up" => {
                let rating = s.satisfaction.ok_or("follow_up without satisfaction")?;
                if !(1..=5).contains(&rating) || status != "resolved" {
                    return Err(invalid());
                }
                self.followed_up = true;
                if rating >= 3 { "closed" } else { "reopened" }
            }
            "close" => match status {
                "resolved" if t.kind != "complaint" || self.followed_up => "closed",
                "new" | "accepted" if t.kind == "inquiry" => "closed",
                _ => return Err(invalid()),
            },
            "reopen" => match status {
                "resolved" | "closed" => "reopened",
                _ => return Err(invalid()),
            },
            "suspend" => {
                s.reason.as_ref().ok_or("suspend without reason")?;
                match status {
                    "accepted" | "dispatched" | "in_progress" | "reopened" => {
                        self.suspended_from = status;
                        "suspended"
                    }
                    _ => return Err(invalid()),
                }
            }
            "resume" => match status {
                "suspended" => self.suspended_from,
                _ => return Err(invalid()),
            },
            "escalate" => match status {
                "closed" | "cancelled" => return Err(invalid()),
                _ => status,
            },
            "cancel" => {
                s.reason.as_ref().ok_or("cancel without reason")?;
                match status {
                    "new" | "accepted" => "cancelled",
                    "dispatched" | "in_progress" | "suspended" | "reopened"
                        if role != "resident" =>
                    {
                        "cancelled"
                    }
                    _ => return Err(invalid()),
                }
            }
            "comment" => {
                s.body.as_ref().ok_or("comment without body")?;
                let ok = match role {
                    "resident" => s.visibility == Some("resident"),
                    _ => matches!(s.visibility, Some("internal" | "resident")),
                };
                if !ok {
                    return Err("comment with a wrong visibility".into());
                }
                status
            }
            other => return Err(format!("unknown action {other}")),
        };
        self.status = to;
        Ok(())
    }
}

/// Replays a ticket's history, failing the test on the first step the state machine refuses.
fn final_status(c: &DemoCompany, t: &DemoTicket) -> &'static str {
    let mut replay = Replay {
        company: c,
        ticket: t,
        status: "new",
        suspended_from: "new",
        assignee: None,
        followed_up: false,
    };
    for (i, s) in t.steps.iter().enumerate() {
        if let Err(e) = replay.step(s) {
            panic!(
                "{} step {i} ({} by {}): {e}\n{t:#?}",
                t.key, s.action, s.actor_key
            );
        }
    }
    replay.status
}

#[test]
fn histories_replay_through_the_state_machine() {
    for (_, c) in companies() {
        let mut spread: BTreeMap<&str, usize> = BTreeMap::new();
        let mut actions: BTreeMap<&str, usize> = BTreeMap::new();
        let mut reworked_and_closed = 0;
        for t in &c.tickets {
            let status = final_status(&c, t);
            for s in &t.steps {
                *actions.entry(s.action).or_default() += 1;
            }
            let reopened = t
                .steps
                .iter()
                .any(|s| s.action == "reopen" || s.satisfaction.is_some_and(|r| r < 3));
            if reopened && status == "closed" {
                reworked_and_closed += 1;
            }
            if t.category.is_none() {
                assert_eq!(
                    status, "new",
                    "{}: only new tickets may be unclassified",
                    t.key
                );
            }
            *spread.entry(status).or_default() += 1;
        }
        let n = c.tickets.len() as f64;
        let share = |s: &str| spread.get(s).copied().unwrap_or(0) as f64 / n;
        let expected = [
            ("new", 0.004),
            ("accepted", 0.004),
            ("dispatched", 0.008),
            ("in_progress", 0.008),
            ("suspended", 0.008),
            ("resolved", 0.012),
            ("reopened", 0.002),
            ("closed", 0.914),
            ("cancelled", 0.04),
        ];
        for (status, target) in expected {
            let got = share(status);
            assert!(
                (got - target).abs() <= target * 0.3 + 0.005,
                "{status}: {got:.3} (target {target}) {spread:?}"
            );
        }
        for action in [
            "respond",
            "accept",
            "dispatch",
            "arrive",
            "resolve",
            "follow_up",
            "close",
            "reopen",
            "suspend",
            "resume",
            "escalate",
            "cancel",
            "comment",
        ] {
            assert!(actions.contains_key(action), "{action} never used");
        }
        assert!(
            reworked_and_closed > 0,
            "some tickets go through rectification"
        );
    }
}

#[test]
fn open_tickets_are_the_recent_ones() {
    for (now, c) in companies() {
        let age = |t: &DemoTicket| (now - t.reported_at).num_hours();
        let (mut open, mut closed): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
        for t in &c.tickets {
            match final_status(&c, t) {
                "closed" | "cancelled" => closed.push(age(t)),
                _ => open.push(age(t)),
            }
        }
        let median = |v: &mut Vec<i64>| {
            v.sort();
            v[v.len() / 2]
        };
        assert!(
            median(&mut open) * 2 < median(&mut closed),
            "open tickets are younger than closed ones"
        );
    }
}

#[test]
fn complaints_close_the_loop_and_comments_take_both_visibilities() {
    for (_, c) in companies() {
        let mut visibilities = BTreeSet::new();
        for t in &c.tickets {
            let closes = t.steps.iter().any(|s| {
                s.action == "close" || (s.action == "follow_up" && s.satisfaction >= Some(3))
            });
            if t.kind == "complaint" && closes {
                assert!(t.steps.iter().any(|s| s.action == "follow_up"), "{}", t.key);
            }
            for s in t.steps.iter().filter(|s| s.action == "comment") {
                visibilities.insert((s.actor_key == "resident", s.visibility));
            }
        }
        assert!(visibilities.contains(&(false, Some("internal"))));
        assert!(visibilities.contains(&(false, Some("resident"))));
        assert!(visibilities.contains(&(true, Some("resident"))));
    }
}

#[test]
fn butlers_look_after_buildings_and_a_birthday_falls_on_today() {
    for (now, c) in companies() {
        let today = (now + Duration::hours(8)).date_naive();
        for project in c.projects.iter().filter(|p| {
            c.staff
                .iter()
                .any(|s| s.role == "butler" && s.project_keys.contains(&p.key))
        }) {
            for building in &project.buildings {
                let (_, butler) = c
                    .care
                    .building_butlers
                    .iter()
                    .find(|(b, _)| *b == building.key)
                    .unwrap_or_else(|| panic!("{} has no butler", building.key));
                let butler = staff_of(&c, butler);
                assert_eq!(butler.role, "butler");
                assert!(butler.project_keys.contains(&project.key));
            }
        }
        let rooms: BTreeMap<&str, &crate::DemoRoom> = c
            .projects
            .iter()
            .flat_map(|p| &p.buildings)
            .flat_map(|b| &b.rooms)
            .map(|r| (r.key.as_str(), r))
            .collect();
        for home in &c.care.households {
            let room = rooms[home.room_key.as_str()];
            for d in &home.dates {
                assert!(matches!(d.kind, "birthday" | "move_in" | "other"));
                if let Some(k) = &d.resident_key {
                    assert!(room.residents.iter().any(|r| &r.key == k), "{k}");
                }
            }
            if let Some(b) = &home.butler_key {
                assert_eq!(staff_of(&c, b).role, "butler");
            }
        }
        assert!(
            c.care
                .households
                .iter()
                .any(|h| h.dates.iter().any(|d| d.kind == "birthday"
                    && (d.date.month(), d.date.day()) == (today.month(), today.day()))),
            "{now}"
        );
        assert!(c.care.households.iter().any(|h| h.butler_key.is_some()));
    }
}
