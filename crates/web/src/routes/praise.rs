//! Praise: which staff a praise ticket credits, and who was praised most.

use axum::extract::{Path, State};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::routes::figures::FiguresQuery;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(praised, set_praised))
        .routes(routes!(praise_counts))
}

/// The staff a praise ticket credits.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Praised {
    pub staff_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PraiseCountView {
    pub staff_id: String,
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PraiseCounts {
    pub items: Vec<PraiseCountView>,
}

/// Who a praise ticket credits: read from the resident's words when it was logged (a full name,
/// or a surname with a title such as 王师傅 when only one colleague fits), or set by hand.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/praise", tag = "closed loop", responses((status = 200, body = Praised), (status = 404)))]
async fn praised(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Praised>> {
    Ok(axum::Json(Praised {
        staff_ids: state.store.praised(&who, &id).await?,
    }))
}

/// Sets who a praise ticket credits (desk roles); in the timeline, and the newly credited are told.
#[utoipa::path(put, path = "/api/v1/tickets/{id}/praise", tag = "closed loop", request_body = Praised, responses((status = 200, body = Praised), (status = 422)))]
async fn set_praised(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Praised>,
) -> ApiResult<axum::Json<Praised>> {
    if input.staff_ids.len() > 50 {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge));
    }
    Ok(axum::Json(Praised {
        staff_ids: state
            .store
            .set_praised(&who, &id, input.staff_ids, Utc::now())
            .await?,
    }))
}

/// Praise per staff member on the praise tickets reported in the period, most praised first.
#[utoipa::path(get, path = "/api/v1/metrics/praise", tag = "closed loop", params(FiguresQuery), responses((status = 200, body = PraiseCounts)))]
async fn praise_counts(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> ApiResult<axum::Json<PraiseCounts>> {
    query.check()?;
    let items = state
        .store
        .praise_counts(&who, query.project_id.as_deref(), query.from, query.to)
        .await?
        .into_iter()
        .map(|c| PraiseCountView {
            staff_id: c.staff_id,
            name: c.name,
            count: c.count,
        })
        .collect();
    Ok(axum::Json(PraiseCounts { items }))
}
