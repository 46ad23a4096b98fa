//! Health, metrics and the OpenAPI document.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::OpenApi;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub fn router(openapi: OpenApi) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/api/openapi.json",
            get(move || async move { Json(openapi.clone()) }),
        )
}

/// 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    if state.store.ping().await {
        Ok("ok")
    } else {
        Err(ApiError::new(ErrorCode::Unavailable))
    }
}

async fn metrics(
    State(state): State<AppState>,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    (
        StatusCode::OK,
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
