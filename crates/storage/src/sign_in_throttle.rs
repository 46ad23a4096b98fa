//! The sign-in throttle's storage (the rule is `guanjia_domain::sign_in_throttle`): a guess is
//! counted, in one write, before it is compared, so parallel guesses cannot slip past the count;
//! a correct one takes its count back.

use chrono::{DateTime, Utc};
use guanjia_domain::sign_in_throttle::{MEMORY, Throttle, Window, next_request_at};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};

use sha2::{Digest, Sha256};

use crate::db::Store;
use crate::entity::{sign_in_code_request, sign_in_throttle};
use crate::error::{Result, StorageError};
use crate::support::new_id;

/// One count to keep: a key and the throttle it follows.
pub(crate) struct Counted<'a> {
    pub key: String,
    pub throttle: &'a Throttle,
}

/// The key for what is counted (`kind`) about `subjects`: hashed, so a fixed size whatever was
/// typed, and no phone number or username is kept in these tables.
pub(crate) fn key(kind: &str, subjects: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for subject in subjects {
        hasher.update(subject.as_bytes());
        hasher.update([0u8]);
    }
    format!("{kind}:{}", hex::encode(hasher.finalize()))
}

impl Store {
    /// Counts one guess under every key, or refuses it (counting nothing) while any key still
    /// waits: [`StorageError::Throttled`] says until when.
    pub(crate) async fn count_guess(&self, keys: &[Counted<'_>], now: DateTime<Utc>) -> Result<()> {
        let txn = self.begin_write().await?;
        for counted in keys {
            if let Err(refused) = count_one(&txn, counted, now).await {
                txn.rollback().await?;
                return Err(refused);
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// Records a request for a sign-in code under each key, or refuses it (recording nothing)
    /// when a key has used up a window.
    pub(crate) async fn count_code_request(
        &self,
        keys: &[(String, &[Window])],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        for (key, limits) in keys {
            // The key's throttle row is touched first: on PostgreSQL that locks it, so two
            // requests for one phone are counted one after the other.
            touch(&txn, key, now).await?;
            sign_in_code_request::Entity::delete_many()
                .filter(sign_in_code_request::Column::Key.eq(key))
                .filter(sign_in_code_request::Column::RequestedAt.lt(now - MEMORY))
                .exec(&txn)
                .await?;
            let earlier: Vec<DateTime<Utc>> = sign_in_code_request::Entity::find()
                .filter(sign_in_code_request::Column::Key.eq(key))
                .all(&txn)
                .await?
                .into_iter()
                .map(|r| r.requested_at)
                .collect();
            if let Some(until) = next_request_at(limits, &earlier, now) {
                txn.rollback().await?;
                return Err(StorageError::Throttled(until));
            }
            sign_in_code_request::Entity::insert(sign_in_code_request::ActiveModel {
                id: Set(new_id()),
                key: Set(key.clone()),
                requested_at: Set(now),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Forgets what no longer matters: guesses past every throttle's memory and requests older
    /// than a day, so both tables stay as small as the recent traffic.
    pub async fn forget_old_sign_in_attempts(&self, now: DateTime<Utc>) -> Result<()> {
        let txn = self.begin_write().await?;
        sign_in_throttle::Entity::delete_many()
            .filter(sign_in_throttle::Column::LastFailureAt.lt(now - MEMORY))
            .filter(sign_in_throttle::Column::BlockedUntil.lt(now))
            .exec(&txn)
            .await?;
        sign_in_code_request::Entity::delete_many()
            .filter(sign_in_code_request::Column::RequestedAt.lt(now - MEMORY))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Takes back the guess counted under `forget` (it was right: start over) and under `undo` (one
/// right guess does not count against the address), in the caller's transaction that opens the
/// session.
pub(crate) async fn guess_was_right(
    db: &impl ConnectionTrait,
    forget: &str,
    undo: &str,
) -> Result<()> {
    sign_in_throttle::Entity::delete_by_id(forget.to_owned())
        .exec(db)
        .await?;
    sign_in_throttle::Entity::update_many()
        .col_expr(
            sign_in_throttle::Column::Failures,
            Expr::col(sign_in_throttle::Column::Failures).sub(1),
        )
        .filter(sign_in_throttle::Column::Key.eq(undo))
        .filter(sign_in_throttle::Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts under one key. The row is locked first (on PostgreSQL until commit; on SQLite the whole
/// write is), so the read that follows sees every earlier guess, however many arrive at once.
async fn count_one(
    txn: &DatabaseTransaction,
    counted: &Counted<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    touch(txn, &counted.key, now).await?;
    let row = sign_in_throttle::Entity::find_by_id(counted.key.clone())
        .one(txn)
        .await?
        .ok_or(StorageError::NotFound("sign-in throttle"))?;
    if row.blocked_until > now {
        return Err(StorageError::Throttled(row.blocked_until));
    }
    let earlier = u32::try_from(row.failures).unwrap_or(0);
    let remembered = (earlier > 0).then_some(row.last_failure_at);
    let failures = counted.throttle.count_with(earlier, remembered, now);
    sign_in_throttle::Entity::update_many()
        .col_expr(
            sign_in_throttle::Column::Failures,
            Expr::value(i32::try_from(failures).unwrap_or(i32::MAX)),
        )
        .col_expr(sign_in_throttle::Column::LastFailureAt, Expr::value(now))
        .col_expr(
            sign_in_throttle::Column::BlockedUntil,
            Expr::value(now + counted.throttle.wait_after(failures)),
        )
        .filter(sign_in_throttle::Column::Key.eq(&counted.key))
        .exec(txn)
        .await?;
    Ok(())
}

/// Makes sure the key's row exists and locks it for this transaction, changing nothing.
async fn touch(txn: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<()> {
    sign_in_throttle::Entity::insert(sign_in_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        last_failure_at: Set(now),
        blocked_until: Set(now),
    })
    .on_conflict(
        OnConflict::column(sign_in_throttle::Column::Key)
            .value(
                sign_in_throttle::Column::Failures,
                Expr::col((sign_in_throttle::Entity, sign_in_throttle::Column::Failures)),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
