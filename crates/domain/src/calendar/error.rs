use chrono::{NaiveDate, Weekday};

/// Everything that can be wrong with business hours or an imported holiday file.
///
/// Import errors are always `Line`, so an admin is told where in the file to look; the inner error
/// says what was wrong there.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("“{0}” is not a time of day (HH:MM, 00:00 to 24:00)")]
    Time(String),
    #[error("“{0}” is not a span of hours (HH:MM-HH:MM)")]
    SpanText(String),
    #[error("{start}-{end} is not a span of hours: it must start before it ends")]
    EmptySpan { start: String, end: String },
    #[error("the spans {first} and {second} overlap or are out of order")]
    Overlap { first: String, second: String },
    #[error("{weekday}: {error}")]
    Weekday {
        weekday: Weekday,
        error: Box<CalendarError>,
    },
    #[error("{date}: {error}")]
    Exception {
        date: NaiveDate,
        error: Box<CalendarError>,
    },
    #[error("the exception filed under {key} is dated {date}")]
    MisfiledException { key: NaiveDate, date: NaiveDate },
    #[error("“{0}” is not a date (YYYY-MM-DD)")]
    Date(String),
    #[error("“{0}” is not a workday flag (true/false/1/0/是/否)")]
    Flag(String),
    #[error("{0} appears more than once")]
    DuplicateDate(NaiveDate),
    #[error("{0} is a rest day, so it cannot have business hours")]
    RestDayHours(NaiveDate),
    #[error("the header must name the columns date,is_workday,name and optionally hours: {0}")]
    Header(String),
    #[error("{0}")]
    Syntax(String),
    #[error("line {line}: {error}")]
    Line {
        line: u64,
        error: Box<CalendarError>,
    },
}

impl CalendarError {
    /// Places an error on a line of an imported file.
    pub(crate) fn at(self, line: u64) -> Self {
        CalendarError::Line {
            line,
            error: Box::new(self),
        }
    }

    /// The line of the imported file the error is on, if it came from an import.
    pub fn line(&self) -> Option<u64> {
        match self {
            CalendarError::Line { line, .. } => Some(*line),
            _ => None,
        }
    }
}
