//! A course (课程): its lessons, each a knowledge-base article, a standard script or its own
//! Markdown text, its question bank, and the exam's terms (pass mark, attempts, how long the
//! certificate lasts).

use serde::{Deserialize, Serialize};

use super::question::{MAX_QUESTIONS, Question};
use super::{range, text};
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

pub const MAX_TITLE: usize = 100;
pub const MAX_DESCRIPTION: usize = 1000;
pub const MAX_LESSONS: usize = 50;
pub const MAX_LESSON_TEXT: usize = 20_000;
pub const MAX_ATTEMPTS: u32 = 10;
pub const MAX_CERTIFICATE_MONTHS: u32 = 120;

/// What a lesson teaches from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LessonSource {
    /// A knowledge-base article, read in its published version.
    Article { article_id: String },
    /// A standard script (话术).
    Script { script_id: String },
    /// The lesson's own Markdown.
    Text { body: String },
}

/// One lesson of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub title: String,
    pub source: LessonSource,
}

/// 课程: what a course is made of; its exam asks every question of its bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    pub description: Option<String>,
    pub lessons: Vec<Lesson>,
    pub questions: Vec<Question>,
    /// The score, in percent (1 to 100), that passes.
    pub pass_mark: u32,
    /// Attempts allowed (1 to 10) before a pass; counted again once a certificate nears expiry.
    pub max_attempts: u32,
    /// How long a certificate lasts, in months (1 to 120).
    pub certificate_months: u32,
}

impl Course {
    /// The course trimmed, or every problem of it named by field (`pass_mark`,
    /// `questions[2].correct`, `lessons[0].title`, …). Whether a lesson's article or script
    /// exists is for the caller, who can look.
    pub fn validate(self) -> Result<Course, ValidationError> {
        let mut p = Problems::new();
        let title = text(&mut p, "title", &self.title, MAX_TITLE);
        let description = self
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .map(|d| text(&mut p, "description", &d, MAX_DESCRIPTION));
        count(&mut p, "lessons", self.lessons.len(), MAX_LESSONS);
        let lessons = self
            .lessons
            .into_iter()
            .enumerate()
            .map(|(i, lesson)| {
                let title = text(
                    &mut p,
                    &format!("lessons[{i}].title"),
                    &lesson.title,
                    MAX_TITLE,
                );
                let source = match lesson.source {
                    LessonSource::Article { article_id } => LessonSource::Article {
                        article_id: reference(
                            &mut p,
                            &format!("lessons[{i}].source.article_id"),
                            article_id,
                        ),
                    },
                    LessonSource::Script { script_id } => LessonSource::Script {
                        script_id: reference(
                            &mut p,
                            &format!("lessons[{i}].source.script_id"),
                            script_id,
                        ),
                    },
                    LessonSource::Text { body } => LessonSource::Text {
                        body: text(
                            &mut p,
                            &format!("lessons[{i}].source.body"),
                            &body,
                            MAX_LESSON_TEXT,
                        ),
                    },
                };
                Lesson { title, source }
            })
            .collect();
        count(&mut p, "questions", self.questions.len(), MAX_QUESTIONS);
        let questions = self
            .questions
            .into_iter()
            .enumerate()
            .map(|(i, q)| q.check(&mut p, &format!("questions[{i}]")))
            .collect();
        range(&mut p, "pass_mark", self.pass_mark, 1, 100);
        range(&mut p, "max_attempts", self.max_attempts, 1, MAX_ATTEMPTS);
        range(
            &mut p,
            "certificate_months",
            self.certificate_months,
            1,
            MAX_CERTIFICATE_MONTHS,
        );
        p.into_result(Course {
            title,
            description,
            lessons,
            questions,
            ..self
        })
    }

    /// The ids of the articles and scripts its lessons read, with the field naming each.
    pub fn references(&self) -> Vec<(String, &LessonSource)> {
        self.lessons
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match &l.source {
                LessonSource::Article { .. } => {
                    Some((format!("lessons[{i}].source.article_id"), &l.source))
                }
                LessonSource::Script { .. } => {
                    Some((format!("lessons[{i}].source.script_id"), &l.source))
                }
                LessonSource::Text { .. } => None,
            })
            .collect()
    }
}

/// A list of 1 to `max` entries.
fn count(p: &mut Problems, field: &str, len: usize, max: usize) {
    if len == 0 || len > max {
        p.refuse(
            field,
            if len == 0 {
                FieldErrorCode::Required
            } else {
                FieldErrorCode::TooLong
            },
            Allowed::Range {
                min: 1,
                max: max as i64,
            },
        );
    }
}

/// An id of another record: present and short.
fn reference(p: &mut Problems, field: &str, id: String) -> String {
    text(p, field, &id, 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::QuestionKind;

    fn course() -> Course {
        Course {
            title: " 客服上岗培训 ".into(),
            description: Some(" ".into()),
            lessons: vec![
                Lesson {
                    title: "物业费".into(),
                    source: LessonSource::Article {
                        article_id: "a1".into(),
                    },
                },
                Lesson {
                    title: "道歉话术".into(),
                    source: LessonSource::Script {
                        script_id: "s1".into(),
                    },
                },
                Lesson {
                    title: "首问负责".into(),
                    source: LessonSource::Text {
                        body: "谁接谁负责".into(),
                    },
                },
            ],
            questions: vec![
                Question {
                    kind: QuestionKind::Single,
                    text: "投诉多久闭环？".into(),
                    options: vec!["24小时".into(), "一周".into()],
                    correct: vec![0],
                },
                Question {
                    kind: QuestionKind::Multiple,
                    text: "哪些是受理渠道？".into(),
                    options: vec!["电话".into(), "微信".into(), "传真".into()],
                    correct: vec![1, 0, 1],
                },
            ],
            pass_mark: 80,
            max_attempts: 3,
            certificate_months: 12,
        }
    }

    #[test]
    fn a_good_course_is_trimmed_and_its_answers_sorted() {
        let c = course().validate().unwrap();
        assert_eq!(c.title, "客服上岗培训");
        assert_eq!(c.description, None);
        assert_eq!(c.questions[1].correct, [0, 1]);
        assert_eq!(c.references().len(), 2);
        assert_eq!(c.references()[1].0, "lessons[1].source.script_id");
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let mut c = course();
        c.pass_mark = 0;
        c.max_attempts = 11;
        c.certificate_months = 0;
        c.questions[0].correct = vec![];
        c.questions[1].correct = vec![3];
        c.questions.push(Question {
            kind: QuestionKind::Single,
            text: "两个对？".into(),
            options: vec!["a".into(), "b".into()],
            correct: vec![0, 1],
        });
        c.questions.push(Question {
            kind: QuestionKind::Single,
            text: " ".into(),
            options: vec!["only".into()],
            correct: vec![0],
        });
        c.lessons[2].source = LessonSource::Text { body: "".into() };
        let fields: Vec<String> = c
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| format!("{}={}", e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                "lessons[2].source.body=required",
                "questions[0].correct=required",
                "questions[1].correct=unknown_reference",
                "questions[2].correct=mismatch",
                "questions[3].text=required",
                "questions[3].options=too_short",
                "pass_mark=out_of_range",
                "max_attempts=out_of_range",
                "certificate_months=out_of_range",
            ]
        );
    }

    #[test]
    fn a_course_needs_lessons_and_questions() {
        let mut c = course();
        c.lessons.clear();
        c.questions.clear();
        let fields: Vec<String> = c
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["lessons", "questions"]);
    }
}
