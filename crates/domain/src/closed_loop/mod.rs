//! The closed loop (闭环管理): after the work, a follow-up (回访) and a rating; an unsatisfied
//! rating sends the ticket back for rectification (整改); what is not measured does not improve.
//!
//! - [`follow_up`]: who must be called back, and when a ticket may close without a call;
//! - [`repeat`]: a complaint that comes back;
//! - [`nps`]: survey campaigns and the net promoter score;
//! - [`praise`]: crediting the staff a resident praises;
//! - [`figures`]: the service figures a manager reads, each defined once;
//! - [`days`]: the facts of a project's day, which add up to a period's figures;
//! - [`breakdown`]: the same figures per project, grid, team, person, category or channel.

pub mod breakdown;
pub mod days;
pub mod figures;
pub mod follow_up;
pub mod nps;
pub mod praise;
pub mod repeat;

pub use breakdown::{Breakdown, GridCover, grid_of, order_grids};
pub use days::{ClockTally, DayFacts, DayPart, day_start, days_of};
pub use figures::{
    BotCounts, BotFigures, COMPLAINT_CLOSE_TARGET_HOURS, ChannelShare,
    FIRST_RESPONSE_TARGET_MINUTES, Figures, Medians, ROUTINE_QUIET_HOURS, TicketCounts,
    TicketFigures, ticket_figures,
};
pub use follow_up::{
    AUTO_CLOSE_DAYS, CallOutcome, FollowUpPolicy, FollowUpResult, MAX_FAILED_ATTEMPTS, Rating,
};
pub use nps::{CampaignInput, NewCampaign, NpsAnswer, NpsSummary, summarize};
pub use repeat::{REPEAT_WINDOW_DAYS, Report, repeats};
