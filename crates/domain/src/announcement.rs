//! 公告: a notice staff write to the residents of a project, or of some of its buildings, units,
//! room kinds, tiers or tags; sent now or at a set time, read on the residents' notice board and
//! delivered on each one's channel. Critical ones ask for an acknowledgement (已知晓), and who
//! has not read or acknowledged it is reminded once. The rules here need no I/O.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::place::RoomKind;
use crate::resident::ServiceTier;
use crate::role::Role;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// What an announcement is about.
    pub enum AnnouncementCategory ("announcement category") {
        /// 停水停电.
        Outage = "outage",
        /// 维修施工.
        Works = "works",
        /// 缴费提醒.
        Billing = "billing",
        /// 社区活动.
        Event = "event",
        /// 安全提示.
        Safety = "safety",
        /// 其他.
        Other = "other",
    }
}

code_enum! {
    /// Where an announcement stands.
    pub enum AnnouncementState ("announcement state") {
        /// Waits for its `send_at`; the scheduler sends it.
        Scheduled = "scheduled",
        /// Its recipients are written and their notifications queued.
        Sent = "sent",
        /// Taken back: a scheduled one is never sent; a sent one leaves the notice board.
        Withdrawn = "withdrawn",
    }
}

pub const MAX_TITLE: usize = 100;
pub const MAX_BODY: usize = 20_000;
/// Buildings, units or tags one announcement may name.
pub const MAX_TARGETS: usize = 200;
pub const MAX_TAG: usize = 40;
/// A resident carries at most this many tags.
pub const MAX_TAGS: usize = 20;
/// How long after sending the unread (or, when it asks for one, the unacknowledged) are
/// reminded, unless the announcement says otherwise.
pub const DEFAULT_REMIND_AFTER_HOURS: i64 = 24;
pub const MAX_REMIND_AFTER_HOURS: i64 = 24 * 14;
/// How far ahead an announcement may be scheduled.
pub const MAX_SCHEDULE_DAYS: i64 = 365;

/// A unit (单元) of a building.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitRef {
    pub building_id: String,
    /// As the rooms name it, e.g. 2单元.
    pub unit: String,
}

/// Who an announcement is for, within its project. Each list given narrows the audience to
/// residents matching one of its entries; lists left out or empty do not narrow it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Audience {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub building_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitRef>,
    /// basic, premium
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub tiers: Vec<ServiceTier>,
    /// Resident tag codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// residential, shop, office, parking
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub room_kinds: Vec<RoomKind>,
}

/// The audience as sent: codes still unchecked.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AudienceInput {
    pub building_ids: Option<Vec<String>>,
    pub units: Option<Vec<UnitRef>>,
    /// basic, premium
    pub tiers: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    /// residential, shop, office, parking
    pub room_kinds: Option<Vec<String>>,
}

/// `POST /api/v1/announcements` and its preview.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnnouncementInput {
    pub project_id: String,
    pub title: String,
    /// Markdown; images as `![说明](/api/v1/photos/ID)` from the photo upload.
    pub body: String,
    /// outage (停水停电), works (维修施工), billing (缴费提醒), event (社区活动), safety (安全提示),
    /// other (其他)
    pub category: String,
    /// Left out: every resident of the project.
    pub audience: Option<AudienceInput>,
    /// Critical: residents are asked to acknowledge it (已知晓).
    pub requires_ack: Option<bool>,
    /// When to send it; left out or past: now.
    pub send_at: Option<DateTime<Utc>>,
    /// After how many hours the unread (or unacknowledged) are reminded once; default 24.
    pub remind_after_hours: Option<i64>,
}

/// An announcement that passed every rule needing no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnouncement {
    pub project_id: String,
    pub title: String,
    pub body: String,
    pub category: AnnouncementCategory,
    pub audience: Audience,
    pub requires_ack: bool,
    /// None: now.
    pub send_at: Option<DateTime<Utc>>,
    pub remind_after: Duration,
}

impl AudienceInput {
    /// The audience alone, to count whom it reaches before writing the announcement.
    pub fn into_audience(self) -> Result<Audience, ValidationError> {
        let mut p = Problems::new();
        let audience = self.validate(&mut p);
        p.into_result(audience)
    }

    fn validate(self, p: &mut Problems) -> Audience {
        let building_ids = p.project_ids("audience.building_ids", self.building_ids, MAX_TARGETS);
        let mut units: Vec<UnitRef> = self
            .units
            .unwrap_or_default()
            .into_iter()
            .map(|u| UnitRef {
                building_id: u.building_id.trim().to_owned(),
                unit: u.unit.trim().to_owned(),
            })
            .collect();
        units.sort();
        units.dedup();
        if units.len() > MAX_TARGETS {
            too_many(p, "audience.units");
        }
        for (i, u) in units.iter().enumerate() {
            p.text(
                &format!("audience.units[{i}].building_id"),
                &u.building_id,
                64,
            );
            p.text(&format!("audience.units[{i}].unit"), &u.unit, 50);
        }
        let tags = tag_codes(p, "audience.tags", self.tags.unwrap_or_default());
        Audience {
            building_ids,
            units,
            tiers: optional_codes(p, "audience.tiers", self.tiers, ServiceTier::ALL),
            tags,
            room_kinds: optional_codes(p, "audience.room_kinds", self.room_kinds, RoomKind::ALL),
        }
    }
}

impl AnnouncementInput {
    /// Checks the input as of `now`: a `send_at` in the past means now.
    pub fn validate(self, now: DateTime<Utc>) -> Result<NewAnnouncement, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 64);
        p.text("title", &self.title, MAX_TITLE);
        p.text("body", &self.body, MAX_BODY);
        let category = p.one_of("category", self.category.trim(), AnnouncementCategory::ALL);
        let audience = self.audience.unwrap_or_default().validate(&mut p);
        let hours = self
            .remind_after_hours
            .unwrap_or(DEFAULT_REMIND_AFTER_HOURS);
        if !(1..=MAX_REMIND_AFTER_HOURS).contains(&hours) {
            p.refuse(
                "remind_after_hours",
                FieldErrorCode::OutOfRange,
                Allowed::Range {
                    min: 1,
                    max: MAX_REMIND_AFTER_HOURS,
                },
            );
        }
        if self
            .send_at
            .is_some_and(|at| at > now + Duration::days(MAX_SCHEDULE_DAYS))
        {
            p.refuse(
                "send_at",
                FieldErrorCode::OutOfRange,
                Allowed::Range {
                    min: 0,
                    max: MAX_SCHEDULE_DAYS,
                },
            );
        }
        p.into_result(NewAnnouncement {
            project_id: self.project_id.trim().to_owned(),
            title: self.title.trim().to_owned(),
            body: self.body,
            category: category.unwrap_or(AnnouncementCategory::Other),
            audience,
            requires_ack: self.requires_ack.unwrap_or(false),
            send_at: self.send_at.filter(|at| *at > now),
            // Clamped so a refused value never reaches chrono (which panics past its range).
            remind_after: Duration::hours(hours.clamp(1, MAX_REMIND_AFTER_HOURS)),
        })
    }
}

fn too_many(p: &mut Problems, field: &str) {
    p.refuse(
        field,
        FieldErrorCode::TooLong,
        Allowed::Range {
            min: 0,
            max: MAX_TARGETS as i64,
        },
    );
}

/// An optional list of closed-vocabulary codes: sorted, without repeats.
fn optional_codes<T: std::str::FromStr + Copy + Ord + std::fmt::Display>(
    p: &mut Problems,
    field: &str,
    values: Option<Vec<String>>,
    all: &[T],
) -> Vec<T> {
    match values {
        Some(values) if !values.is_empty() => p.codes(field, &values, all),
        _ => vec![],
    }
}

/// Tag codes: lower-case ASCII letters, digits, `_` and `-`, at most [`MAX_TAG`] long; sorted,
/// without repeats.
pub fn tag_codes(p: &mut Problems, field: &str, values: Vec<String>) -> Vec<String> {
    let mut codes: Vec<String> = values.into_iter().map(|v| v.trim().to_owned()).collect();
    codes.sort();
    codes.dedup();
    if codes.len() > MAX_TARGETS {
        too_many(p, field);
    }
    for (i, code) in codes.iter().enumerate() {
        if !is_tag_code(code) {
            p.refuse(
                format!("{field}[{i}]"),
                FieldErrorCode::Invalid,
                Allowed::Length {
                    min: 1,
                    max: MAX_TAG,
                },
            );
        }
    }
    codes
}

fn is_tag_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_TAG
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// One tag as staff set it on a resident.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    /// Lower-case letters, digits, `_`, `-`: e.g. `elderly_alone`, `vip`.
    pub code: String,
    /// Shown to butlers, managers and admins only (独居老人, 残障…); setting one records that
    /// the resident consented, by whom and when.
    #[serde(default)]
    pub sensitive: bool,
}

/// `PUT /api/v1/residents/{id}/tags`: the resident's whole set of tags.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagsInput {
    pub tags: Vec<TagInput>,
}

impl TagsInput {
    /// The tags sorted by code, one per code.
    pub fn validate(self) -> Result<Vec<TagInput>, ValidationError> {
        let mut p = Problems::new();
        let mut tags = self.tags;
        tags.iter_mut()
            .for_each(|t| t.code = t.code.trim().to_owned());
        tags.sort();
        tags.dedup_by(|a, b| a.code == b.code);
        if tags.len() > MAX_TAGS {
            p.refuse(
                "tags",
                FieldErrorCode::TooLong,
                Allowed::Range {
                    min: 0,
                    max: MAX_TAGS as i64,
                },
            );
        }
        for (i, t) in tags.iter().enumerate() {
            if !is_tag_code(&t.code) {
                p.refuse(
                    format!("tags[{i}].code"),
                    FieldErrorCode::Invalid,
                    Allowed::Length {
                        min: 1,
                        max: MAX_TAG,
                    },
                );
            }
        }
        p.into_result(tags)
    }
}

/// Sensitive tags (独居老人, 残障…) are for butlers, managers and admins only: the butler is who
/// looks after the household.
pub fn sees_sensitive_tags(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Manager | Role::Butler)
}

/// 触达率: the share of recipients who read it, 0 when there are none.
pub fn read_rate(recipients: u64, read: u64) -> f64 {
    if recipients == 0 {
        0.0
    } else {
        read as f64 / recipients as f64
    }
}

/// Whether a recipient still owes what the announcement asks: an acknowledgement when it
/// requires one, else a read.
pub fn outstanding(
    requires_ack: bool,
    read_at: Option<DateTime<Utc>>,
    acknowledged_at: Option<DateTime<Utc>>,
) -> bool {
    if requires_ack {
        acknowledged_at.is_none()
    } else {
        read_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AnnouncementInput {
        AnnouncementInput {
            project_id: "p1".into(),
            title: " 停水通知 ".into(),
            body: "明天 9:00-12:00 停水".into(),
            category: "outage".into(),
            audience: None,
            requires_ack: None,
            send_at: None,
            remind_after_hours: None,
        }
    }

    #[test]
    fn a_plain_announcement_goes_to_the_whole_project_now_with_a_day_to_read_it() {
        let now = Utc::now();
        let a = input().validate(now).unwrap();
        assert_eq!(a.title, "停水通知");
        assert_eq!(a.category, AnnouncementCategory::Outage);
        assert_eq!(a.audience, Audience::default());
        assert!(!a.requires_ack);
        assert_eq!(a.send_at, None);
        assert_eq!(a.remind_after, Duration::hours(24));
    }

    #[test]
    fn a_past_send_at_means_now_and_a_future_one_schedules() {
        let now = Utc::now();
        let mut past = input();
        past.send_at = Some(now - Duration::minutes(1));
        assert_eq!(past.validate(now).unwrap().send_at, None);
        let mut later = input();
        later.send_at = Some(now + Duration::hours(2));
        assert_eq!(
            later.validate(now).unwrap().send_at,
            Some(now + Duration::hours(2))
        );
        let mut too_far = input();
        too_far.send_at = Some(now + Duration::days(400));
        assert_eq!(too_far.validate(now).unwrap_err().0[0].field, "send_at");
    }

    #[test]
    fn a_reminder_delay_beyond_any_calendar_is_refused_not_a_panic() {
        // Found by the API fuzz: chrono panics on hours past its range.
        for hours in [i64::MAX - 1, i64::MIN, 0] {
            let mut far = input();
            far.remind_after_hours = Some(hours);
            let refused = far.validate(Utc::now()).unwrap_err();
            assert_eq!(refused.0[0].field, "remind_after_hours");
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = input();
        bad.title = " ".into();
        bad.category = "gossip".into();
        bad.remind_after_hours = Some(0);
        bad.audience = Some(AudienceInput {
            tiers: Some(vec!["gold".into()]),
            room_kinds: Some(vec!["shop".into(), "castle".into()]),
            tags: Some(vec!["独居".into()]),
            units: Some(vec![UnitRef {
                building_id: "b".into(),
                unit: "".into(),
            }]),
            ..Default::default()
        });
        let fields: Vec<String> = bad
            .validate(Utc::now())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "title",
                "category",
                "audience.units[0].unit",
                "audience.tags[0]",
                "audience.tiers[0]",
                "audience.room_kinds[1]",
                "remind_after_hours"
            ]
        );
    }

    #[test]
    fn audience_lists_are_sorted_without_repeats() {
        let mut a = input();
        a.audience = Some(AudienceInput {
            building_ids: Some(vec!["b2".into(), "b1".into(), "b2".into()]),
            room_kinds: Some(vec!["shop".into(), "office".into(), "shop".into()]),
            tags: Some(vec!["vip".into(), "elderly".into()]),
            ..Default::default()
        });
        let audience = a.validate(Utc::now()).unwrap().audience;
        assert_eq!(audience.building_ids, ["b1", "b2"]);
        assert_eq!(audience.room_kinds, [RoomKind::Shop, RoomKind::Office]);
        assert_eq!(audience.tags, ["elderly", "vip"]);
    }

    #[test]
    fn tags_are_codes_one_per_code() {
        let tags = TagsInput {
            tags: vec![
                TagInput {
                    code: "vip".into(),
                    sensitive: false,
                },
                TagInput {
                    code: " elderly_alone ".into(),
                    sensitive: true,
                },
                TagInput {
                    code: "vip".into(),
                    sensitive: true,
                },
            ],
        }
        .validate()
        .unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].code, "elderly_alone");
        let bad = TagsInput {
            tags: vec![TagInput {
                code: "Has Space".into(),
                sensitive: false,
            }],
        };
        assert_eq!(bad.validate().unwrap_err().0[0].field, "tags[0].code");
    }

    #[test]
    fn read_rate_and_what_is_outstanding() {
        assert_eq!(read_rate(0, 0), 0.0);
        assert_eq!(read_rate(4, 1), 0.25);
        let now = Some(Utc::now());
        assert!(outstanding(false, None, None));
        assert!(!outstanding(false, now, None));
        assert!(outstanding(true, now, None));
        assert!(!outstanding(true, now, now));
    }
}
