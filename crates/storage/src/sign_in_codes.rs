//! Residents sign in with their phone and a one-time code: no password to forget, and the phone
//! is the one identity a resident has across rooms and channels. The code is delivered through
//! the notification outbox (kind `sign_in_code`), like every other message to a resident.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::notice::NoticeKind;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::auth::open_resident_session;
use crate::db::Store;
use crate::entity::{resident, sign_in_code};
use crate::error::{Result, StorageError};
use crate::notify::{Subject, notify};
use crate::sign_in_throttle::{Counted, guess_was_right, key};
use guanjia_domain::sign_in_throttle::{
    CODE_REQUESTS_PER_CLIENT, CODE_REQUESTS_PER_PHONE, Throttle,
};

/// How long a code is good for.
pub const CODE_TTL: Duration = Duration::minutes(5);
/// Wrong guesses that burn a code.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

/// A code to deliver to a resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInCode {
    pub company_id: String,
    pub phone: String,
    pub code: String,
}

fn code_hash(company_id: &str, phone: &str, code: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{company_id}|{phone}|{code}").as_bytes(),
    ))
}

impl Store {
    /// Issues a fresh six-digit code for a registered phone, replacing any earlier one, and puts
    /// it in the outbox for the phone in the same transaction. `None` when the phone is not a
    /// resident's (callers answer alike, so as not to reveal who lives where). Requests are
    /// limited per phone and per client address, registered or not: past a limit the answer is
    /// [`StorageError::Throttled`] and no message is sent.
    pub async fn issue_sign_in_code(
        &self,
        phone: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignInCode>> {
        self.count_code_request(
            &[
                (key("code-request", &[phone]), CODE_REQUESTS_PER_PHONE),
                (
                    key("code-request-client", &[client]),
                    CODE_REQUESTS_PER_CLIENT,
                ),
            ],
            now,
        )
        .await?;
        let mut companies: Vec<String> = resident::Entity::find()
            .filter(resident::Column::Phone.eq(phone))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.company_id)
            .collect();
        companies.sort_unstable();
        companies.dedup();
        let [company_id] = companies.as_slice() else {
            return Ok(None);
        };
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|e| StorageError::Hashing(e.to_string()))?;
        let code = format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000);
        let row = sign_in_code::ActiveModel {
            company_id: Set(company_id.clone()),
            phone: Set(phone.to_owned()),
            code_hash: Set(code_hash(company_id, phone, &code)),
            attempts: Set(0),
            expires_at: Set(now + CODE_TTL),
            created_at: Set(now),
        };
        let txn = self.begin_write().await?;
        sign_in_code::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([sign_in_code::Column::CompanyId, sign_in_code::Column::Phone])
                    .update_columns([
                        sign_in_code::Column::CodeHash,
                        sign_in_code::Column::Attempts,
                        sign_in_code::Column::ExpiresAt,
                        sign_in_code::Column::CreatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let details = json!({ "code": code, "expires_at": now + CODE_TTL });
        notify(
            &txn,
            &self.delivery,
            Subject {
                company_id,
                ticket_id: None,
            },
            &[phone.to_owned()],
            NoticeKind::SignInCode,
            &details,
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(Some(SignInCode {
            company_id: company_id.clone(),
            phone: phone.to_owned(),
            code,
        }))
    }

    /// Exchanges a phone and its code for a session token. A code works once; five wrong
    /// guesses or five minutes end it. Guesses are counted per phone across codes and per client
    /// address before they are compared, so a new code does not buy new guesses.
    pub async fn sign_in_with_code(
        &self,
        phone: &str,
        code: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>)> {
        let (txn, company_id) = self.use_code(phone, code, client, now).await?;
        let opened = open_resident_session(&txn, &company_id, phone, now).await?;
        txn.commit().await?;
        Ok(opened)
    }

    /// Checks a phone's code under the sign-in rules above and uses it up, in a write
    /// transaction the caller goes on with (a session, a binding) and commits; answers the
    /// phone's company. A wrong code is counted and [`StorageError::Unauthenticated`].
    pub(crate) async fn use_code(
        &self,
        phone: &str,
        code: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<(DatabaseTransaction, String)> {
        let phone_key = key("code", &[phone]);
        let client_key = key("client", &[client]);
        self.count_guess(
            &[
                Counted {
                    key: phone_key.clone(),
                    throttle: &Throttle::CODE_GUESSES,
                },
                Counted {
                    key: client_key.clone(),
                    throttle: &Throttle::CLIENT,
                },
            ],
            now,
        )
        .await?;
        let found = sign_in_code::Entity::find()
            .filter(sign_in_code::Column::Phone.eq(phone))
            .one(&self.db)
            .await?
            .filter(|c| c.expires_at > now && c.attempts < MAX_CODE_ATTEMPTS)
            .ok_or(StorageError::Unauthenticated)?;
        let this_code = || {
            Condition::all()
                .add(sign_in_code::Column::CompanyId.eq(&found.company_id))
                .add(sign_in_code::Column::Phone.eq(phone))
        };
        let txn = self.begin_write().await?;
        if code_hash(&found.company_id, phone, code.trim()) != found.code_hash {
            // Counted in SQL so that guesses spread over several nodes all count.
            sign_in_code::Entity::update_many()
                .col_expr(
                    sign_in_code::Column::Attempts,
                    Expr::col(sign_in_code::Column::Attempts).add(1),
                )
                .filter(this_code())
                .exec(&txn)
                .await?;
            txn.commit().await?;
            return Err(StorageError::Unauthenticated);
        }
        // Deleting first makes a code single-use even when two requests race with it.
        let deleted = sign_in_code::Entity::delete_many()
            .filter(this_code())
            .exec(&txn)
            .await?;
        if deleted.rows_affected != 1 {
            return Err(StorageError::Unauthenticated);
        }
        guess_was_right(&txn, &phone_key, &client_key).await?;
        Ok((txn, found.company_id))
    }
}
