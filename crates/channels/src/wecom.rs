//! The WeCom (企业微信) group robot: a POST of `{"msgtype":"text","text":{"content",
//! "mentioned_mobile_list"}}` to `{base}/cgi-bin/webhook/send?key=KEY`, answered
//! `{"errcode":0,"errmsg":"ok"}` or an error code (93000 an invalid webhook, 45009 over the
//! robot's rate limit of 20 messages a minute).

use guanjia_domain::delivery::{Failure, Outcome};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::{Answer, transport_failure};

/// The robot's limit on a text message's content, in bytes of UTF-8.
const TEXT_BYTES: usize = 2048;

/// The body of a text message @-mentioning the group members with these phones (the robot
/// matches them to the members' mobiles).
pub(crate) fn text_message(content: &str, mentions: &[&str]) -> Value {
    let mut end = content.len().min(TEXT_BYTES);
    while !content.is_char_boundary(end) {
        end -= 1;
    }
    json!({
        "msgtype": "text",
        "text": {
            "content": &content[..end],
            "mentioned_mobile_list": mentions,
        }
    })
}

#[derive(Debug, Deserialize)]
struct Reply {
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// What the robot's answer means.
pub(crate) fn outcome(answer: Answer) -> Outcome {
    match serde_json::from_str::<Reply>(&answer.body) {
        Ok(Reply { errcode: 0, .. }) => Outcome::Sent { message_id: None },
        Ok(Reply { errcode, errmsg }) => {
            // 45009: too many messages this minute; -1: the system is busy.
            let rate_limited = errcode == 45009;
            let temporary = rate_limited || errcode == -1;
            Outcome::Failed(Failure {
                code: errcode.to_string(),
                reason: errmsg,
                permanent: !temporary,
                retry_after: rate_limited.then(|| chrono::Duration::minutes(1)),
            })
        }
        Err(_) => Outcome::Failed(transport_failure(&answer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_answers() {
        let answer = |body: &str| Answer {
            status: 200,
            body: body.to_owned(),
        };
        assert_eq!(
            outcome(answer(r#"{"errcode":0,"errmsg":"ok"}"#)),
            Outcome::Sent { message_id: None }
        );
        let Outcome::Failed(limited) = outcome(answer(
            r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#,
        )) else {
            panic!("a failure")
        };
        assert!(!limited.permanent);
        let Outcome::Failed(invalid) = outcome(answer(
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
        )) else {
            panic!("a failure")
        };
        assert!(invalid.permanent);
        assert_eq!(invalid.code, "93000");
    }

    #[test]
    fn long_texts_are_cut_on_a_character() {
        let long = "维".repeat(1000);
        let body = text_message(&long, &["13800000000", "13900000000"]);
        let content = body["text"]["content"].as_str().expect("content");
        assert!(content.len() <= TEXT_BYTES && content.chars().all(|c| c == '维'));
        assert_eq!(
            body["text"]["mentioned_mobile_list"],
            json!(["13800000000", "13900000000"])
        );
    }
}
