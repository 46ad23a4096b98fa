//! Calls to WeChat's server API with the account's access token.
//!
//! The token lives in the database (through a [`TokenStore`]), not per node: WeChat counts token
//! fetches (2,000 a day) and a fetch makes the previous token expire five minutes later, so nodes
//! fetching each their own would keep invalidating one another. A token is fetched again five
//! minutes before it expires, or when WeChat refuses it (40001, 40014, 42001). One fetch at a
//! time: on a node, callers of one account queue on a lock; across nodes, the store grants a
//! short claim to one of them and the others wait for the token it saves.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_domain::delivery::{Failure, Outcome};
use serde_json::Value;

use super::api::{Reply, custom_text, send_answer, template_message, token_answer};
use super::media::{MAX_MEDIA_BYTES, Media, MediaAnswer, MediaReply, media_reply, too_large};
use crate::http::{exchange, unreachable};
use crate::percent::pop_encode;

/// WeChat's API.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";
/// How long before its end a token is replaced.
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(5);
/// How long one node may hold the right to fetch a token (beyond a call's timeout).
pub const REFRESH_CLAIM: chrono::Duration = chrono::Duration::seconds(15);
/// How long a caller waits for another node's fetch before giving up for now.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(5);
const WAIT_STEP: Duration = Duration::from_millis(100);
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// An access token and its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Where access tokens are kept, shared by every node.
pub trait TokenStore: Send + Sync {
    /// The account's token, if one was saved.
    fn load(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<Option<StoredToken>, String>> + Send;
    /// Takes the right to fetch a new token until `until`, unless another caller holds it now.
    fn claim_refresh(
        &self,
        account_id: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, String>> + Send;
    /// Keeps a fresh token and ends the claim.
    fn save(
        &self,
        account_id: &str,
        token: &StoredToken,
    ) -> impl Future<Output = Result<(), String>> + Send;
}

/// The credentials of one official account.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    /// Ours, naming the stored token.
    pub id: &'a str,
    pub app_id: &'a str,
    pub app_secret: &'a str,
}

/// A template message to one follower.
#[derive(Debug, Clone, Copy)]
pub struct TemplateMessage<'a> {
    pub openid: &'a str,
    pub template_id: &'a str,
    /// The page the message opens.
    pub url: Option<&'a str>,
    /// Each template key and its value.
    pub data: &'a [(String, String)],
    /// Keeps a repeated post to one message (WeChat remembers it ten minutes).
    pub client_msg_id: &'a str,
}

/// WeChat's API at a base URL (configuration; tests point it at a local server).
#[derive(Debug, Clone)]
pub struct WechatClient {
    http: reqwest::Client,
    base_url: String,
    /// One lock per account, so a node fetches a token once however many senders need it.
    fetching: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl WechatClient {
    pub fn new(base_url: &str) -> Result<WechatClient, String> {
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(WechatClient {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            fetching: Arc::default(),
        })
    }

    /// Sends a customer-service text message (allowed within 48 hours of the follower's last
    /// message to the account).
    pub async fn send_custom_text(
        &self,
        store: &impl TokenStore,
        account: Account<'_>,
        openid: &str,
        text: &str,
    ) -> Outcome {
        self.call(
            store,
            account,
            "/cgi-bin/message/custom/send",
            &custom_text(openid, text),
        )
        .await
    }

    /// Sends a template message.
    pub async fn send_template(
        &self,
        store: &impl TokenStore,
        account: Account<'_>,
        message: TemplateMessage<'_>,
    ) -> Outcome {
        let body = template_message(
            message.openid,
            message.template_id,
            message.url,
            message.data,
            message.client_msg_id,
        );
        self.call(store, account, "/cgi-bin/message/template/send", &body)
            .await
    }

    /// Fetches a follower's picture or recording by its media id (temporary media, kept by
    /// WeChat three days), at most [`MAX_MEDIA_BYTES`].
    pub async fn fetch_media(
        &self,
        store: &impl TokenStore,
        account: Account<'_>,
        media_id: &str,
    ) -> Result<Media, Failure> {
        let fetched = self
            .with_token(store, account, |token| async move {
                let url = format!(
                    "{}/cgi-bin/media/get?access_token={}&media_id={}",
                    self.base_url,
                    pop_encode(&token),
                    pop_encode(media_id)
                );
                let response = self
                    .http
                    .get(url)
                    .send()
                    .await
                    .map_err(|e| Reply::Failed(unreachable(&e)))?;
                let header = |name| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let (content_type, disposition) = (
                    header(reqwest::header::CONTENT_TYPE),
                    header(reqwest::header::CONTENT_DISPOSITION),
                );
                let status = response.status().as_u16();
                let body = read_bounded(response).await.map_err(Reply::Failed)?;
                let answer = MediaAnswer {
                    status,
                    content_type: content_type.as_deref(),
                    disposition: disposition.as_deref(),
                    body: &body,
                };
                match media_reply(answer, media_id) {
                    MediaReply::File(media) => Ok(media),
                    MediaReply::Refused(reply) => Err(reply),
                }
            })
            .await;
        fetched.map_err(|reply| match reply.into_outcome() {
            Outcome::Failed(failure) => failure,
            // `{"errcode":0}` instead of a file.
            _ => Failure {
                code: "no_file".into(),
                reason: "WeChat answered without the file".into(),
                permanent: false,
                retry_after: None,
            },
        })
    }

    /// Posts `body` to `path` with the token.
    async fn call(
        &self,
        store: &impl TokenStore,
        account: Account<'_>,
        path: &str,
        body: &Value,
    ) -> Outcome {
        let sent = self
            .with_token(store, account, |token| async move {
                let url = format!(
                    "{}{path}?access_token={}",
                    self.base_url,
                    pop_encode(&token)
                );
                let answer = exchange(self.http.post(url).json(body))
                    .await
                    .map_err(Reply::Failed)?;
                match send_answer(&answer) {
                    Reply::Done { msgid } => Ok(msgid),
                    other => Err(other),
                }
            })
            .await;
        match sent {
            Ok(message_id) => Outcome::Sent { message_id },
            Err(reply) => reply.into_outcome(),
        }
    }

    /// Makes one `attempt` with the account's token; a refused token is replaced once and the
    /// attempt made again.
    async fn with_token<T, F, Fut>(
        &self,
        store: &impl TokenStore,
        account: Account<'_>,
        attempt: F,
    ) -> Result<T, Reply>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, Reply>>,
    {
        let mut refused = None;
        for _ in 0..2 {
            let token = self
                .access_token(store, account, refused.as_deref())
                .await
                .map_err(Reply::Failed)?;
            match attempt(token.clone()).await {
                Err(Reply::TokenRejected { .. }) if refused.is_none() => refused = Some(token),
                other => return other,
            }
        }
        Err(Reply::TokenRejected { code: 40001 })
    }

    /// A token for the account that is not `refused` and not about to expire: the stored one,
    /// or a new one fetched by this caller or by whoever holds the claim.
    pub async fn access_token(
        &self,
        store: &impl TokenStore,
        account: Account<'_>,
        refused: Option<&str>,
    ) -> Result<String, Failure> {
        let lock = {
            let mut fetching = self.fetching.lock().unwrap_or_else(|e| e.into_inner());
            fetching.entry(account.id.to_owned()).or_default().clone()
        };
        let _one_at_a_time = lock.lock().await;
        let usable = |stored: &Option<StoredToken>| {
            stored
                .as_ref()
                .filter(|s| s.expires_at - REFRESH_MARGIN > Utc::now())
                .filter(|s| Some(s.token.as_str()) != refused)
                .map(|s| s.token.clone())
        };
        if let Some(token) = usable(&store.load(account.id).await.map_err(store_failure)?) {
            return Ok(token);
        }
        let deadline = tokio::time::Instant::now() + WAIT_FOR_OTHER;
        loop {
            let now = Utc::now();
            if store
                .claim_refresh(account.id, now + REFRESH_CLAIM, now)
                .await
                .map_err(store_failure)?
            {
                let fresh = self.fetch_token(account).await?;
                store
                    .save(account.id, &fresh)
                    .await
                    .map_err(store_failure)?;
                return Ok(fresh.token);
            }
            tokio::time::sleep(WAIT_STEP).await;
            if let Some(token) = usable(&store.load(account.id).await.map_err(store_failure)?) {
                return Ok(token);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Failure {
                    code: "token_refresh_pending".into(),
                    reason: "another node is fetching the access token".into(),
                    permanent: false,
                    retry_after: None,
                });
            }
        }
    }

    /// Asks WeChat for a new token (`GET /cgi-bin/token`).
    async fn fetch_token(&self, account: Account<'_>) -> Result<StoredToken, Failure> {
        let url = format!(
            "{}/cgi-bin/token?grant_type=client_credential&appid={}&secret={}",
            self.base_url,
            pop_encode(account.app_id),
            pop_encode(account.app_secret)
        );
        let answer = exchange(self.http.get(url)).await?;
        let issued = token_answer(&answer)?;
        Ok(StoredToken {
            token: issued.access_token,
            expires_at: Utc::now() + chrono::Duration::seconds(issued.expires_in.clamp(0, 86_400)),
        })
    }
}

/// The body of an answer, refused once it grows beyond [`MAX_MEDIA_BYTES`].
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, Failure> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_MEDIA_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| unreachable(&e))? {
        if body.len() + chunk.len() > MAX_MEDIA_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn store_failure(reason: String) -> Failure {
    Failure {
        code: "token_store".into(),
        reason,
        permanent: false,
        retry_after: None,
    }
}
