//! One event for one subscription: in the outbox until delivered, then its log entry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    /// The `id` the receiver sees: the same on every attempt.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    /// Deliveries of one subscription with the same key go out in order (the ticket's id).
    pub order_key: String,
    pub data: Json,
    pub occurred_at: DateTimeUtc,
    /// pending | sending | delivered | failed
    pub state: String,
    pub attempts: i32,
    /// When to try next, or until when a sender holds it; None once finished.
    pub next_attempt_at: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
    /// The receiver's HTTP status on the last attempt.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
