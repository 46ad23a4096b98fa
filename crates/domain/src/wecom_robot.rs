//! A WeCom (企业微信) group robot as an admin adds it: a name, the project (and team) whose
//! staff alerts it posts, and the key of its webhook, which an admin may paste alone or as the
//! whole webhook address WeCom shows (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`).

use serde::Deserialize;

use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Longest robot name.
pub const MAX_NAME: usize = 100;
/// A webhook key is a UUID today (36 characters); a little room either side.
const WEBHOOK_KEY: Allowed = Allowed::Code { min: 8, max: 64 };

/// A robot as an admin adds or changes it (`POST /api/v1/wecom-robots`,
/// `PUT /api/v1/wecom-robots/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WecomRobotInput {
    pub name: String,
    pub project_id: String,
    /// The team whose tickets it posts about; none: the whole project's.
    pub team_id: Option<String>,
    /// The key of the webhook, or its whole address. Needed to add a robot; left out in a
    /// change, the key is kept. Never answered back.
    pub webhook_key: Option<String>,
}

/// A robot input that passed every rule needing no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWecomRobot {
    pub name: String,
    pub project_id: String,
    pub team_id: Option<String>,
    /// None: keep the current key.
    pub webhook_key: Option<String>,
}

impl WecomRobotInput {
    /// Checks a new robot: its key is required.
    pub fn validate_new(self) -> Result<NewWecomRobot, ValidationError> {
        self.validate(true)
    }

    /// Checks a change: a key left out is kept.
    pub fn validate_change(self) -> Result<NewWecomRobot, ValidationError> {
        self.validate(false)
    }

    fn validate(self, key_required: bool) -> Result<NewWecomRobot, ValidationError> {
        let mut p = Problems::new();
        let name = self.name.trim().to_owned();
        p.text("name", &name, MAX_NAME);
        let project_id = self.project_id.trim().to_owned();
        p.text("project_id", &project_id, 64);
        let team_id = self
            .team_id
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        p.optional_text("team_id", team_id.as_deref(), 64);
        let webhook_key = match self.webhook_key.as_deref().map(webhook_key_of) {
            Some(key) => {
                let len = key.chars().count();
                let code = if key.is_empty() {
                    Some(FieldErrorCode::Required)
                } else if !key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    Some(FieldErrorCode::Invalid)
                } else if len < 8 {
                    Some(FieldErrorCode::TooShort)
                } else if len > 64 {
                    Some(FieldErrorCode::TooLong)
                } else {
                    None
                };
                if let Some(code) = code {
                    p.refuse("webhook_key", code, WEBHOOK_KEY);
                }
                Some(key.to_owned())
            }
            None if key_required => {
                p.refuse("webhook_key", FieldErrorCode::Required, WEBHOOK_KEY);
                None
            }
            None => None,
        };
        p.into_result(NewWecomRobot {
            name,
            project_id,
            team_id,
            webhook_key,
        })
    }
}

/// The key in what an admin pasted: the `key` parameter of a webhook address, or the text
/// itself.
fn webhook_key_of(pasted: &str) -> &str {
    let pasted = pasted.trim();
    if !pasted.starts_with("http://") && !pasted.starts_with("https://") {
        return pasted;
    }
    pasted
        .split_once('?')
        .and_then(|(_, query)| query.split('&').find_map(|pair| pair.strip_prefix("key=")))
        .unwrap_or(pasted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(key: Option<&str>) -> WecomRobotInput {
        WecomRobotInput {
            name: " 维修班群 ".into(),
            project_id: "p1".into(),
            team_id: Some(" ".into()),
            webhook_key: key.map(str::to_owned),
        }
    }

    #[test]
    fn the_key_is_taken_from_a_pasted_webhook_address() {
        let robot = input(Some(
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
        ))
        .validate_new()
        .unwrap();
        assert_eq!(
            robot.webhook_key.as_deref(),
            Some("693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa")
        );
        assert_eq!(robot.name, "维修班群");
        assert_eq!(robot.team_id, None);
    }

    #[test]
    fn a_new_robot_needs_a_key_and_a_change_keeps_it() {
        let refused = input(None).validate_new().unwrap_err();
        assert_eq!(refused.0[0].field, "webhook_key");
        assert_eq!(refused.0[0].code, FieldErrorCode::Required);
        assert_eq!(input(None).validate_change().unwrap().webhook_key, None);
    }

    #[test]
    fn bad_keys_are_named() {
        for (key, code) in [
            ("", FieldErrorCode::Required),
            ("abc def 123", FieldErrorCode::Invalid),
            ("abc", FieldErrorCode::TooShort),
            (&"a".repeat(65), FieldErrorCode::TooLong),
            ("https://example.com/send?other=1", FieldErrorCode::Invalid),
        ] {
            let refused = input(Some(key)).validate_new().unwrap_err();
            assert_eq!(
                (refused.0[0].field.as_str(), refused.0[0].code),
                ("webhook_key", code),
                "{key}"
            );
        }
    }
}
