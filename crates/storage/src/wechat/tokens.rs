//! Each account's access token, shared by every node: sealed in the account's row with its end,
//! and a short claim so that one node at a time fetches a new one.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::accounts::place;
use crate::db::Store;
use crate::entity::wechat_account;
use crate::error::{Result, StorageError};

const COLUMN: &str = "access_token";

impl Store {
    /// The account's access token and its end, if one was saved (and opens).
    pub async fn wechat_access_token(
        &self,
        company_id: &str,
        account_id: &str,
    ) -> Result<Option<(String, DateTime<Utc>)>> {
        let Some(row) =
            wechat_account::Entity::find_by_id((company_id.to_owned(), account_id.to_owned()))
                .one(&self.db)
                .await?
        else {
            return Ok(None);
        };
        let (Some(sealed), Some(expires_at)) = (row.access_token, row.access_token_expires_at)
        else {
            return Ok(None);
        };
        let key = self
            .secrets
            .as_deref()
            .ok_or(StorageError::NotConfigured("secret_key"))?;
        Ok(key
            .open(&place(company_id, account_id, COLUMN), &sealed)
            .map(|token| (token, expires_at)))
    }

    /// Takes the right to fetch the account's next token until `until`, unless another node
    /// holds it at `now`. Answers whether this caller has it.
    pub async fn claim_wechat_token_refresh(
        &self,
        company_id: &str,
        account_id: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let txn = self.begin_write().await?;
        let claimed = wechat_account::Entity::update_many()
            .col_expr(
                wechat_account::Column::TokenClaimedUntil,
                Expr::value(until),
            )
            .filter(wechat_account::Column::CompanyId.eq(company_id))
            .filter(wechat_account::Column::Id.eq(account_id))
            .filter(
                Condition::any()
                    .add(wechat_account::Column::TokenClaimedUntil.is_null())
                    .add(wechat_account::Column::TokenClaimedUntil.lt(now)),
            )
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(claimed.rows_affected == 1)
    }

    /// Keeps a fresh token (sealed) and ends the claim.
    pub async fn save_wechat_access_token(
        &self,
        company_id: &str,
        account_id: &str,
        token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let key = self
            .secrets
            .as_deref()
            .ok_or(StorageError::NotConfigured("secret_key"))?;
        let sealed = key.seal(&place(company_id, account_id, COLUMN), token)?;
        let txn = self.begin_write().await?;
        wechat_account::Entity::update_many()
            .col_expr(wechat_account::Column::AccessToken, Expr::value(sealed))
            .col_expr(
                wechat_account::Column::AccessTokenExpiresAt,
                Expr::value(expires_at),
            )
            .col_expr(
                wechat_account::Column::TokenClaimedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(wechat_account::Column::CompanyId.eq(company_id))
            .filter(wechat_account::Column::Id.eq(account_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
