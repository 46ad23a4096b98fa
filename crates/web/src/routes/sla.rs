//! SLA policies and the simulator that shows what deadlines a ticket would get.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::sla::{EscalationStep, PolicyInput, SimulationInput, Targets};
use guanjia_storage::TicketClock;
use guanjia_storage::entity::sla_policy;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::routes::tickets::DeadlineView;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(get_policy, update_policy))
        .routes(routes!(simulate))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    pub id: String,
    pub name: String,
    pub project_id: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub tier: Option<String>,
    /// Null: the ticket's project's calendar.
    pub calendar_id: Option<String>,
    pub targets: Targets,
    pub warn_at_percent: Vec<u8>,
    pub escalation: Vec<EscalationStep>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<sla_policy::Model> for PolicyView {
    fn from(p: sla_policy::Model) -> Self {
        PolicyView {
            id: p.id,
            name: p.name,
            project_id: p.project_id,
            kind: p.kind,
            category: p.category,
            urgency: p.urgency,
            tier: p.tier,
            calendar_id: p.calendar_id,
            targets: serde_json::from_value(p.targets).unwrap_or_default(),
            warn_at_percent: serde_json::from_value(p.warn_at_percent).unwrap_or_default(),
            escalation: serde_json::from_value(p.escalation).unwrap_or_default(),
            active: p.active,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One clock a simulated ticket would get.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulatedDeadline {
    #[serde(flatten)]
    pub deadline: DeadlineView,
    pub started_at: DateTime<Utc>,
    pub calendar_id: String,
    /// The business time allowed, in seconds.
    pub budget_seconds: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Simulation {
    pub deadlines: Vec<SimulatedDeadline>,
}

/// The company's policies, oldest first. Each clock of a ticket takes the most specific matching
/// active policy that sets it; precedence: project, urgency, category, kind, service tier; the
/// older of equals wins.
#[utoipa::path(get, path = "/api/v1/sla/policies", tag = "sla", params(PageQuery), responses((status = 200, body = PageOf<PolicyView>)))]
async fn list_policies(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<PolicyView>>> {
    let all = state
        .store
        .sla_policies(&who)
        .await?
        .into_iter()
        .map(PolicyView::from)
        .collect();
    Ok(axum::Json(PageOf::of_all(all, page.request()?)))
}

/// Adds a policy (admins only); open tickets' deadlines are recomputed.
#[utoipa::path(post, path = "/api/v1/sla/policies", tag = "sla", request_body = PolicyInput, responses((status = 201, body = PolicyView), (status = 422)))]
async fn create_policy(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<PolicyInput>,
) -> ApiResult<(StatusCode, axum::Json<PolicyView>)> {
    let created = state
        .store
        .create_sla_policy(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

#[utoipa::path(get, path = "/api/v1/sla/policies/{id}", tag = "sla", responses((status = 200, body = PolicyView), (status = 404)))]
async fn get_policy(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PolicyView>> {
    Ok(axum::Json(state.store.sla_policy(&who, &id).await?.into()))
}

/// Replaces a policy (admins only; `active: false` retires it); open tickets' deadlines follow.
#[utoipa::path(put, path = "/api/v1/sla/policies/{id}", tag = "sla", request_body = PolicyInput, responses((status = 200, body = PolicyView), (status = 422)))]
async fn update_policy(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> ApiResult<axum::Json<PolicyView>> {
    Ok(axum::Json(
        state
            .store
            .update_sla_policy(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// The deadlines a ticket would get if reported at `start_at` (the follow-up clock as if resolved
/// then), with the policy and calendar behind each.
#[utoipa::path(post, path = "/api/v1/sla/simulate", tag = "sla", request_body = SimulationInput, responses((status = 200, body = Simulation), (status = 422)))]
async fn simulate(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<SimulationInput>,
) -> ApiResult<axum::Json<Simulation>> {
    let (traits, start) = input.validate(Utc::now())?;
    let clocks = state.store.simulate_deadlines(&who, &traits, start).await?;
    let deadlines = clocks
        .into_iter()
        .map(|tc: TicketClock| SimulatedDeadline {
            started_at: tc.clock.started_at,
            budget_seconds: tc.clock.budget.num_seconds(),
            calendar_id: tc.calendar_id.clone(),
            deadline: DeadlineView::from(tc),
        })
        .collect();
    Ok(axum::Json(Simulation { deadlines }))
}
