//! Pictures on the residents' pages, served back with the store's access checks: photos of their
//! requests, and their property company's logo.

use axum::extract::{Path, State};
use axum::response::Response;

use super::ResidentSession;
use crate::routes;
use crate::state::AppState;
use crate::ui::error::UiError;

/// `GET /h5/photos/{id}`: a photo of one of the resident's requests (404 otherwise).
pub async fn full(
    State(state): State<AppState>,
    session: ResidentSession,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    image(&state, &session, &id, false).await
}

/// `GET /h5/photos/{id}/thumbnail`.
pub async fn thumbnail(
    State(state): State<AppState>,
    session: ResidentSession,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    image(&state, &session, &id, true).await
}

async fn image(
    state: &AppState,
    session: &ResidentSession,
    id: &str,
    thumbnail: bool,
) -> Result<Response, UiError> {
    routes::photos::image(state, session.who(), id, thumbnail)
        .await
        .map_err(|e| UiError::api(e, session.0.lang))
}

/// `GET /h5/logo`: the property company's logo for the top of the residents' pages.
pub async fn logo(
    State(state): State<AppState>,
    session: ResidentSession,
) -> Result<Response, UiError> {
    routes::company::logo(&state, session.who())
        .await
        .map_err(|e| UiError::api(e, session.0.lang))
}
