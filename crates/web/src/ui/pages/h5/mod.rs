//! 业主移动端 (H5): a resident's own pages on their phone. They sign in with their number and a
//! one-time code, report a problem with photos from the camera, follow each request's progress
//! and rate it once it is done. Every read goes through the store with the resident's own
//! principal, so they see their household's requests and the timeline entries meant for them,
//! nothing else; staff sessions are sent to the staff pages' sign-in.

mod chat;
mod login;
mod notices;
mod photos;
mod report;
mod requests;

#[cfg(test)]
mod tests;

use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Router, middleware};
use chrono_tz::Tz;
use guanjia_domain::role::Role;
use guanjia_storage::{PageRequest, Principal};

use crate::state::AppState;
use crate::ui::chrome::{Brand, Chrome, Nav};
use crate::ui::csrf;
use crate::ui::error::UiError;
use crate::ui::rooms::RoomBook;
use crate::ui::session::{Session, SignedIn};

/// The residents' routes: sign-in open to all, the rest for a resident's session.
pub fn router() -> Router<AppState> {
    let signed_in = Router::new()
        .route("/h5", get(requests::list))
        .route(
            "/h5/report",
            get(report::form)
                .post(report::submit)
                .layer(DefaultBodyLimit::max(csrf::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/h5/chat",
            get(chat::page)
                .post(chat::send)
                .layer(DefaultBodyLimit::max(csrf::MAX_UPLOAD_BYTES)),
        )
        .route("/h5/chat/files/{id}/{message}/{file}", get(chat::file))
        .route("/h5/chat/answers/{id}/feedback", post(chat::feedback))
        .route("/h5/notices", get(notices::list))
        .route("/h5/notices/{id}", get(notices::page))
        .route("/h5/notices/{id}/acknowledge", post(notices::acknowledge))
        .route("/h5/requests/{id}", get(requests::page))
        .route("/h5/requests/{id}/rate", post(requests::rate))
        .route("/h5/requests/{id}/charges", post(requests::charges))
        .route("/h5/requests/{id}/cancel", post(requests::cancel))
        .route(
            "/h5/requests/{id}/comments",
            post(requests::add_information),
        )
        .route("/h5/requests/{id}/chase", post(requests::chase))
        .route("/h5/preferences", post(requests::preferences))
        .route("/h5/logo", get(photos::logo))
        .route(
            "/h5/requests/{id}/photos",
            post(requests::add_photos).layer(DefaultBodyLimit::max(csrf::MAX_UPLOAD_BYTES)),
        )
        .route("/h5/photos/{id}", get(photos::full))
        .route("/h5/photos/{id}/thumbnail", get(photos::thumbnail))
        .route_layer(middleware::from_fn(csrf::require));
    Router::new()
        .merge(signed_in)
        .route("/h5/login", get(login::form).post(login::submit))
        .route("/h5/login/code", post(login::send_code))
}

/// A resident signed in on the phone pages; anyone else goes to the residents' sign-in.
pub struct ResidentSession(pub Session);

impl FromRequestParts<AppState> for ResidentSession {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        match SignedIn::from_request_parts(parts, state).await? {
            SignedIn(session) if session.who.role == Role::Resident => Ok(ResidentSession(session)),
            SignedIn(_) => Err(UiError::sign_in(&parts.headers, &parts.uri)),
        }
    }
}

impl ResidentSession {
    pub fn chrome(&self, title: &str, nav: Nav, path: &str) -> Chrome {
        Chrome::signed_in(&self.0, title, nav, path)
    }

    pub fn who(&self) -> &Principal {
        &self.0.who
    }
}

/// One of the resident's registrations: a room they live or work in.
pub struct Home {
    pub resident_id: String,
    pub project_id: String,
    pub room_id: String,
    /// "翠湖花园 · 3栋1单元1502".
    pub label: String,
}

/// The resident's homes, and the names and time zones of their projects.
pub struct Mine {
    pub homes: Vec<Home>,
    zones: Vec<(String, Tz)>,
    /// The property company's name for residents, and whether it has a logo.
    company: (String, bool),
}

impl Mine {
    pub async fn load(
        state: &AppState,
        rooms: &RoomBook,
        session: &ResidentSession,
    ) -> Result<Self, UiError> {
        let who = session.who();
        let fail = |e| UiError::api(e, session.0.lang);
        // Names only: a resident may not list projects, but may read where they live.
        let reader = Principal::system(&who.company_id, "web-pages");
        let (registrations, projects, room_labels, company) = tokio::try_join!(
            state.store.residents_by_phone(&who.company_id, &who.id),
            state.store.projects(
                &reader,
                PageRequest {
                    page: 1,
                    per_page: 1000
                }
            ),
            rooms.labels(&state.store, &who.company_id),
            state.store.company_settings(who),
        )
        .map_err(fail)?;
        let homes = registrations
            .into_iter()
            .filter(|r| who.households.contains(&r.household_id))
            .map(|r| {
                let project = projects
                    .items
                    .iter()
                    .find(|p| p.id == r.project_id)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                let room = room_labels.get(&r.room_id).cloned().unwrap_or_default();
                Home {
                    label: format!("{project} · {room}"),
                    resident_id: r.id,
                    project_id: r.project_id,
                    room_id: r.room_id,
                }
            })
            .collect();
        let zones = projects
            .items
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    p.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
                )
            })
            .collect();
        let company = (
            company.display_name.unwrap_or(company.name),
            company.logo.is_some(),
        );
        Ok(Mine {
            homes,
            zones,
            company,
        })
    }

    /// The page's frame with the property company's name and logo instead of the product's.
    pub fn brand(&self, chrome: Chrome) -> Chrome {
        let (name, logo) = &self.company;
        Chrome {
            brand: Some(Brand {
                name: name.clone(),
                logo: logo.then_some("/h5/logo"),
            }),
            ..chrome
        }
    }

    /// The time zone of a project's site.
    pub fn zone(&self, project_id: &str) -> Tz {
        self.zones
            .iter()
            .find(|(id, _)| id == project_id)
            .map_or(chrono_tz::Asia::Shanghai, |(_, zone)| *zone)
    }

    /// The label of a room of theirs.
    pub fn room(&self, room_id: Option<&str>) -> Option<String> {
        let room_id = room_id?;
        self.homes
            .iter()
            .find(|h| h.room_id == room_id)
            .map(|h| h.label.clone())
    }
}
