//! Configuration: defaults, then `guanjia.toml` (or `--config FILE`), then `GUANJIA_*` variables.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use guanjia_channels::DeliveryConfig;
use guanjia_channels::email::EmailConfig;
use serde::{Deserialize, Serialize};

/// The secret key of a demo that sets none: public, so a demo's sealed secrets protect nothing.
const DEMO_SECRET_KEY: &str = "guanjia-demo-secret-key-not-for-production";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on; port 0 picks a free one.
    pub listen: String,
    /// A follow-up rating below this reopens the ticket.
    pub satisfied_at_least: i64,
    /// A resolved ticket nobody rated closes this many days after resolve (complaints excepted).
    pub auto_close_days: u32,
    /// `tracing` filter, e.g. `info` or `guanjia=debug`.
    pub log: String,
    /// How often this node sweeps for due SLA warnings and escalations, in seconds.
    pub sla_sweep_seconds: u64,
    /// Where uploaded photos are kept (shared storage when several nodes serve).
    pub files_dir: String,
    /// Behind a reverse proxy that appends the client's address to `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// The MQTT broker IoT alarms arrive on, `mqtt://HOST[:PORT]`; none: no subscriber.
    pub mqtt_url: Option<String>,
    /// Topic filters to subscribe to (`$share/GROUP/…` for one delivery per group of nodes).
    pub mqtt_topics: Vec<String>,
    /// This node's client id (each node its own); none: a random one with a clean session.
    pub mqtt_client_id: Option<String>,
    pub mqtt_username: Option<String>,
    pub mqtt_password: Option<String>,
    /// The code of the company whose devices publish there; none: the installation's only one.
    pub mqtt_company: Option<String>,
    /// Device alarms are kept this many days, then removed by hourly housekeeping; 0: forever.
    pub alarm_retention_days: u32,
    /// Delivering notifications: the SMS provider, WeCom robots, quiet hours (`[delivery]`).
    pub delivery: DeliveryConfig,
    /// A mailbox residents write to (`[email]`): read by IMAP, answered by SMTP; none: no e-mail.
    pub email: Option<EmailConfig>,
    /// The passphrase (32 characters or more) stored secrets are sealed under; every node of an
    /// installation needs the same one.
    pub secret_key: Option<guanjia_channels::Secret>,
    /// Webhooks may target loopback and private addresses (tests, receivers inside the
    /// installation's own network); off, such targets are refused.
    pub webhook_allow_private: bool,
    /// How often each node looks for webhook deliveries that are due, in milliseconds.
    pub webhook_poll_millis: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/guanjia.db".into(),
            listen: "127.0.0.1:8080".into(),
            satisfied_at_least: 3,
            auto_close_days: 7,
            log: "info".into(),
            sla_sweep_seconds: 5,
            files_dir: guanjia_storage::DEFAULT_FILES_DIR.into(),
            behind_proxy: false,
            mqtt_url: None,
            mqtt_topics: vec!["guanjia/alarms/#".into()],
            mqtt_client_id: None,
            mqtt_username: None,
            mqtt_password: None,
            mqtt_company: None,
            alarm_retention_days: guanjia_web::DEFAULT_ALARM_RETENTION_DAYS,
            delivery: DeliveryConfig::default(),
            email: None,
            secret_key: None,
            webhook_allow_private: false,
            webhook_poll_millis: 200,
        }
    }
}

impl Config {
    /// Where to subscribe for IoT alarms, when a broker is configured.
    pub fn mqtt(&self) -> Option<guanjia_web::MqttSettings> {
        Some(guanjia_web::MqttSettings {
            url: self.mqtt_url.clone()?,
            topics: self.mqtt_topics.clone(),
            client_id: self.mqtt_client_id.clone(),
            username: self.mqtt_username.clone(),
            password: self.mqtt_password.clone(),
            company: self.mqtt_company.clone(),
        })
    }

    /// Reads the layers; `file` is `--config`, else `guanjia.toml` in the working directory if present.
    /// The key secrets are sealed under: the configured one; for a demo without one, a fixed
    /// key everybody can read in the source (a demo's secrets are not secret); else none.
    pub fn secret_key(&self, demo: bool) -> Result<Option<guanjia_storage::SecretKey>, String> {
        match (&self.secret_key, demo) {
            (Some(passphrase), _) => {
                guanjia_storage::SecretKey::from_passphrase(passphrase.expose()).map(Some)
            }
            (None, true) => guanjia_storage::SecretKey::from_passphrase(DEMO_SECRET_KEY).map(Some),
            (None, false) => Ok(None),
        }
    }

    pub fn load(file: Option<&Path>) -> Result<Config, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file("guanjia.toml")),
        }
        // Only our settings: other GUANJIA_* variables (e.g. the tests' own) are not configuration.
        let layered = figment.merge(Env::prefixed("GUANJIA_").only(&[
            "database_url",
            "listen",
            "satisfied_at_least",
            "auto_close_days",
            "log",
            "sla_sweep_seconds",
            "files_dir",
            "behind_proxy",
            "mqtt_url",
            "mqtt_topics",
            "mqtt_client_id",
            "alarm_retention_days",
            "mqtt_username",
            "mqtt_password",
            "mqtt_company",
            "secret_key",
            "webhook_allow_private",
            "webhook_poll_millis",
        ]));
        layered.extract().map_err(Box::new)
    }
}

#[cfg(test)]
// figment's test jail returns its own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn environment_beats_file_beats_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("guanjia.toml", "listen = \"0.0.0.0:9000\"\nlog = \"debug\"")?;
            jail.set_env("GUANJIA_LOG", "warn");
            jail.set_env("GUANJIA_SOMETHING_ELSE", "ignored");
            let config = Config::load(None).map_err(|e| *e)?;
            assert_eq!(config.listen, "0.0.0.0:9000");
            assert_eq!(config.log, "warn");
            assert_eq!(config.database_url, "sqlite://data/guanjia.db");
            Ok(())
        });
    }

    #[test]
    fn a_broker_is_configured_by_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            assert_eq!(Config::load(None).map_err(|e| *e)?.mqtt(), None);
            jail.create_file(
                "guanjia.toml",
                "mqtt_url = \"mqtt://broker:1883\"\nmqtt_topics = [\"$share/guanjia/site/+/alarm\"]",
            )?;
            jail.set_env("GUANJIA_MQTT_CLIENT_ID", "node-1");
            let mqtt = Config::load(None)
                .map_err(|e| *e)?
                .mqtt()
                .expect("configured");
            assert_eq!(mqtt.url, "mqtt://broker:1883");
            assert_eq!(mqtt.topics, ["$share/guanjia/site/+/alarm"]);
            assert_eq!(mqtt.client_id.as_deref(), Some("node-1"));
            assert_eq!(mqtt.company, None);
            Ok(())
        });
    }

    #[test]
    fn delivery_is_read_from_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "guanjia.toml",
                r#"
[delivery]
sms_provider = "tencent"
quiet_start = "21:30"

[delivery.tencent]
endpoint = "https://sms.tencentcloudapi.com"
secret_id = "AKID"
secret_key = "key"
sms_sdk_app_id = "1400006666"
sign_name = "锦程物业"

[delivery.templates.sign_in_code]
id = "1110"
params = ["code"]

[[delivery.wecom.robots]]
project = "JC01"
key = "robot-key"
"#,
            )?;
            let config = Config::load(None).map_err(|e| *e)?;
            let delivery = &config.delivery;
            assert_eq!(
                delivery.sms_provider,
                Some(guanjia_channels::SmsProvider::Tencent)
            );
            assert_eq!(delivery.quiet_start, "21:30");
            assert_eq!(delivery.quiet_end, "08:00", "defaults fill the rest");
            assert_eq!(delivery.wecom.base_url, "https://qyapi.weixin.qq.com");
            assert_eq!(delivery.templates["sign_in_code"].params, ["code"]);
            assert!(delivery.check().is_ok());
            assert!(
                !format!("{config:?}").contains("robot-key"),
                "keys stay out of logs"
            );
            Ok(())
        });
    }

    #[test]
    fn unknown_settings_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("custom.toml", "listn = \"0.0.0.0:9000\"")?;
            assert!(Config::load(Some(Path::new("custom.toml"))).is_err());
            Ok(())
        });
    }
}
