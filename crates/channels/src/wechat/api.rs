//! The JSON of WeChat's server API that Guanjia calls, and what its answers mean:
//! `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=` →
//! `{"access_token","expires_in"}`; `POST /cgi-bin/message/custom/send?access_token=` (客服消息,
//! within 48 hours of the follower's last message) and `POST /cgi-bin/message/template/send?
//! access_token=` (模板消息) → `{"errcode":0,"errmsg":"ok"[,"msgid"]}`, or an error code.

use guanjia_domain::delivery::{Failure, Outcome};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::http::{Answer, transport_failure};

/// A customer-service text message's longest content WeChat takes, in bytes of UTF-8.
const CUSTOM_TEXT_BYTES: usize = 2048;

/// An access token as `/cgi-bin/token` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IssuedToken {
    pub access_token: String,
    /// Seconds it is valid (7200).
    pub expires_in: i64,
}

#[derive(Debug, Deserialize)]
struct ErrorAnswer {
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    msgid: Option<Value>,
}

/// What an API call's answer means for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Done; a template message's `msgid`.
    Done {
        msgid: Option<String>,
    },
    /// The access token was refused (40001 invalid, 40014 malformed, 42001 expired): fetch a new
    /// one and call again.
    TokenRejected {
        code: i64,
    },
    Failed(Failure),
}

/// Error codes that say the access token is no good.
const TOKEN_REJECTED: [i64; 3] = [40001, 40014, 42001];

/// Reads the token endpoint's answer.
pub fn token_answer(answer: &Answer) -> Result<IssuedToken, Failure> {
    if let Ok(token) = serde_json::from_str::<IssuedToken>(&answer.body) {
        return Ok(token);
    }
    match serde_json::from_str::<ErrorAnswer>(&answer.body) {
        Ok(e) => Err(failure(e.errcode, e.errmsg)),
        Err(_) => Err(transport_failure(answer)),
    }
}

/// Reads a send's answer.
pub fn send_answer(answer: &Answer) -> Reply {
    error_reply(answer).unwrap_or_else(|| Reply::Failed(transport_failure(answer)))
}

/// Reads a `{"errcode","errmsg"[,"msgid"]}` answer; None when the body is not one.
pub fn error_reply(answer: &Answer) -> Option<Reply> {
    let e = serde_json::from_str::<ErrorAnswer>(&answer.body).ok()?;
    Some(match e {
        ErrorAnswer {
            errcode: 0, msgid, ..
        } => Reply::Done {
            msgid: msgid.map(|id| match id {
                Value::String(s) => s,
                other => other.to_string(),
            }),
        },
        e if TOKEN_REJECTED.contains(&e.errcode) => Reply::TokenRejected { code: e.errcode },
        e => Reply::Failed(failure(e.errcode, e.errmsg)),
    })
}

impl Reply {
    /// The delivery outcome of a final reply (a rejected token once more after a refresh counts
    /// as a temporary failure).
    pub fn into_outcome(self) -> Outcome {
        match self {
            Reply::Done { msgid } => Outcome::Sent { message_id: msgid },
            Reply::TokenRejected { code } => Outcome::Failed(Failure {
                code: code.to_string(),
                reason: "the access token was refused again after a refresh".into(),
                permanent: false,
                retry_after: None,
            }),
            Reply::Failed(f) => Outcome::Failed(f),
        }
    }
}

/// A WeChat error code as a delivery failure: -1 (busy) and the rate limits are worth another
/// try; everything else (a bad openid 40003, an unsubscribed follower 43004, the 48-hour window
/// closed 45015, a bad template 40037, a wrong secret 40125, a server outside the IP allow-list
/// 40164…) will not change by trying again.
fn failure(code: i64, reason: String) -> Failure {
    // 45009: the day's quota of this API; 45011: the per-minute quota.
    let rate_limited = matches!(code, 45009 | 45011);
    Failure {
        code: code.to_string(),
        reason,
        permanent: !(code == -1 || rate_limited),
        retry_after: rate_limited.then(|| chrono::Duration::minutes(1)),
    }
}

/// The body of a customer-service text message.
pub fn custom_text(openid: &str, content: &str) -> Value {
    let mut end = content.len().min(CUSTOM_TEXT_BYTES);
    while !content.is_char_boundary(end) {
        end -= 1;
    }
    json!({ "touser": openid, "msgtype": "text", "text": { "content": &content[..end] } })
}

/// The body of a template message: each (key, value) becomes `"key": {"value": value}`;
/// `client_msg_id` makes WeChat send it once however often it is posted (for ten minutes).
pub fn template_message(
    openid: &str,
    template_id: &str,
    url: Option<&str>,
    data: &[(String, String)],
    client_msg_id: &str,
) -> Value {
    let data: Map<String, Value> = data
        .iter()
        .map(|(k, v)| (k.clone(), json!({ "value": v })))
        .collect();
    let mut body = json!({
        "touser": openid,
        "template_id": template_id,
        "data": data,
        "client_msg_id": client_msg_id,
    });
    if let Some(url) = url {
        body["url"] = json!(url);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Answer {
        Answer {
            status: 200,
            body: body.to_owned(),
        }
    }

    #[test]
    fn reads_the_token_and_its_errors() {
        assert_eq!(
            token_answer(&answer(
                r#"{"access_token":"ACCESS_TOKEN","expires_in":7200}"#
            )),
            Ok(IssuedToken {
                access_token: "ACCESS_TOKEN".into(),
                expires_in: 7200
            })
        );
        let err =
            token_answer(&answer(r#"{"errcode":40013,"errmsg":"invalid appid"}"#)).unwrap_err();
        assert_eq!(err.code, "40013");
        assert!(err.permanent);
        let busy = token_answer(&answer(r#"{"errcode":-1,"errmsg":"system error"}"#)).unwrap_err();
        assert!(!busy.permanent);
        let proxy = token_answer(&Answer {
            status: 502,
            body: "<html>bad gateway</html>".into(),
        })
        .unwrap_err();
        assert_eq!(proxy.code, "http_502");
    }

    #[test]
    fn reads_the_send_answers() {
        assert_eq!(
            send_answer(&answer(r#"{"errcode":0,"errmsg":"ok","msgid":200228332}"#)),
            Reply::Done {
                msgid: Some("200228332".into())
            }
        );
        assert_eq!(
            send_answer(&answer(r#"{"errcode":0,"errmsg":"ok"}"#)),
            Reply::Done { msgid: None }
        );
        for code in [40001, 40014, 42001] {
            assert_eq!(
                send_answer(&answer(&format!(r#"{{"errcode":{code},"errmsg":"x"}}"#))),
                Reply::TokenRejected { code }
            );
        }
        for (code, permanent) in [
            (-1, false),
            (45009, false),
            (40003, true),
            (43004, true),
            (45015, true),
            (40037, true),
        ] {
            let Reply::Failed(f) = send_answer(&answer(&format!(
                r#"{{"errcode":{code},"errmsg":"words"}}"#
            ))) else {
                panic!("{code} is a failure");
            };
            assert_eq!(
                (f.code.as_str(), f.permanent),
                (code.to_string().as_str(), permanent)
            );
            assert_eq!(f.reason, "words");
        }
    }

    #[test]
    fn the_documented_bodies() {
        assert_eq!(
            custom_text("OPENID", "Hello World"),
            json!({"touser":"OPENID","msgtype":"text","text":{"content":"Hello World"}})
        );
        let long = custom_text("o", &"修".repeat(1000));
        assert!(long["text"]["content"].as_str().unwrap().len() <= CUSTOM_TEXT_BYTES);
        assert_eq!(
            template_message(
                "OPENID",
                "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
                Some("http://weixin.qq.com/download"),
                &[("keyword1".into(), "巧克力".into())],
                "MSG_000001",
            ),
            json!({
                "touser": "OPENID",
                "template_id": "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
                "url": "http://weixin.qq.com/download",
                "data": {"keyword1": {"value": "巧克力"}},
                "client_msg_id": "MSG_000001",
            })
        );
    }
}
