//! Hourly chores on every node: forgetting what the sign-in throttle no longer needs (deleting
//! the same old rows from several nodes is harmless, so no lease is needed) and reminding owners
//! of knowledge-base articles due for review (each reminder is claimed, so written once).

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
            if let Err(e) = store.remind_kb_reviews(Utc::now()).await {
                tracing::warn!(error = %e, "reminding of articles due for review failed; trying again in an hour");
            }
        }
    })
}
