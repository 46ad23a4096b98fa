//! Field-level validation results, shared by every input the domain checks.

use serde::{Deserialize, Serialize};

/// Why one field was rejected; `code` is stable and machine-readable, `allowed` (when the rule
/// has one) says what the field accepts, so a person can put it right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Allowed>,
}

/// What a field accepts, as facts (the HTTP layer and the pages word them in zh-CN and en).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Allowed {
    /// Any text of `min` to `max` characters.
    Length { min: usize, max: usize },
    /// A code: ASCII letters, digits, `-` and `_`, `min` to `max` characters.
    Code { min: usize, max: usize },
    /// A username: ASCII letters, digits, `.`, `-` and `_`, `min` to `max` characters.
    Username { min: usize, max: usize },
    /// A whole number from `min` to `max`.
    Range { min: i64, max: i64 },
    /// A number above zero and below `max`.
    Positive { max: i64 },
    /// A mobile (11 digits, starting with 1) or landline number of mainland China.
    Phone,
    /// An IANA time zone such as Asia/Shanghai.
    TimeZone,
    /// One of a closed vocabulary's codes, all listed.
    OneOf { codes: Vec<String> },
    /// A device's own id: ASCII letters, digits, `-`, `_`, `.`, `:` and `@`, `min` to `max`
    /// characters (what IoT platforms use: serial numbers, MAC addresses, names).
    DeviceId { min: usize, max: usize },
    /// ASCII letters and digits only, `min` to `max` characters (WeChat's Token, AppSecret and
    /// EncodingAESKey).
    Alphanumeric { min: usize, max: usize },
    /// A WeChat AppID: `wx` and 16 hex digits.
    WechatAppId,
    /// A web address starting with http:// or https://, at most `max` characters.
    HttpUrl { max: usize },
}

impl Allowed {
    /// The codes of the vocabulary `T` (a `code_enum`), for a refused code.
    pub fn one_of<T: Copy + std::fmt::Display>(all: &[T]) -> Self {
        Allowed::OneOf {
            codes: all.iter().map(ToString::to_string).collect(),
        }
    }
}

crate::code::code_enum! {
    /// The reasons a field can be rejected; the HTTP layer words each in zh-CN and en.
    pub enum FieldErrorCode ("field error") {
        Required = "required",
        Invalid = "invalid",
        TooLong = "too_long",
        OutOfRange = "out_of_range",
        UnknownReference = "unknown_reference",
        Mismatch = "mismatch",
        InFuture = "in_future",
        TooOld = "too_old",
        Taken = "taken",
        TooShort = "too_short",
        ControlCharacters = "control_characters",
        /// A 12345 reply that does not say what was done.
        NoActionStated = "no_action_stated",
        /// A 12345 reply that does not say the caller was told.
        CallerNotTold = "caller_not_told",
        /// A 12345 reply that only repeats the order's own text.
        RepeatsRequest = "repeats_request",
        /// The ticket is not resolved yet, so there is no result to report.
        NotResolved = "not_resolved",
    }
}

/// Whether `text` holds a control character other than tab, line feed and carriage return: such
/// characters are never typed by a person, break PostgreSQL (NUL) and hide text from reviewers,
/// so every text input refuses them.
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// An absolute http(s) address with a host, and nothing a page could not show as a link.
pub fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Collects every problem of an input, so a caller sees all of them in one answer.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: FieldErrorCode) {
        self.0.push(FieldError {
            field: field.into(),
            code,
            allowed: None,
        });
    }

    /// Records a problem of a field whose rule says what it accepts.
    pub fn refuse(&mut self, field: impl Into<String>, code: FieldErrorCode, allowed: Allowed) {
        self.0.push(FieldError {
            field: field.into(),
            code,
            allowed: Some(allowed),
        });
    }

    /// Checks a required text: present, not blank, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let allowed = Allowed::Length { min: 1, max };
        if value.trim().is_empty() {
            self.refuse(field, FieldErrorCode::Required, allowed);
        } else if value.chars().count() > max {
            self.refuse(field, FieldErrorCode::TooLong, allowed);
        }
    }

    /// Checks an optional text: when present, at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if value.is_some_and(|v| v.chars().count() > max) {
            self.refuse(
                field,
                FieldErrorCode::TooLong,
                Allowed::Length { min: 0, max },
            );
        }
    }

    /// Parses a code of a closed vocabulary whose every code is `all`, recording `invalid` with
    /// the codes it accepts when it is not one.
    pub fn one_of<T: std::str::FromStr + Copy + std::fmt::Display>(
        &mut self,
        field: &str,
        value: &str,
        all: &[T],
    ) -> Option<T> {
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.refuse(field, FieldErrorCode::Invalid, Allowed::one_of(all));
        }
        parsed
    }

    /// Parses a required, non-empty list of codes of a closed vocabulary (`field[i]` names each
    /// refused one); answers those that parsed, sorted and without repeats.
    pub fn codes<T: std::str::FromStr + Copy + Ord + std::fmt::Display>(
        &mut self,
        field: &str,
        values: &[String],
        all: &[T],
    ) -> Vec<T> {
        let mut codes: Vec<T> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.one_of(&format!("{field}[{i}]"), v.trim(), all))
            .collect();
        codes.sort();
        codes.dedup();
        if values.is_empty() {
            self.refuse(field, FieldErrorCode::Required, Allowed::one_of(all));
        }
        codes
    }

    /// Checks a list of project ids (left out: none): each trimmed, at most 64 characters, at
    /// most `max` different ones; answers them sorted and without repeats.
    pub fn project_ids(
        &mut self,
        field: &str,
        ids: Option<Vec<String>>,
        max: usize,
    ) -> Vec<String> {
        let mut ids: Vec<String> = ids
            .unwrap_or_default()
            .into_iter()
            .map(|id| id.trim().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.len() > max {
            self.refuse(
                field,
                FieldErrorCode::TooLong,
                Allowed::Range {
                    min: 0,
                    max: max as i64,
                },
            );
        }
        for (i, id) in ids.iter().enumerate() {
            self.text(&format!("{field}[{i}]"), id, 64);
        }
        ids
    }

    /// Parses a code of a closed vocabulary, recording `invalid` when it is not one.
    pub fn code<T: std::str::FromStr>(&mut self, field: &str, value: &str) -> Option<T> {
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.add(field, FieldErrorCode::Invalid);
        }
        parsed
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was found, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ValidationError(self.0))
        }
    }
}

/// An input was rejected; lists each field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation failed: {}", .0.iter().map(|e| format!("{} {}", e.field, e.code)).collect::<Vec<_>>().join(", "))]
pub struct ValidationError(pub Vec<FieldError>);

impl ValidationError {
    pub fn single(field: impl Into<String>, code: FieldErrorCode) -> Self {
        Self(vec![FieldError {
            field: field.into(),
            code,
            allowed: None,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_but_not_line_breaks() {
        assert!(has_control_characters("a\0b"));
        assert!(has_control_characters("\u{7f}"));
        assert!(has_control_characters("\u{85}"));
        assert!(has_control_characters("\u{1b}[31m"));
        assert!(!has_control_characters("三楼\t漏水\r\n请尽快"));
        assert!(!has_control_characters(""));
    }
}
