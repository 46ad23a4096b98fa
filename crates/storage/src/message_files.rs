//! Files a message carried (an e-mail's attachments), kept under the files directory like
//! photos are, each under an id of ours (never the sender's name, which may be anything), and
//! listed on the message.

use std::path::PathBuf;

use guanjia_domain::conversation::{Attachment, KeptFile};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db::Store;
use crate::entity::conversation_message;
use crate::error::{Result, StorageError};
use crate::support::new_id;

/// A file to keep: its name as sent, its type, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The longest name or type kept.
const MAX_NAME: usize = 200;

impl Store {
    /// Keeps `files` of message `message_id` and lists them on it, with the names of those
    /// `left_out` (too large to keep).
    pub async fn keep_message_files(
        &self,
        company_id: &str,
        message_id: &str,
        files: Vec<NewFile>,
        left_out: Vec<String>,
    ) -> Result<()> {
        if files.is_empty() && left_out.is_empty() {
            return Ok(());
        }
        let folder = self.message_folder(company_id, message_id);
        let mut kept = Vec::with_capacity(files.len());
        let mut writes = Vec::with_capacity(files.len());
        for f in files {
            let id = new_id();
            kept.push(KeptFile {
                id: id.clone(),
                name: clip(&f.name),
                content_type: clip(&f.content_type),
                size: f.bytes.len() as u64,
            });
            writes.push((folder.join(id), f.bytes));
        }
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&folder)?;
            for (path, bytes) in writes {
                std::fs::write(path, bytes)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| StorageError::Files(e.to_string()))?
        .map_err(|e| StorageError::Files(e.to_string()))?;
        let listed = Attachment::Files {
            files: kept,
            left_out: left_out.iter().map(|n| clip(n)).collect(),
        };
        let txn = self.begin_write().await?;
        conversation_message::Entity::update_many()
            .col_expr(
                conversation_message::Column::Attachment,
                Expr::value(json!(listed)),
            )
            .filter(conversation_message::Column::CompanyId.eq(company_id))
            .filter(conversation_message::Column::Id.eq(message_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Where the files of a message are kept.
    pub fn message_folder(&self, company_id: &str, message_id: &str) -> PathBuf {
        self.files_dir
            .join("messages")
            .join(company_id)
            .join(message_id)
    }
}

fn clip(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect()
}
