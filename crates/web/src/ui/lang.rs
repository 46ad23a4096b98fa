//! The page language: the `lang` cookie set by the switch link, else `Accept-Language`.

use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use serde::Deserialize;

use super::cookies::{self, SetCookie};
use super::redirect::{local_path, see_other};
use crate::i18n::Lang;

const COOKIE: &str = "lang";
const ONE_YEAR: i64 = 365 * 24 * 3600;

/// The language a page is shown in.
pub fn page_lang(headers: &HeaderMap) -> Lang {
    match cookies::read(headers, COOKIE) {
        Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        _ => Lang::from_headers(headers),
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /lang/{zh|en}?next=/path`: remembers the choice and goes back to the page.
pub async fn switch(
    Path(code): Path<String>,
    Query(query): Query<Next>,
    headers: HeaderMap,
) -> Response {
    let code = if code == "en" { "en" } else { "zh" };
    let cookie = SetCookie {
        name: COOKIE,
        value: code,
        max_age: ONE_YEAR,
        http_only: true,
        secure: cookies::over_tls(&headers),
    };
    let mut response = see_other(false, local_path(query.next.as_deref()));
    response.headers_mut().insert(SET_COOKIE, cookie.header());
    response
}
