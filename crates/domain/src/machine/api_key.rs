//! API keys (接口密钥): a machine's long-lived credential, limited to named scopes and, when
//! given, to some projects. The rules here need no stored data; storage keeps only a hash.

use chrono::Duration;
use serde::Deserialize;

use crate::code::code_enum;
use crate::validation::{
    Allowed, FieldErrorCode, Problems, ValidationError, has_control_characters,
};

code_enum! {
    /// What a key may do; each is named for what it allows.
    pub enum ApiScope ("API scope") {
        /// Read tickets, their timelines, incidents and hotline orders.
        TicketsRead = "tickets:read",
        /// Open tickets and act on them (comment, dispatch, resolve, …).
        TicketsWrite = "tickets:write",
        /// Hand in 12345 hotline orders and their replies.
        HotlineWrite = "hotline:write",
        /// Report IoT alarms.
        IotWrite = "iot:write",
        /// Report telephony call events.
        CallsWrite = "calls:write",
        /// Read residents (phones masked in lists as for staff).
        ResidentsRead = "residents:read",
        /// Read projects, buildings and rooms.
        PlacesRead = "places:read",
        /// Read the service figures.
        FiguresRead = "figures:read",
    }
}

/// The recognisable start of every key, so a leaked one is found by secret scanners.
pub const KEY_PREFIX: &str = "gjk_";
pub const MAX_NAME: usize = 100;
pub const MAX_PROJECTS: usize = 200;
/// Requests a key may make per minute unless its creator says otherwise.
pub const DEFAULT_RATE_PER_MINUTE: i64 = 600;
pub const MAX_RATE_PER_MINUTE: i64 = 60_000;
/// How long the replaced secret keeps working after a rotation, unless said otherwise.
pub const DEFAULT_OVERLAP: Duration = Duration::hours(24);
pub const MAX_OVERLAP_SECONDS: i64 = 7 * 24 * 3600;

/// `POST /api/v1/api-keys`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiKeyInput {
    pub name: String,
    /// At least one; see the `ApiScope` codes.
    pub scopes: Vec<String>,
    /// Left out or empty: every project of the company (a company-wide admin only).
    pub project_ids: Option<Vec<String>>,
    /// Requests per minute this key may make (default 600).
    pub rate_per_minute: Option<i64>,
}

/// A key input that passed every rule needing no stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    /// Sorted, without repeats.
    pub scopes: Vec<ApiScope>,
    /// Empty: every project.
    pub project_ids: Vec<String>,
    pub rate_per_minute: i64,
}

impl ApiKeyInput {
    pub fn validate(self) -> Result<NewApiKey, ValidationError> {
        let mut p = Problems::new();
        let name = self.name.trim().to_owned();
        p.text("name", &name, MAX_NAME);
        if has_control_characters(&name) {
            p.add("name", FieldErrorCode::ControlCharacters);
        }
        let scopes = p.codes("scopes", &self.scopes, ApiScope::ALL);
        let project_ids = p.project_ids("project_ids", self.project_ids, MAX_PROJECTS);
        let rate_per_minute = self.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE);
        if !(1..=MAX_RATE_PER_MINUTE).contains(&rate_per_minute) {
            p.refuse(
                "rate_per_minute",
                FieldErrorCode::OutOfRange,
                Allowed::Range {
                    min: 1,
                    max: MAX_RATE_PER_MINUTE,
                },
            );
        }
        p.into_result(NewApiKey {
            name,
            scopes,
            project_ids,
            rate_per_minute,
        })
    }
}

/// `POST /api/v1/api-keys/{id}/rotate`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotationInput {
    /// How long the replaced secret keeps working, 0 to 604800 seconds (default one day), so
    /// the machine can be given the new one without a gap.
    pub overlap_seconds: Option<i64>,
}

impl RotationInput {
    pub fn validate(self) -> Result<Duration, ValidationError> {
        let seconds = self
            .overlap_seconds
            .unwrap_or(DEFAULT_OVERLAP.num_seconds());
        let mut p = Problems::new();
        if !(0..=MAX_OVERLAP_SECONDS).contains(&seconds) {
            p.refuse(
                "overlap_seconds",
                FieldErrorCode::OutOfRange,
                Allowed::Range {
                    min: 0,
                    max: MAX_OVERLAP_SECONDS,
                },
            );
        }
        // Clamped: the duration is made before the problems decide, and chrono panics on
        // seconds beyond its range (a refused value is never used).
        p.into_result(Duration::seconds(seconds.clamp(0, MAX_OVERLAP_SECONDS)))
    }
}

/// The parts of a presented key: `gjk_{id}_{secret}`. None when it is not shaped like one.
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix(KEY_PREFIX)?;
    let (id, secret) = rest.rsplit_once('_')?;
    (!id.is_empty() && secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some((id, secret))
}

/// The key shown once to its creator.
pub fn compose_key(id: &str, secret: &str) -> String {
    format!("{KEY_PREFIX}{id}_{secret}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(scopes: &[&str]) -> ApiKeyInput {
        ApiKeyInput {
            name: "12345 bridge".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            project_ids: None,
            rate_per_minute: None,
        }
    }

    #[test]
    fn scopes_are_codes_sorted_without_repeats() {
        let key = input(&["tickets:write", "hotline:write", "tickets:write"])
            .validate()
            .unwrap();
        assert_eq!(key.scopes, [ApiScope::TicketsWrite, ApiScope::HotlineWrite]);
        assert_eq!(key.rate_per_minute, DEFAULT_RATE_PER_MINUTE);
    }

    #[test]
    fn unknown_or_missing_scopes_name_the_field() {
        let err = input(&["tickets:delete"]).validate().unwrap_err();
        assert_eq!(err.0[0].field, "scopes[0]");
        let err = input(&[]).validate().unwrap_err();
        assert_eq!(err.0[0].field, "scopes");
    }

    #[test]
    fn a_rate_outside_its_range_is_refused() {
        let mut i = input(&["iot:write"]);
        i.rate_per_minute = Some(0);
        assert_eq!(i.validate().unwrap_err().0[0].field, "rate_per_minute");
    }

    #[test]
    fn keys_split_into_id_and_secret() {
        let secret = "ab".repeat(32);
        let key = compose_key("0190-ab", &secret);
        assert_eq!(split_key(&key), Some(("0190-ab", secret.as_str())));
        assert_eq!(split_key("gjk_x_short"), None);
        assert_eq!(split_key("company.secret"), None);
    }

    #[test]
    fn rotation_overlap_is_bounded() {
        assert_eq!(
            RotationInput::default().validate().unwrap(),
            DEFAULT_OVERLAP
        );
        for refused in [-1, MAX_OVERLAP_SECONDS + 1, i64::MAX - 1, i64::MIN] {
            assert!(
                RotationInput {
                    overlap_seconds: Some(refused)
                }
                .validate()
                .is_err(),
                "{refused}"
            );
        }
    }
}
