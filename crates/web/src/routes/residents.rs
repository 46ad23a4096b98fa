//! Residents.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::announcement::{TagInput, TagsInput};
use guanjia_domain::delivery::{PreferenceInput, PreferredChannel};
use guanjia_domain::phone::{mask_phone, normalize_phone};
use guanjia_domain::setup::ResidentInput;
use guanjia_storage::ResidentFilter;
use guanjia_storage::entity::resident;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resident, list_residents))
        .routes(routes!(get_resident, update_resident, delete_resident))
        .routes(routes!(merge_residents))
        .routes(routes!(set_preferred_channel))
        .routes(routes!(set_my_preferred_channel))
        .routes(routes!(get_resident_tags, set_resident_tags))
}

/// A resident's tags; sensitive ones only for butlers, managers and admins.
#[utoipa::path(get, path = "/api/v1/residents/{id}/tags", tag = "residents",
    responses((status = 200, body = Vec<TagInput>), (status = 404)))]
async fn get_resident_tags(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<TagInput>>> {
    Ok(axum::Json(state.store.resident_tags(&who, &id).await?))
}

/// Replaces a resident's tags, which announcements can target (desk staff; audited). Sensitive
/// tags are set, seen and cleared by butlers, managers and admins only (403 for others); others' changes
/// leave them as they are.
#[utoipa::path(put, path = "/api/v1/residents/{id}/tags", tag = "residents", request_body = TagsInput,
    responses((status = 200, body = Vec<TagInput>), (status = 403), (status = 404), (status = 422)))]
async fn set_resident_tags(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TagsInput>,
) -> ApiResult<axum::Json<Vec<TagInput>>> {
    let tags = input.validate()?;
    Ok(axum::Json(
        state
            .store
            .set_resident_tags(&who, &id, tags, Utc::now())
            .await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentView {
    pub id: String,
    pub household_id: String,
    pub project_id: String,
    pub room_id: String,
    pub name: String,
    /// Masked in lists (138****5678).
    pub phone: String,
    pub role: String,
    pub tier: String,
    /// The channel they hear on: sms or wechat.
    pub preferred_channel: PreferredChannel,
    pub created_at: DateTime<Utc>,
}

impl From<resident::Model> for ResidentView {
    fn from(r: resident::Model) -> Self {
        ResidentView {
            id: r.id,
            household_id: r.household_id,
            project_id: r.project_id,
            room_id: r.room_id,
            name: r.name,
            phone: r.phone,
            role: r.role,
            tier: r.tier,
            // Written from the vocabulary only; the column's default is sms.
            preferred_channel: r.preferred_channel.parse().unwrap_or(PreferredChannel::Sms),
            created_at: r.created_at,
        }
    }
}

impl ResidentView {
    fn listed(r: resident::Model) -> Self {
        let mut view = Self::from(r);
        view.phone = mask_phone(&view.phone);
        view
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentQuery {
    pub project_id: Option<String>,
    pub room_id: Option<String>,
    /// Exact phone number, any common format.
    pub phone: Option<String>,
    /// Part of a name.
    pub name: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Registers a resident in a room's household.
#[utoipa::path(post, path = "/api/v1/residents", tag = "residents", request_body = ResidentInput, responses((status = 201, body = ResidentView)))]
async fn create_resident(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<ResidentInput>,
) -> ApiResult<(StatusCode, axum::Json<ResidentView>)> {
    let resident = state
        .store
        .create_resident(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(resident.into())))
}

/// Residents in the caller's projects; phones are masked.
#[utoipa::path(get, path = "/api/v1/residents", tag = "residents", params(ResidentQuery), responses((status = 200, body = PageOf<ResidentView>)))]
async fn list_residents(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<ResidentQuery>,
) -> ApiResult<axum::Json<PageOf<ResidentView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let phone = query.phone.map(|raw| normalize_phone(&raw).unwrap_or(raw));
    let filter = ResidentFilter {
        project_id: query.project_id,
        room_id: query.room_id,
        phone,
        name: query.name,
    };
    let page = state.store.residents(&who, filter, page).await?;
    Ok(axum::Json(PageOf::from_page(page, ResidentView::listed)))
}

/// One resident, phone in full.
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "residents", responses((status = 200, body = ResidentView), (status = 404)))]
async fn get_resident(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ResidentView>> {
    Ok(axum::Json(state.store.resident(&who, &id).await?.into()))
}

/// Corrects a resident or moves them to another room (admins only), checked as a new one is.
#[utoipa::path(put, path = "/api/v1/residents/{id}", tag = "residents", request_body = ResidentInput,
    responses((status = 200, body = ResidentView), (status = 403), (status = 404), (status = 422)))]
async fn update_resident(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ResidentInput>,
) -> ApiResult<axum::Json<ResidentView>> {
    Ok(axum::Json(
        state
            .store
            .update_resident(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Removes a resident who never reported anything (admins only); otherwise 409 `in_use`.
#[utoipa::path(delete, path = "/api/v1/residents/{id}", tag = "residents",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_resident(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_resident(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The record that turned out to be the same person; it is deleted once its history moved.
    pub from_resident_id: String,
}

/// What a merge moved onto the record kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergedView {
    pub resident: ResidentView,
    pub tickets: u64,
    pub conversations: u64,
    pub contact_points: u64,
    pub notifications: u64,
}

/// Merges another resident record into this one (admins): its tickets, conversations, contact
/// points (its phone among them) and notifications move here, and it is deleted; audited.
#[utoipa::path(post, path = "/api/v1/residents/{id}/merge", tag = "residents",
    request_body = MergeInput,
    responses((status = 200, body = MergedView), (status = 403), (status = 404), (status = 422)))]
async fn merge_residents(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<axum::Json<MergedView>> {
    let merged = state
        .store
        .merge_residents(&who, &id, &input.from_resident_id, Utc::now())
        .await?;
    Ok(axum::Json(MergedView {
        resident: merged.resident.into(),
        tickets: merged.tickets,
        conversations: merged.conversations,
        contact_points: merged.contact_points,
        notifications: merged.notifications,
    }))
}

/// Sets the channel a resident hears on: `sms` or `wechat` (admins and desk staff of their
/// project; audited). WeChat falls back to SMS while the resident is not bound or it fails.
#[utoipa::path(put, path = "/api/v1/residents/{id}/preferred-channel", tag = "residents", request_body = PreferenceInput,
    responses((status = 200, body = ResidentView), (status = 403), (status = 404), (status = 422)))]
async fn set_preferred_channel(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PreferenceInput>,
) -> ApiResult<axum::Json<ResidentView>> {
    let channel = input.validate()?;
    Ok(axum::Json(
        state
            .store
            .set_preferred_channel(&who, &id, channel, Utc::now())
            .await?
            .into(),
    ))
}

/// A signed-in resident sets the channel they hear on, for every home registered under their
/// phone (audited); staff are 403.
#[utoipa::path(put, path = "/api/v1/me/preferred-channel", tag = "residents", request_body = PreferenceInput,
    responses((status = 200, body = Vec<ResidentView>), (status = 403), (status = 422)))]
async fn set_my_preferred_channel(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<PreferenceInput>,
) -> ApiResult<axum::Json<Vec<ResidentView>>> {
    let channel = input.validate()?;
    let mine = state
        .store
        .set_my_preferred_channel(&who, channel, Utc::now())
        .await?;
    Ok(axum::Json(
        mine.into_iter().map(ResidentView::from).collect(),
    ))
}
