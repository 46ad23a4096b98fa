//! Signing in and out of the pages: the same accounts, lockout and tokens as the API.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_storage::StorageError;
use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::extract::ClientAddr;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chrome::Chrome;
use crate::ui::error::{Notice, UiError};
use crate::ui::lang::page_lang;
use crate::ui::redirect::{RESIDENT_SIGN_IN, local_path, see_other};
use crate::ui::session::{self, SignedIn};
use crate::ui::text;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    username: String,
    next: String,
    notice: Option<Notice>,
}

impl LoginPage {
    fn new(lang: Lang, username: String, next: String, notice: Option<Notice>) -> Self {
        LoginPage {
            chrome: Chrome::anonymous(lang, text::labels(lang).sign_in_title, "/login"),
            username,
            next,
            notice,
        }
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /login`.
pub async fn form(Query(query): Query<Next>, headers: HeaderMap) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    let next = local_path(query.next.as_deref()).to_owned();
    Ok(Html(LoginPage::new(lang, String::new(), next, None).render()?).into_response())
}

#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: opens a session and sets its cookie.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(input): Form<Credentials>,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    if !crate::ui::csrf::same_origin(&headers) {
        return Err(UiError::Csrf(lang));
    }
    let next = local_path(input.next.as_deref()).to_owned();
    match state
        .store
        .login(&input.username, &input.password, &client, Utc::now())
        .await
    {
        Ok(login) => {
            let mut response = see_other(false, &next);
            response.headers_mut().insert(
                SET_COOKIE,
                session::open(&headers, &login.token, login.expires_at),
            );
            Ok(response)
        }
        Err(err) => {
            let error = match err {
                StorageError::Unauthenticated => ApiError::new(ErrorCode::InvalidCredentials),
                other => ApiError::from(other),
            };
            if error.code == ErrorCode::Unavailable {
                return Err(UiError::api(error, lang));
            }
            let page = LoginPage::new(lang, input.username, next, Some(Notice::of(&error, lang)));
            Ok((error.code.status(), Html(page.render()?)).into_response())
        }
    }
}

/// `POST /logout`: revokes the token and forgets the cookie; a resident goes back to their own
/// sign-in page.
pub async fn logout(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    state
        .store
        .logout(session.token(), Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let mut response = see_other(
        false,
        if session.who.role.is_staff() {
            "/login"
        } else {
            RESIDENT_SIGN_IN
        },
    );
    response
        .headers_mut()
        .insert(SET_COOKIE, session::close(&headers));
    Ok(response)
}
