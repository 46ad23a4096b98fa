//! 考核: the monthly scorecard of an agent, butler, technician or team. Each measure's value for
//! the month is set against the target of the role's scheme and earns up to its weight in points;
//! the points make a total from 0 to 100, and the totals rank the role's cards of the month.
//! The rules here need no I/O: storage counts the values, this module scores them.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::code::{UnknownCode, code_enum};
use crate::sla::ClockName;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// Whose cards a scheme scores: three staff roles and the teams.
    pub enum Subject ("scorecard role") {
        Agent = "agent",
        Butler = "butler",
        Technician = "technician",
        Team = "team",
    }
}

/// One thing a scorecard measures over the month's tickets of the person or team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// 处理量: tickets reported in the month.
    Volume,
    /// 时限达成: of the clocks of this name that finished, the share met (percent).
    SlaMet(ClockName),
    /// 首次响应: of the tickets answered, the share answered within the first-response target
    /// (percent).
    FirstResponse,
    /// 一次性解决: of the closed tickets, the share never reopened (percent).
    OneTimeResolution,
    /// 满意度: the mean rating, 1 to 5.
    Satisfaction,
    /// 差评投诉: tickets whose resident rated them below the satisfied mark; fewer is better.
    Complaints,
    /// 表扬: praise credited in the month.
    Praise,
    /// 质检得分: the mean score of the month's scored inspections, 0 to 100.
    Quality,
}

/// What kind of number a measure is, which bounds its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Count,
    Percent,
    Rating,
    Score,
}

impl Scale {
    /// The targets a scheme may set on this scale.
    pub fn bounds(self) -> (i64, i64) {
        match self {
            Scale::Count => (0, 100_000),
            Scale::Percent | Scale::Score => (0, 100),
            Scale::Rating => (1, 5),
        }
    }
}

impl Measure {
    /// Every measure, in the order a card shows them.
    pub fn all() -> Vec<Measure> {
        let mut all = vec![Measure::Volume];
        all.extend(ClockName::ALL.iter().map(|&c| Measure::SlaMet(c)));
        all.extend([
            Measure::FirstResponse,
            Measure::OneTimeResolution,
            Measure::Satisfaction,
            Measure::Complaints,
            Measure::Praise,
            Measure::Quality,
        ]);
        all
    }

    /// The stable code: `sla_met.<clock>` for a clock.
    pub fn code(self) -> String {
        match self {
            Measure::Volume => "volume".into(),
            Measure::SlaMet(clock) => format!("sla_met.{}", clock.as_str()),
            Measure::FirstResponse => "first_response".into(),
            Measure::OneTimeResolution => "one_time_resolution".into(),
            Measure::Satisfaction => "satisfaction".into(),
            Measure::Complaints => "complaints".into(),
            Measure::Praise => "praise".into(),
            Measure::Quality => "quality".into(),
        }
    }

    pub fn scale(self) -> Scale {
        match self {
            Measure::Volume | Measure::Complaints | Measure::Praise => Scale::Count,
            Measure::SlaMet(_) | Measure::FirstResponse | Measure::OneTimeResolution => {
                Scale::Percent
            }
            Measure::Satisfaction => Scale::Rating,
            Measure::Quality => Scale::Score,
        }
    }

    /// Whether a value below the target is the better one.
    pub fn lower_is_better(self) -> bool {
        self == Measure::Complaints
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Measure {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Measure::all()
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| UnknownCode {
                vocabulary: "scorecard measure",
                code: s.to_owned(),
            })
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Measure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// One measure of a scheme: how many of the 100 points it is worth and the value that earns
/// them all.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub measure: Measure,
    pub weight: u32,
    pub target: f64,
}

/// A role's weights and targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    pub terms: Vec<Term>,
}

impl Scheme {
    /// The scheme a company starts with for `subject`: what the role answers for, weighted by
    /// how much of the resident's experience it decides, with the targets of product.md.
    pub fn default_for(subject: Subject) -> Scheme {
        let t = |measure, weight, target| Term {
            measure,
            weight,
            target,
        };
        let terms = match subject {
            Subject::Agent => vec![
                t(Measure::Volume, 10, 300.0),
                t(Measure::SlaMet(ClockName::FirstResponse), 15, 95.0),
                t(Measure::FirstResponse, 15, 90.0),
                t(Measure::OneTimeResolution, 20, 96.0),
                t(Measure::Satisfaction, 20, 4.5),
                t(Measure::Complaints, 10, 0.0),
                t(Measure::Praise, 5, 2.0),
                t(Measure::Quality, 5, 90.0),
            ],
            Subject::Butler => vec![
                t(Measure::Volume, 10, 100.0),
                t(Measure::SlaMet(ClockName::FollowUp), 15, 95.0),
                t(Measure::FirstResponse, 10, 90.0),
                t(Measure::OneTimeResolution, 20, 96.0),
                t(Measure::Satisfaction, 25, 4.5),
                t(Measure::Complaints, 10, 0.0),
                t(Measure::Praise, 5, 3.0),
                t(Measure::Quality, 5, 90.0),
            ],
            Subject::Technician => vec![
                t(Measure::Volume, 15, 120.0),
                t(Measure::SlaMet(ClockName::Arrival), 15, 95.0),
                t(Measure::SlaMet(ClockName::Resolution), 20, 95.0),
                t(Measure::OneTimeResolution, 20, 96.0),
                t(Measure::Satisfaction, 15, 4.5),
                t(Measure::Complaints, 10, 0.0),
                t(Measure::Praise, 5, 2.0),
            ],
            Subject::Team => vec![
                t(Measure::Volume, 10, 500.0),
                t(Measure::SlaMet(ClockName::FirstResponse), 10, 95.0),
                t(Measure::SlaMet(ClockName::Resolution), 20, 95.0),
                t(Measure::OneTimeResolution, 20, 96.0),
                t(Measure::Satisfaction, 20, 4.5),
                t(Measure::Complaints, 10, 0.0),
                t(Measure::Quality, 10, 90.0),
            ],
        };
        Scheme { terms }
    }

    /// Checks a scheme an admin or manager gives: each measure once, weights from 0 to 100
    /// summing to 100, each target within its measure's scale. Problems are named by field
    /// (`terms[2].target`, `terms`).
    pub fn validate(self) -> Result<Scheme, ValidationError> {
        let mut p = Problems::new();
        if self.terms.is_empty() {
            p.add("terms", FieldErrorCode::Required);
        }
        let mut seen = HashSet::new();
        let mut sum: u64 = 0;
        for (i, term) in self.terms.iter().enumerate() {
            if !seen.insert(term.measure) {
                p.add(format!("terms[{i}].measure"), FieldErrorCode::Taken);
            }
            if term.weight > 100 {
                p.refuse(
                    format!("terms[{i}].weight"),
                    FieldErrorCode::OutOfRange,
                    Allowed::Range { min: 0, max: 100 },
                );
            }
            sum += u64::from(term.weight);
            let (min, max) = term.measure.scale().bounds();
            if !term.target.is_finite() || term.target < min as f64 || term.target > max as f64 {
                p.refuse(
                    format!("terms[{i}].target"),
                    FieldErrorCode::OutOfRange,
                    Allowed::Range { min, max },
                );
            }
        }
        if !self.terms.is_empty() && sum != 100 {
            p.refuse(
                "terms",
                FieldErrorCode::Mismatch,
                Allowed::Range { min: 100, max: 100 },
            );
        }
        p.into_result(self)
    }
}

/// A measure's value for the month: `value` is none when there was nothing to measure (no rating,
/// no closed ticket); `basis` is how many things it was measured over.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Fact {
    pub value: Option<f64>,
    pub basis: u64,
}

impl Fact {
    /// A count: always measured.
    pub fn count(n: u64) -> Fact {
        Fact {
            value: Some(n as f64),
            basis: n,
        }
    }

    /// `part` of `whole` in percent; nothing to measure when `whole` is 0.
    pub fn share(part: u64, whole: u64) -> Fact {
        Fact {
            value: (whole > 0).then(|| 100.0 * part as f64 / whole as f64),
            basis: whole,
        }
    }

    /// The mean of `n` values summing to `sum`.
    pub fn mean(sum: f64, n: u64) -> Fact {
        Fact {
            value: (n > 0).then(|| sum / n as f64),
            basis: n,
        }
    }
}

/// The facts of one card: each measure's value.
pub type Facts = BTreeMap<Measure, Fact>;

/// One line of a scored card.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub measure: Measure,
    pub weight: u32,
    pub target: f64,
    pub value: Option<f64>,
    pub basis: u64,
    /// Points earned, 0 to the weight; none when the measure had nothing to measure.
    pub points: Option<f64>,
}

/// A card scored against a scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub lines: Vec<Line>,
    /// 0 to 100, to one decimal.
    pub total: f64,
}

/// The share of a measure's weight a value earns: its ratio to the target, at most all of it.
/// A lower-is-better measure earns all at or below the target and `(target + 1) / (value + 1)`
/// above it, so one complaint over a target of none halves it.
pub fn attainment(measure: Measure, value: f64, target: f64) -> f64 {
    let share = if measure.lower_is_better() {
        (target + 1.0) / (value.max(0.0) + 1.0)
    } else if target <= 0.0 {
        1.0
    } else {
        value.max(0.0) / target
    };
    share.min(1.0)
}

fn round_to(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// Scores `facts` against `scheme`. A count missing from `facts` is none; any other measure with
/// nothing to measure earns no points and its weight leaves the total's base, so a month without
/// ratings neither rewards nor punishes: the total is the points earned over the weights
/// measured, as 0 to 100.
pub fn score(scheme: &Scheme, facts: &Facts) -> Scored {
    let mut earned = 0.0;
    let mut measured = 0u32;
    let lines = scheme
        .terms
        .iter()
        .map(|term| {
            // Nothing counted is a count of none; anything else unmeasured stays unmeasured.
            let fact = facts.get(&term.measure).copied().unwrap_or_else(|| {
                if term.measure.scale() == Scale::Count {
                    Fact::count(0)
                } else {
                    Fact::default()
                }
            });
            let points = fact
                .value
                .map(|v| f64::from(term.weight) * attainment(term.measure, v, term.target));
            if let Some(p) = points {
                earned += p;
                measured += term.weight;
            }
            Line {
                measure: term.measure,
                weight: term.weight,
                target: term.target,
                value: fact.value,
                basis: fact.basis,
                points: points.map(|p| round_to(p, 2)),
            }
        })
        .collect();
    let total = if measured == 0 {
        0.0
    } else {
        round_to(100.0 * earned / f64::from(measured), 1)
    };
    Scored { lines, total }
}

/// Ranks of `totals` (1 is best): equal totals share a rank and the next one skips, as in a
/// league table (95, 90, 90, 80 rank 1, 2, 2, 4).
pub fn ranks(totals: &[f64]) -> Vec<u32> {
    // Totals carry one decimal: compared in tenths, so 89.95 rounded twice is not two ranks.
    let tenths: Vec<i64> = totals.iter().map(|t| (t * 10.0).round() as i64).collect();
    tenths
        .iter()
        .map(|mine| 1 + tenths.iter().filter(|other| *other > mine).count() as u32)
        .collect()
}

/// A calendar month, `2026-11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(NaiveDate);

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        NaiveDate::from_ymd_opt(year, month, 1).map(Month)
    }

    /// The month `day` is in.
    pub fn of(day: NaiveDate) -> Month {
        Month(day.with_day(1).unwrap_or(day))
    }

    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().0.pred_opt().unwrap_or(self.0)
    }

    pub fn next(self) -> Month {
        Month(self.0.checked_add_months(Months::new(1)).unwrap_or(self.0))
    }

    pub fn previous(self) -> Month {
        Month(self.0.checked_sub_months(Months::new(1)).unwrap_or(self.0))
    }

    /// From the first day's local midnight in `zone` to the next month's.
    pub fn bounds(self, zone: &str) -> (DateTime<Utc>, DateTime<Utc>) {
        let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
        let start = |day: NaiveDate| {
            let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
            tz.from_local_datetime(&midnight)
                .earliest()
                .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
        };
        (start(self.0), start(self.next().0))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

impl FromStr for Month {
    type Err = ValidationError;

    /// `YYYY-MM`, years 2000 to 2999.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValidationError::single("month", FieldErrorCode::Invalid);
        let (year, month) = s.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if !(2000..3000).contains(&year) {
            return Err(bad());
        }
        Month::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pairs: &[(Measure, Fact)]) -> Facts {
        pairs.iter().copied().collect()
    }

    #[test]
    fn every_default_scheme_is_valid() {
        for &subject in Subject::ALL {
            let scheme = Scheme::default_for(subject);
            assert_eq!(scheme.clone().validate(), Ok(scheme), "{subject}");
        }
    }

    #[test]
    fn measure_codes_read_back() {
        for m in Measure::all() {
            assert_eq!(m.code().parse::<Measure>(), Ok(m));
        }
        assert_eq!(
            "sla_met.arrival".parse::<Measure>(),
            Ok(Measure::SlaMet(ClockName::Arrival))
        );
        assert!("sla_met.lunch".parse::<Measure>().is_err());
    }

    #[test]
    fn a_bad_scheme_names_each_field() {
        let scheme = Scheme {
            terms: vec![
                Term {
                    measure: Measure::Satisfaction,
                    weight: 60,
                    target: 6.0,
                },
                Term {
                    measure: Measure::Satisfaction,
                    weight: 30,
                    target: 4.0,
                },
                Term {
                    measure: Measure::FirstResponse,
                    weight: 200,
                    target: f64::NAN,
                },
            ],
        };
        let fields: Vec<String> = scheme
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "terms[0].target",
                "terms[1].measure",
                "terms[2].weight",
                "terms[2].target",
                "terms"
            ]
        );
        assert!(Scheme { terms: vec![] }.validate().is_err());
    }

    #[test]
    fn a_value_earns_its_share_of_the_weight_capped_at_all_of_it() {
        assert_eq!(attainment(Measure::Volume, 150.0, 300.0), 0.5);
        assert_eq!(attainment(Measure::Volume, 600.0, 300.0), 1.0);
        assert_eq!(attainment(Measure::Satisfaction, 4.5, 4.5), 1.0);
        // A target of nothing is met by anything.
        assert_eq!(attainment(Measure::Praise, 0.0, 0.0), 1.0);
    }

    #[test]
    fn fewer_complaints_are_better() {
        assert_eq!(attainment(Measure::Complaints, 0.0, 0.0), 1.0);
        assert_eq!(attainment(Measure::Complaints, 1.0, 0.0), 0.5);
        assert_eq!(attainment(Measure::Complaints, 3.0, 0.0), 0.25);
        assert_eq!(attainment(Measure::Complaints, 2.0, 2.0), 1.0);
        assert_eq!(attainment(Measure::Complaints, 5.0, 2.0), 0.5);
    }

    #[test]
    fn a_card_totals_its_points_over_the_weights_measured() {
        let scheme = Scheme {
            terms: vec![
                Term {
                    measure: Measure::Volume,
                    weight: 40,
                    target: 10.0,
                },
                Term {
                    measure: Measure::Satisfaction,
                    weight: 30,
                    target: 5.0,
                },
                Term {
                    measure: Measure::Complaints,
                    weight: 30,
                    target: 0.0,
                },
            ],
        };
        // 5 of 10 tickets: 20 points; a mean rating of 4 of 5: 24; one complaint: 15.
        let card = score(
            &scheme,
            &facts(&[
                (Measure::Volume, Fact::count(5)),
                (Measure::Satisfaction, Fact::mean(8.0, 2)),
                (Measure::Complaints, Fact::count(1)),
            ]),
        );
        let points: Vec<Option<f64>> = card.lines.iter().map(|l| l.points).collect();
        assert_eq!(points, [Some(20.0), Some(24.0), Some(15.0)]);
        assert_eq!(card.total, 59.0);
        // Nobody rated: satisfaction leaves the base, 35 of 70 points is 50.
        let unrated = score(
            &scheme,
            &facts(&[
                (Measure::Volume, Fact::count(5)),
                (Measure::Satisfaction, Fact::mean(0.0, 0)),
                (Measure::Complaints, Fact::count(1)),
            ]),
        );
        assert_eq!(unrated.lines[1].points, None);
        assert_eq!(unrated.total, 50.0);
    }

    #[test]
    fn nothing_measured_totals_nothing() {
        let scheme = Scheme {
            terms: vec![Term {
                measure: Measure::Satisfaction,
                weight: 100,
                target: 4.0,
            }],
        };
        assert_eq!(score(&scheme, &Facts::new()).total, 0.0);
        // No praise counted is no praise: measured, and short of a target of one.
        let praise = Scheme {
            terms: vec![Term {
                measure: Measure::Praise,
                weight: 100,
                target: 1.0,
            }],
        };
        let card = score(&praise, &Facts::new());
        assert_eq!(
            (card.lines[0].value, card.lines[0].points),
            (Some(0.0), Some(0.0))
        );
    }

    #[test]
    fn shares_and_means_of_nothing_are_unmeasured() {
        assert_eq!(Fact::share(0, 0).value, None);
        assert_eq!(Fact::share(3, 4).value, Some(75.0));
        assert_eq!(Fact::mean(9.0, 2).value, Some(4.5));
    }

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        assert_eq!(ranks(&[90.0, 95.0, 80.0, 90.0]), [2, 1, 4, 2]);
        assert_eq!(ranks(&[]), Vec::<u32>::new());
    }

    #[test]
    fn a_month_is_local_midnight_to_local_midnight() {
        let month: Month = "2026-11".parse().unwrap();
        let (from, to) = month.bounds("Asia/Shanghai");
        assert_eq!(from.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(month.last_day().to_string(), "2026-11-30");
        assert_eq!(month.previous().to_string(), "2026-10");
        assert_eq!(
            "2026-12".parse::<Month>().unwrap().next().to_string(),
            "2027-01"
        );
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "", "abcd-ef"] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }
}
