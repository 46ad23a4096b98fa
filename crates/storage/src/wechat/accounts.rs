//! Registering WeChat official accounts (admins): the secrets are sealed before they are
//! written and never read back out through here; what an admin sees is whether each is set.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::validation::FieldErrorCode;
use guanjia_domain::wechat::{NewWechatAccount, SecretChange, TemplateSetting};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::wechat_account;
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, Page, PageRequest, changes, new_id, require_admin, taken_or};

/// Where WeChat reaches an account: `/wechat/callback/{callback_key}`.
pub const CALLBACK_PREFIX: &str = "/wechat/callback/";

/// An account as admins read it: the secrets only as "set or not".
#[derive(Debug, Clone, PartialEq)]
pub struct WechatAccountView {
    pub row: wechat_account::Model,
    pub templates: BTreeMap<NoticeKind, TemplateSetting>,
}

impl WechatAccountView {
    pub fn callback_path(&self) -> String {
        format!("{CALLBACK_PREFIX}{}", self.row.callback_key)
    }

    /// Safe (encrypted) mode is possible: an EncodingAESKey is set.
    pub fn has_encoding_aes_key(&self) -> bool {
        self.row.encoding_aes_key.is_some()
    }

    fn from_row(row: wechat_account::Model) -> Self {
        WechatAccountView {
            templates: templates_of(&row),
            row,
        }
    }
}

/// The templates kept in a row; a kind this version no longer knows is left out.
pub(super) fn templates_of(row: &wechat_account::Model) -> BTreeMap<NoticeKind, TemplateSetting> {
    serde_json::from_value::<BTreeMap<String, TemplateSetting>>(row.templates.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(kind, t)| Some((kind.parse().ok()?, t)))
        .collect()
}

fn templates_json(templates: &BTreeMap<NoticeKind, TemplateSetting>) -> serde_json::Value {
    let by_code: BTreeMap<&str, &TemplateSetting> =
        templates.iter().map(|(k, t)| (k.as_str(), t)).collect();
    serde_json::to_value(by_code).unwrap_or_else(|_| json!({}))
}

/// Where a secret of an account is bound when sealed.
pub(super) fn place(company_id: &str, account_id: &str, column: &str) -> String {
    format!("wechat_accounts/{company_id}/{account_id}/{column}")
}

impl Store {
    pub(crate) fn secret_key(&self) -> Result<&crate::secrets::SecretKey> {
        self.secrets
            .as_deref()
            .ok_or(StorageError::NotConfigured("secret_key"))
    }

    /// Registers an official account (admins; a company-wide one needs a company-wide admin).
    pub async fn create_wechat_account(
        &self,
        who: &Principal,
        input: NewWechatAccount,
        now: DateTime<Utc>,
    ) -> Result<WechatAccountView> {
        require_admin(who)?;
        self.check_account_project(who, input.project_id.as_deref())
            .await?;
        let key = self.secret_key()?;
        let id = new_id();
        let seal = |column: &str, change: &SecretChange| -> Result<Option<String>> {
            match change {
                SecretChange::Set(value) => key
                    .seal(&place(&who.company_id, &id, column), value)
                    .map(Some),
                SecretChange::Keep | SecretChange::Remove => Ok(None),
            }
        };
        let (Some(app_secret), Some(token)) = (
            seal("app_secret", &input.app_secret)?,
            seal("token", &input.token)?,
        ) else {
            return Err(StorageError::field("app_secret", FieldErrorCode::Required));
        };
        let encoding_aes_key = seal("encoding_aes_key", &input.encoding_aes_key)?;
        let mut callback_key = [0u8; 16];
        getrandom::fill(&mut callback_key).map_err(|e| StorageError::Secret(e.to_string()))?;
        let templates = input.templates.unwrap_or_default();
        let txn = self.begin_write().await?;
        let row = wechat_account::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(id.clone()),
            name: Set(input.name),
            app_id: Set(input.app_id),
            project_id: Set(input.project_id),
            callback_key: Set(hex::encode(callback_key)),
            app_secret: Set(app_secret),
            token: Set(token),
            encoding_aes_key: Set(encoding_aes_key),
            templates: Set(templates_json(&templates)),
            active: Set(true),
            access_token: Set(None),
            access_token_expires_at: Set(None),
            token_claimed_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| taken_or(e, "app_id"))?;
        Audit::by(who, "wechat_account", &id, "create")
            .record(&txn, facts(&row), now)
            .await?;
        txn.commit().await?;
        Ok(WechatAccountView::from_row(row))
    }

    /// The accounts the admin may manage, by name.
    pub async fn wechat_accounts(
        &self,
        who: &Principal,
        page: PageRequest,
    ) -> Result<Page<WechatAccountView>> {
        require_admin(who)?;
        let mut query = wechat_account::Entity::find()
            .filter(wechat_account::Column::CompanyId.eq(&who.company_id));
        if let ProjectScope::Only(ids) = &who.projects {
            query = query.filter(wechat_account::Column::ProjectId.is_in(ids.clone()));
        }
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_asc(wechat_account::Column::Name)
            .order_by_asc(wechat_account::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(
            items.into_iter().map(WechatAccountView::from_row).collect(),
            total,
        ))
    }

    /// One account the admin may manage; otherwise not found.
    pub async fn wechat_account(&self, who: &Principal, id: &str) -> Result<WechatAccountView> {
        Ok(WechatAccountView::from_row(
            self.managed_account(who, id).await?,
        ))
    }

    async fn managed_account(&self, who: &Principal, id: &str) -> Result<wechat_account::Model> {
        if !who.role.administers() {
            return Err(StorageError::NotFound("wechat_account"));
        }
        wechat_account::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|a| match (&a.project_id, &who.projects) {
                (_, ProjectScope::All) => true,
                (Some(project), scope) => scope.includes(project),
                (None, ProjectScope::Only(_)) => false,
            })
            .ok_or(StorageError::NotFound("wechat_account"))
    }

    /// Changes an account: a secret left out is kept, the EncodingAESKey may be removed, the
    /// templates are replaced when given.
    pub async fn update_wechat_account(
        &self,
        who: &Principal,
        id: &str,
        input: NewWechatAccount,
        now: DateTime<Utc>,
    ) -> Result<WechatAccountView> {
        require_admin(who)?;
        let current = self.managed_account(who, id).await?;
        self.check_account_project(who, input.project_id.as_deref())
            .await?;
        let key = self.secret_key()?;
        let before = facts(&current);
        let app_changed = current.app_id != input.app_id;
        let mut row: wechat_account::ActiveModel = current.into();
        row.name = Set(input.name);
        row.app_id = Set(input.app_id);
        row.project_id = Set(input.project_id);
        let at = |column: &str| place(&who.company_id, id, column);
        if let SecretChange::Set(v) = &input.app_secret {
            row.app_secret = Set(key.seal(&at("app_secret"), v)?);
        }
        if let SecretChange::Set(v) = &input.token {
            row.token = Set(key.seal(&at("token"), v)?);
        }
        match &input.encoding_aes_key {
            SecretChange::Set(v) => {
                row.encoding_aes_key = Set(Some(key.seal(&at("encoding_aes_key"), v)?));
            }
            SecretChange::Remove => row.encoding_aes_key = Set(None),
            SecretChange::Keep => {}
        }
        if app_changed || matches!(input.app_secret, SecretChange::Set(_)) {
            // A token of other credentials is no use.
            row.access_token = Set(None);
            row.access_token_expires_at = Set(None);
        }
        if let Some(templates) = &input.templates {
            row.templates = Set(templates_json(templates));
        }
        row.updated_at = Set(now);
        let txn = self.begin_write().await?;
        let updated = row.update(&txn).await.map_err(|e| taken_or(e, "app_id"))?;
        let mut trail = changes(before, facts(&updated));
        for (column, change) in [
            ("app_secret", &input.app_secret),
            ("token", &input.token),
            ("encoding_aes_key", &input.encoding_aes_key),
        ] {
            if !matches!(change, SecretChange::Keep) && trail.is_object() {
                // Which secret changed, never its value.
                trail[column] = json!({ "changed": true });
            }
        }
        Audit::by(who, "wechat_account", id, "update")
            .record(&txn, trail, now)
            .await?;
        txn.commit().await?;
        Ok(WechatAccountView::from_row(updated))
    }

    /// Stops (or restarts) an account: a stopped account's callback answers nothing and
    /// nothing is sent through it.
    pub async fn set_wechat_account_active(
        &self,
        who: &Principal,
        id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<WechatAccountView> {
        require_admin(who)?;
        let current = self.managed_account(who, id).await?;
        let txn = self.begin_write().await?;
        let mut row: wechat_account::ActiveModel = current.into();
        row.active = Set(active);
        row.updated_at = Set(now);
        let updated = row.update(&txn).await?;
        Audit::by(
            who,
            "wechat_account",
            id,
            if active { "activate" } else { "deactivate" },
        )
        .record(&txn, json!({ "active": active }), now)
        .await?;
        txn.commit().await?;
        Ok(WechatAccountView::from_row(updated))
    }

    /// An account's project must be one the admin manages; a company-wide account needs a
    /// company-wide admin.
    async fn check_account_project(&self, who: &Principal, project_id: Option<&str>) -> Result<()> {
        match project_id {
            Some(project) => {
                self.project(who, project).await.map(|_| ()).map_err(|_| {
                    StorageError::field("project_id", FieldErrorCode::UnknownReference)
                })
            }
            None if who.projects == ProjectScope::All => Ok(()),
            None => Err(StorageError::field("project_id", FieldErrorCode::Required)),
        }
    }
}

/// What the audit trail keeps of an account: never a secret, only whether one is set.
fn facts(a: &wechat_account::Model) -> serde_json::Value {
    json!({
        "name": a.name, "app_id": a.app_id, "project_id": a.project_id,
        "encoding_aes_key_set": a.encoding_aes_key.is_some(), "templates": a.templates,
        "active": a.active,
    })
}
