//! API keys (接口密钥) for machines: company-wide admins create them (the key is answered once),
//! list them with their last use, rotate them with an overlap and revoke them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::machine::api_key::{ApiKeyInput, ApiScope, RotationInput};
use guanjia_storage::{ApiKeyView, IssuedKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_key, list_keys))
        .routes(routes!(get_key, revoke_key))
        .routes(routes!(rotate_key))
}

/// A key as admins see it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyOut {
    pub id: String,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// Empty: every project of the company.
    pub project_ids: Vec<String>,
    pub rate_per_minute: i64,
    pub created_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    /// Until when the secret the last rotation replaced still works.
    pub previous_valid_until: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the key was last used (written at most once a minute) and from which address.
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_from: Option<String>,
}

impl From<ApiKeyView> for ApiKeyOut {
    fn from(k: ApiKeyView) -> Self {
        ApiKeyOut {
            scopes: k.scopes,
            project_ids: k.project_ids,
            id: k.row.id,
            name: k.row.name,
            rate_per_minute: k.row.rate_per_minute,
            created_at: k.row.created_at,
            rotated_at: k.row.rotated_at,
            previous_valid_until: k.row.previous_valid_until,
            revoked_at: k.row.revoked_at,
            last_used_at: k.row.last_used_at,
            last_used_from: k.row.last_used_from,
        }
    }
}

/// A key just created or rotated: `key` is shown this once; send it as
/// `Authorization: Bearer KEY`.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedKeyOut {
    pub id: String,
    pub key: String,
    #[serde(flatten)]
    pub details: ApiKeyOut,
}

impl From<IssuedKey> for IssuedKeyOut {
    fn from(issued: IssuedKey) -> Self {
        IssuedKeyOut {
            id: issued.view.row.id.clone(),
            key: issued.key,
            details: issued.view.into(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KeyQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Creates a key for a machine (company-wide admins). The answer holds the key once; only its
/// hash is kept.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", request_body = ApiKeyInput,
    responses((status = 201, body = IssuedKeyOut), (status = 403), (status = 422)))]
async fn create_key(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<ApiKeyInput>,
) -> ApiResult<(StatusCode, axum::Json<IssuedKeyOut>)> {
    let issued = state
        .store
        .create_api_key(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(issued.into())))
}

/// The company's keys, newest first, with their last use.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", params(KeyQuery),
    responses((status = 200, body = PageOf<ApiKeyOut>), (status = 403)))]
async fn list_keys(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<KeyQuery>,
) -> ApiResult<axum::Json<PageOf<ApiKeyOut>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = state.store.api_keys(&who, page).await?;
    Ok(axum::Json(PageOf::from_page(page, ApiKeyOut::from)))
}

#[utoipa::path(get, path = "/api/v1/api-keys/{id}", tag = "api-keys",
    responses((status = 200, body = ApiKeyOut), (status = 403), (status = 404)))]
async fn get_key(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ApiKeyOut>> {
    Ok(axum::Json(state.store.api_key(&who, &id).await?.into()))
}

/// Revokes a key: the next request with it is refused, on every node.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys",
    responses((status = 200, body = ApiKeyOut), (status = 403), (status = 404)))]
async fn revoke_key(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ApiKeyOut>> {
    Ok(axum::Json(
        state
            .store
            .revoke_api_key(&who, &id, Utc::now())
            .await?
            .into(),
    ))
}

/// Gives a key a new secret (answered once); the old one keeps working for `overlap_seconds`.
#[utoipa::path(post, path = "/api/v1/api-keys/{id}/rotate", tag = "api-keys",
    request_body = RotationInput,
    responses((status = 200, body = IssuedKeyOut), (status = 403), (status = 404), (status = 422)))]
async fn rotate_key(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RotationInput>,
) -> ApiResult<axum::Json<IssuedKeyOut>> {
    let issued = state
        .store
        .rotate_api_key(&who, &id, input.validate()?, Utc::now())
        .await?;
    Ok(axum::Json(issued.into()))
}
