//! Refuses text nobody types before any handler sees it: bytes that are not UTF-8, and control
//! characters (a NUL breaks PostgreSQL, escape sequences hide text from reviewers), in the path,
//! the query string and JSON or form bodies alike. One check for every route, so both databases
//! answer the same 422 naming the field, and nothing is stored.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use guanjia_domain::validation::{FieldErrorCode, ValidationError, has_control_characters};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::MAX_BODY_BYTES;
use crate::error::{ApiError, ErrorCode};

/// The middleware.
pub async fn refuse_unreadable_input(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if let Err(refusal) = check_uri(&parts) {
        return refusal.into_response();
    }
    let Some(kind) = BodyKind::of(&parts) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::new(ErrorCode::PayloadTooLarge).into_response();
    };
    if let Err(refusal) = kind.check(&bytes) {
        return refusal.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A path segment that is not UTF-8 or holds a control character names nothing here; a query
/// parameter that does is a bad field.
fn check_uri(parts: &Parts) -> Result<(), ApiError> {
    for segment in parts.uri.path().split('/') {
        match percent_decode_str(segment).decode_utf8() {
            Ok(text) if !has_control_characters(&text) => {}
            _ => {
                return Err(ApiError::with_details(
                    ErrorCode::NotFound,
                    json!({ "reason": "unreadable path" }),
                ));
            }
        }
    }
    match parts.uri.query() {
        Some(query) => check_pairs(query.as_bytes()),
        None => Ok(()),
    }
}

/// The bodies that carry text fields.
enum BodyKind {
    Json,
    Form,
}

impl BodyKind {
    fn of(parts: &Parts) -> Option<BodyKind> {
        let content_type = parts.headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Some(BodyKind::Json),
            "application/x-www-form-urlencoded" => Some(BodyKind::Form),
            _ => None,
        }
    }

    fn check(&self, bytes: &Bytes) -> Result<(), ApiError> {
        match self {
            // Malformed JSON is left to the handler's extractor, which explains what is wrong.
            BodyKind::Json => match serde_json::from_slice::<Value>(bytes) {
                Ok(value) => refuse_at(first_control_characters(&value, String::new())),
                Err(_) => Ok(()),
            },
            BodyKind::Form => check_pairs(bytes),
        }
    }
}

/// Checks `key=value&…` pairs, as a form or a query string sends them.
fn check_pairs(encoded: &[u8]) -> Result<(), ApiError> {
    for piece in encoded.split(|b| *b == b'&') {
        let (key, value) = match piece.iter().position(|b| *b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &[][..]),
        };
        let (Some(key), Some(value)) = (decode(key), decode(value)) else {
            return Err(ApiError::with_details(
                ErrorCode::InvalidRequest,
                json!({ "reason": "not UTF-8" }),
            ));
        };
        if has_control_characters(&key) || has_control_characters(&value) {
            return refuse_at(Some(printable(&key)));
        }
    }
    Ok(())
}

/// Percent-decodes one part of a form, `+` meaning a space; `None` when it is not UTF-8.
fn decode(part: &[u8]) -> Option<String> {
    let spaced: Vec<u8> = part
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let text = std::str::from_utf8(&spaced).ok()?;
    percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|t| t.into_owned())
}

/// The path (`materials.0.name`, as the domain names fields) of the first string or key with a
/// control character.
fn first_control_characters(value: &Value, at: String) -> Option<String> {
    match value {
        Value::String(text) => has_control_characters(text).then_some(at),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            first_control_characters(
                item,
                if at.is_empty() {
                    i.to_string()
                } else {
                    format!("{at}.{i}")
                },
            )
        }),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let path = if at.is_empty() {
                printable(key)
            } else {
                format!("{at}.{}", printable(key))
            };
            if has_control_characters(key) {
                Some(path)
            } else {
                first_control_characters(item, path)
            }
        }),
        _ => None,
    }
}

fn refuse_at(field: Option<String>) -> Result<(), ApiError> {
    match field {
        Some(field) => Err(ValidationError::single(
            if field.is_empty() {
                "body".to_owned()
            } else {
                field
            },
            FieldErrorCode::ControlCharacters,
        )
        .into()),
        None => Ok(()),
    }
}

/// A field name fit to show back: control characters replaced.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<(), ApiError>) -> Option<String> {
        let details = result.err()?.details;
        details["fields"].as_object()?.keys().next().cloned()
    }

    #[test]
    fn names_the_field_with_a_control_character() {
        let body = json!({ "description": "漏水", "materials": [{ "name": "ok" }, { "name": "a\u{0}b" }] });
        assert_eq!(
            first_control_characters(&body, String::new()).as_deref(),
            Some("materials.1.name")
        );
        assert_eq!(
            first_control_characters(&json!({ "text": "三楼\n漏水\t" }), String::new()),
            None
        );
        assert_eq!(
            field_of(check_pairs(b"username=ad%00min&password=x")).as_deref(),
            Some("username")
        );
        assert_eq!(field_of(check_pairs(b"q=%1B%5B31m")).as_deref(), Some("q"));
        assert!(check_pairs(b"q=3%E6%A0%8B+1502&status=new,accepted").is_ok());
        let not_utf8 = check_pairs(b"q=%FF").unwrap_err();
        assert_eq!(not_utf8.code, ErrorCode::InvalidRequest);
    }
}
