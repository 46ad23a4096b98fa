//! IoT: the building's devices (设备) and the alarms (告警) they raise.
//!
//! A device is registered at a place; an alarm of a device opens a ticket on channel `iot`
//! whose kind, category and urgency come from the alarm table (`response.rs`); repeats fold
//! into the open ticket, and a recovery is written on it (and resolves it where configured).

mod alarm;
mod device;
mod response;

pub use alarm::{Alarm, AlarmInput, AlarmOutcome, AlarmState, AlarmType};
pub use device::{DeviceInput, DeviceType, MAX_DEVICE_ID, MAX_PLACE, NewDevice};
pub use response::{AlarmTicket, PlaceWords, alarm_ticket};
