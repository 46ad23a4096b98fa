//! A ticket from a conversation: opened the one way tickets open, from what the resident wrote
//! (read by message understanding), with the messages as its first timeline entries and the
//! conversation's owner as its first-contact owner; or a link to a ticket that exists.

use chrono::{DateTime, Utc};
use guanjia_domain::conversation::Direction;
use guanjia_domain::role::Role;
use guanjia_domain::ticket::{
    ContactInput, MAX_DESCRIPTION, MAX_REPORTED_AGE, TicketInput, Visibility,
};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::reply::set;
use crate::db::Store;
use crate::entity::{conversation, conversation_message, staff, ticket, ticket_event};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, new_id};
use crate::tickets::{AlsoWrite, Arrival, Opened, Understanding};

/// The most messages carried onto a new ticket: the latest ones.
const CARRIED: u64 = 50;

impl Store {
    /// Opens a ticket from a conversation (desk staff): its description is what the resident
    /// wrote, kind, category and urgency are read from it, its first-contact owner is the
    /// conversation's (whoever opens it, when nobody answered yet, and then owns both).
    pub async fn open_ticket_from_conversation(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Opened> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let c = self.conversation(who, id).await?;
        if c.ticket_id.is_some() {
            return Err(StorageError::field("ticket_id", FieldErrorCode::Taken));
        }
        let project_id = c
            .project_id
            .clone()
            .ok_or_else(|| StorageError::field("project_id", FieldErrorCode::Required))?;
        let mut messages = conversation_message::Entity::find()
            .filter(conversation_message::Column::CompanyId.eq(&c.company_id))
            .filter(conversation_message::Column::ConversationId.eq(&c.id))
            .order_by_desc(conversation_message::Column::SentAt)
            .order_by_desc(conversation_message::Column::Id)
            .limit(CARRIED)
            .all(&self.db)
            .await?;
        messages.reverse();
        let inbound: Vec<&conversation_message::Model> = messages
            .iter()
            .filter(|m| m.direction == Direction::In.as_str())
            .collect();
        let description: String = inbound
            .iter()
            .filter_map(|m| m.text.as_deref())
            .collect::<Vec<_>>()
            .join("\n")
            .chars()
            .take(MAX_DESCRIPTION)
            .collect();
        if description.trim().is_empty() {
            return Err(StorageError::field("messages", FieldErrorCode::Required));
        }
        // The clocks start when the resident first wrote, within what a ticket may go back.
        let reported_at = inbound
            .first()
            .map(|m| m.sent_at)
            .filter(|at| *at > now - MAX_REPORTED_AGE + chrono::Duration::minutes(1))
            .filter(|at| *at <= now);
        let phone = self.phone_of(&c).await?;
        let input = TicketInput {
            project_id,
            channel: c.channel.clone(),
            description,
            kind: None,
            category: None,
            urgency: None,
            room_id: None,
            resident_id: c.resident_id.clone(),
            contact: match (&c.resident_id, phone) {
                (None, Some(phone)) => Some(ContactInput {
                    name: None,
                    phone: Some(phone),
                }),
                _ => None,
            },
            title: None,
            attachments: vec![],
            reported_at: reported_at.map(|at| at.to_rfc3339()),
        };
        let owner = c.owner_id.clone().unwrap_or_else(|| who.id.clone());
        let roles = self.roles_of(&c.company_id, &messages).await?;
        let (who_, c_) = (who.clone(), c.clone());
        let also: AlsoWrite = Box::new(move |txn, t| {
            Box::pin(async move {
                ticket::Entity::update_many()
                    .col_expr(ticket::Column::FirstContactOwnerId, Expr::value(&owner))
                    .filter(ticket::Column::CompanyId.eq(&t.company_id))
                    .filter(ticket::Column::Id.eq(&t.id))
                    .exec(txn)
                    .await?;
                for m in &messages {
                    let (actor_role, actor_id) = match m.direction.parse() {
                        Ok(Direction::Out) => (
                            m.sender_id.as_ref().and_then(|s| roles.get(s).copied()),
                            m.sender_id.clone(),
                        ),
                        _ => (Some(Role::Resident), None),
                    };
                    ticket_event::ActiveModel {
                        company_id: Set(t.company_id.clone()),
                        id: Set(new_id()),
                        ticket_id: Set(t.id.clone()),
                        actor_id: Set(actor_id),
                        actor_role: Set(actor_role.unwrap_or(Role::Agent).as_str().to_owned()),
                        action: Set("conversation_message".to_owned()),
                        from_status: Set(None),
                        to_status: Set(Some((*t.status).into())),
                        visibility: Set(Visibility::Resident.into()),
                        details: Set(json!({
                            "conversation_id": m.conversation_id, "message_id": m.id,
                            "direction": m.direction, "channel": m.channel, "body": m.text,
                            "attachment": m.attachment, "sent_at": m.sent_at,
                            // The bot's messages: who spoke, and a hand-off's reason, which the
                            // timeline words in its reader's language as the thread does.
                            "sender_kind": m.sender_kind, "bot_note": m.bot_note,
                        })),
                        // When it was written: the messages come first on the timeline.
                        created_at: Set(m.sent_at.min(now)),
                    }
                    .insert(txn)
                    .await?;
                }
                let mut update = set(&c_)
                    .col_expr(conversation::Column::TicketId, Expr::value(&t.id))
                    .col_expr(conversation::Column::UpdatedAt, Expr::value(now));
                if c_.owner_id.is_none() {
                    update = update
                        .col_expr(conversation::Column::OwnerId, Expr::value(&owner))
                        .col_expr(
                            conversation::Column::AssigneeId,
                            Expr::value(c_.assignee_id.clone().unwrap_or(owner.clone())),
                        );
                }
                update.exec(txn).await?;
                Audit::by(&who_, "conversation", &c_.id, "open_ticket")
                    .record(txn, json!({ "ticket_id": t.id, "number": t.number }), now)
                    .await
            })
        });
        let opened = self
            .open_ticket_with(
                who,
                input,
                now,
                Understanding::FromText,
                Arrival {
                    order: None,
                    also: Some(also),
                },
            )
            .await?;
        // Read again: its first-contact owner was set in its own transaction.
        let ticket = ticket::Entity::find_by_id((c.company_id.clone(), opened.ticket.id.clone()))
            .one(&self.db)
            .await?
            .unwrap_or(opened.ticket);
        Ok(Opened {
            ticket,
            sla: opened.sla,
        })
    }

    /// Links a conversation to a ticket `who` sees in the same project: comments for the
    /// resident on it then go back on the conversation's channel.
    pub async fn link_conversation(
        &self,
        who: &Principal,
        id: &str,
        ticket_id: &str,
        now: DateTime<Utc>,
    ) -> Result<conversation::Model> {
        if !who.role.is_desk() {
            return Err(StorageError::Forbidden);
        }
        let c = self.conversation(who, id).await?;
        let t = self
            .ticket(who, ticket_id)
            .await
            .map_err(|_| StorageError::field("ticket_id", FieldErrorCode::UnknownReference))?;
        if c.project_id.as_ref().is_some_and(|p| *p != t.project_id) {
            return Err(StorageError::field("ticket_id", FieldErrorCode::Mismatch));
        }
        let txn = self.begin_write().await?;
        set(&c)
            .col_expr(conversation::Column::TicketId, Expr::value(&t.id))
            .col_expr(
                conversation::Column::ProjectId,
                Expr::value(t.project_id.clone()),
            )
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
            .exec(&txn)
            .await?;
        Audit::by(who, "conversation", &c.id, "link_ticket")
            .record(&txn, json!({ "from": c.ticket_id, "to": t.id }), now)
            .await?;
        txn.commit().await?;
        self.conversation(who, id).await
    }

    /// The roles of the staff who wrote some of `messages`, by id.
    async fn roles_of(
        &self,
        company_id: &str,
        messages: &[conversation_message::Model],
    ) -> Result<std::collections::HashMap<String, Role>> {
        let ids: Vec<String> = messages
            .iter()
            .filter(|m| m.direction == Direction::Out.as_str())
            .filter_map(|m| m.sender_id.clone())
            .collect();
        if ids.is_empty() {
            return Ok(Default::default());
        }
        Ok(staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(company_id))
            .filter(staff::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|s| Some((s.id, s.role.parse().ok()?)))
            .collect())
    }
}
