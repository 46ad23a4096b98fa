//! Hourly clean-up on every node: what the sign-in throttle no longer needs. Deleting the same
//! old rows from several nodes is harmless, so no lease is needed.

use std::time::Duration;

use chrono::Utc;
use guanjia_storage::Store;

const EVERY: Duration = Duration::from_secs(3600);

/// Runs until the process ends.
pub fn spawn_housekeeping(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = store.forget_old_sign_in_attempts(Utc::now()).await {
                tracing::warn!(error = %e, "forgetting old sign-in attempts failed; trying again in an hour");
            }
        }
    })
}
