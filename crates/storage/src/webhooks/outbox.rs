//! Writing events into the outbox, in the transaction of the change they tell of: a change that
//! rolls back tells nobody, and one that commits is delivered at least once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use guanjia_domain::machine::webhook::WebhookEvent;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::subscriptions::{SUBSCRIPTIONS_VERSION, WebhookView};
use crate::entity::{incident, ticket, webhook, webhook_delivery};
use crate::error::Result;
use crate::support::new_id;
use crate::versioned::{VersionedCache, version_of};

/// Each company's active subscriptions, read again only when its subscriptions' version moved:
/// an event then costs one lookup of a counter by its key instead of a read of the
/// subscriptions, and a change made on any node is heard by the next event on every node.
#[derive(Debug, Clone, Default)]
pub(crate) struct SubscriptionCache(VersionedCache<Vec<WebhookView>>);

impl SubscriptionCache {
    async fn active(
        &self,
        db: &impl ConnectionTrait,
        company_id: &str,
    ) -> Result<Arc<Vec<WebhookView>>> {
        let version = version_of(db, company_id, SUBSCRIPTIONS_VERSION).await?;
        if let Some(found) = self.0.fresh(company_id, version) {
            return Ok(found);
        }
        let loaded: Arc<Vec<WebhookView>> = Arc::new(
            webhook::Entity::find()
                .filter(webhook::Column::CompanyId.eq(company_id))
                .filter(webhook::Column::Active.eq(true))
                .all(db)
                .await?
                .into_iter()
                .map(WebhookView::from_row)
                .collect(),
        );
        self.0.keep(company_id, version, loaded.clone());
        Ok(loaded)
    }
}

/// What one event is: its kind, what it is about and what it tells.
pub(crate) struct Event {
    pub company_id: String,
    /// The subscriptions of this project (or of every project) hear of it.
    pub project_id: String,
    /// Keeps a subscription's deliveries about one thing (a ticket, an incident) in order.
    pub order_key: String,
    pub event: WebhookEvent,
    /// What only staff may read, for subscriptions that asked for it.
    pub internal: bool,
    pub data: Value,
}

/// One delivery of the event for each active subscription of the company that hears of it.
pub(crate) async fn emit(
    db: &impl ConnectionTrait,
    subscriptions: &SubscriptionCache,
    e: Event,
    now: DateTime<Utc>,
) -> Result<()> {
    let subscribed = subscriptions.active(db, &e.company_id).await?;
    let rows: Vec<webhook_delivery::ActiveModel> = subscribed
        .iter()
        .filter(|w| w.hears(e.event, &e.project_id) && (!e.internal || w.row.include_internal))
        .map(|w| webhook_delivery::ActiveModel {
            company_id: Set(e.company_id.clone()),
            id: Set(new_id()),
            webhook_id: Set(w.row.id.clone()),
            event: Set(e.event.as_str().to_owned()),
            order_key: Set(e.order_key.clone()),
            data: Set(e.data.clone()),
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

/// What an incident event tells of the incident: the problem, where, how many tickets, when.
/// `ticket_count` is as the event is written.
pub(crate) fn incident_data(i: &incident::Model) -> Value {
    json!({
        "incident": {
            "id": i.id, "project_id": i.project_id, "title": i.title, "category": i.category,
            "place": i.place, "ticket_count": i.ticket_count,
            "formed": if i.created_by.is_some() { "by_hand" } else { "duplicates" },
            "opened_at": i.opened_at, "closed_at": i.closed_at, "created_at": i.created_at,
        }
    })
}
