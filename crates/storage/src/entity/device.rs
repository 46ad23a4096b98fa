//! 设备: an IoT device registered at a place of a project.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    /// The device's own id on its platform, unique in the company; alarms name it by this.
    pub device_id: String,
    /// A `guanjia_domain::iot::DeviceType` code.
    pub device_type: String,
    pub building_id: Option<String>,
    pub unit: Option<String>,
    pub room_id: Option<String>,
    /// A common area in words.
    pub place: Option<String>,
    /// Whether a recovery resolves the open ticket; null: the alarm type's default.
    pub resolve_on_recovery: Option<bool>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
