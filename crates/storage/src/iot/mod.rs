//! IoT: the device registry and the alarms its devices raise.

mod alarms;
mod devices;

pub use alarms::AlarmReceived;
pub use devices::DeviceFilter;
