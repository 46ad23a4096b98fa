//! Files a message carried (an e-mail's attachments, a resident's chat photos), kept under the
//! files directory like photos are, each under an id of ours (never the sender's name, which
//! may be anything), listed on the message, and read back within the conversation's scope.
//!
//! Durable and leak-free: the files are written first, in a folder named by the message's id
//! (chosen before it is stored), and the message is then stored listing them in its one
//! transaction. A message that is refused, fails to commit or was received before has its folder
//! removed, so no file outlives a message that does not list it.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{Attachment, InboundMessage, KeptFile};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::conversations::{Carried, MessageReceived, Receipt};
use crate::db::Store;
use crate::entity::conversation_message;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::new_id;

/// A file to keep: its id (ours), its name as sent, its type, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl NewFile {
    /// A file under a new id of ours.
    pub fn new(name: &str, content_type: &str, bytes: Vec<u8>) -> Self {
        NewFile {
            id: new_id(),
            name: clip(name),
            content_type: clip(content_type),
            bytes,
        }
    }
}

/// The longest name or type kept.
const MAX_NAME: usize = 200;

impl Store {
    /// Receives `message` (as [`Store::receive_message`] does) with the `files` it carried and
    /// the names of those `left_out` (too large to keep): see the module's notes.
    pub async fn receive_message_with_files(
        &self,
        company_id: &str,
        message: InboundMessage,
        files: Vec<NewFile>,
        left_out: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<MessageReceived> {
        if files.is_empty() && left_out.is_empty() {
            return self.receive_message(company_id, message, now).await;
        }
        let message_id = new_id();
        let folder = self.message_folder(company_id, &message_id);
        let kept = files
            .iter()
            .map(|f| KeptFile {
                id: f.id.clone(),
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                size: f.bytes.len() as u64,
            })
            .collect();
        let written = write_files(folder.clone(), files).await;
        let received = match written {
            Ok(()) => {
                let carried = Carried {
                    message_id,
                    attachment: Attachment::Files {
                        files: kept,
                        left_out: left_out.iter().map(|n| clip(n)).collect(),
                    },
                };
                self.receive_carrying(company_id, message, Some(carried), now)
                    .await
            }
            Err(e) => Err(e),
        };
        if !matches!(&received, Ok(r) if r.receipt == Receipt::New) {
            remove_folder(folder).await;
        }
        received
    }

    /// A file of a message of a conversation `who` sees, with its bytes; anything else (another
    /// conversation's message, an unknown file) is not found. Its size is bounded by what was
    /// kept (an e-mail's attachment limit, a photo's).
    pub async fn message_file(
        &self,
        who: &Principal,
        conversation_id: &str,
        message_id: &str,
        file_id: &str,
    ) -> Result<(KeptFile, Vec<u8>)> {
        let c = self.conversation(who, conversation_id).await?;
        let not_found = || StorageError::NotFound("file");
        let m = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(&c.company_id))
            .filter(conversation_message::Column::Id.eq(message_id))
            .filter(conversation_message::Column::ConversationId.eq(&c.id))
            .one(&self.db)
            .await?
            .ok_or_else(not_found)?;
        // Only an id listed on the message names a path: nothing the caller sends does.
        let file = m
            .attachment()
            .and_then(|a| a.kept_files().iter().find(|f| f.id == file_id).cloned())
            .ok_or_else(not_found)?;
        let path = self.message_folder(&c.company_id, &m.id).join(&file.id);
        let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
            .await
            .map_err(|e| StorageError::Files(e.to_string()))?
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => not_found(),
                _ => StorageError::Files(e.to_string()),
            })?;
        Ok((file, bytes))
    }

    /// Where the files of a message are kept.
    pub fn message_folder(&self, company_id: &str, message_id: &str) -> PathBuf {
        self.files_dir
            .join("messages")
            .join(company_id)
            .join(message_id)
    }
}

async fn write_files(folder: PathBuf, files: Vec<NewFile>) -> Result<()> {
    let done = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&folder)?;
        for f in files {
            std::fs::write(folder.join(&f.id), f.bytes)?;
        }
        Ok(())
    })
    .await
    .map_err(|e| StorageError::Files(e.to_string()))?;
    if let Err(e) = done {
        return Err(StorageError::Files(e.to_string()));
    }
    Ok(())
}

/// Removes the files of a message not stored; a folder that cannot be removed is logged, not
/// the caller's error (theirs is why it was not stored).
async fn remove_folder(folder: PathBuf) {
    let removed = tokio::task::spawn_blocking(move || match std::fs::remove_dir_all(&folder) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    })
    .await;
    if !matches!(removed, Ok(Ok(()))) {
        tracing::warn!("the files of a message not stored could not be removed");
    }
}

fn clip(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect()
}
