//! How machines are let in: which endpoint each API key scope opens, and how often a key may
//! call.

pub mod key_rate;
pub mod key_scopes;
