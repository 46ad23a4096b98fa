//! An alarm as a device's platform sends it, over MQTT or the webhook (one JSON shape for both).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::device::check_device_id;
use crate::code::code_enum;
use crate::ticket::event_time;
use crate::validation::{FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// What a device reports. The alarm table (`alarm_ticket`) says what each becomes.
    pub enum AlarmType ("alarm type") {
        Smoke = "smoke",
        Gas = "gas",
        WaterLeak = "water_leak",
        LiftEntrapment = "lift_entrapment",
        LiftFault = "lift_fault",
        PowerOutage = "power_outage",
        WaterPressure = "water_pressure",
        DoorForced = "door_forced",
        DoorHeldOpen = "door_held_open",
        Fault = "fault",
        LowBattery = "low_battery",
        Offline = "offline",
    }
}

impl AlarmType {
    /// Labels shown in the UI and written into a ticket's title, zh-CN then en.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            AlarmType::Smoke => ("烟雾报警", "Smoke alarm"),
            AlarmType::Gas => ("燃气泄漏报警", "Gas leak alarm"),
            AlarmType::WaterLeak => ("水浸报警", "Water leak alarm"),
            AlarmType::LiftEntrapment => ("电梯困人", "People trapped in a lift"),
            AlarmType::LiftFault => ("电梯故障", "Lift fault"),
            AlarmType::PowerOutage => ("停电", "Power outage"),
            AlarmType::WaterPressure => ("水压异常", "Water pressure abnormal"),
            AlarmType::DoorForced => ("门被强行打开", "Door forced open"),
            AlarmType::DoorHeldOpen => ("门长时间未关", "Door held open"),
            AlarmType::Fault => ("设备故障", "Device fault"),
            AlarmType::LowBattery => ("电量低", "Low battery"),
            AlarmType::Offline => ("设备离线", "Device offline"),
        }
    }
}

code_enum! {
    /// Whether the condition began or ended.
    pub enum AlarmState ("alarm state") {
        Alarm = "alarm",
        Recovered = "recovered",
    }
}

code_enum! {
    /// What receiving an alarm did.
    pub enum AlarmOutcome ("alarm outcome") {
        /// A new ticket was opened.
        Opened = "opened",
        /// The device's open ticket for this alarm type took it as a timeline entry.
        Joined = "joined",
        /// A recovery was written on the open ticket's timeline.
        Noted = "noted",
        /// A recovery was written on the timeline and resolved the ticket.
        Resolved = "resolved",
        /// A recovery with no open ticket to go to: kept, nothing else changed.
        Unmatched = "unmatched",
        /// The same alarm (device, type, state, time) was received before: nothing changed.
        Repeated = "repeated",
    }
}

/// An alarm (`POST /api/v1/iot/alarms`, or an MQTT message's JSON payload).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlarmInput {
    /// The device's id as registered (`device_id` of `POST /api/v1/devices`).
    pub device_id: String,
    /// smoke, gas, water_leak, lift_entrapment, lift_fault, power_outage, water_pressure,
    /// door_forced, door_held_open, fault, low_battery, offline
    #[serde(rename = "type")]
    pub alarm_type: String,
    /// alarm or recovered
    pub state: String,
    /// When the device raised it (RFC 3339): with device and type, what makes it the same
    /// alarm when it arrives twice. At most 30 days back, not in the future.
    pub at: String,
}

/// A checked alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub device_id: String,
    pub alarm_type: AlarmType,
    pub state: AlarmState,
    pub at: DateTime<Utc>,
}

impl AlarmInput {
    /// Checks every field at once; an unknown type or state lists the codes there are.
    pub fn validate(self, now: DateTime<Utc>) -> Result<Alarm, ValidationError> {
        let mut p = Problems::new();
        let device_id = self.device_id.trim().to_owned();
        check_device_id(&mut p, "device_id", &device_id);
        let alarm_type = p.one_of("type", &self.alarm_type, AlarmType::ALL);
        let state = p.one_of("state", &self.state, AlarmState::ALL);
        let at = event_time(&mut p, "at", &self.at, now);
        p.into_result(())?;
        match (alarm_type, state, at) {
            (Some(alarm_type), Some(state), Some(at)) => Ok(Alarm {
                device_id,
                alarm_type,
                state,
                at,
            }),
            // Each missing value recorded its problem above, so this is not reached.
            _ => Err(ValidationError::single("type", FieldErrorCode::Invalid)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Allowed;

    fn input(alarm_type: &str, state: &str, at: &str) -> AlarmInput {
        AlarmInput {
            device_id: "SD-001".into(),
            alarm_type: alarm_type.into(),
            state: state.into(),
            at: at.into(),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-12-06T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_alarm_is_checked() {
        let alarm = input("smoke", "alarm", "2026-12-06T19:59:00+08:00")
            .validate(now())
            .unwrap();
        assert_eq!(alarm.alarm_type, AlarmType::Smoke);
        assert_eq!(alarm.state, AlarmState::Alarm);
        assert_eq!(
            alarm.at,
            "2026-12-06T11:59:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn unknown_codes_list_what_there_is_and_times_are_bounded() {
        let err = input("toaster", "burning", "2026-12-07T12:00:00Z")
            .validate(now())
            .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("type", FieldErrorCode::Invalid),
                ("state", FieldErrorCode::Invalid),
                ("at", FieldErrorCode::InFuture)
            ]
        );
        assert_eq!(
            err.0[1].allowed,
            Some(Allowed::OneOf {
                codes: vec!["alarm".into(), "recovered".into()]
            })
        );
        let old = input("gas", "alarm", "2026-10-01T00:00:00Z").validate(now());
        assert_eq!(old.unwrap_err().0[0].code, FieldErrorCode::TooOld);
        let garbled = input("gas", "alarm", "yesterday").validate(now());
        assert_eq!(garbled.unwrap_err().0[0].code, FieldErrorCode::Invalid);
    }
}
