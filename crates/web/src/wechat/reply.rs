//! An agent's answer in a WeChat conversation, sent back as a customer-service text message
//! (客服消息). WeChat takes one only within 48 hours of the follower's last message; outside it
//! answers 45015, which ends the delivery as failed with WeChat's reason: the agent sees it on
//! the message, and a template message could not carry a free answer anyway.

use guanjia_channels::Senders;
use guanjia_domain::delivery::Outcome;
use guanjia_storage::{Claimed, OpenAccount, Store};

use super::tokens::{StoreTokens, credentials};
use crate::i18n::Lang;
use crate::routes::notifications::said;

pub async fn customer_service(
    store: &Store,
    senders: &Senders,
    account: &OpenAccount,
    c: &Claimed,
    openid: &str,
) -> Outcome {
    // Residents on WeChat read Chinese, as the template messages are written.
    let text = said(&c.notification.details, Lang::Zh);
    senders
        .wechat()
        .send_custom_text(
            &StoreTokens::of(store, account),
            credentials(account),
            openid,
            &text,
        )
        .await
}
