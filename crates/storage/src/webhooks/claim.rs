//! The worker's side: claim due deliveries with a lease, then finish each with what the receiver
//! answered. No transaction is open while a receiver is called: the claim commits first.
//!
//! One node sends a delivery at a time: the claim takes only rows whose time has come (a pending
//! row's, or a dead sender's lease), PostgreSQL skipping the rows another node is claiming, and
//! moves their time to the end of the lease; a finish counts only while the lease is the
//! sender's. A subscription's deliveries about one ticket go out in the order written: one waits
//! while an earlier one is unfinished (pending, retrying or being sent).

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::delivery::{Backoff, Failure, Next, after_failure};
use guanjia_domain::machine::webhook::PAUSE_AFTER_FAILURES;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::subscriptions::place;
use crate::db::Store;
use crate::entity::{webhook, webhook_delivery};
use crate::error::Result;
use crate::support::ForUpdate;

/// How long a sender holds a delivery: far beyond a receiver's timeout.
pub const LEASE: Duration = Duration::seconds(60);

/// Earlier deliveries of the same subscription and key that are unfinished hold a row back; so
/// does a paused subscription.
const SENDABLE: &str = "NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
    WHERE e.webhook_id = webhook_deliveries.webhook_id \
    AND e.order_key = webhook_deliveries.order_key \
    AND e.next_attempt_at IS NOT NULL AND e.id < webhook_deliveries.id) \
    AND EXISTS (SELECT 1 FROM webhooks w WHERE w.company_id = webhook_deliveries.company_id \
    AND w.id = webhook_deliveries.webhook_id AND w.active)";

/// A delivery this node is to send now, with where to and the secret to sign it with.
#[derive(Debug, Clone)]
pub struct ClaimedWebhook {
    pub delivery: webhook_delivery::Model,
    pub url: String,
    /// None when the secret cannot be opened (the installation's key changed): not sent.
    pub secret: Option<String>,
}

impl ClaimedWebhook {
    /// The body posted: `{"id", "event", "occurred_at", "sent_at", "data"}`. `sent_at` is also
    /// the `X-Guanjia-Timestamp` header, inside what the signature covers.
    pub fn body(&self, sent_at: DateTime<Utc>) -> String {
        let d = &self.delivery;
        json!({
            "id": d.id, "event": d.event, "occurred_at": d.occurred_at,
            "sent_at": sent_at.timestamp(), "data": d.data,
        })
        .to_string()
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookAnswer {
    /// A 2xx status.
    Delivered { status: u16 },
    /// Anything else; `status` when the receiver answered at all.
    Failed {
        status: Option<u16>,
        failure: Failure,
    },
}

impl Store {
    /// Claims up to `limit` due deliveries for `node`, oldest first.
    pub async fn claim_webhooks(
        &self,
        node: &str,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<ClaimedWebhook>> {
        let txn = self.begin_write().await?;
        let due = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .filter(Expr::cust(SENDABLE))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::Id)
            .limit(limit)
            .for_update_skip_locked(self.backend())
            .all(&txn)
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = due.iter().map(|d| d.id.clone()).collect();
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::State, Expr::value("sending"))
            .col_expr(webhook_delivery::Column::LeaseOwner, Expr::value(node))
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(Some(now + LEASE)),
            )
            .col_expr(
                webhook_delivery::Column::Attempts,
                Expr::col(webhook_delivery::Column::Attempts).add(1),
            )
            .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
            .filter(webhook_delivery::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
        let mut hook_ids: Vec<String> = due.iter().map(|d| d.webhook_id.clone()).collect();
        hook_ids.sort();
        hook_ids.dedup();
        let hooks = webhook::Entity::find()
            .filter(webhook::Column::Id.is_in(hook_ids))
            .all(&txn)
            .await?;
        txn.commit().await?;
        let key = self.secret_key().ok();
        Ok(due
            .into_iter()
            .filter_map(|mut delivery| {
                let hook = hooks
                    .iter()
                    .find(|h| h.id == delivery.webhook_id && h.company_id == delivery.company_id)?;
                delivery.attempts += 1;
                delivery.lease_owner = Some(node.to_owned());
                Some(ClaimedWebhook {
                    secret: key
                        .and_then(|k| k.open(&place(&hook.company_id, &hook.id), &hook.secret)),
                    url: hook.url.clone(),
                    delivery,
                })
            })
            .collect())
    }

    /// Records what the receiver answered, while the lease is still `node`'s: delivered, or
    /// retried after `backoff`, or given up. Each failure counts against the subscription, which
    /// is paused after [`PAUSE_AFTER_FAILURES`] in a row; a success starts the count again.
    pub async fn finish_webhook(
        &self,
        node: &str,
        claimed: &ClaimedWebhook,
        answer: &WebhookAnswer,
        backoff: Backoff,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let d = &claimed.delivery;
        let txn = self.begin_write().await?;
        let mine = webhook_delivery::Entity::update_many()
            .filter(webhook_delivery::Column::CompanyId.eq(&d.company_id))
            .filter(webhook_delivery::Column::Id.eq(&d.id))
            .filter(webhook_delivery::Column::LeaseOwner.eq(node))
            .filter(webhook_delivery::Column::State.eq("sending"))
            .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now));
        let hook = webhook::Entity::update_many()
            .filter(webhook::Column::CompanyId.eq(&d.company_id))
            .filter(webhook::Column::Id.eq(&d.webhook_id));
        match answer {
            WebhookAnswer::Delivered { status } => {
                let done = mine
                    .col_expr(webhook_delivery::Column::State, Expr::value("delivered"))
                    .col_expr(
                        webhook_delivery::Column::NextAttemptAt,
                        Expr::value(None::<DateTime<Utc>>),
                    )
                    .col_expr(
                        webhook_delivery::Column::LastStatus,
                        Expr::value(Some(i32::from(*status))),
                    )
                    .col_expr(
                        webhook_delivery::Column::LastError,
                        Expr::value(None::<String>),
                    )
                    .col_expr(
                        webhook_delivery::Column::DeliveredAt,
                        Expr::value(Some(now)),
                    )
                    .exec(&txn)
                    .await?;
                if done.rows_affected > 0 {
                    hook.filter(webhook::Column::Failures.gt(0))
                        .col_expr(webhook::Column::Failures, Expr::value(0))
                        .exec(&txn)
                        .await?;
                }
            }
            WebhookAnswer::Failed { status, failure } => {
                let attempts = u32::try_from(d.attempts).unwrap_or(u32::MAX);
                let (state, next) = match after_failure(failure, attempts, backoff, None, now) {
                    Next::RetryAt(at) => ("pending", Some(at)),
                    Next::GiveUp => ("failed", None),
                };
                let done = mine
                    .col_expr(webhook_delivery::Column::State, Expr::value(state))
                    .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
                    .col_expr(
                        webhook_delivery::Column::LastStatus,
                        Expr::value(status.map(i32::from)),
                    )
                    .col_expr(
                        webhook_delivery::Column::LastError,
                        Expr::value(Some(format!("{}: {}", failure.code, failure.reason))),
                    )
                    .exec(&txn)
                    .await?;
                if done.rows_affected > 0 {
                    hook.clone()
                        .col_expr(
                            webhook::Column::Failures,
                            Expr::col(webhook::Column::Failures).add(1),
                        )
                        .exec(&txn)
                        .await?;
                    let paused = hook
                        .filter(webhook::Column::Active.eq(true))
                        .filter(webhook::Column::Failures.gte(PAUSE_AFTER_FAILURES))
                        .col_expr(webhook::Column::Active, Expr::value(false))
                        .col_expr(webhook::Column::PausedAt, Expr::value(Some(now)))
                        .exec(&txn)
                        .await?;
                    if paused.rows_affected > 0 {
                        tracing::warn!(webhook = %d.webhook_id, "a webhook kept failing and was paused");
                    }
                }
            }
        }
        txn.commit().await?;
        Ok(())
    }
}
