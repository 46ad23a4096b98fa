//! 质检: quality inspection of handled tickets. A score sheet (质检评分表) of weighted items and
//! red lines (红线); scoring an inspection against it; sampling rules and the deterministic
//! choice of which closed tickets a weekly round takes; and the appeal (申诉) that the person
//! inspected may make once and a supervisor or manager decides. The rules here need no I/O.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::role::Role;
use crate::taxonomy::Kind;
use crate::validation::{
    Allowed, FieldErrorCode, Problems, ValidationError, has_control_characters,
};

code_enum! {
    /// What one item of a score sheet looks at.
    pub enum ItemKind ("inspection item kind") {
        /// 开场白: the standard greeting and self-introduction.
        OpeningWords = "opening_words",
        /// 首问负责: the first person took ownership instead of passing the resident on.
        Ownership = "ownership",
        /// 话术: the standard script was used where one fits.
        ScriptUsed = "script_used",
        /// 分类正确: kind and category were recorded right.
        CorrectCategory = "correct_category",
        /// 承诺兑现: what the resident was promised happened when promised.
        PromiseKept = "promise_kept",
        /// 回访: the follow-up call was made.
        FollowUpDone = "follow_up_done",
        /// 服务态度: courtesy and patience.
        Attitude = "attitude",
        /// An item the company names itself.
        Custom = "custom",
    }
}

code_enum! {
    /// Where an inspection is in its life.
    pub enum InspectionState ("inspection state") {
        /// 待质检: sampled, not scored yet.
        Pending = "pending",
        /// 已评分: scored; the person inspected may appeal.
        Scored = "scored",
        /// 申诉中: the person inspected appealed; a supervisor or manager decides.
        Appealed = "appealed",
        /// 维持: the appeal was decided and the score stands.
        Upheld = "upheld",
        /// 改判: the appeal was decided with a new score.
        Overturned = "overturned",
    }
}

code_enum! {
    /// Why a sampling round took a ticket.
    pub enum SampleReason ("sample reason") {
        /// Within the share of the agent's closed tickets of the week.
        Share = "share",
        /// A complaint rated below the rule's threshold.
        LowRatedComplaint = "low_rated_complaint",
        /// An SLA clock of the ticket was breached.
        SlaBreached = "sla_breached",
    }
}

code_enum! {
    /// What is done to an inspection.
    pub enum InspectionAction ("inspection action") {
        Score = "score",
        Appeal = "appeal",
        Decide = "decide",
    }
}

pub const MAX_SHEET_NAME: usize = 50;
pub const MAX_ITEM_NAME: usize = 50;
pub const MAX_ITEMS: usize = 20;
pub const MAX_RED_LINES: usize = 20;
pub const MAX_WEIGHT: u32 = 100;
pub const MAX_ITEM_SCORE: u32 = 100;
pub const MAX_NOTE: usize = 500;

/// One weighted item of a score sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetItem {
    pub kind: ItemKind,
    /// Its own name for a custom item; none for the others (their kind names them).
    #[serde(default)]
    pub name: Option<String>,
    /// Its share of the total against the other items' weights, 1 to 100.
    pub weight: u32,
    /// The most it can score, 1 to 100.
    pub max_score: u32,
}

/// A red line (红线): hit, the whole inspection scores 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedLine {
    /// e.g. 与业主争吵, 泄露业主信息.
    pub name: String,
}

/// 质检评分表: what an inspection scores against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSheet {
    pub name: String,
    pub items: Vec<SheetItem>,
    #[serde(default)]
    pub red_lines: Vec<RedLine>,
}

impl ScoreSheet {
    /// The sheet, or every problem of it named by field (`items[2].weight`, …).
    pub fn validate(self) -> Result<ScoreSheet, ValidationError> {
        let mut p = Problems::new();
        let name = self.name.trim().to_owned();
        text(&mut p, "name", &name, MAX_SHEET_NAME);
        if self.items.is_empty() || self.items.len() > MAX_ITEMS {
            p.refuse(
                "items",
                if self.items.is_empty() {
                    FieldErrorCode::Required
                } else {
                    FieldErrorCode::TooLong
                },
                Allowed::Range {
                    min: 1,
                    max: MAX_ITEMS as i64,
                },
            );
        }
        let items = self
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let name = item.name.map(|n| n.trim().to_owned());
                match (item.kind, &name) {
                    (ItemKind::Custom, Some(n)) => {
                        text(&mut p, &format!("items[{i}].name"), n, MAX_ITEM_NAME)
                    }
                    (ItemKind::Custom, None) => p.refuse(
                        format!("items[{i}].name"),
                        FieldErrorCode::Required,
                        Allowed::Length {
                            min: 1,
                            max: MAX_ITEM_NAME,
                        },
                    ),
                    // A standard item is named by its kind in the reader's language.
                    (_, Some(_)) => p.add(format!("items[{i}].name"), FieldErrorCode::Invalid),
                    (_, None) => {}
                }
                range(
                    &mut p,
                    &format!("items[{i}].weight"),
                    item.weight,
                    1,
                    MAX_WEIGHT,
                );
                range(
                    &mut p,
                    &format!("items[{i}].max_score"),
                    item.max_score,
                    1,
                    MAX_ITEM_SCORE,
                );
                SheetItem { name, ..item }
            })
            .collect();
        if self.red_lines.len() > MAX_RED_LINES {
            p.refuse(
                "red_lines",
                FieldErrorCode::TooLong,
                Allowed::Range {
                    min: 0,
                    max: MAX_RED_LINES as i64,
                },
            );
        }
        let red_lines = self
            .red_lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                let name = line.name.trim().to_owned();
                text(
                    &mut p,
                    &format!("red_lines[{i}].name"),
                    &name,
                    MAX_ITEM_NAME,
                );
                RedLine { name }
            })
            .collect();
        p.into_result(ScoreSheet {
            name,
            items,
            red_lines,
        })
    }

    /// Scores an inspection against this sheet: every item scored once, in the sheet's order,
    /// within 0 to its most; red lines hit named by their place. The total is the weighted share
    /// of the most, 0 to 100 rounded to the nearest whole; a red line hit makes it 0.
    pub fn score(&self, input: ScoreInput) -> Result<Scored, ValidationError> {
        let mut p = Problems::new();
        if input.items.len() != self.items.len() {
            p.refuse(
                "items",
                FieldErrorCode::Mismatch,
                Allowed::Range {
                    min: self.items.len() as i64,
                    max: self.items.len() as i64,
                },
            );
        }
        let mut items = Vec::with_capacity(self.items.len());
        for (i, (item, given)) in self.items.iter().zip(input.items).enumerate() {
            range(
                &mut p,
                &format!("items[{i}].score"),
                given.score,
                0,
                item.max_score,
            );
            let note = optional(&mut p, &format!("items[{i}].note"), given.note, MAX_NOTE);
            items.push(ItemScore {
                kind: item.kind,
                name: item.name.clone(),
                weight: item.weight,
                max_score: item.max_score,
                score: given.score,
                note,
            });
        }
        let mut hit = input.red_lines;
        hit.sort_unstable();
        hit.dedup();
        for (i, line) in hit.iter().enumerate() {
            if *line >= self.red_lines.len() {
                p.add(format!("red_lines[{i}]"), FieldErrorCode::UnknownReference);
            }
        }
        let comment = optional(&mut p, "comment", input.comment, MAX_NOTE);
        p.into_result(())?;
        let red_lines: Vec<RedLine> = hit.iter().map(|i| self.red_lines[*i].clone()).collect();
        let total = if red_lines.is_empty() {
            weighted_total(&items)
        } else {
            0
        };
        Ok(Scored {
            facts: ScoreFacts {
                sheet: self.name.clone(),
                items,
                red_lines,
                comment,
            },
            total,
        })
    }
}

/// The weighted share of the most each item could score, as 0 to 100, rounded half up.
fn weighted_total(items: &[ItemScore]) -> u32 {
    let weights: u64 = items.iter().map(|i| u64::from(i.weight)).sum();
    if weights == 0 {
        return 0;
    }
    let share: f64 = items
        .iter()
        .map(|i| f64::from(i.weight) * f64::from(i.score) / f64::from(i.max_score))
        .sum::<f64>()
        / weights as f64;
    (share * 100.0).round().clamp(0.0, 100.0) as u32
}

/// The score given to one item, in the sheet's order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemScoreInput {
    pub score: u32,
    /// Why, in a few words.
    #[serde(default)]
    pub note: Option<String>,
}

/// An inspector's scores.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreInput {
    /// One per item of the sheet, in its order.
    pub items: Vec<ItemScoreInput>,
    /// The places (from 0) of the sheet's red lines that were hit.
    #[serde(default)]
    pub red_lines: Vec<usize>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// One item as scored, with the sheet's terms at the time (a later edit of the sheet does not
/// move a given score).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemScore {
    pub kind: ItemKind,
    pub name: Option<String>,
    pub weight: u32,
    pub max_score: u32,
    pub score: u32,
    pub note: Option<String>,
}

/// What an inspection found, stored as facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreFacts {
    /// The sheet's name when scored.
    pub sheet: String,
    pub items: Vec<ItemScore>,
    /// The red lines hit.
    pub red_lines: Vec<RedLine>,
    pub comment: Option<String>,
}

/// A scored inspection: its facts and total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub facts: ScoreFacts,
    /// 0 to 100; 0 when a red line was hit.
    pub total: u32,
}

fn text(p: &mut Problems, field: &str, value: &str, max: usize) {
    if has_control_characters(value) {
        p.add(field, FieldErrorCode::ControlCharacters);
    } else {
        p.text(field, value, max);
    }
}

/// A trimmed optional text; blank reads as none.
fn optional(p: &mut Problems, field: &str, value: Option<String>, max: usize) -> Option<String> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(v) = &value {
        text(p, field, v, max);
    }
    value
}

fn range(p: &mut Problems, field: &str, value: u32, min: u32, max: u32) {
    if !(min..=max).contains(&value) {
        p.refuse(
            field,
            FieldErrorCode::OutOfRange,
            Allowed::Range {
                min: i64::from(min),
                max: i64::from(max),
            },
        );
    }
}

/// 抽检规则: which of a project's closed tickets a weekly round takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SamplingRules {
    /// The share, in percent (0 to 100), of each person's closed tickets of the week.
    pub share_percent: u32,
    /// Every complaint rated below this (1 to 5); none: not by rating.
    pub complaints_rated_below: Option<u32>,
    /// Every ticket with a breached SLA clock.
    pub every_breached: bool,
}

impl Default for SamplingRules {
    /// 5% of each person's closed tickets, every complaint rated below 3, every breached ticket.
    fn default() -> Self {
        SamplingRules {
            share_percent: 5,
            complaints_rated_below: Some(3),
            every_breached: true,
        }
    }
}

impl SamplingRules {
    pub fn validate(self) -> Result<SamplingRules, ValidationError> {
        let mut p = Problems::new();
        range(&mut p, "share_percent", self.share_percent, 0, 100);
        if let Some(below) = self.complaints_rated_below {
            range(&mut p, "complaints_rated_below", below, 1, 5);
        }
        p.into_result(self)
    }

    /// The tickets a round of the week starting `week` takes from `closed` (the tickets closed
    /// that week, whoever handled them), each once, with why. Deterministic: the share is the
    /// tickets of each person whose hash of id and week is smallest, so two nodes or a rerun
    /// choose the same ones. A person's share is rounded up, so one who closed any is sampled.
    pub fn choose<'a>(&self, week: NaiveDate, closed: &'a [ClosedTicket]) -> Vec<Sample<'a>> {
        let mut taken: Vec<Sample<'a>> = closed
            .iter()
            .filter_map(|t| {
                let low = self.complaints_rated_below.is_some_and(|below| {
                    t.kind == Kind::Complaint && t.satisfaction.is_some_and(|s| s < below)
                });
                let reason = if low {
                    SampleReason::LowRatedComplaint
                } else if self.every_breached && t.breached {
                    SampleReason::SlaBreached
                } else {
                    return None;
                };
                Some(Sample { ticket: t, reason })
            })
            .collect();
        let mut by_person: HashMap<&str, Vec<&'a ClosedTicket>> = HashMap::new();
        for t in closed {
            by_person.entry(t.staff_id.as_str()).or_default().push(t);
        }
        let mut people: Vec<(&str, Vec<&'a ClosedTicket>)> = by_person.into_iter().collect();
        people.sort_by(|a, b| a.0.cmp(b.0));
        for (_, mut tickets) in people {
            let share = (tickets.len() as u64 * u64::from(self.share_percent)).div_ceil(100);
            tickets.sort_by_key(|t| (draw(&t.ticket_id, week), t.ticket_id.as_str()));
            for t in tickets.into_iter().take(share as usize) {
                if !taken.iter().any(|s| s.ticket.ticket_id == t.ticket_id) {
                    taken.push(Sample {
                        ticket: t,
                        reason: SampleReason::Share,
                    });
                }
            }
        }
        taken.sort_by(|a, b| a.ticket.ticket_id.cmp(&b.ticket.ticket_id));
        taken
    }
}

/// A ticket closed in the week, as a sampling round sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedTicket {
    pub ticket_id: String,
    /// Whom an inspection of it is of ([`inspected_person`]).
    pub staff_id: String,
    pub kind: Kind,
    pub satisfaction: Option<u32>,
    pub breached: bool,
}

/// A ticket a round takes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample<'a> {
    pub ticket: &'a ClosedTicket,
    pub reason: SampleReason,
}

/// Whose handling an inspection judges: the first-contact owner (首问负责人), who answers for
/// the ticket from first contact to close; else whoever held it last. None: nobody to inspect.
pub fn inspected_person(
    first_contact_owner_id: Option<String>,
    assignee_id: Option<String>,
) -> Option<String> {
    first_contact_owner_id.or(assignee_id)
}

/// The Monday a date's week starts on: rounds are per week, named by their Monday.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// Whether `day` can name a week (a Monday).
pub fn is_week_start(day: NaiveDate) -> bool {
    day.weekday() == Weekday::Mon
}

/// A stable pseudo-random draw for a ticket in a week (64-bit FNV-1a): the same on every node,
/// every version and every rerun, unlike the standard library's hasher.
fn draw(ticket_id: &str, week: NaiveDate) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in ticket_id
        .bytes()
        .chain([b'|'])
        .chain(week.to_string().into_bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Why an inspection may not be acted on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    /// The caller may not do this to this inspection.
    #[error("may not {0} this inspection")]
    Forbidden(InspectionAction),
    /// The person inspected already appealed: one appeal only.
    #[error("already appealed")]
    AlreadyAppealed,
    /// The inspection's state does not allow the action.
    #[error("{action} is not allowed while the inspection is {state}")]
    InvalidState {
        action: InspectionAction,
        state: InspectionState,
    },
}

/// Who acts on an inspection, as its rules see them.
#[derive(Debug, Clone, Copy)]
pub struct InspectionActor<'a> {
    pub id: &'a str,
    pub role: Role,
}

/// The state an action moves an inspection to, or why it may not. Scoring and deciding are for
/// those who oversee the project (supervisors, managers, admins), never on an inspection of
/// themselves; only the person inspected appeals, once, after it was scored.
pub fn transition(
    action: InspectionAction,
    state: InspectionState,
    actor: InspectionActor<'_>,
    inspected: &str,
    upheld: bool,
) -> Result<InspectionState, InspectionError> {
    use InspectionState as S;
    let allowed = match action {
        InspectionAction::Score | InspectionAction::Decide => {
            actor.role.oversees() && actor.id != inspected
        }
        InspectionAction::Appeal => actor.id == inspected,
    };
    if !allowed {
        return Err(InspectionError::Forbidden(action));
    }
    match (action, state) {
        (InspectionAction::Score, S::Pending) => Ok(S::Scored),
        (InspectionAction::Appeal, S::Scored) => Ok(S::Appealed),
        (InspectionAction::Appeal, S::Appealed | S::Upheld | S::Overturned) => {
            Err(InspectionError::AlreadyAppealed)
        }
        (InspectionAction::Decide, S::Appealed) if upheld => Ok(S::Upheld),
        (InspectionAction::Decide, S::Appealed) => Ok(S::Overturned),
        (action, state) => Err(InspectionError::InvalidState { action, state }),
    }
}

/// A decision on an appeal, checked: a reason always; a new score, 0 to 100, exactly when the
/// appeal is granted (overturned).
pub fn check_decision(
    upheld: bool,
    score: Option<u32>,
    comment: &str,
) -> Result<(Option<u32>, String), ValidationError> {
    let mut p = Problems::new();
    let comment = comment.trim().to_owned();
    text(&mut p, "comment", &comment, MAX_NOTE);
    let allowed = Allowed::Range { min: 0, max: 100 };
    match (upheld, score) {
        (false, None) => p.refuse("score", FieldErrorCode::Required, allowed),
        (false, Some(s)) if s > 100 => p.refuse("score", FieldErrorCode::OutOfRange, allowed),
        (true, Some(_)) => p.add("score", FieldErrorCode::Invalid),
        _ => {}
    }
    p.into_result((if upheld { None } else { score }, comment))
}

/// An appeal's reason, checked.
pub fn check_appeal(reason: &str) -> Result<String, ValidationError> {
    let mut p = Problems::new();
    let reason = reason.trim().to_owned();
    text(&mut p, "reason", &reason, MAX_NOTE);
    p.into_result(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> ScoreSheet {
        ScoreSheet {
            name: "标准质检表".into(),
            items: vec![
                SheetItem {
                    kind: ItemKind::OpeningWords,
                    name: None,
                    weight: 20,
                    max_score: 10,
                },
                SheetItem {
                    kind: ItemKind::Attitude,
                    name: None,
                    weight: 30,
                    max_score: 5,
                },
                SheetItem {
                    kind: ItemKind::Custom,
                    name: Some("记录完整".into()),
                    weight: 50,
                    max_score: 10,
                },
            ],
            red_lines: vec![RedLine {
                name: "与业主争吵".into(),
            }],
        }
    }

    fn scores(s: &[u32]) -> ScoreInput {
        ScoreInput {
            items: s
                .iter()
                .map(|&score| ItemScoreInput { score, note: None })
                .collect(),
            red_lines: vec![],
            comment: None,
        }
    }

    fn fields(e: ValidationError) -> Vec<(String, FieldErrorCode)> {
        e.0.into_iter().map(|f| (f.field, f.code)).collect()
    }

    #[test]
    fn a_sheet_needs_named_custom_items_and_weights_in_range() {
        assert_eq!(sheet().validate().unwrap(), sheet());
        let mut bad = sheet();
        bad.name = " ".into();
        bad.items[0].weight = 0;
        bad.items[1].name = Some("态度".into());
        bad.items[2].name = None;
        bad.items[2].max_score = 101;
        bad.red_lines[0].name = "".into();
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            [
                ("name".to_owned(), FieldErrorCode::Required),
                ("items[0].weight".to_owned(), FieldErrorCode::OutOfRange),
                ("items[1].name".to_owned(), FieldErrorCode::Invalid),
                ("items[2].name".to_owned(), FieldErrorCode::Required),
                ("items[2].max_score".to_owned(), FieldErrorCode::OutOfRange),
                ("red_lines[0].name".to_owned(), FieldErrorCode::Required),
            ]
        );
        let empty = ScoreSheet {
            items: vec![],
            ..sheet()
        };
        assert_eq!(
            fields(empty.validate().unwrap_err()),
            [("items".to_owned(), FieldErrorCode::Required)]
        );
    }

    #[test]
    fn the_total_is_the_weighted_share_of_the_most() {
        // 20·10/10 + 30·5/5 + 50·10/10 = all: 100.
        assert_eq!(sheet().score(scores(&[10, 5, 10])).unwrap().total, 100);
        // 20·5/10 + 30·4/5 + 50·7/10 = 10 + 24 + 35 = 69.
        let scored = sheet().score(scores(&[5, 4, 7])).unwrap();
        assert_eq!(scored.total, 69);
        assert_eq!(scored.facts.items[2].name.as_deref(), Some("记录完整"));
        assert_eq!(scored.facts.items[1].score, 4);
        assert_eq!(sheet().score(scores(&[0, 0, 0])).unwrap().total, 0);
    }

    #[test]
    fn a_red_line_zeroes_the_whole_inspection() {
        let mut input = scores(&[10, 5, 10]);
        input.red_lines = vec![0, 0];
        let scored = sheet().score(input).unwrap();
        assert_eq!(scored.total, 0);
        assert_eq!(scored.facts.red_lines, sheet().red_lines);
    }

    #[test]
    fn each_item_scores_within_its_most_and_every_item_once() {
        assert_eq!(
            fields(sheet().score(scores(&[11, 5, 10])).unwrap_err()),
            [("items[0].score".to_owned(), FieldErrorCode::OutOfRange)]
        );
        assert_eq!(
            fields(sheet().score(scores(&[10, 5])).unwrap_err()),
            [("items".to_owned(), FieldErrorCode::Mismatch)]
        );
        let mut input = scores(&[10, 5, 10]);
        input.red_lines = vec![1];
        assert_eq!(
            fields(sheet().score(input).unwrap_err()),
            [("red_lines[0]".to_owned(), FieldErrorCode::UnknownReference)]
        );
    }

    fn closed(
        id: &str,
        staff: &str,
        kind: Kind,
        rating: Option<u32>,
        breached: bool,
    ) -> ClosedTicket {
        ClosedTicket {
            ticket_id: id.into(),
            staff_id: staff.into(),
            kind,
            satisfaction: rating,
            breached,
        }
    }

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    #[test]
    fn a_round_takes_the_share_every_low_rated_complaint_and_every_breach() {
        let mut week: Vec<ClosedTicket> = (0..40)
            .map(|i| closed(&format!("a{i:02}"), "alice", Kind::Repair, Some(5), false))
            .collect();
        week.extend((0..3).map(|i| closed(&format!("b{i}"), "bob", Kind::Inquiry, None, false)));
        week.push(closed("c-low", "carol", Kind::Complaint, Some(2), false));
        week.push(closed("c-ok", "carol", Kind::Complaint, Some(3), false));
        week.push(closed("r-low", "carol", Kind::Repair, Some(1), false));
        week.push(closed("late", "carol", Kind::Repair, Some(5), true));
        let taken = SamplingRules::default().choose(monday(), &week);
        let of = |staff: &str, reason: SampleReason| {
            taken
                .iter()
                .filter(|s| s.ticket.staff_id == staff && s.reason == reason)
                .count()
        };
        // 5% of 40 is 2; of 3, rounded up, 1.
        assert_eq!(of("alice", SampleReason::Share), 2);
        assert_eq!(of("bob", SampleReason::Share), 1);
        let reason_of = |id: &str| {
            taken
                .iter()
                .find(|s| s.ticket.ticket_id == id)
                .map(|s| s.reason)
        };
        assert_eq!(reason_of("c-low"), Some(SampleReason::LowRatedComplaint));
        assert_eq!(reason_of("late"), Some(SampleReason::SlaBreached));
        // A low-rated repair is not a complaint; a rating of 3 is not below 3.
        assert!(reason_of("r-low").is_none() || reason_of("r-low") == Some(SampleReason::Share));
        assert!(reason_of("c-ok").is_none() || reason_of("c-ok") == Some(SampleReason::Share));
        // Each once; the same choice again; another week another share.
        let mut ids: Vec<&str> = taken.iter().map(|s| s.ticket.ticket_id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), taken.len());
        assert_eq!(SamplingRules::default().choose(monday(), &week), taken);
        let mut shuffled = week.clone();
        shuffled.reverse();
        let again: Vec<String> = SamplingRules::default()
            .choose(monday(), &shuffled)
            .iter()
            .map(|s| s.ticket.ticket_id.clone())
            .collect();
        assert_eq!(again, ids);
    }

    #[test]
    fn rules_off_take_nothing_and_bad_rules_name_the_field() {
        let week = vec![closed("late", "a", Kind::Complaint, Some(1), true)];
        let none = SamplingRules {
            share_percent: 0,
            complaints_rated_below: None,
            every_breached: false,
        };
        assert!(none.choose(monday(), &week).is_empty());
        let bad = SamplingRules {
            share_percent: 101,
            complaints_rated_below: Some(6),
            every_breached: true,
        };
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            [
                ("share_percent".to_owned(), FieldErrorCode::OutOfRange),
                (
                    "complaints_rated_below".to_owned(),
                    FieldErrorCode::OutOfRange
                ),
            ]
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(week_of(sunday), monday());
        assert_eq!(week_of(monday()), monday());
        assert!(is_week_start(monday()) && !is_week_start(sunday));
    }

    #[test]
    fn the_inspected_is_the_first_contact_owner_else_the_assignee() {
        assert_eq!(
            inspected_person(Some("a".into()), Some("b".into())).as_deref(),
            Some("a")
        );
        assert_eq!(
            inspected_person(None, Some("b".into())).as_deref(),
            Some("b")
        );
        assert_eq!(inspected_person(None, None), None);
    }

    #[test]
    fn scored_then_appealed_once_then_decided_by_an_overseer() {
        use InspectionAction as A;
        use InspectionState as S;
        let sup = InspectionActor {
            id: "sup",
            role: Role::Supervisor,
        };
        let agent = InspectionActor {
            id: "agent",
            role: Role::Agent,
        };
        assert_eq!(
            transition(A::Score, S::Pending, sup, "agent", false),
            Ok(S::Scored)
        );
        // The person inspected never scores themself, not even as a supervisor.
        let self_sup = InspectionActor {
            id: "agent",
            role: Role::Supervisor,
        };
        assert_eq!(
            transition(A::Score, S::Pending, self_sup, "agent", false),
            Err(InspectionError::Forbidden(A::Score))
        );
        assert_eq!(
            transition(A::Score, S::Pending, agent, "other", false),
            Err(InspectionError::Forbidden(A::Score))
        );
        assert_eq!(
            transition(A::Score, S::Scored, sup, "agent", false),
            Err(InspectionError::InvalidState {
                action: A::Score,
                state: S::Scored
            })
        );
        assert_eq!(
            transition(A::Appeal, S::Scored, agent, "agent", false),
            Ok(S::Appealed)
        );
        assert_eq!(
            transition(A::Appeal, S::Scored, sup, "agent", false),
            Err(InspectionError::Forbidden(A::Appeal))
        );
        assert_eq!(
            transition(A::Appeal, S::Pending, agent, "agent", false),
            Err(InspectionError::InvalidState {
                action: A::Appeal,
                state: S::Pending
            })
        );
        for decided in [S::Appealed, S::Upheld, S::Overturned] {
            assert_eq!(
                transition(A::Appeal, decided, agent, "agent", false),
                Err(InspectionError::AlreadyAppealed)
            );
        }
        assert_eq!(
            transition(A::Decide, S::Appealed, sup, "agent", true),
            Ok(S::Upheld)
        );
        assert_eq!(
            transition(A::Decide, S::Appealed, sup, "agent", false),
            Ok(S::Overturned)
        );
        assert_eq!(
            transition(A::Decide, S::Appealed, agent, "agent", false),
            Err(InspectionError::Forbidden(A::Decide))
        );
        assert_eq!(
            transition(A::Decide, S::Scored, sup, "agent", true),
            Err(InspectionError::InvalidState {
                action: A::Decide,
                state: S::Scored
            })
        );
    }

    #[test]
    fn a_granted_appeal_needs_a_new_score_and_every_decision_a_reason() {
        assert_eq!(
            check_decision(true, None, " 评分无误 "),
            Ok((None, "评分无误".into()))
        );
        assert_eq!(
            check_decision(false, Some(85), "开场白已说"),
            Ok((Some(85), "开场白已说".into()))
        );
        let codes = |r: Result<(Option<u32>, String), ValidationError>| fields(r.unwrap_err());
        assert_eq!(
            codes(check_decision(false, None, "x")),
            [("score".to_owned(), FieldErrorCode::Required)]
        );
        assert_eq!(
            codes(check_decision(false, Some(101), "x")),
            [("score".to_owned(), FieldErrorCode::OutOfRange)]
        );
        assert_eq!(
            codes(check_decision(true, Some(80), "")),
            [
                ("comment".to_owned(), FieldErrorCode::Required),
                ("score".to_owned(), FieldErrorCode::Invalid)
            ]
        );
        assert!(check_appeal("  ").is_err());
        assert_eq!(check_appeal(" 已按话术回复 ").unwrap(), "已按话术回复");
    }
}
