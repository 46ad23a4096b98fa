//! 培训: courses built from knowledge-base articles and scripts, exams from a course's question
//! bank graded here, retries, courses each role must pass by a due day after starting, the
//! certificates (上岗证) a pass gives with their expiry, who is overdue, and the mentor (导师)
//! of a new staff member with the checklist of their first weeks. The rules here need no I/O.

mod attempts;
mod certificate;
mod course;
mod grading;
mod mentoring;
mod question;
mod requirement;
mod status;

pub use attempts::{AttemptHistory, RENEWAL_WINDOW_DAYS, attempts_left, may_start};
pub use certificate::expires_at;
pub use course::{
    Course, Lesson, LessonSource, MAX_ATTEMPTS, MAX_CERTIFICATE_MONTHS, MAX_LESSON_TEXT,
    MAX_LESSONS, MAX_TITLE,
};
pub use grading::{Graded, grade};
pub use mentoring::{ChecklistItem, MAX_CHECKLIST, MAX_DUE_DAY, check_checklist};
pub use question::{MAX_OPTIONS, MAX_QUESTIONS, Question, QuestionKind};
pub use requirement::{MAX_DUE_DAYS, Requirement, check_requirements};
pub use status::{CourseStatus, TrainingState, status_of};

use crate::validation::{Allowed, FieldErrorCode, Problems, has_control_characters};

/// Why an exam may not be started or answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrainingError {
    /// Every attempt allowed was used without passing.
    #[error("no attempts left")]
    NoAttemptsLeft,
    /// The course is passed and its certificate is valid beyond the renewal window.
    #[error("already certified")]
    AlreadyCertified,
    /// The attempt was answered already: an attempt is graded once.
    #[error("attempt already submitted")]
    AttemptSubmitted,
}

/// A required text without control characters, trimmed.
fn text(p: &mut Problems, field: &str, value: &str, max: usize) -> String {
    let value = value.trim().to_owned();
    if has_control_characters(&value) {
        p.add(field, FieldErrorCode::ControlCharacters);
    } else {
        p.text(field, &value, max);
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
