//! 事件推送: a subscription of a URL to events.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub url: String,
    /// The event codes, sorted.
    pub events: Json,
    /// Project ids; empty for every project.
    pub project_ids: Json,
    pub include_internal: bool,
    /// The signing secret, sealed (see `crate::secrets`).
    pub secret: String,
    pub active: bool,
    /// Failed attempts in a row.
    pub failures: i32,
    pub paused_at: Option<DateTimeUtc>,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
