//! Field-level validation results, shared by every input the domain checks.

use serde::Serialize;

/// Why one field was rejected; `code` is stable and machine-readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
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
    }
}

/// Collects every problem of an input, so a caller sees all of them in one answer.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: FieldErrorCode) {
        self.0.push(FieldError { field: field.into(), code });
    }

    /// Checks a required text: present, not blank, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, FieldErrorCode::Required);
        } else if value.chars().count() > max {
            self.add(field, FieldErrorCode::TooLong);
        }
    }

    /// Checks an optional text: when present, at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if value.is_some_and(|v| v.chars().count() > max) {
            self.add(field, FieldErrorCode::TooLong);
        }
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
        if self.0.is_empty() { Ok(value) } else { Err(ValidationError(self.0)) }
    }
}

/// An input was rejected; lists each field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation failed: {}", .0.iter().map(|e| format!("{} {}", e.field, e.code)).collect::<Vec<_>>().join(", "))]
pub struct ValidationError(pub Vec<FieldError>);

impl ValidationError {
    pub fn single(field: impl Into<String>, code: FieldErrorCode) -> Self {
        Self(vec![FieldError { field: field.into(), code }])
    }
}
