//! WeChat official accounts: admins register them ([`accounts`]); the callback and the delivery
//! worker read them with their secrets opened ([`open`]); every node shares each account's
//! access token ([`tokens`]); followers' pictures and recordings are fetched after their push
//! ([`media`]).

mod accounts;
mod media;
mod open;
mod tokens;

pub use accounts::WechatAccountView;
pub(crate) use media::queue_media_fetch;
pub use media::{MEDIA_LEASE, MediaToFetch};
pub use open::OpenAccount;
