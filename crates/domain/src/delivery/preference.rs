//! A resident's choice of the channel they hear on (sms or wechat), as staff or they set it.

use serde::Deserialize;

use super::channel::PreferredChannel;
use crate::validation::{Problems, ValidationError};

/// `PUT /api/v1/residents/{id}/preferred-channel`, `PUT /api/v1/me/preferred-channel`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreferenceInput {
    /// sms or wechat (WeChat falls back to SMS when the resident is not bound or it fails).
    pub preferred_channel: String,
}

impl PreferenceInput {
    pub fn validate(self) -> Result<PreferredChannel, ValidationError> {
        let mut p = Problems::new();
        let channel = p.one_of(
            "preferred_channel",
            self.preferred_channel.trim(),
            PreferredChannel::ALL,
        );
        p.into_result(())?;
        channel.ok_or_else(|| {
            ValidationError::single(
                "preferred_channel",
                crate::validation::FieldErrorCode::Invalid,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::{Allowed, FieldErrorCode};

    #[test]
    fn a_preference_is_one_of_the_channels() {
        let input = |c: &str| PreferenceInput {
            preferred_channel: c.into(),
        };
        assert_eq!(input("wechat").validate(), Ok(PreferredChannel::Wechat));
        assert_eq!(input(" sms ").validate(), Ok(PreferredChannel::Sms));
        let err = input("email").validate().unwrap_err();
        assert_eq!(err.0[0].code, FieldErrorCode::Invalid);
        assert_eq!(
            err.0[0].allowed,
            Some(Allowed::OneOf {
                codes: vec!["sms".into(), "wechat".into()]
            })
        );
    }
}
