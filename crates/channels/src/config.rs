//! The delivery settings of `guanjia.toml` (`[delivery]`): which SMS provider sends, its keys,
//! sign name and templates per notification kind, the WeCom robots per project or team, quiet
//! hours and how often the worker looks. Keys are secrets: never printed, never answered by the
//! API.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use guanjia_domain::delivery::QuietHours;
use guanjia_domain::notice::NoticeKind;
use serde::{Deserialize, Serialize};

/// A key or secret from the configuration: shown as `***` in any debug output.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsProvider {
    Aliyun,
    Tencent,
}

impl SmsProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsProvider::Aliyun => "aliyun",
            SmsProvider::Tencent => "tencent",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    /// `aliyun` or `tencent`; none: no SMS (a demo writes sign-in codes to the log instead).
    pub sms_provider: Option<SmsProvider>,
    pub aliyun: Option<AliyunConfig>,
    pub tencent: Option<TencentConfig>,
    /// The SMS template of each notification kind (`sign_in_code`, `rating_link`, …); a kind
    /// without one is not sent by SMS.
    pub templates: BTreeMap<String, TemplateConfig>,
    pub wecom: WecomConfig,
    /// WeChat's API for the official accounts (registered through the API, not here).
    pub wechat: WechatConfig,
    /// Where residents open links (rating links, surveys): `https://kefu.example.com`.
    pub public_url: Option<String>,
    /// Quiet hours for residents, local time of each project: `22:00` to `08:00`.
    pub quiet_start: String,
    pub quiet_end: String,
    /// How often the worker looks for due deliveries when nothing wakes it, in milliseconds.
    pub poll_millis: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            sms_provider: None,
            aliyun: None,
            tencent: None,
            templates: BTreeMap::new(),
            wecom: WecomConfig::default(),
            wechat: WechatConfig::default(),
            public_url: None,
            quiet_start: "22:00".into(),
            quiet_end: "08:00".into(),
            poll_millis: 1000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliyunConfig {
    /// `https://dysmsapi.aliyuncs.com`.
    pub endpoint: String,
    pub access_key_id: String,
    pub access_key_secret: Secret,
    /// The approved sign name (短信签名), e.g. `锦程物业`.
    pub sign_name: String,
    #[serde(default = "aliyun_region")]
    pub region: String,
}

fn aliyun_region() -> String {
    "cn-hangzhou".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentConfig {
    /// `https://sms.tencentcloudapi.com`.
    pub endpoint: String,
    pub secret_id: String,
    pub secret_key: Secret,
    /// The SMS application's SdkAppId (`1400…`).
    pub sms_sdk_app_id: String,
    pub sign_name: String,
    #[serde(default = "tencent_region")]
    pub region: String,
}

fn tencent_region() -> String {
    "ap-guangzhou".into()
}

/// An approved SMS template and the facts that fill it, in order: the names of the
/// notification's details (`code`, `ticket_number`), or `link` for the resident's link.
/// Alibaba Cloud receives them as a JSON object by these names, Tencent Cloud as a list in
/// this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateConfig {
    pub id: String,
    #[serde(default)]
    pub params: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WecomConfig {
    /// `https://qyapi.weixin.qq.com`.
    pub base_url: String,
    pub robots: Vec<Robot>,
}

impl Default for WecomConfig {
    fn default() -> Self {
        WecomConfig {
            base_url: "https://qyapi.weixin.qq.com".into(),
            robots: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WechatConfig {
    /// `https://api.weixin.qq.com`.
    pub base_url: String,
}

impl Default for WechatConfig {
    fn default() -> Self {
        WechatConfig {
            base_url: crate::wechat::DEFAULT_BASE_URL.into(),
        }
    }
}

/// A group robot of a project (by its code) or of a team (by its id): the key of its webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Robot {
    pub project: Option<String>,
    pub team: Option<String>,
    pub key: Secret,
}

impl Robot {
    /// How deliveries name it: `team:ID` or `project:CODE`.
    pub fn name(&self) -> Option<String> {
        match (&self.team, &self.project) {
            (Some(team), _) => Some(format!("team:{team}")),
            (None, Some(project)) => Some(format!("project:{project}")),
            (None, None) => None,
        }
    }
}

impl DeliveryConfig {
    /// Quiet hours as the rules take them.
    pub fn quiet_hours(&self) -> Result<QuietHours, String> {
        let time = |field: &str, value: &str| {
            NaiveTime::parse_from_str(value, "%H:%M")
                .map_err(|_| format!("delivery.{field} {value:?} is not a time like 22:00"))
        };
        Ok(QuietHours {
            start: time("quiet_start", &self.quiet_start)?,
            end: time("quiet_end", &self.quiet_end)?,
        })
    }

    /// Refuses settings that cannot work, naming them.
    pub fn check(&self) -> Result<(), String> {
        self.quiet_hours()?;
        match self.sms_provider {
            Some(SmsProvider::Aliyun) if self.aliyun.is_none() => {
                return Err(
                    "delivery.sms_provider is aliyun but [delivery.aliyun] is missing".into(),
                );
            }
            Some(SmsProvider::Tencent) if self.tencent.is_none() => {
                return Err(
                    "delivery.sms_provider is tencent but [delivery.tencent] is missing".into(),
                );
            }
            _ => {}
        }
        if let Some(kind) = self
            .templates
            .keys()
            .find(|k| k.parse::<NoticeKind>().is_err())
        {
            return Err(format!(
                "delivery.templates.{kind} is not a notification kind"
            ));
        }
        if let Some(i) = self.wecom.robots.iter().position(|r| r.name().is_none()) {
            return Err(format!(
                "delivery.wecom.robots[{i}] needs a project (code) or a team (id)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let robot = Robot {
            project: Some("JC01".into()),
            team: None,
            key: Secret::new("693a91f6-7xxx"),
        };
        assert!(!format!("{robot:?}").contains("693a91f6"));
    }

    #[test]
    fn bad_settings_are_named() {
        let mut config = DeliveryConfig {
            sms_provider: Some(SmsProvider::Tencent),
            ..DeliveryConfig::default()
        };
        assert!(config.check().unwrap_err().contains("delivery.tencent"));
        config.sms_provider = None;
        config.quiet_start = "10pm".into();
        assert!(config.check().unwrap_err().contains("quiet_start"));
        config.quiet_start = "22:00".into();
        config.templates.insert(
            "sign_in".into(),
            TemplateConfig {
                id: "SMS_1".into(),
                params: vec![],
            },
        );
        assert!(config.check().unwrap_err().contains("templates.sign_in"));
    }
}
