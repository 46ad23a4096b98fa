//! Two months of tickets: what was reported, by whom, through which channel, when, and how
//! far each got.
//!
//! Every category is reported at least once (the first tickets drawn walk the taxonomy), the
//! rest follow realistic frequencies. The status each ticket ends in is planned for the whole
//! set at once, so that the spread matches a healthy operation (most closed, a tail of open
//! work) and open tickets are the recent ones, as they would be.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::care::building_butler;
use crate::dice::{between, chance, one, pick, table, weighted};
use crate::issues::{self, CATEGORIES, Issue};
use crate::journey::{self, BEIJING, Journey};
use crate::names::{self, Registry};
use crate::places::{self, Landmarks};
use crate::story::{self, Facts};
use crate::text::{self, Reporter, Request, Scene};
use crate::{
    DemoBuilding, DemoContact, DemoProject, DemoResident, DemoRoom, DemoStaff, DemoTicket,
};

const TICKET_COUNT: usize = 500;
/// Tickets are reported within this many days before `now`.
const WINDOW_DAYS: i64 = 60;

/// The share of tickets ending in each status. Cancellations are spread over all ages; the
/// open statuses go to the most recent tickets, in this order (the last ones are the backlog
/// that lingers: rework, and work waiting on the resident or a third party); everything else is
/// closed. The open ones are a few days' intake, as at a desk that keeps up: most of them on
/// time against the default deadlines, a few warned, a few late.
const CANCELLED: f64 = 0.04;
const OPEN: &[(&str, f64)] = &[
    ("new", 0.004),
    ("accepted", 0.004),
    ("resolved", 0.012),
    ("dispatched", 0.008),
    ("in_progress", 0.008),
    ("reopened", 0.002),
    ("suspended", 0.008),
];

/// When people report things (Beijing hour, weight): mornings and evenings, few at night.
#[rustfmt::skip]
const HOURS: &[(i64, u32)] = &[
    (0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 2), (7, 4), (8, 7), (9, 9), (10, 9), (11, 9),
    (12, 6), (13, 6), (14, 8), (15, 8), (16, 8), (17, 8), (18, 8), (19, 8), (20, 8), (21, 8), (22, 4), (23, 2),
];

/// About 500 tickets reported in the 60 days before `now`, with their histories, keyed
/// `t0001`… in order of report.
pub(crate) fn tickets(
    now: DateTime<Utc>,
    projects: &[DemoProject],
    staff: &[DemoStaff],
    registry: &mut Registry,
    rng: &mut StdRng,
) -> Vec<DemoTicket> {
    let sites: Vec<Site<'_>> = projects.iter().map(|p| Site::new(p, staff)).collect();
    let mut drafts: Vec<Draft<'_>> = (0..TICKET_COUNT)
        .map(|i| draft(i, now, &sites, registry, rng))
        .collect();
    drafts.sort_by_key(|d| d.reported_at);
    let statuses = plan(&drafts, now, rng);
    // A few new tickets are not classified yet, as long as their category shows up elsewhere.
    let classified: BTreeSet<&str> = drafts
        .iter()
        .zip(&statuses)
        .filter(|(_, s)| **s != "new")
        .map(|(d, _)| d.issue.category)
        .collect();
    let mut tickets: Vec<DemoTicket> = drafts
        .into_iter()
        .zip(statuses)
        .map(|(d, status)| {
            let unclassified =
                status == "new" && classified.contains(d.issue.category) && chance(rng, 0.4);
            build(d, status, unclassified, now, rng)
        })
        .collect();
    // Squeezing the newest histories may move their report a little earlier: re-sort, then key.
    tickets.sort_by_key(|t| t.reported_at);
    for (i, t) in tickets.iter_mut().enumerate() {
        t.key = format!("t{:04}", i + 1);
    }
    tickets
}

/// A project with its people sorted the way ticket generation needs them.
struct Site<'a> {
    project: &'a DemoProject,
    /// Every resident with their room and building.
    homes: Vec<Home<'a>>,
    agents: Vec<&'a DemoStaff>,
    butlers: Vec<&'a DemoStaff>,
    technicians: Vec<&'a DemoStaff>,
    supervisor: &'a DemoStaff,
    landmarks: Landmarks,
}

#[derive(Clone, Copy)]
struct Home<'a> {
    building: &'a DemoBuilding,
    room: &'a DemoRoom,
    resident: &'a DemoResident,
}

impl<'a> Site<'a> {
    fn new(project: &'a DemoProject, staff: &'a [DemoStaff]) -> Self {
        let homes = project
            .buildings
            .iter()
            .flat_map(|building| {
                building.rooms.iter().flat_map(move |room| {
                    room.residents.iter().map(move |resident| Home {
                        building,
                        room,
                        resident,
                    })
                })
            })
            .collect();
        let members: Vec<&DemoStaff> = staff
            .iter()
            .filter(|s| s.project_keys.contains(&project.key))
            .collect();
        let with_role = |role: &str| {
            members
                .iter()
                .copied()
                .filter(|s| s.role == role)
                .collect::<Vec<_>>()
        };
        Site {
            project,
            homes,
            agents: with_role("agent"),
            butlers: with_role("butler"),
            technicians: with_role("technician"),
            supervisor: with_role("supervisor")[0],
            landmarks: places::landmarks(project.kind),
        }
    }

    /// The residents whose room is of one of `kinds`.
    fn homes_in(&self, kinds: &[&str]) -> Vec<Home<'a>> {
        self.homes
            .iter()
            .copied()
            .filter(|h| kinds.contains(&h.room.kind))
            .collect()
    }

    /// Buildings with common areas people talk about (not the car park, which has its landmarks).
    fn public_buildings(&self) -> Vec<&'a DemoBuilding> {
        self.project
            .buildings
            .iter()
            .filter(|b| b.rooms.iter().all(|r| r.kind != "parking"))
            .collect()
    }
}

/// A ticket before its history is written.
struct Draft<'a> {
    issue: &'static Issue,
    site: &'a Site<'a>,
    home: Option<Home<'a>>,
    contact: Option<DemoContact>,
    channel: &'static str,
    reported_at: DateTime<Utc>,
    request: Request,
    owner: &'a DemoStaff,
    fix: String,
}

impl Draft<'_> {
    /// Technicians of the project who can be sent for this category.
    fn technicians(&self) -> Vec<&DemoStaff> {
        let category = self.issue.category;
        self.site
            .technicians
            .iter()
            .copied()
            .filter(|t| t.skills.iter().any(|s| s == category))
            .collect()
    }

    /// Whether the ticket can plausibly end in `status`.
    fn can_end(&self, status: &str) -> bool {
        let kind = self.issue.kind();
        match status {
            // Emergencies are always picked up at once.
            "new" | "accepted" => self.issue.urgency != "emergency",
            "dispatched" | "in_progress" => !self.technicians().is_empty(),
            "suspended" => matches!(kind, "repair" | "complaint" | "service"),
            "reopened" => matches!(kind, "repair" | "complaint"),
            "cancelled" => !matches!(kind, "suggestion" | "praise"),
            _ => true,
        }
    }
}

fn draft<'a>(
    i: usize,
    now: DateTime<Utc>,
    sites: &'a [Site<'a>],
    registry: &mut Registry,
    rng: &mut StdRng,
) -> Draft<'a> {
    let category = match CATEGORIES.get(i) {
        Some((category, _)) => *category,
        None => table(rng, CATEGORIES),
    };
    let issue = *weighted(rng, &issues::of(category), |issue| match issue.urgency {
        "emergency" => 1,
        "urgent" => 3,
        _ => 6,
    });
    let site = match issue.spot.project_kind() {
        Some(kind) => sites
            .iter()
            .find(|s| s.project.kind == kind)
            .expect("both kinds of project exist"),
        None if chance(rng, 0.65) => &sites[0],
        None => &sites[1],
    };
    let channel = channel(rng, issue, site.project.kind);
    let (home, contact) = reporter(rng, registry, site, issue, channel);
    let reported_at = report_time(rng, now, channel);
    let scene = scene(rng, site, home);
    let who = match (&home, &contact) {
        (Some(h), _) => Reporter::Resident {
            name: &h.resident.name,
            role: h.resident.role,
            phone: &h.resident.phone,
        },
        (None, Some(c)) => Reporter::Caller {
            name: &c.name,
            phone: &c.phone,
        },
        (None, None) => Reporter::Sensor,
    };
    let request = text::request(rng, issue, &scene, channel, &who, reported_at);
    let owner = owner(rng, site, channel, home);
    let fix = scene.fill(issue.fix);
    Draft {
        issue,
        site,
        home,
        contact,
        channel,
        reported_at,
        request,
        owner,
        fix,
    }
}

/// IoT for issues a sensor detects; 12345 mostly for complaints; email mostly from offices.
fn channel(rng: &mut StdRng, issue: &Issue, project_kind: &str) -> &'static str {
    if issue.alarm.is_some() && chance(rng, 0.5) {
        return "iot";
    }
    let residential = project_kind == "residential";
    let hotline = match issue.kind() {
        "complaint" => 8,
        "repair" | "inquiry" => 1,
        _ => 0,
    };
    table(
        rng,
        &[
            ("app", 30),
            ("wechat", if residential { 25 } else { 12 }),
            ("phone", 20),
            ("front_desk", if residential { 10 } else { 16 }),
            ("web", 5),
            ("email", if residential { 1 } else { 14 }),
            ("hotline_12345", hotline),
        ],
    )
}

/// The resident who reported it (from the right kind of room), or a caller not on file.
fn reporter<'a>(
    rng: &mut StdRng,
    registry: &mut Registry,
    site: &Site<'a>,
    issue: &Issue,
    channel: &str,
) -> (Option<Home<'a>>, Option<DemoContact>) {
    if channel == "iot" {
        return (None, None);
    }
    if let Some(kinds) = issue.spot.room_kinds() {
        return (Some(one(rng, &site.homes_in(kinds))), None);
    }
    let stranger = if channel == "hotline_12345" {
        0.3
    } else {
        0.06
    };
    if chance(rng, stranger) {
        let name = names::caller(rng);
        return (
            None,
            Some(DemoContact {
                name,
                phone: registry.phone(rng),
            }),
        );
    }
    (
        Some(one(rng, &site.homes_in(&["residential", "office", "shop"]))),
        None,
    )
}

/// A day in the window and an hour by the daily rhythm (sensors fire at any hour).
fn report_time(rng: &mut StdRng, now: DateTime<Utc>, channel: &str) -> DateTime<Utc> {
    let day = between(rng, 0, WINDOW_DAYS - 2);
    let hour = if channel == "iot" {
        between(rng, 0, 23)
    } else {
        table(rng, HOURS)
    };
    let second = between(rng, 0, 3599);
    let midnight = (now + BEIJING)
        .date_naive()
        .and_time(NaiveTime::MIN)
        .and_utc()
        - BEIJING;
    let at = midnight - Duration::days(day) + Duration::hours(hour) + Duration::seconds(second);
    // Later today than now: the same time yesterday (still inside the window, as day <= 58).
    if at > now { at - Duration::days(1) } else { at }
}

/// The places and people the ticket's words mention: the reporter's room and building when
/// there is one (people report what is near them), otherwise a building of the project.
fn scene(rng: &mut StdRng, site: &Site<'_>, home: Option<Home<'_>>) -> Scene {
    let public = site.public_buildings();
    let building = match home {
        Some(h) if h.room.kind != "parking" => h.building,
        _ => one(rng, &public),
    };
    let unit = match home {
        Some(h) if h.room.kind != "parking" => h.room.unit.clone(),
        _ if building.units.is_empty() => None,
        _ => Some(pick(rng, &building.units).clone()),
    };
    let floor = pick(rng, &building.rooms).floor;
    let floor = match (site.project.kind, building.rooms[0].kind) {
        ("residential", _) => format!("{floor}楼"),
        (_, "shop") => format!("L{floor}"),
        _ => format!("{floor}层"),
    };
    let clerks: Vec<&DemoStaff> = site.agents.iter().chain(&site.butlers).copied().collect();
    let clerk = pick(rng, &clerks);
    let title = if clerk.role == "butler" {
        "管家"
    } else {
        "客服"
    };
    Scene {
        project: site.project.name.clone(),
        residential: site.project.kind == "residential",
        room: home
            .map(|h| {
                format!(
                    "{}{}{}",
                    h.building.name,
                    h.room.unit.as_deref().unwrap_or(""),
                    h.room.number
                )
            })
            .unwrap_or_default(),
        tower: home.map_or(building, |h| h.building).name.clone(),
        bldg: format!("{}{}", building.name, unit.unwrap_or_default()),
        floor,
        gate: pick(rng, site.landmarks.gates).to_string(),
        garage: pick(rng, site.landmarks.garages).to_string(),
        yard: pick(rng, site.landmarks.yards).to_string(),
        tech: pick(rng, &site.technicians).name.clone(),
        clerk: format!("{title}{}", clerk.name),
    }
}

/// The first-contact owner (首问负责人): in the community, WeChat and often the app reach the
/// butler of the reporter's building (each butler owns a run of buildings); otherwise an agent.
fn owner<'a>(
    rng: &mut StdRng,
    site: &Site<'a>,
    channel: &str,
    home: Option<Home<'a>>,
) -> &'a DemoStaff {
    let butler_channel = match channel {
        "wechat" => 0.8,
        "app" => 0.4,
        _ => 0.0,
    };
    if site.butlers.is_empty() || !chance(rng, butler_channel) {
        return one(rng, &site.agents);
    }
    match home
        .and_then(|h| building_butler(&site.butlers, &site.project.buildings, &h.building.key))
    {
        Some(butler) => butler,
        None => one(rng, &site.butlers),
    }
}

/// Decides the status each ticket (sorted by report time) ends in.
fn plan(drafts: &[Draft<'_>], now: DateTime<Utc>, rng: &mut StdRng) -> Vec<&'static str> {
    let n = drafts.len();
    let quota = |share: f64| (n as f64 * share).round() as usize;
    let mut status: Vec<Option<&'static str>> = vec![None; n];
    let mut cancellable: Vec<usize> = (0..n).filter(|&i| drafts[i].can_end("cancelled")).collect();
    cancellable.shuffle(rng);
    for &i in cancellable.iter().take(quota(CANCELLED)) {
        status[i] = Some("cancelled");
    }
    // Which tickets are still open: mostly the recent ones, with a wide spread so that some
    // older work is still pending. Quick cases (a question answered on the phone, a simple
    // job) are closed within hours whatever their age; the last day's work is still open.
    let age = |i: usize| (now - drafts[i].reported_at).num_minutes() as f64;
    let mut by_openness: Vec<(f64, usize)> = (0..n)
        .map(|i| {
            // How often a case is quick, and how old it must be to have run its course.
            let (quick, hours) = match drafts[i].issue.kind() {
                "inquiry" => (0.6, 6.0),
                "praise" | "suggestion" => (0.3, 72.0),
                _ => (0.2, 72.0),
            };
            let quick = chance(rng, quick) && age(i) > hours * 60.0;
            let spread = rng.random_range(-0.25..0.25_f64).exp();
            let key = match age(i) {
                _ if quick => f64::INFINITY,
                a if a < 24.0 * 60.0 => 0.0,
                a => a * spread,
            };
            (key, i)
        })
        .collect();
    by_openness.sort_by(|a, b| a.0.total_cmp(&b.0));
    let open_count = quota(OPEN.iter().map(|(_, share)| share).sum());
    let (open, rest) = by_openness.split_at(open_count.min(n));
    // Among open tickets, the younger ones are less far along. Should the open ones not suit
    // a status, the next most recent tickets are taken.
    let mut open: Vec<(f64, usize)> = open
        .iter()
        .map(|&(_, i)| (age(i) * rng.random_range(0.8..1.25), i))
        .collect();
    open.sort_by(|a, b| a.0.total_cmp(&b.0));
    let recent: Vec<(f64, usize)> = open.into_iter().chain(rest.iter().copied()).collect();
    for &(open, share) in OPEN {
        let mut left = quota(share);
        for &(_, i) in &recent {
            if left == 0 {
                break;
            }
            if status[i].is_none() && drafts[i].can_end(open) {
                status[i] = Some(open);
                left -= 1;
            }
        }
    }
    status.into_iter().map(|s| s.unwrap_or("closed")).collect()
}

/// Writes the ticket's history and assembles it (its key is set once all are sorted).
fn build(
    d: Draft<'_>,
    status: &str,
    unclassified: bool,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> DemoTicket {
    let techs = d.technicians();
    let facts = Facts {
        kind: d.issue.kind(),
        category: d.issue.category,
        urgency: d.issue.urgency,
        channel: d.channel,
        owner: &d.owner.key,
        supervisor: &d.site.supervisor.key,
        resident: d.home.is_some(),
        reachable: d.home.is_some() || d.contact.is_some(),
        high_risk: d.request.high_risk,
        techs,
        fix: d.fix.clone(),
    };
    let mut journey = Journey::new(rng, d.reported_at, d.issue.urgency);
    story::play(&mut journey, &facts, status);
    let mut steps = journey.into_steps();
    let reported_at = journey::fit(d.reported_at, &mut steps, now);
    let in_room = d.issue.spot.room_kinds().is_some();
    DemoTicket {
        key: String::new(),
        project_key: d.site.project.key.clone(),
        room_key: d.home.filter(|_| in_room).map(|h| h.room.key.clone()),
        resident_key: d.home.map(|h| h.resident.key.clone()),
        contact: d.contact,
        channel: d.channel,
        kind: d.issue.kind(),
        category: (!unclassified).then_some(d.issue.category),
        urgency: d.issue.urgency,
        title: d.request.title,
        description: d.request.description,
        reported_at,
        first_contact_owner_key: d.owner.key.clone(),
        steps,
    }
}
