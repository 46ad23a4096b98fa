//! A new ticket as it arrives, and the rules it must pass before it exists.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::Deserialize;

use crate::phone::normalize_phone;
use crate::taxonomy::{Channel, Kind, Urgency, category_kind};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

/// Longest description a ticket may have.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest title; a missing title is cut from the description at this length.
pub const MAX_TITLE: usize = 100;
const DERIVED_TITLE: usize = 30;
/// How far back `reported_at` may lie: imports and calls logged afterwards, not history.
pub const MAX_REPORTED_AGE: Duration = Duration::days(30);
/// Clock skew tolerated between a caller's clock and ours before a time counts as future.
pub const CLOCK_SKEW: Duration = Duration::minutes(2);

/// Checks a time a caller says something happened at: not ahead of our clock by more than the
/// skew, not older than [`MAX_REPORTED_AGE`].
pub fn check_reported_at(p: &mut Problems, field: &str, at: DateTime<Utc>, now: DateTime<Utc>) {
    if at > now + CLOCK_SKEW {
        p.add(field, FieldErrorCode::InFuture);
    } else if at < now - MAX_REPORTED_AGE {
        p.add(field, FieldErrorCode::TooOld);
    }
}

/// Reads the RFC 3339 time a machine reports an event at, checked as [`check_reported_at`]
/// does. Kept to microseconds, as PostgreSQL keeps them, so a repeated event compares equal.
pub fn event_time(
    p: &mut Problems,
    field: &str,
    raw: &str,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let Ok(at) = DateTime::parse_from_rfc3339(raw.trim()) else {
        p.add(field, FieldErrorCode::Invalid);
        return None;
    };
    let at = at.with_timezone(&Utc).trunc_subsecs(6);
    check_reported_at(p, field, at, now);
    Some(at)
}

/// `POST /api/v1/tickets` input. Codes are strings here so that a wrong one is a 422 naming
/// the field, not a parse failure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    pub project_id: String,
    /// app, wechat, phone, front_desk, email, hotline_12345, iot, web
    pub channel: String,
    pub description: String,
    /// repair, complaint, inquiry, service, suggestion, praise; taken from `category` when left out.
    pub kind: Option<String>,
    /// A `kind.category` code from the company's taxonomy.
    pub category: Option<String>,
    /// emergency, urgent, normal (default normal).
    pub urgency: Option<String>,
    pub room_id: Option<String>,
    pub resident_id: Option<String>,
    /// Who to call back when the caller is not a registered resident.
    pub contact: Option<ContactInput>,
    pub title: Option<String>,
    /// Ids of uploaded attachments.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// When the resident actually reported (RFC 3339); SLA clocks start there. Default: now.
    pub reported_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// A checked contact: phone in normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// A ticket input that passed every rule that needs no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDraft {
    pub project_id: String,
    pub channel: Channel,
    pub description: String,
    pub title: String,
    pub kind: Kind,
    pub category: Option<String>,
    pub urgency: Urgency,
    pub room_id: Option<String>,
    pub resident_id: Option<String>,
    pub contact: Option<Contact>,
    pub attachments: Vec<String>,
    pub reported_at: DateTime<Utc>,
    /// Threatens to go over our heads (12345, media, court): flagged at once.
    pub escalation_risk: bool,
    /// The fields message understanding filled in, kept so its accuracy can be measured.
    pub filled_from_text: Vec<&'static str>,
}

/// What message understanding suggests for a ticket's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
}

impl TicketInput {
    /// Fills kind, category and urgency that the caller left out from `suggestion`, never
    /// overriding what they chose; returns the fields it filled.
    pub fn complete(&mut self, suggestion: Suggestion) -> Vec<&'static str> {
        let mut filled = vec![];
        let fits_kind = |category: &str, kind: Option<&str>| {
            kind.is_none_or(|kind| category_kind(category).is_some_and(|k| k.as_str() == kind))
        };
        if self.kind.is_none() && self.category.is_none() && suggestion.kind.is_some() {
            self.kind = suggestion.kind.clone();
            filled.push("kind");
        }
        if self.category.is_none()
            && let Some(category) = suggestion
                .category
                .filter(|c| fits_kind(c, self.kind.as_deref()))
        {
            self.category = Some(category);
            filled.push("category");
        }
        if self.urgency.is_none() && suggestion.urgency.is_some() {
            self.urgency = suggestion.urgency;
            filled.push("urgency");
        }
        filled
    }

    /// Checks every field at once and returns all problems together.
    pub fn validate(self, now: DateTime<Utc>) -> Result<TicketDraft, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 64);
        p.text("description", &self.description, MAX_DESCRIPTION);
        p.optional_text("title", self.title.as_deref(), MAX_TITLE);
        let channel = p.code::<Channel>("channel", &self.channel);
        let urgency = match self.urgency.as_deref() {
            Some(code) => p.code::<Urgency>("urgency", code),
            None => Some(Urgency::Normal),
        };
        let stated_kind = self
            .kind
            .as_deref()
            .and_then(|code| p.code::<Kind>("kind", code));
        let category = self
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let category_prefix = category.map(|code| (code, category_kind(code)));
        let kind = match (stated_kind, category_prefix) {
            (_, Some((_, None))) => {
                p.add("category", FieldErrorCode::Invalid);
                stated_kind
            }
            (Some(kind), Some((_, Some(prefix)))) if kind != prefix => {
                p.add("category", FieldErrorCode::Mismatch);
                Some(kind)
            }
            (Some(kind), _) => Some(kind),
            (None, Some((_, Some(prefix)))) => Some(prefix),
            (None, None) => {
                if self.kind.is_none() {
                    p.add("kind", FieldErrorCode::Required);
                }
                None
            }
        };
        let contact = self.contact.map(|c| {
            let phone = c
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .and_then(|raw| {
                    let normal = normalize_phone(raw);
                    if normal.is_none() {
                        p.add("contact.phone", FieldErrorCode::Invalid);
                    }
                    normal
                });
            p.optional_text("contact.name", c.name.as_deref(), 50);
            Contact {
                name: c
                    .name
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
                phone,
            }
        });
        let reported_at = match self.reported_at.as_deref() {
            None => now,
            Some(raw) => match DateTime::parse_from_rfc3339(raw) {
                Err(_) => {
                    p.add("reported_at", FieldErrorCode::Invalid);
                    now
                }
                Ok(at) => {
                    let at = at.with_timezone(&Utc);
                    check_reported_at(&mut p, "reported_at", at, now);
                    at.min(now)
                }
            },
        };
        let description = self.description.trim().to_owned();
        let title = match self
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
        {
            Some(title) => title,
            None => derive_title(&description),
        };
        let (Some(channel), Some(urgency), Some(kind)) = (channel, urgency, kind) else {
            return Err(p
                .into_result(())
                .expect_err("a missing value was recorded as a problem"));
        };
        p.into_result(TicketDraft {
            project_id: self.project_id,
            channel,
            description,
            title,
            kind,
            category: category.map(str::to_owned),
            urgency,
            room_id: self.room_id.filter(|s| !s.is_empty()),
            resident_id: self.resident_id.filter(|s| !s.is_empty()),
            contact,
            attachments: self.attachments,
            reported_at,
            escalation_risk: channel.carries_escalation_risk(),
            filled_from_text: vec![],
        })
    }
}

/// The first line of the description, cut to a length that fits a queue row.
fn derive_title(description: &str) -> String {
    let first_line = description.lines().next().unwrap_or_default();
    let mut title: String = first_line.chars().take(DERIVED_TITLE).collect();
    if first_line.chars().count() > DERIVED_TITLE {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::FieldError;

    fn input() -> TicketInput {
        TicketInput {
            project_id: "p1".into(),
            channel: "phone".into(),
            description: "3栋2单元1502卫生间天花板漏水".into(),
            kind: Some("repair".into()),
            ..TicketInput::default()
        }
    }

    fn fields(result: Result<TicketDraft, ValidationError>) -> Vec<(String, FieldErrorCode)> {
        result
            .unwrap_err()
            .0
            .into_iter()
            .map(|FieldError { field, code, .. }| (field, code))
            .collect()
    }

    #[test]
    fn a_plain_call_becomes_a_draft_with_defaults() {
        let now = Utc::now();
        let draft = input().validate(now).unwrap();
        assert_eq!(draft.urgency, Urgency::Normal);
        assert_eq!(draft.reported_at, now);
        assert_eq!(draft.title, "3栋2单元1502卫生间天花板漏水");
    }

    #[test]
    fn kind_comes_from_the_category_or_is_required() {
        let now = Utc::now();
        let draft = TicketInput {
            kind: None,
            category: Some("complaint.noise".into()),
            ..input()
        }
        .validate(now)
        .unwrap();
        assert_eq!(draft.kind, Kind::Complaint);
        let missing = TicketInput {
            kind: None,
            ..input()
        }
        .validate(now);
        assert_eq!(
            fields(missing),
            vec![("kind".into(), FieldErrorCode::Required)]
        );
        let mismatch = TicketInput {
            category: Some("complaint.noise".into()),
            ..input()
        }
        .validate(now);
        assert_eq!(
            fields(mismatch),
            vec![("category".into(), FieldErrorCode::Mismatch)]
        );
    }

    #[test]
    fn reported_at_is_within_thirty_days_and_not_ahead() {
        let now = Utc::now();
        let at = |d: Duration| Some((now + d).to_rfc3339());
        let ok = TicketInput {
            reported_at: at(-Duration::days(29)),
            ..input()
        }
        .validate(now)
        .unwrap();
        assert_eq!(
            ok.reported_at.timestamp(),
            (now - Duration::days(29)).timestamp()
        );
        let future = TicketInput {
            reported_at: at(Duration::hours(1)),
            ..input()
        }
        .validate(now);
        assert_eq!(
            fields(future),
            vec![("reported_at".into(), FieldErrorCode::InFuture)]
        );
        let old = TicketInput {
            reported_at: at(-Duration::days(31)),
            ..input()
        }
        .validate(now);
        assert_eq!(
            fields(old),
            vec![("reported_at".into(), FieldErrorCode::TooOld)]
        );
        let garbage = TicketInput {
            reported_at: Some("yesterday".into()),
            ..input()
        }
        .validate(now);
        assert_eq!(
            fields(garbage),
            vec![("reported_at".into(), FieldErrorCode::Invalid)]
        );
    }

    #[test]
    fn suggestions_fill_only_what_the_caller_left_out() {
        let suggestion = Suggestion {
            kind: Some("repair".into()),
            category: Some("repair.elevator".into()),
            urgency: Some("emergency".into()),
        };
        let mut blank = TicketInput {
            kind: None,
            ..input()
        };
        assert_eq!(
            blank.complete(suggestion.clone()),
            ["kind", "category", "urgency"]
        );
        assert_eq!(
            blank.validate(Utc::now()).unwrap().category.as_deref(),
            Some("repair.elevator")
        );
        let mut chosen = TicketInput {
            kind: Some("complaint".into()),
            urgency: Some("normal".into()),
            ..input()
        };
        assert!(
            chosen.complete(suggestion.clone()).is_empty(),
            "a category of another kind is not forced on"
        );
        assert_eq!(chosen.urgency.as_deref(), Some("normal"));
        let mut by_category = TicketInput {
            kind: None,
            category: Some("complaint.noise".into()),
            ..input()
        };
        assert_eq!(by_category.complete(suggestion), ["urgency"]);
        assert_eq!(
            by_category.validate(Utc::now()).unwrap().kind,
            Kind::Complaint
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = TicketInput {
            project_id: String::new(),
            channel: "pigeon".into(),
            description: " ".into(),
            kind: Some("wish".into()),
            urgency: Some("asap".into()),
            contact: Some(ContactInput {
                name: None,
                phone: Some("12345".into()),
            }),
            ..TicketInput::default()
        };
        let mut got: Vec<String> = fields(bad.validate(Utc::now()))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "channel",
                "contact.phone",
                "description",
                "kind",
                "project_id",
                "urgency"
            ]
        );
    }
}
