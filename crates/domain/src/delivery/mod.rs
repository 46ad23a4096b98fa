//! Delivery (送达): sending each notification of the outbox on the recipient's channels.
//!
//! The rules here decide which channels a notification takes, when it may leave (quiet hours),
//! and what happens after a provider answers (retry with backoff, give up, fall back). The worker
//! that carries them out and the providers' adapters are thin layers above.

mod channel;
mod outcome;
mod plan;
mod preference;
mod quiet;

pub use channel::{Audience, DeliveryChannel, DeliveryState, PreferredChannel};
pub use outcome::{Backoff, Failure, Next, Outcome, after_failure};
pub use plan::{Available, Recipient, Route, route};
pub use preference::PreferenceInput;
pub use quiet::QuietHours;
