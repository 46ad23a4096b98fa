//! Webhooks (事件推送): company-wide admins subscribe URLs to events ([`subscriptions`]); each
//! change writes its events into the outbox in its own transaction ([`outbox`]); the worker on
//! any node claims, sends and records them ([`claim`]), which is also the delivery log.

mod claim;
mod outbox;
mod subscriptions;

pub use claim::{ClaimedWebhook, LEASE as WEBHOOK_LEASE, WebhookAnswer};
pub(crate) use outbox::{emit, ticket_data};
pub use subscriptions::{CreatedWebhook, WebhookView};
