//! Business hours of one day as minutes from local midnight, and their "HH:MM" text.

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;

use super::CalendarError;

const DAY: u16 = 24 * 60;

/// Minutes from local midnight, 0..=1440; `end` may be 1440 ("24:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

impl Span {
    /// A span from minutes, checked: `start < end <= 1440`.
    pub fn new(start: u16, end: u16) -> Result<Span, CalendarError> {
        let span = Span { start, end };
        if end > DAY {
            return Err(CalendarError::Time(minutes_text(end)));
        }
        if start >= end {
            return Err(CalendarError::EmptySpan {
                start: span.start_text(),
                end: span.end_text(),
            });
        }
        Ok(span)
    }

    /// A span from two "HH:MM" times; "24:00" is the end of the day.
    pub fn parse(start: &str, end: &str) -> Result<Span, CalendarError> {
        Span::new(parse_time(start)?, parse_time(end)?)
    }

    pub fn start_text(&self) -> String {
        minutes_text(self.start)
    }

    pub fn end_text(&self) -> String {
        minutes_text(self.end)
    }

    pub fn minutes(&self) -> u16 {
        self.end.saturating_sub(self.start)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start_text(), self.end_text())
    }
}

/// "09:00-18:00"; admins also type "9:00~18:00" or a full-width colon, so those are read too.
impl FromStr for Span {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<Span, CalendarError> {
        let text = text.trim();
        let (start, end) = text
            .split_once(['-', '~', '～', '–'])
            .ok_or_else(|| CalendarError::SpanText(text.to_string()))?;
        Span::parse(start, end)
    }
}

/// Business hours per weekday, Monday first; spans sorted, non-overlapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours(pub [Vec<Span>; 7]);

impl WeeklyHours {
    /// Monday to Friday, 09:00–18:00.
    pub fn office() -> Self {
        let day = vec![Span {
            start: 9 * 60,
            end: 18 * 60,
        }];
        WeeklyHours([
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            Vec::new(),
            Vec::new(),
        ])
    }

    /// Every day, 00:00–24:00.
    pub fn always() -> Self {
        WeeklyHours(std::array::from_fn(|_| vec![Span { start: 0, end: DAY }]))
    }

    pub fn validate(&self) -> Result<(), CalendarError> {
        for (weekday, spans) in weekdays().zip(&self.0) {
            validate_spans(spans).map_err(|error| CalendarError::Weekday {
                weekday,
                error: Box::new(error),
            })?;
        }
        Ok(())
    }

    pub fn on(&self, weekday: Weekday) -> &[Span] {
        &self.0[weekday.num_days_from_monday() as usize]
    }

    /// The hours of a workday whose exception names none: those of the first weekday that has
    /// hours, as a make-up Saturday (调休上班) is worked like an ordinary Monday.
    pub fn standard(&self) -> &[Span] {
        self.0
            .iter()
            .find(|spans| !spans.is_empty())
            .map_or(&[], Vec::as_slice)
    }
}

fn weekdays() -> impl Iterator<Item = Weekday> {
    std::iter::successors(Some(Weekday::Mon), |day| Some(day.succ())).take(7)
}

/// Spans are well-formed, sorted and do not overlap (touching is fine).
pub fn validate_spans(spans: &[Span]) -> Result<(), CalendarError> {
    for span in spans {
        Span::new(span.start, span.end)?;
    }
    match spans.windows(2).find(|pair| pair[0].end > pair[1].start) {
        Some(pair) => Err(CalendarError::Overlap {
            first: pair[0].to_string(),
            second: pair[1].to_string(),
        }),
        None => Ok(()),
    }
}

/// "09:00-12:00 13:00-18:00"; spans may also be separated by commas or semicolons (半角 or 全角).
pub fn parse_spans(text: &str) -> Result<Vec<Span>, CalendarError> {
    let spans = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | ';' | '；'))
        .filter(|part| !part.is_empty())
        .map(str::parse)
        .collect::<Result<Vec<Span>, _>>()?;
    validate_spans(&spans)?;
    Ok(spans)
}

pub fn format_spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(Span::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse_time(text: &str) -> Result<u16, CalendarError> {
    let invalid = || CalendarError::Time(text.to_string());
    let (hours, minutes) = text.trim().split_once([':', '：']).ok_or_else(invalid)?;
    let number = |digits: &str, widths: std::ops::RangeInclusive<usize>| {
        if widths.contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse::<u16>().ok()
        } else {
            None
        }
    };
    let (hours, minutes) = (
        number(hours, 1..=2).ok_or_else(invalid)?,
        number(minutes, 2..=2).ok_or_else(invalid)?,
    );
    if minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
        return Err(invalid());
    }
    Ok(hours * 60 + minutes)
}

fn minutes_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_from_midnight_to_the_end_of_the_day() {
        let span = Span::parse("09:00", "24:00").unwrap();
        assert_eq!(
            span,
            Span {
                start: 540,
                end: 1440
            }
        );
        assert_eq!(
            (span.start_text(), span.end_text()),
            ("09:00".to_string(), "24:00".to_string())
        );
        assert_eq!(
            Span::parse("0:00", "9:30").unwrap(),
            Span { start: 0, end: 570 }
        );
        assert_eq!(
            "9：00～18：00".parse::<Span>().unwrap(),
            Span {
                start: 540,
                end: 1080
            }
        );
    }

    #[test]
    fn bad_times_are_refused() {
        for bad in [
            "24:01", "25:00", "12:60", "12", "1200", "-1:00", "+9:00", "09:5", "009:00", "",
            "９:00",
        ] {
            assert_eq!(
                Span::parse(bad, "23:00"),
                Err(CalendarError::Time(bad.to_string())),
                "{bad}"
            );
        }
        assert!(matches!(
            Span::parse("18:00", "09:00"),
            Err(CalendarError::EmptySpan { .. })
        ));
        assert!(matches!(
            Span::parse("24:00", "24:00"),
            Err(CalendarError::EmptySpan { .. })
        ));
        assert_eq!(
            "09:00".parse::<Span>(),
            Err(CalendarError::SpanText("09:00".into()))
        );
        assert_eq!(Span::new(0, 1441), Err(CalendarError::Time("24:01".into())));
    }

    #[test]
    fn span_lists_must_be_sorted_and_disjoint() {
        let spans = parse_spans(" 09:00-12:00  13:00-18:00，18:00-24:00 ").unwrap();
        assert_eq!(format_spans(&spans), "09:00-12:00 13:00-18:00 18:00-24:00");
        assert_eq!(parse_spans("").unwrap(), Vec::new());
        assert_eq!(
            parse_spans("13:00-18:00 09:00-12:00"),
            Err(CalendarError::Overlap {
                first: "13:00-18:00".into(),
                second: "09:00-12:00".into()
            })
        );
        assert!(parse_spans("09:00-12:00 11:00-13:00").is_err());
    }

    #[test]
    fn weekly_hours_validate_each_day() {
        assert_eq!(WeeklyHours::office().validate(), Ok(()));
        assert_eq!(WeeklyHours::always().validate(), Ok(()));
        assert_eq!(
            WeeklyHours::office().standard(),
            &[Span {
                start: 540,
                end: 1080
            }]
        );
        assert_eq!(WeeklyHours::office().on(Weekday::Sat), &[]);
        let mut hours = WeeklyHours::office();
        hours.0[2] = vec![Span {
            start: 600,
            end: 500,
        }];
        assert!(matches!(
            hours.validate(),
            Err(CalendarError::Weekday {
                weekday: Weekday::Wed,
                ..
            })
        ));
        let nothing = WeeklyHours(Default::default());
        assert_eq!(nothing.standard(), &[]);
    }
}
