//! An order as the platform forwards it (by webhook or in its spreadsheet export), checked before
//! it becomes a ticket.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use crate::phone::normalize_phone;
use crate::taxonomy::Channel;
use crate::ticket::{ContactInput, MAX_DESCRIPTION, TicketInput, check_reported_at};
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Longest order number (工单编号) kept.
pub const MAX_ORDER_NO: usize = 64;
/// Longest street (所属街道) kept.
pub const MAX_STREET: usize = 100;
const MAX_CALLER_NAME: usize = 50;

/// `POST /api/v1/hotline/orders`: one order of the 12345 platform. Times are RFC 3339.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HotlineOrderInput {
    /// The project the order concerns.
    pub project_id: String,
    /// 工单编号: the platform's number, unique within the company; the same number again
    /// updates the order's ticket.
    pub order_no: String,
    /// 来电时间: when the citizen called; the ticket's clocks start here.
    pub received_at: String,
    /// 诉求人
    pub caller_name: Option<String>,
    /// 联系电话
    pub caller_phone: Option<String>,
    /// 诉求内容
    pub content: String,
    /// 签收时限: by when the order must be signed for (taken in); none when the platform sets none.
    pub accept_by: Option<String>,
    /// 办理时限 (办结时限): by when the handling result must be back on the platform.
    pub finish_by: String,
    /// 所属街道
    pub street: Option<String>,
}

/// An order that passed every rule needing no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotlineOrder {
    pub project_id: String,
    pub order_no: String,
    pub received_at: DateTime<Utc>,
    pub caller_name: Option<String>,
    /// In normal form.
    pub caller_phone: Option<String>,
    pub content: String,
    pub accept_by: Option<DateTime<Utc>>,
    pub finish_by: DateTime<Utc>,
    pub street: Option<String>,
}

/// A time the platform sent, or the problem with it.
fn time(p: &mut Problems, field: &str, raw: &str) -> Option<DateTime<Utc>> {
    if raw.trim().is_empty() {
        p.add(field, FieldErrorCode::Required);
        return None;
    }
    let parsed = DateTime::parse_from_rfc3339(raw.trim()).ok();
    if parsed.is_none() {
        p.add(field, FieldErrorCode::Invalid);
    }
    parsed.map(|t| t.with_timezone(&Utc))
}

/// Trimmed, and None when blank.
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl HotlineOrderInput {
    /// Checks every field at once and returns all problems together.
    pub fn validate(self, now: DateTime<Utc>) -> Result<HotlineOrder, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 64);
        let order_no = self.order_no.trim().to_owned();
        p.text("order_no", &order_no, MAX_ORDER_NO);
        // A number is one token: a space inside is a pasting mistake, not part of the number.
        if order_no.chars().any(char::is_whitespace) {
            p.refuse(
                "order_no",
                FieldErrorCode::Invalid,
                Allowed::Length {
                    min: 1,
                    max: MAX_ORDER_NO,
                },
            );
        }
        p.text("content", &self.content, MAX_DESCRIPTION);
        p.optional_text("caller_name", self.caller_name.as_deref(), MAX_CALLER_NAME);
        p.optional_text("street", self.street.as_deref(), MAX_STREET);
        let caller_phone = given(self.caller_phone).and_then(|raw| {
            let normal = normalize_phone(&raw);
            if normal.is_none() {
                p.refuse("caller_phone", FieldErrorCode::Invalid, Allowed::Phone);
            }
            normal
        });
        let received_at = time(&mut p, "received_at", &self.received_at);
        if let Some(at) = received_at {
            check_reported_at(&mut p, "received_at", at, now);
        }
        let finish_by = time(&mut p, "finish_by", &self.finish_by);
        let accept_by = match given(self.accept_by) {
            Some(raw) => time(&mut p, "accept_by", &raw),
            None => None,
        };
        // The platform's deadlines come after the call, and signing for an order comes before
        // finishing it.
        if let (Some(received), Some(finish)) = (received_at, finish_by)
            && finish <= received
        {
            p.add("finish_by", FieldErrorCode::Mismatch);
        }
        if let Some(accept) = accept_by
            && (received_at.is_some_and(|r| accept <= r) || finish_by.is_some_and(|f| accept > f))
        {
            p.add("accept_by", FieldErrorCode::Mismatch);
        }
        let (Some(received_at), Some(finish_by)) = (received_at, finish_by) else {
            return Err(p
                .into_result(())
                .expect_err("a missing time was recorded as a problem"));
        };
        p.into_result(HotlineOrder {
            project_id: self.project_id.trim().to_owned(),
            order_no,
            received_at: received_at.min(now),
            caller_name: given(self.caller_name),
            caller_phone,
            content: self.content.trim().to_owned(),
            accept_by,
            finish_by,
            street: given(self.street),
        })
    }
}

impl HotlineOrder {
    /// The ticket the order opens: on the 12345 channel (which carries escalation risk), told in
    /// the caller's words, its clocks starting at the call.
    pub fn ticket_input(&self) -> TicketInput {
        TicketInput {
            project_id: self.project_id.clone(),
            channel: Channel::Hotline12345.as_str().to_owned(),
            description: self.content.clone(),
            contact: (self.caller_name.is_some() || self.caller_phone.is_some()).then(|| {
                ContactInput {
                    name: self.caller_name.clone(),
                    phone: self.caller_phone.clone(),
                }
            }),
            reported_at: Some(
                self.received_at
                    .to_rfc3339_opts(SecondsFormat::Micros, true),
            ),
            ..TicketInput::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn input() -> HotlineOrderInput {
        HotlineOrderInput {
            project_id: "p1".into(),
            order_no: "GD20261201000123".into(),
            received_at: "2026-12-01T15:30:00+08:00".into(),
            caller_name: Some(" 王女士 ".into()),
            caller_phone: Some("138 0013 8000".into()),
            content: "小区3栋楼下垃圾多日未清运，气味很大".into(),
            accept_by: Some("2026-12-01T17:30:00+08:00".into()),
            finish_by: "2026-12-04T15:30:00+08:00".into(),
            street: Some("翠湖街道".into()),
        }
    }

    fn fields(input: HotlineOrderInput) -> Vec<(String, FieldErrorCode)> {
        input
            .validate(now())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_platform_order_becomes_a_hotline_ticket() {
        let order = input().validate(now()).unwrap();
        assert_eq!(order.caller_phone.as_deref(), Some("13800138000"));
        assert_eq!(order.caller_name.as_deref(), Some("王女士"));
        assert_eq!(order.received_at, now() - Duration::minutes(30));
        let ticket = order.ticket_input();
        assert_eq!(ticket.channel, "hotline_12345");
        assert_eq!(ticket.description, order.content);
        let draft = TicketInput {
            kind: Some("complaint".into()),
            ..ticket
        }
        .validate(now())
        .unwrap();
        assert!(
            draft.escalation_risk,
            "12345 transfers carry escalation risk"
        );
        assert_eq!(draft.reported_at, order.received_at);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let bad = HotlineOrderInput {
            project_id: String::new(),
            order_no: "GD 123".into(),
            received_at: "yesterday".into(),
            caller_phone: Some("12".into()),
            content: " ".into(),
            finish_by: String::new(),
            ..input()
        };
        let found = fields(bad);
        for field in [
            "project_id",
            "order_no",
            "received_at",
            "caller_phone",
            "content",
            "finish_by",
        ] {
            assert!(found.iter().any(|(f, _)| f == field), "{field}: {found:?}");
        }
    }

    #[test]
    fn deadlines_follow_the_call_in_order() {
        let early_finish = HotlineOrderInput {
            finish_by: "2026-12-01T15:00:00+08:00".into(),
            accept_by: None,
            ..input()
        };
        assert_eq!(
            fields(early_finish),
            vec![("finish_by".into(), FieldErrorCode::Mismatch)]
        );
        let late_accept = HotlineOrderInput {
            accept_by: Some("2026-12-05T00:00:00+08:00".into()),
            ..input()
        };
        assert_eq!(
            fields(late_accept),
            vec![("accept_by".into(), FieldErrorCode::Mismatch)]
        );
        let future = HotlineOrderInput {
            received_at: "2026-12-02T15:30:00+08:00".into(),
            accept_by: None,
            finish_by: "2026-12-09T15:30:00+08:00".into(),
            ..input()
        };
        assert_eq!(
            fields(future),
            vec![("received_at".into(), FieldErrorCode::InFuture)]
        );
        let blank_accept = HotlineOrderInput {
            accept_by: Some(" ".into()),
            ..input()
        };
        assert_eq!(blank_accept.validate(now()).unwrap().accept_by, None);
    }
}
