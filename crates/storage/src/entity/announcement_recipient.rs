//! One person an announcement went to: their notification, and when they read, acknowledged
//! and were reminded.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement_recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub announcement_id: String,
    /// The person's normalised phone: one identity across rooms.
    #[sea_orm(primary_key, auto_increment = false)]
    pub phone: String,
    /// One of their resident records in the audience (for a name and a room to call about).
    pub resident_id: String,
    pub notification_id: String,
    pub read_at: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
