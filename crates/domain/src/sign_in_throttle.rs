//! How sign-in is slowed down for whoever guesses, without handing anyone a way to lock others
//! out. A guess (a password or a resident's code) is counted before it is compared; after a few
//! free ones each further guess waits longer, doubling up to a ceiling. The count is kept per
//! account (or phone) *and* client address, and per client address across accounts, so a stranger
//! elsewhere slows only themselves, while one address trying many accounts is slowed too. Unknown
//! accounts are counted exactly like real ones, so the answers reveal nothing.
//!
//! Requests for sign-in codes are limited per phone and per client address within sliding
//! windows: each sends a text message, and a flood of them is both abuse and a bill.

use chrono::{DateTime, Duration, Utc};

/// A growing delay after failed guesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures allowed before any waiting.
    pub free: u32,
    /// The wait after the first failure beyond the free ones; each further failure doubles it.
    pub first_wait: Duration,
    pub longest_wait: Duration,
}

/// How long anything about sign-in attempts is remembered: failures older than this are
/// forgotten, and no request limit looks further back.
pub const MEMORY: Duration = Duration::hours(24);

impl Throttle {
    /// Staff passwords, per account and client address: five guesses, then 15 s before the next,
    /// 30 s, … up to 15 minutes.
    pub const STAFF_ACCOUNT: Throttle = Throttle {
        free: 5,
        first_wait: Duration::seconds(15),
        longest_wait: Duration::minutes(15),
    };

    /// Residents' codes, per phone whoever guesses (a code is six digits): five guesses, then a
    /// lock-out of 15 minutes that doubles with each further failure, up to a day. A new code does
    /// not reset it.
    pub const CODE_GUESSES: Throttle = Throttle {
        free: 5,
        first_wait: Duration::minutes(15),
        longest_wait: Duration::hours(24),
    };

    /// One client address across all accounts and phones: many residents may share a carrier's
    /// address, so it gets many free failures; a scanner trying account after account does not.
    pub const CLIENT: Throttle = Throttle {
        free: 30,
        first_wait: Duration::seconds(2),
        longest_wait: Duration::minutes(10),
    };

    /// How long the next guess must wait after `failures` counted ones.
    pub fn wait_after(&self, failures: u32) -> Duration {
        let Some(beyond) = failures.checked_sub(self.free) else {
            return Duration::zero();
        };
        let factor = 1i64.checked_shl(beyond.min(40)).unwrap_or(i64::MAX);
        let wait = self.first_wait.num_seconds().saturating_mul(factor);
        Duration::seconds(wait.min(self.longest_wait.num_seconds()))
    }

    /// The failures to count now: the earlier ones, unless they are old enough to forget, plus
    /// this one.
    pub fn count_with(
        &self,
        earlier: u32,
        last_failure_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> u32 {
        let remembered = match last_failure_at {
            Some(at) if now - at < MEMORY => earlier,
            _ => 0,
        };
        remembered.saturating_add(1)
    }
}

/// At most `count` requests within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub window: Duration,
    pub count: usize,
}

/// Sign-in code requests per phone: one a minute, five an hour, ten a day.
pub const CODE_REQUESTS_PER_PHONE: &[Window] = &[
    Window {
        window: Duration::minutes(1),
        count: 1,
    },
    Window {
        window: Duration::hours(1),
        count: 5,
    },
    Window {
        window: Duration::hours(24),
        count: 10,
    },
];

/// Sign-in code requests per client address, whatever the phones: generous, as a carrier's
/// address may carry a whole estate, yet a bound on how many messages one address can cause.
pub const CODE_REQUESTS_PER_CLIENT: &[Window] = &[
    Window {
        window: Duration::minutes(1),
        count: 20,
    },
    Window {
        window: Duration::hours(1),
        count: 200,
    },
    Window {
        window: Duration::hours(24),
        count: 1000,
    },
];

/// When the next request is allowed, given the earlier requests' times (any order); `None` when
/// it is allowed now.
pub fn next_request_at(
    limits: &[Window],
    earlier: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut newest_first: Vec<DateTime<Utc>> =
        earlier.iter().copied().filter(|at| *at <= now).collect();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    limits
        .iter()
        .filter_map(|limit| {
            let inside: Vec<&DateTime<Utc>> = newest_first
                .iter()
                .take_while(|at| now - **at < limit.window)
                .collect();
            // The request that must age out of the window first is the count-th newest.
            (inside.len() >= limit.count).then(|| *inside[limit.count - 1] + limit.window)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 8, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn free_guesses_then_doubling_up_to_the_ceiling() {
        let t = Throttle::STAFF_ACCOUNT;
        for failures in 0..5 {
            assert_eq!(t.wait_after(failures), Duration::zero(), "{failures}");
        }
        assert_eq!(t.wait_after(5), Duration::seconds(15));
        assert_eq!(t.wait_after(6), Duration::seconds(30));
        assert_eq!(t.wait_after(7), Duration::seconds(60));
        assert_eq!(t.wait_after(11), Duration::minutes(15));
        assert_eq!(t.wait_after(u32::MAX), Duration::minutes(15));
        assert_eq!(Throttle::CODE_GUESSES.wait_after(5), Duration::minutes(15));
        assert_eq!(Throttle::CODE_GUESSES.wait_after(6), Duration::minutes(30));
        assert_eq!(Throttle::CODE_GUESSES.wait_after(100), Duration::hours(24));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let t = Throttle::STAFF_ACCOUNT;
        assert_eq!(t.count_with(7, Some(at(0)), at(60)), 8);
        assert_eq!(t.count_with(7, Some(at(0)), at(24 * 60)), 1);
        assert_eq!(t.count_with(0, None, at(0)), 1);
        assert_eq!(t.count_with(u32::MAX, Some(at(0)), at(1)), u32::MAX);
    }

    #[test]
    fn one_code_a_minute_five_an_hour_ten_a_day() {
        let limits = CODE_REQUESTS_PER_PHONE;
        assert_eq!(next_request_at(limits, &[], at(0)), None);
        assert_eq!(next_request_at(limits, &[at(0)], at(0)), Some(at(1)));
        assert_eq!(next_request_at(limits, &[at(0)], at(1)), None);
        let five: Vec<_> = (0..5).map(|i| at(i * 2)).collect();
        assert_eq!(next_request_at(limits, &five, at(10)), Some(at(60)));
        assert_eq!(next_request_at(limits, &five, at(60)), None);
        let ten: Vec<_> = (0..10).map(|i| at(i * 70)).collect();
        let after = at(9 * 70 + 61);
        assert_eq!(next_request_at(limits, &ten, after), Some(at(24 * 60)));
    }
}
