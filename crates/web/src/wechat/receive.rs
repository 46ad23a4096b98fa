//! What the callback does with a push it has read: a message (and the events people make:
//! follow, unfollow, a menu tap) becomes an `InboundMessage` received the one way every channel's
//! messages are; the sender is known by their openid on this account (its AppID). Pushes that say
//! nothing a person wrote or did (a position report, a QR scan by a follower, a template's
//! delivery report) and videos (which conversations do not carry) are answered, not stored.

use chrono::{DateTime, Utc};
use guanjia_channels::wechat::{Event, Inbound, InboundBody, text_reply};
use guanjia_domain::conversation::{
    Body, ContactKind, ContactPoint, Event as Happened, InboundMessage, ProjectHint,
};
use guanjia_domain::taxonomy::Channel;
use guanjia_storage::OpenAccount;

use crate::error::ApiResult;
use crate::state::AppState;

/// Takes a push in (stored once however often WeChat sends it) and says what to answer at
/// once (None: `success`).
pub async fn receive(
    state: &AppState,
    account: &OpenAccount,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> ApiResult<Option<String>> {
    if let Some(message) = inbound_message(account, inbound)? {
        state
            .store
            .receive_message(&account.company_id, message, now)
            .await?;
    }
    Ok(passive_reply(account, inbound, now))
}

/// The push as the one input of receiving; None for what is not kept.
fn inbound_message(account: &OpenAccount, inbound: &Inbound) -> ApiResult<Option<InboundMessage>> {
    let non_empty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let body = match &inbound.body {
        InboundBody::Text { content } => Body::Text(content.clone()),
        InboundBody::Image { pic_url, media_id } => Body::Image {
            url: non_empty(pic_url),
            media_id: non_empty(media_id),
        },
        InboundBody::Voice {
            media_id,
            recognition,
            ..
        } => Body::Voice {
            media_id: media_id.clone(),
            transcript: recognition.clone(),
        },
        InboundBody::Location {
            latitude,
            longitude,
            label,
        } => Body::Location {
            lat: *latitude,
            lon: *longitude,
            label: non_empty(label),
        },
        InboundBody::Link {
            title,
            description,
            url,
        } => Body::Text(
            [title.as_str(), description.as_str(), url.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        InboundBody::Event(Event::Subscribe { .. }) => Body::Event(Happened::Subscribe),
        InboundBody::Event(Event::Unsubscribe) => Body::Event(Happened::Unsubscribe),
        InboundBody::Event(Event::Click { key }) => {
            Body::Event(Happened::MenuClick { key: key.clone() })
        }
        InboundBody::Event(Event::View { url }) => {
            Body::Event(Happened::MenuClick { key: url.clone() })
        }
        InboundBody::Event(_) | InboundBody::Video { .. } | InboundBody::Other { .. } => {
            return Ok(None);
        }
    };
    let sender = ContactPoint::new(
        "FromUserName",
        ContactKind::Wechat,
        Some(&account.app_id),
        &inbound.from,
    )?;
    Ok(Some(InboundMessage {
        channel: Channel::Wechat,
        external_id: Some(inbound.dedupe_key()),
        sender,
        project: account
            .project_id
            .clone()
            .map_or(ProjectHint::OfSender, ProjectHint::Given),
        sent_at: inbound.created_at,
        body,
        thread: None,
    }))
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
