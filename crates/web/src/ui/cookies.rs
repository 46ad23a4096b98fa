//! Reading the `Cookie` header and writing `Set-Cookie`, for the few cookies the pages use.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

/// The value of cookie `name` in the request, if it has one.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A cookie for the whole site: always `SameSite=Lax` (no cross-site POST carries it), `Secure`
/// when the browser reached us over TLS, `HttpOnly` unless scripts must read it.
pub struct SetCookie<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// Seconds; 0 deletes the cookie.
    pub max_age: i64,
    pub http_only: bool,
    pub secure: bool,
}

impl SetCookie<'_> {
    pub fn header(&self) -> HeaderValue {
        let mut cookie = format!(
            "{}={}; Path=/; Max-Age={}; SameSite=Lax",
            self.name, self.value, self.max_age
        );
        if self.http_only {
            cookie.push_str("; HttpOnly");
        }
        if self.secure {
            cookie.push_str("; Secure");
        }
        // Names and values are ours (hex tokens, language codes), so this never fails.
        HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// Whether the browser reached us over TLS: a reverse proxy in front says so.
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; gj_session=abc.def; lang=en"),
        );
        assert_eq!(read(&headers, "gj_session"), Some("abc.def"));
        assert_eq!(read(&headers, "lang"), Some("en"));
        assert_eq!(read(&headers, "missing"), None);
    }

    #[test]
    fn secure_only_over_tls() {
        let cookie = |secure| {
            SetCookie {
                name: "s",
                value: "v",
                max_age: 60,
                http_only: true,
                secure,
            }
            .header()
        };
        assert_eq!(
            cookie(false),
            "s=v; Path=/; Max-Age=60; SameSite=Lax; HttpOnly"
        );
        assert_eq!(
            cookie(true),
            "s=v; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure"
        );
        let mut headers = HeaderMap::new();
        assert!(!over_tls(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(over_tls(&headers));
    }
}
