//! Sending one message on one channel with the configured provider, answering what came of it.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use guanjia_domain::delivery::{Failure, Outcome};
use guanjia_domain::notice::NoticeKind;
use serde_json::{Map, Value};

use crate::config::{DeliveryConfig, Secret, SmsProvider, TemplateConfig};
use crate::email::{EmailConfig, Reply, send_reply};
use crate::http::exchange;
use crate::percent::pop_encode;
use crate::wechat::WechatClient;
use crate::{aliyun, tencent, wecom};

/// How long one call to a provider may take, connection included.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The providers of this installation, ready to send.
#[derive(Debug, Clone)]
pub struct Senders {
    config: DeliveryConfig,
    robots: HashMap<String, Secret>,
    http: reqwest::Client,
    /// The mailbox answers to e-mail leave from (`[email]`).
    email: Option<EmailConfig>,
    wechat: WechatClient,
}

impl Senders {
    pub fn new(config: DeliveryConfig) -> Result<Senders, String> {
        config.check()?;
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        let robots = config
            .wecom
            .robots
            .iter()
            .filter_map(|r| Some((r.name()?, r.key.clone())))
            .collect();
        let wechat = WechatClient::new(&config.wechat.base_url)?;
        Ok(Senders {
            config,
            robots,
            http,
            email: None,
            wechat,
        })
    }

    /// Sends answers to e-mail from this mailbox.
    pub fn with_email(mut self, email: Option<EmailConfig>) -> Result<Senders, String> {
        if let Some(e) = &email {
            e.check()?;
        }
        self.email = email;
        Ok(self)
    }

    /// The mailbox, if one is set up.
    pub fn email_config(&self) -> Option<&EmailConfig> {
        self.email.as_ref()
    }

    /// Sends an answer in an e-mail thread.
    pub async fn email(&self, reply: &Reply) -> Outcome {
        match &self.email {
            Some(config) => send_reply(config, reply).await,
            None => skipped("email_not_configured", "[email] is missing"),
        }
    }

    pub fn config(&self) -> &DeliveryConfig {
        &self.config
    }

    /// WeChat's API, for the official accounts.
    pub fn wechat(&self) -> &WechatClient {
        &self.wechat
    }

    /// The SMS provider, if one is set up.
    pub fn sms_provider(&self) -> Option<SmsProvider> {
        self.config.sms_provider
    }

    /// Sends a notification of `kind` by SMS to a mainland phone (national digits), filling the
    /// kind's template from `details`; `out_id` is ours for the provider's records.
    pub async fn sms(
        &self,
        phone: &str,
        kind: NoticeKind,
        details: &Value,
        out_id: &str,
    ) -> Outcome {
        let Some(provider) = self.config.sms_provider else {
            return skipped("sms_not_configured", "no SMS provider is configured");
        };
        let Some(template) = self.config.templates.get(kind.as_str()) else {
            return skipped(
                "no_template",
                &format!("no SMS template is configured for {kind}"),
            );
        };
        let values = self.fill(template, details);
        match provider {
            SmsProvider::Aliyun => self.aliyun(phone, template, &values, out_id).await,
            SmsProvider::Tencent => self.tencent(phone, template, &values, out_id).await,
        }
    }

    /// The webhook key of the robot named `robot` in guanjia.toml (`team:ID`, `project:CODE`).
    pub fn configured_robot_key(&self, robot: &str) -> Option<&str> {
        self.robots.get(robot).map(Secret::expose)
    }

    /// Posts `content` to the WeCom robot whose webhook key is `key`, mentioning the owners of
    /// `mentions` (phones).
    pub async fn robot(&self, key: &str, content: &str, mentions: &[&str]) -> Outcome {
        let url = format!(
            "{}/cgi-bin/webhook/send?key={}",
            self.config.wecom.base_url.trim_end_matches('/'),
            pop_encode(key)
        );
        let request = self
            .http
            .post(url)
            .json(&wecom::text_message(content, mentions));
        match exchange(request).await {
            Ok(answer) => wecom::outcome(answer),
            Err(failure) => Outcome::Failed(failure),
        }
    }

    /// The template's values in order: a detail by name, or the resident's link.
    fn fill(&self, template: &TemplateConfig, details: &Value) -> Vec<(String, String)> {
        template
            .params
            .iter()
            .map(|name| {
                let value = match (name.as_str(), &details[name.as_str()]) {
                    ("link", _) => format!(
                        "{}{}",
                        self.config
                            .public_url
                            .as_deref()
                            .unwrap_or("")
                            .trim_end_matches('/'),
                        details["path"].as_str().unwrap_or("")
                    ),
                    (_, Value::String(s)) => s.clone(),
                    (_, Value::Null) => String::new(),
                    (_, other) => other.to_string(),
                };
                (name.clone(), value)
            })
            .collect()
    }

    async fn aliyun(
        &self,
        phone: &str,
        template: &TemplateConfig,
        values: &[(String, String)],
        out_id: &str,
    ) -> Outcome {
        let Some(config) = &self.config.aliyun else {
            return skipped("sms_not_configured", "[delivery.aliyun] is missing");
        };
        let param: Map<String, Value> = values
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let body = aliyun::send_sms_body(
            config,
            phone,
            &template.id,
            &Value::Object(param).to_string(),
            out_id,
            &uuid::Uuid::now_v7().to_string(),
            Utc::now(),
        );
        let request = self
            .http
            .post(format!("{}/", config.endpoint.trim_end_matches('/')))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        match exchange(request).await {
            Ok(answer) => aliyun::outcome(answer),
            Err(failure) => Outcome::Failed(failure),
        }
    }

    async fn tencent(
        &self,
        phone: &str,
        template: &TemplateConfig,
        values: &[(String, String)],
        out_id: &str,
    ) -> Outcome {
        let Some(config) = &self.config.tencent else {
            return skipped("sms_not_configured", "[delivery.tencent] is missing");
        };
        let Some(host) = host_of(&config.endpoint) else {
            return Outcome::Failed(Failure {
                code: "bad_endpoint".into(),
                reason: format!("{} has no host", config.endpoint),
                permanent: true,
                retry_after: None,
            });
        };
        let payload = serde_json::json!({
            "PhoneNumberSet": [format!("+86{phone}")],
            "SmsSdkAppId": config.sms_sdk_app_id,
            "SignName": config.sign_name,
            "TemplateId": template.id,
            "TemplateParamSet": values.iter().map(|(_, v)| v).collect::<Vec<_>>(),
            "SessionContext": out_id,
        })
        .to_string();
        let timestamp = Utc::now().timestamp();
        let authorization = tencent::tc3_authorization(
            &config.secret_id,
            config.secret_key.expose(),
            "sms",
            &host,
            &payload,
            timestamp,
        );
        let request = self
            .http
            .post(format!("{}/", config.endpoint.trim_end_matches('/')))
            .header("authorization", authorization)
            .header("content-type", tencent::CONTENT_TYPE)
            .header("host", &host)
            .header("x-tc-action", "SendSms")
            .header("x-tc-timestamp", timestamp.to_string())
            .header("x-tc-version", "2021-01-11")
            .header("x-tc-region", &config.region)
            .body(payload);
        match exchange(request).await {
            Ok(answer) => tencent::outcome(answer),
            Err(failure) => Outcome::Failed(failure),
        }
    }
}

fn skipped(code: &str, reason: &str) -> Outcome {
    Outcome::Skipped {
        code: code.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The host (and port, when not the scheme's) of an endpoint URL, as the `Host` header says it.
fn host_of(endpoint: &str) -> Option<String> {
    let url = reqwest::Url::parse(endpoint).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}
