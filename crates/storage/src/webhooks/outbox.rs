//! Writing events into the outbox, in the transaction of the change they tell of: a change that
//! rolls back tells nobody, and one that commits is delivered at least once.

use chrono::{DateTime, Utc};
use guanjia_domain::machine::webhook::WebhookEvent;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::subscriptions::WebhookView;
use crate::entity::{ticket, webhook, webhook_delivery};
use crate::error::Result;
use crate::support::new_id;

/// One delivery of `event` for each active subscription of the company that hears of it in
/// `project_id`. `order_key` (the ticket's id) keeps a subscription's deliveries about one thing
/// in order; `internal` marks what only staff may read, for subscriptions that asked for it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn emit(
    db: &impl ConnectionTrait,
    company_id: &str,
    project_id: &str,
    order_key: &str,
    event: WebhookEvent,
    internal: bool,
    data: Value,
    now: DateTime<Utc>,
) -> Result<()> {
    // A company has a handful of subscriptions; reading them is one indexed query.
    let subscribed = webhook::Entity::find()
        .filter(webhook::Column::CompanyId.eq(company_id))
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?;
    let rows: Vec<webhook_delivery::ActiveModel> = subscribed
        .into_iter()
        .map(WebhookView::from_row)
        .filter(|w| w.hears(event, project_id) && (!internal || w.row.include_internal))
        .map(|w| webhook_delivery::ActiveModel {
            company_id: Set(company_id.to_owned()),
            id: Set(new_id()),
            webhook_id: Set(w.row.id),
            event: Set(event.as_str().to_owned()),
            order_key: Set(order_key.to_owned()),
            data: Set(data.clone()),
            occurred_at: Set(now),
            state: Set("pending".to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(Some(now)),
            lease_owner: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            delivered_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        webhook_delivery::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// What a ticket event tells of the ticket: its state, never a resident's contact details.
pub(crate) fn ticket_data(t: &ticket::Model) -> Value {
    json!({
        "id": t.id, "number": t.number, "project_id": t.project_id, "room_id": t.room_id,
        "kind": t.kind, "category": t.category, "urgency": t.urgency, "status": t.status,
        "channel": t.channel, "title": t.title, "assignee_id": t.assignee_id, "team_id": t.team_id,
        "escalation_risk": t.escalation_risk, "satisfaction": t.satisfaction,
        "created_at": t.created_at, "updated_at": t.updated_at,
    })
}
