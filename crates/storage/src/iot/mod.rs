//! IoT: the device registry, the alarms its devices raise, and their history.

mod alarms;
mod devices;
mod history;

pub use alarms::AlarmReceived;
pub use devices::DeviceFilter;
pub use history::{AlarmPage, FORGET_BATCH};
