//! 送达: one notification on one channel, with where it stands and what the provider answered.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub notification_id: String,
    /// sms, wechat, wecom
    pub channel: String,
    /// Whom or where, as staff may read it: a masked phone, a robot's name.
    pub target: String,
    /// pending, sending, sent, failed, skipped
    pub state: String,
    /// Attempts started, the current one included.
    pub attempts: i32,
    /// Pending: when it may be tried; sending: when the sender's lease ends. None once final.
    pub next_attempt_at: Option<DateTimeUtc>,
    /// The node sending it now.
    pub lease_owner: Option<String>,
    /// aliyun, tencent, wecom
    pub provider: Option<String>,
    pub provider_message_id: Option<String>,
    pub error_code: Option<String>,
    pub error_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
