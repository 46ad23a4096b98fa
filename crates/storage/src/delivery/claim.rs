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
use guanjia_domain::conversation::ContactKind;
use guanjia_domain::delivery::{
    DeliveryChannel, DeliveryState, Next, Outcome, after_failure, route,
};
use guanjia_domain::notice::NoticeKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::plan::{Context, available, pending_row, recipient_of, target, wechat_contact_of};
use crate::db::Store;
use crate::entity::{conversation, delivery, notification, staff};
use crate::error::Result;
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
    /// A WeCom robot by name (`team:ID`, `project:CODE`), and the staff member to name in it.
    Robot {
        robot: String,
        staff_name: String,
        staff_phone: Option<String>,
    },
    /// Nowhere any more (the resident unbound WeChat, the staff member left).
    Gone,
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
            let address = address_of(&self.db, channel, &d, &n).await?;
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
        DeliveryChannel::Wecom => {
            staff::Entity::find_by_id((n.company_id.clone(), n.recipient_id.clone()))
                .one(db)
                .await?
                .map_or(Address::Gone, |s| Address::Robot {
                    robot: d.target.clone(),
                    staff_name: s.name,
                    staff_phone: s.phone,
                })
        }
    })
}
