//! Smart dispatch (智能派单): who gets a job, and why.
//!
//! The pipeline is pure: storage gathers the candidates (with their rosters, skills and open
//! work) and writes the decision and its explanation into the timeline.

pub mod field_work;
pub mod input;
pub mod photo;
pub mod pipeline;
pub mod subtask;

pub use field_work::{
    ChargeLine, ChargeStatus, GeoPoint, MAX_REQUIRED_PHOTOS, Material, NewPriceItem,
    PriceItemInput, amount, check_finish_photos,
};
pub use input::{GridInput, NewGrid, RosterDay, RosterInput, roster_calendar};
pub use pipeline::{
    Candidate, DEFAULT_CAPACITY, DEFAULT_GRAB_MINUTES, Decision, DispatchMode, Exclusion,
    Explanation, Job, Ranked, Redispatch, decide, is_field_work, rank,
};
pub use subtask::{NewSubtask, SubtaskInput, SubtaskStatus};
