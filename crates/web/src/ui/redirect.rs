//! Sending the browser elsewhere: after a form, to the sign-in page, back where it came from.

use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `next` if it is a path of this site, else the workbench: a link must never send a signed-in
/// user to another site. Browsers drop tabs and line breaks inside a URL and read a backslash as `/`,
/// so `/\t/evil.example` would become `//evil.example`: a path with any of them, or any space or
/// control character, is refused rather than cleaned.
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            path
        }
        _ => "/",
    }
}

/// "See other": the answer to a form that worked. An htmx request is told with `HX-Redirect`,
/// which makes it load the page instead of swapping a redirect's body into a fragment.
pub fn see_other(htmx: bool, location: &str) -> Response {
    let Ok(value) = HeaderValue::from_str(location) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if htmx {
        ([("hx-redirect", value)], StatusCode::OK).into_response()
    } else {
        (StatusCode::SEE_OTHER, [(LOCATION, value)]).into_response()
    }
}

/// Where residents sign in: their pages live under `/h5`.
pub const RESIDENT_SIGN_IN: &str = "/h5/login";

/// The sign-in page for `path`: the residents' own for their pages, the staff's for the rest.
pub fn sign_in_page(path: &str) -> &'static str {
    if path == "/h5" || path.starts_with("/h5/") {
        RESIDENT_SIGN_IN
    } else {
        "/login"
    }
}

/// The sign-in page, coming back to `path` afterwards.
pub fn sign_in_then(path: &str) -> String {
    let page = sign_in_page(path);
    if path == "/" || path == "/h5" {
        return page.to_owned();
    }
    let query = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
    format!("{page}?{query}")
}

/// Whether htmx sent the request (it wants a fragment, not a page).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths() {
        assert_eq!(local_path(Some("/tickets/1?x=2")), "/tickets/1?x=2");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/x",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
        assert_eq!(
            sign_in_then("/tickets/1?a=b"),
            "/login?next=%2Ftickets%2F1%3Fa%3Db"
        );
        assert_eq!(sign_in_then("/"), "/login");
        assert_eq!(sign_in_then("/h5"), "/h5/login");
        assert_eq!(
            sign_in_then("/h5/requests/1"),
            "/h5/login?next=%2Fh5%2Frequests%2F1"
        );
        assert_eq!(sign_in_then("/h5x"), "/login?next=%2Fh5x");
    }
}
