//! Grading an attempt. A single-choice question is right when exactly its correct option was
//! chosen; a multiple-choice question when every correct option and no other was chosen (no
//! partial credit: a half-right answer is wrong). The score is the share of questions right, in
//! percent rounded half up; it passes at the pass mark or above.

use super::question::{Question, QuestionKind};
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// What an attempt scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Graded {
    pub right: u32,
    pub questions: u32,
    /// 0 to 100.
    pub score: u32,
    pub passed: bool,
}

/// Grades `answers` (one per question, in order: the places of the options chosen; none chosen
/// is a wrong answer) against `questions`. Answers that do not fit the questions are refused by
/// field (`answers`, `answers[2]`) and grade nothing.
pub fn grade(
    questions: &[Question],
    answers: &[Vec<usize>],
    pass_mark: u32,
) -> Result<Graded, ValidationError> {
    let mut p = Problems::new();
    if answers.len() != questions.len() {
        p.refuse(
            "answers",
            FieldErrorCode::Mismatch,
            Allowed::Range {
                min: questions.len() as i64,
                max: questions.len() as i64,
            },
        );
    }
    let mut right = 0u32;
    for (i, (question, chosen)) in questions.iter().zip(answers).enumerate() {
        let mut chosen = chosen.clone();
        chosen.sort_unstable();
        chosen.dedup();
        if chosen.iter().any(|c| *c >= question.options.len()) {
            p.add(format!("answers[{i}]"), FieldErrorCode::UnknownReference);
        } else if question.kind == QuestionKind::Single && chosen.len() > 1 {
            p.add(format!("answers[{i}]"), FieldErrorCode::Mismatch);
        } else if chosen == question.correct {
            right += 1;
        }
    }
    p.into_result(())?;
    let total = questions.len() as u32;
    let score = if total == 0 {
        0
    } else {
        (200 * right + total) / (2 * total)
    };
    Ok(Graded {
        right,
        questions: total,
        score,
        passed: score >= pass_mark,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> Vec<Question> {
        let q = |kind, correct: Vec<usize>| Question {
            kind,
            text: "?".into(),
            options: vec!["a".into(), "b".into(), "c".into()],
            correct,
        };
        vec![
            q(QuestionKind::Single, vec![1]),
            q(QuestionKind::Multiple, vec![0, 2]),
            q(QuestionKind::Single, vec![0]),
        ]
    }

    #[test]
    fn all_right_passes_with_100() {
        let g = grade(&bank(), &[vec![1], vec![2, 0], vec![0]], 80).unwrap();
        assert_eq!(
            g,
            Graded {
                right: 3,
                questions: 3,
                score: 100,
                passed: true
            }
        );
    }

    #[test]
    fn multiple_choice_needs_every_correct_option_and_no_wrong_one() {
        let part = grade(&bank(), &[vec![1], vec![0], vec![0]], 60).unwrap();
        assert_eq!((part.right, part.score, part.passed), (2, 67, true));
        let extra = grade(&bank(), &[vec![1], vec![0, 1, 2], vec![0]], 80).unwrap();
        assert_eq!((extra.right, extra.score, extra.passed), (2, 67, false));
    }

    #[test]
    fn unanswered_is_wrong_and_the_score_rounds_half_up() {
        let g = grade(&bank(), &[vec![], vec![], vec![0]], 34).unwrap();
        assert_eq!((g.right, g.score, g.passed), (1, 33, false));
        let two = vec![bank()[0].clone(), bank()[2].clone()];
        assert_eq!(grade(&two, &[vec![1], vec![1]], 50).unwrap().score, 50);
        assert!(grade(&two, &[vec![1], vec![1]], 50).unwrap().passed);
    }

    #[test]
    fn answers_that_do_not_fit_are_refused_by_field() {
        let fields = |answers: &[Vec<usize>]| -> Vec<String> {
            grade(&bank(), answers, 80)
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| format!("{}={}", e.field, e.code))
                .collect()
        };
        assert_eq!(fields(&[vec![1]]), ["answers=mismatch"]);
        assert_eq!(
            fields(&[vec![0, 1], vec![3], vec![0]]),
            ["answers[0]=mismatch", "answers[1]=unknown_reference"]
        );
    }
}
