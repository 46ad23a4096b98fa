//! Labelled messages as JSON Lines: what the evaluation measures the analyser on, and what the
//! danger model learns from. Kept apart from both so neither depends on the other.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::location::Location;

/// One labelled message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledMessage {
    pub text: String,
    #[serde(default)]
    pub channel: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: String,
    pub escalation_risk: bool,
    #[serde(default)]
    pub location: Location,
}

/// A line of an evaluation file that is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalDataError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for EvalDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for EvalDataError {}

/// Parses JSON Lines, skipping blank lines.
pub fn parse_jsonl<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, EvalDataError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|error| EvalDataError {
                line: index + 1,
                message: error.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let error = parse_jsonl::<LabelledMessage>("\n{\"text\": 1}").unwrap_err();
        assert_eq!(error.line, 2);
    }
}
