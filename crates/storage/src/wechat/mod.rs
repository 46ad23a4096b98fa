//! WeChat official accounts: admins register them ([`accounts`]); the callback and the delivery
//! worker read them with their secrets opened ([`open`]); every node shares each account's
//! access token ([`tokens`]).

mod accounts;
mod open;
mod tokens;

pub use accounts::WechatAccountView;
pub use open::OpenAccount;
