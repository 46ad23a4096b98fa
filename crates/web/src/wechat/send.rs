//! Notifications to residents bound to an official account, as template messages: the
//! account that speaks for the ticket's project, the template its admin chose for the kind, each
//! of the template's keys filled with a fact in zh-CN. A kind without a template is skipped with
//! that reason (and the delivery falls back to SMS where the resident has it).

use chrono_tz::Tz;
use guanjia_channels::Senders;
use guanjia_channels::wechat::TemplateMessage;
use guanjia_domain::delivery::Outcome;
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::place::DEFAULT_TIME_ZONE;
use guanjia_domain::wechat::TemplateSetting;
use guanjia_storage::{Claimed, Store};
use serde_json::Value;

use super::tokens::{StoreTokens, credentials};
use crate::i18n::Lang;
use crate::routes::notifications::message;

/// Sends a claimed notification to `openid`, a follower of the account `app_id` (empty when
/// not known): a conversation's reply as a customer-service message, anything else as the
/// kind's template message.
pub async fn to_resident(
    store: &Store,
    senders: &Senders,
    c: &Claimed,
    app_id: &str,
    openid: &str,
    kind: NoticeKind,
) -> Outcome {
    let n = &c.notification;
    let account = match store
        .wechat_sending_account(&n.company_id, Some(app_id), n.ticket_id.as_deref())
        .await
    {
        Ok(Some(account)) => account,
        Ok(None) => {
            return skipped(
                "no_wechat_account",
                "no active official account speaks for this project",
            );
        }
        Err(e) => return temporary("store", &e.to_string()),
    };
    if kind == NoticeKind::ConversationReply {
        return super::reply::customer_service(store, senders, &account, c, openid).await;
    }
    let Some(template) = account.templates.get(&kind) else {
        return skipped(
            "no_template",
            &format!("no WeChat template is configured for {kind}"),
        );
    };
    let link = link(senders, &n.details);
    let data = fill(template, c, link.as_deref());
    let message = TemplateMessage {
        openid,
        template_id: &template.template_id,
        url: link.as_deref(),
        data: &data,
        client_msg_id: &c.delivery.id,
    };
    senders
        .wechat()
        .send_template(
            &StoreTokens::of(store, &account),
            credentials(&account),
            message,
        )
        .await
}

/// The resident's link of a notification (a rating link's page), when the public URL is set.
fn link(senders: &Senders, details: &Value) -> Option<String> {
    let path = details["path"].as_str()?;
    let base = senders.config().public_url.as_deref()?;
    Some(format!("{}{path}", base.trim_end_matches('/')))
}

/// Each template key's value: `message` is the notification in zh-CN, `time` when it was
/// written (the project's default zone), `link` the resident's link, any other name a detail.
fn fill(template: &TemplateSetting, c: &Claimed, link: Option<&str>) -> Vec<(String, String)> {
    let n = &c.notification;
    let zone: Tz = DEFAULT_TIME_ZONE.parse().unwrap_or(Tz::Asia__Shanghai);
    template
        .fields
        .iter()
        .map(|(key, fact)| {
            let value = match fact.as_str() {
                "message" => message(n, Lang::Zh),
                "time" => n
                    .created_at
                    .with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                "link" => link.unwrap_or_default().to_owned(),
                name => match &n.details[name] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                },
            };
            (key.clone(), value)
        })
        .collect()
}

fn skipped(code: &str, reason: &str) -> Outcome {
    Outcome::Skipped {
        code: code.to_owned(),
        reason: reason.to_owned(),
    }
}

fn temporary(code: &str, reason: &str) -> Outcome {
    Outcome::Failed(guanjia_domain::delivery::Failure {
        code: code.to_owned(),
        reason: reason.chars().take(200).collect(),
        permanent: false,
        retry_after: None,
    })
}
