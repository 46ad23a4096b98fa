//! 告警: one alarm or recovery a device reported, and what receiving it did.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_alarms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The device's row (`devices.id`).
    pub device_ref: String,
    /// A `guanjia_domain::iot::AlarmType` code.
    pub alarm_type: String,
    /// alarm or recovered
    pub state: String,
    /// When the device raised it: with device, type and state, unique.
    pub at: DateTimeUtc,
    pub ticket_id: Option<String>,
    /// A `guanjia_domain::iot::AlarmOutcome` code.
    pub outcome: String,
    /// The staff member whose token delivered it over the webhook, or `mqtt`.
    pub received_by: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
