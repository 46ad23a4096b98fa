//! The company's own face to residents: the name they know it by and its logo, shown on the
//! residents' pages instead of the product's name. Anyone signed in reads it; admins change it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::dispatch::photo::MAX_PHOTO_BYTES;
use guanjia_storage::entity::company;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, Caller};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_company, set_company))
        .routes(routes!(company_logo, set_company_logo))
        // A logo is uploaded as a photo is: larger than any JSON body.
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 1))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyView {
    pub id: String,
    pub code: String,
    /// The company's legal name.
    pub name: String,
    /// The name residents see; null shows `name`.
    pub display_name: Option<String>,
    /// The logo's address, or null without one.
    pub logo_url: Option<String>,
}

impl From<company::Model> for CompanyView {
    fn from(c: company::Model) -> Self {
        CompanyView {
            logo_url: c.logo.is_some().then(|| "/api/v1/company/logo".to_owned()),
            id: c.id,
            code: c.code,
            name: c.name,
            display_name: c.display_name,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    /// At most 40 characters; null or empty goes back to the legal name.
    pub display_name: Option<String>,
}

/// The caller's company and what it shows residents.
#[utoipa::path(get, path = "/api/v1/company", tag = "setup", responses((status = 200, body = CompanyView)))]
async fn get_company(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<CompanyView>> {
    Ok(axum::Json(state.store.company_settings(&who).await?.into()))
}

/// Sets the name residents see (admins; audited).
#[utoipa::path(put, path = "/api/v1/company", tag = "setup", request_body = CompanyInput,
    responses((status = 200, body = CompanyView), (status = 403), (status = 422)))]
async fn set_company(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<CompanyInput>,
) -> ApiResult<axum::Json<CompanyView>> {
    Ok(axum::Json(
        state
            .store
            .set_company_display_name(&who, input.display_name, Utc::now())
            .await?
            .into(),
    ))
}

/// The logo (JPEG, at most 320 px on its longer side); 404 without one.
#[utoipa::path(get, path = "/api/v1/company/logo", tag = "setup", responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
async fn company_logo(State(state): State<AppState>, Caller(who): Caller) -> ApiResult<Response> {
    logo(&state, &who).await
}

/// The company's logo as a response, for the API and the residents' pages alike.
pub(crate) async fn logo(
    state: &AppState,
    who: &guanjia_storage::Principal,
) -> ApiResult<Response> {
    let bytes = state
        .store
        .company_settings(who)
        .await?
        .logo
        .ok_or_else(|| {
            ApiError::with_details(ErrorCode::NotFound, serde_json::json!({ "object": "logo" }))
        })?;
    Ok((
        [
            (CONTENT_TYPE, "image/jpeg"),
            (CACHE_CONTROL, "private, max-age=300"),
        ],
        bytes,
    )
        .into_response())
}

/// Sets the logo (admins; audited): the request body is the picture, checked as photos are
/// (JPEG, PNG or WebP by content, at most 10 MiB and 50 megapixels), kept shrunk to 320 px.
/// Anything else is 422 on `file` and changes nothing.
#[utoipa::path(put, path = "/api/v1/company/logo", tag = "setup", request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 200, body = CompanyView), (status = 403), (status = 413), (status = 422)))]
async fn set_company_logo(
    State(state): State<AppState>,
    Caller(who): Caller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<axum::Json<CompanyView>> {
    let body = body.map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?;
    Ok(axum::Json(
        state
            .store
            .set_company_logo(&who, body.to_vec(), Utc::now())
            .await?
            .into(),
    ))
}
