//! Webhooks (事件推送): company-wide admins subscribe an http(s) URL to events and get its
//! signing secret once; they read each subscription's delivery log, pause and resume it, and
//! replay one delivery.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::machine::webhook::{WebhookEvent, WebhookInput};
use guanjia_storage::WebhookView;
use guanjia_storage::entity::webhook_delivery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::routes::staff::ActiveInput;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook, list_webhooks))
        .routes(routes!(get_webhook))
        .routes(routes!(set_webhook_active))
        .routes(routes!(list_deliveries))
        .routes(routes!(replay_delivery))
}

/// A subscription as admins see it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// Empty: every project of the company.
    pub project_ids: Vec<String>,
    pub include_internal: bool,
    /// False while paused (by an admin, or after failing again and again).
    pub active: bool,
    /// Failed attempts in a row.
    pub failures: i32,
    pub paused_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<WebhookView> for WebhookOut {
    fn from(w: WebhookView) -> Self {
        WebhookOut {
            events: w.events,
            project_ids: w.project_ids,
            id: w.row.id,
            url: w.row.url,
            include_internal: w.row.include_internal,
            active: w.row.active,
            failures: w.row.failures,
            paused_at: w.row.paused_at,
            created_at: w.row.created_at,
        }
    }
}

/// A subscription just created: `secret` is shown this once; verify each delivery's
/// `X-Guanjia-Signature` with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhookOut {
    pub id: String,
    pub secret: String,
    #[serde(flatten)]
    pub details: WebhookOut,
}

/// One delivery of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryOut {
    /// The `id` the receiver saw: the same on every attempt and replay.
    pub id: String,
    pub event: String,
    pub occurred_at: DateTime<Utc>,
    /// pending | sending | delivered | failed
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status on the last attempt.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub data: serde_json::Value,
}

impl From<webhook_delivery::Model> for WebhookDeliveryOut {
    fn from(d: webhook_delivery::Model) -> Self {
        WebhookDeliveryOut {
            id: d.id,
            event: d.event,
            occurred_at: d.occurred_at,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at,
            data: d.data,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WebhookQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl WebhookQuery {
    fn page(self) -> ApiResult<guanjia_storage::PageRequest> {
        PageQuery {
            page: self.page,
            per_page: self.per_page,
        }
        .request()
    }
}

/// Subscribes a URL to events (company-wide admins). Targets on loopback or private networks
/// are refused when delivered unless the installation sets `webhook_allow_private`.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, body = CreatedWebhookOut), (status = 403), (status = 422)))]
async fn create_webhook(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<WebhookInput>,
) -> ApiResult<(StatusCode, axum::Json<CreatedWebhookOut>)> {
    let created = state
        .store
        .create_webhook(&who, input.validate()?, Utc::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedWebhookOut {
            id: created.view.row.id.clone(),
            secret: created.secret,
            details: created.view.into(),
        }),
    ))
}

/// The company's subscriptions, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", params(WebhookQuery),
    responses((status = 200, body = PageOf<WebhookOut>), (status = 403)))]
async fn list_webhooks(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<WebhookQuery>,
) -> ApiResult<axum::Json<PageOf<WebhookOut>>> {
    let page = state.store.webhooks(&who, query.page()?).await?;
    Ok(axum::Json(PageOf::from_page(page, WebhookOut::from)))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    responses((status = 200, body = WebhookOut), (status = 403), (status = 404)))]
async fn get_webhook(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<WebhookOut>> {
    Ok(axum::Json(state.store.webhook(&who, &id).await?.into()))
}

/// Pauses a subscription or resumes it; what waited meanwhile then goes out in order.
#[utoipa::path(put, path = "/api/v1/webhooks/{id}/active", tag = "webhooks",
    request_body = ActiveInput,
    responses((status = 200, body = WebhookOut), (status = 403), (status = 404)))]
async fn set_webhook_active(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActiveInput>,
) -> ApiResult<axum::Json<WebhookOut>> {
    Ok(axum::Json(
        state
            .store
            .set_webhook_active(&who, &id, input.active, Utc::now())
            .await?
            .into(),
    ))
}

/// The delivery log of a subscription, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(WebhookQuery),
    responses((status = 200, body = PageOf<WebhookDeliveryOut>), (status = 403), (status = 404)))]
async fn list_deliveries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<WebhookQuery>,
) -> ApiResult<axum::Json<PageOf<WebhookDeliveryOut>>> {
    let page = state
        .store
        .webhook_deliveries(&who, &id, query.page()?)
        .await?;
    Ok(axum::Json(PageOf::from_page(
        page,
        WebhookDeliveryOut::from,
    )))
}

/// Sends one delivery again, with the same id and data.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
    tag = "webhooks",
    responses((status = 200, body = WebhookDeliveryOut), (status = 403), (status = 404)))]
async fn replay_delivery(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, delivery_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<WebhookDeliveryOut>> {
    Ok(axum::Json(
        state
            .store
            .replay_webhook_delivery(&who, &id, &delivery_id, Utc::now())
            .await?
            .into(),
    ))
}
