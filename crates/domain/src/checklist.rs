//! SOP checklists (作业检查单): the steps a category's job must go through (a gas smell: close
//! the valve, ventilate, no switches…), ticked on the technician's job page; a category may
//! require every step ticked before the ticket is resolved (see the ticket lifecycle).

use serde::{Deserialize, Serialize};

use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Most steps of a checklist, and characters of a step.
pub const MAX_STEPS: usize = 30;
pub const MAX_STEP_TEXT: usize = 200;

/// One step of a checklist: its id stays while its text does, so ticks keep their step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    pub id: String,
    pub text: String,
}

/// A category's checklist as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistInput {
    /// The steps, in order.
    pub steps: Vec<String>,
    /// Every step ticked before resolve.
    pub required: bool,
}

impl ChecklistInput {
    /// The steps trimmed, or every problem: 1–30 steps of 1–200 characters, none twice.
    pub fn validate(self) -> Result<Vec<String>, ValidationError> {
        let mut p = Problems::new();
        let steps: Vec<String> = self.steps.iter().map(|s| s.trim().to_owned()).collect();
        if steps.is_empty() || steps.len() > MAX_STEPS {
            p.refuse(
                "steps",
                if steps.is_empty() {
                    FieldErrorCode::Required
                } else {
                    FieldErrorCode::TooLong
                },
                Allowed::Range {
                    min: 1,
                    max: MAX_STEPS as i64,
                },
            );
        }
        for (i, step) in steps.iter().enumerate() {
            p.text(&format!("steps[{i}]"), step, MAX_STEP_TEXT);
            if steps[..i].contains(step) {
                p.add(format!("steps[{i}]"), FieldErrorCode::Taken);
            }
        }
        p.into_result(steps)
    }
}

/// The new steps with ids: a step whose text was there before keeps its id (and its ticks);
/// others get one from `new_id`.
pub fn with_ids(old: &[Step], texts: Vec<String>, mut new_id: impl FnMut() -> String) -> Vec<Step> {
    texts
        .into_iter()
        .map(|text| Step {
            id: old
                .iter()
                .find(|s| s.text == text)
                .map_or_else(&mut new_id, |s| s.id.clone()),
            text,
        })
        .collect()
}

/// The steps not ticked yet, in order.
pub fn left<'a>(steps: &'a [Step], ticked: &[String]) -> Vec<&'a Step> {
    steps.iter().filter(|s| !ticked.contains(&s.id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, text: &str) -> Step {
        Step {
            id: id.into(),
            text: text.into(),
        }
    }

    #[test]
    fn steps_are_checked() {
        let ok = ChecklistInput {
            steps: vec![" 关闭燃气总阀 ".into(), "开窗通风".into()],
            required: true,
        }
        .validate()
        .unwrap();
        assert_eq!(ok, ["关闭燃气总阀", "开窗通风"]);
        let bad = ChecklistInput {
            steps: vec!["开窗通风".into(), "".into(), "开窗通风".into()],
            required: false,
        }
        .validate()
        .unwrap_err();
        let fields: Vec<(&str, FieldErrorCode)> =
            bad.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert!(fields.contains(&("steps[1]", FieldErrorCode::Required)));
        assert!(fields.contains(&("steps[2]", FieldErrorCode::Taken)));
        let none = ChecklistInput {
            steps: vec![],
            required: true,
        }
        .validate()
        .unwrap_err();
        assert_eq!(none.0[0].field, "steps");
    }

    #[test]
    fn a_kept_step_keeps_its_id() {
        let old = [step("a", "关闭燃气总阀"), step("b", "开窗通风")];
        let mut n = 0;
        let new = with_ids(
            &old,
            vec!["开窗通风".into(), "禁止开关电器".into()],
            || {
                n += 1;
                format!("new{n}")
            },
        );
        assert_eq!(new, [step("b", "开窗通风"), step("new1", "禁止开关电器")]);
    }

    #[test]
    fn left_are_the_unticked_steps_in_order() {
        let steps = [step("a", "一"), step("b", "二"), step("c", "三")];
        let left: Vec<&str> = left(&steps, &["b".into(), "x".into()])
            .into_iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(left, ["a", "c"]);
    }
}
