//! A local stand-in for WeChat's server API on 127.0.0.1, written from WeChat's documentation
//! (获取 Access token, 客服消息, 模板消息, 获取临时素材): it checks each request's form and the
//! access token in the query and answers as WeChat does, errors included. It can be told to treat
//! the current token as expired (42001) for the next call.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const APP_ID: &str = "wx2c2769f8efd9abc2";
pub const APP_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// A 1×1 PNG, the picture the stand-in serves for `media_image_*`.
pub const PICTURE: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xdf\xc0\0\0\x04\x01\x01\x80\xc5*\x18]\0\0\0\0IEND\xaeB`\x82";
/// The first bytes of an AMR recording (`#!AMR\n` and one silent frame), for `media_voice_*`.
pub const RECORDING: &[u8] =
    b"#!AMR\n\x3c\x48\xf5\x1f\x96\x66\x79\xe1\xe0\x01\xe7\xcf\xf0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// A message WeChat accepted.
#[derive(Debug, Clone)]
pub struct Sent {
    /// `custom` or `template`.
    pub api: &'static str,
    pub body: Value,
}

#[derive(Default)]
struct Shared {
    tokens_issued: usize,
    /// The one valid token (a new one makes the old one invalid here at once; WeChat keeps it
    /// five minutes more).
    current: Option<String>,
    expire_next: bool,
    sent: Vec<Sent>,
    client_msg_ids: HashSet<String>,
    refusals: HashMap<i64, usize>,
    /// How often each media id was asked for.
    media_asked: HashMap<String, usize>,
}

#[derive(Clone)]
pub struct WechatApi {
    pub base: String,
    shared: Arc<Mutex<Shared>>,
}

impl WechatApi {
    pub fn sent(&self) -> Vec<Sent> {
        self.shared.lock().unwrap().sent.clone()
    }

    pub fn tokens_issued(&self) -> usize {
        self.shared.lock().unwrap().tokens_issued
    }

    /// How often the stand-in answered this error code.
    pub fn refused(&self, code: i64) -> usize {
        self.shared
            .lock()
            .unwrap()
            .refusals
            .get(&code)
            .copied()
            .unwrap_or(0)
    }

    /// How often `media_id` was asked for at `/cgi-bin/media/get`.
    pub fn media_asked(&self, media_id: &str) -> usize {
        self.shared
            .lock()
            .unwrap()
            .media_asked
            .get(media_id)
            .copied()
            .unwrap_or(0)
    }

    /// The next call with the current token is answered 42001 (access_token expired).
    pub fn expire_current_token(&self) {
        self.shared.lock().unwrap().expire_next = true;
    }

    pub async fn wait_for(&self, count: usize, seconds: u64) -> Vec<Sent> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let got = self.sent();
            if got.len() >= count || std::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

pub async fn start() -> WechatApi {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = WechatApi {
        base: format!("http://{}", listener.local_addr().unwrap()),
        shared: Arc::default(),
    };
    let router = Router::new()
        .route("/cgi-bin/token", get(token))
        .route("/cgi-bin/message/custom/send", post(custom_send))
        .route("/cgi-bin/message/template/send", post(template_send))
        .route("/cgi-bin/media/get", get(media_get))
        .with_state(api.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    api
}

fn error(api: &WechatApi, code: i64, message: &str) -> String {
    *api.shared.lock().unwrap().refusals.entry(code).or_default() += 1;
    json!({ "errcode": code, "errmsg": message }).to_string()
}

/// `GET /cgi-bin/token?grant_type=client_credential&appid=APPID&secret=APPSECRET`.
async fn token(State(api): State<WechatApi>, Query(q): Query<HashMap<String, String>>) -> String {
    if q.get("grant_type").map(String::as_str) != Some("client_credential") {
        return error(&api, 40002, "invalid grant_type");
    }
    if q.get("appid").map(String::as_str) != Some(APP_ID) {
        return error(&api, 40013, "invalid appid");
    }
    if q.get("secret").map(String::as_str) != Some(APP_SECRET) {
        return error(&api, 40125, "invalid appsecret");
    }
    let mut shared = api.shared.lock().unwrap();
    shared.tokens_issued += 1;
    let token = format!("ACCESS_TOKEN_{}", shared.tokens_issued);
    shared.current = Some(token.clone());
    json!({ "access_token": token, "expires_in": 7200 }).to_string()
}

/// The access token in the query: 41001 missing, 40001 not the current one, 42001 expired.
fn check_token(api: &WechatApi, q: &HashMap<String, String>) -> Result<(), String> {
    let Some(given) = q.get("access_token") else {
        return Err(error(api, 41001, "access_token missing"));
    };
    let expired = {
        let mut shared = api.shared.lock().unwrap();
        if shared.current.as_ref() != Some(given) {
            None
        } else if shared.expire_next {
            shared.expire_next = false;
            shared.current = None;
            Some(true)
        } else {
            Some(false)
        }
    };
    match expired {
        None => Err(error(
            api,
            40001,
            "invalid credential, access_token is invalid or not latest",
        )),
        Some(true) => Err(error(api, 42001, "access_token expired")),
        Some(false) => Ok(()),
    }
}

/// `POST /cgi-bin/message/custom/send`: `{"touser","msgtype":"text","text":{"content"}}`.
async fn custom_send(
    State(api): State<WechatApi>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> String {
    if let Err(answer) = check_token(&api, &q) {
        return answer;
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return error(&api, 47001, "data format error");
    };
    let well_formed = body["touser"].as_str().is_some_and(|s| !s.is_empty())
        && body["msgtype"] == "text"
        && body["text"]["content"]
            .as_str()
            .is_some_and(|s| !s.is_empty());
    if !well_formed {
        return error(&api, 44002, "empty post data");
    }
    if body["touser"] == "oOutsideTheWindow00000000001" {
        return error(
            &api,
            45015,
            "response out of time limit or subscription is canceled",
        );
    }
    api.shared.lock().unwrap().sent.push(Sent {
        api: "custom",
        body,
    });
    json!({ "errcode": 0, "errmsg": "ok" }).to_string()
}

/// `POST /cgi-bin/message/template/send`: `{"touser","template_id","url"?,"data":{"key":
/// {"value"}},"client_msg_id"?}`; one message per openid and client_msg_id.
async fn template_send(
    State(api): State<WechatApi>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> String {
    if let Err(answer) = check_token(&api, &q) {
        return answer;
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return error(&api, 47001, "data format error");
    };
    let data_ok = body["data"]
        .as_object()
        .is_some_and(|d| d.values().all(|v| v["value"].is_string()));
    if !data_ok || !body["touser"].is_string() {
        return error(&api, 47003, "argument invalid! data.value invalid");
    }
    if body["template_id"].as_str().is_none_or(str::is_empty) {
        return error(&api, 40037, "invalid template_id");
    }
    let mut shared = api.shared.lock().unwrap();
    let repeat = body["client_msg_id"].as_str().is_some_and(|id| {
        !shared
            .client_msg_ids
            .insert(format!("{}/{id}", body["touser"]))
    });
    if !repeat {
        shared.sent.push(Sent {
            api: "template",
            body,
        });
    }
    let msgid = 200228332 + shared.sent.len();
    json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid }).to_string()
}

/// `GET /cgi-bin/media/get?access_token=&media_id=`: the file, with `Content-Type` and
/// `Content-Disposition: attachment; filename="MEDIA_ID.ext"`; 40007 for a media id it does not
/// keep. `media_busy_*` is answered -1 (system busy) the first time it is asked for.
async fn media_get(
    State(api): State<WechatApi>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let json = |body: String| ([(CONTENT_TYPE, "text/plain")], body).into_response();
    if let Err(answer) = check_token(&api, &q) {
        return json(answer);
    }
    let Some(media_id) = q.get("media_id").filter(|m| !m.is_empty()) else {
        return json(error(&api, 40007, "invalid media_id"));
    };
    let asked = {
        let mut shared = api.shared.lock().unwrap();
        let asked = shared.media_asked.entry(media_id.clone()).or_default();
        *asked += 1;
        *asked
    };
    let (content_type, extension, bytes) = if media_id.starts_with("media_image_") {
        ("image/png", "png", PICTURE)
    } else if media_id.starts_with("media_voice_") {
        ("audio/amr", "amr", RECORDING)
    } else if media_id.starts_with("media_busy_") {
        if asked == 1 {
            return json(error(&api, -1, "system error"));
        }
        ("image/png", "png", PICTURE)
    } else {
        return json(error(&api, 40007, "invalid media_id"));
    };
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{media_id}.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
