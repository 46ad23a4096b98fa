//! The callback URL of an official account, as WeChat documents it (接入指南, 消息加解密):
//! `GET` verifies the server (echo `echostr` when `signature` matches); `POST` brings a message
//! or event, in plaintext or, with `encrypt_type=aes`, in safe mode (`msg_signature` over the
//! `Encrypt` text, AES-256-CBC, the AppID checked). A bad signature is refused before anything
//! is read or stored. The answer (`success`, or a passive reply, sealed in safe mode) goes back
//! at once: WeChat waits five seconds, then tries again, three times in all.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use guanjia_channels::wechat::{
    AesKey, Inbound, SUCCESS, SafeMode, Signed, signature, signature_matches,
};
use guanjia_storage::OpenAccount;
use serde::Deserialize;
use serde_json::json;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/wechat/callback/{key}",
        get(verify_server).post(receive_push),
    )
}

/// The query WeChat signs every call with.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    signature: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    echostr: Option<String>,
    /// `aes` in safe mode.
    encrypt_type: Option<String>,
    msg_signature: Option<String>,
}

/// `GET`: WeChat checks that the server is ours; `echostr` goes back when the signature holds.
async fn verify_server(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> ApiResult<Response> {
    let account = account(&state, &key).await?;
    check_signature(&account, &query)?;
    let echo = query.echostr.unwrap_or_default();
    Ok(([(CONTENT_TYPE, "text/plain; charset=utf-8")], echo).into_response())
}

/// `POST`: a message or event. Answered `success`, or with a passive reply.
async fn receive_push(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<CallbackQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let account = account(&state, &key).await?;
    check_signature(&account, &query)?;
    let body = std::str::from_utf8(&body).map_err(|_| refused("body", "not UTF-8"))?;
    let safe_key = match query.encrypt_type.as_deref() {
        Some("aes") => Some(
            account
                .encoding_aes_key
                .as_deref()
                .and_then(|k| AesKey::from_encoding_aes_key(k).ok())
                .ok_or_else(|| refused("encrypt_type", "no EncodingAESKey is set"))?,
        ),
        None | Some("raw") | Some("") => None,
        Some(_) => return Err(refused("encrypt_type", "unknown")),
    };
    let safe = safe_key.as_ref().map(|key| SafeMode {
        token: &account.token,
        key,
        app_id: &account.app_id,
    });
    let xml = match &safe {
        Some(mode) => {
            let signed = Signed {
                timestamp: query.timestamp.as_deref().unwrap_or_default(),
                nonce: query.nonce.as_deref().unwrap_or_default(),
                msg_signature: query.msg_signature.as_deref().unwrap_or_default(),
            };
            mode.open(body, signed).map_err(|e| {
                tracing::info!(account = %account.id, error = %e, "a WeChat push was refused");
                ApiError::with_details(ErrorCode::Forbidden, json!({ "reason": e.to_string() }))
            })?
        }
        None => body.to_owned(),
    };
    let inbound = Inbound::parse(&xml).map_err(|e| refused("body", &e.to_string()))?;
    let now = Utc::now();
    metrics::counter!("guanjia_wechat_pushes_total").increment(1);
    let reply = super::receive::receive(&state, &account, &inbound, now).await?;
    let Some(reply) = reply else {
        return Ok(text(SUCCESS.to_owned()));
    };
    match safe {
        Some(mode) => mode
            .seal_fresh(&reply, now.timestamp())
            .map(xml_response)
            .or_else(|e| {
                tracing::warn!(error = %e, "a passive reply could not be sealed; answering success");
                Ok(text(SUCCESS.to_owned()))
            }),
        None => Ok(xml_response(reply)),
    }
}

async fn account(state: &AppState, key: &str) -> ApiResult<OpenAccount> {
    state
        .store
        .wechat_callback_account(key)
        .await?
        .ok_or_else(|| {
            ApiError::with_details(ErrorCode::NotFound, json!({ "object": "wechat_account" }))
        })
}

/// Every call carries `signature` over the Token, `timestamp` and `nonce`.
fn check_signature(account: &OpenAccount, query: &CallbackQuery) -> ApiResult<()> {
    let (Some(given), Some(timestamp), Some(nonce)) = (
        query.signature.as_deref(),
        query.timestamp.as_deref(),
        query.nonce.as_deref(),
    ) else {
        return Err(ApiError::with_details(
            ErrorCode::Forbidden,
            json!({ "reason": "signature, timestamp and nonce are required" }),
        ));
    };
    if signature_matches(&signature(&account.token, timestamp, nonce), given) {
        Ok(())
    } else {
        tracing::info!(account = %account.id, "a WeChat call with a bad signature was refused");
        Err(ApiError::with_details(
            ErrorCode::Forbidden,
            json!({ "reason": "signature does not match" }),
        ))
    }
}

fn refused(field: &str, reason: &str) -> ApiError {
    ApiError::with_details(
        ErrorCode::InvalidRequest,
        json!({ "field": field, "reason": reason }),
    )
}

fn text(body: String) -> Response {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn xml_response(body: String) -> Response {
    (
        StatusCode::OK,
        [(CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}
