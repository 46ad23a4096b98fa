//! Signing in and out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::staff::StaffView;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, Caller, bearer_token};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout)).routes(routes!(me))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: StaffView,
}

/// Signs a staff member in. Five failed attempts in a row lock the account for 15 minutes.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "invalid_credentials"), (status = 423, description = "account_locked")))]
async fn login(State(state): State<AppState>, ApiJson(input): ApiJson<LoginRequest>) -> ApiResult<axum::Json<LoginResponse>> {
    let login = state.store.login(&input.username, &input.password, Utc::now()).await.map_err(|e| match e {
        guanjia_storage::StorageError::Unauthenticated => ApiError::new(ErrorCode::InvalidCredentials),
        other => other.into(),
    })?;
    Ok(axum::Json(LoginResponse { token: login.token, expires_at: login.expires_at, user: StaffView::full(login.staff) }))
}

/// Revokes the token of this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(State(state): State<AppState>, _caller: Caller, headers: HeaderMap) -> ApiResult<StatusCode> {
    if let Some(token) = bearer_token(&headers) {
        state.store.logout(token, Utc::now()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub id: String,
    pub name: String,
    pub role: String,
    /// Project ids; null means every project of the company.
    pub project_ids: Option<Vec<String>>,
    pub household_ids: Vec<String>,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = MeView)))]
async fn me(Caller(who): Caller) -> axum::Json<MeView> {
    let project_ids = match who.projects {
        guanjia_storage::ProjectScope::All => None,
        guanjia_storage::ProjectScope::Only(ids) => Some(ids),
    };
    axum::Json(MeView { id: who.id, name: who.name, role: who.role.as_str().to_owned(), project_ids, household_ids: who.households })
}
