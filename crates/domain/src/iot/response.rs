//! The alarm table: what ticket each alarm opens, and whether its recovery ends the work.
//!
//! Danger to people or property now (smoke, gas, water leak, people trapped in a lift) is an
//! emergency, as taxonomy.md defines it; what blocks daily life is urgent; a device's own trouble
//! is normal work. A recovery resolves the ticket by default only where the condition ending is
//! the work being done (power back, door closed, battery changed, device online); after a danger
//! someone still has to look, so those tickets stay open unless the device says otherwise.

use super::alarm::AlarmType;
use super::device::DeviceType;
use crate::taxonomy::{Kind, Urgency};
use crate::ticket::MAX_TITLE;

/// What an alarm opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmTicket {
    pub kind: Kind,
    pub category: &'static str,
    pub urgency: Urgency,
    /// Whether its "recovered" resolves the ticket when the device does not say.
    pub resolves_on_recovery: bool,
}

/// The ticket an alarm of `alarm_type` from a device of `device_type` opens.
pub fn alarm_ticket(alarm_type: AlarmType, device_type: DeviceType) -> AlarmTicket {
    use AlarmType as A;
    use Urgency::{Emergency, Normal, Urgent};
    let (category, urgency, resolves_on_recovery) = match alarm_type {
        A::Smoke => ("repair.fire_safety", Emergency, false),
        A::Gas => ("repair.gas", Emergency, false),
        A::WaterLeak => ("repair.water", Emergency, false),
        A::LiftEntrapment => ("repair.elevator", Emergency, false),
        A::LiftFault => ("repair.elevator", Urgent, false),
        A::PowerOutage => ("repair.electric", Urgent, true),
        A::WaterPressure => ("repair.water", Urgent, true),
        A::DoorForced => ("repair.door_access", Urgent, false),
        A::DoorHeldOpen => ("repair.door_access", Normal, true),
        A::Fault => (device_type.category(), Normal, false),
        A::LowBattery | A::Offline => (device_type.category(), Normal, true),
    };
    AlarmTicket {
        kind: Kind::Repair,
        category,
        urgency,
        resolves_on_recovery,
    }
}

/// Where a device is, in the words the project uses for its places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceWords {
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    /// A common area: 电梯厅, B1 水泵房.
    pub place: Option<String>,
}

impl PlaceWords {
    /// 3栋 2单元 1502, 3栋 2单元 电梯厅; empty when nothing is known beyond the project.
    pub fn text(&self) -> String {
        [&self.building, &self.unit, &self.room, &self.place]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl AlarmTicket {
    /// The ticket's title, in the company's language (zh-CN): 烟雾报警 · 3栋 2单元 1502.
    pub fn title(alarm_type: AlarmType, place: &PlaceWords) -> String {
        let what = alarm_type.labels().0;
        let place = place.text();
        let title = if place.is_empty() {
            what.to_owned()
        } else {
            format!("{what} · {place}")
        };
        title.chars().take(MAX_TITLE).collect()
    }

    /// The ticket's description, as the desk reads it: what, which device, where.
    pub fn description(
        alarm_type: AlarmType,
        device_type: DeviceType,
        device_id: &str,
        place: &PlaceWords,
    ) -> String {
        let place = place.text();
        let place = if place.is_empty() {
            "项目内（未登记具体位置）".to_owned()
        } else {
            place
        };
        format!(
            "物联网告警：{}。设备 {device_id}（{}），位置：{place}。",
            alarm_type.labels().0,
            device_type.labels().0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{DEFAULT_CATEGORIES, category_kind};

    #[test]
    fn dangers_are_emergencies_and_stay_open_after_recovery() {
        for alarm_type in [
            AlarmType::Smoke,
            AlarmType::Gas,
            AlarmType::WaterLeak,
            AlarmType::LiftEntrapment,
        ] {
            let ticket = alarm_ticket(alarm_type, DeviceType::Other);
            assert_eq!(ticket.urgency, Urgency::Emergency, "{alarm_type}");
            assert!(!ticket.resolves_on_recovery, "{alarm_type}");
        }
        assert_eq!(
            alarm_ticket(AlarmType::LiftEntrapment, DeviceType::Lift).category,
            "repair.elevator"
        );
        assert_eq!(
            alarm_ticket(AlarmType::Gas, DeviceType::GasDetector).category,
            "repair.gas"
        );
    }

    #[test]
    fn every_alarm_opens_a_default_category_of_its_kind() {
        for alarm_type in AlarmType::ALL {
            for device_type in DeviceType::ALL {
                let ticket = alarm_ticket(*alarm_type, *device_type);
                assert!(
                    DEFAULT_CATEGORIES.iter().any(|c| c.code == ticket.category),
                    "{alarm_type} on {device_type}: {}",
                    ticket.category
                );
                assert_eq!(category_kind(ticket.category), Some(ticket.kind));
            }
        }
    }

    #[test]
    fn a_device_fault_goes_to_the_device_category() {
        let fault = alarm_ticket(AlarmType::LowBattery, DeviceType::SmokeDetector);
        assert_eq!(fault.category, "repair.fire_safety");
        assert_eq!(fault.urgency, Urgency::Normal);
        assert!(fault.resolves_on_recovery);
    }

    #[test]
    fn title_and_description_say_what_and_where() {
        let place = PlaceWords {
            building: Some("3栋".into()),
            unit: Some("2单元".into()),
            room: None,
            place: Some("电梯厅".into()),
        };
        assert_eq!(
            AlarmTicket::title(AlarmType::Smoke, &place),
            "烟雾报警 · 3栋 2单元 电梯厅"
        );
        let text = AlarmTicket::description(
            AlarmType::Smoke,
            DeviceType::SmokeDetector,
            "SD-001",
            &place,
        );
        assert!(text.contains("SD-001") && text.contains("烟感探测器") && text.contains("电梯厅"));
        assert_eq!(
            AlarmTicket::title(AlarmType::Gas, &PlaceWords::default()),
            "燃气泄漏报警"
        );
        let long = PlaceWords {
            place: Some("长".repeat(200)),
            ..PlaceWords::default()
        };
        assert_eq!(
            AlarmTicket::title(AlarmType::Gas, &long).chars().count(),
            MAX_TITLE
        );
    }
}
