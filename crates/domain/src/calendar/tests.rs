use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Shanghai, Europe::Berlin, UTC};

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn sh(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    at(Shanghai, y, m, d, h, min)
}

fn office(tz: Tz) -> Calendar {
    Calendar {
        time_zone: tz,
        weekly: WeeklyHours::office(),
        exceptions: Default::default(),
    }
}

fn hours(text: &str) -> Vec<Span> {
    parse_spans(text).unwrap()
}

type MonthDay = (u32, u32);

/// The notices' own lists, written out independently of `china_mainland.csv`.
struct Notice {
    year: i32,
    rest: &'static [(MonthDay, MonthDay)],
    make_up: &'static [MonthDay],
    workdays: usize,
}

// 2025 has 248 workdays, not the 250 of earlier years: the 2024 revision of 全国年节及纪念日放假办法
// added 除夕 and May 2, so 365 − 104 weekend days − 13 holidays = 248.
const NOTICES: [Notice; 2] = [
    Notice {
        year: 2025,
        rest: &[
            ((1, 1), (1, 1)),
            ((1, 28), (2, 4)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((5, 31), (6, 2)),
            ((10, 1), (10, 8)),
        ],
        make_up: &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
        workdays: 248,
    },
    Notice {
        year: 2026,
        rest: &[
            ((1, 1), (1, 3)),
            ((2, 15), (2, 23)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((6, 19), (6, 21)),
            ((9, 25), (9, 27)),
            ((10, 1), (10, 7)),
        ],
        make_up: &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
        workdays: 248,
    },
];

#[test]
fn china_mainland_matches_the_notices_day_by_day() {
    let calendar = Calendar::china_mainland(Shanghai);
    for notice in NOTICES {
        let y = notice.year;
        let holiday = |d: NaiveDate| {
            notice
                .rest
                .iter()
                .any(|&((m1, d1), (m2, d2))| date(y, m1, d1) <= d && d <= date(y, m2, d2))
        };
        let make_up = |d: NaiveDate| notice.make_up.iter().any(|&(m, dd)| date(y, m, dd) == d);
        let days = calendar.days(date(y, 1, 1), date(y, 12, 31));
        assert_eq!(days.len(), 365);
        for day in &days {
            let weekday = day.date.weekday().num_days_from_monday() < 5;
            let expected = (weekday && !holiday(day.date)) || make_up(day.date);
            assert_eq!(day.is_workday, expected, "{}", day.date);
            assert_eq!(
                day.hours,
                if expected {
                    hours("09:00-18:00")
                } else {
                    Vec::new()
                },
                "{}",
                day.date
            );
            assert_eq!(
                day.name.is_some(),
                holiday(day.date) || make_up(day.date),
                "{}",
                day.date
            );
            if make_up(day.date) {
                assert!(
                    day.name
                        .as_deref()
                        .is_some_and(|name| name.ends_with("调休上班")),
                    "{}",
                    day.date
                );
            }
        }
        assert_eq!(
            days.iter().filter(|day| day.is_workday).count(),
            notice.workdays,
            "{y}"
        );
    }
}

#[test]
fn china_mainland_data_is_canonical_and_plausible() {
    let text = include_str!("china_mainland.csv");
    let exceptions = csv::import(text).unwrap();
    assert_eq!(
        csv::export(&exceptions),
        text,
        "the shipped file is in export form, sorted by date"
    );
    assert!(
        exceptions
            .windows(2)
            .all(|pair| pair[0].date < pair[1].date)
    );
    let calendar = Calendar::china_mainland(Shanghai);
    assert_eq!(calendar.validate(), Ok(()));
    assert_eq!(calendar.exceptions.len(), exceptions.len());
    let festivals = [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
        "国庆节、中秋节",
        "中秋节、国庆节",
    ];
    for exception in &exceptions {
        let weekend = matches!(exception.date.weekday(), Weekday::Sat | Weekday::Sun);
        if exception.is_workday {
            assert!(weekend, "a make-up day on a weekday: {}", exception.date);
            assert!(
                festivals
                    .iter()
                    .any(|f| exception.name == format!("{f}调休上班")),
                "{}",
                exception.name
            );
        } else {
            assert!(
                festivals.contains(&exception.name.as_str()),
                "{}",
                exception.name
            );
        }
        assert!(
            (2020..=2026).contains(&exception.date.year()) || exception.date == date(2022, 12, 31)
        );
    }
    // 2020's Spring Festival was extended to Feb 2, which also cancelled the Feb 1 make-up day.
    assert!(!calendar.day(date(2020, 2, 1)).is_workday);
    assert!(!calendar.day(date(2020, 2, 2)).is_workday);
    assert!(calendar.day(date(2020, 2, 3)).is_workday);
    assert_eq!(
        calendar.day(date(2022, 12, 31)).name.as_deref(),
        Some("元旦")
    );
}

#[test]
fn between_is_zero_on_holidays_and_full_on_make_up_days() {
    let calendar = Calendar::china_mainland(Shanghai);
    for exception in calendar.exceptions.values() {
        let d = exception.date;
        let whole = calendar.between(
            sh(d.year(), d.month(), d.day(), 0, 0),
            sh(d.year(), d.month(), d.day(), 0, 0) + Duration::days(1),
        );
        assert_eq!(
            whole,
            if exception.is_workday {
                Duration::hours(9)
            } else {
                Duration::zero()
            },
            "{d}"
        );
    }
}

#[test]
fn day_resolves_exceptions_over_the_weekly_pattern() {
    let mut calendar = office(Shanghai);
    calendar.weekly.0[0] = hours("08:30-12:00 13:00-17:30");
    let special = Exception {
        date: date(2025, 6, 4),
        is_workday: true,
        hours: hours("10:00-15:00"),
        name: "盘点".into(),
    };
    let make_up = Exception {
        date: date(2025, 6, 7),
        is_workday: true,
        hours: Vec::new(),
        name: "调休上班".into(),
    };
    let rest = Exception {
        date: date(2025, 6, 9),
        is_workday: false,
        hours: Vec::new(),
        name: "公司假日".into(),
    };
    for exception in [special, make_up, rest] {
        calendar.exceptions.insert(exception.date, exception);
    }
    // A make-up Saturday is worked in Monday's hours, the first weekday that has any.
    let day = calendar.day(date(2025, 6, 7));
    assert_eq!(
        day,
        Day {
            date: date(2025, 6, 7),
            is_workday: true,
            hours: hours("08:30-12:00 13:00-17:30"),
            name: Some("调休上班".into())
        }
    );
    assert_eq!(calendar.day(date(2025, 6, 4)).hours, hours("10:00-15:00"));
    assert_eq!(
        calendar.day(date(2025, 6, 9)),
        Day {
            date: date(2025, 6, 9),
            is_workday: false,
            hours: Vec::new(),
            name: Some("公司假日".into())
        }
    );
    assert_eq!(
        calendar.day(date(2025, 6, 8)),
        Day {
            date: date(2025, 6, 8),
            is_workday: false,
            hours: Vec::new(),
            name: None
        }
    );
    assert_eq!(calendar.days(date(2025, 6, 3), date(2025, 6, 9)).len(), 7);
    assert_eq!(
        calendar.days(date(2025, 6, 9), date(2025, 6, 3)),
        Vec::new()
    );
    assert_eq!(calendar.validate(), Ok(()));
}

#[test]
fn validate_finds_what_the_types_allow() {
    let mut calendar = office(Shanghai);
    let exception = Exception {
        date: date(2025, 1, 2),
        is_workday: false,
        hours: Vec::new(),
        name: String::new(),
    };
    calendar
        .exceptions
        .insert(date(2025, 1, 1), exception.clone());
    assert_eq!(
        calendar.validate(),
        Err(CalendarError::MisfiledException {
            key: date(2025, 1, 1),
            date: date(2025, 1, 2)
        })
    );
    calendar.exceptions.clear();
    calendar.exceptions.insert(
        exception.date,
        Exception {
            hours: hours("09:00-10:00"),
            ..exception
        },
    );
    assert_eq!(
        calendar.validate(),
        Err(CalendarError::RestDayHours(date(2025, 1, 2)))
    );
}

#[test]
fn a_ticket_before_national_day_lands_after_the_holiday() {
    let calendar = Calendar::china_mainland(Shanghai);
    // Oct 1–8 are holidays; Oct 9 is a Thursday workday.
    assert_eq!(
        calendar.add(sh(2025, 9, 30, 17, 0), Duration::hours(2)),
        Some(sh(2025, 10, 9, 10, 0))
    );
    assert_eq!(
        calendar.between(sh(2025, 9, 30, 17, 0), sh(2025, 10, 9, 10, 0)),
        Duration::hours(2)
    );
    assert_eq!(
        calendar.between(sh(2025, 10, 1, 0, 0), sh(2025, 10, 9, 0, 0)),
        Duration::zero()
    );
    // Oct 11 is a make-up Saturday.
    assert_eq!(
        calendar.add(sh(2025, 10, 10, 17, 0), Duration::hours(2)),
        Some(sh(2025, 10, 11, 10, 0))
    );
    assert_eq!(
        calendar.between(sh(2025, 10, 11, 0, 0), sh(2025, 10, 12, 0, 0)),
        Duration::hours(9)
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 9, 30, 10, 0), 1),
        Some(sh(2025, 10, 9, 18, 0))
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 9, 30, 10, 0), 3),
        Some(sh(2025, 10, 11, 18, 0))
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 10, 11, 12, 0), 1),
        Some(sh(2025, 10, 13, 18, 0))
    );
}

#[test]
fn weekends_are_skipped_and_deadlines_end_inside_business_hours() {
    let calendar = Calendar::china_mainland(Shanghai);
    assert_eq!(
        calendar.add(sh(2025, 6, 6, 17, 30), Duration::hours(1)),
        Some(sh(2025, 6, 9, 9, 30))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 7, 12, 0), Duration::hours(1)),
        Some(sh(2025, 6, 9, 10, 0))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 7, 0), Duration::hours(1)),
        Some(sh(2025, 6, 9, 10, 0))
    );
    // A full day ends at 18:00 that day, not at 09:00 the next.
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 9, 0), Duration::hours(9)),
        Some(sh(2025, 6, 9, 18, 0))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 18, 0), Duration::minutes(1)),
        Some(sh(2025, 6, 10, 9, 1))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 7, 3, 0), Duration::zero()),
        Some(sh(2025, 6, 7, 3, 0))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 7, 3, 0), Duration::hours(-5)),
        Some(sh(2025, 6, 7, 3, 0))
    );
    assert_eq!(
        calendar.between(sh(2025, 6, 6, 12, 0), sh(2025, 6, 9, 12, 0)),
        Duration::hours(9)
    );
    assert_eq!(
        calendar.between(sh(2025, 6, 9, 12, 0), sh(2025, 6, 6, 12, 0)),
        Duration::zero()
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 6, 6, 10, 0), 1),
        Some(sh(2025, 6, 9, 18, 0))
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 6, 6, 10, 0), 0),
        Some(sh(2025, 6, 9, 18, 0))
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 6, 6, 10, 0), 5),
        Some(sh(2025, 6, 13, 18, 0))
    );
}

#[test]
fn sub_second_starts_keep_their_fraction() {
    let calendar = Calendar::china_mainland(Shanghai);
    let start = sh(2025, 6, 9, 10, 0) + Duration::nanoseconds(1);
    assert_eq!(
        calendar.add(start, Duration::hours(8)),
        Some(sh(2025, 6, 10, 9, 0) + Duration::nanoseconds(1))
    );
}

#[test]
fn a_split_day_pauses_over_lunch() {
    let mut calendar = office(Shanghai);
    calendar.weekly.0[..5].fill(hours("09:00-12:00 13:00-18:00"));
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 11, 30), Duration::hours(1)),
        Some(sh(2025, 6, 9, 13, 30))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 9, 0), Duration::hours(3)),
        Some(sh(2025, 6, 9, 12, 0))
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 12, 30), Duration::minutes(1)),
        Some(sh(2025, 6, 9, 13, 1))
    );
    assert_eq!(
        calendar.between(sh(2025, 6, 9, 11, 0), sh(2025, 6, 9, 14, 0)),
        Duration::hours(2)
    );
    assert_eq!(
        calendar.between(sh(2025, 6, 9, 0, 0), sh(2025, 6, 10, 0, 0)),
        Duration::hours(8)
    );
    assert_eq!(
        calendar.end_of_business_day(sh(2025, 6, 8, 0, 0), 1),
        Some(sh(2025, 6, 9, 18, 0))
    );
}

#[test]
fn always_open_is_wall_clock_arithmetic() {
    for tz in [Shanghai, Berlin, New_York, UTC] {
        let calendar = Calendar::always_open(tz);
        for start in [
            sh(2025, 3, 29, 23, 17),
            sh(2025, 10, 25, 6, 0),
            sh(2024, 2, 29, 0, 0),
        ] {
            for business in [
                Duration::seconds(1),
                Duration::hours(5),
                Duration::days(3) + Duration::minutes(7),
                Duration::days(400),
            ] {
                assert_eq!(
                    calendar.add(start, business),
                    Some(start + business),
                    "{tz} {start} {business}"
                );
                assert_eq!(
                    calendar.between(start, start + business),
                    business,
                    "{tz} {start} {business}"
                );
            }
        }
        let start = at(tz, 2025, 6, 9, 15, 0);
        assert_eq!(
            calendar.end_of_business_day(start, 2),
            Some(at(tz, 2025, 6, 12, 0, 0))
        );
    }
}

#[test]
fn daylight_saving_time_neither_panics_nor_counts_an_hour_twice() {
    let berlin = Calendar::always_open(Berlin);
    // 2025-03-30 has 23 hours in Berlin, 2025-10-26 has 25.
    assert_eq!(
        berlin.between(at(Berlin, 2025, 3, 30, 0, 0), at(Berlin, 2025, 3, 31, 0, 0)),
        Duration::hours(23)
    );
    assert_eq!(
        berlin.between(
            at(Berlin, 2025, 10, 26, 0, 0),
            at(Berlin, 2025, 10, 27, 0, 0)
        ),
        Duration::hours(25)
    );

    // Business 02:00–03:00 local: swallowed by the spring-forward gap, doubled by the fall-back.
    let night = Calendar {
        time_zone: Berlin,
        weekly: WeeklyHours(std::array::from_fn(|_| hours("02:00-03:00"))),
        exceptions: Default::default(),
    };
    assert_eq!(
        night.between(at(Berlin, 2025, 3, 30, 0, 0), at(Berlin, 2025, 3, 31, 0, 0)),
        Duration::zero()
    );
    assert_eq!(
        night.between(
            at(Berlin, 2025, 10, 26, 0, 0),
            at(Berlin, 2025, 10, 27, 0, 0)
        ),
        Duration::hours(2)
    );
    assert_eq!(
        night.add(at(Berlin, 2025, 3, 29, 2, 30), Duration::hours(1)),
        Some(at(Berlin, 2025, 3, 31, 2, 30))
    );
    assert_eq!(
        night.end_of_business_day(at(Berlin, 2025, 3, 29, 12, 0), 1),
        Some(at(Berlin, 2025, 3, 31, 3, 0))
    );

    // Spans that start or end inside the gap begin at the transition, 03:00 CEST.
    let gap = Calendar {
        time_zone: Berlin,
        weekly: WeeklyHours(std::array::from_fn(|_| hours("01:30-02:30 02:45-04:00"))),
        exceptions: Default::default(),
    };
    let sunday = gap.between(at(Berlin, 2025, 3, 30, 0, 0), at(Berlin, 2025, 3, 31, 0, 0));
    assert_eq!(sunday, Duration::minutes(30 + 60));
    assert_eq!(
        gap.add(at(Berlin, 2025, 3, 30, 1, 45), Duration::minutes(20)),
        Some(at(Berlin, 2025, 3, 30, 3, 5))
    );

    let office = Calendar::china_mainland(Berlin);
    let mut start = at(Berlin, 2025, 1, 1, 0, 0);
    while start < at(Berlin, 2026, 1, 1, 0, 0) {
        let due = office.add(start, Duration::hours(20)).unwrap();
        assert_eq!(office.between(start, due), Duration::hours(20));
        start += Duration::minutes(397);
    }
}

#[test]
fn an_empty_calendar_has_no_deadlines() {
    let empty = Calendar {
        time_zone: Shanghai,
        weekly: WeeklyHours(Default::default()),
        exceptions: Default::default(),
    };
    assert_eq!(empty.add(sh(2025, 1, 1, 0, 0), Duration::seconds(1)), None);
    assert_eq!(
        empty.add(sh(2025, 1, 1, 0, 0), Duration::zero()),
        Some(sh(2025, 1, 1, 0, 0))
    );
    assert_eq!(
        empty.between(sh(2025, 1, 1, 0, 0), sh(2026, 1, 1, 0, 0)),
        Duration::zero()
    );
    assert_eq!(empty.end_of_business_day(sh(2025, 1, 1, 0, 0), 1), None);

    // A workday exception is found, even when the weekly pattern is empty.
    let mut rare = empty.clone();
    let exception = Exception {
        date: date(2027, 6, 1),
        is_workday: true,
        hours: hours("10:00-11:00"),
        name: String::new(),
    };
    rare.exceptions.insert(exception.date, exception);
    assert_eq!(
        rare.add(sh(2025, 1, 1, 0, 0), Duration::minutes(30)),
        Some(sh(2027, 6, 1, 10, 30))
    );
    assert_eq!(
        rare.end_of_business_day(sh(2025, 1, 1, 0, 0), 1),
        Some(sh(2027, 6, 1, 11, 0))
    );
    assert_eq!(rare.add(sh(2025, 1, 1, 0, 0), Duration::hours(2)), None);
}

#[test]
fn absurd_inputs_do_not_panic() {
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    for calendar in [
        Calendar::always_open(Shanghai),
        Calendar::always_open(New_York),
        Calendar::china_mainland(Berlin),
    ] {
        for start in [min, max, min + Duration::days(1), max - Duration::days(1)] {
            for business in [
                Duration::nanoseconds(1),
                Duration::days(3),
                Duration::MAX,
                Duration::MIN,
            ] {
                let _ = calendar.add(start, business);
            }
            let _ = calendar.between(start, start + Duration::days(2).min(max - start));
            let _ = calendar.end_of_business_day(start, 1);
            let _ = calendar.end_of_business_day(start, u32::MAX);
        }
    }
    let calendar = Calendar::always_open(Shanghai);
    assert_eq!(calendar.add(max, Duration::hours(1)), None);
    assert_eq!(calendar.add(sh(2025, 1, 1, 0, 0), Duration::MAX), None);
}

#[test]
fn an_unvalidated_calendar_counts_overlapping_spans_once() {
    let mut calendar = office(Shanghai);
    calendar.weekly.0[0] = vec![
        Span {
            start: 600,
            end: 720,
        },
        Span {
            start: 540,
            end: 660,
        },
        Span {
            start: 700,
            end: 2000,
        },
    ];
    assert_eq!(
        calendar.between(sh(2025, 6, 9, 0, 0), sh(2025, 6, 10, 0, 0)),
        Duration::hours(14)
    );
    assert_eq!(
        calendar.add(sh(2025, 6, 9, 0, 0), Duration::hours(14)),
        Some(sh(2025, 6, 10, 0, 0))
    );
}
