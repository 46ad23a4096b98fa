//! The closed loop's storage: who follows up, signed single-use rating links, repeat complaints,
//! and the service figures.

mod figures;
mod follow_ups;
mod links;
mod repeats;

pub use links::RatingLinkInfo;
