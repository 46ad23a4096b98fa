//! Conversations (会话): the messages exchanged with one resident on one channel, whatever the
//! channel, and the rules of where a conversation stands.
//!
//! A message arrives as an [`InboundMessage`] from any channel (the H5 chat, a WeChat callback,
//! a mailbox) and is received the one way; agents answer on the conversation and the answer goes
//! back on the channel it came from.

mod contact;
mod inbound;
mod state;

pub use contact::{ContactKind, ContactPoint};
pub use inbound::{
    Attachment, Body, BodyKind, Event, InboundMessage, KeptFile, MAX_ID, MAX_REFERENCES, MAX_TEXT,
    ProjectHint, ThreadHints,
};
pub use state::{
    ConversationState, Direction, Replied, SenderKind, after_inbound, after_reply,
    bot_answers_first, reply_text,
};
