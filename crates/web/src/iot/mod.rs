//! IoT alarms as they arrive: the MQTT subscriber, and the figure both ways in count.

mod mqtt;

pub use mqtt::{MqttSettings, spawn_mqtt};

/// How an alarm arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Mqtt,
    Webhook,
}

/// Counts an alarm in `guanjia_iot_alarms_total` by how it came and what it did (an outcome
/// code, or why it was refused: `unknown_device`, `invalid`, `failed`).
pub fn count(source: Source, outcome: &str) {
    let source = match source {
        Source::Mqtt => "mqtt",
        Source::Webhook => "webhook",
    };
    metrics::counter!("guanjia_iot_alarms_total", "source" => source, "outcome" => outcome.to_owned())
        .increment(1);
}
