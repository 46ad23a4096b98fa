//! IoT: the device registry and the alarms its devices raise.

mod alarms;
mod devices;

pub use alarms::Received;
pub use devices::DeviceFilter;
