//! Deliveries (送达) as the API shows them: on each notification, and what was sent about a
//! ticket, to whom, when and how.

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use guanjia_domain::delivery::{Channel, DeliveryState};
use guanjia_domain::phone::mask_phone;
use guanjia_storage::TicketDelivery;
use guanjia_storage::entity::delivery;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::Caller;
use crate::i18n::Lang;
use crate::routes::notifications::message;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ticket_deliveries))
}

/// One notification on one channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub channel: Channel,
    pub state: DeliveryState,
    /// Where it went, as staff may read it: a masked phone, a WeCom robot (`project:CODE`,
    /// `team:ID`), `wechat`.
    pub target: String,
    /// Attempts started so far.
    pub attempts: i32,
    /// Pending: when the next attempt may start (after a backoff, or at the end of quiet hours).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// aliyun, tencent, wecom; null before the first attempt.
    pub provider: Option<String>,
    /// The provider's id of the message.
    pub provider_message_id: Option<String>,
    /// Why the last attempt failed or why it was skipped: the provider's code and words.
    pub error: Option<DeliveryError>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryError {
    /// The provider's code (`isv.MOBILE_NUMBER_ILLEGAL`, `LimitExceeded.PhoneNumberDailyLimit`,
    /// `93000`), or ours (`http_503`, `timeout`, `no_template`, `sms_not_configured`).
    pub code: String,
    pub reason: String,
}

impl From<delivery::Model> for DeliveryView {
    fn from(d: delivery::Model) -> Self {
        let error = d.error_code.map(|code| DeliveryError {
            code,
            reason: d.error_reason.unwrap_or_default(),
        });
        DeliveryView {
            // Rows are written from these vocabularies only.
            channel: d.channel.parse().unwrap_or(Channel::Sms),
            state: d.state.parse().unwrap_or(DeliveryState::Pending),
            target: d.target,
            attempts: d.attempts,
            // While a node sends it, the time is its lease, not an attempt to come.
            next_attempt_at: d.next_attempt_at.filter(|_| d.lease_owner.is_none()),
            sent_at: d.sent_at,
            provider: d.provider,
            provider_message_id: d.provider_message_id,
            error,
            created_at: d.created_at,
        }
    }
}

/// Whom a notification about a ticket was for.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientView {
    /// staff or resident
    pub kind: String,
    /// The staff member's id; null for a resident.
    pub id: Option<String>,
    /// The staff member's name, or the resident's masked phone.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDeliveryView {
    pub notification_id: String,
    /// The notification's kind (`rating_link`, `job_assigned`, …).
    pub kind: String,
    pub recipient: RecipientView,
    /// What it says, in the caller's language.
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// Read in the app.
    pub read_at: Option<DateTime<Utc>>,
    /// One per channel it took; empty when it stayed in the in-app list.
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDeliveryList {
    pub items: Vec<TicketDeliveryView>,
}

impl TicketDeliveryView {
    pub(crate) fn new(t: TicketDelivery, lang: Lang) -> Self {
        let recipient = match t.staff_name {
            Some(name) => RecipientView {
                kind: "staff".into(),
                id: Some(t.notification.recipient_id.clone()),
                name,
            },
            None => RecipientView {
                kind: "resident".into(),
                id: None,
                name: mask_phone(&t.notification.recipient_id),
            },
        };
        TicketDeliveryView {
            message: message(&t.notification, lang),
            notification_id: t.notification.id,
            kind: t.notification.kind,
            recipient,
            created_at: t.notification.created_at,
            read_at: t.notification.read_at,
            deliveries: t.deliveries.into_iter().map(DeliveryView::from).collect(),
        }
    }
}

/// What was sent about a ticket, to whom, when and how: its latest 200 notifications, newest
/// first, each with its deliveries. Desk staff who see the ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/deliveries", tag = "notifications",
    responses((status = 200, body = TicketDeliveryList), (status = 403), (status = 404)))]
async fn ticket_deliveries(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TicketDeliveryList>> {
    let items = state
        .store
        .ticket_deliveries(&who, &id)
        .await?
        .into_iter()
        .map(|t| TicketDeliveryView::new(t, lang))
        .collect();
    Ok(axum::Json(TicketDeliveryList { items }))
}
