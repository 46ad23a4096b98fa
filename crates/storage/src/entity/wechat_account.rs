//! 公众号: a WeChat official account the company's residents write to and hear from.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wechat_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    /// `wx` and 16 hex digits.
    pub app_id: String,
    /// None: every project of the company.
    pub project_id: Option<String>,
    /// The last part of the callback URL (`/wechat/callback/{callback_key}`).
    pub callback_key: String,
    /// Encrypted (see `crate::secrets`), as are the token, the key and the access token.
    pub app_secret: String,
    pub token: String,
    pub encoding_aes_key: Option<String>,
    /// The template message of each notification kind: `{"kind": {"template_id", "fields"}}`.
    pub templates: Json,
    pub active: bool,
    pub access_token: Option<String>,
    pub access_token_expires_at: Option<DateTimeUtc>,
    pub token_claimed_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
