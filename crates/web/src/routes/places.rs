//! Projects, buildings and rooms.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::setup::{BuildingInput, ProjectInput, RoomInput};
use guanjia_storage::entity::{building, project, room};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_project, list_projects))
        .routes(routes!(get_project, update_project, delete_project))
        .routes(routes!(create_building, list_buildings))
        .routes(routes!(update_building, delete_building))
        .routes(routes!(create_room, list_rooms))
        .routes(routes!(update_room, delete_room))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub time_zone: String,
    pub address: Option<String>,
    /// The business calendar its SLA clocks count; null: the company's default.
    pub calendar_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<project::Model> for ProjectView {
    fn from(p: project::Model) -> Self {
        ProjectView {
            id: p.id,
            code: p.code,
            name: p.name,
            kind: p.kind,
            time_zone: p.time_zone,
            address: p.address,
            calendar_id: p.calendar_id,
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<building::Model> for BuildingView {
    fn from(b: building::Model) -> Self {
        BuildingView {
            id: b.id,
            project_id: b.project_id,
            name: b.name,
            created_at: b.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoomView {
    pub id: String,
    pub project_id: String,
    pub building_id: String,
    pub unit: Option<String>,
    pub number: String,
    pub kind: String,
    pub floor: Option<i32>,
    pub area_m2: Option<f64>,
    pub created_at: DateTime<Utc>,
}

impl From<room::Model> for RoomView {
    fn from(r: room::Model) -> Self {
        RoomView {
            id: r.id,
            project_id: r.project_id,
            building_id: r.building_id,
            unit: Some(r.unit).filter(|u| !u.is_empty()),
            number: r.number,
            kind: r.kind,
            floor: r.floor,
            area_m2: r.area_m2,
            created_at: r.created_at,
        }
    }
}

/// Creates a project (admins only).
#[utoipa::path(post, path = "/api/v1/projects", tag = "places", request_body = ProjectInput, responses((status = 201, body = ProjectView)))]
async fn create_project(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<ProjectInput>,
) -> ApiResult<(StatusCode, axum::Json<ProjectView>)> {
    let project = state
        .store
        .create_project(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(project.into())))
}

/// The projects the caller belongs to.
#[utoipa::path(get, path = "/api/v1/projects", tag = "places", params(PageQuery), responses((status = 200, body = PageOf<ProjectView>)))]
async fn list_projects(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<ProjectView>>> {
    let page = state.store.projects(&who, page.request()?).await?;
    Ok(axum::Json(PageOf::from_page(page, ProjectView::from)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "places", responses((status = 200, body = ProjectView), (status = 404)))]
async fn get_project(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ProjectView>> {
    Ok(axum::Json(state.store.project(&who, &id).await?.into()))
}

/// Adds a building to a project (admins only).
#[utoipa::path(post, path = "/api/v1/projects/{id}/buildings", tag = "places", request_body = BuildingInput, responses((status = 201, body = BuildingView)))]
async fn create_building(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(project_id): Path<String>,
    ApiJson(input): ApiJson<BuildingInput>,
) -> ApiResult<(StatusCode, axum::Json<BuildingView>)> {
    let building = state
        .store
        .create_building(&who, &project_id, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(building.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/buildings", tag = "places", params(PageQuery), responses((status = 200, body = PageOf<BuildingView>)))]
async fn list_buildings(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(project_id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<BuildingView>>> {
    let page = state
        .store
        .buildings(&who, &project_id, page.request()?)
        .await?;
    Ok(axum::Json(PageOf::from_page(page, BuildingView::from)))
}

/// Adds a room, shop, office or parking space to a building (admins only).
#[utoipa::path(post, path = "/api/v1/buildings/{id}/rooms", tag = "places", request_body = RoomInput, responses((status = 201, body = RoomView)))]
async fn create_room(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(building_id): Path<String>,
    ApiJson(input): ApiJson<RoomInput>,
) -> ApiResult<(StatusCode, axum::Json<RoomView>)> {
    let room = state
        .store
        .create_room(&who, &building_id, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(room.into())))
}

#[utoipa::path(get, path = "/api/v1/buildings/{id}/rooms", tag = "places", params(PageQuery), responses((status = 200, body = PageOf<RoomView>)))]
async fn list_rooms(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(building_id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<RoomView>>> {
    let page = state
        .store
        .rooms(&who, &building_id, page.request()?)
        .await?;
    Ok(axum::Json(PageOf::from_page(page, RoomView::from)))
}

/// Changes a project's code, name, kind, time zone or address (admins only), checked as a new
/// one is; open tickets' deadlines follow a new time zone.
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "places", request_body = ProjectInput,
    responses((status = 200, body = ProjectView), (status = 403), (status = 404), (status = 422)))]
async fn update_project(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> ApiResult<axum::Json<ProjectView>> {
    Ok(axum::Json(
        state
            .store
            .update_project(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Deletes a project nothing belongs to yet (admins only); otherwise 409 `in_use` with what
/// depends on it in `details.dependents`.
#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "places",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_project(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_project(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Renames a building (admins only).
#[utoipa::path(put, path = "/api/v1/buildings/{id}", tag = "places", request_body = BuildingInput,
    responses((status = 200, body = BuildingView), (status = 403), (status = 404), (status = 422)))]
async fn update_building(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<BuildingInput>,
) -> ApiResult<axum::Json<BuildingView>> {
    Ok(axum::Json(
        state
            .store
            .update_building(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Deletes a building without rooms that no grid names (admins only); otherwise 409 `in_use`.
#[utoipa::path(delete, path = "/api/v1/buildings/{id}", tag = "places",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_building(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_building(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a room's unit, number, kind, floor or area (admins only).
#[utoipa::path(put, path = "/api/v1/rooms/{id}", tag = "places", request_body = RoomInput,
    responses((status = 200, body = RoomView), (status = 403), (status = 404), (status = 422)))]
async fn update_room(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoomInput>,
) -> ApiResult<axum::Json<RoomView>> {
    Ok(axum::Json(
        state
            .store
            .update_room(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Deletes a room nobody lives in and no ticket names (admins only); otherwise 409 `in_use`.
#[utoipa::path(delete, path = "/api/v1/rooms/{id}", tag = "places",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_room(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_room(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
