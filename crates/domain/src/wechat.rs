//! A WeChat official account (公众号) as an admin registers it: its credentials as WeChat's
//! developer console shows them, and the template message each notification kind is sent with.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::delivery::{Backoff, Failure, Next, after_failure};
use crate::notice::NoticeKind;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Longest account name.
pub const MAX_NAME: usize = 100;
/// A Token is 3 to 32 letters and digits (WeChat's console says so).
const TOKEN: Allowed = Allowed::Alphanumeric { min: 3, max: 32 };
/// An EncodingAESKey is exactly 43 letters and digits.
const ENCODING_AES_KEY: Allowed = Allowed::Alphanumeric { min: 43, max: 43 };
/// An AppSecret is 32 hex digits today; a little room either side.
const APP_SECRET: Allowed = Allowed::Alphanumeric { min: 16, max: 64 };
/// A template id (`ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY`).
const TEMPLATE_ID: Allowed = Allowed::Code { min: 1, max: 64 };
/// A template's keys (`first`, `keyword1`, `thing2`) and the facts named in them.
const TEMPLATE_KEY: Allowed = Allowed::Code { min: 1, max: 32 };

/// The template message of one notification kind: WeChat's template id, and for each of the
/// template's keys the fact that fills it: a detail of the notification by name
/// (`ticket_number`), `message` for the whole notification in zh-CN, `time` for when it was
/// written, `link` for the resident's link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateSetting {
    pub template_id: String,
    pub fields: BTreeMap<String, String>,
}

/// An account as an admin registers it (`POST /api/v1/channels/wechat`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WechatAccountInput {
    pub name: String,
    /// `wx` and 16 hex digits (开发者ID AppID).
    pub app_id: String,
    /// 开发者密码 AppSecret: fetches the access token. Never answered back.
    pub app_secret: String,
    /// The Token entered in 服务器配置: signs each call to the callback. Never answered back.
    pub token: String,
    /// 43 letters and digits; needed for safe (encrypted) mode. Never answered back.
    pub encoding_aes_key: Option<String>,
    /// The project whose residents follow it; none: the whole company.
    pub project_id: Option<String>,
    /// The template message of each notification kind (by its code); a kind without one is not
    /// sent on WeChat.
    pub templates: Option<BTreeMap<String, TemplateSetting>>,
}

/// A change to an account (`PUT /api/v1/channels/wechat/{id}`): a secret left out is kept;
/// an empty `encoding_aes_key` removes it (plaintext mode).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WechatAccountChange {
    pub name: String,
    pub app_id: String,
    pub app_secret: Option<String>,
    pub token: Option<String>,
    pub encoding_aes_key: Option<String>,
    pub project_id: Option<String>,
    /// Replaces every template when given.
    pub templates: Option<BTreeMap<String, TemplateSetting>>,
}

/// A secret's fate in a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretChange {
    Keep,
    Set(String),
    Remove,
}

/// An account input that passed every rule needing no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWechatAccount {
    pub name: String,
    pub app_id: String,
    pub project_id: Option<String>,
    pub app_secret: SecretChange,
    pub token: SecretChange,
    pub encoding_aes_key: SecretChange,
    /// None: keep the current ones.
    pub templates: Option<BTreeMap<NoticeKind, TemplateSetting>>,
}

impl WechatAccountInput {
    pub fn validate(self) -> Result<NewWechatAccount, ValidationError> {
        WechatAccountChange {
            name: self.name,
            app_id: self.app_id,
            app_secret: Some(self.app_secret),
            token: Some(self.token),
            encoding_aes_key: self.encoding_aes_key.filter(|k| !k.trim().is_empty()),
            project_id: self.project_id,
            templates: Some(self.templates.unwrap_or_default()),
        }
        .validate()
    }
}

impl WechatAccountChange {
    pub fn validate(self) -> Result<NewWechatAccount, ValidationError> {
        let mut p = Problems::new();
        let name = self.name.trim().to_owned();
        p.text("name", &name, MAX_NAME);
        let app_id = self.app_id.trim().to_owned();
        if !is_app_id(&app_id) {
            let code = if app_id.is_empty() {
                FieldErrorCode::Required
            } else {
                FieldErrorCode::Invalid
            };
            p.refuse("app_id", code, Allowed::WechatAppId);
        }
        let project_id = self
            .project_id
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        p.optional_text("project_id", project_id.as_deref(), 64);
        let app_secret = secret(&mut p, "app_secret", self.app_secret, APP_SECRET);
        let token = secret(&mut p, "token", self.token, TOKEN);
        let encoding_aes_key = match self.encoding_aes_key.map(|k| k.trim().to_owned()) {
            Some(k) if k.is_empty() => SecretChange::Remove,
            other => secret(&mut p, "encoding_aes_key", other, ENCODING_AES_KEY),
        };
        let templates = self.templates.map(|t| templates(&mut p, t));
        p.into_result(NewWechatAccount {
            name,
            app_id,
            project_id,
            app_secret,
            token,
            encoding_aes_key,
            templates,
        })
    }
}

/// Whether `value` is an AppID: `wx` and 16 lowercase hex digits.
pub fn is_app_id(value: &str) -> bool {
    value.len() == 18
        && value.starts_with("wx")
        && value[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn secret(p: &mut Problems, field: &str, value: Option<String>, rule: Allowed) -> SecretChange {
    let Some(value) = value.map(|v| v.trim().to_owned()) else {
        return SecretChange::Keep;
    };
    let Allowed::Alphanumeric { min, max } = rule else {
        return SecretChange::Keep;
    };
    let len = value.chars().count();
    if value.is_empty() {
        p.refuse(field, FieldErrorCode::Required, rule);
    } else if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        p.refuse(field, FieldErrorCode::Invalid, rule);
    } else if len < min {
        p.refuse(field, FieldErrorCode::TooShort, rule);
    } else if len > max {
        p.refuse(field, FieldErrorCode::TooLong, rule);
    }
    SecretChange::Set(value)
}

fn is_code(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn templates(
    p: &mut Problems,
    given: BTreeMap<String, TemplateSetting>,
) -> BTreeMap<NoticeKind, TemplateSetting> {
    let mut out = BTreeMap::new();
    for (kind, setting) in given {
        let field = format!("templates.{kind}");
        let Some(kind) = p.one_of(&field, &kind, NoticeKind::ALL) else {
            continue;
        };
        let setting = TemplateSetting {
            template_id: setting.template_id.trim().to_owned(),
            fields: setting.fields,
        };
        if !is_code(&setting.template_id, 64) {
            p.refuse(
                format!("{field}.template_id"),
                FieldErrorCode::Invalid,
                TEMPLATE_ID,
            );
        }
        for (key, fact) in &setting.fields {
            if !is_code(key, 32) || !is_code(fact, 32) {
                p.refuse(
                    format!("{field}.fields.{key}"),
                    FieldErrorCode::Invalid,
                    TEMPLATE_KEY,
                );
            }
        }
        out.insert(kind, setting);
    }
    out
}

code_enum! {
    /// Where fetching a follower's picture or recording from WeChat stands.
    pub enum MediaFetchState ("media fetch state") {
        /// Waiting for its next attempt, or being fetched by the node holding its lease.
        Pending = "pending",
        /// Kept as the message's file.
        Fetched = "fetched",
        /// WeChat refused it for good (40007 invalid media_id), it was too large, or the
        /// attempts ran out; the reason is kept.
        Failed = "failed",
    }
}

/// How long WeChat keeps a temporary media file: retrying beyond it cannot help.
pub const MEDIA_KEPT_BY_WECHAT: Duration = Duration::days(3);

/// After attempt number `made` to fetch a media file received at `received` failed at `now`:
/// when to try again (the deliveries' growing wait), or give up when the failure is permanent,
/// the attempts are spent or WeChat will have dropped the file by then.
pub fn after_media_failure(
    failure: &Failure,
    made: u32,
    received: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Next {
    after_failure(
        failure,
        made,
        Backoff::default(),
        Some(received + MEDIA_KEPT_BY_WECHAT),
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> WechatAccountInput {
        WechatAccountInput {
            name: " 锦程物业服务号 ".into(),
            app_id: "wx2c2769f8efd9abc2".into(),
            app_secret: "0123456789abcdef0123456789abcdef".into(),
            token: "spamtest".into(),
            encoding_aes_key: Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into()),
            project_id: None,
            templates: Some(BTreeMap::from([(
                "rating_link".into(),
                TemplateSetting {
                    template_id: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY".into(),
                    fields: BTreeMap::from([("first".into(), "message".into())]),
                },
            )])),
        }
    }

    #[test]
    fn a_good_account_is_trimmed() {
        let account = input().validate().unwrap();
        assert_eq!(account.name, "锦程物业服务号");
        assert_eq!(account.token, SecretChange::Set("spamtest".into()));
        let templates = account.templates.unwrap();
        assert!(templates.contains_key(&NoticeKind::RatingLink));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = input();
        bad.app_id = "wx2C2769F8EFD9ABC".into();
        bad.token = "a b".into();
        bad.encoding_aes_key = Some("short".into());
        bad.app_secret = String::new();
        bad.templates = Some(BTreeMap::from([(
            "birthday".into(),
            TemplateSetting {
                template_id: "x".into(),
                fields: BTreeMap::new(),
            },
        )]));
        let err = bad.validate().unwrap_err();
        let fields: Vec<(&str, FieldErrorCode)> =
            err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("app_id", FieldErrorCode::Invalid),
                ("app_secret", FieldErrorCode::Required),
                ("token", FieldErrorCode::Invalid),
                ("encoding_aes_key", FieldErrorCode::TooShort),
                ("templates.birthday", FieldErrorCode::Invalid),
            ]
        );
        assert_eq!(err.0[0].allowed, Some(Allowed::WechatAppId));
    }

    #[test]
    fn a_change_keeps_what_it_leaves_out_and_can_remove_the_key() {
        let change = WechatAccountChange {
            name: "号".into(),
            app_id: "wx2c2769f8efd9abc2".into(),
            app_secret: None,
            token: None,
            encoding_aes_key: Some(String::new()),
            project_id: Some(" ".into()),
            templates: None,
        }
        .validate()
        .unwrap();
        assert_eq!(change.app_secret, SecretChange::Keep);
        assert_eq!(change.encoding_aes_key, SecretChange::Remove);
        assert_eq!(change.project_id, None);
        assert_eq!(change.templates, None);
    }

    #[test]
    fn app_ids() {
        assert!(is_app_id("wxb11529c136998cb6"));
        assert!(!is_app_id("wxb11529c136998cb"));
        assert!(!is_app_id("xxb11529c136998cb6"));
        assert!(!is_app_id("wxb11529c136998cg6"));
        assert!(!is_app_id("wx维11529c136998c"));
    }

    #[test]
    fn a_media_fetch_is_retried_while_wechat_keeps_the_file() {
        let received: DateTime<Utc> = "2026-03-02T02:00:00Z".parse().unwrap();
        let busy = Failure {
            code: "-1".into(),
            reason: "system error".into(),
            permanent: false,
            retry_after: None,
        };
        assert_eq!(
            after_media_failure(&busy, 1, received, received),
            Next::RetryAt(received + Duration::seconds(30))
        );
        let late = received + MEDIA_KEPT_BY_WECHAT - Duration::seconds(10);
        assert_eq!(after_media_failure(&busy, 2, received, late), Next::GiveUp);
        let invalid = Failure {
            code: "40007".into(),
            permanent: true,
            ..busy
        };
        assert_eq!(
            after_media_failure(&invalid, 1, received, received),
            Next::GiveUp
        );
    }
}
