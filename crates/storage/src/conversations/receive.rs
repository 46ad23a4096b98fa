//! Receiving a message from any channel: the one way in. The sender is found by their contact
//! point, the message goes to their conversation on the channel (opened, or opened again), and
//! a provider's repeated delivery of the same message is stored once.
//!
//! Safe with any number of nodes and deliveries, on both databases: the message's external id
//! and the conversation's channel and contact point are unique keys, so of two writers racing
//! one fails on the key, reads again and finds what the other wrote.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{
    Attachment, ConversationState, Direction, InboundMessage, ProjectHint, SenderKind,
    after_inbound,
};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use serde_json::json;

use super::residents_of;
use crate::db::Store;
use crate::entity::{conversation, conversation_message, project, resident};
use crate::error::{Result, StorageError};
use crate::file_writes;
use crate::support::new_id;
use crate::wechat::queue_media_fetch;

/// Tries before giving up: a retry follows a writer that got there first, after which the next
/// read finds what it wrote.
const ATTEMPTS: usize = 3;

/// The longest preview of a conversation's last message, in characters.
const PREVIEW: usize = 100;

/// Whether the message was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// Stored now.
    New,
    /// Stored before (the provider delivered it again): nothing changed.
    Duplicate,
}

/// What a message carried, chosen before it is stored: its id (its files' folder is named by
/// it) and the files listed on it.
#[derive(Debug, Clone)]
pub(crate) struct Carried {
    pub message_id: String,
    pub attachment: Attachment,
}

/// What receiving a message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReceived {
    pub receipt: Receipt,
    pub conversation_id: String,
    pub message_id: String,
    /// The sender is known by no resident yet: they may be asked to bind.
    pub unknown_sender: bool,
}

impl Store {
    /// Receives a message of a company's channel (see the module's notes). Bad input (a blank
    /// text, a control character in an id, an unknown project) is a validation error naming the
    /// field, and nothing is stored.
    pub async fn receive_message(
        &self,
        company_id: &str,
        message: InboundMessage,
        now: DateTime<Utc>,
    ) -> Result<MessageReceived> {
        self.receive_carrying(company_id, message, None, now).await
    }

    /// Receives a message; `carried` chooses its id and lists the files written for it.
    pub(crate) async fn receive_carrying(
        &self,
        company_id: &str,
        message: InboundMessage,
        carried: Option<Carried>,
        now: DateTime<Utc>,
    ) -> Result<MessageReceived> {
        let message = message.checked(now)?;
        let mut last = None;
        for _ in 0..ATTEMPTS {
            if let Some(seen) = self.received_before(company_id, &message).await? {
                return Ok(seen);
            }
            match self
                .store_message(company_id, &message, carried.as_ref(), now)
                .await
            {
                Ok(received) => {
                    metrics::counter!("guanjia_messages_received_total", "channel" => message.channel.as_str())
                        .increment(1);
                    // The message is stored: whatever the bot does, it is not lost, and a bot
                    // that could not answer leaves the conversation open for a person.
                    if let Err(e) = self.bot_first(company_id, &received, &message, now).await {
                        tracing::warn!(conversation = %received.conversation_id, error = %e,
                            "the bot could not answer first");
                    }
                    return Ok(received);
                }
                Err(e) if lost_race(&e) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            StorageError::Database(sea_orm::DbErr::Custom(
                "the conversation kept changing while the message was received".into(),
            ))
        }))
    }

    /// The same message received before, by the channel's id of it.
    async fn received_before(
        &self,
        company_id: &str,
        message: &InboundMessage,
    ) -> Result<Option<MessageReceived>> {
        let Some(external_id) = &message.external_id else {
            return Ok(None);
        };
        let Some(row) = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(company_id))
            .filter(conversation_message::Column::Channel.eq(message.channel.as_str()))
            .filter(conversation_message::Column::ExternalId.eq(external_id))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let c = conversation::Entity::find_by_id((company_id.to_owned(), row.conversation_id))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("conversation"))?;
        Ok(Some(MessageReceived {
            receipt: Receipt::Duplicate,
            conversation_id: c.id,
            message_id: row.id,
            unknown_sender: c.resident_id.is_none(),
        }))
    }

    /// The resident a message's sender is: theirs in the message's project if they have
    /// several, else their first.
    async fn sender_of(
        &self,
        company_id: &str,
        message: &InboundMessage,
        project_id: Option<&str>,
    ) -> Result<Option<resident::Model>> {
        let s = &message.sender;
        let found = resident::Entity::find()
            .filter(residents_of(company_id, s.kind(), s.account(), s.value()))
            .order_by_asc(resident::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let in_project = project_id.and_then(|p| found.iter().find(|r| r.project_id == p));
        Ok(in_project.or(found.first()).cloned())
    }

    /// The conversation of the thread an e-mail answers, whoever writes in it (a colleague
    /// copied in, the resident from another address): the conversation of a message it names in
    /// `In-Reply-To` or `References`, by its Message-ID or, for our own answers, by the id our
    /// Message-ID is made of.
    async fn thread_of(
        &self,
        company_id: &str,
        message: &InboundMessage,
    ) -> Result<Option<conversation::Model>> {
        let Some(t) = &message.thread else {
            return Ok(None);
        };
        let named: Vec<&String> = t.in_reply_to.iter().chain(&t.references).collect();
        if named.is_empty() {
            return Ok(None);
        }
        let ours: Vec<&str> = named
            .iter()
            .filter_map(|id| id.split_once('@').map(|(local, _)| local))
            .collect();
        let mine = Condition::all()
            .add(conversation_message::Column::Direction.eq(Direction::Out.as_str()))
            .add(conversation_message::Column::Id.is_in(ours));
        let Some(m) = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(company_id))
            .filter(conversation_message::Column::Channel.eq(message.channel.as_str()))
            .filter(
                Condition::any()
                    .add(conversation_message::Column::ExternalId.is_in(named))
                    .add(mine),
            )
            .order_by_desc(conversation_message::Column::SentAt)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(
            conversation::Entity::find_by_id((company_id.to_owned(), m.conversation_id))
                .one(&self.db)
                .await?,
        )
    }

    /// Writes the message, and its conversation's new state, in one transaction.
    async fn store_message(
        &self,
        company_id: &str,
        message: &InboundMessage,
        carried: Option<&Carried>,
        now: DateTime<Utc>,
    ) -> Result<MessageReceived> {
        let given = match &message.project {
            ProjectHint::Given(id) => Some(
                project::Entity::find_by_id((company_id.to_owned(), id.clone()))
                    .one(&self.db)
                    .await?
                    .ok_or_else(|| {
                        StorageError::field("project_id", FieldErrorCode::UnknownReference)
                    })?
                    .id,
            ),
            ProjectHint::OfSender => None,
        };
        let sender = self
            .sender_of(company_id, message, given.as_deref())
            .await?;
        let project_id = given.or_else(|| sender.as_ref().map(|r| r.project_id.clone()));
        let s = &message.sender;
        let existing = match self.thread_of(company_id, message).await? {
            Some(c) => Some(c),
            None => {
                conversation::Entity::find()
                    .filter(conversation::Column::CompanyId.eq(company_id))
                    .filter(conversation::Column::Channel.eq(message.channel.as_str()))
                    .filter(conversation::Column::ContactKind.eq(s.kind().as_str()))
                    .filter(conversation::Column::ContactAccount.eq(s.account()))
                    .filter(conversation::Column::ContactValue.eq(s.value()))
                    .one(&self.db)
                    .await?
            }
        };
        let is_event = message.body.is_event();
        let preview = message
            .body
            .text()
            .map(|t| t.chars().take(PREVIEW).collect::<String>());
        let txn = self.begin_write().await?;
        let conversation = match existing {
            Some(c) => {
                let state = c.state.parse().unwrap_or(ConversationState::Open);
                let (state, unread) = after_inbound(state, is_event);
                let mut update = conversation::Entity::update_many()
                    .col_expr(conversation::Column::State, Expr::value(state.as_str()))
                    .col_expr(
                        conversation::Column::Unread,
                        Expr::col(conversation::Column::Unread).add(unread),
                    )
                    .col_expr(conversation::Column::UpdatedAt, Expr::value(now));
                if !is_event {
                    update = update
                        .col_expr(conversation::Column::LastMessageAt, Expr::value(now))
                        .col_expr(conversation::Column::LastText, Expr::value(preview.clone()));
                }
                // A sender bound since, or a project learnt since, is filled in; never replaced.
                if c.resident_id.is_none()
                    && let Some(r) = &sender
                {
                    update = update
                        .col_expr(conversation::Column::ResidentId, Expr::value(r.id.clone()));
                }
                if c.project_id.is_none() && project_id.is_some() {
                    update = update.col_expr(
                        conversation::Column::ProjectId,
                        Expr::value(project_id.clone()),
                    );
                }
                update
                    .filter(conversation::Column::CompanyId.eq(company_id))
                    .filter(conversation::Column::Id.eq(&c.id))
                    .exec(&txn)
                    .await?;
                conversation::Model {
                    resident_id: c
                        .resident_id
                        .or_else(|| sender.as_ref().map(|r| r.id.clone())),
                    ..c
                }
            }
            None => {
                let (state, unread) = after_inbound(ConversationState::Open, is_event);
                conversation::ActiveModel {
                    company_id: Set(company_id.to_owned()),
                    id: Set(new_id()),
                    project_id: Set(project_id),
                    channel: Set(message.channel.as_str().to_owned()),
                    resident_id: Set(sender.as_ref().map(|r| r.id.clone())),
                    contact_kind: Set(s.kind().as_str().to_owned()),
                    contact_account: Set(s.account().to_owned()),
                    contact_value: Set(s.value().to_owned()),
                    state: Set(state.as_str().to_owned()),
                    owner_id: Set(None),
                    assignee_id: Set(None),
                    ticket_id: Set(None),
                    unread: Set(unread),
                    last_message_at: Set(now),
                    last_text: Set(preview),
                    created_at: Set(now),
                    updated_at: Set(now),
                    person_since: Set(None),
                }
                .insert(&txn)
                .await?
            }
        };
        let thread = message.thread.as_ref().map(|t| {
            json!({
                "message_id": t.message_id, "in_reply_to": t.in_reply_to,
                "references": t.references, "subject": t.subject,
            })
        });
        let row = conversation_message::ActiveModel {
            company_id: Set(company_id.to_owned()),
            id: Set(carried.map_or_else(new_id, |c| c.message_id.clone())),
            conversation_id: Set(conversation.id.clone()),
            direction: Set(Direction::In.as_str().to_owned()),
            channel: Set(message.channel.as_str().to_owned()),
            kind: Set(message.body.kind().as_str().to_owned()),
            sender_kind: Set(SenderKind::Resident.as_str().to_owned()),
            sender_id: Set(conversation.resident_id.clone()),
            text: Set(message.body.text().map(str::to_owned)),
            attachment: Set(carried
                .map(|c| c.attachment.clone())
                .or_else(|| message.body.attachment())
                .map(|a| json!(a))),
            external_id: Set(message.external_id.clone()),
            thread: Set(thread),
            notification_id: Set(None),
            sent_at: Set(message.sent_at),
            created_at: Set(now),
            bot_note: Set(None),
        }
        .insert(&txn)
        .await?;
        queue_media_fetch(&txn, company_id, &row.id, message, now).await?;
        if carried.is_some() {
            file_writes::listed(&txn, company_id, &row.id, None).await?;
        }
        txn.commit().await?;
        Ok(MessageReceived {
            receipt: Receipt::New,
            conversation_id: conversation.id,
            message_id: row.id,
            unknown_sender: conversation.resident_id.is_none(),
        })
    }
}

/// Another writer got there first: the message, or the sender's conversation, is taken.
fn lost_race(e: &StorageError) -> bool {
    matches!(e, StorageError::Database(db)
        if matches!(db.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
}
