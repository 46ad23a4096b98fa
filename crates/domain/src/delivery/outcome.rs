//! What happens after a provider refuses a message: another try later, with a growing wait up to
//! a ceiling, or an end with the provider's reason.

use chrono::{DateTime, Duration, Utc};

/// Why a send did not go through, as the provider said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The provider's code (`isv.MOBILE_NUMBER_ILLEGAL`, `LimitExceeded.PhoneNumberDailyLimit`,
    /// `93000`), or ours for a transport failure (`http_503`, `timeout`).
    pub code: String,
    /// The provider's words, kept for the people reading the delivery.
    pub reason: String,
    /// Sending again cannot help (a bad number, a wrong key, a refused template).
    pub permanent: bool,
    /// The provider asked for a pause (a rate limit) at least this long.
    pub retry_after: Option<Duration>,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The provider accepted the message and named it.
    Sent {
        message_id: Option<String>,
    },
    Failed(Failure),
    /// Nothing was sent: this installation cannot send it there (no template for the kind, no
    /// key for the robot). `code` says which, for the people reading the delivery.
    Skipped {
        code: String,
        reason: String,
    },
}

/// How retries are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt; each further one doubles it.
    pub first: Duration,
    pub longest: Duration,
    /// Attempts in all, the first included.
    pub attempts: u32,
}

impl Default for Backoff {
    /// 30 s, 1 min, 2 min … up to 30 min, eight attempts (about two hours in all).
    fn default() -> Self {
        Backoff {
            first: Duration::seconds(30),
            longest: Duration::minutes(30),
            attempts: 8,
        }
    }
}

/// What to do with a delivery after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

impl Backoff {
    /// The wait after `made` failed attempts (1 for the first).
    pub fn wait(self, made: u32) -> Duration {
        let doublings = made.saturating_sub(1).min(30);
        let factor = 1i32.checked_shl(doublings).unwrap_or(i32::MAX);
        self.first
            .checked_mul(factor)
            .map_or(self.longest, |w| w.min(self.longest))
    }
}

/// After attempt number `made` failed at `now`: retry later, unless the failure is permanent,
/// the attempts are spent, or the retry would come after `expires` (a sign-in code's end).
pub fn after_failure(
    failure: &Failure,
    made: u32,
    backoff: Backoff,
    expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Next {
    if failure.permanent || made >= backoff.attempts {
        return Next::GiveUp;
    }
    let wait = backoff
        .wait(made)
        .max(failure.retry_after.unwrap_or_default());
    let at = now + wait;
    match expires {
        Some(end) if at >= end => Next::GiveUp,
        _ => Next::RetryAt(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-02T02:00:00Z".parse().expect("time")
    }

    fn temporary() -> Failure {
        Failure {
            code: "http_503".into(),
            reason: "Service Unavailable".into(),
            permanent: false,
            retry_after: None,
        }
    }

    #[test]
    fn waits_double_up_to_the_ceiling() {
        let b = Backoff::default();
        let waits: Vec<i64> = (1..=8).map(|n| b.wait(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1800, 1800]);
        assert_eq!(b.wait(u32::MAX), b.longest, "no overflow");
    }

    #[test]
    fn a_temporary_failure_is_retried_until_the_attempts_run_out() {
        let b = Backoff::default();
        assert_eq!(
            after_failure(&temporary(), 1, b, None, now()),
            Next::RetryAt(now() + Duration::seconds(30))
        );
        assert_eq!(after_failure(&temporary(), 8, b, None, now()), Next::GiveUp);
    }

    #[test]
    fn a_permanent_failure_ends_at_once() {
        let bad_number = Failure {
            code: "isv.MOBILE_NUMBER_ILLEGAL".into(),
            permanent: true,
            ..temporary()
        };
        assert_eq!(
            after_failure(&bad_number, 1, Backoff::default(), None, now()),
            Next::GiveUp
        );
    }

    #[test]
    fn a_rate_limit_waits_at_least_as_long_as_asked() {
        let limited = Failure {
            retry_after: Some(Duration::minutes(5)),
            ..temporary()
        };
        assert_eq!(
            after_failure(&limited, 1, Backoff::default(), None, now()),
            Next::RetryAt(now() + Duration::minutes(5))
        );
    }

    #[test]
    fn no_retry_after_the_message_expired() {
        let expires = Some(now() + Duration::seconds(20));
        assert_eq!(
            after_failure(&temporary(), 1, Backoff::default(), expires, now()),
            Next::GiveUp
        );
    }
}
