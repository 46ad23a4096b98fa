//! Photos of the work: uploaded as the request body (a phone's camera picture), checked by their
//! content, and served back with a thumbnail.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::photo::MAX_PHOTO_BYTES;
use guanjia_storage::entity::photo;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::Caller;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_photo, list_photos))
        .routes(routes!(photo_file))
        .routes(routes!(photo_thumbnail))
        // A photo is larger than any JSON body; only these routes take one.
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 1))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: String,
    pub ticket_id: String,
    /// image/jpeg, image/png or image/webp, read from the content.
    pub content_type: String,
    pub size: i64,
    pub width: i32,
    pub height: i32,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
    pub url: String,
    pub thumbnail_url: String,
}

impl From<photo::Model> for PhotoView {
    fn from(p: photo::Model) -> Self {
        PhotoView {
            url: format!("/api/v1/photos/{}", p.id),
            thumbnail_url: format!("/api/v1/photos/{}/thumbnail", p.id),
            id: p.id,
            ticket_id: p.ticket_id,
            content_type: p.content_type,
            size: p.size,
            width: p.width,
            height: p.height,
            uploaded_by: p.uploaded_by,
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoList {
    pub items: Vec<PhotoView>,
}

/// Adds a photo to a ticket: the request body is the picture (JPEG, PNG or WebP, at most 10 MiB,
/// 50 megapixels), whatever its name or declared type. Anything else is 422 on `file` and
/// changes nothing.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/photos", tag = "dispatch",
    request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoView), (status = 413), (status = 422)))]
async fn upload_photo(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, axum::Json<PhotoView>)> {
    let body = body.map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?;
    let saved = state
        .store
        .add_photo(&who, &id, body.to_vec(), Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/photos", tag = "dispatch", responses((status = 200, body = PhotoList), (status = 404)))]
async fn list_photos(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PhotoList>> {
    let items = state
        .store
        .photos(&who, &id)
        .await?
        .into_iter()
        .map(PhotoView::from)
        .collect();
    Ok(axum::Json(PhotoList { items }))
}

/// A photo's file as a response, for the API and the pages alike.
pub(crate) async fn image(
    state: &AppState,
    who: &guanjia_storage::Principal,
    id: &str,
    thumbnail: bool,
) -> ApiResult<Response> {
    let (content_type, bytes) = state.store.photo_file(who, id, thumbnail).await?;
    Ok((
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "private, max-age=86400".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The photo itself.
#[utoipa::path(get, path = "/api/v1/photos/{id}", tag = "dispatch", responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
async fn photo_file(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    image(&state, &who, &id, false).await
}

/// Its thumbnail (JPEG, at most 320 px on its longer side).
#[utoipa::path(get, path = "/api/v1/photos/{id}/thumbnail", tag = "dispatch", responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
async fn photo_thumbnail(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    image(&state, &who, &id, true).await
}
