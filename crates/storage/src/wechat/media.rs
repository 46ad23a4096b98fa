//! The pictures and recordings followers send, fetched from WeChat after the push was answered
//! (the callback has five seconds and never waits on WeChat) and kept as the message's file.
//!
//! A fetch is queued in the transaction that stores its message, so none is lost or queued
//! twice. Any node may fetch, one at a time per media: the claim takes only due pending rows
//! (PostgreSQL skipping those another node is claiming) and moves their time to the end of a
//! lease. The file is noted and written first, then listed on the message in the transaction
//! that ends the fetch, only while the lease is still the node's; a file written by a node that
//! lost its lease is removed, and one whose transaction never committed is swept by its note.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::conversation::{InboundMessage, KeptFile};
use guanjia_domain::delivery::{Failure, Next};
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::wechat::{MediaFetchState, after_media_failure};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{conversation_message, wechat_media_fetch};
use crate::error::{Result, StorageError};
use crate::file_writes::{listed, note_writes};
use crate::message_files::{NewFile, write_files};
use crate::support::ForUpdate;

/// How long a node holds a fetch before another may take it over: beyond the download's timeout.
pub const MEDIA_LEASE: Duration = Duration::seconds(120);

/// A media file this node is to fetch now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaToFetch {
    pub company_id: String,
    pub message_id: String,
    /// The official account's AppID.
    pub app_id: String,
    pub media_id: String,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
    pub received_at: DateTime<Utc>,
}

/// Queues the fetch of a WeChat message's picture or recording, in the transaction storing it.
pub(crate) async fn queue_media_fetch(
    txn: &DatabaseTransaction,
    company_id: &str,
    message_id: &str,
    message: &InboundMessage,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(media_id) = message.body.media_id() else {
        return Ok(());
    };
    if message.channel != Channel::Wechat {
        return Ok(());
    }
    wechat_media_fetch::ActiveModel {
        company_id: Set(company_id.to_owned()),
        message_id: Set(message_id.to_owned()),
        app_id: Set(message.sender.account().to_owned()),
        media_id: Set(media_id.to_owned()),
        state: Set(MediaFetchState::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        error_code: Set(None),
        error_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` due media fetches for `node` until the lease ends.
    pub async fn claim_wechat_media(
        &self,
        node: &str,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<MediaToFetch>> {
        let txn = self.begin_write().await?;
        let due = wechat_media_fetch::Entity::find()
            .filter(wechat_media_fetch::Column::State.eq(MediaFetchState::Pending.as_str()))
            .filter(wechat_media_fetch::Column::NextAttemptAt.lte(now))
            .order_by_asc(wechat_media_fetch::Column::NextAttemptAt)
            .limit(limit)
            .for_update_skip_locked(self.backend())
            .all(&txn)
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let mut keys = Condition::any();
        for f in &due {
            keys = keys.add(key(&f.company_id, &f.message_id));
        }
        wechat_media_fetch::Entity::update_many()
            .col_expr(wechat_media_fetch::Column::LeaseOwner, Expr::value(node))
            .col_expr(
                wechat_media_fetch::Column::NextAttemptAt,
                Expr::value(now + MEDIA_LEASE),
            )
            .col_expr(
                wechat_media_fetch::Column::Attempts,
                Expr::col(wechat_media_fetch::Column::Attempts).add(1),
            )
            .col_expr(wechat_media_fetch::Column::UpdatedAt, Expr::value(now))
            .filter(keys)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(due
            .into_iter()
            .map(|f| MediaToFetch {
                attempt: u32::try_from(f.attempts).unwrap_or(0).saturating_add(1),
                company_id: f.company_id,
                message_id: f.message_id,
                app_id: f.app_id,
                media_id: f.media_id,
                received_at: f.created_at,
            })
            .collect())
    }

    /// Keeps a fetched media file as its message's file, if the fetch is still `node`'s; answers
    /// whether it counted (a node that lost its lease leaves no file behind).
    pub async fn keep_wechat_media(
        &self,
        node: &str,
        fetch: &MediaToFetch,
        file: NewFile,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let folder = self.message_folder(&fetch.company_id, &fetch.message_id);
        let path = folder.join(&file.id);
        let kept = KeptFile {
            id: file.id.clone(),
            name: file.name.clone(),
            content_type: file.content_type.clone(),
            size: file.bytes.len() as u64,
        };
        note_writes(
            self,
            &fetch.company_id,
            &fetch.message_id,
            std::slice::from_ref(&kept.id),
            now,
        )
        .await?;
        write_files(folder, vec![file]).await?;
        let listed = self.list_media_file(node, fetch, kept, now).await;
        if !matches!(listed, Ok(true)) {
            let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
        }
        listed
    }

    async fn list_media_file(
        &self,
        node: &str,
        fetch: &MediaToFetch,
        kept: KeptFile,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let txn = self.begin_write().await?;
        let ended = end(&txn, node, fetch, MediaFetchState::Fetched, None, now).await?;
        if !ended {
            return Ok(false);
        }
        listed(&txn, &fetch.company_id, &fetch.message_id, Some(&kept.id)).await?;
        let message = conversation_message::Entity::find_by_id((
            fetch.company_id.clone(),
            fetch.message_id.clone(),
        ))
        .one(&txn)
        .await?
        .ok_or(StorageError::NotFound("message"))?;
        let attachment = message.attachment().map(|a| json!(a.with_media_file(kept)));
        conversation_message::Entity::update_many()
            .col_expr(
                conversation_message::Column::Attachment,
                Expr::value(attachment),
            )
            .filter(conversation_message::Column::CompanyId.eq(&fetch.company_id))
            .filter(conversation_message::Column::Id.eq(&fetch.message_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Records a failed fetch, if it is still `node`'s: tried again after the backoff, or ended
    /// with WeChat's reason. Answers whether it counted.
    pub async fn wechat_media_failed(
        &self,
        node: &str,
        fetch: &MediaToFetch,
        failure: &Failure,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let txn = self.begin_write().await?;
        let counted = match after_media_failure(failure, fetch.attempt, fetch.received_at, now) {
            Next::GiveUp => {
                end(
                    &txn,
                    node,
                    fetch,
                    MediaFetchState::Failed,
                    Some(failure),
                    now,
                )
                .await?
            }
            Next::RetryAt(at) => {
                wechat_media_fetch::Entity::update_many()
                    .col_expr(wechat_media_fetch::Column::NextAttemptAt, Expr::value(at))
                    .col_expr(
                        wechat_media_fetch::Column::LeaseOwner,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(
                        wechat_media_fetch::Column::ErrorCode,
                        Expr::value(clip(&failure.code, 64)),
                    )
                    .col_expr(
                        wechat_media_fetch::Column::ErrorReason,
                        Expr::value(clip(&failure.reason, 200)),
                    )
                    .col_expr(wechat_media_fetch::Column::UpdatedAt, Expr::value(now))
                    .filter(leased(node, fetch))
                    .exec(&txn)
                    .await?
                    .rows_affected
                    == 1
            }
        };
        txn.commit().await?;
        Ok(counted)
    }
}

/// Ends a fetch leased to `node`; answers whether it was.
async fn end(
    txn: &impl ConnectionTrait,
    node: &str,
    fetch: &MediaToFetch,
    state: MediaFetchState,
    failure: Option<&Failure>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = wechat_media_fetch::Entity::update_many()
        .col_expr(
            wechat_media_fetch::Column::State,
            Expr::value(state.as_str()),
        )
        .col_expr(
            wechat_media_fetch::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            wechat_media_fetch::Column::ErrorCode,
            Expr::value(failure.map(|f| clip(&f.code, 64))),
        )
        .col_expr(
            wechat_media_fetch::Column::ErrorReason,
            Expr::value(failure.map(|f| clip(&f.reason, 200))),
        )
        .col_expr(wechat_media_fetch::Column::UpdatedAt, Expr::value(now))
        .filter(leased(node, fetch))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The fetch, while still pending and leased to `node` (a lease taken over by another node
/// after it ran out names that node).
fn leased(node: &str, fetch: &MediaToFetch) -> Condition {
    key(&fetch.company_id, &fetch.message_id)
        .add(wechat_media_fetch::Column::State.eq(MediaFetchState::Pending.as_str()))
        .add(wechat_media_fetch::Column::LeaseOwner.eq(node))
        .add(wechat_media_fetch::Column::Attempts.eq(i32::try_from(fetch.attempt).unwrap_or(0)))
}

fn key(company_id: &str, message_id: &str) -> Condition {
    Condition::all()
        .add(wechat_media_fetch::Column::CompanyId.eq(company_id))
        .add(wechat_media_fetch::Column::MessageId.eq(message_id))
}

fn clip(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}
