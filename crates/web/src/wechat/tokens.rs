//! The access tokens of a company's accounts, kept in the store so every node shares them.

use chrono::{DateTime, Utc};
use guanjia_channels::wechat::{Account, StoredToken, TokenStore};
use guanjia_storage::{OpenAccount, Store};

/// The store as WeChat's client keeps tokens in it, for one company.
pub struct StoreTokens<'a> {
    pub store: &'a Store,
    pub company_id: &'a str,
}

impl<'a> StoreTokens<'a> {
    /// The tokens of `account`'s company.
    pub fn of(store: &'a Store, account: &'a OpenAccount) -> Self {
        StoreTokens {
            store,
            company_id: &account.company_id,
        }
    }
}

/// What the client needs of an account to fetch its token.
pub fn credentials(account: &OpenAccount) -> Account<'_> {
    Account {
        id: &account.id,
        app_id: &account.app_id,
        app_secret: &account.app_secret,
    }
}

impl TokenStore for StoreTokens<'_> {
    async fn load(&self, account_id: &str) -> Result<Option<StoredToken>, String> {
        self.store
            .wechat_access_token(self.company_id, account_id)
            .await
            .map(|found| found.map(|(token, expires_at)| StoredToken { token, expires_at }))
            .map_err(|e| e.to_string())
    }

    async fn claim_refresh(
        &self,
        account_id: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, String> {
        self.store
            .claim_wechat_token_refresh(self.company_id, account_id, until, now)
            .await
            .map_err(|e| e.to_string())
    }

    async fn save(&self, account_id: &str, token: &StoredToken) -> Result<(), String> {
        self.store
            .save_wechat_access_token(self.company_id, account_id, &token.token, token.expires_at)
            .await
            .map_err(|e| e.to_string())
    }
}
