//! WeChat official accounts (公众号): admins register them, read them (secrets only as "set"),
//! change and stop them. WeChat itself calls each account's `callback_path` (see
//! `crate::wechat::callback`).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::wechat::{TemplateSetting, WechatAccountChange, WechatAccountInput};
use guanjia_storage::WechatAccountView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::routes::staff::ActiveInput;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_account, list_accounts))
        .routes(routes!(get_account, update_account))
        .routes(routes!(set_account_active))
}

/// An official account as admins see it: never a secret, only whether each is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct WechatAccountOut {
    pub id: String,
    /// Where WeChat calls: enter `https://HOST{callback_path}` as the server URL (服务器地址).
    pub callback_path: String,
    pub name: String,
    pub app_id: String,
    pub project_id: Option<String>,
    pub app_secret_set: bool,
    pub token_set: bool,
    /// Safe (encrypted) mode is possible.
    pub encoding_aes_key_set: bool,
    /// The template message of each notification kind, by its code.
    pub templates: BTreeMap<String, TemplateSetting>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<WechatAccountView> for WechatAccountOut {
    fn from(a: WechatAccountView) -> Self {
        WechatAccountOut {
            callback_path: a.callback_path(),
            encoding_aes_key_set: a.has_encoding_aes_key(),
            templates: a
                .templates
                .into_iter()
                .map(|(kind, t)| (kind.as_str().to_owned(), t))
                .collect(),
            id: a.row.id,
            name: a.row.name,
            app_id: a.row.app_id,
            project_id: a.row.project_id,
            app_secret_set: !a.row.app_secret.is_empty(),
            token_set: !a.row.token.is_empty(),
            active: a.row.active,
            created_at: a.row.created_at,
            updated_at: a.row.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AccountQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Registers an official account (admins; one without a project needs a company-wide admin).
/// The AppSecret, Token and EncodingAESKey are stored encrypted and never answered back.
#[utoipa::path(post, path = "/api/v1/channels/wechat", tag = "wechat",
    request_body = WechatAccountInput,
    responses((status = 201, body = WechatAccountOut), (status = 403), (status = 422)))]
async fn create_account(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<WechatAccountInput>,
) -> ApiResult<(StatusCode, axum::Json<WechatAccountOut>)> {
    let account = state
        .store
        .create_wechat_account(&who, input.validate()?, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(account.into())))
}

/// The official accounts the admin manages, by name.
#[utoipa::path(get, path = "/api/v1/channels/wechat", tag = "wechat", params(AccountQuery),
    responses((status = 200, body = PageOf<WechatAccountOut>), (status = 403)))]
async fn list_accounts(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<AccountQuery>,
) -> ApiResult<axum::Json<PageOf<WechatAccountOut>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = state.store.wechat_accounts(&who, page).await?;
    Ok(axum::Json(PageOf::from_page(page, WechatAccountOut::from)))
}

#[utoipa::path(get, path = "/api/v1/channels/wechat/{id}", tag = "wechat",
    responses((status = 200, body = WechatAccountOut), (status = 404)))]
async fn get_account(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<WechatAccountOut>> {
    Ok(axum::Json(
        state.store.wechat_account(&who, &id).await?.into(),
    ))
}

/// Changes an account (admins): a secret left out is kept; an empty `encoding_aes_key` goes
/// back to plaintext mode; `templates`, when given, replaces them all.
#[utoipa::path(put, path = "/api/v1/channels/wechat/{id}", tag = "wechat",
    request_body = WechatAccountChange,
    responses((status = 200, body = WechatAccountOut), (status = 403), (status = 404), (status = 422)))]
async fn update_account(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WechatAccountChange>,
) -> ApiResult<axum::Json<WechatAccountOut>> {
    Ok(axum::Json(
        state
            .store
            .update_wechat_account(&who, &id, input.validate()?, Utc::now())
            .await?
            .into(),
    ))
}

/// Stops an account or starts it again (admins): a stopped account's callback is refused and
/// nothing is sent through it.
#[utoipa::path(put, path = "/api/v1/channels/wechat/{id}/active", tag = "wechat",
    request_body = ActiveInput,
    responses((status = 200, body = WechatAccountOut), (status = 403), (status = 404)))]
async fn set_account_active(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActiveInput>,
) -> ApiResult<axum::Json<WechatAccountOut>> {
    Ok(axum::Json(
        state
            .store
            .set_wechat_account_active(&who, &id, input.active, Utc::now())
            .await?
            .into(),
    ))
}
