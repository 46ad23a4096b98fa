//! Webhooks (事件推送): company-wide admins subscribe URLs to events ([`subscriptions`]); each
//! change writes its events into the outbox in its own transaction ([`outbox`]); the worker on
//! any node claims, sends and records them ([`claim`]), which is also the delivery log, kept
//! for a while once delivered ([`retention`]).

mod claim;
mod outbox;
mod retention;
mod subscriptions;

pub use claim::{ClaimedWebhook, LEASE as WEBHOOK_LEASE, WebhookAnswer};
pub(crate) use outbox::{Event, SubscriptionCache, emit, incident_data, ticket_data};
pub use subscriptions::{CreatedWebhook, WebhookView};
