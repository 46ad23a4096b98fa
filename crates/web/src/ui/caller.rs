//! 来电弹屏: who is calling, from the number the agent types: their rooms and households, and
//! their recent tickets, so the agent greets them by name and sees what is already open.

use askama::Template;
use chrono::Utc;
use guanjia_domain::phone::{mask_phone, normalize_phone};
use guanjia_storage::{PageRequest, ResidentFilter, TicketFilter};

use super::choice::{Choice, choices};
use super::directory::Directory;
use super::error::UiError;
use super::queue::TicketRow;
use super::session::Session;
use super::text::{self, Labels};
use crate::state::AppState;

/// Digits typed before a partial number is looked up among past tickets.
pub const MIN_DIGITS: usize = 7;
const RECENT: PageRequest = PageRequest {
    page: 1,
    per_page: 5,
};
const MEMBERS: PageRequest = PageRequest {
    page: 1,
    per_page: 20,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Too few digits yet.
    Typing,
    /// Not a whole number: only past tickets with these digits.
    Partial,
    /// A registered resident.
    Known,
    /// A whole number nobody registered.
    Unknown,
}

pub struct Member {
    pub name: String,
    pub role: &'static str,
    pub phone: String,
}

/// One room the caller lives or works in.
pub struct Home {
    pub resident_id: String,
    pub project_id: String,
    pub name: String,
    pub role: &'static str,
    pub premium: bool,
    pub project: String,
    pub room: String,
    pub members: Vec<Member>,
}

#[derive(Template)]
#[template(path = "caller.html")]
pub struct CallerCard {
    pub t: &'static Labels,
    pub lookup: Lookup,
    pub homes: Vec<Home>,
    /// The resident already chosen (the first home by default).
    pub chosen: String,
    pub recent: Vec<TicketRow>,
    /// The project select, moved to the chosen resident's project.
    pub projects: Vec<Choice>,
    /// What the agent typed as the contact's name, kept across re-renders.
    pub contact_name: String,
    /// Whether the card also swaps the form's project select (htmx out of band).
    pub oob: bool,
}

impl CallerCard {
    /// Looks the number up; `chosen` keeps the agent's choice of resident across re-renders.
    pub async fn look_up(
        state: &AppState,
        session: &Session,
        dir: &Directory,
        typed: &str,
        chosen: Option<&str>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let who = &session.who;
        let fail = |e| UiError::api(e, lang);
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        let mut card = CallerCard {
            t: text::labels(lang),
            lookup: Lookup::Typing,
            homes: vec![],
            chosen: String::new(),
            recent: vec![],
            projects: vec![],
            oob: false,
            contact_name: String::new(),
        };
        if digits.len() < MIN_DIGITS {
            return Ok(card);
        }
        let phone = normalize_phone(typed);
        let search = phone.clone().unwrap_or(digits);
        let filter = TicketFilter {
            q: Some(search),
            ..TicketFilter::default()
        };
        let (recent, sla) = tokio::try_join!(
            state.store.tickets(who, filter, RECENT),
            state.store.sla_context(&who.company_id)
        )
        .map_err(fail)?;
        let now = Utc::now();
        card.recent = recent
            .items
            .into_iter()
            .map(|t| TicketRow::new(t, &sla, dir, lang, now))
            .collect();
        let Some(phone) = phone else {
            card.lookup = Lookup::Partial;
            return Ok(card);
        };
        let residents = state
            .store
            .residents_by_phone(&who.company_id, &phone)
            .await
            .map_err(fail)?;
        for resident in residents
            .into_iter()
            .filter(|r| who.sees_project(&r.project_id))
        {
            let filter = ResidentFilter {
                room_id: Some(resident.room_id.clone()),
                ..ResidentFilter::default()
            };
            let members = state
                .store
                .residents(who, filter, MEMBERS)
                .await
                .map_err(fail)?;
            card.homes.push(Home {
                members: members
                    .items
                    .into_iter()
                    .filter(|m| m.id != resident.id)
                    .map(|m| Member {
                        role: text::resident_role(lang, &m.role),
                        phone: mask_phone(&m.phone),
                        name: m.name,
                    })
                    .collect(),
                role: text::resident_role(lang, &resident.role),
                premium: resident.tier == "premium",
                project: dir.project_name(&resident.project_id),
                project_id: resident.project_id,
                room: dir.room(Some(&resident.room_id)).unwrap_or_default(),
                resident_id: resident.id,
                name: resident.name,
            });
        }
        let Some(first) = card.homes.first() else {
            card.lookup = Lookup::Unknown;
            return Ok(card);
        };
        let home = chosen
            .and_then(|c| card.homes.iter().find(|h| h.resident_id == c))
            .unwrap_or(first);
        card.chosen = home.resident_id.clone();
        card.projects = choices(
            Some(&home.project_id),
            dir.projects
                .iter()
                .map(|p| (p.id.as_str(), p.name.as_str())),
        );
        card.lookup = Lookup::Known;
        Ok(card)
    }
}
