//! The MQTT subscriber: alarms published to the configured broker and topics become tickets,
//! exactly as the webhook's do.
//!
//! Every node may subscribe (or share one subscription, `$share/GROUP/TOPIC`): an alarm
//! delivered to several nodes, or twice to one, opens one ticket, because receiving an alarm is
//! idempotent in the database. Messages are acknowledged (QoS 1) only once handled, so one in
//! hand when the node stops is delivered again. The connection is retried with backoff when the
//! broker goes away; subscriptions are made again on every connection.

use std::time::Duration;

use chrono::Utc;
use guanjia_domain::iot::AlarmInput;
use guanjia_storage::{Principal, StorageError, Store};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

use super::{Source, count};

/// Who receives alarms that come over MQTT, in the timeline and the alarm records.
const RECEIVER: &str = "mqtt";

/// The first wait before connecting again; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Tries at handling one message while the database is unreachable, before it is given up
/// (logged and counted as `failed`).
const HANDLE_TRIES: u32 = 5;

/// Largest message accepted: an alarm is a small JSON object.
const MAX_MESSAGE: usize = 64 * 1024;

/// Where to subscribe, from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttSettings {
    /// `mqtt://HOST[:PORT]` (or `tcp://`), port 1883 by default.
    pub url: String,
    /// Topic filters, e.g. `guanjia/alarms/#` or `$share/guanjia/guanjia/alarms/#`.
    pub topics: Vec<String>,
    /// This node's client id; each node needs its own. With one, the broker keeps the session
    /// (subscriptions, messages queued while the node is away); without, a random one and a
    /// clean session.
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The code of the company whose devices publish there; none: the installation's only one.
    pub company: Option<String>,
}

impl MqttSettings {
    /// The client's options, or why the URL cannot be used.
    fn options(&self) -> Result<MqttOptions, String> {
        let (host, port) = broker_address(&self.url)?;
        let client_id = self
            .client_id
            .clone()
            .unwrap_or_else(|| format!("guanjia-{}", guanjia_storage::new_id()));
        let mut options = MqttOptions::new(client_id, host, port);
        options
            .set_keep_alive(Duration::from_secs(30))
            .set_clean_session(self.client_id.is_none())
            .set_manual_acks(true)
            .set_max_packet_size(MAX_MESSAGE, MAX_MESSAGE);
        if let Some(username) = &self.username {
            options.set_credentials(username, self.password.clone().unwrap_or_default());
        }
        Ok(options)
    }
}

/// Host and port of `mqtt://HOST[:PORT]`.
fn broker_address(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("mqtt://")
        .or_else(|| url.strip_prefix("tcp://"))
        .ok_or_else(|| format!("unsupported MQTT URL {url:?}: use mqtt://HOST[:PORT]"))?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !host.is_empty() => (
            host,
            port.parse()
                .map_err(|_| format!("bad port in MQTT URL {url:?}"))?,
        ),
        _ => (rest, 1883),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || rest.contains('/') {
        return Err(format!("bad MQTT URL {url:?}: use mqtt://HOST[:PORT]"));
    }
    Ok((host.to_owned(), port))
}

/// Starts the subscriber; it runs until the process ends. A URL it cannot use is an error now,
/// not a silent retry loop.
pub fn spawn_mqtt(
    store: Store,
    settings: MqttSettings,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let options = settings.options()?;
    Ok(tokio::spawn(subscribe(store, settings, options)))
}

async fn subscribe(store: Store, settings: MqttSettings, options: MqttOptions) {
    let (client, mut events) = AsyncClient::new(options, 64);
    let mut backoff = FIRST_BACKOFF;
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff = FIRST_BACKOFF;
                tracing::info!(url = %settings.url, topics = ?settings.topics, "MQTT connected");
                for topic in &settings.topics {
                    // Queued for the event loop, which this loop drives.
                    if let Err(e) = client.try_subscribe(topic.clone(), QoS::AtLeastOnce) {
                        tracing::warn!(topic = %topic, error = %e, "MQTT subscribe failed");
                    }
                }
            }
            Ok(Event::Incoming(Packet::Publish(message))) => {
                let outcome = handle(&store, settings.company.as_deref(), &message.payload).await;
                count(Source::Mqtt, outcome);
                if let Err(e) = client.try_ack(&message) {
                    tracing::warn!(error = %e, "MQTT acknowledgement failed");
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(url = %settings.url, error = %e, retry_in = ?backoff, "MQTT connection lost");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Handles one message; returns what it did, for the figure.
async fn handle(store: &Store, company: Option<&str>, payload: &[u8]) -> &'static str {
    let input: AlarmInput = match serde_json::from_slice(payload) {
        Ok(input) => input,
        Err(e) => {
            tracing::warn!(error = %e, "MQTT message is not an alarm; dropped");
            return "invalid";
        }
    };
    let now = Utc::now();
    let alarm = match input.validate(now) {
        Ok(alarm) => alarm,
        Err(e) => {
            tracing::warn!(error = %e, "MQTT alarm refused");
            return "invalid";
        }
    };
    let mut wait = Duration::from_millis(200);
    for tries in 1..=HANDLE_TRIES {
        let received = async {
            let company = receiving_company(store, company)
                .await?
                .ok_or(StorageError::NotFound("company"))?;
            let who = Principal::system(&company.id, RECEIVER);
            store.receive_alarm(&who, &alarm, now).await
        };
        match received.await {
            Ok(received) => return received.outcome.as_str(),
            Err(StorageError::Validation(e)) if e.0.iter().any(|f| f.field == "device_id") => {
                tracing::warn!(device_id = %alarm.device_id, "MQTT alarm from an unknown or inactive device; nothing opened");
                return "unknown_device";
            }
            Err(StorageError::Database(e)) if tries < HANDLE_TRIES => {
                tracing::warn!(error = %e, retry_in = ?wait, "MQTT alarm not stored yet");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(device_id = %alarm.device_id, error = %e, "MQTT alarm could not be handled");
                return "failed";
            }
        }
    }
    "failed"
}

/// The company alarms are for: the configured one, else the installation's only one.
async fn receiving_company(
    store: &Store,
    code: Option<&str>,
) -> Result<Option<guanjia_storage::entity::company::Model>, StorageError> {
    match code {
        Some(code) => store.company_by_code(code).await,
        None => {
            let mut companies = store.companies().await?;
            Ok((companies.len() == 1).then(|| companies.remove(0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls() {
        assert_eq!(
            broker_address("mqtt://127.0.0.1:1884"),
            Ok(("127.0.0.1".to_owned(), 1884))
        );
        assert_eq!(
            broker_address("tcp://broker.internal"),
            Ok(("broker.internal".to_owned(), 1883))
        );
        assert_eq!(
            broker_address("mqtt://[::1]:1883"),
            Ok(("::1".to_owned(), 1883))
        );
        assert!(broker_address("mqtts://broker:8883").is_err());
        assert!(broker_address("mqtt://broker:x").is_err());
        assert!(broker_address("mqtt://").is_err());
        assert!(broker_address("mqtt://broker/path").is_err());
    }
}
