//! An account with its secrets opened, for the two that need them: the callback (the Token and
//! the EncodingAESKey check and decrypt what WeChat posts) and the delivery worker (the
//! AppSecret fetches the access token).

use std::collections::BTreeMap;

use guanjia_domain::notice::NoticeKind;
use guanjia_domain::wechat::TemplateSetting;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::accounts::{place, templates_of};
use crate::db::Store;
use crate::entity::{ticket, wechat_account};
use crate::error::{Result, StorageError};

/// An active account and its secrets in the clear.
#[derive(Clone, PartialEq)]
pub struct OpenAccount {
    pub company_id: String,
    pub id: String,
    pub name: String,
    pub app_id: String,
    pub project_id: Option<String>,
    pub app_secret: String,
    pub token: String,
    pub encoding_aes_key: Option<String>,
    pub templates: BTreeMap<NoticeKind, TemplateSetting>,
}

impl std::fmt::Debug for OpenAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAccount")
            .field("company_id", &self.company_id)
            .field("id", &self.id)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The active account WeChat calls at `/wechat/callback/{callback_key}`, if any.
    pub async fn wechat_callback_account(&self, callback_key: &str) -> Result<Option<OpenAccount>> {
        let row = wechat_account::Entity::find()
            .filter(wechat_account::Column::CallbackKey.eq(callback_key))
            .filter(wechat_account::Column::Active.eq(true))
            .one(&self.db)
            .await?;
        row.map(|r| self.open_account(r)).transpose()
    }

    /// The active account to reach a follower on: the one of `app_id` (the account their openid
    /// belongs to) when known; else the one that speaks for the project of `ticket_id` (the
    /// project's own, else the company-wide one; with no ticket, the company-wide one, else the
    /// only one).
    pub async fn wechat_sending_account(
        &self,
        company_id: &str,
        app_id: Option<&str>,
        ticket_id: Option<&str>,
    ) -> Result<Option<OpenAccount>> {
        if let Some(app_id) = app_id.filter(|a| !a.is_empty()) {
            let row = wechat_account::Entity::find()
                .filter(wechat_account::Column::CompanyId.eq(company_id))
                .filter(wechat_account::Column::AppId.eq(app_id))
                .filter(wechat_account::Column::Active.eq(true))
                .one(&self.db)
                .await?;
            return row.map(|r| self.open_account(r)).transpose();
        }
        let project = match ticket_id {
            Some(id) => ticket::Entity::find_by_id((company_id.to_owned(), id.to_owned()))
                .one(&self.db)
                .await?
                .map(|t| t.project_id),
            None => None,
        };
        let project_id = project.as_deref();
        let mut rows = wechat_account::Entity::find()
            .filter(wechat_account::Column::CompanyId.eq(company_id))
            .filter(wechat_account::Column::Active.eq(true))
            .order_by_asc(wechat_account::Column::CreatedAt)
            .all(&self.db)
            .await?;
        // A project's own account before the company-wide one.
        let chosen = match project_id {
            Some(project) => rows
                .iter()
                .position(|r| r.project_id.as_deref() == Some(project))
                .or_else(|| rows.iter().position(|r| r.project_id.is_none())),
            None => rows
                .iter()
                .position(|r| r.project_id.is_none())
                .or_else(|| (rows.len() == 1).then_some(0)),
        };
        chosen
            .map(|i| self.open_account(rows.swap_remove(i)))
            .transpose()
    }

    fn open_account(&self, row: wechat_account::Model) -> Result<OpenAccount> {
        let key = self
            .secrets
            .as_deref()
            .ok_or(StorageError::NotConfigured("secret_key"))?;
        let open = |column: &str, sealed: &str| {
            key.open(&place(&row.company_id, &row.id, column), sealed)
                .ok_or_else(|| {
                    StorageError::Secret(format!(
                        "wechat account {} {column} does not open with the configured secret_key",
                        row.id
                    ))
                })
        };
        Ok(OpenAccount {
            app_secret: open("app_secret", &row.app_secret)?,
            token: open("token", &row.token)?,
            encoding_aes_key: row
                .encoding_aes_key
                .as_deref()
                .map(|k| open("encoding_aes_key", k))
                .transpose()?,
            templates: templates_of(&row),
            company_id: row.company_id,
            id: row.id,
            name: row.name,
            app_id: row.app_id,
            project_id: row.project_id,
        })
    }
}
