//! Follow-up (回访): the call back after the work, and the resident's rating.

use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::taxonomy::Kind;
use crate::ticket::Action;
use crate::validation::{FieldErrorCode, Problems};

code_enum! {
    /// Whether a resolved ticket of a category needs a staff member to call the resident back.
    pub enum FollowUpPolicy ("follow-up policy") {
        /// Always called back, even when the resident already rated (every complaint).
        Always = "always",
        /// Called back unless the resident rated first (the default).
        UnlessRated = "unless_rated",
        /// Never called back; the resident may still rate.
        Never = "never",
    }
}

impl FollowUpPolicy {
    /// The policy that applies to a ticket: a complaint is always followed up (投诉闭环),
    /// whatever its category says.
    pub fn effective(kind: Kind, configured: Option<FollowUpPolicy>) -> FollowUpPolicy {
        if kind == Kind::Complaint {
            FollowUpPolicy::Always
        } else {
            configured.unwrap_or(FollowUpPolicy::UnlessRated)
        }
    }

    /// Whether a satisfied rating from the resident closes the ticket by itself.
    pub fn rating_closes(self) -> bool {
        self != FollowUpPolicy::Always
    }
}

code_enum! {
    /// How a follow-up call went.
    #[derive(Default)]
    pub enum CallOutcome ("call outcome") {
        #[default]
        Reached = "reached",
        NotReached = "not_reached",
    }
}

code_enum! {
    /// How a ticket's follow-up ended.
    pub enum FollowUpResult ("follow-up result") {
        /// A staff call reached the resident.
        Reached = "reached",
        /// The resident rated it themselves.
        Rated = "rated",
        /// Nobody answered the allowed calls (无法联系).
        Unreachable = "unreachable",
    }
}

impl FollowUpResult {
    /// Whether the resident was actually heard.
    pub fn contacted(self) -> bool {
        self != FollowUpResult::Unreachable
    }
}

/// Failed calls after which a follow-up may close as unreachable (无法联系).
pub const MAX_FAILED_ATTEMPTS: i32 = 3;

/// A resolved ticket nobody rated closes this many days after resolve (complaints excepted:
/// they need a real follow-up contact).
pub const AUTO_CLOSE_DAYS: u32 = 7;

/// The resident's rating: overall (the satisfaction that decides), timeliness, attitude; 1–5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub overall: i64,
    pub timeliness: Option<i64>,
    pub attitude: Option<i64>,
    pub comment: Option<String>,
}

impl Rating {
    /// The follow-up this rating amounts to, as the state machine takes it.
    pub fn into_action(self) -> Action {
        Action::FollowUp {
            outcome: CallOutcome::Reached,
            satisfaction: Some(self.overall),
            timeliness: self.timeliness,
            attitude: self.attitude,
            comment: self.comment,
        }
    }
}

/// Checks a 1–5 score.
pub(crate) fn score(p: &mut Problems, field: &str, value: Option<i64>) {
    if value.is_some_and(|v| !(1..=5).contains(&v)) {
        p.add(field, FieldErrorCode::OutOfRange);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaints_are_always_followed_up() {
        assert_eq!(
            FollowUpPolicy::effective(Kind::Complaint, Some(FollowUpPolicy::Never)),
            FollowUpPolicy::Always
        );
        assert_eq!(
            FollowUpPolicy::effective(Kind::Repair, None),
            FollowUpPolicy::UnlessRated
        );
        assert_eq!(
            FollowUpPolicy::effective(Kind::Inquiry, Some(FollowUpPolicy::Never)),
            FollowUpPolicy::Never
        );
        assert!(!FollowUpPolicy::Always.rating_closes());
        assert!(FollowUpPolicy::UnlessRated.rating_closes());
    }
}
