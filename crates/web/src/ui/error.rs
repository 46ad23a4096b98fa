//! What goes wrong on a page, shown as a page in the user's language (never the API's JSON).

use askama::Template;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

use super::chrome::Chrome;
use super::redirect::{is_htmx, see_other, sign_in_page, sign_in_then};
use super::text;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;

#[derive(Debug)]
pub enum UiError {
    /// Not signed in (or the session ended): to the sign-in page, then back to `then`.
    SignIn {
        then: String,
        htmx: bool,
    },
    /// A POST without this session's CSRF token.
    Csrf(Lang),
    /// A form or file larger than the server accepts.
    TooLarge(Lang),
    /// The store or the rules refused.
    Api {
        error: ApiError,
        lang: Lang,
    },
    Render(askama::Error),
}

impl UiError {
    pub fn sign_in(headers: &HeaderMap, uri: &Uri) -> Self {
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        UiError::SignIn {
            then: path.to_owned(),
            htmx: is_htmx(headers),
        }
    }

    pub fn api(error: impl Into<ApiError>, lang: Lang) -> Self {
        UiError::Api {
            error: error.into(),
            lang,
        }
    }
}

impl From<askama::Error> for UiError {
    fn from(err: askama::Error) -> Self {
        UiError::Render(err)
    }
}

/// A refused request explained: the message, and each field at fault with why.
#[derive(Debug, Clone)]
pub struct Notice {
    pub message: String,
    pub fields: Vec<String>,
}

impl Notice {
    pub fn of(error: &ApiError, lang: Lang) -> Self {
        let fields = crate::words::field_problems(lang, &error.details)
            .into_iter()
            .map(|(field, why)| Notice::line(lang, &text::field(lang, &field), &why))
            .collect();
        Notice {
            message: error.message(lang),
            fields,
        }
    }

    /// One refused field as the notice lists it: "编码：格式不正确…".
    pub fn line(lang: Lang, label: &str, why: &str) -> String {
        format!("{label}{}{why}", if lang == Lang::Zh { "：" } else { ": " })
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    notice: Notice,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let (status, lang, notice) = match self {
            UiError::SignIn { then, htmx } => {
                // A fragment cannot come back to itself: htmx reloads the whole page instead.
                return see_other(
                    htmx,
                    &if htmx {
                        sign_in_page(&then).to_owned()
                    } else {
                        sign_in_then(&then)
                    },
                );
            }
            UiError::Csrf(lang) => {
                let message = text::labels(lang).csrf_failed.to_owned();
                (
                    StatusCode::FORBIDDEN,
                    lang,
                    Notice {
                        message,
                        fields: vec![],
                    },
                )
            }
            UiError::TooLarge(lang) => {
                let message = text::labels(lang).too_large.to_owned();
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    lang,
                    Notice {
                        message,
                        fields: vec![],
                    },
                )
            }
            UiError::Api { error, lang } => (error.code.status(), lang, Notice::of(&error, lang)),
            UiError::Render(err) => {
                tracing::error!(error = %err, "page rendering failed");
                let error = ApiError::new(ErrorCode::Internal);
                (error.code.status(), Lang::Zh, Notice::of(&error, Lang::Zh))
            }
        };
        let page = ErrorPage {
            chrome: Chrome::anonymous(lang, text::labels(lang).not_found_title, "/"),
            notice,
        };
        match page.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(_) => status.into_response(),
        }
    }
}
