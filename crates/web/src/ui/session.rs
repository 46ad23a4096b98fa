//! The signed-in staff member of a page, from the session cookie. The cookie holds the same
//! opaque token the API hands out (stored hashed, expiring, revoked at sign-out), so pages and
//! API share one session model; only the transport differs.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use guanjia_storage::{Principal, StorageError, Unread};

use super::cookies::{self, SetCookie};
use super::csrf;
use super::error::UiError;
use super::lang::page_lang;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;

pub const COOKIE: &str = "gj_session";

/// A staff member signed in through the pages (or, as [`SignedIn`], anyone with a session).
pub struct Session {
    pub who: Principal,
    pub lang: Lang,
    /// For the forms of this page.
    pub csrf: String,
    /// What the bell shows on a staff page (nothing is counted for residents).
    pub unread: Unread,
    token: String,
}

impl Session {
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// Whoever the session cookie belongs to, staff or resident: staff pages take [`Session`], the
/// residents' pages their own extractor, and both are built on this one.
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        let lang = page_lang(&parts.headers);
        let token = cookies::read(&parts.headers, COOKIE)
            .ok_or_else(|| UiError::sign_in(&parts.headers, &parts.uri))?;
        match state.store.authenticate(token, Utc::now()).await {
            Ok(who) => Ok(SignedIn(Session {
                who,
                lang,
                csrf: csrf::token_for(token),
                unread: Unread::default(),
                token: token.to_owned(),
            })),
            Err(StorageError::Unauthenticated) => Err(UiError::sign_in(&parts.headers, &parts.uri)),
            Err(other) => Err(UiError::api(ApiError::from(other), lang)),
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        match SignedIn::from_request_parts(parts, state).await? {
            // Residents have their own mobile pages; these are for staff.
            SignedIn(mut session) if session.who.role.is_staff() => {
                // One indexed count, so that every staff page's bell starts right.
                session.unread = state
                    .store
                    .unread(&session.who)
                    .await
                    .map_err(|e| UiError::api(ApiError::from(e), session.lang))?;
                Ok(session)
            }
            SignedIn(_) => Err(UiError::sign_in(&parts.headers, &parts.uri)),
        }
    }
}

/// The cookie that opens a session: it lives as long as the token.
pub fn open(
    headers: &HeaderMap,
    token: &str,
    expires_at: DateTime<Utc>,
) -> axum::http::HeaderValue {
    let max_age = (expires_at - Utc::now()).num_seconds().max(0);
    SetCookie {
        name: COOKIE,
        value: token,
        max_age,
        http_only: true,
        secure: cookies::over_tls(headers),
    }
    .header()
}

/// The cookie that ends it in the browser.
pub fn close(headers: &HeaderMap) -> axum::http::HeaderValue {
    SetCookie {
        name: COOKIE,
        value: "",
        max_age: 0,
        http_only: true,
        secure: cookies::over_tls(headers),
    }
    .header()
}
