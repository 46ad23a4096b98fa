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
        .routes(routes!(get_project))
        .routes(routes!(create_building, list_buildings))
        .routes(routes!(create_room, list_rooms))
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
        BuildingView { id: b.id, project_id: b.project_id, name: b.name, created_at: b.created_at }
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
    let project = state.store.create_project(&who, input.validate()?, Utc::now()).await?;
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
async fn get_project(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<String>) -> ApiResult<axum::Json<ProjectView>> {
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
    let building = state.store.create_building(&who, &project_id, input.validate()?, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(building.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/buildings", tag = "places", params(PageQuery), responses((status = 200, body = PageOf<BuildingView>)))]
async fn list_buildings(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(project_id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<BuildingView>>> {
    let page = state.store.buildings(&who, &project_id, page.request()?).await?;
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
    let room = state.store.create_room(&who, &building_id, input.validate()?, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(room.into())))
}

#[utoipa::path(get, path = "/api/v1/buildings/{id}/rooms", tag = "places", params(PageQuery), responses((status = 200, body = PageOf<RoomView>)))]
async fn list_rooms(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(building_id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<RoomView>>> {
    let page = state.store.rooms(&who, &building_id, page.request()?).await?;
    Ok(axum::Json(PageOf::from_page(page, RoomView::from)))
}
