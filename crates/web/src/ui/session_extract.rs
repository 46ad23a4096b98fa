//! How a page finds its [`Session`]: from the session cookie, or a refusal that sends the
//! browser to sign in.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Utc;
use guanjia_storage::{StorageError, Unread};

use super::cookies;
use super::csrf;
use super::error::UiError;
use super::lang::page_lang;
use super::session::{COOKIE, Session, SignedIn};
use crate::error::ApiError;
use crate::state::AppState;

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
