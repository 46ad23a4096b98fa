//! Exceptions as iCalendar (RFC 5545), so a company's holidays show in any calendar app and a
//! published holiday feed can be imported.
//!
//! Only what holiday calendars use is read: all-day VEVENTs (DTSTART as a date, optional exclusive
//! DTEND or DURATION in days or weeks), their SUMMARY, and Guanjia's own `X-GUANJIA-WORKDAY` and
//! `X-GUANJIA-HOURS`. Timed and cancelled events are skipped, recurrence rules are not expanded.
//! A foreign feed without the workday flag marks make-up days with "班" (上班/补班/调休上班).

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{CalendarError, Exception, format_spans, parse_spans};

/// RFC 5545 lines are at most 75 octets, continuation lines included.
const FOLD_AT: usize = 75;

/// Longest event read, so a garbage DTEND cannot make millions of days.
const LONGEST_EVENT_DAYS: i64 = 366;

/// A deterministic VCALENDAR: the same exceptions always give the same bytes (UIDs and DTSTAMPs
/// come from the dates), so exports diff cleanly and re-imports into calendar apps update events.
pub fn export(name: &str, exceptions: &[Exception]) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Guanjia//ZH".into(),
        "CALSCALE:GREGORIAN".into(),
    ];
    lines.push(format!("X-WR-CALNAME:{}", escape(name)));
    for exception in exceptions {
        let day = exception.date.format("%Y%m%d");
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{day}@guanjia"),
            format!("DTSTAMP:{day}T000000Z"),
        ]);
        lines.push(format!("DTSTART;VALUE=DATE:{day}"));
        if let Some(next) = exception.date.succ_opt() {
            lines.push(format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        }
        lines.push(format!("SUMMARY:{}", escape(&exception.name)));
        lines.push(format!(
            "X-GUANJIA-WORKDAY:{}",
            if exception.is_workday {
                "TRUE"
            } else {
                "FALSE"
            }
        ));
        if !exception.hours.is_empty() {
            lines.push(format!(
                "X-GUANJIA-HOURS:{}",
                format_spans(&exception.hours)
            ));
        }
        // A holiday does not make anyone busy in a calendar app.
        lines.extend(["TRANSP:TRANSPARENT".to_string(), "END:VEVENT".into()]);
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|line| fold(line) + "\r\n").collect()
}

/// Errors carry the line (of the unfolded file's first physical line) where the problem is.
pub fn import(text: &str) -> Result<Vec<Exception>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut calendar = false;
    let mut event: Option<Event> = None;
    let mut exceptions = Vec::new();
    let mut seen = HashSet::new();
    for (line, content) in unfold(text) {
        if content.trim().is_empty() {
            continue;
        }
        let property = Property::parse(&content).ok_or_else(|| {
            CalendarError::Syntax(format!("“{content}” is not a content line")).at(line)
        })?;
        let value = property.value.trim();
        match (
            property.name.as_str(),
            value.to_ascii_uppercase().as_str(),
            event.as_mut(),
        ) {
            ("BEGIN", "VCALENDAR", _) => calendar = true,
            ("BEGIN", "VEVENT", None) => event = Some(Event::new(line)),
            ("BEGIN", "VEVENT", Some(event)) if event.nested == 0 => {
                return Err(CalendarError::Syntax(format!(
                    "the VEVENT of line {} has no END",
                    event.line
                ))
                .at(line));
            }
            ("BEGIN", _, Some(event)) => event.nested += 1,
            ("END", "VEVENT", Some(open)) if open.nested == 0 => {
                if let Some(finished) = event.take() {
                    let line = finished.line;
                    for exception in finished.exceptions()? {
                        if !seen.insert(exception.date) {
                            return Err(CalendarError::DuplicateDate(exception.date).at(line));
                        }
                        exceptions.push(exception);
                    }
                }
            }
            ("END", _, Some(event)) => event.nested = event.nested.saturating_sub(1),
            (_, _, Some(event)) if event.nested == 0 => event.read(line, property),
            _ => {}
        }
    }
    if let Some(event) = event {
        return Err(CalendarError::Syntax("the VEVENT has no END".into()).at(event.line));
    }
    if !calendar {
        return Err(
            CalendarError::Syntax("not an iCalendar file: no BEGIN:VCALENDAR".into()).at(1),
        );
    }
    Ok(exceptions)
}

/// A VEVENT being read: the properties that matter, each with the line it was on.
struct Event {
    line: u64,
    /// Depth inside components of the event (VALARM), whose properties are not the event's.
    nested: u32,
    start: Option<(u64, Property)>,
    end: Option<(u64, Property)>,
    duration: Option<(u64, Property)>,
    summary: Option<String>,
    workday: Option<(u64, String)>,
    hours: Option<(u64, String)>,
    cancelled: bool,
}

impl Event {
    fn new(line: u64) -> Event {
        Event {
            line,
            nested: 0,
            start: None,
            end: None,
            duration: None,
            summary: None,
            workday: None,
            hours: None,
            cancelled: false,
        }
    }

    /// The first occurrence of a property wins, as a well-formed event has each only once.
    fn read(&mut self, line: u64, property: Property) {
        match property.name.as_str() {
            "DTSTART" => _ = self.start.get_or_insert((line, property)),
            "DTEND" => _ = self.end.get_or_insert((line, property)),
            "DURATION" => _ = self.duration.get_or_insert((line, property)),
            "SUMMARY" => {
                _ = self
                    .summary
                    .get_or_insert_with(|| unescape(&property.value))
            }
            "X-GUANJIA-WORKDAY" => _ = self.workday.get_or_insert((line, property.value)),
            "X-GUANJIA-HOURS" => _ = self.hours.get_or_insert((line, property.value)),
            "STATUS" => self.cancelled = property.value.trim().eq_ignore_ascii_case("CANCELLED"),
            _ => {}
        }
    }

    fn exceptions(self) -> Result<Vec<Exception>, CalendarError> {
        let Some((start_line, start)) = &self.start else {
            return Err(CalendarError::Syntax("the VEVENT has no DTSTART".into()).at(self.line));
        };
        let Some(first) = all_day(start).map_err(|error| error.at(*start_line))? else {
            return Ok(Vec::new());
        };
        if self.cancelled {
            return Ok(Vec::new());
        }
        let days = match (&self.end, &self.duration) {
            (Some((line, end)), _) => match all_day(end).map_err(|error| error.at(*line))? {
                Some(end) if end >= first => (end - first).num_days().max(1),
                _ => {
                    return Err(CalendarError::Syntax(
                        "DTEND must be an all-day date after DTSTART".into(),
                    )
                    .at(*line));
                }
            },
            (None, Some((line, duration))) => days(duration.value.trim()).ok_or_else(|| {
                CalendarError::Syntax(format!(
                    "“{}” is not a duration in days or weeks",
                    duration.value
                ))
                .at(*line)
            })?,
            (None, None) => 1,
        };
        if days > LONGEST_EVENT_DAYS {
            return Err(CalendarError::Syntax(format!(
                "the event lasts {days} days, more than a year"
            ))
            .at(*start_line));
        }
        let is_workday = match &self.workday {
            Some((line, flag)) => match flag.trim().to_ascii_uppercase().as_str() {
                "TRUE" => true,
                "FALSE" => false,
                _ => return Err(CalendarError::Flag(flag.clone()).at(*line)),
            },
            None => self
                .summary
                .as_deref()
                .is_some_and(|summary| summary.contains('班')),
        };
        let hours = match &self.hours {
            Some((line, hours)) => parse_spans(hours).map_err(|error| error.at(*line))?,
            None => Vec::new(),
        };
        let name = self.summary.as_deref().unwrap_or("").trim().to_string();
        let mut exceptions = Vec::new();
        for date in first.iter_days().take(usize::try_from(days).unwrap_or(1)) {
            let exception = Exception {
                date,
                is_workday,
                hours: hours.clone(),
                name: name.clone(),
            };
            exception.validate().map_err(|error| error.at(self.line))?;
            exceptions.push(exception);
        }
        Ok(exceptions)
    }
}

/// One content line: `NAME;PARAM=VALUE:value`.
struct Property {
    name: String,
    parameters: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn parse(line: &str) -> Option<Property> {
        // The value starts at the first colon outside a quoted parameter value.
        let mut quoted = false;
        let colon = line.char_indices().find_map(|(at, c)| {
            quoted ^= c == '"';
            (c == ':' && !quoted).then_some(at)
        })?;
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let mut parts = head.split(';');
        let name = parts.next()?.trim().to_ascii_uppercase();
        if name.is_empty() {
            return None;
        }
        let parameters = parts
            .filter_map(|part| part.split_once('='))
            .map(|(key, value)| {
                (
                    key.trim().to_ascii_uppercase(),
                    value.trim().trim_matches('"').to_string(),
                )
            })
            .collect();
        Some(Property {
            name,
            parameters,
            value: value.to_string(),
        })
    }

    fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// The date of an all-day DTSTART or DTEND (`VALUE=DATE`, or a bare `YYYYMMDD`); None for a
/// date-time.
fn all_day(property: &Property) -> Result<Option<NaiveDate>, CalendarError> {
    let value = property.value.trim();
    let is_date = property
        .parameter("VALUE")
        .is_some_and(|kind| kind.eq_ignore_ascii_case("DATE"));
    let bare_date = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit());
    if !is_date && !bare_date {
        return Ok(None);
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        value
            .get(range)
            .filter(|part| part.bytes().all(|b| b.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let date = match (value.len(), digits(0..4), digits(4..6), digits(6..8)) {
        (8, Some(year), Some(month), Some(day)) => i32::try_from(year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, month, day)),
        _ => None,
    };
    date.map(Some)
        .ok_or_else(|| CalendarError::Date(value.to_string()))
}

/// Whole days of a DURATION such as `P1D` or `P2W`; holidays have no hours in their duration.
fn days(duration: &str) -> Option<i64> {
    let duration = duration
        .strip_prefix('+')
        .unwrap_or(duration)
        .strip_prefix('P')?;
    let (count, per) = match duration.strip_suffix('D') {
        Some(count) => (count, 1),
        None => (duration.strip_suffix('W')?, 7),
    };
    if !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    count
        .parse::<i64>()
        .ok()?
        .checked_mul(per)
        .filter(|days| *days > 0)
}

/// Logical lines with the number of their first physical line: a line starting with a space or
/// a tab continues the previous one.
fn unfold(text: &str) -> Vec<(u64, String)> {
    let mut lines: Vec<(u64, String)> = Vec::new();
    for (number, line) in (1..).zip(text.split('\n')) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match (line.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, previous))) => previous.push_str(rest),
            _ => lines.push((number, line.to_string())),
        }
    }
    lines
}

/// Splits a line into physical lines of at most 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + line.len() / 32);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > FOLD_AT {
            folded.push_str("\r\n ");
            width = 1;
        }
        folded.push(c);
        width += c.len_utf8();
    }
    folded
}

/// TEXT escaping; other control characters are not allowed in TEXT and are dropped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' | ';' | ',' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Reads `\\`, `\;`, `\,` and `\n`; other escapes some producers invent (`\:`) keep their character.
fn unescape(text: &str) -> String {
    let mut unescaped = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            unescaped.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => unescaped.push('\n'),
            Some(next) => unescaped.push(next),
            None => unescaped.push('\\'),
        }
    }
    unescaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rest(date: NaiveDate, name: &str) -> Exception {
        Exception {
            date,
            is_workday: false,
            hours: vec![],
            name: name.into(),
        }
    }

    fn error_at(text: &str) -> (Option<u64>, CalendarError) {
        match import(text) {
            Err(CalendarError::Line { line, error }) => (Some(line), *error),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn exports_one_all_day_event_per_exception() {
        let exceptions = [
            rest(date(2025, 1, 1), "元旦"),
            Exception {
                date: date(2025, 12, 31),
                is_workday: true,
                hours: parse_spans("09:00-12:00").unwrap(),
                name: "盘点, 清账; 1\\2".into(),
            },
        ];
        let expected = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guanjia//ZH\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:锦程物业\\, 工作日历\r\n\
            BEGIN:VEVENT\r\nUID:20250101@guanjia\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250101\r\nDTEND;VALUE=DATE:20250102\r\n\
            SUMMARY:元旦\r\nX-GUANJIA-WORKDAY:FALSE\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:20251231@guanjia\r\nDTSTAMP:20251231T000000Z\r\nDTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260101\r\n\
            SUMMARY:盘点\\, 清账\\; 1\\\\2\r\nX-GUANJIA-WORKDAY:TRUE\r\nX-GUANJIA-HOURS:09:00-12:00\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        assert_eq!(export("锦程物业, 工作日历", &exceptions), expected);
        assert_eq!(import(expected), Ok(exceptions.to_vec()));
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let name = "春节调休上班".repeat(20) + "abc";
        let text = export(&name, &[rest(date(2025, 1, 1), &name)]);
        assert!(text.split("\r\n").all(|line| line.len() <= 75), "{text}");
        assert!(text.contains("\r\n "));
        assert_eq!(import(&text).unwrap()[0].name, name);
        assert_eq!(fold(&"a".repeat(75)), "a".repeat(75));
        assert_eq!(fold(&"a".repeat(76)), "a".repeat(75) + "\r\n a");
    }

    #[test]
    fn reads_foreign_holiday_feeds() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Asia/Shanghai\nEND:VTIMEZONE\n\
            BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250128\nDTEND;VALUE=DATE:20250130\nSUMMARY;LANGUAGE=zh:春节\n\
            BEGIN:VALARM\nSUMMARY:提醒上班\nEND:VALARM\nEND:VEVENT\n\
            BEGIN:VEVENT\nDTSTART:20250126\nSUMMARY:春节\n 补班\nEND:VEVENT\n\
            BEGIN:VEVENT\nDTSTART;TZID=Asia/Shanghai:20250127T090000\nSUMMARY:开会\nEND:VEVENT\n\
            BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250201\nSTATUS:CANCELLED\nEND:VEVENT\n\
            BEGIN:VEVENT\ndtstart;value=date:20250405\nduration:P2D\nsummary:清明节\nEND:VEVENT\n\
            END:VCALENDAR\n";
        assert_eq!(
            import(text),
            Ok(vec![
                rest(date(2025, 1, 28), "春节"),
                rest(date(2025, 1, 29), "春节"),
                Exception {
                    date: date(2025, 1, 26),
                    is_workday: true,
                    hours: vec![],
                    name: "春节补班".into()
                },
                rest(date(2025, 4, 5), "清明节"),
                rest(date(2025, 4, 6), "清明节"),
            ])
        );
    }

    #[test]
    fn errors_name_the_line() {
        let event = |body: &str| {
            format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        };
        assert!(matches!(
            error_at(&event("SUMMARY:x")),
            (Some(2), CalendarError::Syntax(_))
        ));
        assert_eq!(
            error_at(&event("SUMMARY:x\r\nDTSTART;VALUE=DATE:20250230")),
            (Some(4), CalendarError::Date("20250230".into()))
        );
        assert_eq!(
            error_at(&event("DTSTART:20250101\r\nX-GUANJIA-WORKDAY:yes")),
            (Some(4), CalendarError::Flag("yes".into()))
        );
        assert!(matches!(
            error_at(&event("DTSTART:20250101\r\nDTEND:20241231")),
            (Some(4), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at(&event("DTSTART:20250101\r\nDURATION:PT1H")),
            (Some(4), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at(&event("DTSTART:20250101\r\nDTEND:20270101")),
            (Some(3), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at(&event("DTSTART:20250101\r\nX-GUANJIA-HOURS:18:00-09:00")),
            (Some(4), CalendarError::EmptySpan { .. })
        ));
        assert_eq!(
            error_at(&event(
                "DTSTART:20250101\r\nX-GUANJIA-WORKDAY:FALSE\r\nX-GUANJIA-HOURS:09:00-10:00"
            ))
            .1,
            CalendarError::RestDayHours(date(2025, 1, 1))
        );
        let twice = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250101\nDTEND:20250103\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART:20250102\nEND:VEVENT\n";
        assert_eq!(
            error_at(twice),
            (Some(6), CalendarError::DuplicateDate(date(2025, 1, 2)))
        );
        assert!(matches!(
            error_at("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250101\n"),
            (Some(2), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at("BEGIN:VCALENDAR\nBEGIN:VEVENT\nBEGIN:VEVENT\n"),
            (Some(3), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at("BEGIN:VCALENDAR\nno colon here\n"),
            (Some(2), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at("date,is_workday,name\n"),
            (Some(1), CalendarError::Syntax(_))
        ));
    }

    #[test]
    fn text_escapes_round_trip() {
        for text in [
            "a,b;c\\d",
            "两行\n文字",
            "\\n is not a newline",
            "",
            "trailing \\",
        ] {
            assert_eq!(unescape(&escape(text)), text);
        }
        assert_eq!(unescape("a\\:b\\Nc\\"), "a:b\nc\\");
        assert_eq!(escape("a\r\nb\u{7}c\td"), "a\\nbc\td");
    }
}
