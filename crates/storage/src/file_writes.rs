//! Files written before the row that lists them commits (a message's attachments, a WeChat
//! picture fetched for its message): each write is noted first, in its own transaction, and the
//! note goes in the transaction that lists the file. A note that outlives its hour names a file
//! whose transaction never committed (the node died between the write and the commit): the
//! hourly sweep removes the file unless a row lists it, then the note. Reading notes by their
//! age keeps each run's work bounded by its batch, however many files are kept.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::db::Store;
use crate::entity::{conversation_message, message_file_write};
use crate::error::{Result, StorageError};

/// How old a note must be before its file counts as left behind: far beyond any write and commit.
pub const ORPHAN_AFTER: Duration = Duration::hours(1);

/// Notes `file_ids` of a message as about to be written, committed before they are.
pub(crate) async fn note_writes(
    store: &Store,
    company_id: &str,
    message_id: &str,
    file_ids: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    if file_ids.is_empty() {
        return Ok(());
    }
    let txn = store.begin_write().await?;
    message_file_write::Entity::insert_many(file_ids.iter().map(|id| {
        message_file_write::ActiveModel {
            company_id: Set(company_id.to_owned()),
            message_id: Set(message_id.to_owned()),
            file_id: Set(id.clone()),
            created_at: Set(now),
        }
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Ends the notes of a message's files (all of them, or `file_id`'s), in the transaction that
/// lists them.
pub(crate) async fn listed(
    txn: &impl ConnectionTrait,
    company_id: &str,
    message_id: &str,
    file_id: Option<&str>,
) -> Result<()> {
    let mut notes = Condition::all()
        .add(message_file_write::Column::CompanyId.eq(company_id))
        .add(message_file_write::Column::MessageId.eq(message_id));
    if let Some(id) = file_id {
        notes = notes.add(message_file_write::Column::FileId.eq(id));
    }
    message_file_write::Entity::delete_many()
        .filter(notes)
        .exec(txn)
        .await?;
    Ok(())
}

impl Store {
    /// Removes up to `batch` files whose note is older than [`ORPHAN_AFTER`] and that no message
    /// lists, and those notes; answers how many notes were ended (a full batch: call again).
    pub async fn sweep_unlisted_files(&self, now: DateTime<Utc>, batch: u64) -> Result<u64> {
        let before = now - ORPHAN_AFTER;
        let notes = message_file_write::Entity::find()
            .filter(message_file_write::Column::CreatedAt.lt(before))
            .order_by_asc(message_file_write::Column::CreatedAt)
            .limit(batch)
            .all(&self.db)
            .await?;
        let mut ended = Condition::any();
        for note in &notes {
            let message = conversation_message::Entity::find_by_id((
                note.company_id.clone(),
                note.message_id.clone(),
            ))
            .one(&self.db)
            .await?;
            let is_listed = message
                .as_ref()
                .and_then(conversation_message::Model::attachment)
                .is_some_and(|a| a.kept_files().iter().any(|f| f.id == note.file_id));
            if !is_listed {
                let folder = self.message_folder(&note.company_id, &note.message_id);
                remove_unlisted(folder, note.file_id.clone(), message.is_none()).await?;
            }
            ended = ended.add(
                Condition::all()
                    .add(message_file_write::Column::CompanyId.eq(&note.company_id))
                    .add(message_file_write::Column::MessageId.eq(&note.message_id))
                    .add(message_file_write::Column::FileId.eq(&note.file_id)),
            );
        }
        if notes.is_empty() {
            return Ok(0);
        }
        let txn = self.begin_write().await?;
        message_file_write::Entity::delete_many()
            .filter(ended)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(notes.len() as u64)
    }
}

/// Removes a file no row lists, and its folder once empty when no message is stored for it.
async fn remove_unlisted(folder: PathBuf, file_id: String, no_message: bool) -> Result<()> {
    tokio::task::spawn_blocking(move || {
        match std::fs::remove_file(folder.join(&file_id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        if no_message {
            // Fails while another file is in it (its own note removes it): left as it is.
            let _ = std::fs::remove_dir(&folder);
        }
        Ok(())
    })
    .await
    .map_err(|e| StorageError::Files(e.to_string()))?
    .map_err(|e| StorageError::Files(e.to_string()))
}
