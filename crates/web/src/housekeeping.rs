//! Hourly chores on every node: forgetting what the sign-in throttle no longer needs, device
//! alarms and delivered webhook deliveries past their retention, and message files whose row never
//! committed (deleting the same old rows or files from several nodes is harmless, so no lease is
//! needed; old rows and files go in bounded batches so no statement runs long), and reminding
//! owners of knowledge-base articles due for review (each reminder is claimed, so written once).

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_storage::{FORGET_BATCH, StorageError, Store};

/// Notes of left-over files looked at per run: a node dying between a file's write and its
/// commit is rare, so this clears any backlog within hours while bounding each run.
pub const SWEEP_FILES_PER_RUN: u64 = 1000;

const EVERY: Duration = Duration::from_secs(3600);

/// How long device alarms are kept, in days (`alarm_retention_days`); 0 keeps them forever.
pub const DEFAULT_ALARM_RETENTION_DAYS: u32 = 180;

/// How long delivered webhook deliveries are kept, in days (`webhook_retention_days`); 0 keeps
/// them forever. Failed and undelivered ones are always kept.
pub const DEFAULT_WEBHOOK_RETENTION_DAYS: u32 = 30;

/// How long what housekeeping removes is kept, in days each; 0 keeps it forever.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub alarm_days: u32,
    pub webhook_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            alarm_days: DEFAULT_ALARM_RETENTION_DAYS,
            webhook_days: DEFAULT_WEBHOOK_RETENTION_DAYS,
        }
    }
}

/// Runs until the process ends.
pub fn spawn_housekeeping(store: Store, retention: Retention) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = store.forget_old_sign_in_attempts(Utc::now()).await {
                tracing::warn!(error = %e, "forgetting old sign-in attempts failed; trying again in an hour");
            }
            let now = Utc::now();
            let alarms = forget_old_alarms(&store, retention.alarm_days, now).await;
            let webhooks = forget_old_webhook_deliveries(&store, retention.webhook_days, now).await;
            for (what, result) in [
                ("device alarms", alarms),
                ("delivered webhook deliveries", webhooks),
            ] {
                match result {
                    Ok(0) => {}
                    Ok(gone) => tracing::info!(gone, what, "removed past their retention"),
                    Err(e) => {
                        tracing::warn!(error = %e, what, "removing old rows failed; trying again in an hour");
                    }
                }
            }
            match store
                .sweep_unlisted_files(Utc::now(), SWEEP_FILES_PER_RUN)
                .await
            {
                Ok(0) => {}
                Ok(swept) => tracing::info!(swept, "left-over message files looked at and removed"),
                Err(e) => {
                    tracing::warn!(error = %e, "sweeping left-over message files failed; trying again in an hour");
                }
            }
            if let Err(e) = store.remind_kb_reviews(Utc::now()).await {
                tracing::warn!(error = %e, "reminding of articles due for review failed; trying again in an hour");
            }
        }
    })
}

/// Removes the alarms received more than `days` days before `now`, batch after batch until none
/// is left; answers how many went.
pub async fn forget_old_alarms(
    store: &Store,
    days: u32,
    now: DateTime<Utc>,
) -> Result<u64, StorageError> {
    in_batches(days, now, |before| {
        store.forget_old_alarms(before, FORGET_BATCH)
    })
    .await
}

/// Removes the webhook deliveries delivered more than `days` days before `now` (never a failed
/// or undelivered one), batch after batch until none is left; answers how many went.
pub async fn forget_old_webhook_deliveries(
    store: &Store,
    days: u32,
    now: DateTime<Utc>,
) -> Result<u64, StorageError> {
    in_batches(days, now, |before| {
        store.forget_delivered_webhooks(before, FORGET_BATCH)
    })
    .await
}

/// Calls `forget` with the retention's start until a batch comes back short of [`FORGET_BATCH`].
async fn in_batches<F, Fut>(days: u32, now: DateTime<Utc>, forget: F) -> Result<u64, StorageError>
where
    F: Fn(DateTime<Utc>) -> Fut,
    Fut: Future<Output = Result<u64, StorageError>>,
{
    if days == 0 {
        return Ok(0);
    }
    // A retention reaching before the calendar's start keeps everything.
    let Some(before) = now.checked_sub_signed(chrono::Duration::days(i64::from(days))) else {
        return Ok(0);
    };
    let mut gone = 0;
    loop {
        let batch = forget(before).await?;
        gone += batch;
        if batch < FORGET_BATCH {
            return Ok(gone);
        }
        // Between batches, other work (and other nodes' writes) goes first.
        tokio::task::yield_now().await;
    }
}
