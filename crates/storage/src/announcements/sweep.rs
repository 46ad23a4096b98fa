//! The scheduler's part: send announcements whose time came, and remind once those who have not
//! read or acknowledged. Exactly once with any number of nodes, as the SLA sweep: a node claims
//! an announcement with a lease (PostgreSQL skips rows another node is claiming), and acts only
//! if, in the transaction that writes the recipients or reminders, the conditional update
//! "still due, still leased by me" changes its row. A node that dies leaves the lease to expire.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::announcement::{AnnouncementState, Audience};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::send::{remind_in, send_in};
use crate::db::Store;
use crate::entity::announcement;
use crate::error::Result;
use crate::support::ForUpdate;

/// How long a claim holds: long enough to send to 50,000 households.
pub const ANNOUNCEMENT_LEASE: Duration = Duration::minutes(10);

/// Announcements claimed per round.
const CLAIM: u64 = 10;

#[derive(Clone, Copy)]
enum Due {
    Send,
    Remind,
}

impl Due {
    fn condition(self, now: DateTime<Utc>) -> Condition {
        match self {
            Due::Send => Condition::all()
                .add(announcement::Column::State.eq(AnnouncementState::Scheduled.as_str()))
                .add(announcement::Column::SendAt.lte(now)),
            Due::Remind => Condition::all()
                .add(announcement::Column::State.eq(AnnouncementState::Sent.as_str()))
                .add(announcement::Column::RemindAt.lte(now)),
        }
    }
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnnouncementSweep {
    pub sent: usize,
    pub reminded: u64,
}

impl Store {
    /// Sends the announcements due and reminds those whose delay passed, as `node`.
    pub async fn sweep_announcements(
        &self,
        node: &str,
        now: DateTime<Utc>,
    ) -> Result<AnnouncementSweep> {
        let mut done = AnnouncementSweep::default();
        for a in self.claim_announcements(node, Due::Send, now).await? {
            let txn = self.begin_write().await?;
            if !self.still_mine(&txn, node, &a, Due::Send, now).await? {
                continue;
            }
            let audience: Audience = serde_json::from_value(a.audience.clone()).unwrap_or_default();
            send_in(&txn, &self.delivery, &self.webhooks, a, &audience, now).await?;
            txn.commit().await?;
            done.sent += 1;
        }
        for a in self.claim_announcements(node, Due::Remind, now).await? {
            let txn = self.begin_write().await?;
            if !self.still_mine(&txn, node, &a, Due::Remind, now).await? {
                continue;
            }
            done.reminded += remind_in(&txn, &self.delivery, &a, now).await?;
            txn.commit().await?;
        }
        Ok(done)
    }

    async fn claim_announcements(
        &self,
        node: &str,
        due: Due,
        now: DateTime<Utc>,
    ) -> Result<Vec<announcement::Model>> {
        let txn = self.begin_write().await?;
        let free = Condition::any()
            .add(announcement::Column::LeaseUntil.is_null())
            .add(announcement::Column::LeaseUntil.lt(now));
        let found = announcement::Entity::find()
            .filter(due.condition(now))
            .filter(free)
            .order_by_asc(announcement::Column::SendAt)
            .limit(CLAIM)
            .for_update_skip_locked(self.backend())
            .all(&txn)
            .await?;
        for a in &found {
            announcement::Entity::update_many()
                .col_expr(announcement::Column::LeaseOwner, Expr::value(node))
                .col_expr(
                    announcement::Column::LeaseUntil,
                    Expr::value(now + ANNOUNCEMENT_LEASE),
                )
                .filter(announcement::Column::CompanyId.eq(&a.company_id))
                .filter(announcement::Column::Id.eq(&a.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(found)
    }

    /// Takes the claimed step for good inside `txn`: false when it went elsewhere meanwhile (or
    /// was withdrawn). A reminder clears `remind_at`, so it can never come round again.
    async fn still_mine(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        node: &str,
        a: &announcement::Model,
        due: Due,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut update = announcement::Entity::update_many()
            .col_expr(
                announcement::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                announcement::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
        if let Due::Remind = due {
            update = update
                .col_expr(
                    announcement::Column::RemindAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(announcement::Column::RemindedAt, Expr::value(now));
        }
        let mine = update
            .filter(announcement::Column::CompanyId.eq(&a.company_id))
            .filter(announcement::Column::Id.eq(&a.id))
            .filter(announcement::Column::LeaseOwner.eq(node))
            .filter(due.condition(now))
            .exec(txn)
            .await?;
        Ok(mine.rows_affected == 1)
    }
}
