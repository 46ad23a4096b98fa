//! Request extractors whose failures are API errors: JSON bodies, query strings, the caller.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};
use crate::machine::key_scopes;
use crate::state::AppState;
use guanjia_domain::machine::api_key::KEY_PREFIX;
use guanjia_storage::Principal;

/// A JSON body; malformed JSON, wrong types and unknown fields are 400 `invalid_request`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(ErrorCode::PayloadTooLarge)),
            Err(rejection) => Err(ApiError::with_details(
                ErrorCode::InvalidRequest,
                json!({ "reason": rejection.body_text() }),
            )),
        }
    }
}

/// A query string; a bad one is 400 `invalid_request`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection: QueryRejection| {
                ApiError::with_details(
                    ErrorCode::InvalidRequest,
                    json!({ "reason": rejection.body_text() }),
                )
            })
    }
}

/// The signed-in caller, from `Authorization: Bearer TOKEN`; otherwise 401. The token is a
/// person's session or a machine's API key (`gjk_…`); a key is let through only to an endpoint
/// its scopes open (see [`key_scopes`]) and within its rate.
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers)
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?
            .to_owned();
        let now = chrono::Utc::now();
        if !token.starts_with(KEY_PREFIX) {
            return Ok(Caller(state.store.authenticate(&token, now).await?));
        }
        let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(parts, state).await;
        let key = state.store.authenticate_key(&token, &client, now).await?;
        if let Err(seconds) = state
            .key_rate
            .admit(&key.principal.id, key.rate_per_minute, now)
        {
            return Err(ApiError::with_details(
                ErrorCode::KeyRateLimited,
                json!({ "retry_after_seconds": seconds }),
            ));
        }
        let path = parts
            .extensions
            .get::<MatchedPath>()
            .map(MatchedPath::as_str);
        let Some(needed) = path.and_then(|p| key_scopes::required(&parts.method, p)) else {
            return Err(ApiError::with_details(
                ErrorCode::Forbidden,
                json!({ "reason": "not_for_api_keys" }),
            ));
        };
        let granted = key.principal.key_scopes.as_deref().unwrap_or_default();
        if !granted.contains(&needed) {
            return Err(ApiError::with_details(
                ErrorCode::KeyScopeMissing,
                json!({ "scope": needed.as_str() }),
            ));
        }
        Ok(Caller(key.principal))
    }
}

/// The address a request came from, for the sign-in throttle: the connection's peer, or behind a
/// reverse proxy (`behind_proxy`) the address the proxy appended last to `X-Forwarded-For` (the
/// ones before it are the client's word, which anyone can forge). "unknown" when the server was
/// started without connection information.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = || {
            let value = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .next_back()?;
            let last = value.rsplit(',').next()?.trim();
            last.parse::<IpAddr>().ok()
        };
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        };
        let address = if state.settings.behind_proxy {
            forwarded().or_else(peer)
        } else {
            peer()
        };
        Ok(ClientAddr(
            address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// The bearer token of a request, if it has one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}
