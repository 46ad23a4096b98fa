//! The WeChat official account at the HTTP layer: the callback WeChat's servers call
//! ([`callback`]), the access tokens kept in the store for every node ([`tokens`]), and sending
//! notifications and replies ([`send`]), and fetching followers' pictures and recordings
//! ([`media`]).

pub mod callback;
pub mod media;
mod receive;
mod reply;
pub mod send;
pub mod tokens;
