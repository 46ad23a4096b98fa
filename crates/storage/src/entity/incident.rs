//! 事件: one real-world problem (a lift is down) that several tickets report.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub category: Option<String>,
    /// Where, as residents say it: 3栋2单元, B座.
    pub place: Option<String>,
    pub opened_at: DateTimeUtc,
    /// When its last ticket was closed or cancelled; null while any is still open.
    pub closed_at: Option<DateTimeUtc>,
    pub ticket_count: i32,
    /// Null when formed automatically from a duplicate link.
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
