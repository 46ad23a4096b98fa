//! 标准话术: a standard script of the company.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_scripts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    /// A `guanjia_domain::script::Situation` code.
    pub situation: String,
    /// Null: every category.
    pub category: Option<String>,
    /// Ticket status codes; empty: those the situation is likely in.
    pub states: Json,
    /// With `{称呼}` `{工单号}` `{预计时间}` `{技术员}`.
    pub body: String,
    pub active: bool,
    pub use_count: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
