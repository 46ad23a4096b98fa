//! The closed loop's storage: who follows up, signed single-use rating links, repeat complaints,
//! and the service figures.

mod counting;
mod days;
mod figures;
mod follow_ups;
mod groups;
mod links;
mod nps;
mod praise;
mod repeats;
mod signing;
mod trend;

pub(crate) use counting::conditions as ticket_conditions;
pub use days::DaysRefreshed;
pub(crate) use days::ProjectDays;
pub use figures::{FiguresQuery, GroupFigures, PeriodFigures, ServiceFigures};
pub(crate) use figures::{figures_projects, reported_between};
pub use groups::GroupName;
pub use links::RatingLinkInfo;
pub use nps::Campaign;
pub use praise::PraiseCount;
pub(crate) use praise::credit_named;
pub(crate) use repeats::Repeat;
pub use trend::{MonthFigures, TREND_MONTHS_MAX};
