//! Properties of the arithmetic on the shipped calendar, 24×7 and random calendars, and of the
//! import/export formats.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Shanghai, Europe::Berlin, UTC};
use proptest::prelude::*;

use super::*;

const CASES: u32 = 256;

/// 2020-01-01 to 2026-12-31 UTC, with a fraction of a second now and then.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (
        1_577_836_800i64..1_798_675_200,
        prop_oneof![3 => Just(0u32), 1 => 0u32..1_000_000_000],
    )
        .prop_map(|(seconds, nanos)| DateTime::from_timestamp(seconds, nanos).unwrap())
}

/// Up to 30 days (so ~30 business days on a 24×7 calendar, and far more on an office one).
fn duration() -> impl Strategy<Value = Duration> {
    let seconds = prop_oneof![1 => Just(0i64), 4 => 1i64..=8 * 3600, 4 => 1i64..=30 * 24 * 3600];
    let nanos = prop_oneof![3 => Just(0i64), 1 => 0i64..1_000_000_000];
    (seconds, nanos).prop_map(|(seconds, nanos)| match seconds {
        0 => Duration::zero(),
        _ => Duration::seconds(seconds) + Duration::nanoseconds(nanos),
    })
}

/// Sorted, disjoint spans of one day: pairs of distinct minutes.
fn spans() -> impl Strategy<Value = Vec<Span>> {
    prop::collection::btree_set(0u16..=1440, 0..=6).prop_map(|minutes| {
        let minutes: Vec<u16> = minutes.into_iter().collect();
        minutes
            .chunks_exact(2)
            .map(|pair| Span {
                start: pair[0],
                end: pair[1],
            })
            .collect()
    })
}

fn a_date(years: std::ops::Range<i32>) -> impl Strategy<Value = NaiveDate> {
    (years, 1u32..=366).prop_filter_map("a day of the year", |(year, day)| {
        NaiveDate::from_yo_opt(year, day)
    })
}

fn exception(date: NaiveDate) -> impl Strategy<Value = Exception> {
    (any::<bool>(), spans(), name()).prop_map(move |(is_workday, hours, name)| Exception {
        date,
        is_workday,
        hours: if is_workday { hours } else { Vec::new() },
        name,
    })
}

fn exceptions() -> impl Strategy<Value = BTreeMap<NaiveDate, Exception>> {
    prop::collection::btree_set(a_date(2019..2028), 0..40).prop_flat_map(|dates| {
        dates
            .into_iter()
            .map(exception)
            .collect::<Vec<_>>()
            .prop_map(|exceptions| exceptions.into_iter().map(|e| (e.date, e)).collect())
    })
}

fn time_zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(vec![Shanghai, UTC, Berlin, New_York])
}

fn random_calendar() -> impl Strategy<Value = Calendar> {
    (time_zone(), prop::array::uniform7(spans()), exceptions()).prop_map(
        |(time_zone, weekly, exceptions)| Calendar {
            time_zone,
            weekly: WeeklyHours(weekly),
            exceptions,
        },
    )
}

fn calendar() -> impl Strategy<Value = Calendar> {
    prop_oneof![
        1 => Just(Calendar::china_mainland(Shanghai)),
        1 => Just(Calendar::always_open(Shanghai)),
        1 => Just(Calendar::always_open(Berlin)),
        3 => random_calendar(),
    ]
}

/// Names with what TEXT and CSV must escape or quote, Chinese and emoji, long enough to fold.
fn name() -> impl Strategy<Value = String> {
    let chars = vec![
        '春', '节', '调', '休', '上', '班', '国', '庆', ',', ';', '\\', '"', ' ', ':', '\n', 'a',
        'Z', '7', '😀', '“', '，', '=', '\t',
    ];
    prop::collection::vec(prop::sample::select(chars), 0..120)
        .prop_map(|chars| chars.into_iter().collect::<String>().trim().to_string())
}

/// Whether `at` is inside a span of its local day (start < t <= end), read on the wall clock. Only
/// meaningful in zones without DST; midnight is the end of the previous day's "24:00".
fn on_the_wall_clock_inside_business_hours(calendar: &Calendar, at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&calendar.time_zone);
    let seconds = i64::from(local.num_seconds_from_midnight());
    let exact = local.nanosecond() == 0;
    let inside = |spans: &[Span]| {
        spans.iter().any(|span| {
            let (start, end) = (i64::from(span.start) * 60, i64::from(span.end) * 60);
            (seconds > start || (seconds == start && !exact))
                && (seconds < end || (seconds == end && exact))
        })
    };
    inside(&calendar.day(local.date_naive()).hours)
        || (seconds == 0
            && exact
            && local
                .date_naive()
                .pred_opt()
                .is_some_and(|d| calendar.day(d).hours.iter().any(|s| s.end == 1440)))
}

fn fixed_offset(calendar: &Calendar) -> bool {
    let offset = |at: DateTime<Utc>| {
        calendar
            .time_zone
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
    };
    let jan = DateTime::from_timestamp(1_735_689_600, 0).unwrap();
    offset(jan) == offset(jan + Duration::days(182))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn add_and_between_agree(calendar in calendar(), start in instant(), business in duration(), other in duration()) {
        let Some(due) = calendar.add(start, business) else {
            // Only a calendar without business time for years gives up.
            prop_assert!(calendar.between(start, start + Duration::days(3 * 366)) < business);
            return Ok(());
        };
        prop_assert_eq!(calendar.between(start, due), business);
        if business > Duration::zero() {
            prop_assert!(due > start);
            prop_assert_eq!(calendar.between(due - Duration::nanoseconds(1), due), Duration::nanoseconds(1));
            if fixed_offset(&calendar) {
                prop_assert!(on_the_wall_clock_inside_business_hours(&calendar, due), "{} is outside business hours", due);
            }
        } else {
            prop_assert_eq!(due, start);
        }
        // Additive, and monotonic in the duration.
        if let Some(both) = calendar.add(start, business + other) {
            prop_assert_eq!(calendar.add(due, other), Some(both));
            prop_assert!(both >= due);
        }
    }

    #[test]
    fn add_is_monotonic_in_the_start(calendar in calendar(), a in instant(), b in instant(), business in duration()) {
        let (early, late) = (a.min(b), a.max(b));
        if let (Some(early), Some(late)) = (calendar.add(early, business), calendar.add(late, business)) {
            prop_assert!(early <= late);
        }
    }

    #[test]
    fn between_is_additive(calendar in calendar(), a in instant(), gaps in (duration(), duration())) {
        let (b, c) = (a + gaps.0, a + gaps.0 + gaps.1);
        prop_assert_eq!(calendar.between(a, b) + calendar.between(b, c), calendar.between(a, c));
        prop_assert!(calendar.between(a, c) <= c - a);
        prop_assert_eq!(calendar.between(c, a), Duration::zero());
    }

    #[test]
    fn exception_days_count_their_own_hours(calendar in random_calendar(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!calendar.exceptions.is_empty() && fixed_offset(&calendar));
        let exception = calendar.exceptions.values().nth(pick.index(calendar.exceptions.len())).unwrap();
        let midnight = calendar.time_zone.from_local_datetime(&exception.date.and_time(chrono::NaiveTime::MIN)).unwrap().with_timezone(&Utc);
        let whole = calendar.between(midnight, midnight + Duration::days(1));
        let hours = if exception.is_workday && exception.hours.is_empty() { calendar.weekly.standard() } else { &exception.hours };
        let expected = if exception.is_workday { hours.iter().map(|span| i64::from(span.minutes())).sum() } else { 0 };
        prop_assert_eq!(whole, Duration::minutes(expected));
    }

    #[test]
    fn end_of_business_day_closes_a_business_day(calendar in calendar(), start in instant(), n in 1u32..30) {
        let Some(end) = calendar.end_of_business_day(start, n) else { return Ok(()) };
        prop_assert!(end > start);
        prop_assert_eq!(calendar.between(end - Duration::nanoseconds(1), end), Duration::nanoseconds(1));
        if let Some(next) = calendar.end_of_business_day(start, n + 1) {
            prop_assert!(next > end);
        }
    }

    #[test]
    fn anywhere_in_time_nothing_panics(calendar in calendar(), seconds in any::<i64>(), millis in any::<i64>(), n in any::<u32>()) {
        let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
        let start = DateTime::from_timestamp(seconds.rem_euclid(max - min) + min, 0).unwrap();
        let business = Duration::milliseconds(millis % (40 * 24 * 3600 * 1000));
        let _ = calendar.add(start, business);
        let _ = calendar.add(start, Duration::try_milliseconds(millis).unwrap_or(Duration::MAX));
        let _ = calendar.between(start, start.checked_add_signed(business).unwrap_or(start));
        let _ = calendar.end_of_business_day(start, n % 40);
    }

    #[test]
    fn csv_round_trips(exceptions in exceptions()) {
        let exceptions: Vec<Exception> = exceptions.into_values().collect();
        prop_assert_eq!(csv::import(&csv::export(&exceptions)), Ok(exceptions));
    }

    #[test]
    fn ics_round_trips(name in name(), exceptions in exceptions()) {
        let exceptions: Vec<Exception> = exceptions.into_values().collect();
        let text = ics::export(&name, &exceptions);
        prop_assert!(text.split("\r\n").all(|line| line.len() <= 75 && !line.contains('\n')));
        prop_assert_eq!(ics::import(&text), Ok(exceptions));
    }

    #[test]
    fn garbage_is_refused_without_panicking(text in any::<String>(), lines in garbage()) {
        let _ = csv::import(&text);
        let _ = ics::import(&text);
        let _ = csv::import(&lines.replace(':', ","));
        let _ = ics::import(&lines);
    }
}

/// Plausible pieces of both formats, shuffled, to get past the first line's checks.
fn garbage() -> impl Strategy<Value = String> {
    let pieces = vec![
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "BEGIN:VALARM",
        "END:VALARM",
        "END:VCALENDAR",
        "DTSTART;VALUE=DATE:20250101",
        "DTSTART:20250101T090000Z",
        "DTSTART;VALUE=DATE:2025",
        "DTSTART:99999999",
        "DTEND;VALUE=DATE:20250103",
        "DTEND;VALUE=DATE:99991231",
        "DTEND:00000000",
        "DURATION:P3D",
        "DURATION:P99999999999999999999W",
        "SUMMARY:春节补班",
        "SUMMARY:\\",
        "X-GUANJIA-WORKDAY:maybe",
        "X-GUANJIA-WORKDAY:TRUE",
        "X-GUANJIA-HOURS:09:00-25:00",
        "X-GUANJIA-HOURS:09:00-10:00",
        "STATUS:CANCELLED",
        " folded",
        "\t",
        "",
        ":",
        ";;;",
        "A;B=\"x:y\":z",
        "\u{feff}",
        "date:is_workday:name:hours",
        "date:name",
        "2025-01-01:false:元旦:",
        "2025-01-01:是:x:09:00-10:00",
        "\"",
        "2025/1/1:1:\"a\"\"b\":",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..30)
        .prop_map(|pieces| pieces.join("\r\n"))
}
