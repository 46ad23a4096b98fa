//! A registered device: what it is and where it is, as admins enter it.

use serde::Deserialize;

use crate::code::code_enum;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Longest device id an IoT platform gives.
pub const MAX_DEVICE_ID: usize = 64;
/// Longest description of a common area (电梯厅, B1 水泵房).
pub const MAX_PLACE: usize = 100;
/// Longest unit name (2单元).
const MAX_UNIT: usize = 50;

code_enum! {
    /// What a device is. Its alarms that say only that something is wrong with it (a fault, a
    /// flat battery, offline) are filed under its category.
    pub enum DeviceType ("device type") {
        SmokeDetector = "smoke_detector",
        GasDetector = "gas_detector",
        WaterSensor = "water_sensor",
        Lift = "lift",
        DoorAccess = "door_access",
        PowerMeter = "power_meter",
        WaterPump = "water_pump",
        Camera = "camera",
        Other = "other",
    }
}

impl DeviceType {
    /// Labels shown in the UI, zh-CN then en.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            DeviceType::SmokeDetector => ("烟感探测器", "Smoke detector"),
            DeviceType::GasDetector => ("燃气探测器", "Gas detector"),
            DeviceType::WaterSensor => ("水浸传感器", "Water sensor"),
            DeviceType::Lift => ("电梯", "Lift"),
            DeviceType::DoorAccess => ("门禁", "Door access"),
            DeviceType::PowerMeter => ("电表/配电", "Power meter"),
            DeviceType::WaterPump => ("水泵", "Water pump"),
            DeviceType::Camera => ("监控摄像头", "Camera"),
            DeviceType::Other => ("其他设备", "Other device"),
        }
    }

    /// The category a fault of the device itself is repaired under.
    pub fn category(self) -> &'static str {
        match self {
            DeviceType::SmokeDetector => "repair.fire_safety",
            DeviceType::GasDetector => "repair.gas",
            DeviceType::WaterSensor | DeviceType::WaterPump => "repair.water",
            DeviceType::Lift => "repair.elevator",
            DeviceType::DoorAccess => "repair.door_access",
            DeviceType::PowerMeter => "repair.electric",
            DeviceType::Camera => "repair.weak_current",
            DeviceType::Other => "repair.public_facility",
        }
    }
}

/// A device as an admin registers or edits it (`POST /api/v1/devices`, `PUT …/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    pub project_id: String,
    /// The device's own id on the IoT platform (serial number, MAC address…), unique in the
    /// company: alarms name the device by it.
    pub device_id: String,
    /// smoke_detector, gas_detector, water_sensor, lift, door_access, power_meter, water_pump,
    /// camera, other
    #[serde(rename = "type")]
    pub device_type: String,
    /// The building it is in; taken from the room when a room is given.
    pub building_id: Option<String>,
    /// The unit (单元) of a common area; taken from the room when a room is given.
    pub unit: Option<String>,
    /// The flat, shop or office it is in; its household then sees its alarms' tickets.
    pub room_id: Option<String>,
    /// A common area in words: 电梯厅, B1 水泵房, 1号电梯.
    pub place: Option<String>,
    /// Whether a "recovered" message resolves its open ticket: true, false, or left out for the
    /// alarm type's default (see the alarm table).
    pub resolve_on_recovery: Option<bool>,
}

/// A device input that passed every rule that needs no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub project_id: String,
    pub device_id: String,
    pub device_type: DeviceType,
    pub building_id: Option<String>,
    pub unit: Option<String>,
    pub room_id: Option<String>,
    pub place: Option<String>,
    pub resolve_on_recovery: Option<bool>,
}

impl DeviceInput {
    pub fn validate(self) -> Result<NewDevice, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 64);
        let device_id = self.device_id.trim().to_owned();
        check_device_id(&mut p, "device_id", &device_id);
        let device_type = p.one_of("type", &self.device_type, DeviceType::ALL);
        let trimmed =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let (building_id, unit, room_id, place) = (
            trimmed(self.building_id),
            trimmed(self.unit),
            trimmed(self.room_id),
            trimmed(self.place),
        );
        p.optional_text("building_id", building_id.as_deref(), 64);
        p.optional_text("room_id", room_id.as_deref(), 64);
        p.optional_text("unit", unit.as_deref(), MAX_UNIT);
        p.optional_text("place", place.as_deref(), MAX_PLACE);
        if unit.is_some() && building_id.is_none() && room_id.is_none() {
            // A unit is a stairwell of a building: without one it places nothing.
            p.add("unit", FieldErrorCode::Mismatch);
        }
        p.into_result(NewDevice {
            project_id: self.project_id.trim().to_owned(),
            device_id,
            device_type: device_type.unwrap_or(DeviceType::Other),
            building_id,
            unit,
            room_id,
            place,
            resolve_on_recovery: self.resolve_on_recovery,
        })
    }
}

/// A device id: what platforms use (serial numbers, MAC addresses, names), nothing that needs
/// escaping in an MQTT topic or a URL.
pub(super) fn check_device_id(p: &mut Problems, field: &str, value: &str) {
    let rule = Allowed::DeviceId {
        min: 1,
        max: MAX_DEVICE_ID,
    };
    if value.is_empty() {
        p.refuse(field, FieldErrorCode::Required, rule);
    } else if value.len() > MAX_DEVICE_ID {
        p.refuse(field, FieldErrorCode::TooLong, rule);
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.:@".contains(&b))
    {
        p.refuse(field, FieldErrorCode::Invalid, rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(device_type: &str) -> DeviceInput {
        DeviceInput {
            project_id: "p1".into(),
            device_id: " AA:BB:CC:01 ".into(),
            device_type: device_type.into(),
            building_id: Some("b1".into()),
            unit: Some(" 2单元 ".into()),
            room_id: None,
            place: Some("电梯厅".into()),
            resolve_on_recovery: None,
        }
    }

    #[test]
    fn a_device_is_checked_and_trimmed() {
        let device = input("smoke_detector").validate().unwrap();
        assert_eq!(device.device_id, "AA:BB:CC:01");
        assert_eq!(device.device_type, DeviceType::SmokeDetector);
        assert_eq!(device.unit.as_deref(), Some("2单元"));
    }

    #[test]
    fn an_unknown_type_lists_the_types_there_are() {
        let err = input("toaster").validate().unwrap_err();
        assert_eq!(err.0[0].field, "type");
        assert_eq!(err.0[0].code, FieldErrorCode::Invalid);
        let Some(Allowed::OneOf { codes }) = &err.0[0].allowed else {
            panic!("{err:?}");
        };
        assert_eq!(codes.len(), DeviceType::ALL.len());
        assert!(codes.iter().any(|c| c == "smoke_detector"));
    }

    #[test]
    fn bad_ids_and_a_unit_without_a_building_are_refused() {
        let mut bad = input("lift");
        bad.device_id = "有 空格".into();
        bad.building_id = None;
        let err = bad.validate().unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("device_id", FieldErrorCode::Invalid),
                ("unit", FieldErrorCode::Mismatch)
            ]
        );
        let mut long = input("lift");
        long.device_id = "x".repeat(MAX_DEVICE_ID + 1);
        assert_eq!(
            long.validate().unwrap_err().0[0].code,
            FieldErrorCode::TooLong
        );
    }

    #[test]
    fn every_device_type_files_its_faults_under_a_default_repair_category() {
        for device_type in DeviceType::ALL {
            let category = device_type.category();
            assert!(
                crate::taxonomy::DEFAULT_CATEGORIES
                    .iter()
                    .any(|c| c.code == category),
                "{device_type}: {category}"
            );
        }
    }
}
