//! SOP checklists (作业检查单): admins and managers write a category's steps and whether they
//! are required before resolve; whoever works a ticket ticks them (each tick on the timeline).
//! Resolving with required steps left is 422 `checklist_incomplete`, naming them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::checklist::{ChecklistInput as DomainInput, Step};
use guanjia_storage::{Checklist, TicketChecklist};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, Caller};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_checklists))
        .routes(routes!(get_checklist, put_checklist, delete_checklist))
        .routes(routes!(ticket_checklist))
        .routes(routes!(tick_step))
}

/// A category's checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistView {
    pub category: String,
    /// In order.
    pub steps: Vec<Step>,
    /// Every step ticked before a ticket of the category may be resolved.
    pub required: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<Checklist> for ChecklistView {
    fn from(c: Checklist) -> Self {
        ChecklistView {
            category: c.category,
            steps: c.steps,
            required: c.required,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistInput {
    /// 1–30 steps of 1–200 characters, in order; a step that keeps its text keeps its ticks.
    pub steps: Vec<String>,
    /// Every step ticked before resolve (default false).
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistList {
    pub items: Vec<ChecklistView>,
}

/// The company's checklists, by category (staff).
#[utoipa::path(get, path = "/api/v1/kb/checklists", tag = "kb",
    responses((status = 200, body = ChecklistList), (status = 403)))]
async fn list_checklists(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<ChecklistList>> {
    let items = state.store.checklists(&who).await?;
    Ok(axum::Json(ChecklistList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// One category's checklist (staff); a category without one is 404.
#[utoipa::path(get, path = "/api/v1/kb/checklists/{category}", tag = "kb",
    responses((status = 200, body = ChecklistView), (status = 403), (status = 404)))]
async fn get_checklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(category): Path<String>,
) -> ApiResult<axum::Json<ChecklistView>> {
    Ok(axum::Json(
        state.store.checklist(&who, &category).await?.into(),
    ))
}

/// Writes a category's checklist (admins and managers); audited.
#[utoipa::path(put, path = "/api/v1/kb/checklists/{category}", tag = "kb", request_body = ChecklistInput,
    responses((status = 200, body = ChecklistView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn put_checklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(category): Path<String>,
    ApiJson(input): ApiJson<ChecklistInput>,
) -> ApiResult<axum::Json<ChecklistView>> {
    let input = DomainInput {
        steps: input.steps,
        required: input.required,
    };
    let saved = state
        .store
        .put_checklist(&who, &category, input, Utc::now())
        .await?;
    Ok(axum::Json(saved.into()))
}

/// Removes a category's checklist (admins and managers); audited. The ticks already made stay
/// on their tickets' timelines.
#[utoipa::path(delete, path = "/api/v1/kb/checklists/{category}", tag = "kb",
    responses((status = 204), (status = 403), (status = 404)))]
async fn delete_checklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(category): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_checklist(&who, &category, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A step of a ticket's checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketStep {
    pub id: String,
    pub text: String,
    pub ticked: bool,
    pub ticked_by: Option<String>,
    pub ticked_at: Option<DateTime<Utc>>,
}

/// The checklist of a ticket's category, as ticked on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketChecklistView {
    pub category: String,
    pub required: bool,
    pub steps: Vec<TicketStep>,
}

impl From<TicketChecklist> for TicketChecklistView {
    fn from(c: TicketChecklist) -> Self {
        TicketChecklistView {
            category: c.category,
            required: c.required,
            steps: c
                .steps
                .into_iter()
                .map(|s| {
                    let (ticked_by, ticked_at) = s.ticked.unzip();
                    TicketStep {
                        ticked: ticked_by.is_some(),
                        id: s.step.id,
                        text: s.step.text,
                        ticked_by,
                        ticked_at,
                    }
                })
                .collect(),
        }
    }
}

/// The checklist of a ticket the caller sees; 404 when its category has none.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/checklist", tag = "kb",
    responses((status = 200, body = TicketChecklistView), (status = 403), (status = 404)))]
async fn ticket_checklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TicketChecklistView>> {
    let found = state
        .store
        .ticket_checklist(&who, &id)
        .await?
        .ok_or(guanjia_storage::StorageError::NotFound("kb_checklist"))?;
    Ok(axum::Json(found.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TickInput {
    /// false unticks it.
    pub ticked: bool,
}

/// Ticks or unticks a step of an open ticket's checklist (the desk, or the technician holding
/// the job): an entry on the ticket's timeline. Ticking what is ticked changes nothing.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/checklist/{step_id}", tag = "kb", request_body = TickInput,
    responses((status = 200, body = TicketChecklistView), (status = 403), (status = 404), (status = 422)))]
async fn tick_step(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, step_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<TickInput>,
) -> ApiResult<axum::Json<TicketChecklistView>> {
    let list = state
        .store
        .tick_checklist_step(&who, &id, &step_id, input.ticked, Utc::now())
        .await?;
    Ok(axum::Json(list.into()))
}
