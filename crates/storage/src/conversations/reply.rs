//! Answering a conversation, giving it to someone, closing it. An answer goes back on the
//! channel the resident wrote on, through the outbox: its notification's deliveries say how far
//! it got. Every change is audited.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{
    ConversationState, Direction, SenderKind, after_reply, reply_text,
};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::delivery::DeliverySetup;
use crate::entity::{conversation, conversation_message, resident, staff, staff_project, ticket};
use crate::error::{Result, StorageError};
use crate::notify::{Subject, notify_each};
use crate::principal::Principal;
use crate::support::{Audit, new_id};

impl Store {
    /// A desk staff member answers: the message is stored and sent back on the conversation's
    /// channel, the conversation waits for the resident, and the first to answer owns it.
    pub async fn reply(
        &self,
        who: &Principal,
        id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<conversation_message::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let c = self.conversation(who, id).await?;
        let text = reply_text(text)?;
        let phone = self.phone_of(&c).await?;
        let txn = self.begin_write().await?;
        let message = answer(&txn, &self.delivery, who, &c, phone, &text, now).await?;
        txn.commit().await?;
        Ok(message)
    }

    /// Gives a conversation to a desk staff member of its project (the owner stays).
    pub async fn assign_conversation(
        &self,
        who: &Principal,
        id: &str,
        assignee_id: &str,
        now: DateTime<Utc>,
    ) -> Result<conversation::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let c = self.conversation(who, id).await?;
        let unknown = || StorageError::field("assignee_id", FieldErrorCode::UnknownReference);
        let assignee = staff::Entity::find_by_id((who.company_id.clone(), assignee_id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|s| s.active)
            .ok_or_else(unknown)?;
        let role: guanjia_domain::role::Role = assignee.role.parse().map_err(|_| unknown())?;
        let projects: Vec<String> = staff_project::Entity::find()
            .filter(staff_project::Column::CompanyId.eq(&who.company_id))
            .filter(staff_project::Column::StaffId.eq(&assignee.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| l.project_id)
            .collect();
        let reaches = match &c.project_id {
            Some(p) => (projects.is_empty() && role.may_span_company()) || projects.contains(p),
            None => projects.is_empty() && role.may_span_company(),
        };
        if !role.is_desk() || !reaches {
            return Err(StorageError::field("assignee_id", FieldErrorCode::Mismatch));
        }
        let txn = self.begin_write().await?;
        set(&c)
            .col_expr(conversation::Column::AssigneeId, Expr::value(&assignee.id))
            .col_expr(
                conversation::Column::PersonSince,
                Expr::value(c.person_since.unwrap_or(now)),
            )
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
            .exec(&txn)
            .await?;
        Audit::by(who, "conversation", &c.id, "assign")
            .record(
                &txn,
                json!({ "from": c.assignee_id, "to": assignee.id }),
                now,
            )
            .await?;
        txn.commit().await?;
        self.conversation(who, id).await
    }

    /// Closes a conversation; the resident's next message opens it again.
    pub async fn close_conversation(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<conversation::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let c = self.conversation(who, id).await?;
        let txn = self.begin_write().await?;
        set(&c)
            .col_expr(
                conversation::Column::State,
                Expr::value(ConversationState::Closed.as_str()),
            )
            .col_expr(conversation::Column::Unread, Expr::value(0))
            // The next message starts afresh: the bot answers first again.
            .col_expr(
                conversation::Column::PersonSince,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
            .exec(&txn)
            .await?;
        Audit::by(who, "conversation", &c.id, "close")
            .record(&txn, json!({ "from": c.state }), now)
            .await?;
        txn.commit().await?;
        self.conversation(who, id).await
    }

    /// Sends `text`, a resident-visible comment on ticket `t`, on the latest conversation linked
    /// to it, in the comment's transaction.
    pub(crate) async fn answer_on_linked_conversation(
        &self,
        txn: &impl ConnectionTrait,
        who: &Principal,
        t: &ticket::Model,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(c) = conversation::Entity::find()
            .filter(conversation::Column::CompanyId.eq(&t.company_id))
            .filter(conversation::Column::TicketId.eq(&t.id))
            .order_by_desc(conversation::Column::LastMessageAt)
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        let phone = self.phone_of(&c).await?;
        answer(txn, &self.delivery, who, &c, phone, text, now).await?;
        Ok(())
    }

    /// The phone of the resident a conversation is with, or of its phone contact point.
    pub(crate) async fn phone_of(&self, c: &conversation::Model) -> Result<Option<String>> {
        if c.contact_kind == guanjia_domain::conversation::ContactKind::Phone.as_str() {
            return Ok(Some(c.contact_value.clone()));
        }
        let Some(id) = &c.resident_id else {
            return Ok(None);
        };
        Ok(
            resident::Entity::find_by_id((c.company_id.clone(), id.clone()))
                .one(&self.db)
                .await?
                .map(|r| r.phone),
        )
    }
}

/// An update of one conversation.
pub(crate) fn set(c: &conversation::Model) -> sea_orm::UpdateMany<conversation::Entity> {
    conversation::Entity::update_many()
        .filter(conversation::Column::CompanyId.eq(&c.company_id))
        .filter(conversation::Column::Id.eq(&c.id))
}

/// Queues words for the resident on the conversation's channel, in the caller's transaction: one
/// notification to `recipient` whose `details` the delivery worker routes and words by. Its id,
/// for the message that records them.
pub(crate) async fn send_on(
    txn: &impl ConnectionTrait,
    delivery: &DeliverySetup,
    c: &conversation::Model,
    recipient: String,
    details: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let subject = Subject {
        company_id: &c.company_id,
        ticket_id: c.ticket_id.as_deref(),
    };
    let kind = NoticeKind::ConversationReply;
    let written = notify_each(txn, delivery, subject, &[recipient], kind, details, now).await?;
    Ok(written.into_iter().next())
}

/// Writes an answer of `who` in the caller's transaction: the message, its notification on the
/// conversation's channel (to the resident's `phone`, or the contact point of an unknown
/// sender), the conversation's new state and owner, the audit entry. Also how a resident-visible
/// comment on a ticket linked to the conversation reaches the resident.
pub(crate) async fn answer(
    txn: &impl ConnectionTrait,
    delivery: &DeliverySetup,
    who: &Principal,
    c: &conversation::Model,
    phone: Option<String>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<conversation_message::Model> {
    let replied = after_reply(c.owner_id.as_deref(), &who.id);
    let message_id = new_id();
    let recipient = phone.unwrap_or_else(|| c.contact_value.clone());
    // The facts: which message of which conversation, on which channel (what the delivery
    // worker routes by), and its text as the agent wrote it (what the resident receives).
    let details = json!({
        "conversation_id": c.id, "message_id": message_id, "channel": c.channel, "text": text,
    });
    let notification = send_on(txn, delivery, c, recipient, &details, now).await?;
    let message = conversation_message::ActiveModel {
        company_id: Set(c.company_id.clone()),
        id: Set(message_id),
        conversation_id: Set(c.id.clone()),
        direction: Set(Direction::Out.as_str().to_owned()),
        channel: Set(c.channel.clone()),
        kind: Set("text".to_owned()),
        sender_kind: Set(SenderKind::Staff.as_str().to_owned()),
        sender_id: Set(Some(who.id.clone())),
        text: Set(Some(text.to_owned())),
        attachment: Set(None),
        external_id: Set(None),
        thread: Set(None),
        notification_id: Set(notification),
        sent_at: Set(now),
        created_at: Set(now),
        bot_note: Set(None),
    }
    .insert(txn)
    .await?;
    let preview: String = text.chars().take(100).collect();
    let mut update = set(c)
        .col_expr(
            conversation::Column::State,
            Expr::value(replied.state.as_str()),
        )
        .col_expr(conversation::Column::Unread, Expr::value(replied.unread))
        .col_expr(conversation::Column::OwnerId, Expr::value(&replied.owner))
        .col_expr(conversation::Column::LastMessageAt, Expr::value(now))
        .col_expr(conversation::Column::LastText, Expr::value(preview))
        .col_expr(
            conversation::Column::PersonSince,
            Expr::value(c.person_since.unwrap_or(now)),
        )
        .col_expr(conversation::Column::UpdatedAt, Expr::value(now));
    if c.assignee_id.is_none() {
        update = update.col_expr(
            conversation::Column::AssigneeId,
            Expr::value(&replied.owner),
        );
    }
    update.exec(txn).await?;
    Audit::by(who, "conversation", &c.id, "reply")
        .record(
            txn,
            json!({ "message_id": message.id, "took_ownership": replied.took_ownership }),
            now,
        )
        .await?;
    Ok(message)
}
