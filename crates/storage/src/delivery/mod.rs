//! The delivery of the outbox: each notification's deliveries are planned in the transaction
//! that writes it ([`plan`]), claimed by any node's worker with a lease and finished with what
//! the provider answered ([`claim`]), and read back per notification and per ticket ([`read`]).
//! WeCom robots are set up in guanjia.toml or managed in the product ([`robots`]).

mod claim;
mod plan;
mod read;
mod robots;
mod setup;

pub use claim::{Address, Claimed, EmailAnswer, LEASE, Mention};
pub(crate) use plan::plan_deliveries;
pub use read::TicketDelivery;
pub use setup::DeliverySetup;
