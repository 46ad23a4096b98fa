//! The service figures a manager reads: closed loop, follow-up, satisfaction, resolution quality.

use axum::extract::State;
use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::Figures;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Caller};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(service_figures))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    /// One project; default every project the caller sees.
    pub project_id: Option<String>,
    /// Start of the period (RFC 3339, included).
    pub from: DateTime<Utc>,
    /// End of the period (RFC 3339, excluded).
    pub to: DateTime<Utc>,
}

impl FiguresQuery {
    /// A period ends after it starts.
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.to <= self.from {
            Err(ValidationError::single("to", FieldErrorCode::OutOfRange))
        } else {
            Ok(())
        }
    }
}

/// The figures of the tickets reported in the period (cancelled ones left out); each rate is a
/// share 0–1, null when there was nothing to count. Definitions: README, "Service figures".
#[utoipa::path(get, path = "/api/v1/metrics/service", tag = "closed loop", params(FiguresQuery), responses((status = 200, body = Figures), (status = 422)))]
async fn service_figures(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> ApiResult<axum::Json<Figures>> {
    query.check()?;
    Ok(axum::Json(
        state
            .store
            .service_figures(&who, query.project_id.as_deref(), query.from, query.to)
            .await?,
    ))
}
