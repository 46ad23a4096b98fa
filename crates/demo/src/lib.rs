//! Guanjia's demo company, 锦程物业: a realistic, deterministic data set.
//!
//! Sales demos, first-run tours and end-to-end tests all need a company that looks like a real
//! 物业公司: two projects, a couple of hundred households, staff of every role and two months of
//! tickets in every state. This crate only *describes* that company as plain Rust values; it
//! does no I/O. The caller inserts the places and people through the real API or storage and
//! replays each ticket's [`DemoTicket::steps`] through the real ticket state machine, so the
//! demo can never show a state the product itself could not reach.
//!
//! Everything is derived from one seeded RNG and the `now` passed in, so the same `now` always
//! gives the same company. Enumerations are plain ASCII codes (the ones of taxonomy.md and
//! the glossary) so that the crate stands alone.

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

pub use knowledge::{DemoArticle, DemoChecklist, DemoScript, DemoSheet};
pub use training::{DemoCourse, DemoLesson, DemoQuestion};

mod care;
mod dice;
mod issues;
mod journey;
mod knowledge;
mod names;
mod people;
mod places;
mod story;
mod text;
mod tickets;
mod training;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod deadline_tests;

/// The password of every demo staff account, so a demo can log in as any role.
pub const DEMO_PASSWORD: &str = "guanjia-demo";

/// The seed of the one RNG behind the whole company: changing it changes every name and ticket.
const SEED: u64 = 20261124;

/// Builds the demo company as of `now`: tickets fall in the 60 days before `now`, and no
/// ticket or step lies after it. Deterministic: the same `now` gives an identical company.
pub fn demo_company(now: DateTime<Utc>) -> DemoCompany {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut registry = names::Registry::default();
    let mut projects = places::projects(&mut rng);
    people::settle(&mut projects, &mut registry, &mut rng);
    let teams = people::teams(&projects);
    let staff = people::staff(&projects, &mut registry, &mut rng);
    let tickets = tickets::tickets(now, &projects, &staff, &mut registry, &mut rng);
    let care = care::care(now, &projects, &staff);
    DemoCompany {
        name: "锦程物业服务有限公司".into(),
        code: "jincheng".into(),
        projects,
        teams,
        staff,
        tickets,
        articles: knowledge::articles(),
        scripts: knowledge::scripts(),
        checklists: knowledge::checklists(),
        inspection_sheet: knowledge::inspection_sheet(),
        course: training::course(),
        care,
    }
}

/// The demo 物业公司 with everything it manages.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCompany {
    pub name: String,
    /// ASCII code of the company.
    pub code: String,
    pub projects: Vec<DemoProject>,
    pub teams: Vec<DemoTeam>,
    pub staff: Vec<DemoStaff>,
    /// Ordered by `reported_at`; keys `t0001`… follow that order.
    pub tickets: Vec<DemoTicket>,
    /// The published articles the FAQ bot answers from.
    pub articles: Vec<DemoArticle>,
    /// The desk's standard scripts.
    pub scripts: Vec<DemoScript>,
    /// The SOP checklists of the dangerous jobs (gas, water, lift, power).
    pub checklists: Vec<DemoChecklist>,
    /// The standard score sheet quality inspection (质检) scores against.
    pub inspection_sheet: DemoSheet,
    /// The desk's onboarding course, required for agents.
    pub course: DemoCourse,
    /// Who looks after whom, and what is recorded about a few households.
    pub care: DemoCare,
}

/// Butlers (管家) and owner profiles (业主画像).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoCare {
    /// (building key, butler's staff key): each building's butler.
    pub building_butlers: Vec<(String, String)>,
    pub households: Vec<DemoHouseholdCare>,
}

/// What is recorded about the household of one room.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoHouseholdCare {
    pub room_key: String,
    /// A butler set by hand over the building's.
    pub butler_key: Option<String>,
    pub dates: Vec<DemoDate>,
    /// `HH:MM`: no calls before.
    pub call_not_before: Option<&'static str>,
}

/// An important date of a household.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDate {
    /// `birthday` | `move_in` | `other`
    pub kind: &'static str,
    pub date: chrono::NaiveDate,
    pub resident_key: Option<String>,
    pub label: Option<String>,
}

/// One managed site (项目).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoProject {
    /// Stable key other records refer to (`p1`, `p2`).
    pub key: String,
    /// ASCII code of the project.
    pub code: String,
    pub name: String,
    /// `residential` | `commercial`
    pub kind: &'static str,
    pub address: String,
    /// IANA time zone (`Asia/Shanghai`).
    pub time_zone: &'static str,
    pub buildings: Vec<DemoBuilding>,
}

/// A building (楼栋/座) of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoBuilding {
    pub key: String,
    /// `3栋`, `A座`, `商场`, `停车场`
    pub name: String,
    /// `1单元`… for residential buildings; empty for towers, malls and car parks.
    pub units: Vec<String>,
    pub rooms: Vec<DemoRoom>,
}

/// A flat, office, shop or parking space (房号/铺位/车位).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRoom {
    pub key: String,
    /// The unit the room is in, for residential buildings.
    pub unit: Option<String>,
    /// Unique within its building: `1502`, `1205`, `L2-15`, `B1-023`.
    pub number: String,
    /// `residential` | `shop` | `office` | `parking`
    pub kind: &'static str,
    /// Negative below ground (`B1` is -1).
    pub floor: i32,
    pub area_m2: Option<f64>,
    /// The household; empty for a vacant room.
    pub residents: Vec<DemoResident>,
}

/// A person of a household (住户).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoResident {
    pub key: String,
    pub name: String,
    /// 11-digit mainland mobile, unique across the company (residents and staff).
    pub phone: String,
    /// `owner` | `family` | `tenant` | `merchant`
    pub role: &'static str,
    /// `basic` | `premium`; the same for the whole household.
    pub tier: &'static str,
}

/// A team (班组/部门) of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoTeam {
    pub key: String,
    pub project_key: String,
    pub name: String,
    /// `engineering` | `cleaning` | `security` | `customer_service` | `greening`
    pub kind: &'static str,
}

/// A staff account. Its key is its username; its password is [`DEMO_PASSWORD`].
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStaff {
    pub key: String,
    /// ASCII and memorable: `admin`, `manager`, `supervisor1`, `agent1`, `butler1`, `tech1`…
    pub username: String,
    pub name: String,
    /// `admin` | `manager` | `supervisor` | `agent` | `butler` | `technician`
    pub role: &'static str,
    /// Empty for the company-wide admin and manager.
    pub project_keys: Vec<String>,
    pub team_key: Option<String>,
    /// Category codes (`repair.water`…) a technician is dispatched for; empty for desk roles.
    pub skills: Vec<String>,
    pub phone: String,
}

/// One request (工单) with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoTicket {
    /// `t0001`…, in order of `reported_at`.
    pub key: String,
    pub project_key: String,
    pub room_key: Option<String>,
    pub resident_key: Option<String>,
    /// Who to call back when the caller is not a registered resident (a visitor, a 12345 caller).
    pub contact: Option<DemoContact>,
    /// `app` | `wechat` | `phone` | `front_desk` | `email` | `hotline_12345` | `iot` | `web`
    pub channel: &'static str,
    /// `repair` | `complaint` | `inquiry` | `service` | `suggestion` | `praise`
    pub kind: &'static str,
    /// A `kind.category` code of taxonomy.md; `None` for a few new tickets not yet classified.
    pub category: Option<&'static str>,
    /// `emergency` | `urgent` | `normal`
    pub urgency: &'static str,
    /// At most 20 characters.
    pub title: String,
    pub description: String,
    pub reported_at: DateTime<Utc>,
    /// 首问负责人: an agent or butler of the ticket's project.
    pub first_contact_owner_key: String,
    /// The history to replay in order, strictly later than `reported_at` and not after `now`.
    pub steps: Vec<DemoStep>,
}

/// A caller who is not a registered resident.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoContact {
    pub name: String,
    pub phone: String,
}

/// One action of a ticket's history, valid from the status the previous steps left.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStep {
    pub at: DateTime<Utc>,
    /// A staff key, or `resident` for the ticket's own resident.
    pub actor_key: String,
    /// `respond` | `accept` | `dispatch` | `arrive` | `resolve` | `follow_up` | `close` |
    /// `reopen` | `suspend` | `resume` | `escalate` | `cancel` | `comment`
    pub action: &'static str,
    /// The technician a `dispatch` gives the work to.
    pub assignee_key: Option<String>,
    /// The rating of a `follow_up`, 1..=5; below 3 reopens the ticket.
    pub satisfaction: Option<u8>,
    /// The text of `respond`, `comment`, `resolve`, and the note of a `follow_up`.
    pub body: Option<String>,
    /// `internal` | `resident`, for `comment`.
    pub visibility: Option<&'static str>,
    /// Why: for `suspend` and `cancel` (required), and `escalate` and `reopen` (optional).
    pub reason: Option<String>,
}
