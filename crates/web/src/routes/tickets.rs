//! Tickets: intake, queue, actions, timeline.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::phone::mask_phone;
use guanjia_domain::sla::SlaState;
use guanjia_domain::ticket::{ActionRequest, Status, TicketInput, step_of_entry};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::entity::{ticket, ticket_event};
use guanjia_storage::{
    After, Opened, Principal, SlaContext, TicketClock, TicketFilter, TicketOrder, Understanding,
    allowed_actions, follow_up_policy_of, platform_order_of,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::explanation;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::i18n::Lang;
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_ticket, list_tickets))
        .routes(routes!(get_ticket))
        .routes(routes!(act_on_ticket))
        .routes(routes!(ticket_events))
        .routes(routes!(my_follow_ups))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub name: Option<String>,
    /// Masked in lists.
    pub phone: Option<String>,
}

/// One SLA clock of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    /// first_response, arrival, resolution, follow_up, rectification; for a 12345 order also
    /// hotline_accept (签收) and hotline_finish (办结), due when the platform set them.
    pub name: String,
    /// When it is due; for a paused clock, when it would be due if resumed now.
    pub due_at: DateTime<Utc>,
    /// running, paused, met, breached
    pub state: String,
    /// Business time left in seconds (negative once overdue); null once the clock finished.
    pub remaining_seconds: Option<i64>,
    /// The SLA policy that set this clock's target.
    pub policy_id: String,
}

impl From<TicketClock> for DeadlineView {
    fn from(tc: TicketClock) -> Self {
        DeadlineView {
            name: tc.clock.name.as_str().to_owned(),
            due_at: tc.clock.due_at,
            state: tc.clock.state.as_str().to_owned(),
            remaining_seconds: tc.clock.remaining.map(|r| r.num_seconds()),
            policy_id: tc.policy_id,
        }
    }
}

/// The 12345 order a ticket came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformOrderView {
    /// 工单编号
    pub order_no: String,
    /// 签收时限 (the `hotline_accept` clock).
    pub accept_by: Option<DateTime<Utc>>,
    /// 办理时限 (the `hotline_finish` clock).
    pub finish_by: DateTime<Utc>,
    /// When the first complete handling result was written.
    pub answered_at: Option<DateTime<Utc>>,
}

/// Another open ticket that may report the same thing.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DuplicateCandidateView {
    pub id: String,
    /// 0–1; from 0.75 the ticket is linked automatically.
    pub score: f32,
    /// Why, for the agent.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    pub id: String,
    /// Human-readable, unique per company: GJ-20261122-0001.
    pub number: String,
    pub kind: String,
    pub category: Option<String>,
    pub urgency: String,
    pub status: String,
    pub channel: String,
    pub project_id: String,
    pub room_id: Option<String>,
    pub household_id: Option<String>,
    pub resident_id: Option<String>,
    pub contact: ContactView,
    pub title: String,
    pub description: String,
    pub first_contact_owner_id: Option<String>,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    /// Why the last automatic dispatch chose whom it chose, or queued the job, in the caller's
    /// language (Accept-Language).
    pub dispatch_explanation: Option<String>,
    /// Collaboration sub-tasks (协办) still open: the ticket is not resolved before they are done.
    pub open_subtasks: i32,
    /// A paid service's bill in fen (分), and whether the resident confirmed it: pending, accepted, disputed.
    pub charge_total_cents: Option<i64>,
    pub charge_status: Option<String>,
    pub deadlines: Vec<DeadlineView>,
    /// The 12345 hotline order it came from (channel `hotline_12345`), else null.
    pub hotline_order: Option<PlatformOrderView>,
    /// The actions the caller may take now (what a screen offers as buttons).
    pub allowed_actions: Vec<String>,
    pub escalation_risk: bool,
    pub escalation_level: i32,
    pub duplicate_of: Option<String>,
    /// The incident (one outage, many tickets) this ticket is part of.
    pub incident_id: Option<String>,
    /// Open tickets that may report the same thing, best first.
    pub duplicate_candidates: Vec<DuplicateCandidateView>,
    pub repeat_of: Option<String>,
    /// The overall rating of the last follow-up, 1–5.
    pub satisfaction: Option<i32>,
    pub timeliness: Option<i32>,
    pub attitude: Option<i32>,
    pub reopen_count: i32,
    /// Who calls back after resolve (the first-contact owner, else a butler of the project).
    pub follow_up_owner_id: Option<String>,
    /// always, unless_rated or never (complaints: always).
    pub follow_up_policy: String,
    /// Calls that did not reach the resident since the last resolve.
    pub follow_up_attempts: i32,
    /// How the last follow-up ended: reached, rated or unreachable.
    pub follow_up_result: Option<String>,
    pub followed_up_at: Option<DateTime<Utc>>,
    /// The first resolve (the resolution clock stops there); later resolves follow rectification.
    pub first_resolved_at: Option<DateTime<Utc>>,
    /// The latest reopen for rectification.
    pub reopened_at: Option<DateTime<Utc>>,
    /// A reviewed suggestion: adopted (true) or declined.
    pub adopted: Option<bool>,
    pub reported_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl TicketView {
    pub fn new(
        t: ticket::Model,
        who: &Principal,
        sla: &SlaContext,
        now: DateTime<Utc>,
        mask: bool,
        lang: Lang,
    ) -> Self {
        let deadlines = sla
            .clocks(&t, now)
            .into_iter()
            .map(DeadlineView::from)
            .collect();
        let allowed_actions = allowed_actions(who, &t)
            .into_iter()
            .map(|a| a.as_str().to_owned())
            .collect();
        let follow_up_policy = follow_up_policy_of(&t).as_str().to_owned();
        let hotline_order = platform_order_of(&t).map(|p| PlatformOrderView {
            order_no: p.order_no,
            accept_by: p.accept_by,
            finish_by: p.finish_by,
            answered_at: p.answered_at,
        });
        let phone = if mask {
            t.contact_phone.as_deref().map(mask_phone)
        } else {
            t.contact_phone
        };
        TicketView {
            id: t.id,
            number: t.number,
            kind: t.kind.to_string(),
            category: t.category,
            urgency: t.urgency.to_string(),
            status: t.status.to_string(),
            channel: t.channel.to_string(),
            project_id: t.project_id,
            room_id: t.room_id,
            household_id: t.household_id,
            resident_id: t.resident_id,
            contact: ContactView {
                name: t.contact_name,
                phone,
            },
            title: t.title,
            description: t.description,
            first_contact_owner_id: t.first_contact_owner_id,
            assignee_id: t.assignee_id,
            team_id: t.team_id,
            // Why the dispatcher chose whom it chose names staff and their load: not for residents.
            dispatch_explanation: t
                .dispatch_explanation
                .filter(|_| who.role != guanjia_domain::role::Role::Resident)
                .map(|stored| explanation::stored(lang, &stored)),
            open_subtasks: t.open_subtasks,
            charge_total_cents: t.charge_total_cents,
            charge_status: t.charge_status.map(|s| s.to_string()),
            deadlines,
            hotline_order,
            allowed_actions,
            escalation_risk: t.escalation_risk,
            escalation_level: t.escalation_level,
            duplicate_of: t.duplicate_of,
            incident_id: t.incident_id,
            duplicate_candidates: t
                .duplicate_candidates
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
            repeat_of: t.repeat_of,
            satisfaction: t.satisfaction,
            timeliness: t.timeliness,
            attitude: t.attitude,
            reopen_count: t.reopen_count,
            follow_up_policy,
            follow_up_owner_id: t.follow_up_owner_id,
            follow_up_attempts: t.follow_up_attempts,
            follow_up_result: t.follow_up_result.map(|r| r.to_string()),
            followed_up_at: t.followed_up_at,
            first_resolved_at: t.first_resolved_at,
            reopened_at: t.reopened_at,
            adopted: t.adopted,
            reported_at: t.reported_at,
            created_at: t.created_at,
            updated_at: t.updated_at,
            first_responded_at: t.first_responded_at,
            arrived_at: t.arrived_at,
            resolved_at: t.resolved_at,
            closed_at: t.closed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: String,
    pub ticket_id: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    /// create, or the action taken.
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// internal or resident
    pub visibility: String,
    pub details: Value,
    pub created_at: DateTime<Utc>,
    /// The step in a resident's words: submitted, received, arranging, technician_accepted,
    /// technician_arrived, paused, resumed, done, rated, redoing, closed, cancelled, reply,
    /// added_information, chased, photo, bill or update.
    pub progress: String,
}

impl From<ticket_event::Model> for EventView {
    fn from(e: ticket_event::Model) -> Self {
        let role = e
            .actor_role
            .parse()
            .unwrap_or(guanjia_domain::role::Role::Admin);
        let progress = step_of_entry(&e.action, role, e.to_status.map(|s| *s))
            .as_str()
            .to_owned();
        EventView {
            progress,
            id: e.id,
            ticket_id: e.ticket_id,
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            action: e.action,
            from_status: e.from_status.map(|s| s.to_string()),
            to_status: e.to_status.map(|s| s.to_string()),
            visibility: e.visibility.to_string(),
            details: e.details,
            created_at: e.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventView>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    /// One status or several, comma-separated.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub channel: Option<String>,
    pub project_id: Option<String>,
    pub assignee_id: Option<String>,
    pub room_id: Option<String>,
    pub team_id: Option<String>,
    pub first_contact_owner_id: Option<String>,
    /// Reported at or after (RFC 3339): with `reported_to`, the tickets behind a figure.
    pub reported_from: Option<DateTime<Utc>>,
    /// Reported before (RFC 3339).
    pub reported_to: Option<DateTime<Utc>>,
    /// Ticket number, phone number or words of the title and description.
    pub q: Option<String>,
    /// warning: an open clock is past its first early warning; breached: an open clock is overdue.
    pub sla_state: Option<String>,
    /// true: only the caller's own tickets (我的): those they own from first contact or are assigned.
    pub mine: Option<bool>,
    /// created (default): the newest first; due: the nearest deadline still counting first, the
    /// most overdue before all, tickets with no clock counting last. With `sla_state`, always due.
    pub sort: Option<String>,
    /// The `next` cursor of the page before: the page right after it, however deep, instead
    /// of `page`.
    pub after: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A page of tickets: the list contract (`items`, `total`, `page`, `per_page`) and the cursor of
/// the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketList {
    pub items: Vec<TicketView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Pass as `after` for the page that follows; null on the last page. Given on the first
    /// page and on pages read with `after`, not on pages read by number.
    pub next: Option<String>,
}

/// Opens a ticket. Kind, category and urgency left out are filled from the text (the timeline's
/// first entry says which); an escalation risk in the text or a 12345 transfer is flagged.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = TicketInput,
    responses((status = 201, body = TicketView), (status = 422, description = "validation_failed")))]
async fn create_ticket(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiJson(input): ApiJson<TicketInput>,
) -> ApiResult<(StatusCode, axum::Json<TicketView>)> {
    let now = Utc::now();
    let Opened { ticket, sla } = state
        .store
        .open_ticket(&who, input, now, Understanding::FromText)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TicketView::new(ticket, &who, &sla, now, false, lang)),
    ))
}

/// The tickets the caller may see, newest first or by deadline, with filters and search; pages
/// by number, or by the `next` cursor (`after`), which stays as fast however deep.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(TicketQuery), responses((status = 200, body = TicketList), (status = 422)))]
async fn list_tickets(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiQuery(query): ApiQuery<TicketQuery>,
) -> ApiResult<axum::Json<TicketList>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let statuses: Vec<String> = query
        .status
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if statuses.iter().any(|s| s.parse::<Status>().is_err()) {
        return Err(ValidationError::single("status", FieldErrorCode::Invalid).into());
    }
    let sla_state = match query.sla_state.as_deref() {
        Some(s) => Some(
            s.parse::<SlaState>()
                .map_err(|_| ValidationError::single("sla_state", FieldErrorCode::Invalid))?,
        ),
        None => None,
    };
    let order = match query.sort.as_deref() {
        None | Some("created") => TicketOrder::Newest,
        Some("due") => TicketOrder::Deadline,
        Some(_) => return Err(ValidationError::single("sort", FieldErrorCode::Invalid).into()),
    };
    let after = match query.after.as_deref() {
        Some(cursor) => Some(
            After::decode(cursor)
                .ok_or_else(|| ValidationError::single("after", FieldErrorCode::Invalid))?,
        ),
        None => None,
    };
    let now = Utc::now();
    let filter = TicketFilter {
        statuses,
        kind: query.kind,
        category: query.category,
        urgency: query.urgency,
        channel: query.channel,
        project_id: query.project_id,
        assignee_id: query.assignee_id,
        room_id: query.room_id,
        team_id: query.team_id,
        first_contact_owner_id: query.first_contact_owner_id,
        reported_from: query.reported_from,
        reported_to: query.reported_to,
        q: query.q,
        sla_state: sla_state.map(|s| (s, now)),
        awaiting_follow_up_by: None,
        mine_of: query.mine.unwrap_or(false).then(|| who.id.clone()),
        order,
    };
    let (items, total, next) = if after.is_some() || page.page == 1 {
        let keyset = state
            .store
            .tickets_after(&who, filter, page.per_page, after.as_ref())
            .await?;
        (keyset.items, keyset.total, keyset.next.map(|a| a.encode()))
    } else {
        let numbered = state.store.tickets(&who, filter, page).await?;
        (numbered.items, numbered.total, None)
    };
    let sla = state.store.sla_context(&who.company_id).await?;
    Ok(axum::Json(TicketList {
        items: items
            .into_iter()
            .map(|t| TicketView::new(t, &who, &sla, now, true, lang))
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
        next,
    }))
}

/// One ticket; out of scope is 404.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", responses((status = 200, body = TicketView), (status = 404)))]
async fn get_ticket(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TicketView>> {
    let ticket = state.store.ticket(&who, &id).await?;
    let sla = state.store.sla_context(&who.company_id).await?;
    Ok(axum::Json(TicketView::new(
        ticket,
        &who,
        &sla,
        Utc::now(),
        false,
        lang,
    )))
}

/// Moves a ticket: `{"action": "dispatch", "assignee_id": "…"}`. A status that does not allow
/// the action is 409 `invalid_transition`, and nothing changes (`details.reason` says why when a
/// rule beyond the status refused it: `already_rated`, `already_on_site`, `chased_recently`, …).
/// Notes, reasons and the work done are internal unless `tell_resident` is true. A technician's
/// `resolve` needs the work done in `body`.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/actions", tag = "tickets", request_body = ActionRequest,
    responses((status = 200, body = TicketView), (status = 403), (status = 404), (status = 409, description = "invalid_transition"), (status = 422)))]
async fn act_on_ticket(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ActionRequest>,
) -> ApiResult<axum::Json<TicketView>> {
    let now = Utc::now();
    let ticket = state.act_on_ticket(&who, &id, request, now).await?;
    let sla = state.store.sla_context(&who.company_id).await?;
    Ok(axum::Json(TicketView::new(
        ticket, &who, &sla, now, false, lang,
    )))
}

/// The timeline: every change, who, when, what. Residents see the entries meant for them.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/events", tag = "tickets", responses((status = 200, body = EventList), (status = 404)))]
async fn ticket_events(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<EventList>> {
    let items = state
        .store
        .ticket_events(&who, &id)
        .await?
        .into_iter()
        .map(EventView::from)
        .collect();
    Ok(axum::Json(EventList { items }))
}

/// Resolved tickets waiting for the caller's follow-up call (回访任务), oldest resolve first
/// within the page's order (newest created first, like every ticket list).
#[utoipa::path(get, path = "/api/v1/me/follow-ups", tag = "closed loop", params(PageQuery), responses((status = 200, body = PageOf<TicketView>)))]
async fn my_follow_ups(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<PageOf<TicketView>>> {
    let page = query.request()?;
    let filter = TicketFilter {
        awaiting_follow_up_by: Some(who.id.clone()),
        ..TicketFilter::default()
    };
    let now = Utc::now();
    let page = state.store.tickets(&who, filter, page).await?;
    let sla = state.store.sla_context(&who.company_id).await?;
    Ok(axum::Json(PageOf::from_page(page, |t| {
        TicketView::new(t, &who, &sla, now, true, lang)
    })))
}
