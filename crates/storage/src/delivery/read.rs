//! Reading deliveries back: per notification for the outbox lists, per ticket for its page.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::{delivery, notification, staff, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;

/// The most notifications one ticket's delivery list shows, newest first.
const TICKET_DELIVERIES: u64 = 200;

/// One notification about a ticket, whom it was for, and its deliveries.
#[derive(Debug, Clone)]
pub struct TicketDelivery {
    pub notification: notification::Model,
    /// The staff member's name; None for a resident (known by phone).
    pub staff_name: Option<String>,
    pub deliveries: Vec<delivery::Model>,
}

impl Store {
    /// The deliveries of notifications of one company, by notification id.
    pub async fn deliveries_of(
        &self,
        company_id: &str,
        notification_ids: &[String],
    ) -> Result<HashMap<String, Vec<delivery::Model>>> {
        let mut by_notification: HashMap<String, Vec<delivery::Model>> = HashMap::new();
        if notification_ids.is_empty() {
            return Ok(by_notification);
        }
        let rows = delivery::Entity::find()
            .filter(delivery::Column::CompanyId.eq(company_id))
            .filter(delivery::Column::NotificationId.is_in(notification_ids.iter().cloned()))
            .order_by_asc(delivery::Column::CreatedAt)
            .all(&self.db)
            .await?;
        for d in rows {
            by_notification
                .entry(d.notification_id.clone())
                .or_default()
                .push(d);
        }
        Ok(by_notification)
    }

    /// What was sent about a ticket, to whom, when and how: its notifications (the latest 200)
    /// with their deliveries. Desk staff and above who see the ticket only: a technician or a
    /// resident does not read others' messages.
    pub async fn ticket_deliveries(
        &self,
        who: &Principal,
        ticket_id: &str,
    ) -> Result<Vec<TicketDelivery>> {
        let t = self.ticket(who, ticket_id).await?;
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        self.sent_about(&t, None).await
    }

    /// What was sent to the caller about a ticket they see (a resident's progress messages on
    /// their request's page), the latest 200 with their deliveries.
    pub async fn my_ticket_deliveries(
        &self,
        who: &Principal,
        ticket_id: &str,
    ) -> Result<Vec<TicketDelivery>> {
        let t = self.ticket(who, ticket_id).await?;
        self.sent_about(&t, Some(&who.id)).await
    }

    /// The notifications about `t`, to `recipient` only when named, newest first.
    async fn sent_about(
        &self,
        t: &ticket::Model,
        recipient: Option<&str>,
    ) -> Result<Vec<TicketDelivery>> {
        let mut query = notification::Entity::find()
            .filter(notification::Column::CompanyId.eq(&t.company_id))
            .filter(notification::Column::TicketId.eq(&t.id));
        if let Some(recipient) = recipient {
            query = query.filter(notification::Column::RecipientId.eq(recipient));
        }
        let notifications = query
            .order_by_desc(notification::Column::CreatedAt)
            .order_by_desc(notification::Column::Id)
            .limit(TICKET_DELIVERIES)
            .all(&self.db)
            .await?;
        let ids: Vec<String> = notifications.iter().map(|n| n.id.clone()).collect();
        let mut deliveries = self.deliveries_of(&t.company_id, &ids).await?;
        let recipients: Vec<String> = notifications
            .iter()
            .map(|n| n.recipient_id.clone())
            .collect();
        let names: HashMap<String, String> = staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(&t.company_id))
            .filter(staff::Column::Id.is_in(recipients))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok(notifications
            .into_iter()
            .map(|n| TicketDelivery {
                staff_name: names.get(&n.recipient_id).cloned(),
                deliveries: deliveries.remove(&n.id).unwrap_or_default(),
                notification: n,
            })
            .collect())
    }
}
