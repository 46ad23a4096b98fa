//! One message of a conversation, in or out.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub conversation_id: String,
    /// in, out
    pub direction: String,
    pub channel: String,
    /// text, image, voice, location, event
    pub kind: String,
    /// resident, staff, bot
    pub sender_kind: String,
    pub sender_id: Option<String>,
    pub text: Option<String>,
    pub attachment: Option<Json>,
    pub external_id: Option<String>,
    pub thread: Option<Json>,
    pub notification_id: Option<String>,
    pub sent_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// On the bot's hand-off note, why it handed off (a hand-off reason code): the note is
    /// worded from it in each reader's language. On a bot's answer, `sender_id` is its
    /// recorded answer.
    pub bot_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// What the message carries besides its text, read from its stored JSON (None when it
    /// carries nothing or what is stored is not one).
    pub fn attachment(&self) -> Option<guanjia_domain::conversation::Attachment> {
        self.attachment
            .clone()
            .and_then(|a| serde_json::from_value(a).ok())
    }
}
