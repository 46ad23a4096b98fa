//! 12345 hotline orders (政务热线工单): orders arriving from the city's platform, each opening
//! or updating one ticket; the handling result written back; the list and export in the
//! platform's columns; and how many were answered within the platform's deadline.

mod figures;
mod orders;
mod receive;
mod reply;

pub use figures::HotlineFigures;
pub use orders::{HotlineOrderFilter, HotlineOrderRow, MAX_EXPORT};
pub use receive::OrderReceived;
