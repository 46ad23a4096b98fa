//! Small pieces every repository uses: ids, the audit trail, paging.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, OnConflict};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QuerySelect,
};
use serde_json::Value;

use crate::entity::{audit_entry, counter};
use guanjia_domain::validation::FieldErrorCode;

use crate::error::{Result, StorageError};
use crate::principal::Principal;

/// A new id: UUID v7, so ids sort by creation time and never collide across nodes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// From 1.
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub(crate) fn offset(self) -> u64 {
        (self.page.saturating_sub(1)).saturating_mul(self.per_page)
    }

    pub(crate) fn wrap<T>(self, items: Vec<T>, total: u64) -> Page<T> {
        Page {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// One entry of the audit trail: who changed which object of the company's set-up, and how.
pub(crate) struct Audit<'a> {
    pub company_id: &'a str,
    pub actor: Option<&'a Principal>,
    pub entity: &'static str,
    pub entity_id: &'a str,
    pub action: &'static str,
}

impl<'a> Audit<'a> {
    /// An entry for a change made by a signed-in user.
    pub(crate) fn by(
        who: &'a Principal,
        entity: &'static str,
        entity_id: &'a str,
        action: &'static str,
    ) -> Self {
        Audit {
            company_id: &who.company_id,
            actor: Some(who),
            entity,
            entity_id,
            action,
        }
    }

    /// Writes the entry; call it inside the transaction that makes the change.
    pub(crate) async fn record(
        self,
        db: &impl ConnectionTrait,
        details: Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        audit_entry::ActiveModel {
            company_id: Set(self.company_id.to_owned()),
            id: Set(new_id()),
            actor_id: Set(self.actor.map(|p| p.id.clone())),
            entity: Set(self.entity.to_owned()),
            entity_id: Set(self.entity_id.to_owned()),
            action: Set(self.action.to_owned()),
            details: Set(details),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

/// `column` contains `text` as typed: `%` and `_` in a search are characters, not wildcards.
pub(crate) fn contains_literally(column: impl ColumnTrait, text: &str) -> Expr {
    Expr::col(column.as_column_ref())
        .like(LikeExpr::new(format!("%{}%", escape_like(text))).escape('\\'))
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Only admins change the company's set-up.
pub(crate) fn require_admin(who: &Principal) -> Result<()> {
    if who.role.administers() {
        Ok(())
    } else {
        Err(StorageError::Forbidden)
    }
}

/// A unique-constraint failure becomes "this value is taken" on `field`.
pub(crate) fn taken_or(err: sea_orm::DbErr, field: &str) -> StorageError {
    if matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) {
        StorageError::field(field, FieldErrorCode::Taken)
    } else {
        err.into()
    }
}

/// Refuses a deletion while anything depends on the object: `counts` names each kind of
/// dependent (`rooms`, `tickets`) with how many there are.
pub(crate) fn unused(counts: Vec<(&'static str, u64)>) -> Result<()> {
    let used: Vec<_> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    if used.is_empty() {
        Ok(())
    } else {
        Err(StorageError::InUse(used))
    }
}

/// A foreign-key failure on delete (a dependent the checks before did not count) is "in use" too.
pub(crate) fn in_use_or(err: sea_orm::DbErr) -> StorageError {
    if matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
    ) {
        StorageError::InUse(vec![])
    } else {
        err.into()
    }
}

/// What an edit changed, for the audit trail: each field whose value moved, from and to.
pub(crate) fn changes(before: Value, after: Value) -> Value {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return Value::Null;
    };
    let moved: serde_json::Map<String, Value> = after
        .into_iter()
        .filter_map(|(field, to)| {
            let from = before.get(&field).cloned().unwrap_or(Value::Null);
            (from != to).then(|| (field, serde_json::json!({ "from": from, "to": to })))
        })
        .collect();
    Value::Object(moved)
}

/// Increments a per-company counter and returns its new value. The increment happens in SQL
/// inside the caller's write transaction, so concurrent creators on any node get distinct values.
pub(crate) async fn next_counter(
    db: &impl ConnectionTrait,
    company_id: &str,
    name: &str,
) -> Result<i64> {
    let row = counter::ActiveModel {
        company_id: Set(company_id.to_owned()),
        name: Set(name.to_owned()),
        value: Set(1),
    };
    // One statement: the new value comes back from the upsert itself.
    let current = counter::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([counter::Column::CompanyId, counter::Column::Name])
                .value(
                    counter::Column::Value,
                    Expr::col((counter::Entity, counter::Column::Value)).add(1),
                )
                .to_owned(),
        )
        .exec_with_returning(db)
        .await?;
    Ok(current.value)
}

/// Row locks for a read made inside a write transaction, so a concurrent writer waits instead of
/// overwriting what this one decided from the rows. Only PostgreSQL takes them (`SELECT … FOR
/// UPDATE`): SQLite's write transaction (`BEGIN IMMEDIATE`) already holds the database's one
/// write lock, and SQLite has no `FOR UPDATE`.
pub(crate) trait ForUpdate: QuerySelect + Sized {
    /// Locks the rows read until the transaction ends, waiting for any other holder.
    fn for_update(self, backend: DbBackend) -> Self {
        if backend == DbBackend::Postgres {
            self.lock_exclusive()
        } else {
            self
        }
    }

    /// Locks the rows read, passing over those another transaction holds: for claims that any
    /// node may take, where waiting would only serialise the nodes.
    fn for_update_skip_locked(self, backend: DbBackend) -> Self {
        if backend == DbBackend::Postgres {
            self.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        } else {
            self
        }
    }
}

impl<Q: QuerySelect> ForUpdate for Q {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
        assert_eq!(escape_like("三楼漏水"), "三楼漏水");
    }
}
