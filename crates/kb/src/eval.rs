//! Measuring the bot on questions written apart from it: top-1 accuracy on questions an article
//! answers, and correct hand-off on those none does (issue 14's targets: 90% each).

use serde::Deserialize;

use crate::bot::{Reading, ask};
use crate::library::{IndexError, Library};

/// One labelled question.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub text: String,
    pub project: String,
    /// An article's id, `none` (no article answers it) or `handoff` (a person must take it).
    pub expect: String,
}

/// What went wrong with one question.
#[derive(Debug, Clone)]
pub struct Miss {
    pub case: Case,
    /// The article answered, if any.
    pub answered: Option<String>,
    /// The best article found and how much of the question it covers, answered or not.
    pub best: Option<(String, f32)>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub answerable: usize,
    pub answered_right: usize,
    pub unanswerable: usize,
    pub handed_off: usize,
    pub misses: Vec<Miss>,
}

impl Report {
    pub fn top1(&self) -> f32 {
        ratio(self.answered_right, self.answerable)
    }

    pub fn handoff_rate(&self) -> f32 {
        ratio(self.handed_off, self.unanswerable)
    }
}

fn ratio(a: usize, b: usize) -> f32 {
    if b == 0 { 1.0 } else { a as f32 / b as f32 }
}

/// Reads a JSON Lines set.
pub fn parse_cases(jsonl: &str) -> Result<Vec<Case>, serde_json::Error> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect()
}

/// Asks every case and counts; `read` is message understanding.
pub fn evaluate(
    library: &Library,
    cases: &[Case],
    read: impl Fn(&str) -> Reading,
) -> Result<Report, IndexError> {
    let mut report = Report::default();
    for case in cases {
        let reply = ask(library, &case.text, Some(&case.project), read(&case.text))?;
        let best = reply
            .suggestions
            .first()
            .map(|s| (library.articles()[s.article].id.clone(), s.score));
        let answered = reply
            .answer
            .map(|a| library.articles()[a.article].id.clone());
        let right = match case.expect.as_str() {
            "none" | "handoff" => {
                report.unanswerable += 1;
                report.handed_off += usize::from(answered.is_none());
                answered.is_none()
            }
            id => {
                report.answerable += 1;
                let right = answered.as_deref() == Some(id);
                report.answered_right += usize::from(right);
                right
            }
        };
        if !right {
            report.misses.push(Miss {
                case: case.clone(),
                answered,
                best,
            });
        }
    }
    Ok(report)
}
