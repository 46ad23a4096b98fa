//! Dispatch's storage: grids, duty rosters, and the automatic dispatch that gathers the
//! candidates for the domain's pipeline and writes its decision.

mod auto;
mod grids;
mod rosters;
mod subtasks;

pub use auto::Dispatched;
pub(crate) use auto::GRAB;
