//! Hourly clean-up on every node: what the sign-in throttle no longer needs, device alarms past
//! their retention, and message files whose row never committed. Deleting the same old rows (or
//! files) from several nodes is harmless, so no lease is needed; alarms and files go in bounded
//! batches so no statement runs long.

use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_storage::{FORGET_BATCH, StorageError, Store};

/// Notes of left-over files looked at per run: a node dying between a file's write and its
/// commit is rare, so this clears any backlog within hours while bounding each run.
pub const SWEEP_FILES_PER_RUN: u64 = 1000;

const EVERY: Duration = Duration::from_secs(3600);

/// How long device alarms are kept, in days (`alarm_retention_days`); 0 keeps them forever.
pub const DEFAULT_ALARM_RETENTION_DAYS: u32 = 180;

/// Runs until the process ends.
pub fn spawn_housekeeping(store: Store, alarm_retention_days: u32) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = store.forget_old_sign_in_attempts(Utc::now()).await {
                tracing::warn!(error = %e, "forgetting old sign-in attempts failed; trying again in an hour");
            }
            match forget_old_alarms(&store, alarm_retention_days, Utc::now()).await {
                Ok(0) => {}
                Ok(gone) => tracing::info!(gone, "device alarms past their retention removed"),
                Err(e) => {
                    tracing::warn!(error = %e, "removing old device alarms failed; trying again in an hour");
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
    if days == 0 {
        return Ok(0);
    }
    // A retention reaching before the calendar's start keeps everything.
    let Some(before) = now.checked_sub_signed(chrono::Duration::days(i64::from(days))) else {
        return Ok(0);
    };
    let mut gone = 0;
    loop {
        let batch = store.forget_old_alarms(before, FORGET_BATCH).await?;
        gone += batch;
        if batch < FORGET_BATCH {
            return Ok(gone);
        }
        // Between batches, other work (and other nodes' writes) goes first.
        tokio::task::yield_now().await;
    }
}
