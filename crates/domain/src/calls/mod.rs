//! Calls (来电): the phone system's events about each call (ringing at an agent's extension,
//! answered, ended with its recording), what they make of the call whatever order they arrive
//! in, and which tickets a call keeps: those its agent opens for its caller while it is on.

mod event;
mod extension;
mod progress;

pub use event::{
    AFTER_CALL_WORK, CallEvent, CallEventInput, CallEventKind, MAX_CALL_ID, MAX_RECORDING_URL,
};
pub use extension::{ExtensionInput, MAX_EXTENSION};
pub use progress::{CallFacts, CallState, Step, apply_event};
