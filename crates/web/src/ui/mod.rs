//! The web pages, server-rendered from the same binary as the API: askama templates checked at
//! compile time, htmx for partial updates, every asset embedded. Chinese first, English on a
//! switch. Staff sign in with the API's own session tokens, carried in a cookie.

mod action_form;
mod assets;
mod caller;
mod choice;
mod chrome;
mod cookies;
mod csrf;
mod directory;
mod error;
mod import_template;
mod intake;
mod json_island;
mod lang;
mod pages;
mod place_rows;
mod queue;
mod redirect;
mod rooms;
mod session;
mod sheet;
mod sla_badge;
mod text;
mod time;

#[cfg(test)]
mod tests;

use axum::routing::{get, post};
use axum::{Extension, Router, middleware};

use crate::state::AppState;

/// The pages' routes.
pub fn router() -> Router<AppState> {
    let signed_in = Router::new()
        .route("/", get(pages::workbench::page))
        .route("/board", get(pages::board::page))
        .route("/dashboard", get(pages::dashboard::page))
        .route("/admin/import", get(pages::import::form).post(pages::import::upload))
        .route("/admin/import/template", get(pages::import::template))
        .route("/jobs", get(pages::jobs::list))
        .route("/jobs/{id}", get(pages::jobs::page))
        .route("/jobs/{id}/actions", post(pages::jobs::act))
        .route("/tickets/new", get(pages::new_ticket::form).post(pages::new_ticket::create))
        .route("/tickets/new/caller", get(pages::new_ticket::caller))
        .route("/tickets/{id}", get(pages::ticket::page))
        .route("/tickets/{id}/actions", post(pages::ticket::act))
        .route("/logout", post(pages::login::logout))
        .route_layer(middleware::from_fn(csrf::require));
    Router::new()
        .merge(signed_in)
        .merge(pages::job_work::router())
        .merge(pages::h5::router())
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/lang/{code}", get(lang::switch))
        .route("/rate/{token}", get(pages::feedback::rate_form).post(pages::feedback::rate))
        .route("/survey/{token}", get(pages::feedback::survey_form).post(pages::feedback::answer))
        .route("/assets/{name}", get(assets::serve))
        .layer(Extension(rooms::RoomBook::default()))
}
