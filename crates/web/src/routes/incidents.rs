//! Incidents (事件): one real-world problem that several tickets report. Formed automatically
//! when a ticket is linked as a duplicate (its original and the duplicates), or by hand.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::validation::{FieldErrorCode, Problems, ValidationError};
use guanjia_storage::entity::{incident, ticket};
use guanjia_storage::{IncidentFilter, NewIncident, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::i18n::Lang;
use crate::paging::{PageOf, PageQuery};
use crate::routes::tickets::TicketView;
use crate::state::AppState;

/// Most tickets gathered into an incident at once.
const MAX_TICKETS: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_incidents, create_incident))
        .routes(routes!(get_incident))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub category: Option<String>,
    /// Where, as residents say it: 3栋2单元, B座.
    pub place: Option<String>,
    /// open, or closed once every ticket of it is closed or cancelled.
    pub status: String,
    /// When its first ticket was reported.
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub ticket_count: i32,
    /// Who gathered it by hand; null when formed from a duplicate link.
    pub created_by: Option<String>,
}

impl From<incident::Model> for IncidentView {
    fn from(i: incident::Model) -> Self {
        IncidentView {
            id: i.id,
            project_id: i.project_id,
            title: i.title,
            category: i.category,
            place: i.place,
            status: if i.closed_at.is_some() {
                "closed"
            } else {
                "open"
            }
            .to_owned(),
            opened_at: i.opened_at,
            closed_at: i.closed_at,
            ticket_count: i.ticket_count,
            created_by: i.created_by,
        }
    }
}

/// An incident with its tickets (those the caller may see), in the order they were reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentView,
    pub tickets: Vec<TicketView>,
}

impl IncidentDetail {
    async fn new(
        state: &AppState,
        who: &Principal,
        lang: Lang,
        (found, tickets): (incident::Model, Vec<ticket::Model>),
    ) -> ApiResult<Self> {
        let sla = state.store.sla_context(&who.company_id).await?;
        let now = Utc::now();
        let tickets = tickets
            .into_iter()
            .map(|t| TicketView::new(t, who, &sla, now, true, lang))
            .collect();
        Ok(IncidentDetail {
            incident: found.into(),
            tickets,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    pub project_id: Option<String>,
    /// open or closed.
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    pub title: String,
    /// Tickets of one project; one already in another incident leaves it.
    pub ticket_ids: Vec<String>,
}

/// The incidents of the projects the caller sees, newest first. Staff only.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery), responses((status = 200, body = PageOf<IncidentView>), (status = 403)))]
async fn list_incidents(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<IncidentQuery>,
) -> ApiResult<axum::Json<PageOf<IncidentView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let open = match query.status.as_deref() {
        None => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(_) => return Err(ValidationError::single("status", FieldErrorCode::Invalid).into()),
    };
    let page = state
        .store
        .incidents(
            &who,
            IncidentFilter {
                project_id: query.project_id,
                open,
            },
            page,
        )
        .await?;
    Ok(axum::Json(PageOf::from_page(page, IncidentView::from)))
}

/// One incident with its tickets; out of scope is 404.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", responses((status = 200, body = IncidentDetail), (status = 404)))]
async fn get_incident(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<IncidentDetail>> {
    let found = state.store.incident(&who, &id).await?;
    Ok(axum::Json(
        IncidentDetail::new(&state, &who, lang, found).await?,
    ))
}

/// Gathers tickets of one project into an incident by hand (desk staff).
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = IncidentInput,
    responses((status = 201, body = IncidentDetail), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_incident(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    ApiJson(input): ApiJson<IncidentInput>,
) -> ApiResult<(StatusCode, axum::Json<IncidentDetail>)> {
    let mut p = Problems::new();
    p.text("title", &input.title, 200);
    if input.ticket_ids.is_empty() {
        p.add("ticket_ids", FieldErrorCode::Required);
    } else if input.ticket_ids.len() > MAX_TICKETS {
        p.add("ticket_ids", FieldErrorCode::TooLong);
    }
    p.into_result(())?;
    let created = state
        .store
        .create_incident(
            &who,
            NewIncident {
                title: input.title.trim().to_owned(),
                ticket_ids: input.ticket_ids,
            },
            Utc::now(),
        )
        .await?;
    let found = state.store.incident(&who, &created.id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(IncidentDetail::new(&state, &who, lang, found).await?),
    ))
}
