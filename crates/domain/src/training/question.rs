//! A course's question bank: single-choice and multiple-choice questions with their options and
//! which of them are correct.

use serde::{Deserialize, Serialize};

use super::text;
use crate::code::code_enum;
use crate::validation::{Allowed, FieldErrorCode, Problems};

code_enum! {
    /// How many options a question's answer takes.
    pub enum QuestionKind ("question kind") {
        /// 单选: exactly one option is correct.
        Single = "single",
        /// 多选: one or more options are correct.
        Multiple = "multiple",
    }
}

pub const MAX_QUESTIONS: usize = 100;
pub const MAX_OPTIONS: usize = 8;
pub const MAX_QUESTION_TEXT: usize = 500;
pub const MAX_OPTION_TEXT: usize = 200;

/// One question of the bank, with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub kind: QuestionKind,
    pub text: String,
    /// 2 to 8 options, shown in this order.
    pub options: Vec<String>,
    /// The places (from 0) of the correct options: exactly one for a single-choice question, at
    /// least one for a multiple-choice one.
    pub correct: Vec<usize>,
}

impl Question {
    /// The question trimmed, its problems recorded under `field` (`questions[3]`).
    pub(super) fn check(self, p: &mut Problems, field: &str) -> Question {
        let wording = text(p, &format!("{field}.text"), &self.text, MAX_QUESTION_TEXT);
        if !(2..=MAX_OPTIONS).contains(&self.options.len()) {
            p.refuse(
                format!("{field}.options"),
                if self.options.len() < 2 {
                    FieldErrorCode::TooShort
                } else {
                    FieldErrorCode::TooLong
                },
                Allowed::Range {
                    min: 2,
                    max: MAX_OPTIONS as i64,
                },
            );
        }
        let options: Vec<String> = self
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| text(p, &format!("{field}.options[{i}]"), o, MAX_OPTION_TEXT))
            .collect();
        let mut correct = self.correct;
        correct.sort_unstable();
        correct.dedup();
        let field_correct = format!("{field}.correct");
        if correct.is_empty() {
            p.add(field_correct, FieldErrorCode::Required);
        } else if correct.iter().any(|c| *c >= options.len()) {
            p.add(field_correct, FieldErrorCode::UnknownReference);
        } else if self.kind == QuestionKind::Single && correct.len() != 1 {
            p.add(field_correct, FieldErrorCode::Mismatch);
        }
        Question {
            kind: self.kind,
            text: wording,
            options,
            correct,
        }
    }
}
