//! Rating links: a resident rates a resolved ticket from the link they were sent, without signing in.

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::Rating;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(rating_link, rate))
}

/// What the link rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingLinkView {
    pub ticket_number: String,
    pub title: String,
    pub kind: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// The outcome of a rating.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatedView {
    pub ticket_number: String,
    /// closed (satisfied), reopened (rectification follows) or resolved (a complaint: staff will call).
    pub status: String,
}

/// What a rating link is for. An unknown or forged link is 404, a used one 409 `link_used`, an
/// expired one (or one whose resolve is over) 410 `link_expired`.
#[utoipa::path(get, path = "/api/v1/ratings/{token}", tag = "closed loop",
    responses((status = 200, body = RatingLinkView), (status = 404), (status = 409, description = "link_used"), (status = 410, description = "link_expired")))]
async fn rating_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<RatingLinkView>> {
    let info = state.store.rating_link(&token, Utc::now()).await?;
    Ok(axum::Json(RatingLinkView {
        ticket_number: info.ticket.number,
        title: info.ticket.title,
        kind: info.ticket.kind.to_string(),
        resolved_at: info.ticket.resolved_at,
        expires_at: info.expires_at,
    }))
}

/// Rates the ticket once: overall 1–5 (below the threshold reopens it for rectification),
/// timeliness and attitude 1–5, a comment. A refused rating leaves the link usable.
#[utoipa::path(post, path = "/api/v1/ratings/{token}", tag = "closed loop", request_body = Rating,
    responses((status = 200, body = RatedView), (status = 404), (status = 409, description = "link_used"), (status = 410, description = "link_expired"), (status = 422)))]
async fn rate(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(rating): ApiJson<Rating>,
) -> ApiResult<axum::Json<RatedView>> {
    let ticket = state.store.rate_by_link(&token, rating, Utc::now()).await?;
    Ok(axum::Json(RatedView {
        ticket_number: ticket.number,
        status: ticket.status.to_string(),
    }))
}
