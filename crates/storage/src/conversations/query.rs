//! Reading conversations within scope: the inbox by newest activity (keyset pages, one index
//! walk however deep) and one conversation with its latest messages and how far each answer got.

use std::collections::HashMap;

use guanjia_domain::conversation::ConversationState;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::visible_to;
use crate::db::Store;
use crate::entity::{conversation, conversation_message, delivery, resident};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::tickets::After;

/// The most messages a thread shows: the latest ones.
pub const THREAD_MESSAGES: u64 = 200;

/// What the inbox is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ConversationFilter {
    pub channel: Option<Channel>,
    pub project_id: Option<String>,
    pub state: Option<ConversationState>,
    pub assignee_id: Option<String>,
    /// true: only those with unread messages; false: only those without.
    pub unread: Option<bool>,
    /// Only the conversations of these resident records (one person's).
    pub resident_ids: Option<Vec<String>>,
}

/// A keyset page of the inbox and the cursor of the next one.
#[derive(Debug, Clone)]
pub struct ConversationPage {
    pub items: Vec<conversation::Model>,
    pub total: u64,
    pub next: Option<After>,
}

/// How far an answer got on its channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDelivery {
    pub channel: String,
    pub state: String,
    pub error_code: Option<String>,
}

/// One conversation with its latest messages, oldest first, and the deliveries of its answers
/// by message id.
#[derive(Debug, Clone)]
pub struct Thread {
    pub conversation: conversation::Model,
    pub messages: Vec<conversation_message::Model>,
    pub deliveries: HashMap<String, Vec<MessageDelivery>>,
}

impl Store {
    /// The conversations `who` sees under `filter`, newest activity first, from after `after`.
    pub async fn conversations_after(
        &self,
        who: &Principal,
        filter: ConversationFilter,
        per_page: u64,
        after: Option<&After>,
    ) -> Result<ConversationPage> {
        let mut query = conversation::Entity::find().filter(visible_to(who));
        if let Some(channel) = filter.channel {
            query = query.filter(conversation::Column::Channel.eq(channel.as_str()));
        }
        if let Some(project) = &filter.project_id {
            query = query.filter(conversation::Column::ProjectId.eq(project));
        }
        if let Some(state) = filter.state {
            query = query.filter(conversation::Column::State.eq(state.as_str()));
        }
        if let Some(assignee) = &filter.assignee_id {
            query = query.filter(conversation::Column::AssigneeId.eq(assignee));
        }
        match filter.unread {
            Some(true) => query = query.filter(conversation::Column::Unread.gt(0)),
            Some(false) => query = query.filter(conversation::Column::Unread.eq(0)),
            None => {}
        }
        if let Some(ids) = &filter.resident_ids {
            query = query.filter(conversation::Column::ResidentId.is_in(ids.clone()));
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(after) = after {
            let at = after
                .at
                .ok_or_else(|| StorageError::field("after", FieldErrorCode::Invalid))?;
            query = query.filter(
                Condition::any()
                    .add(conversation::Column::LastMessageAt.lt(at))
                    .add(
                        Condition::all()
                            .add(conversation::Column::LastMessageAt.eq(at))
                            .add(conversation::Column::Id.lt(after.id.clone())),
                    ),
            );
        }
        let mut items = query
            .order_by_desc(conversation::Column::LastMessageAt)
            .order_by_desc(conversation::Column::Id)
            .limit(per_page + 1)
            .all(&self.db)
            .await?;
        let next = if items.len() as u64 > per_page {
            items.truncate(per_page as usize);
            items.last().map(|c| After {
                at: Some(c.last_message_at),
                id: c.id.clone(),
            })
        } else {
            None
        };
        Ok(ConversationPage { items, total, next })
    }

    /// The residents the conversations (read within scope) are with, by id.
    pub async fn conversation_residents(
        &self,
        who: &Principal,
        conversations: &[conversation::Model],
    ) -> Result<HashMap<String, resident::Model>> {
        let ids: Vec<String> = conversations
            .iter()
            .filter_map(|c| c.resident_id.clone())
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(&who.company_id))
            .filter(resident::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect())
    }

    /// One conversation `who` sees; out of scope is not found.
    pub async fn conversation(&self, who: &Principal, id: &str) -> Result<conversation::Model> {
        conversation::Entity::find()
            .filter(visible_to(who))
            .filter(conversation::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("conversation"))
    }

    /// The thread as [`Store::thread`] reads it, read by `who`: desk staff who see it have read
    /// the messages it shows, so its unread count goes down by those (to zero, unless more came
    /// in meanwhile, which stay unread). A resident reading their own changes nothing.
    pub async fn read_thread(&self, who: &Principal, id: &str) -> Result<Thread> {
        let mut thread = self.thread(who, id).await?;
        let seen = thread.conversation.unread;
        if who.role.is_desk() && seen > 0 {
            // Counted down, not set to zero: a message received after the thread was read is
            // not read; only where an answer or closing reset the count meanwhile is it left.
            let txn = self.begin_write().await?;
            conversation::Entity::update_many()
                .col_expr(
                    conversation::Column::Unread,
                    Expr::col(conversation::Column::Unread).sub(seen),
                )
                .filter(conversation::Column::CompanyId.eq(&who.company_id))
                .filter(conversation::Column::Id.eq(id))
                .filter(conversation::Column::Unread.gte(seen))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            thread.conversation.unread = 0;
        }
        Ok(thread)
    }

    /// One conversation with its latest [`THREAD_MESSAGES`] messages and their deliveries.
    pub async fn thread(&self, who: &Principal, id: &str) -> Result<Thread> {
        let conversation = self.conversation(who, id).await?;
        let mut messages = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(&who.company_id))
            .filter(conversation_message::Column::ConversationId.eq(id))
            .order_by_desc(conversation_message::Column::SentAt)
            .order_by_desc(conversation_message::Column::Id)
            .limit(THREAD_MESSAGES)
            .all(&self.db)
            .await?;
        messages.reverse();
        let by_notification: HashMap<String, String> = messages
            .iter()
            .filter_map(|m| Some((m.notification_id.clone()?, m.id.clone())))
            .collect();
        let mut deliveries: HashMap<String, Vec<MessageDelivery>> = HashMap::new();
        if !by_notification.is_empty() {
            let rows = delivery::Entity::find()
                .filter(delivery::Column::CompanyId.eq(&who.company_id))
                .filter(delivery::Column::NotificationId.is_in(by_notification.keys().cloned()))
                .order_by_asc(delivery::Column::CreatedAt)
                .all(&self.db)
                .await?;
            for d in rows {
                if let Some(message_id) = by_notification.get(&d.notification_id) {
                    deliveries
                        .entry(message_id.clone())
                        .or_default()
                        .push(MessageDelivery {
                            channel: d.channel,
                            state: d.state,
                            error_code: d.error_code,
                        });
                }
            }
        }
        Ok(Thread {
            conversation,
            messages,
            deliveries,
        })
    }
}
