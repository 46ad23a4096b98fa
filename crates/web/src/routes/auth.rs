//! Signing in and out.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use guanjia_domain::phone::{mask_phone, normalize_phone};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::{CODE_TTL, SignInCode, StorageError};

use super::staff::StaffView;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, Caller, ClientAddr, bearer_token};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(request_code))
        .routes(routes!(resident_login))
        .routes(routes!(logout))
        .routes(routes!(me))
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

/// Signs a staff member in. After five failed attempts from one address for one username each
/// further attempt waits longer (15 s, doubling up to 15 minutes), answered with 429 and
/// `Retry-After`; unknown usernames are answered alike.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, description = "invalid_request"), (status = 401, description = "invalid_credentials"),
        (status = 422, description = "validation_failed"), (status = 429, description = "too_many_attempts")))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(input): ApiJson<LoginRequest>,
) -> ApiResult<axum::Json<LoginResponse>> {
    let login = state
        .store
        .login(&input.username, &input.password, &client, Utc::now())
        .await
        .map_err(credentials)?;
    Ok(axum::Json(LoginResponse {
        token: login.token,
        expires_at: login.expires_at,
        user: StaffView::full(login.staff),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The resident's mobile number.
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSent {
    /// Seconds the code stays valid.
    pub expires_in: i64,
}

/// Sends a resident a one-time sign-in code. The answer is the same whether or not the phone is
/// registered, so that it reveals nobody's address. At most one a minute, five an hour and ten a
/// day per phone (and a limit per client address): beyond, 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/resident/code", tag = "auth", request_body = CodeRequest,
    responses((status = 202, body = CodeSent), (status = 400, description = "invalid_request"), (status = 422, description = "validation_failed"),
        (status = 429, description = "too_many_attempts")))]
async fn request_code(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(input): ApiJson<CodeRequest>,
) -> ApiResult<(StatusCode, axum::Json<CodeSent>)> {
    send_sign_in_code(&state, &input.phone, &client).await?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(CodeSent {
            expires_in: CODE_TTL.num_seconds(),
        }),
    ))
}

/// Sends a code to a registered phone through the notification outbox (the delivery worker is
/// woken to send it by SMS at once), and in demo mode writes it to the server log as well; silent
/// about phones nobody registered. The API and the resident pages both sign in this way.
pub(crate) async fn send_sign_in_code(
    state: &AppState,
    raw_phone: &str,
    client: &str,
) -> ApiResult<()> {
    let phone = resident_phone(raw_phone)?;
    let issued = state
        .store
        .issue_sign_in_code(&phone, client, Utc::now())
        .await?;
    code_issued(state, issued);
    Ok(())
}

/// After a code was put in the outbox (committed by now): the worker is woken to send it at
/// once, and in demo mode it is written to the server log as well.
pub(crate) fn code_issued(state: &AppState, issued: Option<SignInCode>) {
    state.store.wake_deliveries();
    if let Some(issued) = issued
        && state.settings.log_sign_in_codes
    {
        tracing::info!(phone = %mask_phone(&issued.phone), code = %issued.code, "resident sign-in code (demo delivery)");
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentLoginRequest {
    pub phone: String,
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentLoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs a resident in with their phone and the code sent to it (single use, 5 minutes, 5 tries).
/// Wrong codes count per phone across codes: after five, 15 minutes' wait, doubling with each
/// further failure (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/resident/login", tag = "auth", request_body = ResidentLoginRequest,
    responses((status = 200, body = ResidentLoginResponse), (status = 400, description = "invalid_request"), (status = 401, description = "invalid_credentials"),
        (status = 422, description = "validation_failed"), (status = 429, description = "too_many_attempts")))]
async fn resident_login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(input): ApiJson<ResidentLoginRequest>,
) -> ApiResult<axum::Json<ResidentLoginResponse>> {
    let (token, expires_at) = resident_session(&state, &input.phone, &input.code, &client).await?;
    Ok(axum::Json(ResidentLoginResponse { token, expires_at }))
}

/// Opens a resident's session with their phone and its code: the token and when it expires.
pub(crate) async fn resident_session(
    state: &AppState,
    raw_phone: &str,
    code: &str,
    client: &str,
) -> ApiResult<(String, DateTime<Utc>)> {
    let phone = resident_phone(raw_phone)?;
    state
        .store
        .sign_in_with_code(&phone, code, client, Utc::now())
        .await
        .map_err(credentials)
}

fn resident_phone(raw: &str) -> ApiResult<String> {
    normalize_phone(raw)
        .ok_or_else(|| ValidationError::single("phone", FieldErrorCode::Invalid).into())
}

/// A failed sign-in says "wrong credentials", not "not signed in".
fn credentials(err: StorageError) -> ApiError {
    match err {
        StorageError::Unauthenticated => ApiError::new(ErrorCode::InvalidCredentials),
        other => other.into(),
    }
}

/// Revokes the token of this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
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
    axum::Json(MeView {
        id: who.id,
        name: who.name,
        role: who.role.as_str().to_owned(),
        project_ids,
        household_ids: who.households,
    })
}
