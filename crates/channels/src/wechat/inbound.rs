//! What WeChat pushes to the callback (接收普通消息, 接收事件推送), read into typed values: text,
//! image, voice (with `Recognition`, WeChat's transcript, when the account turned it on), video,
//! location, link, and the events subscribe, unsubscribe, SCAN, LOCATION, CLICK and VIEW. A type
//! or event we do not know is kept by name, so the callback still answers it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::xml::{XmlError, read_fields};

/// One message or event pushed to an official account.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// The account's original id (`gh_…`).
    pub to: String,
    /// The sender's openid on this account.
    pub from: String,
    pub created_at: DateTime<Utc>,
    /// WeChat's id of a message (events have none).
    pub msg_id: Option<String>,
    pub body: InboundBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InboundBody {
    Text {
        content: String,
    },
    Image {
        pic_url: String,
        media_id: String,
    },
    Voice {
        media_id: String,
        /// amr, speex…
        format: String,
        /// WeChat's speech recognition of it, when the account has it on.
        recognition: Option<String>,
    },
    Video {
        media_id: String,
        thumb_media_id: String,
    },
    Location {
        latitude: f64,
        longitude: f64,
        label: String,
    },
    Link {
        title: String,
        description: String,
        url: String,
    },
    Event(Event),
    /// A message type this version does not read (`file`, a new one): answered, not stored.
    Other {
        msg_type: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Followed the account; from a parametric QR code, its scene (`qrscene_` removed).
    Subscribe {
        scene: Option<String>,
    },
    Unsubscribe,
    /// A follower scanned a parametric QR code.
    Scan {
        scene: String,
    },
    /// The follower's position, reported when they open the account (if allowed).
    Location {
        latitude: f64,
        longitude: f64,
        precision: Option<f64>,
    },
    /// A menu item of type click, by its key.
    Click {
        key: String,
    },
    /// A menu item that opens a page, by its URL.
    View {
        url: String,
    },
    Other {
        name: String,
    },
}

/// Why a pushed body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundError {
    Xml(XmlError),
    /// A field the message type requires is missing (its WeChat name).
    Missing(&'static str),
    /// A field is not what its type says (its WeChat name).
    Invalid(&'static str),
}

impl std::fmt::Display for InboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InboundError::Xml(e) => e.fmt(f),
            InboundError::Missing(field) => write!(f, "the message has no {field}"),
            InboundError::Invalid(field) => write!(f, "the message's {field} is not valid"),
        }
    }
}

impl std::error::Error for InboundError {}

impl Inbound {
    /// Reads a decrypted (or plaintext) pushed body.
    pub fn parse(xml: &str) -> Result<Inbound, InboundError> {
        let f = Fields(read_fields(xml).map_err(InboundError::Xml)?);
        let seconds: i64 = f.number("CreateTime")?;
        let created_at =
            DateTime::from_timestamp(seconds, 0).ok_or(InboundError::Invalid("CreateTime"))?;
        let msg_type = f.required("MsgType")?;
        let body = match msg_type.as_str() {
            "text" => InboundBody::Text {
                content: f.required("Content")?,
            },
            "image" => InboundBody::Image {
                pic_url: f.optional("PicUrl").unwrap_or_default(),
                media_id: f.required("MediaId")?,
            },
            "voice" => InboundBody::Voice {
                media_id: f.required("MediaId")?,
                format: f.optional("Format").unwrap_or_default(),
                recognition: f.optional("Recognition").filter(|r| !r.trim().is_empty()),
            },
            "video" | "shortvideo" => InboundBody::Video {
                media_id: f.required("MediaId")?,
                thumb_media_id: f.optional("ThumbMediaId").unwrap_or_default(),
            },
            "location" => InboundBody::Location {
                latitude: f.number("Location_X")?,
                longitude: f.number("Location_Y")?,
                label: f.optional("Label").unwrap_or_default(),
            },
            "link" => InboundBody::Link {
                title: f.optional("Title").unwrap_or_default(),
                description: f.optional("Description").unwrap_or_default(),
                url: f.required("Url")?,
            },
            "event" => InboundBody::Event(event(&f)?),
            _ => InboundBody::Other { msg_type },
        };
        Ok(Inbound {
            to: f.required("ToUserName")?,
            from: f.required("FromUserName")?,
            created_at,
            msg_id: f.optional("MsgId").filter(|id| !id.is_empty()),
            body,
        })
    }

    /// What makes this push unique across WeChat's retries: the MsgId of a message; for an
    /// event, which has none, the sender and the second it was made (as WeChat advises).
    pub fn dedupe_key(&self) -> String {
        match &self.msg_id {
            Some(id) => id.clone(),
            None => format!("{}:{}", self.from, self.created_at.timestamp()),
        }
    }
}

fn event(f: &Fields) -> Result<Event, InboundError> {
    let name = f.required("Event")?;
    let key = || f.optional("EventKey").unwrap_or_default();
    Ok(match name.as_str() {
        "subscribe" => Event::Subscribe {
            scene: f
                .optional("EventKey")
                .map(|k| k.strip_prefix("qrscene_").unwrap_or(&k).to_owned())
                .filter(|k| !k.is_empty()),
        },
        "unsubscribe" => Event::Unsubscribe,
        "SCAN" => Event::Scan { scene: key() },
        "LOCATION" => Event::Location {
            latitude: f.number("Latitude")?,
            longitude: f.number("Longitude")?,
            precision: f.optional("Precision").and_then(|p| p.trim().parse().ok()),
        },
        "CLICK" => Event::Click { key: key() },
        "VIEW" => Event::View { url: key() },
        _ => Event::Other { name },
    })
}

struct Fields(BTreeMap<String, String>);

impl Fields {
    fn optional(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }

    fn required(&self, name: &'static str) -> Result<String, InboundError> {
        self.optional(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or(InboundError::Missing(name))
    }

    fn number<T: std::str::FromStr>(&self, name: &'static str) -> Result<T, InboundError> {
        self.required(name)?
            .trim()
            .parse()
            .map_err(|_| InboundError::Invalid(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Inbound {
        Inbound::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml}"))
    }

    /// The examples of 接收普通消息.
    #[test]
    fn the_documented_messages() {
        let text = parse(
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>",
        );
        assert_eq!(text.to, "toUser");
        assert_eq!(text.from, "fromUser");
        assert_eq!(text.created_at.timestamp(), 1348831860);
        assert_eq!(text.msg_id.as_deref(), Some("1234567890123456"));
        assert_eq!(
            text.body,
            InboundBody::Text {
                content: "this is a test".into()
            }
        );

        let image = parse(
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[this is a url]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId></xml>",
        );
        assert_eq!(
            image.body,
            InboundBody::Image {
                pic_url: "this is a url".into(),
                media_id: "media_id".into()
            }
        );

        let voice = parse(
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[Format]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123456</MsgId></xml>",
        );
        assert_eq!(
            voice.body,
            InboundBody::Voice {
                media_id: "media_id".into(),
                format: "Format".into(),
                recognition: Some("腾讯微信团队".into())
            }
        );

        let location = parse(
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId></xml>",
        );
        assert_eq!(
            location.body,
            InboundBody::Location {
                latitude: 23.134521,
                longitude: 113.358803,
                label: "位置信息".into()
            }
        );

        let link = parse(
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[link]]></MsgType><Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description><Url><![CDATA[url]]></Url><MsgId>1234567890123456</MsgId></xml>",
        );
        assert!(matches!(link.body, InboundBody::Link { ref url, .. } if url == "url"));
    }

    /// The examples of 接收事件推送.
    #[test]
    fn the_documented_events() {
        let event = |inner: &str| {
            let xml = format!(
                "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType>{inner}</xml>"
            );
            let parsed = parse(&xml);
            assert_eq!(parsed.msg_id, None);
            assert_eq!(parsed.dedupe_key(), "FromUser:123456789");
            match parsed.body {
                InboundBody::Event(e) => e,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            event("<Event><![CDATA[subscribe]]></Event>"),
            Event::Subscribe { scene: None }
        );
        assert_eq!(
            event(
                "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"
            ),
            Event::Subscribe {
                scene: Some("123123".into())
            }
        );
        assert_eq!(
            event("<Event><![CDATA[unsubscribe]]></Event>"),
            Event::Unsubscribe
        );
        assert_eq!(
            event(
                "<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"
            ),
            Event::Scan {
                scene: "SCENE_VALUE".into()
            }
        );
        assert_eq!(
            event(
                "<Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>"
            ),
            Event::Location {
                latitude: 23.137466,
                longitude: 113.352425,
                precision: Some(119.38504)
            }
        );
        assert_eq!(
            event("<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[EVENTKEY]]></EventKey>"),
            Event::Click {
                key: "EVENTKEY".into()
            }
        );
        assert_eq!(
            event("<Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[www.qq.com]]></EventKey>"),
            Event::View {
                url: "www.qq.com".into()
            }
        );
        assert_eq!(
            event("<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>"),
            Event::Other {
                name: "TEMPLATESENDJOBFINISH".into()
            }
        );
    }

    #[test]
    fn a_voice_without_recognition_and_an_unknown_type() {
        let voice = parse(
            "<xml><ToUserName>t</ToUserName><FromUserName>f</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[]]></Recognition><MsgId>9</MsgId></xml>",
        );
        assert!(matches!(
            voice.body,
            InboundBody::Voice {
                recognition: None,
                ..
            }
        ));
        let file = parse(
            "<xml><ToUserName>t</ToUserName><FromUserName>f</FromUserName><CreateTime>1</CreateTime><MsgType>file</MsgType><MsgId>9</MsgId></xml>",
        );
        assert_eq!(
            file.body,
            InboundBody::Other {
                msg_type: "file".into()
            }
        );
    }

    #[test]
    fn missing_and_bad_fields_are_named() {
        assert_eq!(
            Inbound::parse(
                "<xml><ToUserName>t</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"
            ),
            Err(InboundError::Missing("FromUserName"))
        );
        assert_eq!(
            Inbound::parse(
                "<xml><ToUserName>t</ToUserName><FromUserName>f</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"
            ),
            Err(InboundError::Invalid("CreateTime"))
        );
        assert_eq!(
            Inbound::parse(
                "<xml><ToUserName>t</ToUserName><FromUserName>f</FromUserName><CreateTime>1</CreateTime><MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y></xml>"
            ),
            Err(InboundError::Invalid("Location_X"))
        );
        assert!(matches!(
            Inbound::parse("<html/>"),
            Err(InboundError::Xml(_))
        ));
    }

    #[test]
    fn the_documented_encrypted_sample_reads_as_a_text() {
        use super::super::crypto::{AesKey, tests};
        let xml = AesKey::from_encoding_aes_key(tests::SAMPLE_KEY)
            .unwrap()
            .decrypt(tests::SAMPLE_ENCRYPT, tests::SAMPLE_APP_ID)
            .unwrap();
        let message = parse(&xml);
        assert!(matches!(message.body, InboundBody::Text { .. }));
        assert!(message.msg_id.is_some());
    }
}
