//! Hourly chores on every node: forgetting what the sign-in throttle no longer needs and device
//! alarms past their retention (deleting the same old rows from several nodes is harmless, so no
//! lease is needed; alarms go in bounded batches so no statement runs long), and reminding owners
//! of knowledge-base articles due for review (each reminder is claimed, so written once).

use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_storage::{FORGET_BATCH, StorageError, Store};

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
