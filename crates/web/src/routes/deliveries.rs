//! What was sent about a ticket, to whom, when and how: its notifications with their deliveries.

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use guanjia_domain::phone::mask_phone;
use guanjia_storage::TicketDelivery;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::Caller;
use crate::i18n::Lang;
use crate::routes::notifications::{DeliveryView, message};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ticket_deliveries))
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
