//! 业主画像: what staff record about a household beyond who lives there — important dates and
//! preferences — who its butler (管家) is, and the order of its one history across channels.
//! The rules here need no I/O.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::role::Role;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// What an important date marks.
    pub enum ImportantDateKind ("important date kind") {
        /// 生日: comes round every year.
        Birthday = "birthday",
        /// 入住: its anniversary comes round every year.
        MoveIn = "move_in",
        /// 其他: that one day.
        Other = "other",
    }
}

code_enum! {
    /// What an entry of a household's history is.
    pub enum HistoryKind ("history kind") {
        /// A ticket the household reported.
        Ticket = "ticket",
        /// A conversation with one of its members, on any channel.
        Conversation = "conversation",
        /// A rating given on a resolved ticket.
        Rating = "rating",
        /// An announcement a member read (or acknowledged).
        Announcement = "announcement",
    }
}

/// A household carries at most this many important dates.
pub const MAX_DATES: usize = 20;
pub const MAX_DATE_LABEL: usize = 50;

/// A date that matters to a household, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportantDate {
    pub kind: ImportantDateKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    /// The member it belongs to; none for the household as a whole.
    #[serde(default)]
    pub resident_id: Option<String>,
    /// A few words (e.g. 结婚纪念日).
    #[serde(default)]
    pub label: Option<String>,
}

impl ImportantDate {
    /// Whether the date falls on `day`: birthdays and move-ins every year (29 February on
    /// 28 February when the year has none), other dates on that one day.
    pub fn falls_on(&self, day: NaiveDate) -> bool {
        match self.kind {
            ImportantDateKind::Other => self.date == day,
            ImportantDateKind::Birthday | ImportantDateKind::MoveIn => {
                let (month, mut date) = (self.date.month(), self.date.day());
                if month == 2 && date == 29 && NaiveDate::from_ymd_opt(day.year(), 2, 29).is_none()
                {
                    date = 28;
                }
                day.month() == month && day.day() == date && day >= self.date
            }
        }
    }
}

/// How a household likes to be reached. The preferred channel stays on each resident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// 勿早于: no calls before this local time.
    #[serde(default)]
    pub call_not_before: Option<NaiveTime>,
}

/// What is stored about a household besides its members: the facts, worded by each reader.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdFacts {
    #[serde(default)]
    pub important_dates: Vec<ImportantDate>,
    #[serde(default)]
    pub preferences: Preferences,
}

impl HouseholdFacts {
    /// The important dates falling on `day`.
    pub fn dates_on(&self, day: NaiveDate) -> impl Iterator<Item = &ImportantDate> {
        self.important_dates.iter().filter(move |d| d.falls_on(day))
    }
}

/// One important date as sent.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportantDateInput {
    /// birthday, move_in, other
    pub kind: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub resident_id: Option<String>,
    pub label: Option<String>,
}

/// Preferences as sent.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// HH:MM (e.g. 09:00); null: any time.
    pub call_not_before: Option<String>,
}

/// `PUT /api/v1/households/{id}/profile`: each part given replaces what is stored; a part left
/// out stays as it is.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    pub important_dates: Option<Vec<ImportantDateInput>>,
    pub preferences: Option<PreferencesInput>,
}

/// A profile change that passed every rule needing no stored data. The members a date names
/// are checked against the household by storage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChange {
    pub important_dates: Option<Vec<ImportantDate>>,
    pub preferences: Option<Preferences>,
}

impl ProfileChange {
    /// The stored facts with this change made.
    pub fn apply(&self, mut facts: HouseholdFacts) -> HouseholdFacts {
        if let Some(dates) = &self.important_dates {
            facts.important_dates = dates.clone();
        }
        if let Some(preferences) = &self.preferences {
            facts.preferences = preferences.clone();
        }
        facts
    }
}

impl ProfileInput {
    pub fn validate(self) -> Result<ProfileChange, ValidationError> {
        let mut p = Problems::new();
        let important_dates = self.important_dates.map(|dates| {
            if dates.len() > MAX_DATES {
                p.refuse(
                    "important_dates",
                    FieldErrorCode::TooLong,
                    Allowed::Range {
                        min: 0,
                        max: MAX_DATES as i64,
                    },
                );
            }
            let mut valid: Vec<ImportantDate> = dates
                .into_iter()
                .enumerate()
                .filter_map(|(i, d)| date(&mut p, i, d))
                .collect();
            valid.sort_by_key(|a| (a.date, a.kind));
            valid
        });
        let preferences = self.preferences.map(|input| Preferences {
            call_not_before: input.call_not_before.and_then(|raw| {
                let time = NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok();
                if time.is_none() {
                    p.add("preferences.call_not_before", FieldErrorCode::Invalid);
                }
                time
            }),
        });
        p.into_result(ProfileChange {
            important_dates,
            preferences,
        })
    }
}

fn date(p: &mut Problems, i: usize, input: ImportantDateInput) -> Option<ImportantDate> {
    let field = |name: &str| format!("important_dates[{i}].{name}");
    let kind = p.one_of(&field("kind"), input.kind.trim(), ImportantDateKind::ALL);
    let date = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        p.add(field("date"), FieldErrorCode::Invalid);
    }
    let label = input
        .label
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    p.optional_text(&field("label"), label.as_deref(), MAX_DATE_LABEL);
    let resident_id = input
        .resident_id
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if let Some(id) = &resident_id {
        p.text(&field("resident_id"), id, 64);
    }
    Some(ImportantDate {
        kind: kind?,
        date: date?,
        resident_id,
        label,
    })
}

code_enum! {
    /// How a household came to have its butler.
    pub enum ButlerSource ("butler source") {
        /// Set on the household by hand.
        Household = "household",
        /// The building's butler.
        Building = "building",
    }
}

/// A household's butler: the one set on it by hand, else its building's.
pub fn household_butler<'a>(
    by_hand: Option<&'a str>,
    by_building: Option<&'a str>,
) -> Option<(&'a str, ButlerSource)> {
    by_hand
        .map(|id| (id, ButlerSource::Household))
        .or(by_building.map(|id| (id, ButlerSource::Building)))
}

/// Who may see a household's phones in full on its profile: those who call it (its butler,
/// and whoever oversees the project); the others see them masked.
pub fn profile_shows_phones(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::Manager | Role::Supervisor | Role::Butler
    )
}

/// Where a household's history page stands: the last entry seen, newest first by time, then
/// kind, then id (all descending), so equal times never skip or repeat an entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HistoryCursor {
    pub at: DateTime<Utc>,
    pub kind: HistoryKind,
    pub id: String,
}

impl HistoryCursor {
    /// Reads a cursor as [`HistoryCursor::to_param`] wrote it; None when it is not one.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.splitn(3, '~');
        let at = parts.next()?.parse::<i64>().ok()?;
        let kind = parts.next()?.parse().ok()?;
        let id = parts.next()?.to_owned();
        Some(HistoryCursor {
            at: DateTime::from_timestamp_micros(at)?,
            kind,
            id,
        })
    }

    /// Microseconds, kind and id: what PostgreSQL keeps of a time, so a cursor finds its entry.
    pub fn to_param(&self) -> String {
        format!("{}~{}~{}", self.at.timestamp_micros(), self.kind, self.id)
    }
}

/// The newest `limit` entries of several sources, each already newest first and holding at
/// least `limit` entries past the cursor when it has them; and the cursor of the next page.
pub fn merge_history<T>(
    sources: Vec<Vec<(HistoryCursor, T)>>,
    limit: usize,
) -> (Vec<(HistoryCursor, T)>, Option<HistoryCursor>) {
    let mut all: Vec<(HistoryCursor, T)> = sources.into_iter().flatten().collect();
    all.sort_by(|a, b| b.0.cmp(&a.0));
    let more = all.len() > limit;
    all.truncate(limit);
    let next = more.then(|| all.last().map(|(c, _)| c.clone())).flatten();
    (all, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn on(kind: ImportantDateKind, date: &str) -> ImportantDate {
        ImportantDate {
            kind,
            date: day(date),
            resident_id: None,
            label: None,
        }
    }

    #[test]
    fn birthdays_come_round_every_year_and_other_dates_once() {
        let birthday = on(ImportantDateKind::Birthday, "1950-03-08");
        assert!(birthday.falls_on(day("2026-03-08")));
        assert!(!birthday.falls_on(day("2026-03-09")));
        assert!(!birthday.falls_on(day("1949-03-08")));
        let other = on(ImportantDateKind::Other, "2026-05-01");
        assert!(other.falls_on(day("2026-05-01")));
        assert!(!other.falls_on(day("2027-05-01")));
    }

    #[test]
    fn a_leap_day_birthday_is_kept_on_the_28th_in_other_years() {
        let leap = on(ImportantDateKind::Birthday, "2000-02-29");
        assert!(leap.falls_on(day("2026-02-28")));
        assert!(!leap.falls_on(day("2028-02-28")));
        assert!(leap.falls_on(day("2028-02-29")));
    }

    #[test]
    fn bad_input_names_each_field() {
        let input = ProfileInput {
            important_dates: Some(vec![ImportantDateInput {
                kind: "anniversary".into(),
                date: "2026-13-01".into(),
                resident_id: None,
                label: Some("x".repeat(51)),
            }]),
            preferences: Some(PreferencesInput {
                call_not_before: Some("9点".into()),
            }),
        };
        let err = input.validate().unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "important_dates[0].kind",
                "important_dates[0].date",
                "important_dates[0].label",
                "preferences.call_not_before"
            ]
        );
    }

    #[test]
    fn a_good_change_replaces_only_what_it_names() {
        let change = ProfileInput {
            important_dates: None,
            preferences: Some(PreferencesInput {
                call_not_before: Some("09:00".into()),
            }),
        }
        .validate()
        .unwrap();
        let before = HouseholdFacts {
            important_dates: vec![on(ImportantDateKind::MoveIn, "2020-06-01")],
            preferences: Preferences::default(),
        };
        let after = change.apply(before.clone());
        assert_eq!(after.important_dates, before.important_dates);
        assert_eq!(
            after.preferences.call_not_before,
            NaiveTime::from_hms_opt(9, 0, 0)
        );
    }

    #[test]
    fn the_hand_set_butler_wins_over_the_buildings() {
        assert_eq!(
            household_butler(Some("a"), Some("b")),
            Some(("a", ButlerSource::Household))
        );
        assert_eq!(
            household_butler(None, Some("b")),
            Some(("b", ButlerSource::Building))
        );
        assert_eq!(household_butler(None, None), None);
    }

    #[test]
    fn history_pages_neither_skip_nor_repeat_entries_at_the_same_time() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let entry = |kind, id: &str| {
            (
                HistoryCursor {
                    at,
                    kind,
                    id: id.to_owned(),
                },
                (),
            )
        };
        let sources = vec![
            vec![
                entry(HistoryKind::Ticket, "t2"),
                entry(HistoryKind::Ticket, "t1"),
            ],
            vec![entry(HistoryKind::Rating, "t2")],
        ];
        let (page, next) = merge_history(sources, 2);
        let ids: Vec<_> = page.iter().map(|(c, _)| (c.kind, c.id.as_str())).collect();
        assert_eq!(
            ids,
            [(HistoryKind::Rating, "t2"), (HistoryKind::Ticket, "t2")]
        );
        let next = next.unwrap();
        assert_eq!(HistoryCursor::parse(&next.to_param()), Some(next.clone()));
        assert!(HistoryCursor::parse("nonsense").is_none());
    }
}
