//! The passive reply (被动回复用户消息): the callback's answer to a message, shown to the sender
//! at once. Only a text reply is written here; `success` (or an empty body) answers nothing.

use chrono::{DateTime, Utc};

use super::xml::{Value, write_fields};

/// What WeChat takes for "received, no reply".
pub const SUCCESS: &str = "success";

/// A text reply to `inbound_from` (the follower's openid) from the account `account` (its
/// `gh_…` id, the inbound message's `ToUserName`).
pub fn text_reply(inbound_from: &str, account: &str, at: DateTime<Utc>, content: &str) -> String {
    write_fields(&[
        ("ToUserName", Value::Text(inbound_from)),
        ("FromUserName", Value::Text(account)),
        ("CreateTime", Value::Number(at.timestamp())),
        ("MsgType", Value::Text("text")),
        ("Content", Value::Text(content)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::inbound::{Inbound, InboundBody};

    #[test]
    fn a_text_reply_has_the_documented_fields() {
        let at = DateTime::from_timestamp(12345678, 0).unwrap();
        let xml = text_reply("toUser", "fromUser", at, "你好");
        assert_eq!(
            xml,
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>12345678</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>"
        );
        let back = Inbound::parse(&xml).unwrap();
        assert_eq!(
            back.body,
            InboundBody::Text {
                content: "你好".into()
            }
        );
    }
}
