//! The WeChat official account (公众号), as WeChat documents it: the callback's signatures, safe
//! mode's encryption, the pushed XML read into typed values, the passive reply, and the server
//! API (access token, customer-service and template messages, temporary media). Pure functions
//! are checked against the documentation's samples; the client is a thin HTTP layer over them.

mod api;
mod client;
mod crypto;
mod envelope;
mod inbound;
mod media;
mod reply;
mod signature;
mod xml;

pub use client::{
    Account, DEFAULT_BASE_URL, StoredToken, TemplateMessage, TokenStore, WechatClient,
};
pub use crypto::{AesKey, CryptoError};
pub use envelope::{EnvelopeError, SafeMode, Signed};
pub use inbound::{Event, Inbound, InboundBody, InboundError};
pub use media::{MAX_MEDIA_BYTES, Media};
pub use reply::{SUCCESS, text_reply};
pub use signature::{signature, signature_matches};
pub use xml::XmlError;
