//! Local stand-ins for the providers, on 127.0.0.1: each checks the request as its provider
//! documents it (the signature recomputed from the raw request, written here from the
//! documentation rather than with the code under test) and answers as the provider does,
//! including its error answers. A scripted answer can be queued to replace the next success.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const ALIYUN_KEY_ID: &str = "LTAI-test-key";
pub const ALIYUN_SECRET: &str = "aliyun-test-secret";
pub const TENCENT_ID: &str = "AKID-test";
pub const TENCENT_KEY: &str = "tencent-test-key";
pub const ROBOT_KEY: &str = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
/// The webhook key of a second group, a robot added on the admin pages.
pub const GROUP_ROBOT_KEY: &str = "5f2c8e01-1b7d-4a3e-9c44-2d0b7e9a6c11";

/// A message a provider accepted or refused, as it read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub phone: String,
    pub template: String,
    /// Alibaba: the TemplateParam object; Tencent: the TemplateParamSet list; WeCom: the text.
    pub params: Value,
    /// Ours: OutId (Alibaba) or SessionContext (Tencent), the delivery's id; WeCom: the key
    /// of the webhook posted to.
    pub out_id: String,
    /// WeCom: the mobiles @-mentioned (`mentioned_mobile_list`).
    pub mentions: Vec<String>,
    pub accepted: bool,
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    /// Answers to give instead of the next successes, in order.
    scripted: VecDeque<(u16, Value)>,
    nonces: HashSet<String>,
}

/// A running stand-in: its base URL and what it received.
#[derive(Clone)]
pub struct Fake {
    pub base: String,
    shared: Arc<Mutex<Shared>>,
}

impl Fake {
    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    /// The next request is answered `status` with `body`, whatever it is.
    pub fn answer_next(&self, status: u16, body: Value) {
        self.shared
            .lock()
            .unwrap()
            .scripted
            .push_back((status, body));
    }

    /// Waits up to `seconds` until `count` messages arrived; answers them.
    pub async fn wait_for(&self, count: usize, seconds: u64) -> Vec<Received> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let got = self.received();
            if got.len() >= count || std::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    fn scripted(&self) -> Option<(u16, Value)> {
        self.shared.lock().unwrap().scripted.pop_front()
    }

    fn record(&self, r: Received) {
        self.shared.lock().unwrap().received.push(r);
    }
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

fn reply(status: u16, body: Value) -> (StatusCode, String) {
    (StatusCode::from_u16(status).unwrap(), body.to_string())
}

/// RFC 3986 encoding, as the Alibaba Cloud signature documentation describes it.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn rfc3986(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Alibaba Cloud SMS: a form POST to `/`, RPC signature 1.0 (HMAC-SHA1).
pub async fn aliyun() -> Fake {
    let fake = Fake {
        base: String::new(),
        shared: Default::default(),
    };
    let router = Router::new()
        .route("/", post(aliyun_send))
        .with_state(fake.clone());
    Fake {
        base: serve(router).await,
        ..fake
    }
}

async fn aliyun_send(State(fake): State<Fake>, body: String) -> (StatusCode, String) {
    let request_id = "F655A8D5-B967-440B-8683-DAD6FF8DE990";
    let Ok(mut params) = serde_urlencoded::from_str::<Vec<(String, String)>>(&body) else {
        return reply(
            400,
            json!({ "Code": "MissingParameter", "Message": "bad form", "RequestId": request_id }),
        );
    };
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let signature = get("Signature");
    let (phone, template, param, out_id, nonce) = (
        get("PhoneNumbers"),
        get("TemplateCode"),
        get("TemplateParam"),
        get("OutId"),
        get("SignatureNonce"),
    );
    let fixed = [
        ("Action", "SendSms"),
        ("Version", "2017-05-25"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("Format", "JSON"),
        ("AccessKeyId", ALIYUN_KEY_ID),
    ];
    if let Some((name, _)) = fixed.iter().find(|(k, v)| get(k) != *v) {
        return reply(
            400,
            json!({ "Code": "InvalidParameter", "Message": format!("{name} is wrong"), "RequestId": request_id }),
        );
    }
    let fresh = get("Timestamp")
        .parse::<DateTime<Utc>>()
        .is_ok_and(|t| (Utc::now() - t).num_minutes().abs() <= 15);
    if !fresh || !fake.shared.lock().unwrap().nonces.insert(nonce) {
        return reply(
            400,
            json!({ "Code": "SignatureNonceUsed", "Message": "Specified signature nonce was used already.", "RequestId": request_id }),
        );
    }
    params.retain(|(k, _)| k != "Signature");
    params.sort();
    let canonical = params
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("POST&{}&{}", rfc3986("/"), rfc3986(&canonical));
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(format!("{ALIYUN_SECRET}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let template_param: Value = serde_json::from_str(&param).unwrap_or(Value::Null);
    let mut received = Received {
        phone,
        template,
        params: template_param.clone(),
        out_id,
        mentions: vec![],
        accepted: false,
    };
    if expected != signature {
        fake.record(received);
        return reply(
            400,
            json!({ "Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched with our calculation.", "RequestId": request_id }),
        );
    }
    if !template_param.is_object() {
        fake.record(received);
        return reply(
            200,
            json!({ "Code": "isv.INVALID_JSON_PARAM", "Message": "JSON参数不合法，只接受字符串值", "RequestId": request_id }),
        );
    }
    if let Some((status, body)) = fake.scripted() {
        fake.record(received);
        return reply(status, body);
    }
    received.accepted = true;
    fake.record(received);
    reply(
        200,
        json!({ "Message": "OK", "RequestId": request_id, "Code": "OK", "BizId": format!("{}^0", Utc::now().timestamp_micros()) }),
    )
}

/// Tencent Cloud SMS: a JSON POST to `/`, TC3-HMAC-SHA256 in the Authorization header.
pub async fn tencent() -> Fake {
    let fake = Fake {
        base: String::new(),
        shared: Default::default(),
    };
    let router = Router::new()
        .route("/", post(tencent_send))
        .with_state(fake.clone());
    Fake {
        base: serve(router).await,
        ..fake
    }
}

fn hmac256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

async fn tencent_send(
    State(fake): State<Fake>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let error = |code: &str, message: &str| {
        reply(
            200,
            json!({ "Response": { "Error": { "Code": code, "Message": message }, "RequestId": "6ea8e7b0-d1d6-4ac8-a6e2-0e2a4b2b3a4c" } }),
        )
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    if header("x-tc-action") != "SendSms" {
        return error("InvalidAction", "The action requested was invalid.");
    }
    if header("x-tc-version") != "2021-01-11" {
        return error("NoSuchVersion", "The requested version does not exist.");
    }
    let Ok(timestamp) = header("x-tc-timestamp").parse::<i64>() else {
        return error("MissingParameter", "X-TC-Timestamp is missing.");
    };
    if (Utc::now().timestamp() - timestamp).abs() > 300 {
        return error("AuthFailure.SignatureExpire", "Signature expired.");
    }
    let date = DateTime::<Utc>::from_timestamp(timestamp, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let authorization = header("authorization");
    let prefix = format!(
        "TC3-HMAC-SHA256 Credential={TENCENT_ID}/{date}/sms/tc3_request, SignedHeaders=content-type;host, Signature="
    );
    let Some(signature) = authorization.strip_prefix(&prefix) else {
        return error(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found or the credential scope is wrong.",
        );
    };
    let payload = String::from_utf8_lossy(&body).into_owned();
    let canonical = format!(
        "POST\n/\n\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{}",
        header("content-type"),
        header("host"),
        hex::encode(Sha256::digest(payload.as_bytes()))
    );
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/sms/tc3_request\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let key = hmac256(
        &hmac256(
            &hmac256(format!("TC3{TENCENT_KEY}").as_bytes(), &date),
            "sms",
        ),
        "tc3_request",
    );
    let request: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
    let phone = request["PhoneNumberSet"][0]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let mut received = Received {
        phone: phone.clone(),
        template: request["TemplateId"].as_str().unwrap_or("").to_owned(),
        params: request["TemplateParamSet"].clone(),
        out_id: request["SessionContext"].as_str().unwrap_or("").to_owned(),
        mentions: vec![],
        accepted: false,
    };
    if hex::encode(hmac256(&key, &to_sign)) != signature {
        fake.record(received);
        return error(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        );
    }
    if !phone.starts_with("+86") || request["SmsSdkAppId"].as_str().is_none() {
        fake.record(received);
        return error(
            "InvalidParameterValue.IncorrectPhoneNumber",
            "手机号格式错误",
        );
    }
    let status = |code: &str, message: &str, serial: &str| json!({ "Response": { "SendStatusSet": [{ "SerialNo": serial, "PhoneNumber": phone, "Fee": 1, "SessionContext": received.out_id, "Code": code, "Message": message, "IsoCode": "CN" }], "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279" } });
    if let Some((code, message)) = fake.scripted().map(|(_, body)| {
        (
            body["Code"].as_str().unwrap_or("").to_owned(),
            body["Message"].as_str().unwrap_or("").to_owned(),
        )
    }) {
        let body = status(&code, &message, "");
        fake.record(received);
        return reply(200, body);
    }
    received.accepted = true;
    let body = status(
        "Ok",
        "send success",
        &format!("5000:{}", Utc::now().timestamp_micros()),
    );
    fake.record(received);
    reply(200, body)
}

/// The WeCom group robot webhook: `POST /cgi-bin/webhook/send?key=KEY`.
pub async fn wecom() -> Fake {
    let fake = Fake {
        base: String::new(),
        shared: Default::default(),
    };
    let router = Router::new()
        .route("/cgi-bin/webhook/send", post(wecom_send))
        .with_state(fake.clone());
    Fake {
        base: serve(router).await,
        ..fake
    }
}

#[derive(serde::Deserialize)]
struct Key {
    key: Option<String>,
}

async fn wecom_send(
    State(fake): State<Fake>,
    Query(key): Query<Key>,
    body: String,
) -> (StatusCode, String) {
    let message: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let content = message["text"]["content"].as_str().unwrap_or("").to_owned();
    let mentions: Vec<String> = message["text"]["mentioned_mobile_list"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut received = Received {
        phone: mentions.first().cloned().unwrap_or_default(),
        template: message["msgtype"].as_str().unwrap_or("").to_owned(),
        params: Value::String(content.clone()),
        out_id: key.key.clone().unwrap_or_default(),
        mentions,
        accepted: false,
    };
    if !matches!(key.key.as_deref(), Some(ROBOT_KEY | GROUP_ROBOT_KEY)) {
        fake.record(received);
        return reply(
            200,
            json!({ "errcode": 93000, "errmsg": "invalid webhook url, hint: [1690000000_1_abc], from ip: 127.0.0.1" }),
        );
    }
    if message["msgtype"] != "text" || content.is_empty() || content.len() > 2048 {
        fake.record(received);
        return reply(
            200,
            json!({ "errcode": 40008, "errmsg": "invalid message type" }),
        );
    }
    if let Some((status, body)) = fake.scripted() {
        fake.record(received);
        return reply(status, body);
    }
    received.accepted = true;
    fake.record(received);
    reply(200, json!({ "errcode": 0, "errmsg": "ok" }))
}
