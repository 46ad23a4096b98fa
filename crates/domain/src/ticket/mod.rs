//! Tickets (工单): their statuses, the actions that move them, and the rules of the closed loop.

mod action;
mod draft;
mod following;
mod for_resident;
mod lifecycle;
mod news;
mod number;
mod reclassify;
mod status;

pub use action::{Action, ActionName, ActionRequest, MAX_ACTION_TEXT};
pub use draft::{
    CLOCK_SKEW, Contact, ContactInput, MAX_DESCRIPTION, MAX_REPORTED_AGE, MAX_TITLE, Suggestion,
    TicketDraft, TicketInput, check_reported_at, event_time,
};
pub use following::{Following, Progress, follow_original};
pub use for_resident::{RESIDENT_FACTS, ResidentStep, step_now, step_of_entry, words_for_resident};
pub use lifecycle::{
    Actor, CHASE_INTERVAL_MINUTES, Change, Lifecycle, LifecycleError, LoopRules, TransitionBlock,
    role_permits,
};
pub use news::{Hands, resident_news};
pub use number::{NUMBER_PREFIX, number_counter, ticket_number};
pub use reclassify::{
    CORRECTABLE, Classification, Correction, CorrectionCount, FieldAccuracy, IntakeAccuracy,
    Reclassification, correction, intake_accuracy,
};
pub use status::{Status, Visibility};
