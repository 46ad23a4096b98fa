//! The webhook worker: every node claims due deliveries with a lease, posts each (signed) with no
//! transaction open, and records what the receiver answered. It looks every `poll`, and at once
//! again after a full round.

use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_channels::{WebhookPost, WebhookSender};
use guanjia_domain::delivery::{Backoff, Failure};
use guanjia_storage::{ClaimedWebhook, StorageError, Store, WebhookAnswer};
use tokio::task::JoinSet;

/// Deliveries claimed per round, posted side by side.
const BATCH: u64 = 100;

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WebhookWorker {
    pub sender: WebhookSender,
    /// This node's name in the leases.
    pub node: String,
    pub poll: Duration,
    pub backoff: Backoff,
}

/// Delivers until the process ends.
pub fn spawn_webhooks(store: Store, worker: WebhookWorker) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let full = match deliver_webhooks_due(&store, &worker, Utc::now()).await {
                Ok(claimed) => claimed as u64 >= BATCH,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook round failed; retrying shortly");
                    false
                }
            };
            if !full {
                tokio::time::sleep(worker.poll).await;
            }
        }
    })
}

/// One round as of `now`: claims what is due, posts it side by side (one delivery per ticket and
/// subscription at a time: the claim sees to that), records each answer. Answers how many.
pub async fn deliver_webhooks_due(
    store: &Store,
    worker: &WebhookWorker,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    let claimed = store.claim_webhooks(&worker.node, now, BATCH).await?;
    let count = claimed.len();
    let mut sending = JoinSet::new();
    for c in claimed {
        let (store, worker) = (store.clone(), worker.clone());
        sending.spawn(async move {
            let answer = post(&worker.sender, &c).await;
            let result = match answer {
                WebhookAnswer::Delivered { .. } => "delivered",
                WebhookAnswer::Failed { .. } => "failed",
            };
            metrics::counter!("guanjia_webhook_deliveries_total", "result" => result).increment(1);
            if result == "delivered" {
                let lag = (Utc::now() - c.delivery.occurred_at).num_milliseconds() as f64 / 1000.0;
                metrics::histogram!("guanjia_webhook_lag_seconds").record(lag);
            }
            let finished = now.max(Utc::now());
            if let Err(e) = store
                .finish_webhook(&worker.node, &c, &answer, worker.backoff, finished)
                .await
            {
                tracing::warn!(error = %e, delivery = %c.delivery.id, "recording a webhook delivery failed; its lease will expire and it is sent again");
            }
        });
    }
    while sending.join_next().await.is_some() {}
    Ok(count)
}

async fn post(sender: &WebhookSender, c: &ClaimedWebhook) -> WebhookAnswer {
    let Some(secret) = &c.secret else {
        return WebhookAnswer::Failed {
            status: None,
            failure: Failure {
                code: "secret_unreadable".to_owned(),
                reason: "the signing secret cannot be opened with this secret_key".to_owned(),
                permanent: true,
                retry_after: None,
            },
        };
    };
    let sent_at = Utc::now();
    let body = c.body(sent_at);
    let sent = sender
        .post(WebhookPost {
            url: &c.url,
            secret,
            delivery_id: &c.delivery.id,
            event: &c.delivery.event,
            timestamp: sent_at.timestamp(),
            body: &body,
        })
        .await;
    match sent {
        Ok(status) => WebhookAnswer::Delivered { status },
        Err((status, failure)) => WebhookAnswer::Failed { status, failure },
    }
}
