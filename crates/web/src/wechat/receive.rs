//! What the callback does with a push it has read: the passive reply, if any.

use chrono::{DateTime, Utc};
use guanjia_channels::wechat::{Event, Inbound, InboundBody, text_reply};
use guanjia_storage::OpenAccount;

use crate::error::ApiResult;
use crate::state::AppState;

/// Takes a push in and says what to answer at once (None: `success`).
pub async fn receive(
    _state: &AppState,
    account: &OpenAccount,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> ApiResult<Option<String>> {
    Ok(passive_reply(account, inbound, now))
}

/// A new follower is told where to write; everything else is answered later, by a person,
/// through customer-service messages.
fn passive_reply(account: &OpenAccount, inbound: &Inbound, now: DateTime<Utc>) -> Option<String> {
    match &inbound.body {
        InboundBody::Event(Event::Subscribe { .. }) => Some(text_reply(
            &inbound.from,
            &inbound.to,
            now,
            &format!(
                "您好，欢迎关注{}！报修、投诉或咨询，请直接在这里留言，客服会尽快回复您。",
                account.name
            ),
        )),
        _ => None,
    }
}
