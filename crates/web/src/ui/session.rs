//! The signed-in staff member of a page, from the session cookie. The cookie holds the same
//! opaque token the API hands out (stored hashed, expiring, revoked at sign-out), so pages and
//! API share one session model; only the transport differs. The extractors that read it are in
//! `session_extract.rs`, apart, because they answer with error pages framed by this session's
//! chrome.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use guanjia_storage::{Principal, Unread};

use super::cookies::{self, SetCookie};
use crate::i18n::Lang;

pub const COOKIE: &str = "gj_session";

/// A staff member signed in through the pages (or, as [`SignedIn`], anyone with a session).
pub struct Session {
    pub who: Principal,
    pub lang: Lang,
    /// For the forms of this page.
    pub csrf: String,
    /// What the bell shows on a staff page (nothing is counted for residents).
    pub unread: Unread,
    pub(super) token: String,
}

impl Session {
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// Whoever the session cookie belongs to, staff or resident: staff pages take [`Session`], the
/// residents' pages their own extractor, and both are built on this one.
pub struct SignedIn(pub Session);

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
