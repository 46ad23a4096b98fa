//! Calls (来电): the phone system's events received, the agent's call on now, and the calls a
//! ticket keeps (the one its agent opened it during, with the recording).

mod link;
mod receive;

pub(crate) use link::link_call;
pub use receive::CallReceived;

use guanjia_domain::calls::{CallFacts, CallState};

use crate::entity::call;

/// What the domain's rules read of a stored call.
pub(crate) fn facts_of(c: &call::Model) -> CallFacts {
    CallFacts {
        state: c.state.parse().unwrap_or(CallState::Ended),
        caller: c.caller_phone.clone(),
        extension: c.extension.clone(),
        ringing_at: c.ringing_at,
        answered_at: c.answered_at,
        ended_at: c.ended_at,
        recording_url: c.recording_url.clone(),
    }
}
