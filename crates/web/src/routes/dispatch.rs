//! Dispatch: grids, duty rosters, who is on duty, and automatic dispatch with its explanation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::dispatch::{GridInput, PriceItemInput, RosterInput, SubtaskInput};
use guanjia_storage::entity::{grid, price_item, subtask};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::explanation;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::i18n::Lang;
use crate::paging::{PageOf, PageQuery};
use crate::routes::tickets::TicketView;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_grid, list_grids))
        .routes(routes!(update_grid, delete_grid))
        .routes(routes!(set_roster))
        .routes(routes!(on_duty))
        .routes(routes!(auto_dispatch))
        .routes(routes!(dispatch_candidates))
        .routes(routes!(create_subtask, list_subtasks))
        .routes(routes!(complete_subtask))
        .routes(routes!(create_price_item))
        .routes(routes!(list_price_items))
        .routes(routes!(ticket_charges))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PriceItemView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub unit: String,
    /// 分 (fen).
    pub price_cents: i64,
    pub active: bool,
}

impl From<price_item::Model> for PriceItemView {
    fn from(p: price_item::Model) -> Self {
        PriceItemView {
            id: p.id,
            project_id: p.project_id,
            name: p.name,
            unit: p.unit,
            price_cents: p.price_cents,
            active: p.active,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PriceItemList {
    pub items: Vec<PriceItemView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeView {
    pub price_item_id: String,
    pub name: String,
    pub unit: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub amount_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Bill {
    pub items: Vec<ChargeView>,
    pub total_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubtaskView {
    pub id: String,
    pub ticket_id: String,
    pub title: String,
    pub team_id: Option<String>,
    pub assignee_id: Option<String>,
    /// open or done
    pub status: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub done_by: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

impl From<subtask::Model> for SubtaskView {
    fn from(s: subtask::Model) -> Self {
        SubtaskView {
            id: s.id,
            ticket_id: s.ticket_id,
            title: s.title,
            team_id: s.team_id,
            assignee_id: s.assignee_id,
            status: s.status.to_string(),
            created_by: s.created_by,
            created_at: s.created_at,
            done_by: s.done_by,
            done_at: s.done_at,
            note: s.note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubtaskList {
    pub items: Vec<SubtaskView>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteSubtask {
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub team_id: String,
    /// Empty: the whole project.
    pub building_ids: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<grid::Model> for GridView {
    fn from(g: grid::Model) -> Self {
        GridView {
            id: g.id,
            project_id: g.project_id,
            name: g.name,
            team_id: g.team_id,
            building_ids: serde_json::from_value(g.building_ids).unwrap_or_default(),
            created_at: g.created_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GridQuery {
    pub project_id: Option<String>,
    /// From 1 (default 1).
    pub page: Option<u64>,
    /// 1–200 (default 50).
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OnDuty {
    /// Technicians of the project on duty now (those without a roster always are).
    pub staff_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AutoDispatched {
    /// true: assigned; false: nobody fits, the job waits in the dispatcher queue (supervisors told).
    pub assigned: bool,
    /// Why, in the caller's language (Accept-Language), as the timeline shows it.
    pub explanation: String,
    pub ticket: TicketView,
}

/// Creates a grid (admins): a response team owns the jobs of some buildings, or of the whole project.
#[utoipa::path(post, path = "/api/v1/grids", tag = "dispatch", request_body = GridInput, responses((status = 201, body = GridView), (status = 422)))]
async fn create_grid(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<GridInput>,
) -> ApiResult<(StatusCode, axum::Json<GridView>)> {
    let created = state
        .store
        .create_grid(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

#[utoipa::path(get, path = "/api/v1/grids", tag = "dispatch", params(GridQuery), responses((status = 200, body = PageOf<GridView>)))]
async fn list_grids(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<GridQuery>,
) -> ApiResult<axum::Json<PageOf<GridView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let all = state
        .store
        .grids(&who, query.project_id.as_deref())
        .await?
        .into_iter()
        .map(GridView::from)
        .collect();
    Ok(axum::Json(PageOf::of_all(all, page)))
}

/// Changes a grid's name, team or buildings (admins only; it stays in its project), checked as a
/// new one is.
#[utoipa::path(put, path = "/api/v1/grids/{id}", tag = "dispatch", request_body = GridInput,
    responses((status = 200, body = GridView), (status = 403), (status = 404), (status = 422)))]
async fn update_grid(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GridInput>,
) -> ApiResult<axum::Json<GridView>> {
    Ok(axum::Json(
        state
            .store
            .update_grid(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Deletes a grid (admins only): nothing depends on one.
#[utoipa::path(delete, path = "/api/v1/grids/{id}", tag = "dispatch", responses((status = 204), (status = 403), (status = 404)))]
async fn delete_grid(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_grid(&who, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a staff member's duty roster (admins, or a supervisor of their project): hours per
/// weekday and dated exceptions (leave, swapped shifts).
#[utoipa::path(put, path = "/api/v1/staff/{id}/roster", tag = "dispatch", request_body = RosterInput, responses((status = 200), (status = 422)))]
async fn set_roster(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RosterInput>,
) -> ApiResult<axum::Json<Value>> {
    let (weekly, exceptions) = input.validate()?;
    Ok(axum::Json(
        state
            .store
            .set_roster(&who, &id, weekly, exceptions, Utc::now())
            .await?,
    ))
}

/// Who is on duty now among the project's technicians.
#[utoipa::path(get, path = "/api/v1/projects/{id}/on-duty", tag = "dispatch", responses((status = 200, body = OnDuty), (status = 404)))]
async fn on_duty(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<OnDuty>> {
    Ok(axum::Json(OnDuty {
        staff_ids: state.store.on_duty_now(&who, &id, Utc::now()).await?,
    }))
}

/// Dispatches a ticket automatically: candidates are filtered by project, the grid of the
/// ticket's building, skill for the category, duty roster and capacity, then chosen by the
/// category's dispatch mode (least_load or round_robin). The explanation goes into the timeline.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/auto-dispatch", tag = "dispatch", responses((status = 200, body = AutoDispatched), (status = 404), (status = 409)))]
async fn auto_dispatch(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AutoDispatched>> {
    let now = Utc::now();
    let done = state.store.auto_dispatch(&who, &id, now).await?;
    let sla = state.store.sla_context(&who.company_id).await?;
    Ok(axum::Json(AutoDispatched {
        assigned: done.assigned,
        explanation: explanation::explanation(lang, &done.explanation),
        ticket: TicketView::new(done.ticket, &who, &sla, now, false, lang),
    }))
}

/// One technician as the dispatch pipeline judged them for a job: facts, which a screen puts
/// into words.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    pub staff_id: String,
    pub name: String,
    /// Whether automatic dispatch could give them the job now.
    pub eligible: bool,
    /// Why not: no_skill, outside_grid, off_duty or at_capacity (the pipeline's filters in order).
    pub exclusion: Option<String>,
    /// The skill that covers the job's category (a category code, or a kind for all its categories).
    pub skill: Option<String>,
    /// A member of the team whose grid covers the job's place (true when no grid covers it).
    pub in_grid: bool,
    pub on_duty: bool,
    pub open_jobs: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateList {
    pub category: Option<String>,
    /// The category's dispatch mode: least_load, round_robin or grab.
    pub mode: String,
    /// Best first; automatic dispatch takes the first eligible one.
    pub items: Vec<CandidateView>,
}

/// The project's technicians for a job, ranked as automatic dispatch would choose among them now
/// (skill, grid, duty, then load), each with the reasons. Desk staff.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/candidates", tag = "dispatch", responses((status = 200, body = CandidateList), (status = 403), (status = 404)))]
async fn dispatch_candidates(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CandidateList>> {
    let ranking = state
        .store
        .dispatch_candidates(&who, &id, Utc::now())
        .await?;
    let items = ranking
        .candidates
        .into_iter()
        .map(|c| CandidateView {
            staff_id: c.id,
            name: c.name,
            eligible: c.exclusion.is_none(),
            exclusion: c.exclusion.map(|e| e.as_str().to_owned()),
            skill: c.skill,
            in_grid: c.in_grid,
            on_duty: c.on_duty,
            open_jobs: c.open_jobs,
        })
        .collect();
    Ok(axum::Json(CandidateList {
        category: ranking.category,
        mode: ranking.mode.as_str().to_owned(),
        items,
    }))
}

/// Asks another team or person to do part of the ticket (协办, desk staff); the ticket cannot be
/// resolved while it is open.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/subtasks", tag = "dispatch", request_body = SubtaskInput, responses((status = 201, body = SubtaskView), (status = 422)))]
async fn create_subtask(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SubtaskInput>,
) -> ApiResult<(StatusCode, axum::Json<SubtaskView>)> {
    let created = state
        .store
        .create_subtask(&who, &id, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/subtasks", tag = "dispatch", responses((status = 200, body = SubtaskList), (status = 404)))]
async fn list_subtasks(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<SubtaskList>> {
    let items = state
        .store
        .subtasks(&who, &id)
        .await?
        .into_iter()
        .map(SubtaskView::from)
        .collect();
    Ok(axum::Json(SubtaskList { items }))
}

/// Marks a sub-task done (its assignee, a member of its team, or desk staff).
#[utoipa::path(post, path = "/api/v1/subtasks/{id}/complete", tag = "dispatch", request_body = CompleteSubtask, responses((status = 200, body = SubtaskView), (status = 403), (status = 422)))]
async fn complete_subtask(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CompleteSubtask>,
) -> ApiResult<axum::Json<SubtaskView>> {
    if input
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > guanjia_domain::ticket::MAX_ACTION_TEXT)
    {
        return Err(guanjia_domain::validation::ValidationError::single(
            "note",
            guanjia_domain::validation::FieldErrorCode::TooLong,
        )
        .into());
    }
    Ok(axum::Json(
        state
            .store
            .complete_subtask(&who, &id, input.note, Utc::now())
            .await?
            .into(),
    ))
}

/// Adds a paid service to a project's price list (admins); the price in yuan, at most two decimals.
#[utoipa::path(post, path = "/api/v1/price-items", tag = "dispatch", request_body = PriceItemInput, responses((status = 201, body = PriceItemView), (status = 422)))]
async fn create_price_item(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<PriceItemInput>,
) -> ApiResult<(StatusCode, axum::Json<PriceItemView>)> {
    let created = state
        .store
        .create_price_item(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// A project's price list (价目表).
#[utoipa::path(get, path = "/api/v1/projects/{id}/price-items", tag = "dispatch", responses((status = 200, body = PriceItemList), (status = 404)))]
async fn list_price_items(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PriceItemList>> {
    let items = state
        .store
        .price_items(&who, &id)
        .await?
        .into_iter()
        .map(PriceItemView::from)
        .collect();
    Ok(axum::Json(PriceItemList { items }))
}

/// A paid job's bill, with the prices it was made with; the resident confirms it with the
/// `confirm_charges` action.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/charges", tag = "dispatch", responses((status = 200, body = Bill), (status = 404)))]
async fn ticket_charges(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Bill>> {
    let lines = state.store.charges(&who, &id).await?;
    let total_cents = lines.iter().map(|l| l.amount_cents).sum();
    let items = lines
        .into_iter()
        .map(|l| ChargeView {
            price_item_id: l.price_item_id,
            name: l.name,
            unit: l.unit,
            unit_price_cents: l.unit_price_cents,
            quantity: l.quantity,
            amount_cents: l.amount_cents,
        })
        .collect();
    Ok(axum::Json(Bill { items, total_cents }))
}
