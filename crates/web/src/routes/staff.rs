//! Staff accounts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::calls::ExtensionInput;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::setup::{PasswordInput, StaffEditInput, StaffInput};
use guanjia_storage::StaffMember;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_staff, list_staff))
        .routes(routes!(set_active))
        .routes(routes!(set_extension))
        .routes(routes!(update_staff, delete_staff))
        .routes(routes!(set_password))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub id: String,
    pub username: String,
    pub name: String,
    pub role: String,
    pub project_ids: Vec<String>,
    pub skills: Vec<String>,
    /// Masked in lists.
    pub phone: Option<String>,
    pub active: bool,
    /// The phone system's extension (分机号) that rings at their desk.
    pub extension: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl StaffView {
    pub fn full(member: StaffMember) -> Self {
        let skills = member.skills();
        let s = member.staff;
        StaffView {
            id: s.id,
            username: s.username,
            name: s.name,
            role: s.role,
            project_ids: member.project_ids,
            skills,
            phone: s.phone,
            active: s.active,
            extension: s.extension,
            created_at: s.created_at,
        }
    }

    fn listed(member: StaffMember) -> Self {
        let mut view = Self::full(member);
        view.phone = view.phone.as_deref().map(mask_phone);
        view
    }
}

/// Creates a staff account (admins only).
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", request_body = StaffInput,
    responses((status = 201, body = StaffView), (status = 422, description = "validation_failed")))]
async fn create_staff(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<StaffInput>,
) -> ApiResult<(StatusCode, axum::Json<StaffView>)> {
    let input = input.validate()?;
    let company_id = who.company_id.clone();
    let member = state
        .store
        .create_staff(Some(&who), &company_id, input, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(StaffView::full(member))))
}

/// Staff who share a project with the caller.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", params(PageQuery), responses((status = 200, body = PageOf<StaffView>)))]
async fn list_staff(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<StaffView>>> {
    let page = state.store.staff_list(&who, page.request()?).await?;
    Ok(axum::Json(PageOf::from_page(page, StaffView::listed)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveInput {
    pub active: bool,
}

/// Deactivates a staff account or activates it again (admins only; not their own): an inactive
/// account cannot sign in, its sessions stop at once, and it is not dispatched to.
#[utoipa::path(put, path = "/api/v1/staff/{id}/active", tag = "staff", request_body = ActiveInput,
    responses((status = 200, body = StaffView), (status = 403), (status = 404), (status = 422)))]
async fn set_active(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActiveInput>,
) -> ApiResult<axum::Json<StaffView>> {
    Ok(axum::Json(StaffView::full(
        state
            .store
            .set_staff_active(&who, &id, input.active, Utc::now())
            .await?,
    )))
}

/// Sets the phone system's extension (分机号) that rings at a staff member's desk, or takes it
/// away with null (admins only; audited): their workbench pops up the caller of a call ringing
/// there. Another's extension is 422 `taken`.
#[utoipa::path(put, path = "/api/v1/staff/{id}/extension", tag = "staff", request_body = ExtensionInput,
    responses((status = 200, body = StaffView), (status = 403), (status = 404), (status = 422)))]
async fn set_extension(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ExtensionInput>,
) -> ApiResult<axum::Json<StaffView>> {
    Ok(axum::Json(StaffView::full(
        state
            .store
            .set_staff_extension(&who, &id, input.validate()?, Utc::now())
            .await?,
    )))
}

/// Changes a staff member's name, role, projects, skills and phone (admins only; an admin keeps
/// their own admin role). Dispatch and escalation follow at once.
#[utoipa::path(put, path = "/api/v1/staff/{id}", tag = "staff", request_body = StaffEditInput,
    responses((status = 200, body = StaffView), (status = 403), (status = 404), (status = 422)))]
async fn update_staff(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StaffEditInput>,
) -> ApiResult<axum::Json<StaffView>> {
    Ok(axum::Json(StaffView::full(
        state
            .store
            .update_staff(&who, &id, input.validate()?, Utc::now())
            .await?,
    )))
}

/// Deletes an account made by mistake (admins only, not their own). One with history (tickets,
/// timeline entries, sub-tasks, praise) is 409 `in_use`: deactivate it instead
/// (`PUT /api/v1/staff/{id}/active`).
#[utoipa::path(delete, path = "/api/v1/staff/{id}", tag = "staff",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_staff(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_staff(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a new password (admins only): the account's sessions end at once.
#[utoipa::path(post, path = "/api/v1/staff/{id}/password", tag = "staff", request_body = PasswordInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn set_password(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PasswordInput>,
) -> ApiResult<StatusCode> {
    state
        .store
        .set_staff_password(&who, &id, input.validate()?, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
