//! Where a person stands on a required course, and who is overdue: required and not certified
//! by the due date, or certified once but the certificate has expired.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::code::code_enum;

code_enum! {
    /// A person's standing on a required course.
    pub enum TrainingState ("training state") {
        /// 待完成: not passed yet, the due date still ahead.
        Due = "due",
        /// 已逾期: not passed by the due date.
        Overdue = "overdue",
        /// 已认证: a valid certificate.
        Certified = "certified",
        /// 证书过期: passed once, the certificate has expired.
        Expired = "expired",
    }
}

impl TrainingState {
    /// Whether the person shows on the overdue list.
    pub fn is_overdue(self) -> bool {
        matches!(self, TrainingState::Overdue | TrainingState::Expired)
    }
}

/// A person's standing on one required course, with its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseStatus {
    pub state: TrainingState,
    pub due_at: DateTime<Utc>,
    /// When the latest certificate expires (or expired).
    pub certified_until: Option<DateTime<Utc>>,
}

/// Where someone stands at `now` on a course due at `due_at`, their latest certificate (if any)
/// expiring at `certified_until`.
pub fn status_of(
    due_at: DateTime<Utc>,
    certified_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> CourseStatus {
    let state = match certified_until {
        Some(until) if until > now => TrainingState::Certified,
        Some(_) => TrainingState::Expired,
        None if now > due_at => TrainingState::Overdue,
        None => TrainingState::Due,
    };
    CourseStatus {
        state,
        due_at,
        certified_until,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn due_then_overdue_certified_then_expired() {
        let due = at("2026-03-15T00:00:00Z");
        let before = at("2026-03-10T00:00:00Z");
        let after = at("2026-03-20T00:00:00Z");
        assert_eq!(status_of(due, None, before).state, TrainingState::Due);
        assert_eq!(status_of(due, None, after).state, TrainingState::Overdue);
        let until = Some(at("2027-03-01T00:00:00Z"));
        assert_eq!(status_of(due, until, after).state, TrainingState::Certified);
        assert_eq!(
            status_of(due, until, at("2027-03-02T00:00:00Z")).state,
            TrainingState::Expired
        );
        let overdue: Vec<TrainingState> = TrainingState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_overdue())
            .collect();
        assert_eq!(overdue, [TrainingState::Overdue, TrainingState::Expired]);
    }
}
