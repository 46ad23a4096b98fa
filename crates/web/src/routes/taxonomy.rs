//! The category tree and teams.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use guanjia_domain::setup::{CategoryInput, TeamEditInput, TeamInput};
use guanjia_storage::Team;
use guanjia_storage::entity::category;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::PageOf;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, save_category))
        .routes(routes!(create_team, list_teams))
        .routes(routes!(set_team_members))
        .routes(routes!(update_team, delete_team))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    pub kind: String,
    pub label_zh: String,
    pub label_en: String,
    pub active: bool,
    /// always, unless_rated (when null) or never.
    pub follow_up_policy: Option<String>,
    /// least_load (when null) or round_robin.
    pub dispatch_mode: Option<String>,
    /// Photos of the work a technician's finish needs (none when null).
    pub min_photos: Option<i32>,
}

impl From<category::Model> for CategoryView {
    fn from(c: category::Model) -> Self {
        CategoryView {
            code: c.code,
            kind: c.kind,
            label_zh: c.label_zh,
            label_en: c.label_en,
            active: c.active,
            follow_up_policy: c.follow_up_policy.map(|p| p.to_string()),
            dispatch_mode: c.dispatch_mode,
            min_photos: c.min_photos,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryView>,
}

/// The company's categories (seeded from the default taxonomy).
#[utoipa::path(get, path = "/api/v1/categories", tag = "taxonomy", responses((status = 200, body = CategoryList)))]
async fn list_categories(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<CategoryList>> {
    let items = state
        .store
        .categories(&who.company_id)
        .await?
        .into_iter()
        .map(CategoryView::from)
        .collect();
    Ok(axum::Json(CategoryList { items }))
}

/// Adds a category or edits one's labels and state (admins only).
#[utoipa::path(post, path = "/api/v1/categories", tag = "taxonomy", request_body = CategoryInput, responses((status = 200, body = CategoryView)))]
async fn save_category(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<axum::Json<CategoryView>> {
    Ok(axum::Json(
        state
            .store
            .save_category(&who, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub kind: String,
    pub member_ids: Vec<String>,
}

impl From<Team> for TeamView {
    fn from(t: Team) -> Self {
        TeamView {
            id: t.team.id,
            project_id: t.team.project_id,
            name: t.team.name,
            kind: t.team.kind,
            member_ids: t.member_ids,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    pub project_id: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Creates a team of a project (admins only).
#[utoipa::path(post, path = "/api/v1/teams", tag = "taxonomy", request_body = TeamInput, responses((status = 201, body = TeamView)))]
async fn create_team(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<(StatusCode, axum::Json<TeamView>)> {
    let team = state
        .store
        .create_team(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(team.into())))
}

#[utoipa::path(get, path = "/api/v1/teams", tag = "taxonomy", params(TeamQuery), responses((status = 200, body = PageOf<TeamView>)))]
async fn list_teams(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<TeamQuery>,
) -> ApiResult<axum::Json<PageOf<TeamView>>> {
    let page = crate::paging::PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = state
        .store
        .teams(&who, query.project_id.as_deref(), page)
        .await?;
    Ok(axum::Json(PageOf::from_page(page, TeamView::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersInput {
    pub member_ids: Vec<String>,
}

/// Replaces a team's members (admins only).
#[utoipa::path(put, path = "/api/v1/teams/{id}/members", tag = "taxonomy", request_body = MembersInput,
    responses((status = 200, body = TeamView), (status = 404), (status = 422)))]
async fn set_team_members(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MembersInput>,
) -> ApiResult<axum::Json<TeamView>> {
    Ok(axum::Json(
        state
            .store
            .set_team_members(&who, &id, &input.member_ids, Utc::now())
            .await?
            .into(),
    ))
}

/// Renames a team or changes its kind (admins only).
#[utoipa::path(put, path = "/api/v1/teams/{id}", tag = "taxonomy", request_body = TeamEditInput,
    responses((status = 200, body = TeamView), (status = 403), (status = 404), (status = 422)))]
async fn update_team(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TeamEditInput>,
) -> ApiResult<axum::Json<TeamView>> {
    Ok(axum::Json(
        state
            .store
            .update_team(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Deletes a team no grid, ticket or sub-task names (admins only); otherwise 409 `in_use`.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "taxonomy",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in_use")))]
async fn delete_team(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_team(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
