//! A staff member's extension (分机号): where the phone system rings them, so a ringing call
//! finds the agent whose workbench pops the caller.

use serde::Deserialize;

use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// The longest extension.
pub const MAX_EXTENSION: usize = 16;

/// `PUT /api/v1/staff/{id}/extension`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    /// Letters, digits, `-` and `_` (usually digits: `8001`); null or empty takes it away.
    pub extension: Option<String>,
}

impl ExtensionInput {
    /// The extension to keep, or None to take it away.
    pub fn validate(self) -> Result<Option<String>, ValidationError> {
        let mut p = Problems::new();
        let extension = self
            .extension
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        if let Some(e) = &extension {
            check_extension(&mut p, "extension", e);
        }
        p.into_result(extension)
    }
}

/// An extension as phone systems name them: letters, digits, `-` and `_`, 1 to 16.
pub(super) fn check_extension(p: &mut Problems, field: &str, value: &str) {
    let rule = Allowed::Code {
        min: 1,
        max: MAX_EXTENSION,
    };
    if value.is_empty() {
        p.refuse(field, FieldErrorCode::Required, rule);
    } else if value.len() > MAX_EXTENSION {
        p.refuse(field, FieldErrorCode::TooLong, rule);
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        p.refuse(field, FieldErrorCode::Invalid, rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extension_is_a_short_code_and_empty_takes_it_away() {
        let set = |e: &str| {
            ExtensionInput {
                extension: Some(e.into()),
            }
            .validate()
        };
        assert_eq!(set(" 8001 ").unwrap(), Some("8001".into()));
        assert_eq!(set("").unwrap(), None);
        assert_eq!(ExtensionInput { extension: None }.validate().unwrap(), None);
        assert_eq!(set("80 01").unwrap_err().0[0].code, FieldErrorCode::Invalid);
        assert_eq!(
            set(&"8".repeat(17)).unwrap_err().0[0].code,
            FieldErrorCode::TooLong
        );
    }
}
