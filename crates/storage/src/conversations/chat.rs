//! The residents' H5 chat: a signed-in resident writes to the property company of one of their
//! homes, received the one way every channel's messages are.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{Body, ContactKind, ContactPoint, InboundMessage, ProjectHint};
use guanjia_domain::role::Role;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::validation::FieldErrorCode;

use super::MessageReceived;
use crate::db::Store;
use crate::error::{Result, StorageError};
use crate::principal::Principal;

impl Store {
    /// A resident's message in the H5 chat (channel `app`, the glossary's app/H5), to the
    /// project of `project_id` (one of their homes') or of their only home.
    pub async fn post_chat_message(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<MessageReceived> {
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
        let message = InboundMessage {
            channel: Channel::App,
            external_id: None,
            sender,
            project: ProjectHint::Given(project),
            sent_at: now,
            body: Body::Text(text.to_owned()),
            thread: None,
        };
        self.receive_message(&who.company_id, message, now).await
    }
}
