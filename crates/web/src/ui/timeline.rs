//! What a timeline entry says, read alike on the desk's ticket page and the residents' pages.

use chrono::Duration;
use guanjia_domain::sla::StepKind;
use guanjia_domain::ticket::Status;
use guanjia_storage::entity::ticket_event;
use serde_json::Value;

use super::sla_notice::SlaNotice;
use super::text;
use crate::explanation;
use crate::i18n::Lang;

/// A text detail of the entry, when it says something.
pub fn detail<'a>(e: &'a ticket_event::Model, key: &str) -> Option<&'a str> {
    e.details
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Whether the entry is a conversation message the FAQ bot wrote.
pub fn by_bot(e: &ticket_event::Model) -> bool {
    e.action == "conversation_message"
        && detail(e, "sender_kind") == Some(guanjia_domain::conversation::SenderKind::Bot.as_str())
}

/// The statuses the entry moved from and to, named in `lang`.
pub fn statuses(
    e: &ticket_event::Model,
    lang: Lang,
) -> (Option<&'static str>, Option<&'static str>) {
    let status = |s: Option<Status>| s.map(|s| text::status(lang, s));
    (
        status(e.from_status.map(|s| *s)),
        status(e.to_status.map(|s| *s)),
    )
}

/// The words the entry carries: why the system acted, in the reader's language (automatic
/// dispatch's reasons reach staff only; the bot's hand-off notes), else the action's body, note,
/// reason or comment.
pub fn said(e: &ticket_event::Model, lang: Lang) -> Option<String> {
    explanation::in_details(lang, &e.details)
        .or_else(|| {
            detail(e, "step")
                .and_then(StepKind::parse)
                .filter(|step| e.action == "close" && *step == StepKind::AutoClose)
                .map(|_| text::auto_closed(lang).to_owned())
        })
        .or_else(|| {
            let alarm_type = detail(e, "alarm_type")?.parse().ok()?;
            let device_id = detail(e, "device_id")?;
            matches!(e.action.as_str(), "iot_alarm" | "iot_recovered")
                .then(|| text::device_alarm(lang, alarm_type, device_id))
        })
        .or_else(|| {
            let note = detail(e, "bot_note")?.parse().ok()?;
            (e.action == "conversation_message").then(|| text::bot_note(lang, note).to_owned())
        })
        .or_else(|| {
            matches!(e.action.as_str(), "checklist_ticked" | "checklist_unticked")
                .then(|| detail(e, "text").map(str::to_owned))
                .flatten()
        })
        .or_else(|| {
            ["body", "note", "reason", "comment"]
                .into_iter()
                .find_map(|key| detail(e, key))
                .map(str::to_owned)
        })
}

/// The facts of a warning or escalation entry; None for any other entry. Entries written before
/// the share and lateness were stored still give the share, from the step's key.
pub fn sla_notice(e: &ticket_event::Model) -> Option<SlaNotice> {
    if !matches!(
        e.action.as_str(),
        "sla_warning" | "sla_escalation" | "escalation_risk"
    ) {
        return None;
    }
    let d = &e.details;
    let step = detail(e, "step").and_then(StepKind::parse);
    let number = |key: &str| {
        d.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u8::try_from(n).ok())
    };
    Some(SlaNotice {
        clock: detail(e, "clock").and_then(|c| c.parse().ok()),
        percent: number("percent").or(match step {
            Some(StepKind::Warning { percent }) => Some(percent),
            _ => None,
        }),
        late: d
            .get("late_seconds")
            .and_then(Value::as_i64)
            .filter(|s| *s > 0)
            .map(Duration::seconds),
        level: number("level"),
        role: detail(e, "recipient_role").and_then(|r| r.parse().ok()),
        told: d
            .get("recipients")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The materials used, from each resolve entry's `materials`: "角阀 × 1 个", in the order used.
pub fn materials(events: &[ticket_event::Model]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.action == "resolve")
        .filter_map(|e| e.details.get("materials").and_then(Value::as_array))
        .flatten()
        .filter_map(|m| {
            let name = m.get("name")?.as_str()?;
            let quantity = m.get("quantity")?.as_f64()?;
            let unit = m.get("unit").and_then(Value::as_str).unwrap_or_default();
            Some(format!("{name} × {quantity} {unit}").trim_end().to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, details: Value) -> ticket_event::Model {
        ticket_event::Model {
            company_id: "c".into(),
            id: "e".into(),
            ticket_id: "t".into(),
            actor_id: Some("scheduler".into()),
            actor_role: "admin".into(),
            action: action.into(),
            from_status: None,
            to_status: None,
            visibility: guanjia_domain::ticket::Visibility::Internal.into(),
            details,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_bots_messages_carried_into_a_ticket_say_who_spoke_and_what() {
        let handed = entry(
            "conversation_message",
            serde_json::json!({ "direction": "out", "body": null, "sender_kind": "bot", "bot_note": "not_known" }),
        );
        assert!(by_bot(&handed));
        assert_eq!(
            said(&handed, Lang::Zh).as_deref(),
            Some(text::bot_note(
                Lang::Zh,
                guanjia_domain::kb::Handoff::NotKnown
            ))
        );
        assert_eq!(
            said(&handed, Lang::En).as_deref(),
            Some(text::bot_note(
                Lang::En,
                guanjia_domain::kb::Handoff::NotKnown
            ))
        );
        let answered = entry(
            "conversation_message",
            serde_json::json!({ "direction": "out", "body": "物业费按季度缴纳", "sender_kind": "bot", "bot_note": null }),
        );
        assert!(by_bot(&answered));
        assert_eq!(
            said(&answered, Lang::En).as_deref(),
            Some("物业费按季度缴纳")
        );
        let agent = entry(
            "conversation_message",
            serde_json::json!({ "direction": "out", "body": "马上到", "sender_kind": "staff" }),
        );
        assert!(!by_bot(&agent), "an agent's answer is the agent's");
    }

    #[test]
    fn what_the_system_did_reads_in_the_readers_language() {
        let closed = entry(
            "close",
            serde_json::json!({ "action": "close", "step": "auto_close" }),
        );
        assert_eq!(
            said(&closed, Lang::En).as_deref(),
            Some("Not rated within the follow-up period: closed automatically")
        );
        assert_eq!(
            said(&closed, Lang::Zh).as_deref(),
            Some("回访期内未评价，系统自动关闭")
        );
        let warned = entry("sla_warning", serde_json::json!({ "step": "warning:80" }));
        assert_eq!(
            said(&warned, Lang::En),
            None,
            "a warning's step is not words"
        );
        let noted = entry("close", serde_json::json!({ "note": " 已电话确认 " }));
        assert_eq!(
            said(&noted, Lang::En).as_deref(),
            Some("已电话确认"),
            "people's words as written"
        );
    }
}
