//! Headers every answer carries so that a browser keeps our pages to themselves: scripts only from
//! this site (the pages have no inline scripts or handlers), never inside another site's frame,
//! content types taken as sent, no addresses with tokens in them (rating links) leaked as
//! referrers, and nothing signed-in kept in a shared or back-button cache unless a route chose
//! its own caching (the versioned assets do). A route may set a stricter content policy of its
//! own (a message's file is sandboxed).

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

/// Inline styles stay allowed: htmx and ECharts set them, and a style cannot run code.
pub const CONTENT_SECURITY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
frame-ancestors 'none'";

/// What a page may ask of the phone: its position (arrival) and camera (photos), on this site only.
const PERMISSIONS: &str = "geolocation=(self), camera=(self), microphone=()";

/// The middleware.
pub async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY));
    for (name, value) in [
        (X_FRAME_OPTIONS, "DENY"),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (REFERRER_POLICY, "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS));
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
