//! Cross-site request forgery: every POST of a signed-in page carries a token that only our own
//! pages know, derived from the session token (so nothing more is stored). Forms send it in a
//! hidden field (also in file uploads), htmx requests in a header (`hx-headers` on `<body>`).

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::cookies;
use super::error::UiError;
use super::lang::page_lang;
use super::session;
use crate::MAX_BODY_BYTES;

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";
/// The header htmx sends it in.
pub const HEADER: &str = "x-csrf-token";

/// The CSRF token of a session: a hash of its secret, so a page can show it without showing the
/// session token itself, and any node can check it.
pub fn token_for(session_token: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf:{session_token}").as_bytes()))
}

/// Compares without stopping at the first difference, so timing does not reveal the token.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The most a form with photos may carry: a few phone pictures and its fields. Other forms stay
/// within the server's usual limit.
pub const MAX_UPLOAD_BYTES: usize =
    3 * guanjia_domain::dispatch::photo::MAX_PHOTO_BYTES + 64 * 1024;

/// Middleware over the signed-in pages: a POST without the session's token is refused.
pub async fn require(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let lang = page_lang(request.headers());
    let Some(expected) = cookies::read(request.headers(), session::COOKIE).map(token_for) else {
        return UiError::sign_in(request.headers(), request.uri()).into_response();
    };
    if request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| same(sent, &expected))
    {
        return next.run(request).await;
    }
    // A plain form: read the body to find the field, then hand the same bytes on (the route's
    // own limit still applies when its handler reads them).
    let (parts, body) = request.into_parts();
    let multipart = parts
        .headers
        .get(CONTENT_TYPE)
        .filter(|t| t.as_bytes().starts_with(b"multipart/form-data"));
    let limit = if multipart.is_some() {
        MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let Ok(bytes) = to_bytes(body, limit).await else {
        return UiError::TooLarge(lang).into_response();
    };
    let sent = match multipart {
        Some(content_type) => multipart_field(content_type.clone(), bytes.clone()).await,
        None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(key, _)| key == FIELD)
                    .map(|(_, value)| value)
            }),
    };
    if !sent.is_some_and(|sent| same(&sent, &expected)) {
        return UiError::Csrf(lang).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The token field of a form that uploads files (its other parts are left for the handler).
async fn multipart_field(content_type: HeaderValue, bytes: Bytes) -> Option<String> {
    let request = Request::builder()
        .header(CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .ok()?;
    let mut form = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// The sign-in form has no session yet: it only accepts posts from our own pages, which
/// browsers mark with an `Origin` of this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn one_token_per_session() {
        let a = token_for("company.secret-a");
        assert_eq!(a, token_for("company.secret-a"));
        assert_ne!(a, token_for("company.secret-b"));
        assert_eq!(a.len(), 64);
        assert!(!a.contains("secret"));
    }

    #[test]
    fn comparison_needs_every_byte() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }

    #[test]
    fn sign_in_posts_only_from_this_site() {
        let headers = |origin: &str| {
            let mut h = HeaderMap::new();
            h.insert(HOST, HeaderValue::from_static("127.0.0.1:8080"));
            h.insert(ORIGIN, HeaderValue::from_str(origin).unwrap());
            h
        };
        assert!(same_origin(&headers("http://127.0.0.1:8080")));
        assert!(!same_origin(&headers("https://evil.example")));
        assert!(!same_origin(&headers("null")));
        assert!(same_origin(&HeaderMap::new()));
    }
}
