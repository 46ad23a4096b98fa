//! One event of a call as the phone system posts it (`POST /api/v1/calls/events`), and its checks.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::extension::check_extension;
use crate::code::code_enum;
use crate::phone::normalize_phone;
use crate::ticket::event_time;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError, is_http_url};

/// The longest call id kept (Asterisk's `1701234567.123`, a UUID, a cloud call centre's id).
pub const MAX_CALL_ID: usize = 64;
pub const MAX_RECORDING_URL: usize = 1000;
/// After-call work (话后处理): a ticket the agent opens for the caller this long after hanging up
/// still belongs to the call, as agents often finish the form once the caller is gone.
pub const AFTER_CALL_WORK: Duration = Duration::minutes(10);

code_enum! {
    /// What happened to the call.
    pub enum CallEventKind ("call event") {
        /// 振铃: the call rings at the agent's extension.
        Ringing = "ringing",
        /// 接通: the agent picked up.
        Answered = "answered",
        /// 挂断: the call is over; its recording may come with it.
        Ended = "ended",
    }
}

/// A call event as posted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallEventInput {
    /// The phone system's id of the call, the same on each of its events.
    pub call_id: String,
    /// ringing, answered or ended
    pub event: String,
    /// The caller's number, as the phone system shows it.
    pub caller: String,
    /// The agent's extension (分机号) the call rings or was answered at.
    pub extension: String,
    /// When it happened (RFC 3339): at most 30 days back, not in the future.
    pub at: String,
    /// Where the call's recording can be played (http or https), usually on `ended`.
    pub recording_url: Option<String>,
}

/// A checked call event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    pub call_id: String,
    pub kind: CallEventKind,
    /// A mainland number normalised (`13812345678`, `02112345678`), otherwise the digits as sent
    /// (a short service number, a number from abroad with its `+`).
    pub caller: String,
    pub extension: String,
    pub at: DateTime<Utc>,
    pub recording_url: Option<String>,
}

impl CallEventInput {
    /// Checks every field at once.
    pub fn validate(self, now: DateTime<Utc>) -> Result<CallEvent, ValidationError> {
        let mut p = Problems::new();
        let call_id = self.call_id.trim().to_owned();
        let id_rule = Allowed::Length {
            min: 1,
            max: MAX_CALL_ID,
        };
        if call_id.is_empty() {
            p.refuse("call_id", FieldErrorCode::Required, id_rule);
        } else if call_id.chars().count() > MAX_CALL_ID {
            p.refuse("call_id", FieldErrorCode::TooLong, id_rule);
        } else if call_id.chars().any(char::is_whitespace) {
            p.refuse("call_id", FieldErrorCode::Invalid, id_rule);
        }
        let kind = p.one_of("event", &self.event, CallEventKind::ALL);
        let caller = caller_number(&self.caller);
        if caller.is_none() {
            let code = if self.caller.trim().is_empty() {
                FieldErrorCode::Required
            } else {
                FieldErrorCode::Invalid
            };
            p.refuse("caller", code, Allowed::Phone);
        }
        let extension = self.extension.trim().to_owned();
        check_extension(&mut p, "extension", &extension);
        let at = event_time(&mut p, "at", &self.at, now);
        let recording_url = self
            .recording_url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        if let Some(url) = &recording_url {
            let rule = Allowed::HttpUrl {
                max: MAX_RECORDING_URL,
            };
            if url.chars().count() > MAX_RECORDING_URL {
                p.refuse("recording_url", FieldErrorCode::TooLong, rule);
            } else if !is_http_url(url) {
                p.refuse("recording_url", FieldErrorCode::Invalid, rule);
            }
        }
        p.into_result(())?;
        match (kind, caller, at) {
            (Some(kind), Some(caller), Some(at)) => Ok(CallEvent {
                call_id,
                kind,
                caller,
                extension,
                at,
                recording_url,
            }),
            // Each missing value recorded its problem above, so this is not reached.
            _ => Err(ValidationError::single("event", FieldErrorCode::Invalid)),
        }
    }
}

/// The caller's number as kept: normalised when it is a mainland number, else 3 to 20 digits
/// (a leading `+` kept); anything else is not a number.
fn caller_number(raw: &str) -> Option<String> {
    if let Some(phone) = normalize_phone(raw) {
        return Some(phone);
    }
    let raw = raw.trim();
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    ((3..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-06T12:00:00Z".parse().unwrap()
    }

    fn input(event: &str) -> CallEventInput {
        CallEventInput {
            call_id: "1765000000.42".into(),
            event: event.into(),
            caller: "+86 138-0013-8000".into(),
            extension: "8001".into(),
            at: "2026-12-06T19:59:00+08:00".into(),
            recording_url: None,
        }
    }

    #[test]
    fn an_event_is_checked_and_the_number_normalised() {
        let e = input("ringing").validate(now()).unwrap();
        assert_eq!(e.kind, CallEventKind::Ringing);
        assert_eq!(e.caller, "13800138000");
        assert_eq!(
            e.at,
            "2026-12-06T11:59:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let short = CallEventInput {
            caller: "95588".into(),
            ..input("ringing")
        };
        assert_eq!(short.validate(now()).unwrap().caller, "95588");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CallEventInput {
            call_id: "a b".into(),
            event: "hold".into(),
            caller: "anonymous".into(),
            extension: "80 01".into(),
            at: "2026-12-07T12:00:00Z".into(),
            recording_url: Some("ftp://pbx/rec.wav".into()),
        };
        let err = bad.validate(now()).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("call_id", FieldErrorCode::Invalid),
                ("event", FieldErrorCode::Invalid),
                ("caller", FieldErrorCode::Invalid),
                ("extension", FieldErrorCode::Invalid),
                ("at", FieldErrorCode::InFuture),
                ("recording_url", FieldErrorCode::Invalid),
            ]
        );
        let empty = CallEventInput {
            call_id: " ".into(),
            caller: "".into(),
            extension: "".into(),
            at: "soon".into(),
            ..input("ended")
        };
        let codes: Vec<_> = empty
            .validate(now())
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                FieldErrorCode::Required,
                FieldErrorCode::Required,
                FieldErrorCode::Required,
                FieldErrorCode::Invalid
            ]
        );
    }

    #[test]
    fn recordings_are_web_addresses() {
        assert!(is_http_url("https://pbx.example.com/rec/1.mp3"));
        assert!(is_http_url("http://10.0.0.5:8080/r?id=1"));
        assert!(!is_http_url("https:///nohost"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("https://pbx/a b.mp3"));
    }
}
