//! Retries. A course allows its number of attempts; each failed one uses one up. Once passed,
//! no attempt is taken while the certificate is valid, until the renewal window before its
//! expiry opens: from then (or after it expired) the attempts count afresh, and a pass renews it.

use chrono::{DateTime, Duration, Utc};

use super::TrainingError;

/// How many days before a certificate expires it may be renewed by passing again.
pub const RENEWAL_WINDOW_DAYS: i64 = 30;

/// A person's record on one course, as retries see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptHistory {
    /// When their latest certificate of the course expires; none if never passed.
    pub certified_until: Option<DateTime<Utc>>,
    /// Their failed attempts since [`AttemptHistory::counted_from`].
    pub failed: u32,
}

impl AttemptHistory {
    /// From when failed attempts count: the opening of the renewal window of the latest
    /// certificate; since ever when never certified.
    pub fn counted_from(certified_until: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        certified_until.map(|until| until - Duration::days(RENEWAL_WINDOW_DAYS))
    }

    /// Whether a valid certificate stands beyond the renewal window at `now`.
    fn certified_at(&self, now: DateTime<Utc>) -> bool {
        Self::counted_from(self.certified_until).is_some_and(|from| now < from)
    }
}

/// Attempts still allowed at `now`: none while certified outside the renewal window.
pub fn attempts_left(history: AttemptHistory, max_attempts: u32, now: DateTime<Utc>) -> u32 {
    if history.certified_at(now) {
        0
    } else {
        max_attempts.saturating_sub(history.failed)
    }
}

/// Whether a new attempt may start at `now`.
pub fn may_start(
    history: AttemptHistory,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> Result<(), TrainingError> {
    if history.certified_at(now) {
        Err(TrainingError::AlreadyCertified)
    } else if history.failed >= max_attempts {
        Err(TrainingError::NoAttemptsLeft)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn each_failure_uses_an_attempt_until_none_is_left() {
        let now = at("2026-05-01T00:00:00Z");
        for failed in 0..3 {
            let h = AttemptHistory {
                certified_until: None,
                failed,
            };
            assert_eq!(may_start(h, 3, now), Ok(()));
            assert_eq!(attempts_left(h, 3, now), 3 - failed);
        }
        let spent = AttemptHistory {
            certified_until: None,
            failed: 3,
        };
        assert_eq!(may_start(spent, 3, now), Err(TrainingError::NoAttemptsLeft));
        assert_eq!(attempts_left(spent, 3, now), 0);
    }

    #[test]
    fn no_attempt_after_passing_until_the_renewal_window_opens() {
        let h = AttemptHistory {
            certified_until: Some(at("2027-05-01T00:00:00Z")),
            failed: 0,
        };
        assert_eq!(
            may_start(h, 3, at("2026-06-01T00:00:00Z")),
            Err(TrainingError::AlreadyCertified)
        );
        assert_eq!(attempts_left(h, 3, at("2026-06-01T00:00:00Z")), 0);
        // 30 days before expiry the renewal opens; after expiry too.
        assert_eq!(may_start(h, 3, at("2027-04-01T00:00:00Z")), Ok(()));
        assert_eq!(may_start(h, 3, at("2027-06-01T00:00:00Z")), Ok(()));
        assert_eq!(
            AttemptHistory::counted_from(h.certified_until),
            Some(at("2027-04-01T00:00:00Z"))
        );
    }
}
