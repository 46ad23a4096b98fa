//! Machines that talk to Guanjia: API keys other systems call in with, and the webhooks that
//! tell them what happened.

pub mod api_key;
pub mod webhook;
