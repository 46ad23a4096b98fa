//! The caller's language, and the middleware that writes error bodies in it.

use axum::extract::Request;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;

/// The UI languages: Chinese first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The first language of `Accept-Language` we speak; zh-CN when none.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Lang::Zh;
        };
        for tag in value.split(',').map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        }) {
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }
}

/// The caller's language as a handler argument, for the API's words (never fails).
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_headers(&parts.headers))
    }
}

/// Renders every [`ApiError`] response body in the language the request asked for.
pub async fn localize(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let body = serde_json::to_vec(&error.body(lang)).unwrap_or_default();
        // The status and headers (such as `Retry-After`) stay; the body and its type are ours.
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(CONTENT_LENGTH);
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response = Response::from_parts(parts, body.into());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(value: &str) -> Lang {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap());
        Lang::from_headers(&headers)
    }

    #[test]
    fn chinese_unless_english_comes_first() {
        assert_eq!(lang("en-US,en;q=0.9"), Lang::En);
        assert_eq!(lang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(lang("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(lang("fr-FR"), Lang::Zh);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Zh);
    }
}
