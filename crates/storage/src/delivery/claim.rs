//! The worker's side: claim due deliveries with a lease, then finish each with what the provider
//! answered. No transaction is open while a provider is called: the claim commits first.
//!
//! At most one node sends a delivery at a time: the claim takes only rows whose next attempt is
//! due (a pending row's time has come, or a sender's lease has run out), PostgreSQL skipping the
//! rows another node is claiming, and moves their time to the end of the lease. A finish counts
//! only while the row is still leased to the node that sent it; a node that died mid-send leaves
//! its lease to expire and another node sends again (the provider may then see the message twice:
//! none of the three offers an idempotency key to prevent it).

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::conversation::{BodyKind, ContactKind, Direction, MAX_REFERENCES};
use guanjia_domain::delivery::{
    DeliveryChannel, DeliveryState, Next, Outcome, after_failure, route,
};
use guanjia_domain::notice::NoticeKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::plan::{Context, available, pending_row, recipient_of, target, wechat_contact_of};
use super::robots::webhook_key_of;
use crate::db::Store;
use crate::entity::{conversation, conversation_message, delivery, notification, staff};
use crate::error::Result;
use crate::secrets::SecretKey;
use crate::support::ForUpdate;

/// How long a sender holds a delivery before another node may take it over: far beyond a
/// provider call's timeout.
pub const LEASE: Duration = Duration::seconds(60);

/// Where a claimed delivery goes, read when it is claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// The resident's phone (normalised, national).
    Phone(String),
    /// The resident's openid on an official account (the account's id; empty for an openid
    /// bound before accounts were kept).
    WechatOpenid { account: String, openid: String },
    /// A WeCom robot by name (`robot:ID` of the product, `team:ID` or `project:CODE` of the
    /// file) with the key of a product's robot, and the staff members to name in the post.
    Robot {
        robot: String,
        webhook_key: Option<String>,
        mentions: Vec<Mention>,
    },
    /// The address of an e-mail conversation, and the thread the answer goes in.
    Email(EmailAnswer),
    /// Nowhere any more (the resident unbound WeChat, the staff member left).
    Gone,
}

/// A staff member a robot's post is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub name: String,
    pub phone: Option<String>,
}

/// An answer in an e-mail thread: to whom, and what it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAnswer {
    pub to: String,
    /// Our id of the answer (its conversation message): the same on every attempt.
    pub answer_id: String,
    /// The subject of the mail answered.
    pub subject: Option<String>,
    /// The Message-ID of the mail answered, and the thread up to it (oldest first).
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// A delivery this node is to send now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: delivery::Model,
    pub notification: notification::Model,
    pub channel: DeliveryChannel,
    pub address: Address,
}

impl Store {
    /// Wakes this node's delivery worker: something urgent is in the outbox.
    pub fn wake_deliveries(&self) {
        self.delivery.wake.notify_one();
    }

    /// Waits until something wakes the worker ([`Store::wake_deliveries`]).
    pub async fn deliveries_woken(&self) {
        self.delivery.wake.notified().await;
    }

    /// Claims up to `limit` due deliveries for `node`, each with what sending it needs.
    pub async fn claim_deliveries(
        &self,
        node: &str,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Claimed>> {
        let txn = self.begin_write().await?;
        let due = delivery::Entity::find()
            .filter(delivery::Column::NextAttemptAt.lte(now))
            .order_by_asc(delivery::Column::NextAttemptAt)
            .limit(limit)
            .for_update_skip_locked(self.backend())
            .all(&txn)
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let mut keys = Condition::any();
        for d in &due {
            keys = keys.add(key(d));
        }
        delivery::Entity::update_many()
            .col_expr(
                delivery::Column::State,
                Expr::value(DeliveryState::Sending.as_str()),
            )
            .col_expr(delivery::Column::LeaseOwner, Expr::value(node))
            .col_expr(delivery::Column::NextAttemptAt, Expr::value(now + LEASE))
            .col_expr(
                delivery::Column::Attempts,
                Expr::col(delivery::Column::Attempts).add(1),
            )
            .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
            .filter(keys)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        let mut claimed = Vec::with_capacity(due.len());
        for mut d in due {
            d.attempts += 1;
            d.lease_owner = Some(node.to_owned());
            let Some(n) =
                notification::Entity::find_by_id((d.company_id.clone(), d.notification_id.clone()))
                    .one(&self.db)
                    .await?
            else {
                continue;
            };
            let Ok(channel) = d.channel.parse::<DeliveryChannel>() else {
                continue;
            };
            let address = address_of(&self.db, self.secrets.as_deref(), channel, &d, &n).await?;
            claimed.push(Claimed {
                delivery: d,
                notification: n,
                channel,
                address,
            });
        }
        Ok(claimed)
    }

    /// Records what sending a claimed delivery came to, if it is still this node's: sent, to be
    /// tried again (after the backoff, and out of quiet hours), or over, with the next channel of
    /// the recipient's route planned when the first one failed for good. Answers whether it counted.
    pub async fn finish_delivery(
        &self,
        node: &str,
        claimed: &Claimed,
        provider: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (d, n) = (&claimed.delivery, &claimed.notification);
        let kind = n.kind.parse::<NoticeKind>().ok();
        let setup = &*self.delivery;
        // Read before the write transaction: SQLite's one writer must not wait on a reader.
        let ctx = Context::read(&self.db, setup, &n.company_id, n.ticket_id.as_deref()).await?;
        let fallback = match (kind, outcome) {
            (Some(kind), Outcome::Failed(_) | Outcome::Skipped { .. }) => {
                let recipient =
                    recipient_of(&self.db, &n.company_id, kind, &n.recipient_id, &n.details)
                        .await?;
                route(kind, recipient, available(setup, &ctx))
                    .filter(|r| r.first == claimed.channel)
                    .and_then(|r| r.fallback)
            }
            _ => None,
        };
        let mut update = delivery::Entity::update_many()
            .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
            .col_expr(delivery::Column::Provider, Expr::value(provider))
            .col_expr(
                delivery::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            );
        let set_state = |state: DeliveryState| Expr::value(state.as_str());
        let mut ended_badly = false;
        update = match outcome {
            Outcome::Sent { message_id } => update
                .col_expr(delivery::Column::State, set_state(DeliveryState::Sent))
                .col_expr(delivery::Column::SentAt, Expr::value(now))
                .col_expr(
                    delivery::Column::ProviderMessageId,
                    Expr::value(message_id.clone()),
                )
                .col_expr(delivery::Column::NextAttemptAt, no_time())
                .col_expr(
                    delivery::Column::ErrorCode,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(
                    delivery::Column::ErrorReason,
                    Expr::value(Option::<String>::None),
                ),
            Outcome::Skipped { code, reason } => {
                ended_badly = true;
                update
                    .col_expr(delivery::Column::State, set_state(DeliveryState::Skipped))
                    .col_expr(delivery::Column::NextAttemptAt, no_time())
                    .col_expr(delivery::Column::ErrorCode, Expr::value(clip(code, 100)))
                    .col_expr(
                        delivery::Column::ErrorReason,
                        Expr::value(clip(reason, 500)),
                    )
            }
            Outcome::Failed(failure) => {
                let made = u32::try_from(d.attempts).unwrap_or(u32::MAX);
                let expires = n.details["expires_at"]
                    .as_str()
                    .and_then(|s| s.parse::<DateTime<Utc>>().ok());
                let update = update
                    .col_expr(
                        delivery::Column::ErrorCode,
                        Expr::value(clip(&failure.code, 100)),
                    )
                    .col_expr(
                        delivery::Column::ErrorReason,
                        Expr::value(clip(&failure.reason, 500)),
                    );
                match after_failure(failure, made, setup.backoff, expires, now) {
                    Next::RetryAt(at) => {
                        let at = kind.map_or(at, |kind| ctx.release(setup, kind, at));
                        update
                            .col_expr(delivery::Column::State, set_state(DeliveryState::Pending))
                            .col_expr(delivery::Column::NextAttemptAt, Expr::value(at))
                    }
                    Next::GiveUp => {
                        ended_badly = true;
                        update
                            .col_expr(delivery::Column::State, set_state(DeliveryState::Failed))
                            .col_expr(delivery::Column::NextAttemptAt, no_time())
                    }
                }
            }
        };
        let txn = self.begin_write().await?;
        let mine = update
            .filter(key(d))
            .filter(delivery::Column::LeaseOwner.eq(node))
            .filter(delivery::Column::State.eq(DeliveryState::Sending.as_str()))
            .exec(&txn)
            .await?;
        if mine.rows_affected != 1 {
            return Ok(false);
        }
        if matches!(outcome, Outcome::Sent { .. }) {
            notification::Entity::update_many()
                .col_expr(notification::Column::DeliveredAt, Expr::value(now))
                .filter(notification::Column::CompanyId.eq(&n.company_id))
                .filter(notification::Column::Id.eq(&n.id))
                .filter(notification::Column::DeliveredAt.is_null())
                .exec(&txn)
                .await?;
        }
        if let (true, Some(next), Some(kind)) = (ended_badly, fallback, kind) {
            let at = ctx.release(setup, kind, now);
            let row = pending_row(
                &n.company_id,
                &n.id,
                next,
                target(next, &n.recipient_id, &ctx),
                at,
                now,
            );
            // The unique key keeps it to one row per channel, should a fallback be planned twice.
            delivery::Entity::insert(row)
                .on_conflict_do_nothing()
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(true)
    }
}

fn no_time() -> Expr {
    Expr::value(Option::<DateTime<Utc>>::None)
}

/// At most `max` characters of a provider's words, for a column of that size.
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn key(d: &delivery::Model) -> Condition {
    Condition::all()
        .add(delivery::Column::CompanyId.eq(&d.company_id))
        .add(delivery::Column::Id.eq(&d.id))
}

/// Where a delivery on `channel` goes now.
async fn address_of(
    db: &impl ConnectionTrait,
    secrets: Option<&SecretKey>,
    channel: DeliveryChannel,
    d: &delivery::Model,
    n: &notification::Model,
) -> Result<Address> {
    Ok(match channel {
        DeliveryChannel::Sms => Address::Phone(n.recipient_id.clone()),
        DeliveryChannel::Wechat => {
            // An answer goes to the contact point the conversation is with; anything else to
            // the openid the resident bound.
            let contact = if n.kind == NoticeKind::ConversationReply.as_str() {
                let id = n.details["conversation_id"].as_str().unwrap_or_default();
                conversation::Entity::find_by_id((n.company_id.clone(), id.to_owned()))
                    .one(db)
                    .await?
                    .filter(|c| c.contact_kind == ContactKind::Wechat.as_str())
                    .map(|c| (c.contact_account, c.contact_value))
            } else {
                wechat_contact_of(db, &n.company_id, &n.recipient_id)
                    .await?
                    .map(|c| (c.account, c.value))
            };
            contact.map_or(Address::Gone, |(account, openid)| Address::WechatOpenid {
                account,
                openid,
            })
        }
        DeliveryChannel::Email => email_answer(db, n)
            .await?
            .map_or(Address::Gone, Address::Email),
        DeliveryChannel::Wecom => {
            let mentions = told_with(db, n).await?;
            if mentions.is_empty() {
                Address::Gone
            } else {
                Address::Robot {
                    robot: d.target.clone(),
                    webhook_key: webhook_key_of(db, secrets, &n.company_id, &d.target).await?,
                    mentions,
                }
            }
        }
    })
}

/// The most staff members one robot post names.
const MENTIONS: u64 = 100;

/// The staff members told by the same write as `n` (one robot post is planned for all of them:
/// see `plan::plan_deliveries`), in the order they were written.
async fn told_with(db: &impl ConnectionTrait, n: &notification::Model) -> Result<Vec<Mention>> {
    let Some(ticket_id) = &n.ticket_id else {
        return Ok(Vec::new());
    };
    let recipients: Vec<String> = notification::Entity::find()
        .select_only()
        .column(notification::Column::RecipientId)
        .filter(notification::Column::CompanyId.eq(&n.company_id))
        .filter(notification::Column::TicketId.eq(ticket_id))
        .filter(notification::Column::Kind.eq(&n.kind))
        .filter(notification::Column::CreatedAt.eq(n.created_at))
        .order_by_asc(notification::Column::Id)
        .limit(MENTIONS)
        .into_tuple()
        .all(db)
        .await?;
    let staff = staff::Entity::find()
        .filter(staff::Column::CompanyId.eq(&n.company_id))
        .filter(staff::Column::Id.is_in(recipients.iter().cloned()))
        .all(db)
        .await?;
    Ok(recipients
        .iter()
        .filter_map(|id| staff.iter().find(|s| &s.id == id))
        .map(|s| Mention {
            name: s.name.clone(),
            phone: s.phone.clone(),
        })
        .collect())
}

/// Where an answer on an e-mail conversation goes: the conversation's address, in reply to the
/// latest mail the resident wrote in it.
async fn email_answer(
    db: &impl ConnectionTrait,
    n: &notification::Model,
) -> Result<Option<EmailAnswer>> {
    let id = n.details["conversation_id"].as_str().unwrap_or_default();
    let Some(c) = conversation::Entity::find_by_id((n.company_id.clone(), id.to_owned()))
        .one(db)
        .await?
        .filter(|c| c.contact_kind == ContactKind::Email.as_str())
    else {
        return Ok(None);
    };
    let answered = conversation_message::Entity::find()
        .filter(conversation_message::Column::CompanyId.eq(&c.company_id))
        .filter(conversation_message::Column::ConversationId.eq(&c.id))
        .filter(conversation_message::Column::Direction.eq(Direction::In.as_str()))
        .filter(conversation_message::Column::Kind.eq(BodyKind::Text.as_str()))
        .filter(conversation_message::Column::Thread.is_not_null())
        .order_by_desc(conversation_message::Column::SentAt)
        .one(db)
        .await?;
    let thread = answered.and_then(|m| m.thread).unwrap_or_default();
    let text = |key: &str| thread[key].as_str().map(str::to_owned);
    let in_reply_to = text("message_id");
    let mut references: Vec<String> = thread["references"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    references.extend(in_reply_to.clone());
    let skip = references.len().saturating_sub(MAX_REFERENCES);
    Ok(Some(EmailAnswer {
        to: c.contact_value,
        answer_id: n.details["message_id"].as_str().unwrap_or(&n.id).to_owned(),
        subject: text("subject"),
        in_reply_to,
        references: references.split_off(skip),
    }))
}
