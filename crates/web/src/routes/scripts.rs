//! Standard scripts (话术库): admins and managers keep the approved wording; the desk gets the
//! scripts that fit a ticket with the ticket's values in their placeholders, and each use is
//! counted.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::script::{Fill, ScriptInput as DomainInput, Situation, fill};
use guanjia_storage::entity::kb_script;
use guanjia_storage::{TicketFacts, TicketScripts};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_scripts, create_script))
        .routes(routes!(get_script, update_script))
        .routes(routes!(script_used))
        .routes(routes!(ticket_scripts))
}

/// A standard script.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScriptView {
    pub id: String,
    pub title: String,
    pub situation: Situation,
    /// A category code; null: every category.
    pub category: Option<String>,
    /// The ticket statuses it fits; empty: those its situation is likely in.
    pub states: Vec<String>,
    /// With the placeholders `{称呼}` `{工单号}` `{预计时间}` `{技术员}`.
    pub body: String,
    pub active: bool,
    /// How often the desk used it.
    pub use_count: i64,
    pub updated_at: DateTime<Utc>,
}

impl From<kb_script::Model> for ScriptView {
    fn from(s: kb_script::Model) -> Self {
        ScriptView {
            situation: s.situation.parse().unwrap_or(Situation::Greeting),
            states: serde_json::from_value(s.states).unwrap_or_default(),
            id: s.id,
            title: s.title,
            category: s.category,
            body: s.body,
            active: s.active,
            use_count: s.use_count,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptInput {
    /// 1–100 characters.
    pub title: String,
    pub situation: String,
    /// A category code of the company's taxonomy; none: every category.
    pub category: Option<String>,
    /// Ticket status codes it fits; empty: those its situation is likely in.
    #[serde(default)]
    pub states: Vec<String>,
    /// 1–2,000 characters; `{…}` only for the placeholders `{称呼}` `{工单号}` `{预计时间}`
    /// `{技术员}`.
    pub body: String,
    /// Default true.
    pub active: Option<bool>,
}

impl From<ScriptInput> for DomainInput {
    fn from(i: ScriptInput) -> Self {
        DomainInput {
            title: i.title,
            situation: i.situation,
            category: i.category,
            states: i.states,
            body: i.body,
            active: i.active.unwrap_or(true),
        }
    }
}

/// The company's scripts, by situation then title (staff).
#[utoipa::path(get, path = "/api/v1/kb/scripts", tag = "kb", params(PageQuery),
    responses((status = 200, body = PageOf<ScriptView>), (status = 403), (status = 422)))]
async fn list_scripts(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<ScriptView>>> {
    let found = state.store.kb_scripts(&who, page.request()?).await?;
    Ok(axum::Json(PageOf::from_page(found, ScriptView::from)))
}

/// Writes a new script (admins and managers).
#[utoipa::path(post, path = "/api/v1/kb/scripts", tag = "kb", request_body = ScriptInput,
    responses((status = 201, body = ScriptView), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_script(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<ScriptInput>,
) -> ApiResult<(StatusCode, axum::Json<ScriptView>)> {
    let script = DomainInput::from(input).validate()?;
    let saved = state
        .store
        .create_kb_script(&who, script, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(saved.into())))
}

/// One script (staff).
#[utoipa::path(get, path = "/api/v1/kb/scripts/{id}", tag = "kb",
    responses((status = 200, body = ScriptView), (status = 403), (status = 404)))]
async fn get_script(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ScriptView>> {
    Ok(axum::Json(state.store.kb_script(&who, &id).await?.into()))
}

/// Rewrites a script (admins and managers); its use count stays. `active: false` withdraws it
/// from the suggestions.
#[utoipa::path(put, path = "/api/v1/kb/scripts/{id}", tag = "kb", request_body = ScriptInput,
    responses((status = 200, body = ScriptView), (status = 403), (status = 404), (status = 422, description = "validation_failed")))]
async fn update_script(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ScriptInput>,
) -> ApiResult<axum::Json<ScriptView>> {
    let script = DomainInput::from(input).validate()?;
    let saved = state
        .store
        .update_kb_script(&who, &id, script, Utc::now())
        .await?;
    Ok(axum::Json(saved.into()))
}

/// A use counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScriptUse {
    pub use_count: i64,
}

/// Counts a use of an active script (staff): the desk put it into a reply.
#[utoipa::path(post, path = "/api/v1/kb/scripts/{id}/used", tag = "kb",
    responses((status = 200, body = ScriptUse), (status = 403), (status = 404)))]
async fn script_used(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ScriptUse>> {
    let use_count = state.store.use_kb_script(&who, &id).await?;
    Ok(axum::Json(ScriptUse { use_count }))
}

/// A script suggested for a ticket, its placeholders filled.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedScript {
    pub id: String,
    pub title: String,
    pub situation: Situation,
    pub category: Option<String>,
    /// The body with the ticket's values; a value the ticket does not have yet is `____`.
    pub text: String,
    pub use_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedScripts {
    pub items: Vec<SuggestedScript>,
}

/// The placeholders' values from a ticket's facts; the due time in the project's zone.
pub fn values(facts: &TicketFacts) -> Fill {
    let zone: chrono_tz::Tz = facts.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    Fill {
        salutation: facts.name.clone(),
        // A talk with no ticket yet has no number.
        ticket_number: Some(facts.ticket_number.clone()).filter(|n| !n.is_empty()),
        expected: facts.due_at.map(|due| {
            due.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }),
        technician: facts.technician.clone(),
    }
}

/// The scripts filled for a ticket, best first.
pub fn suggested(found: TicketScripts) -> Vec<SuggestedScript> {
    let values = values(&found.facts);
    found
        .scripts
        .into_iter()
        .map(|s| SuggestedScript {
            text: fill(&s.body, &values),
            situation: s.situation.parse().unwrap_or(Situation::Greeting),
            id: s.id,
            title: s.title,
            category: s.category,
            use_count: s.use_count,
        })
        .collect()
}

/// The scripts that fit a ticket (staff who see it): its category's first, then the situations
/// likeliest in its status; each filled from the ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/scripts", tag = "kb",
    responses((status = 200, body = SuggestedScripts), (status = 403), (status = 404)))]
async fn ticket_scripts(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<SuggestedScripts>> {
    if !who.role.is_staff() {
        return Err(guanjia_storage::StorageError::Forbidden.into());
    }
    let found = state.store.scripts_for_ticket(&who, &id).await?;
    Ok(axum::Json(SuggestedScripts {
        items: suggested(found),
    }))
}
