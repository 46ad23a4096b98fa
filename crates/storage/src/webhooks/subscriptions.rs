//! Subscriptions: created with a random signing secret (shown once, kept sealed), listed,
//! paused and started again, deleted; their delivery log read and one delivery replayed.

use chrono::{DateTime, Utc};
use guanjia_domain::machine::webhook::{NewWebhook, WebhookEvent};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::auth::new_secret;
use crate::db::Store;
use crate::entity::{project, webhook, webhook_delivery};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, ForUpdate, Page, PageRequest, new_id, require_admin};

/// A subscription as admins read it: never its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookView {
    pub row: webhook::Model,
    pub events: Vec<WebhookEvent>,
    /// Empty: every project.
    pub project_ids: Vec<String>,
}

impl WebhookView {
    pub(crate) fn from_row(row: webhook::Model) -> Self {
        WebhookView {
            events: events_of(&row),
            project_ids: serde_json::from_value(row.project_ids.clone()).unwrap_or_default(),
            row,
        }
    }

    /// Whether the subscription hears of `event` in `project_id`.
    pub(crate) fn hears(&self, event: WebhookEvent, project_id: &str) -> bool {
        self.row.active
            && self.events.contains(&event)
            && (self.project_ids.is_empty() || self.project_ids.iter().any(|p| p == project_id))
    }
}

/// A subscription just created: the only time its secret is known outside the store.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedWebhook {
    pub view: WebhookView,
    pub secret: String,
}

fn events_of(row: &webhook::Model) -> Vec<WebhookEvent> {
    serde_json::from_value::<Vec<String>>(row.events.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.parse().ok())
        .collect()
}

/// Where a subscription's secret is bound when sealed.
pub(super) fn place(company_id: &str, webhook_id: &str) -> String {
    format!("webhooks/{company_id}/{webhook_id}/secret")
}

/// Webhooks carry every project's events out of the installation: an admin of the whole
/// company manages them, as a person.
fn require_hook_admin(who: &Principal) -> Result<()> {
    require_admin(who)?;
    if who.projects != ProjectScope::All || who.is_machine() {
        return Err(StorageError::Forbidden);
    }
    Ok(())
}

impl Store {
    pub async fn create_webhook(
        &self,
        who: &Principal,
        input: NewWebhook,
        now: DateTime<Utc>,
    ) -> Result<CreatedWebhook> {
        require_hook_admin(who)?;
        if !input.project_ids.is_empty() {
            let found = project::Entity::find()
                .filter(project::Column::CompanyId.eq(&who.company_id))
                .filter(project::Column::Id.is_in(input.project_ids.clone()))
                .count(&self.db)
                .await?;
            if found as usize != input.project_ids.len() {
                return Err(StorageError::field(
                    "project_ids",
                    FieldErrorCode::UnknownReference,
                ));
            }
        }
        let id = new_id();
        let secret = format!("whsec_{}", new_secret()?);
        let sealed = self
            .secret_key()?
            .seal(&place(&who.company_id, &id), &secret)?;
        let events: Vec<&str> = input.events.iter().map(|e| e.as_str()).collect();
        let txn = self.begin_write().await?;
        let row = webhook::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(id.clone()),
            url: Set(input.url),
            events: Set(json!(events)),
            project_ids: Set(json!(input.project_ids)),
            include_internal: Set(input.include_internal),
            secret: Set(sealed),
            active: Set(true),
            failures: Set(0),
            paused_at: Set(None),
            created_by: Set(Some(who.id.clone())),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "webhook", &id, "create")
            .record(&txn, facts(&row), now)
            .await?;
        txn.commit().await?;
        Ok(CreatedWebhook {
            view: WebhookView::from_row(row),
            secret,
        })
    }

    pub async fn webhooks(&self, who: &Principal, page: PageRequest) -> Result<Page<WebhookView>> {
        require_hook_admin(who)?;
        let query = webhook::Entity::find().filter(webhook::Column::CompanyId.eq(&who.company_id));
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(webhook::Column::CreatedAt)
            .order_by_desc(webhook::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(
            items.into_iter().map(WebhookView::from_row).collect(),
            total,
        ))
    }

    pub async fn webhook(&self, who: &Principal, id: &str) -> Result<WebhookView> {
        require_hook_admin(who)?;
        self.webhook_row(&who.company_id, id)
            .await
            .map(WebhookView::from_row)
    }

    async fn webhook_row(&self, company_id: &str, id: &str) -> Result<webhook::Model> {
        webhook::Entity::find_by_id((company_id.to_owned(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("webhook"))
    }

    /// Pauses a subscription or starts it again; starting again forgets the failures, and what
    /// waited in the outbox meanwhile goes out in order.
    pub async fn set_webhook_active(
        &self,
        who: &Principal,
        id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<WebhookView> {
        require_hook_admin(who)?;
        let txn = self.begin_write().await?;
        let row = webhook::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .for_update(self.backend())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("webhook"))?;
        let mut change: webhook::ActiveModel = row.into();
        change.active = Set(active);
        change.failures = Set(0);
        change.paused_at = Set((!active).then_some(now));
        change.updated_at = Set(now);
        let row = change.update(&txn).await?;
        Audit::by(who, "webhook", id, if active { "resume" } else { "pause" })
            .record(&txn, json!({}), now)
            .await?;
        txn.commit().await?;
        Ok(WebhookView::from_row(row))
    }

    /// A subscription's deliveries, newest first: what was sent, how often, what came back.
    pub async fn webhook_deliveries(
        &self,
        who: &Principal,
        webhook_id: &str,
        page: PageRequest,
    ) -> Result<Page<webhook_delivery::Model>> {
        require_hook_admin(who)?;
        self.webhook_row(&who.company_id, webhook_id).await?;
        let query = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::CompanyId.eq(&who.company_id))
            .filter(webhook_delivery::Column::WebhookId.eq(webhook_id));
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(webhook_delivery::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items, total))
    }

    /// Sends one delivery again (the same id and body), as soon as the worker comes to it.
    pub async fn replay_webhook_delivery(
        &self,
        who: &Principal,
        webhook_id: &str,
        delivery_id: &str,
        now: DateTime<Utc>,
    ) -> Result<webhook_delivery::Model> {
        require_hook_admin(who)?;
        let txn = self.begin_write().await?;
        let row =
            webhook_delivery::Entity::find_by_id((who.company_id.clone(), delivery_id.to_owned()))
                .for_update(self.backend())
                .one(&txn)
                .await?
                .filter(|d| d.webhook_id == webhook_id)
                .ok_or(StorageError::NotFound("webhook_delivery"))?;
        if row.state == "sending" {
            return Ok(row);
        }
        let mut change: webhook_delivery::ActiveModel = row.into();
        change.state = Set("pending".to_owned());
        change.next_attempt_at = Set(Some(now));
        change.lease_owner = Set(None);
        change.updated_at = Set(now);
        let row = change.update(&txn).await?;
        Audit::by(who, "webhook", webhook_id, "replay")
            .record(&txn, json!({ "delivery_id": delivery_id }), now)
            .await?;
        txn.commit().await?;
        Ok(row)
    }
}

/// What the audit trail keeps of a subscription: never its secret.
fn facts(w: &webhook::Model) -> serde_json::Value {
    json!({
        "url": w.url, "events": w.events, "project_ids": w.project_ids,
        "include_internal": w.include_internal,
    })
}
