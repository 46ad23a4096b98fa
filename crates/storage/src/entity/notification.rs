//! The notification outbox: what a staff member is told, read in the app now and delivered to
//! WeChat, SMS or e-mail later.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub recipient_id: String,
    /// sla_warning, sla_escalation, escalation_risk
    pub kind: String,
    pub ticket_id: Option<String>,
    pub details: Json,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
