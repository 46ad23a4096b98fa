//! Human-readable ticket numbers: `GJ-20261122-0001`, unique per company.

use chrono::NaiveDate;

/// The prefix every ticket number starts with.
pub const NUMBER_PREFIX: &str = "GJ";

/// The key of the per-company counter that numbers one day's tickets.
pub fn number_counter(day: NaiveDate) -> String {
    format!("ticket:{}", day.format("%Y%m%d"))
}

/// Formats the `sequence`-th ticket of `day` (from 1). Busy days simply get longer numbers.
pub fn ticket_number(day: NaiveDate, sequence: i64) -> String {
    format!("{NUMBER_PREFIX}-{}-{sequence:04}", day.format("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_the_day_and_order() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(ticket_number(day, 1), "GJ-20261122-0001");
        assert_eq!(ticket_number(day, 12345), "GJ-20261122-12345");
        assert_eq!(number_counter(day), "ticket:20261122");
    }
}
