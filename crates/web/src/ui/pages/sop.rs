//! What the ticket and job pages do with the knowledge base: tick a step of the category's
//! checklist (back to the page, the tick on its timeline), and count the use of a script the
//! desk put into a reply.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::error::UiError;
use crate::ui::redirect::see_other;
use crate::ui::session::Session;

#[derive(Debug, Deserialize)]
pub struct Tick {
    pub ticked: bool,
}

async fn tick(
    state: &AppState,
    session: &Session,
    id: &str,
    step: &str,
    ticked: bool,
) -> Result<(), UiError> {
    state
        .store
        .tick_checklist_step(&session.who, id, step, ticked, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    Ok(())
}

/// `POST /tickets/{id}/checklist/{step}`: from the desk's ticket page.
pub async fn tick_on_ticket(
    State(state): State<AppState>,
    session: Session,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<Tick>,
) -> Result<Response, UiError> {
    tick(&state, &session, &id, &step, form.ticked).await?;
    Ok(see_other(false, &format!("/tickets/{id}")))
}

/// `POST /jobs/{id}/checklist/{step}`: from the technician's job page.
pub async fn tick_on_job(
    State(state): State<AppState>,
    session: Session,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<Tick>,
) -> Result<Response, UiError> {
    tick(&state, &session, &id, &step, form.ticked).await?;
    Ok(see_other(false, &format!("/jobs/{id}")))
}

/// `POST /kb/scripts/{id}/used`: the desk put the script into a reply.
pub async fn script_used(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    state
        .store
        .use_kb_script(&session.who, &id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
