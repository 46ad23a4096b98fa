//! The people of the demo: the households in the rooms, the teams, and the staff accounts.
//!
//! Households follow the shapes a 物业 sees every day: owners living with family, flats let to
//! tenants (the owner stays on file: they pay the fee), a few vacant flats, companies renting
//! offices, merchants in shops, and car owners renting a space. Staff cover every role so a
//! demo can log in as anyone, and technicians carry skills so dispatch has something to match.

use rand::rngs::StdRng;

use crate::dice::{chance, table};
use crate::names::{Gender, Registry, surname_of};
use crate::{DemoProject, DemoResident, DemoStaff, DemoTeam};

/// Moves the households into the rooms. Resident keys run `r001`… in room order.
pub(crate) fn settle(projects: &mut [DemoProject], registry: &mut Registry, rng: &mut StdRng) {
    let mut next = 1;
    for building in projects.iter_mut().flat_map(|p| p.buildings.iter_mut()) {
        let low_rise = building.rooms.iter().all(|r| r.floor <= 11);
        for room in &mut building.rooms {
            let members = match room.kind {
                "residential" => family_home(rng, registry, low_rise),
                "office" => office(rng, registry),
                "shop" => shop(rng, registry),
                _ => parking_space(rng, registry),
            };
            room.residents = members
                .into_iter()
                .map(|(name, role, tier)| {
                    let key = format!("r{next:03}");
                    next += 1;
                    DemoResident {
                        key,
                        name,
                        phone: registry.phone(rng),
                        role,
                        tier,
                    }
                })
                .collect();
        }
    }
}

type Member = (String, &'static str, &'static str);

/// A flat: one in ten vacant; one in five let (owner plus one or two tenants); otherwise the
/// owner with a spouse and maybe a child. Big low-rise flats more often buy the premium tier.
fn family_home(rng: &mut StdRng, registry: &mut Registry, low_rise: bool) -> Vec<Member> {
    if chance(rng, 0.1) {
        return Vec::new();
    }
    let tier = tier(rng, if low_rise { 0.3 } else { 0.12 });
    let gender = Gender::any(rng);
    let owner = registry.person(rng, gender, None);
    let mut household = vec![(owner.clone(), "owner", tier)];
    if chance(rng, 0.2) {
        let tenants = if chance(rng, 0.3) { 2 } else { 1 };
        for _ in 0..tenants {
            let g = Gender::any(rng);
            household.push((registry.person(rng, g, None), "tenant", tier));
        }
        return household;
    }
    let family = table(rng, &[(0, 55), (1, 35), (2, 10)]);
    if family >= 1 {
        household.push((registry.person(rng, gender.other(), None), "family", tier));
    }
    if family >= 2 {
        let g = Gender::any(rng);
        household.push((
            registry.person(rng, g, Some(surname_of(&owner))),
            "family",
            tier,
        ));
    }
    household
}

/// An office: a few are owned by the company using them; most are let, sometimes with a second
/// contact (front desk and office manager).
fn office(rng: &mut StdRng, registry: &mut Registry) -> Vec<Member> {
    if chance(rng, 0.05) {
        return Vec::new();
    }
    let tier = tier(rng, 0.3);
    let role = if chance(rng, 0.25) { "owner" } else { "tenant" };
    let contacts = if role == "tenant" && chance(rng, 0.3) {
        2
    } else {
        1
    };
    (0..contacts)
        .map(|_| {
            let g = Gender::any(rng);
            (registry.person(rng, g, None), role, tier)
        })
        .collect()
}

fn shop(rng: &mut StdRng, registry: &mut Registry) -> Vec<Member> {
    if chance(rng, 0.1) {
        return Vec::new();
    }
    let tier = tier(rng, 0.2);
    let g = Gender::any(rng);
    vec![(registry.person(rng, g, None), "merchant", tier)]
}

/// A parking space is on file only when someone rents it by the month.
fn parking_space(rng: &mut StdRng, registry: &mut Registry) -> Vec<Member> {
    if !chance(rng, 0.35) {
        return Vec::new();
    }
    let g = Gender::any(rng);
    vec![(registry.person(rng, g, None), "tenant", "basic")]
}

fn tier(rng: &mut StdRng, premium: f64) -> &'static str {
    if chance(rng, premium) {
        "premium"
    } else {
        "basic"
    }
}

/// Every project has one team of each kind; keys are `p1-engineering` and so on.
const TEAM_KINDS: &[(&str, &str)] = &[
    ("engineering", "工程维修部"),
    ("cleaning", "保洁部"),
    ("security", "秩序维护部"),
    ("customer_service", "客服中心"),
    ("greening", "绿化组"),
];

pub(crate) fn teams(projects: &[DemoProject]) -> Vec<DemoTeam> {
    projects
        .iter()
        .flat_map(|p| {
            TEAM_KINDS.iter().map(|(kind, name)| DemoTeam {
                key: team_key(&p.key, kind),
                project_key: p.key.clone(),
                name: (*name).into(),
                kind,
            })
        })
        .collect()
}

fn team_key(project_key: &str, kind: &str) -> String {
    format!("{project_key}-{kind}")
}

/// A staff post: who, where (index into the projects), which team, dispatched for what.
struct Post {
    username: &'static str,
    role: &'static str,
    project: Option<usize>,
    team: Option<&'static str>,
    skills: &'static [&'static str],
}

const fn desk(username: &'static str, role: &'static str, project: usize) -> Post {
    Post {
        username,
        role,
        project: Some(project),
        team: Some("customer_service"),
        skills: &[],
    }
}

const fn field(
    username: &'static str,
    project: usize,
    team: &'static str,
    skills: &'static [&'static str],
) -> Post {
    Post {
        username,
        role: "technician",
        project: Some(project),
        team: Some(team),
        skills,
    }
}

/// The staff list. Field staff of cleaning, security and greening are "technicians" too: they
/// are who a sanitation, parking or greening complaint is dispatched to.
const POSTS: &[Post] = &[
    Post {
        username: "admin",
        role: "admin",
        project: None,
        team: None,
        skills: &[],
    },
    Post {
        username: "manager",
        role: "manager",
        project: None,
        team: None,
        skills: &[],
    },
    desk("supervisor1", "supervisor", 0),
    desk("supervisor2", "supervisor", 1),
    desk("agent1", "agent", 0),
    desk("agent2", "agent", 0),
    desk("agent3", "agent", 0),
    desk("agent4", "agent", 1),
    desk("agent5", "agent", 1),
    desk("butler1", "butler", 0),
    desk("butler2", "butler", 0),
    field(
        "tech1",
        0,
        "engineering",
        &["repair.water", "repair.gas", "service.paid_home"],
    ),
    field(
        "tech2",
        0,
        "engineering",
        &[
            "repair.electric",
            "repair.weak_current",
            "repair.fire_safety",
        ],
    ),
    field(
        "tech3",
        0,
        "engineering",
        &["repair.elevator", "repair.door_access"],
    ),
    field(
        "tech4",
        0,
        "engineering",
        &[
            "repair.structure",
            "repair.public_facility",
            "repair.water",
            "complaint.repair_quality",
        ],
    ),
    field(
        "tech5",
        0,
        "engineering",
        &["repair.hvac", "repair.electric", "service.paid_home"],
    ),
    field("tech6", 0, "cleaning", &["complaint.sanitation"]),
    field(
        "tech7",
        0,
        "security",
        &[
            "complaint.security",
            "complaint.parking",
            "complaint.noise",
            "complaint.neighbor",
            "complaint.renovation",
            "service.move",
        ],
    ),
    field("tech8", 0, "greening", &["complaint.greening"]),
    field(
        "tech9",
        1,
        "engineering",
        &["repair.hvac", "repair.electric"],
    ),
    field(
        "tech10",
        1,
        "engineering",
        &["repair.water", "repair.gas", "repair.fire_safety"],
    ),
    field(
        "tech11",
        1,
        "engineering",
        &[
            "repair.elevator",
            "repair.door_access",
            "repair.weak_current",
        ],
    ),
    field(
        "tech12",
        1,
        "engineering",
        &[
            "repair.structure",
            "repair.public_facility",
            "complaint.repair_quality",
            "service.paid_home",
        ],
    ),
    field("tech13", 1, "cleaning", &["complaint.sanitation"]),
    field(
        "tech14",
        1,
        "security",
        &[
            "complaint.security",
            "complaint.parking",
            "complaint.noise",
            "complaint.neighbor",
            "complaint.renovation",
            "service.move",
        ],
    ),
    field("tech15", 1, "greening", &["complaint.greening"]),
];

pub(crate) fn staff(
    projects: &[DemoProject],
    registry: &mut Registry,
    rng: &mut StdRng,
) -> Vec<DemoStaff> {
    POSTS
        .iter()
        .map(|post| {
            let project_key = post.project.map(|i| projects[i].key.clone());
            let gender = Gender::any(rng);
            DemoStaff {
                key: post.username.into(),
                username: post.username.into(),
                name: registry.person(rng, gender, None),
                role: post.role,
                team_key: post
                    .team
                    .zip(project_key.as_deref())
                    .map(|(t, p)| team_key(p, t)),
                project_keys: project_key.into_iter().collect(),
                skills: post.skills.iter().map(|s| (*s).into()).collect(),
                phone: registry.phone(rng),
            }
        })
        .collect()
}
