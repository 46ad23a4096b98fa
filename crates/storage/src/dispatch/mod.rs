//! Dispatch's storage: grids, duty rosters, and the automatic dispatch that gathers the
//! candidates for the domain's pipeline and writes its decision.

mod auto;
mod field_work;
mod grids;
mod load;
mod photos;
mod rosters;
mod subtasks;

pub use auto::{Dispatched, Ranking};
pub(crate) use auto::{GRAB, Plan};
pub(crate) use field_work::{settle_bill, write_bill};
pub use load::Load;
pub use photos::{CheckedPhoto, check_photo};
