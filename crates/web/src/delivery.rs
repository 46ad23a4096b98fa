//! The delivery worker: every node claims due deliveries with a lease, sends each through the
//! configured provider with no transaction open, and records what the provider answered. It
//! wakes at once when an urgent message (a sign-in code, an emergency) is written on this node,
//! and otherwise looks every `poll` for what other nodes wrote, retries and the end of quiet
//! hours.

use std::time::Duration;

use chrono::{DateTime, Utc};
use guanjia_channels::Senders;
use guanjia_channels::email::Reply;
use guanjia_domain::delivery::{DeliveryChannel, Outcome};
use guanjia_domain::notice::NoticeKind;
use guanjia_storage::{Address, Claimed, DeliverySetup, EmailAnswer, Store};
use tokio::task::JoinSet;

use crate::i18n::Lang;
use crate::routes::notifications::message;

/// Deliveries claimed per round, sent side by side; a full round is followed at once by another.
const BATCH: u64 = 50;

/// What the store needs to know of the senders to plan deliveries: which channels are set up.
pub fn delivery_setup(senders: &Senders) -> Result<DeliverySetup, String> {
    let config = senders.config();
    let mut setup = DeliverySetup::default();
    setup.sms = senders.sms_provider().is_some();
    setup.email = senders.email_config().is_some();
    // Official accounts are registered through the API at any time: a bound resident's WeChat
    // delivery is planned, and skipped (then falls back) where no account or template serves.
    setup.wechat = true;
    setup.quiet_hours = config.quiet_hours()?;
    for robot in &config.wecom.robots {
        match (&robot.team, &robot.project) {
            (Some(team), _) => {
                setup.team_robots.insert(team.clone());
            }
            (None, Some(project)) => {
                setup.project_robots.insert(project.clone());
            }
            (None, None) => {}
        }
    }
    Ok(setup)
}

/// Delivers until the process ends. `node` names this process in the leases.
pub fn spawn_delivery(
    store: Store,
    senders: Senders,
    node: String,
    poll: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let full = match deliver_due(&store, &senders, &node, Utc::now()).await {
                Ok(claimed) => claimed as u64 >= BATCH,
                Err(e) => {
                    tracing::warn!(error = %e, "delivery round failed; retrying shortly");
                    false
                }
            };
            if !full {
                tokio::select! {
                    () = store.deliveries_woken() => {}
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
    })
}

/// One round as of `now`: claims what is due, sends it all side by side, records each answer.
/// Answers how many it claimed.
pub async fn deliver_due(
    store: &Store,
    senders: &Senders,
    node: &str,
    now: DateTime<Utc>,
) -> Result<usize, guanjia_storage::StorageError> {
    let claimed = store.claim_deliveries(node, now, BATCH).await?;
    let count = claimed.len();
    let mut sending = JoinSet::new();
    for c in claimed {
        let (store, senders, node) = (store.clone(), senders.clone(), node.to_owned());
        sending.spawn(async move {
            let (provider, outcome) = send(&store, &senders, &c).await;
            let lag = (Utc::now() - c.notification.created_at).num_milliseconds() as f64 / 1000.0;
            let result = match &outcome {
                Outcome::Sent { .. } => "sent",
                Outcome::Failed(f) if f.permanent => "failed",
                Outcome::Failed(_) => "retry",
                Outcome::Skipped { .. } => "skipped",
            };
            metrics::counter!("guanjia_deliveries_total", "channel" => c.channel.as_str(), "result" => result)
                .increment(1);
            if result == "sent" {
                metrics::histogram!("guanjia_delivery_lag_seconds", "channel" => c.channel.as_str())
                    .record(lag);
            }
            let finished = now.max(Utc::now());
            if let Err(e) = store
                .finish_delivery(&node, &c, provider, &outcome, finished)
                .await
            {
                tracing::warn!(error = %e, delivery = %c.delivery.id, "recording a delivery failed; its lease will expire and it is sent again");
            }
        });
    }
    while sending.join_next().await.is_some() {}
    Ok(count)
}

/// Sends one claimed delivery: the provider that answered, and what it said.
async fn send(store: &Store, senders: &Senders, c: &Claimed) -> (&'static str, Outcome) {
    let kind = c.notification.kind.parse::<NoticeKind>();
    match (&c.address, c.channel, kind) {
        (_, _, Err(_)) => (
            "none",
            skipped("unknown_kind", "a newer version wrote this kind"),
        ),
        (Address::Phone(phone), DeliveryChannel::Sms, Ok(kind)) => {
            let provider = senders.sms_provider().map_or("none", |p| p.as_str());
            let outcome = senders
                .sms(phone, kind, &c.notification.details, &c.delivery.id)
                .await;
            (provider, outcome)
        }
        (
            Address::Robot {
                robot,
                webhook_key,
                mentions,
            },
            DeliveryChannel::Wecom,
            Ok(_),
        ) => {
            let key = webhook_key
                .as_deref()
                .or_else(|| senders.configured_robot_key(robot));
            let Some(key) = key else {
                return (
                    "wecom",
                    skipped(
                        "robot_not_configured",
                        &format!("no active WeCom robot {robot} is set up"),
                    ),
                );
            };
            let names: Vec<&str> = mentions.iter().map(|m| m.name.as_str()).collect();
            let phones: Vec<&str> = mentions.iter().filter_map(|m| m.phone.as_deref()).collect();
            let text = format!(
                "{}：{}",
                names.join("、"),
                message(&c.notification, Lang::Zh)
            );
            ("wecom", senders.robot(key, &text, &phones).await)
        }
        (Address::Email(answer), DeliveryChannel::Email, Ok(_)) => {
            let text = c.notification.details["text"].as_str().unwrap_or_default();
            (
                "smtp",
                senders.email(&email_reply(senders, answer, text)).await,
            )
        }
        (Address::WechatOpenid { account, openid }, DeliveryChannel::Wechat, Ok(kind)) => (
            "wechat",
            crate::wechat::send::to_resident(store, senders, c, account, openid, kind).await,
        ),
        _ => (
            "none",
            skipped("no_address", "the recipient has no address on this channel"),
        ),
    }
}

/// An answer as a reply in its thread. Its Message-ID is made of our id of the answer and the
/// mailbox's domain, so a resident's reply to it is known by it ([`Store::receive_message`]).
fn email_reply(senders: &Senders, answer: &EmailAnswer, text: &str) -> Reply {
    let domain = senders
        .email_config()
        .and_then(|e| e.from_address().rsplit_once('@'))
        .map_or("localhost", |(_, domain)| domain);
    Reply {
        to: answer.to.clone(),
        subject: answer.subject.clone().unwrap_or_default(),
        message_id: format!("{}@{domain}", answer.answer_id),
        in_reply_to: answer.in_reply_to.clone(),
        references: answer.references.clone(),
        text: text.to_owned(),
    }
}

fn skipped(code: &str, reason: &str) -> Outcome {
    Outcome::Skipped {
        code: code.to_owned(),
        reason: reason.to_owned(),
    }
}
