//! API keys (接口密钥): company-wide admins create, rotate and revoke them; a machine presents
//! one as a bearer token and acts as the key itself, within its projects. The secret is shown
//! once and only its SHA-256 is kept.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::machine::api_key::{ApiScope, NewApiKey, compose_key, split_key};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::auth::{new_secret, secret_hash};
use crate::db::Store;
use crate::entity::{api_key, project};
use crate::error::{Result, StorageError};
use crate::principal::{Principal, ProjectScope};
use crate::support::{Audit, ForUpdate, Page, PageRequest, new_id, require_admin};

/// The last use is written at most this often per key, so a busy machine does not turn every
/// read into a write.
const LAST_USE_EVERY: Duration = Duration::seconds(60);

/// A key as admins read it: never its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKeyView {
    pub row: api_key::Model,
    pub scopes: Vec<ApiScope>,
    /// Empty: every project.
    pub project_ids: Vec<String>,
}

impl ApiKeyView {
    fn from_row(row: api_key::Model) -> Self {
        ApiKeyView {
            scopes: scopes_of(&row),
            project_ids: serde_json::from_value(row.project_ids.clone()).unwrap_or_default(),
            row,
        }
    }
}

/// A key as created or rotated: the only time its full text is known.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedKey {
    pub view: ApiKeyView,
    pub key: String,
}

/// The machine behind a valid key, and how many requests a minute it may make.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCaller {
    pub principal: Principal,
    pub rate_per_minute: i64,
}

/// The scopes kept in a row; one this version no longer knows is left out (it allows nothing).
fn scopes_of(row: &api_key::Model) -> Vec<ApiScope> {
    serde_json::from_value::<Vec<String>>(row.scopes.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Keys reach across projects, so only an admin of the whole company manages them, and only
/// as a person.
fn require_key_admin(who: &Principal) -> Result<()> {
    require_admin(who)?;
    if who.projects != ProjectScope::All || who.is_machine() {
        return Err(StorageError::Forbidden);
    }
    Ok(())
}

impl Store {
    /// Creates a key; the answer holds its text, which is never shown again.
    pub async fn create_api_key(
        &self,
        who: &Principal,
        input: NewApiKey,
        now: DateTime<Utc>,
    ) -> Result<IssuedKey> {
        require_key_admin(who)?;
        self.check_key_projects(who, &input.project_ids).await?;
        let id = new_id();
        let secret = new_secret()?;
        let scopes: Vec<&str> = input.scopes.iter().map(|s| s.as_str()).collect();
        let txn = self.begin_write().await?;
        let row = api_key::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(id.clone()),
            name: Set(input.name),
            scopes: Set(json!(scopes)),
            project_ids: Set(json!(input.project_ids)),
            rate_per_minute: Set(input.rate_per_minute),
            secret_hash: Set(secret_hash(&secret)),
            previous_secret_hash: Set(None),
            previous_valid_until: Set(None),
            created_by: Set(Some(who.id.clone())),
            created_at: Set(now),
            rotated_at: Set(None),
            revoked_at: Set(None),
            last_used_at: Set(None),
            last_used_from: Set(None),
        }
        .insert(&txn)
        .await?;
        Audit::by(who, "api_key", &id, "create")
            .record(&txn, facts(&row), now)
            .await?;
        txn.commit().await?;
        Ok(IssuedKey {
            key: compose_key(&id, &secret),
            view: ApiKeyView::from_row(row),
        })
    }

    /// The company's keys, newest first.
    pub async fn api_keys(&self, who: &Principal, page: PageRequest) -> Result<Page<ApiKeyView>> {
        require_key_admin(who)?;
        let query = api_key::Entity::find().filter(api_key::Column::CompanyId.eq(&who.company_id));
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(api_key::Column::CreatedAt)
            .order_by_desc(api_key::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok(page.wrap(items.into_iter().map(ApiKeyView::from_row).collect(), total))
    }

    pub async fn api_key(&self, who: &Principal, id: &str) -> Result<ApiKeyView> {
        require_key_admin(who)?;
        api_key::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .map(ApiKeyView::from_row)
            .ok_or(StorageError::NotFound("api_key"))
    }

    /// Gives a key a new secret; the one it replaces keeps working for `overlap`, so the machine
    /// can be switched over without a gap. A revoked key cannot be rotated.
    pub async fn rotate_api_key(
        &self,
        who: &Principal,
        id: &str,
        overlap: Duration,
        now: DateTime<Utc>,
    ) -> Result<IssuedKey> {
        require_key_admin(who)?;
        let secret = new_secret()?;
        let txn = self.begin_write().await?;
        let row = api_key::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .for_update(self.backend())
            .one(&txn)
            .await?
            .filter(|k| k.revoked_at.is_none())
            .ok_or(StorageError::NotFound("api_key"))?;
        let previous = row.secret_hash.clone();
        let mut change: api_key::ActiveModel = row.into();
        change.secret_hash = Set(secret_hash(&secret));
        change.previous_secret_hash = Set(Some(previous));
        change.previous_valid_until = Set(Some(now + overlap));
        change.rotated_at = Set(Some(now));
        let row = change.update(&txn).await?;
        Audit::by(who, "api_key", id, "rotate")
            .record(
                &txn,
                json!({ "overlap_seconds": overlap.num_seconds() }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(IssuedKey {
            key: compose_key(id, &secret),
            view: ApiKeyView::from_row(row),
        })
    }

    /// Revokes a key at once, with any secret a rotation left working. Revoking twice is one
    /// revocation.
    pub async fn revoke_api_key(
        &self,
        who: &Principal,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<ApiKeyView> {
        require_key_admin(who)?;
        let txn = self.begin_write().await?;
        let row = api_key::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .for_update(self.backend())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("api_key"))?;
        if row.revoked_at.is_some() {
            return Ok(ApiKeyView::from_row(row));
        }
        let mut change: api_key::ActiveModel = row.into();
        change.revoked_at = Set(Some(now));
        change.previous_valid_until = Set(None);
        let row = change.update(&txn).await?;
        Audit::by(who, "api_key", id, "revoke")
            .record(&txn, json!({}), now)
            .await?;
        txn.commit().await?;
        Ok(ApiKeyView::from_row(row))
    }

    /// The machine behind a presented key, if the key is valid now; `client` is the address the
    /// request came from, kept as the key's last use.
    pub async fn authenticate_key(
        &self,
        key: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyCaller> {
        let (id, secret) = split_key(key).ok_or(StorageError::Unauthenticated)?;
        let row = api_key::Entity::find()
            .filter(api_key::Column::Id.eq(id))
            .one(&self.db)
            .await?
            .filter(|k| k.revoked_at.is_none())
            .ok_or(StorageError::Unauthenticated)?;
        let hash = secret_hash(secret);
        let current = row.secret_hash == hash;
        let overlapping = row.previous_secret_hash.as_deref() == Some(hash.as_str())
            && row.previous_valid_until.is_some_and(|until| until > now);
        if !(current || overlapping) {
            return Err(StorageError::Unauthenticated);
        }
        if row.last_used_at.is_none_or(|at| at <= now - LAST_USE_EVERY) {
            self.note_key_use(&row, client, now).await?;
        }
        let view = ApiKeyView::from_row(row);
        let projects = if view.project_ids.is_empty() {
            ProjectScope::All
        } else {
            ProjectScope::Only(view.project_ids)
        };
        Ok(KeyCaller {
            principal: Principal::machine(
                &view.row.company_id,
                &view.row.id,
                &view.row.name,
                projects,
                view.scopes,
            ),
            rate_per_minute: view.row.rate_per_minute,
        })
    }

    async fn note_key_use(
        &self,
        row: &api_key::Model,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let client: String = client.chars().take(64).collect();
        let txn = self.begin_write().await?;
        // Only when no other request wrote it meanwhile: one write per key a minute, any node.
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(Some(now)))
            .col_expr(api_key::Column::LastUsedFrom, Expr::value(Some(client)))
            .filter(api_key::Column::CompanyId.eq(&row.company_id))
            .filter(api_key::Column::Id.eq(&row.id))
            .filter(
                Condition::any()
                    .add(api_key::Column::LastUsedAt.is_null())
                    .add(api_key::Column::LastUsedAt.lte(now - LAST_USE_EVERY)),
            )
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every project a key names exists in the company.
    async fn check_key_projects(&self, who: &Principal, ids: &[String]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let found = project::Entity::find()
            .filter(project::Column::CompanyId.eq(&who.company_id))
            .filter(project::Column::Id.is_in(ids.to_vec()))
            .count(&self.db)
            .await?;
        if found as usize != ids.len() {
            return Err(StorageError::field(
                "project_ids",
                FieldErrorCode::UnknownReference,
            ));
        }
        Ok(())
    }
}

/// What the audit trail keeps of a key: never its secret.
fn facts(k: &api_key::Model) -> serde_json::Value {
    json!({
        "name": k.name, "scopes": k.scopes, "project_ids": k.project_ids,
        "rate_per_minute": k.rate_per_minute,
    })
}
