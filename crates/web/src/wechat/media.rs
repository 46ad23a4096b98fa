//! The media worker: every node claims due fetches of followers' pictures and recordings with a
//! lease, downloads each from WeChat's temporary-media API with the account's shared token (no
//! transaction open meanwhile), and keeps it as the message's file, or records WeChat's refusal
//! (tried again later unless it is final). The callback never waits on it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_channels::Senders;
use guanjia_domain::delivery::Failure;
use guanjia_storage::{MediaToFetch, NewFile, StorageError, Store};
use tokio::task::JoinSet;

use super::tokens::{StoreTokens, credentials};

/// Fetches claimed per round, side by side; a full round is followed at once by another.
const BATCH: u64 = 10;

/// Fetches until the process ends. `node` names this process in the leases.
pub fn spawn_wechat_media(
    store: Store,
    senders: Senders,
    node: String,
    poll: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let full = match fetch_wechat_media_due(&store, &senders, &node, Utc::now()).await {
                Ok(claimed) => claimed as u64 >= BATCH,
                Err(e) => {
                    tracing::warn!(error = %e, "WeChat media round failed; retrying shortly");
                    false
                }
            };
            if !full {
                tokio::time::sleep(poll).await;
            }
        }
    })
}

/// One round as of `now`: claims the due fetches, downloads them side by side, keeps or records
/// each. Answers how many it claimed.
pub async fn fetch_wechat_media_due(
    store: &Store,
    senders: &Senders,
    node: &str,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    let claimed = store.claim_wechat_media(node, now, BATCH).await?;
    let count = claimed.len();
    let mut fetching = JoinSet::new();
    for fetch in claimed {
        let (store, senders, node) = (store.clone(), senders.clone(), node.to_owned());
        fetching.spawn(async move {
            let fetched = fetch_one(&store, &senders, &fetch).await;
            let finished = now.max(Utc::now());
            let recorded = match fetched {
                Ok(file) => store.keep_wechat_media(&node, &fetch, file, finished).await,
                Err(failure) => {
                    tracing::info!(message = %fetch.message_id, code = %failure.code, "a WeChat media file could not be fetched");
                    store
                        .wechat_media_failed(&node, &fetch, &failure, finished)
                        .await
                }
            };
            let result = match &recorded {
                Ok(true) => "recorded",
                Ok(false) => "lease_lost",
                Err(_) => "error",
            };
            metrics::counter!("guanjia_wechat_media_total", "result" => result).increment(1);
            if let Err(e) = recorded {
                tracing::warn!(error = %e, message = %fetch.message_id, "recording a WeChat media fetch failed; its lease will expire and it is fetched again");
            }
        });
    }
    while fetching.join_next().await.is_some() {}
    Ok(count)
}

/// Downloads one media file with its account's token.
async fn fetch_one(
    store: &Store,
    senders: &Senders,
    fetch: &MediaToFetch,
) -> Result<NewFile, Failure> {
    let account = store
        .wechat_sending_account(&fetch.company_id, Some(&fetch.app_id), None)
        .await
        .map_err(|e| Failure {
            code: "store".into(),
            reason: e.to_string().chars().take(200).collect(),
            permanent: false,
            retry_after: None,
        })?
        .filter(|a| a.app_id == fetch.app_id)
        .ok_or_else(|| Failure {
            code: "no_wechat_account".into(),
            reason: "the official account is no longer active".into(),
            permanent: true,
            retry_after: None,
        })?;
    let media = senders
        .wechat()
        .fetch_media(
            &StoreTokens::of(store, &account),
            credentials(&account),
            &fetch.media_id,
        )
        .await?;
    Ok(NewFile::new(&media.name, &media.content_type, media.bytes))
}
