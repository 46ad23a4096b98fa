//! 手机号登录: the phone number, then the six-digit code sent to it. The same store calls and
//! delivery as the API's resident sign-in; the page says the same whether or not the number is
//! registered.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::error::ErrorCode;
use crate::extract::ClientAddr;
use crate::i18n::Lang;
use crate::routes::auth::{resident_session, send_sign_in_code};
use crate::state::AppState;
use crate::ui::chrome::Chrome;
use crate::ui::csrf::same_origin;
use crate::ui::error::{Notice, UiError};
use crate::ui::lang::page_lang;
use crate::ui::redirect::{RESIDENT_SIGN_IN, local_path, see_other};
use crate::ui::session;
use crate::ui::text::{self, Labels};

#[derive(Template)]
#[template(path = "h5_login.html")]
struct LoginPage {
    chrome: Chrome,
    t: &'static Labels,
    phone: String,
    next: String,
    /// The code was asked for: the page asks for it.
    code_step: bool,
    notice: Option<Notice>,
}

impl LoginPage {
    fn new(lang: Lang, phone: String, next: String) -> Self {
        let t = text::labels(lang);
        LoginPage {
            chrome: Chrome::anonymous(lang, t.h5_sign_in_title, RESIDENT_SIGN_IN),
            t,
            phone,
            next,
            code_step: false,
            notice: None,
        }
    }

    fn answer(self, status: StatusCode) -> Result<Response, UiError> {
        Ok((status, Html(self.render()?)).into_response())
    }
}

/// After signing in: the page asked for if it is one of the residents', else their list.
fn after_sign_in(next: Option<&str>) -> String {
    match local_path(next) {
        path if path == "/h5" || path.starts_with("/h5/") => path.to_owned(),
        _ => "/h5".to_owned(),
    }
}

fn notice(message: &str) -> Notice {
    Notice {
        message: message.to_owned(),
        fields: vec![],
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /h5/login`.
pub async fn form(Query(query): Query<Next>, headers: HeaderMap) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    LoginPage::new(lang, String::new(), after_sign_in(query.next.as_deref())).answer(StatusCode::OK)
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
    next: Option<String>,
}

/// `POST /h5/login/code`: sends a code and asks for it.
pub async fn send_code(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(input): Form<PhoneForm>,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    if !same_origin(&headers) {
        return Err(UiError::Csrf(lang));
    }
    let mut page = LoginPage::new(
        lang,
        input.phone.trim().to_owned(),
        after_sign_in(input.next.as_deref()),
    );
    match send_sign_in_code(&state, &page.phone, &client).await {
        Ok(()) => {
            page.code_step = true;
            page.answer(StatusCode::OK)
        }
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            page.notice = Some(notice(page.t.h5_phone_invalid));
            page.answer(error.code.status())
        }
        Err(error) if error.code == ErrorCode::TooManyAttempts => {
            // A code sent a moment ago is still good: ask for it.
            page.code_step = true;
            page.notice = Some(Notice::of(&error, lang));
            page.answer(error.code.status())
        }
        Err(error) => Err(UiError::api(error, lang)),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// `POST /h5/login`: opens the resident's session and sets its cookie.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(input): Form<CodeForm>,
) -> Result<Response, UiError> {
    let lang = page_lang(&headers);
    if !same_origin(&headers) {
        return Err(UiError::Csrf(lang));
    }
    let next = after_sign_in(input.next.as_deref());
    match resident_session(&state, &input.phone, &input.code, &client).await {
        Ok((token, expires_at)) => {
            let mut response = see_other(false, &next);
            response
                .headers_mut()
                .insert(SET_COOKIE, session::open(&headers, &token, expires_at));
            Ok(response)
        }
        Err(error)
            if matches!(
                error.code,
                ErrorCode::InvalidCredentials
                    | ErrorCode::ValidationFailed
                    | ErrorCode::TooManyAttempts
            ) =>
        {
            let mut page = LoginPage::new(lang, input.phone.trim().to_owned(), next);
            page.code_step = error.code != ErrorCode::ValidationFailed;
            page.notice = Some(match error.code {
                ErrorCode::InvalidCredentials => notice(page.t.h5_code_wrong),
                ErrorCode::TooManyAttempts => Notice::of(&error, lang),
                _ => notice(page.t.h5_phone_invalid),
            });
            page.answer(error.code.status())
        }
        Err(error) => Err(UiError::api(error, lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comes_back_only_to_residents_pages() {
        assert_eq!(after_sign_in(Some("/h5/requests/1")), "/h5/requests/1");
        assert_eq!(after_sign_in(Some("/h5")), "/h5");
        for elsewhere in ["/", "/tickets/1", "https://evil.example", "/h5x"] {
            assert_eq!(after_sign_in(Some(elsewhere)), "/h5", "{elsewhere}");
        }
        assert_eq!(after_sign_in(None), "/h5");
    }
}
