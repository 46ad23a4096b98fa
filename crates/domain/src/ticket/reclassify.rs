//! Reclassifying a ticket (改分类): the desk corrects its kind, category or urgency. A value that
//! message understanding read from the text and the desk changed is kept as a correction, so the
//! accuracy of reading residents' words is measured on real tickets.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::taxonomy::{Kind, Urgency, category_kind};
use crate::validation::{FieldErrorCode, Problems};

/// The fields message understanding fills in and the desk may correct, in this order everywhere.
pub const CORRECTABLE: [&str; 3] = ["kind", "category", "urgency"];

/// What a ticket is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub kind: Kind,
    pub category: Option<String>,
    pub urgency: Urgency,
}

impl Classification {
    /// The stored code of one of the [`CORRECTABLE`] fields.
    pub fn value(&self, field: &str) -> Option<&str> {
        match field {
            "kind" => Some(self.kind.as_str()),
            "category" => self.category.as_deref(),
            "urgency" => Some(self.urgency.as_str()),
            _ => None,
        }
    }
}

/// A checked request to reclassify: the codes it names, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reclassification {
    kind: Option<Kind>,
    category: Option<String>,
    urgency: Option<Urgency>,
}

impl Reclassification {
    /// Checks the codes of a request, adding each problem under its field; the request when all
    /// are well-formed. It must name something, and a category must be of the kind it names.
    pub fn check(
        problems: &mut Problems,
        kind: Option<&str>,
        category: Option<&str>,
        urgency: Option<&str>,
    ) -> Option<Reclassification> {
        let mut own = Problems::new();
        if kind.is_none() && category.is_none() && urgency.is_none() {
            own.add("kind", FieldErrorCode::Required);
        }
        let parsed_kind = kind.and_then(|code| own.code::<Kind>("kind", code));
        let parsed_category = category
            .map(str::trim)
            .and_then(|code| match category_kind(code) {
                None => {
                    own.add("category", FieldErrorCode::Invalid);
                    None
                }
                Some(of) if parsed_kind.is_some_and(|kind| kind != of) => {
                    own.add("category", FieldErrorCode::Mismatch);
                    None
                }
                Some(_) => Some(code.to_owned()),
            });
        let parsed_urgency = urgency.and_then(|code| own.code::<Urgency>("urgency", code));
        let fine = own.is_empty()
            && kind.is_some() == parsed_kind.is_some()
            && urgency.is_some() == parsed_urgency.is_some();
        if let Err(found) = own.into_result(()) {
            for problem in found.0 {
                problems.add(problem.field, problem.code);
            }
        }
        fine.then_some(Reclassification {
            kind: parsed_kind,
            category: parsed_category,
            urgency: parsed_urgency,
        })
    }

    /// The category asked for, if any: storage checks it is one of the company's.
    pub fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }

    /// The kind a ticket of `current` kind has afterwards: a category brings its own kind.
    pub fn kind_after(&self, current: Kind) -> Kind {
        self.category
            .as_deref()
            .and_then(category_kind)
            .or(self.kind)
            .unwrap_or(current)
    }

    /// The classification afterwards. A new kind drops a category of the old kind: the category's
    /// prefix is always the ticket's kind.
    pub fn apply_to(&self, current: &Classification) -> Classification {
        let kind = self.kind_after(current.kind);
        let category = match &self.category {
            Some(category) => Some(category.clone()),
            None => current
                .category
                .clone()
                .filter(|c| category_kind(c) == Some(kind)),
        };
        Classification {
            kind,
            category,
            urgency: self.urgency.unwrap_or(current.urgency),
        }
    }
}

/// What message understanding said of one field of a ticket, and what the desk chose instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub field: String,
    pub analysed: Option<String>,
    pub chosen: Option<String>,
}

/// The correction `field` carries after it changed from `before` to `after`. Only a field read from
/// the text is corrected; what it was read as is the first recorded correction's `analysed` or,
/// before any, `before`. None when the field is back at what the text said (or was never read).
pub fn correction(
    field: &str,
    read_from_text: bool,
    recorded: Option<&Correction>,
    before: Option<&str>,
    after: Option<&str>,
) -> Option<Correction> {
    if !read_from_text {
        return None;
    }
    let analysed = recorded.map_or(before, |r| r.analysed.as_deref());
    (analysed != after).then(|| Correction {
        field: field.to_owned(),
        analysed: analysed.map(str::to_owned),
        chosen: after.map(str::to_owned),
    })
}

/// How well message understanding did on one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldAccuracy {
    /// kind, category or urgency.
    pub field: String,
    /// Tickets whose value was filled from their text.
    pub filled: u64,
    /// Of those, tickets whose value the desk changed (and did not change back).
    pub corrected: u64,
    /// 1 − corrected ÷ filled; null when nothing was filled.
    pub accuracy: Option<f64>,
}

/// One kind of correction and how often the desk made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectionCount {
    pub field: String,
    /// What the text was read as.
    pub from: Option<String>,
    /// What the desk chose.
    pub to: Option<String>,
    pub count: u64,
}

/// The accuracy of message understanding on real tickets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeAccuracy {
    /// One entry per field: kind, category, urgency.
    pub fields: Vec<FieldAccuracy>,
    /// The most frequent corrections, most frequent first.
    pub top_corrections: Vec<CorrectionCount>,
}

/// The accuracy over some tickets: `filled` lists, per ticket, the fields filled from its text;
/// `corrections` are those tickets' corrections (at most one per ticket and field).
pub fn intake_accuracy<'a>(
    filled: impl IntoIterator<Item = &'a [String]>,
    corrections: &[Correction],
    top: usize,
) -> IntakeAccuracy {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for fields in filled {
        for field in fields {
            *counts.entry(field.as_str()).or_default() += 1;
        }
    }
    let fields = CORRECTABLE
        .iter()
        .map(|&field| {
            let filled = counts.get(field).copied().unwrap_or(0);
            let corrected =
                (corrections.iter().filter(|c| c.field == field).count() as u64).min(filled);
            let accuracy = (filled > 0).then(|| 1.0 - corrected as f64 / filled as f64);
            FieldAccuracy {
                field: field.to_owned(),
                filled,
                corrected,
                accuracy,
            }
        })
        .collect();
    let mut pairs: BTreeMap<(&str, Option<&str>, Option<&str>), u64> = BTreeMap::new();
    for c in corrections {
        *pairs
            .entry((c.field.as_str(), c.analysed.as_deref(), c.chosen.as_deref()))
            .or_default() += 1;
    }
    let mut top_corrections: Vec<CorrectionCount> = pairs
        .into_iter()
        .map(|((field, from, to), count)| CorrectionCount {
            field: field.to_owned(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            count,
        })
        .collect();
    // Most frequent first; ties in the order of the key, so the answer is stable.
    top_corrections.sort_by_key(|c| std::cmp::Reverse(c.count));
    top_corrections.truncate(top);
    IntakeAccuracy {
        fields,
        top_corrections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        kind: Option<&str>,
        category: Option<&str>,
        urgency: Option<&str>,
    ) -> Result<Reclassification, Vec<(String, FieldErrorCode)>> {
        let mut problems = Problems::new();
        let checked = Reclassification::check(&mut problems, kind, category, urgency);
        match problems.into_result(()) {
            Ok(()) => Ok(checked.expect("no problems, so a request")),
            Err(e) => Err(e.0.into_iter().map(|f| (f.field, f.code)).collect()),
        }
    }

    fn water() -> Classification {
        Classification {
            kind: Kind::Repair,
            category: Some("repair.water".into()),
            urgency: Urgency::Normal,
        }
    }

    #[test]
    fn a_request_names_something_well_formed() {
        assert_eq!(
            request(None, None, None).unwrap_err(),
            vec![("kind".into(), FieldErrorCode::Required)]
        );
        assert_eq!(
            request(Some("broken"), None, None).unwrap_err(),
            vec![("kind".into(), FieldErrorCode::Invalid)]
        );
        assert_eq!(
            request(None, Some("repair"), None).unwrap_err(),
            vec![("category".into(), FieldErrorCode::Invalid)]
        );
        assert_eq!(
            request(Some("complaint"), Some("repair.water"), None).unwrap_err(),
            vec![("category".into(), FieldErrorCode::Mismatch)]
        );
        assert_eq!(
            request(None, None, Some("asap")).unwrap_err(),
            vec![("urgency".into(), FieldErrorCode::Invalid)]
        );
        assert!(request(None, None, Some("emergency")).is_ok());
    }

    #[test]
    fn a_category_brings_its_kind_and_a_new_kind_drops_a_foreign_category() {
        let to_noise = request(None, Some("complaint.noise"), None)
            .unwrap()
            .apply_to(&water());
        assert_eq!(
            (to_noise.kind, to_noise.category.as_deref()),
            (Kind::Complaint, Some("complaint.noise"))
        );
        let to_complaint = request(Some("complaint"), None, None)
            .unwrap()
            .apply_to(&water());
        assert_eq!(
            (to_complaint.kind, to_complaint.category),
            (Kind::Complaint, None)
        );
        let same_kind = request(Some("repair"), None, Some("emergency"))
            .unwrap()
            .apply_to(&water());
        assert_eq!(
            same_kind,
            Classification {
                urgency: Urgency::Emergency,
                ..water()
            }
        );
    }

    #[test]
    fn only_fields_read_from_the_text_are_corrected_and_against_the_first_reading() {
        assert_eq!(
            correction(
                "category",
                false,
                None,
                Some("repair.water"),
                Some("repair.gas")
            ),
            None
        );
        let first = correction(
            "category",
            true,
            None,
            Some("repair.water"),
            Some("repair.gas"),
        )
        .unwrap();
        assert_eq!(
            (first.analysed.as_deref(), first.chosen.as_deref()),
            (Some("repair.water"), Some("repair.gas"))
        );
        // Changed again: still measured against what the text said.
        let second = correction(
            "category",
            true,
            Some(&first),
            Some("repair.gas"),
            Some("repair.electric"),
        )
        .unwrap();
        assert_eq!(
            (second.analysed.as_deref(), second.chosen.as_deref()),
            (Some("repair.water"), Some("repair.electric"))
        );
        // Changed back: the reading was right after all.
        assert_eq!(
            correction(
                "category",
                true,
                Some(&second),
                Some("repair.electric"),
                Some("repair.water")
            ),
            None
        );
    }

    #[test]
    fn accuracy_is_one_minus_corrected_over_filled_with_the_frequent_corrections_first() {
        let all: Vec<String> = CORRECTABLE.iter().map(|f| f.to_string()).collect();
        let urgency_only = vec!["urgency".to_owned()];
        let filled: Vec<&[String]> = vec![&all, &all, &all, &all, &urgency_only];
        let fix = |field: &str, from: &str, to: &str| Correction {
            field: field.into(),
            analysed: Some(from.into()),
            chosen: Some(to.into()),
        };
        let corrections = [
            fix("category", "repair.water", "repair.hvac"),
            fix("category", "repair.water", "repair.hvac"),
            fix("urgency", "normal", "urgent"),
        ];
        let report = intake_accuracy(filled, &corrections, 10);
        let by_field = |name: &str| {
            report
                .fields
                .iter()
                .find(|f| f.field == name)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (
                by_field("kind").filled,
                by_field("kind").corrected,
                by_field("kind").accuracy
            ),
            (4, 0, Some(1.0))
        );
        assert_eq!(
            (
                by_field("category").corrected,
                by_field("category").accuracy
            ),
            (2, Some(0.5))
        );
        assert_eq!(
            (by_field("urgency").filled, by_field("urgency").accuracy),
            (5, Some(0.8))
        );
        assert_eq!(
            report.top_corrections[0],
            CorrectionCount {
                field: "category".into(),
                from: Some("repair.water".into()),
                to: Some("repair.hvac".into()),
                count: 2
            }
        );
        assert_eq!(report.top_corrections.len(), 2);
        assert_eq!(
            intake_accuracy(Vec::<&[String]>::new(), &[], 10).fields[0].accuracy,
            None,
            "nothing filled, nothing to measure"
        );
    }
}
