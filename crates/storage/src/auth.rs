//! Passwords, logins, and bearer tokens.
//!
//! Tokens are opaque: `COMPANY_ID.SECRET`. Only a SHA-256 of the secret is stored, so a copy of
//! the database cannot be used to sign in. Guesses are counted in the database, so the throttle
//! holds across every node.

use chrono::{DateTime, Duration, Utc};
use guanjia_domain::sign_in_throttle::Throttle;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::db::Store;
use crate::entity::session::{self, SUBJECT_RESIDENT, SUBJECT_STAFF};
use crate::entity::staff;
use crate::error::{Result, StorageError};
use crate::passwords::verify_password;
use crate::principal::{Principal, ProjectScope};
use crate::sign_in_throttle::{Counted, guess_was_right, key};
use crate::staff::StaffMember;

/// How long a token stays valid.
pub const SESSION_TTL: Duration = Duration::hours(12);

/// A signed-in session: the token to send back, and who it belongs to.
#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffMember,
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub(crate) fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::Hashing(e.to_string()))?;
    Ok(hex::encode(bytes))
}

impl Store {
    /// Checks a staff member's username and password and opens a session. `client` is the
    /// address the request came from. The guess is counted before it is compared (see
    /// [`guanjia_domain::sign_in_throttle`]); unknown and inactive accounts are counted and
    /// answered exactly like wrong passwords.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Login> {
        let username = username.trim().to_lowercase();
        let account_key = key("staff", &[&username, client]);
        let client_key = key("client", &[client]);
        self.count_guess(
            &[
                Counted {
                    key: account_key.clone(),
                    throttle: &Throttle::STAFF_ACCOUNT,
                },
                Counted {
                    key: client_key.clone(),
                    throttle: &Throttle::CLIENT,
                },
            ],
            now,
        )
        .await?;
        let mut matches = staff::Entity::find()
            .filter(staff::Column::Username.eq(&username))
            .all(&self.db)
            .await?;
        // The same username in two companies cannot tell which one is meant: refuse both alike.
        let account = if matches.len() == 1 {
            matches.pop().filter(|s| s.active)
        } else {
            None
        };
        let Some(account) = account else {
            // Spend the same time as a real check, so that timing does not reveal usernames.
            verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
            return Err(StorageError::Unauthenticated);
        };
        if !verify_password(password.to_owned(), account.password_hash.clone()).await {
            return Err(StorageError::Unauthenticated);
        }
        let txn = self.begin_write().await?;
        guess_was_right(&txn, &account_key, &client_key).await?;
        let (token, expires_at) =
            open_session(&txn, &account.company_id, SUBJECT_STAFF, &account.id, now).await?;
        txn.commit().await?;
        let staff = self.staff_member(&account.company_id, &account.id).await?;
        Ok(Login {
            token,
            expires_at,
            staff,
        })
    }

    /// The principal behind a bearer token, if it is valid now.
    pub async fn authenticate(&self, token: &str, now: DateTime<Utc>) -> Result<Principal> {
        let (company_id, secret) = token.split_once('.').ok_or(StorageError::Unauthenticated)?;
        let found = session::Entity::find_by_id((company_id.to_owned(), secret_hash(secret)))
            .one(&self.db)
            .await?
            .filter(|s| s.revoked_at.is_none() && s.expires_at > now)
            .ok_or(StorageError::Unauthenticated)?;
        match found.subject_kind.as_str() {
            SUBJECT_STAFF => {
                let member = self
                    .staff_member(company_id, &found.subject_id)
                    .await
                    .map_err(|_| StorageError::Unauthenticated)?;
                if !member.staff.active {
                    return Err(StorageError::Unauthenticated);
                }
                Ok(staff_principal(member))
            }
            _ => {
                let residents = self
                    .residents_by_phone(company_id, &found.subject_id)
                    .await?;
                let first = residents.first().ok_or(StorageError::Unauthenticated)?;
                let households = residents.iter().map(|r| r.household_id.clone()).collect();
                Ok(Principal::resident(
                    company_id,
                    &found.subject_id,
                    &first.name,
                    households,
                ))
            }
        }
    }

    /// Revokes a token; later requests with it are unauthenticated.
    pub async fn logout(&self, token: &str, now: DateTime<Utc>) -> Result<()> {
        let (company_id, secret) = token.split_once('.').ok_or(StorageError::Unauthenticated)?;
        let txn = self.begin_write().await?;
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
            .filter(session::Column::CompanyId.eq(company_id))
            .filter(session::Column::TokenHash.eq(secret_hash(secret)))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The principal of a staff member: company-wide roles without projects see every project.
pub fn staff_principal(member: StaffMember) -> Principal {
    let role = member.role();
    let projects = if member.project_ids.is_empty() && role.may_span_company() {
        ProjectScope::All
    } else {
        ProjectScope::Only(member.project_ids)
    };
    Principal {
        company_id: member.staff.company_id,
        id: member.staff.id,
        role,
        name: member.staff.name,
        projects,
        households: vec![],
        key_scopes: None,
    }
}

/// Opens a session for a resident known by their normalised phone, in the caller's transaction.
pub(crate) async fn open_resident_session(
    db: &impl sea_orm::ConnectionTrait,
    company_id: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>)> {
    open_session(db, company_id, SUBJECT_RESIDENT, phone, now).await
}

async fn open_session(
    db: &impl sea_orm::ConnectionTrait,
    company_id: &str,
    subject_kind: &str,
    subject_id: &str,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>)> {
    let secret = new_secret()?;
    let expires_at = now + SESSION_TTL;
    session::ActiveModel {
        company_id: Set(company_id.to_owned()),
        token_hash: Set(secret_hash(&secret)),
        subject_kind: Set(subject_kind.to_owned()),
        subject_id: Set(subject_id.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((format!("{company_id}.{secret}"), expires_at))
}

/// An argon2id hash of a random password, checked when the username is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$zS6/hVqw0fvzEaXuixN7vnSsMXvh4MmlGpFHjMq/yzE";
