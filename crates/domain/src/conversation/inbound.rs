//! A message as a channel receives it, before anything is known of who sent it: the one input
//! of receiving, whatever the channel (the H5 chat, a WeChat callback, a mailbox).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::contact::ContactPoint;
use crate::code::code_enum;
use crate::taxonomy::Channel;
use crate::validation::{
    Allowed, FieldErrorCode, Problems, ValidationError, has_control_characters,
};

/// The longest text kept of one message; longer ones (a long e-mail) are cut, not refused:
/// what a provider delivered is never lost for being long.
pub const MAX_TEXT: usize = 4000;
/// The longest external id, media id, menu key or header kept.
pub const MAX_ID: usize = 200;
/// The most Message-IDs of a thread kept (the newest, where a mail names more).
pub const MAX_REFERENCES: usize = 20;
/// How far ahead of our clock a sender's time may be (clocks drift); later ones are taken as now.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// One message received on a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub channel: Channel,
    /// The channel's own id of the message (WeChat's `MsgId`, an e-mail's Message-ID): a
    /// repeated delivery of it is stored once. None where the channel has none (our H5 chat).
    pub external_id: Option<String>,
    /// Who sent it, as the channel knows them.
    pub sender: ContactPoint,
    pub project: ProjectHint,
    /// When the sender sent it, by the channel's clock.
    pub sent_at: DateTime<Utc>,
    pub body: Body,
    /// What an e-mail says of the thread it belongs to.
    pub thread: Option<ThreadHints>,
}

/// Which project a message is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectHint {
    /// The channel belongs to one project (a project's official account, the chat the
    /// resident opened from their home's page).
    Given(String),
    /// The sender's: the project of the resident the contact point belongs to, if known.
    OfSender,
}

/// What a message says or carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Text(String),
    /// A picture, by URL or by the channel's media id.
    Image {
        url: Option<String>,
        media_id: Option<String>,
    },
    /// A voice message, with the channel's transcript when it gives one (WeChat `Recognition`).
    Voice {
        media_id: String,
        transcript: Option<String>,
    },
    Location {
        lat: f64,
        lon: f64,
        label: Option<String>,
    },
    /// Not a message but something the sender did.
    Event(Event),
}

/// Something a sender did on the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Followed the official account (关注).
    Subscribe,
    /// Unfollowed it (取消关注): no message can reach them there any more.
    Unsubscribe,
    /// Tapped a menu entry, by its key.
    MenuClick { key: String },
    /// A machine answered for them (an e-mail out-of-office reply): kept, never answered.
    AutoReply,
    /// A mail to them could not be delivered (a bounce): kept, never answered.
    Bounce,
}

code_enum! {
    /// The form of a stored message.
    pub enum BodyKind ("message kind") {
        Text = "text",
        Image = "image",
        Voice = "voice",
        Location = "location",
        Event = "event",
    }
}

/// What an e-mail's headers say of its thread.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadHints {
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// The thread's earlier Message-IDs, oldest first.
    pub references: Vec<String>,
    pub subject: Option<String>,
}

/// What a stored message carries besides its text, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Attachment {
    Image {
        url: Option<String>,
        media_id: Option<String>,
    },
    Voice {
        media_id: String,
        transcript: Option<String>,
    },
    Location {
        lat: f64,
        lon: f64,
        label: Option<String>,
    },
    /// Files an e-mail carried, kept under the files directory; `left_out` names those too
    /// large to keep.
    Files {
        files: Vec<KeptFile>,
        left_out: Vec<String>,
    },
    /// Something the sender did: `subscribe`, `unsubscribe` or `menu_click` with its key; or
    /// a machine's mail for them: `auto_reply`, `bounce`.
    Event { event: String, key: Option<String> },
}

/// One file kept of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeptFile {
    pub id: String,
    /// As the sender named it.
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

impl Attachment {
    /// The files kept of the message (an e-mail's attachments, chat photos); none for the rest.
    pub fn kept_files(&self) -> &[KeptFile] {
        match self {
            Attachment::Files { files, .. } => files,
            _ => &[],
        }
    }
}

impl Body {
    pub fn kind(&self) -> BodyKind {
        match self {
            Body::Text(_) => BodyKind::Text,
            Body::Image { .. } => BodyKind::Image,
            Body::Voice { .. } => BodyKind::Voice,
            Body::Location { .. } => BodyKind::Location,
            Body::Event(_) => BodyKind::Event,
        }
    }

    /// The words a person reads (and message understanding analyses): the text, a voice
    /// message's transcript, a location's label.
    pub fn text(&self) -> Option<&str> {
        match self {
            Body::Text(t) => Some(t),
            Body::Voice { transcript, .. } => transcript.as_deref(),
            Body::Location { label, .. } => label.as_deref(),
            Body::Image { .. } | Body::Event(_) => None,
        }
    }

    /// What is kept beside the text.
    pub fn attachment(&self) -> Option<Attachment> {
        Some(match self.clone() {
            Body::Text(_) => return None,
            Body::Image { url, media_id } => Attachment::Image { url, media_id },
            Body::Voice {
                media_id,
                transcript,
            } => Attachment::Voice {
                media_id,
                transcript,
            },
            Body::Location { lat, lon, label } => Attachment::Location { lat, lon, label },
            Body::Event(e) => {
                let (event, key) = match e {
                    Event::Subscribe => ("subscribe", None),
                    Event::Unsubscribe => ("unsubscribe", None),
                    Event::MenuClick { key } => ("menu_click", Some(key)),
                    Event::AutoReply => ("auto_reply", None),
                    Event::Bounce => ("bounce", None),
                };
                Attachment::Event {
                    event: event.to_owned(),
                    key,
                }
            }
        })
    }

    pub fn is_event(&self) -> bool {
        matches!(self, Body::Event(_))
    }
}

impl InboundMessage {
    /// Checks what a channel delivered and makes it safe to keep: ids and texts bounded and
    /// free of control characters (refused, naming the field), an over-long text cut to
    /// [`MAX_TEXT`], a sender's clock ahead of ours taken as `now`.
    pub fn checked(mut self, now: DateTime<Utc>) -> Result<InboundMessage, ValidationError> {
        let mut p = Problems::new();
        let id = |p: &mut Problems, field: &str, value: Option<&str>| {
            if let Some(v) = value {
                if v.trim().is_empty() {
                    p.add(field, FieldErrorCode::Required);
                } else if has_control_characters(v) {
                    p.add(field, FieldErrorCode::ControlCharacters);
                }
                p.optional_text(field, Some(v), MAX_ID);
            }
        };
        id(&mut p, "external_id", self.external_id.as_deref());
        match &mut self.body {
            Body::Text(text) => {
                if text.trim().is_empty() {
                    p.refuse(
                        "text",
                        FieldErrorCode::Required,
                        Allowed::Length {
                            min: 1,
                            max: MAX_TEXT,
                        },
                    );
                }
                cut(text);
            }
            Body::Image { url, media_id } => {
                if url.is_none() && media_id.is_none() {
                    p.add("media_id", FieldErrorCode::Required);
                }
                id(&mut p, "media_id", media_id.as_deref());
                if let Some(u) = url {
                    p.optional_text("url", Some(u), 2000);
                    if has_control_characters(u) {
                        p.add("url", FieldErrorCode::ControlCharacters);
                    }
                }
            }
            Body::Voice {
                media_id,
                transcript,
            } => {
                id(&mut p, "media_id", Some(media_id));
                if let Some(t) = transcript {
                    cut(t);
                }
            }
            Body::Location { lat, lon, label } => {
                if !(-90.0..=90.0).contains(lat) {
                    p.add("lat", FieldErrorCode::OutOfRange);
                }
                if !(-180.0..=180.0).contains(lon) {
                    p.add("lon", FieldErrorCode::OutOfRange);
                }
                if let Some(l) = label {
                    cut(l);
                }
            }
            Body::Event(Event::MenuClick { key }) => id(&mut p, "key", Some(key)),
            Body::Event(
                Event::Subscribe | Event::Unsubscribe | Event::AutoReply | Event::Bounce,
            ) => {}
        }
        if let Some(hints) = &self.thread {
            for (field, value) in [
                ("message_id", &hints.message_id),
                ("in_reply_to", &hints.in_reply_to),
                ("subject", &hints.subject),
            ] {
                id(&mut p, field, value.as_deref());
            }
            if hints.references.len() > MAX_REFERENCES {
                p.add("references", FieldErrorCode::TooLong);
            }
            for r in &hints.references {
                id(&mut p, "references", Some(r));
            }
        }
        for text in [self.body.text()].into_iter().flatten() {
            if has_control_characters(text) {
                p.add("text", FieldErrorCode::ControlCharacters);
            }
        }
        if self.sent_at > now + CLOCK_SKEW {
            self.sent_at = now;
        }
        p.into_result(self)
    }
}

/// Cuts a text to [`MAX_TEXT`] characters.
fn cut(text: &mut String) {
    if let Some((at, _)) = text.char_indices().nth(MAX_TEXT) {
        text.truncate(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::ContactKind;

    fn now() -> DateTime<Utc> {
        "2026-03-02T02:00:00Z".parse().unwrap()
    }

    fn message(body: Body) -> InboundMessage {
        InboundMessage {
            channel: Channel::Wechat,
            external_id: Some("23942394239".into()),
            sender: ContactPoint::new("sender", ContactKind::Wechat, Some("gh_1"), "oAbc").unwrap(),
            project: ProjectHint::OfSender,
            sent_at: now(),
            body,
            thread: None,
        }
    }

    #[test]
    fn a_voice_message_reads_as_its_transcript_and_keeps_its_media() {
        let body = Body::Voice {
            media_id: "m1".into(),
            transcript: Some("电梯坏了".into()),
        };
        assert_eq!(body.text(), Some("电梯坏了"));
        assert_eq!(body.kind(), BodyKind::Voice);
        assert!(matches!(body.attachment(), Some(Attachment::Voice { .. })));
        assert_eq!(Body::Text("你好".into()).attachment(), None);
    }

    #[test]
    fn long_texts_are_cut_and_future_times_taken_as_now() {
        let mut m = message(Body::Text("漏".repeat(MAX_TEXT + 10)));
        m.sent_at = now() + Duration::hours(2);
        let m = m.checked(now()).unwrap();
        assert_eq!(m.body.text().unwrap().chars().count(), MAX_TEXT);
        assert_eq!(m.sent_at, now());
    }

    #[test]
    fn bad_input_names_its_field() {
        let err = message(Body::Text("  ".into())).checked(now()).unwrap_err();
        assert_eq!(err.0[0].field, "text");
        let err = message(Body::Location {
            lat: 91.0,
            lon: 0.0,
            label: None,
        })
        .checked(now())
        .unwrap_err();
        assert_eq!(err.0[0].field, "lat");
        let mut m = message(Body::Text("hi".into()));
        m.external_id = Some("a\0b".into());
        let err = m.checked(now()).unwrap_err();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].code),
            ("external_id", FieldErrorCode::ControlCharacters)
        );
        let err = message(Body::Image {
            url: None,
            media_id: None,
        })
        .checked(now())
        .unwrap_err();
        assert_eq!(err.0[0].field, "media_id");
    }
}
