//! The residents' H5 chat: a signed-in resident writes to the property company of one of their
//! homes, with words, photos or both, received the one way every channel's messages are.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{Body, ContactKind, ContactPoint, InboundMessage, ProjectHint};
use guanjia_domain::role::Role;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::validation::FieldErrorCode;

use super::MessageReceived;
use crate::db::Store;
use crate::dispatch::CheckedPhoto;
use crate::error::{Result, StorageError};
use crate::message_files::NewFile;
use crate::principal::Principal;

/// The most photos one chat message carries.
pub const MAX_CHAT_PHOTOS: usize = 3;

impl Store {
    /// A resident's message in the H5 chat (channel `app`, the glossary's app/H5), to the
    /// project of `project_id` (one of their homes') or of their only home: `text`, `photos`
    /// (checked with [`check_photo`](crate::check_photo)) or both; a message of photos alone
    /// is an image message.
    pub async fn post_chat_message(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        text: &str,
        photos: Vec<CheckedPhoto>,
        now: DateTime<Utc>,
    ) -> Result<MessageReceived> {
        if photos.len() > MAX_CHAT_PHOTOS {
            return Err(StorageError::field("photos", FieldErrorCode::OutOfRange));
        }
        if who.role != Role::Resident {
            return Err(StorageError::Forbidden);
        }
        let homes = self.residents_by_phone(&who.company_id, &who.id).await?;
        let project = match project_id {
            Some(p) => homes
                .iter()
                .find(|r| r.project_id == p)
                .map(|r| r.project_id.clone())
                .ok_or_else(|| {
                    StorageError::field("project_id", FieldErrorCode::UnknownReference)
                })?,
            None => homes
                .first()
                .map(|r| r.project_id.clone())
                .ok_or_else(|| StorageError::field("project_id", FieldErrorCode::Required))?,
        };
        let sender = ContactPoint::new("phone", ContactKind::Phone, None, &who.id)?;
        let mut message = InboundMessage {
            channel: Channel::App,
            external_id: None,
            sender,
            project: ProjectHint::Given(project),
            sent_at: now,
            body: Body::Text(text.to_owned()),
            thread: None,
        };
        let files: Vec<NewFile> = photos
            .into_iter()
            .enumerate()
            .map(|(n, p)| {
                let (kind, bytes) = p.into_parts();
                let name = format!("photo-{}.{}", n + 1, kind.extension());
                NewFile::new(&name, kind.as_str(), bytes)
            })
            .collect();
        if text.trim().is_empty()
            && let Some(first) = files.first()
        {
            message.body = Body::Image {
                url: None,
                media_id: Some(first.id.clone()),
            };
        }
        self.receive_message_with_files(&who.company_id, message, files, Vec::new(), now)
            .await
    }
}
