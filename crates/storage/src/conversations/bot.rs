//! The FAQ bot answers first (智能客服先答): a resident's text in the H5 chat or on WeChat, in a
//! conversation no person has taken ([`bot_answers_first`] is the rule), is answered from the
//! articles, or handed to a person with a note saying so. Its words go back on the
//! conversation's channel through the outbox, as an agent's answer does, so receiving a message
//! never waits on a channel. The resident's message is stored before the bot is asked: a bot
//! that fails hands off and loses nothing.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{
    Body, ConversationState, Direction, InboundMessage, SenderKind, bot_answers_first,
};
use guanjia_domain::kb::Handoff;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait};
use sea_orm::{QueryFilter, QueryOrder};
use serde_json::json;

use super::MessageReceived;
use super::reply::{send_on, set};
use crate::db::Store;
use crate::delivery::DeliverySetup;
use crate::entity::{bot_answer, conversation, conversation_message};
use crate::error::{Result, StorageError};
use crate::kb::Asked;
use crate::support::{Audit, new_id};

/// What the bot says in a conversation.
enum Says<'a> {
    /// An article's text, as the recorded answer `answer_id`.
    Answer { answer_id: &'a str, text: &'a str },
    /// A person takes over, for this reason.
    HandOff(Handoff),
}

impl Store {
    /// Lets the bot answer a message just received, where the rule says it answers first.
    pub(crate) async fn bot_first(
        &self,
        company_id: &str,
        received: &MessageReceived,
        message: &InboundMessage,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let kind = message.body.kind();
        // Nothing is read for what the bot would never answer, whoever had the conversation.
        let Body::Text(text) = &message.body else {
            return Ok(());
        };
        if !bot_answers_first(message.channel, kind, true, true, false) {
            return Ok(());
        }
        let c = conversation::Entity::find_by_id((
            company_id.to_owned(),
            received.conversation_id.clone(),
        ))
        .one(&self.db)
        .await?
        .ok_or(StorageError::NotFound("conversation"))?;
        let shelf = self.shelf(company_id).await?;
        let published = !shelf.library.articles().is_empty();
        let first = bot_answers_first(
            message.channel,
            kind,
            c.project_id.is_some(),
            published,
            c.person_since.is_some(),
        );
        let Some(project_id) = c.project_id.clone().filter(|_| first) else {
            return Ok(());
        };
        // The asker is who can later say whether the answer helped: a resident by their phone
        // (as they sign in to the H5), an unknown WeChat follower by their openid.
        let asker = self
            .phone_of(&c)
            .await?
            .unwrap_or_else(|| c.contact_value.clone());
        let asked = Asked {
            company_id,
            asked_by: &asker,
            project_id: &project_id,
            channel: message.channel,
            text,
        };
        let reply = self.bot_reply(&shelf, asked, now).await;
        // Said as the message came: a channel's times are whole seconds, and the answer comes
        // before whatever the resident wrote after it.
        let at = message.sent_at;
        let txn = self.begin_write().await?;
        match reply {
            Ok(reply) => {
                bot_answer::ActiveModel::from(reply.record.clone())
                    .reset_all()
                    .insert(&txn)
                    .await?;
                let says = match (&reply.answer, reply.handoff) {
                    (Some(a), _) => Says::Answer {
                        answer_id: &reply.record.id,
                        text: &a.text,
                    },
                    (None, reason) => Says::HandOff(reason.unwrap_or(Handoff::NotKnown)),
                };
                bot_says(&txn, &self.delivery, &c, asker.clone(), says, at, now).await?;
            }
            Err(e) => {
                tracing::warn!(conversation = %c.id, error = %e, "the bot failed; handing off");
                let says = Says::HandOff(Handoff::NotKnown);
                bot_says(&txn, &self.delivery, &c, asker, says, at, now).await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// The conversation the bot gave answer `answer_id` in, if it gave it in one.
    pub(crate) async fn conversation_of_answer(
        &self,
        company_id: &str,
        answer_id: &str,
    ) -> Result<Option<conversation::Model>> {
        let Some(m) = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(company_id))
            .filter(conversation_message::Column::SenderKind.eq(SenderKind::Bot.as_str()))
            .filter(conversation_message::Column::SenderId.eq(answer_id))
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

    /// The resident said the bot's answer did not help: unless a person has it already, the
    /// conversation is handed off, in the caller's transaction.
    pub(crate) async fn hand_off_unhelped(
        &self,
        txn: &impl ConnectionTrait,
        c: &conversation::Model,
        asker: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if c.person_since.is_some() {
            return Ok(());
        }
        let says = Says::HandOff(Handoff::NotHelpful);
        bot_says(txn, &self.delivery, c, asker.to_owned(), says, now, now).await?;
        Ok(())
    }
}

/// Writes what the bot says in the caller's transaction: the message (sender: the bot, sent
/// `at`), its notification on the conversation's channel to `recipient` (as an agent's answer
/// goes), the conversation's new state, the audit entry. An answer leaves the conversation
/// waiting for the resident; a hand-off leaves it open for a person, and the bot out of it until
/// it is closed.
async fn bot_says(
    txn: &impl ConnectionTrait,
    delivery: &DeliverySetup,
    c: &conversation::Model,
    recipient: String,
    says: Says<'_>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<conversation_message::Model> {
    let message_id = new_id();
    // The facts the delivery worker routes and words by: an answer's text as the article
    // says it; a hand-off's reason, worded in the resident's language when it is sent.
    let details = match &says {
        Says::Answer { text, .. } => json!({
            "conversation_id": c.id, "message_id": message_id, "channel": c.channel,
            "text": text, "bot": true,
        }),
        Says::HandOff(reason) => json!({
            "conversation_id": c.id, "message_id": message_id, "channel": c.channel,
            "handoff": reason, "bot": true,
        }),
    };
    let notification = send_on(txn, delivery, c, recipient, &details, now).await?;
    let (sender_id, text, note) = match &says {
        Says::Answer { answer_id, text } => (
            Some((*answer_id).to_owned()),
            Some((*text).to_owned()),
            None,
        ),
        Says::HandOff(reason) => (None, None, Some(reason.as_str().to_owned())),
    };
    let message = conversation_message::ActiveModel {
        company_id: Set(c.company_id.clone()),
        id: Set(message_id),
        conversation_id: Set(c.id.clone()),
        direction: Set(Direction::Out.as_str().to_owned()),
        channel: Set(c.channel.clone()),
        kind: Set("text".to_owned()),
        sender_kind: Set(SenderKind::Bot.as_str().to_owned()),
        sender_id: Set(sender_id),
        text: Set(text.clone()),
        attachment: Set(None),
        external_id: Set(None),
        thread: Set(None),
        notification_id: Set(notification),
        sent_at: Set(at),
        created_at: Set(now),
        bot_note: Set(note),
    }
    .insert(txn)
    .await?;
    let update = set(c).col_expr(conversation::Column::UpdatedAt, Expr::value(now));
    let (update, action) = match (&says, text) {
        (Says::Answer { .. }, Some(text)) => (
            update
                .col_expr(
                    conversation::Column::State,
                    Expr::value(ConversationState::Waiting.as_str()),
                )
                .col_expr(conversation::Column::Unread, Expr::value(0))
                .col_expr(conversation::Column::LastMessageAt, Expr::value(now))
                .col_expr(
                    conversation::Column::LastText,
                    Expr::value(text.chars().take(100).collect::<String>()),
                ),
            "bot_answer",
        ),
        _ => (
            // Open, and unread at least once: it shows in the inbox as needing a person.
            update
                .col_expr(
                    conversation::Column::State,
                    Expr::value(ConversationState::Open.as_str()),
                )
                .col_expr(conversation::Column::Unread, Expr::value(c.unread.max(1)))
                .col_expr(conversation::Column::PersonSince, Expr::value(now)),
            "bot_handoff",
        ),
    };
    update.exec(txn).await?;
    Audit {
        company_id: &c.company_id,
        actor: None,
        entity: "conversation",
        entity_id: &c.id,
        action,
    }
    .record(
        txn,
        json!({ "message_id": message.id, "details": details }),
        now,
    )
    .await?;
    Ok(message)
}
