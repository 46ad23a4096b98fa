//! Calls (来电): the phone system's event webhook, the agent's call on now (what the workbench
//! pops up), and the calls a ticket keeps with their recordings.
//!
//! The phone system posts with a desk staff account's bearer token today (as the 12345 platform
//! does); a machine credential plugs in as another extractor giving a principal.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::calls::{CallEventInput, CallState};
use guanjia_domain::phone::mask_phone;
use guanjia_storage::entity::call;
use guanjia_storage::{CallReceived, PageRequest, Principal, Store, TicketFilter};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, Caller};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(receive_call_event))
        .routes(routes!(current_call))
        .routes(routes!(ticket_calls))
}

/// A call as its events made it. The caller's number is masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallView {
    pub id: String,
    /// The phone system's id of the call.
    pub call_id: String,
    pub state: CallState,
    pub caller: String,
    /// The extension that answered, else the one that rang.
    pub extension: String,
    /// The agent of that extension.
    pub staff_id: String,
    pub ringing_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub recording_url: Option<String>,
    /// The ticket its agent opened for the caller during it (or in the after-call work).
    pub ticket_id: Option<String>,
}

impl From<call::Model> for CallView {
    fn from(c: call::Model) -> Self {
        CallView {
            state: c.state.parse().unwrap_or(CallState::Ended),
            caller: mask_phone(&c.caller_phone),
            id: c.id,
            call_id: c.call_id,
            extension: c.extension,
            staff_id: c.staff_id,
            ringing_at: c.ringing_at,
            answered_at: c.answered_at,
            ended_at: c.ended_at,
            recording_url: c.recording_url,
            ticket_id: c.ticket_id,
        }
    }
}

/// Receives an event of a call from the phone system (desk staff accounts): `ringing` at an
/// agent's extension, `answered`, `ended` (with `recording_url`). 201 for a call's first event,
/// 200 after; the same event again, or one arriving late (`answered` after `ended`), changes
/// nothing it should not. An extension no active agent of the caller's projects has is 422 on
/// `extension`.
#[utoipa::path(post, path = "/api/v1/calls/events", tag = "calls", request_body = CallEventInput,
    responses((status = 201, body = CallView, description = "the call's first event"),
        (status = 200, body = CallView, description = "the call, with this event"),
        (status = 403), (status = 422, description = "validation_failed")))]
async fn receive_call_event(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<CallEventInput>,
) -> ApiResult<(StatusCode, axum::Json<CallView>)> {
    let now = Utc::now();
    let event = input.validate(now)?;
    let CallReceived { call, created } = state.store.receive_call_event(&who, event, now).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(call.into())))
}

/// Who is calling: the residents registered under the number in the agent's projects, and the
/// latest tickets with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallerView {
    /// Masked.
    pub phone: String,
    /// A resident of the agent's projects has this number.
    pub known: bool,
    pub residents: Vec<CallerResident>,
    /// The latest five tickets the agent sees with this number, newest first.
    pub recent_tickets: Vec<CallerTicket>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallerResident {
    pub id: String,
    pub name: String,
    /// owner, family, tenant, merchant
    pub role: String,
    pub project_id: String,
    pub room_id: String,
    pub household_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallerTicket {
    pub id: String,
    pub number: String,
    pub status: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
}

/// The agent's call on now, with the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentCall {
    /// Null when no call rings or is on at the agent's extension.
    pub call: Option<CallView>,
    pub caller: Option<CallerView>,
}

/// What the phone system knows of the caller, in `who`'s scope.
pub(crate) async fn caller_of(
    store: &Store,
    who: &Principal,
    phone: &str,
) -> guanjia_storage::Result<CallerView> {
    let residents: Vec<CallerResident> = store
        .residents_by_phone(&who.company_id, phone)
        .await?
        .into_iter()
        .filter(|r| who.sees_project(&r.project_id))
        .map(|r| CallerResident {
            id: r.id,
            name: r.name,
            role: r.role,
            project_id: r.project_id,
            room_id: r.room_id,
            household_id: r.household_id,
        })
        .collect();
    let filter = TicketFilter {
        q: Some(phone.to_owned()),
        ..TicketFilter::default()
    };
    let recent = store
        .tickets(
            who,
            filter,
            PageRequest {
                page: 1,
                per_page: 5,
            },
        )
        .await?;
    Ok(CallerView {
        phone: mask_phone(phone),
        known: !residents.is_empty(),
        residents,
        recent_tickets: recent
            .items
            .into_iter()
            .map(|t| CallerTicket {
                id: t.id,
                number: t.number,
                status: t.status.to_string(),
                title: t.title,
                created_at: t.created_at,
            })
            .collect(),
    })
}

/// The call ringing or on at the caller's own extension, with who is calling: what the
/// workbench pops up (it asks every two seconds; one indexed read when nothing rings).
#[utoipa::path(get, path = "/api/v1/me/calls/current", tag = "calls",
    responses((status = 200, body = CurrentCall)))]
async fn current_call(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<CurrentCall>> {
    let Some(call) = state.store.current_call(&who, Utc::now()).await? else {
        return Ok(axum::Json(CurrentCall {
            call: None,
            caller: None,
        }));
    };
    let caller = caller_of(&state.store, &who, &call.caller_phone).await?;
    Ok(axum::Json(CurrentCall {
        call: Some(call.into()),
        caller: Some(caller),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketCalls {
    pub items: Vec<CallView>,
}

/// The calls a ticket keeps (the one it was opened during), with their recordings; staff who
/// see the ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/calls", tag = "calls",
    responses((status = 200, body = TicketCalls), (status = 403), (status = 404)))]
async fn ticket_calls(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TicketCalls>> {
    let items = state
        .store
        .ticket_calls(&who, &id)
        .await?
        .into_iter()
        .map(CallView::from)
        .collect();
    Ok(axum::Json(TicketCalls { items }))
}
