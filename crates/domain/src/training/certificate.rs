//! A certificate (上岗证) lasts a course's number of months from the pass that gave it.

use chrono::{DateTime, Months, Utc};

/// When a certificate issued at `issued_at` for `months` expires: the same day and time that
/// many months on (the month's last day when it is shorter).
pub fn expires_at(issued_at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    issued_at
        .checked_add_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_lasts_its_months_and_month_ends_clamp() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            expires_at(at("2026-03-15T08:00:00Z"), 12),
            at("2027-03-15T08:00:00Z")
        );
        assert_eq!(
            expires_at(at("2026-01-31T08:00:00Z"), 1),
            at("2026-02-28T08:00:00Z")
        );
    }
}
