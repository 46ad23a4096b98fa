//! 会话: the messages exchanged with one person on one channel.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: Option<String>,
    pub channel: String,
    /// None while the sender is unknown.
    pub resident_id: Option<String>,
    pub contact_kind: String,
    pub contact_account: String,
    pub contact_value: String,
    /// open, waiting, closed
    pub state: String,
    /// The first to answer (首问负责人).
    pub owner_id: Option<String>,
    pub assignee_id: Option<String>,
    pub ticket_id: Option<String>,
    pub unread: i32,
    pub last_message_at: DateTimeUtc,
    pub last_text: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Since when a person has it (the bot handed it off, an agent answered or was given it):
    /// the bot stays out; None again once it is closed.
    pub person_since: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
