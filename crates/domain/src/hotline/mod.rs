//! 12345 政务热线工单: work orders the city's government hotline forwards to the property company.
//!
//! - [`order`]: an order as the platform sends it, the rules it must pass, and the ticket it
//!   becomes;
//! - [`clocks`]: the platform's own deadlines (签收, 办结) as SLA clocks of that ticket;
//! - [`reply`]: the handling result (办理结果) the platform expects back, and when it is complete.

pub mod clocks;
pub mod order;
pub mod reply;

pub use clocks::{PlatformOrder, platform_clocks};
pub use order::{HotlineOrder, HotlineOrderInput, MAX_ORDER_NO, MAX_STREET};
pub use reply::{MAX_REPLY, MIN_REPLY, check_reply};
