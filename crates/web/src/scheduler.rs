//! The background scheduler: every node sweeps for due SLA steps, announcements (scheduled
//! sends, reminders), last week's inspection sampling rounds, last month's scorecards and the day
//! facts of changed tickets; leases in the database make each fire exactly once however many nodes
//! run (for rounds, the round's and each ticket's unique inspection key; for scorecards, the
//! locked month's key; summing a day twice is harmless).

use std::time::Duration;

use chrono::Utc;
use guanjia_storage::Store;

/// Steps claimed per round; a full round is followed at once by another.
const BATCH: u64 = 200;

/// Sweeps every `every` until the process ends. `node` names this process in the leases.
pub fn spawn_scheduler(store: Store, node: String, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.sweep_announcements(&node, Utc::now()).await {
                Ok(done) => {
                    metrics::counter!("guanjia_announcements_sent_total")
                        .increment(done.sent as u64);
                    metrics::counter!("guanjia_announcement_reminders_total")
                        .increment(done.reminded);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "announcement sweep failed; retrying on the next tick")
                }
            }
            // Last week's sampling round of each project that has none yet (质检).
            match store.sweep_inspection_rounds(Utc::now()).await {
                Ok(ran) => {
                    metrics::counter!("guanjia_inspection_rounds_total").increment(ran.into())
                }
                Err(e) => {
                    tracing::warn!(error = %e, "inspection rounds failed; retrying on the next tick")
                }
            }
            // Last month's scorecards of each company that has not locked them (考核).
            match store.sweep_scorecard_months(Utc::now()).await {
                Ok(locked) => metrics::counter!("guanjia_scorecard_months_locked_total")
                    .increment(locked.into()),
                Err(e) => {
                    tracing::warn!(error = %e, "scorecard lock failed; retrying on the next tick")
                }
            }
            // The days whose tickets changed, summed again for the dashboard (日汇总).
            loop {
                match store.refresh_ticket_days(Utc::now()).await {
                    Ok(done) => {
                        metrics::counter!("guanjia_ticket_days_refreshed_total")
                            .increment(done.days as u64);
                        if !done.more {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "summing ticket days failed; retrying on the next tick");
                        break;
                    }
                }
            }
            loop {
                match store.sweep_sla(&node, Utc::now(), BATCH).await {
                    Ok(fired) => {
                        metrics::counter!("guanjia_sla_steps_fired_total").increment(fired as u64);
                        if (fired as u64) < BATCH {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "SLA sweep failed; retrying on the next tick");
                        break;
                    }
                }
            }
        }
    })
}
