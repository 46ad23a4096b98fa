//! Reading an IMAP mailbox from several nodes: one node at a time holds a lease on the mailbox
//! and moves its cursor (UIDVALIDITY and the last UID taken) as each mail is received.
//!
//! The lease is taken by one conditional update (free, expired, or already ours), which both
//! databases apply atomically, so two nodes never read the same mailbox at once. A node that dies
//! mid-round leaves its lease to expire; the next node starts after the last UID recorded, and a
//! mail received but not yet recorded is received again, which its Message-ID makes a no-op.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter};

use crate::db::Store;
use crate::entity::mailbox;
use crate::error::Result;

/// Where reading a mailbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxCursor {
    /// None before the mailbox was first read.
    pub uid_validity: Option<u32>,
    /// The last UID taken within `uid_validity` (0: none).
    pub last_uid: u32,
}

impl Store {
    /// Takes the lease on mailbox `key` for `node` until `now + lease`, if no other node holds
    /// it; answers where reading stands, or None when another node is reading it.
    pub async fn claim_mailbox(
        &self,
        key: &str,
        node: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<MailboxCursor>> {
        let txn = self.begin_write().await?;
        mailbox::Entity::insert(mailbox::ActiveModel {
            key: Set(key.to_owned()),
            uid_validity: Set(None),
            last_uid: Set(0),
            lease_owner: Set(None),
            lease_until: Set(None),
            updated_at: Set(now),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&txn)
        .await?;
        let free = Condition::any()
            .add(mailbox::Column::LeaseUntil.is_null())
            .add(mailbox::Column::LeaseUntil.lt(now))
            .add(mailbox::Column::LeaseOwner.eq(node));
        let taken = mailbox::Entity::update_many()
            .col_expr(mailbox::Column::LeaseOwner, Expr::value(node))
            .col_expr(mailbox::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
            .filter(mailbox::Column::Key.eq(key))
            .filter(free)
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 {
            return Ok(None);
        }
        let row = mailbox::Entity::find_by_id(key.to_owned())
            .one(&txn)
            .await?;
        txn.commit().await?;
        Ok(row.map(|m| MailboxCursor {
            uid_validity: m.uid_validity.and_then(|v| u32::try_from(v).ok()),
            last_uid: u32::try_from(m.last_uid).unwrap_or(0),
        }))
    }

    /// Records how far `node` has read, while it still holds the lease; answers whether it did.
    pub async fn advance_mailbox(
        &self,
        key: &str,
        node: &str,
        cursor: MailboxCursor,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let txn = self.begin_write().await?;
        let done = mailbox::Entity::update_many()
            .col_expr(
                mailbox::Column::UidValidity,
                Expr::value(cursor.uid_validity.map(i64::from)),
            )
            .col_expr(
                mailbox::Column::LastUid,
                Expr::value(i64::from(cursor.last_uid)),
            )
            .col_expr(mailbox::Column::UpdatedAt, Expr::value(now))
            .filter(mailbox::Column::Key.eq(key))
            .filter(mailbox::Column::LeaseOwner.eq(node))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(done.rows_affected == 1)
    }

    /// Gives the lease up at the end of a round, so the next round may be any node's.
    pub async fn release_mailbox(&self, key: &str, node: &str) -> Result<()> {
        let txn = self.begin_write().await?;
        mailbox::Entity::update_many()
            .col_expr(
                mailbox::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                mailbox::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .filter(mailbox::Column::Key.eq(key))
            .filter(mailbox::Column::LeaseOwner.eq(node))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
