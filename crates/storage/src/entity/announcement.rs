//! 公告: what staff tell the residents of a project, to whom, and when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub title: String,
    /// Markdown.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// An `AnnouncementCategory` code.
    pub category: String,
    /// An `announcement::Audience`.
    pub audience: Json,
    pub requires_ack: bool,
    /// An `AnnouncementState` code.
    pub state: String,
    pub send_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub remind_after_hours: i32,
    pub remind_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    /// People told, counted when it was sent.
    pub recipients: i32,
    pub author_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
