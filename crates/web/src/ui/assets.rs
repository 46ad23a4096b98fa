//! The pages' scripts and styles, compiled into the binary: the server never reads them from
//! disk or a CDN, so one file is the whole deployment.

use axum::extract::{Path, Query};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::{Embed, EmbeddedFile};
use serde::Deserialize;

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// The content type of the kinds of files we ship; anything else (the README) is not served.
fn content_type(name: &str) -> Option<&'static str> {
    let (_, extension) = name.rsplit_once('.')?;
    Some(match extension {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

/// A short fingerprint of the file's content, for URLs and ETags.
fn fingerprint(file: &EmbeddedFile) -> String {
    hex::encode(&file.metadata.sha256_hash()[..6])
}

/// The URL of an asset, carrying its version so a browser may cache it for good.
pub fn url(name: &str) -> String {
    format!(
        "/assets/{name}?v={}",
        Assets::get(name)
            .map(|file| fingerprint(&file))
            .unwrap_or_default()
    )
}

#[derive(Deserialize)]
pub struct Versioned {
    v: Option<String>,
}

/// `GET /assets/{name}`.
pub async fn serve(
    Path(name): Path<String>,
    Query(query): Query<Versioned>,
    headers: HeaderMap,
) -> Response {
    let (Some(file), Some(kind)) = (Assets::get(&name), content_type(&name)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let current = fingerprint(&file);
    let etag = format!("\"{current}\"");
    // A versioned URL never changes content; an unversioned one must be checked each time.
    let cache = if query.v.as_deref() == Some(current.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    if headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (
            StatusCode::NOT_MODIFIED,
            [(ETAG, etag), (CACHE_CONTROL, cache.to_owned())],
        )
            .into_response();
    }
    (
        [
            (CONTENT_TYPE, kind.to_owned()),
            (ETAG, etag),
            (CACHE_CONTROL, cache.to_owned()),
        ],
        file.data,
    )
        .into_response()
}

/// `GET /favicon.ico`: where browsers and bookmarks look for the site's icon.
pub async fn favicon(headers: HeaderMap) -> Response {
    serve(
        Path("favicon.ico".to_owned()),
        Query(Versioned { v: None }),
        headers,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_assets_are_embedded() {
        for name in ["htmx.min.js", "app.css", "bell.js", "favicon.ico"] {
            assert!(Assets::get(name).is_some(), "{name} is not embedded");
            assert!(content_type(name).is_some());
            assert!(url(name).len() > format!("/assets/{name}?v=").len());
        }
        assert_eq!(content_type("README.md"), None);
    }
}
