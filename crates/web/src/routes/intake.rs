//! Message understanding as a service: what Guanjia reads in a resident's words.

use axum::extract::State;
use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_domain::ticket::MAX_DESCRIPTION;
use guanjia_domain::taxonomy::Channel;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, Caller};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(analyze))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    pub text: String,
    pub channel: Option<String>,
    pub project_id: Option<String>,
}

/// Kind, category, urgency, escalation risk and place of a message, with confidences and the
/// words that decided. Staff only.
#[utoipa::path(post, path = "/api/v1/intake/analyze", tag = "intake", request_body = AnalyzeRequest,
    responses((status = 200, body = Object), (status = 422)))]
async fn analyze(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<AnalyzeRequest>,
) -> ApiResult<axum::Json<Value>> {
    if !who.role.is_staff() {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let mut p = Problems::new();
    p.text("text", &input.text, MAX_DESCRIPTION);
    if let Some(channel) = &input.channel {
        p.code::<Channel>("channel", channel);
    }
    if input.project_id.as_deref().is_some_and(|id| !who.sees_project(id)) {
        p.add("project_id", FieldErrorCode::UnknownReference);
    }
    p.into_result(())?;
    let analysis = state.analyzer.analyze(&input.text, input.channel.as_deref());
    Ok(axum::Json(serde_json::to_value(analysis).unwrap_or_default()))
}
