//! Exceptions as CSV, the format admins keep in a spreadsheet:
//!
//! ```text
//! date,is_workday,name,hours
//! 2025-01-01,false,元旦,
//! 2025-01-26,true,春节调休上班,
//! 2025-12-31,true,年终盘点,09:00-12:00 13:00-16:00
//! ```
//!
//! The header is required and names the columns (in any order; `hours` may be left out). Names
//! are trimmed, as spreadsheets pad cells.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{CalendarError, Exception, format_spans, parse_spans};

const COLUMNS: [&str; 4] = ["date", "is_workday", "name", "hours"];

pub fn export(exceptions: &[Exception]) -> String {
    let mut text = COLUMNS.join(",") + "\n";
    for exception in exceptions {
        let row = [
            exception.date.format("%Y-%m-%d").to_string(),
            exception.is_workday.to_string(),
            quote(&exception.name),
            format_spans(&exception.hours),
        ];
        text += &(row.join(",") + "\n");
    }
    text
}

/// UTF-8, with or without a byte-order mark (Excel writes one). Errors carry the line of the
/// first bad row.
pub fn import(text: &str) -> Result<Vec<Exception>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = reader.records().filter(|row| {
        !row.as_ref()
            .is_ok_and(|row| row.iter().all(|field| field.trim().is_empty()))
    });
    let line = |position: Option<&::csv::Position>| line(text, position);
    let syntax =
        |error: ::csv::Error| CalendarError::Syntax(error.to_string()).at(line(error.position()));
    let header = match rows.next() {
        Some(row) => row.map_err(syntax)?,
        None => return Err(CalendarError::Header("the file is empty".into()).at(1)),
    };
    let columns = Columns::read(&header).map_err(|error| error.at(line(header.position())))?;
    let mut seen = HashSet::new();
    let mut exceptions = Vec::new();
    for row in rows {
        let row = row.map_err(syntax)?;
        let exception = columns
            .exception(&row)
            .map_err(|error| error.at(line(row.position())))?;
        if !seen.insert(exception.date) {
            return Err(CalendarError::DuplicateDate(exception.date).at(line(row.position())));
        }
        exceptions.push(exception);
    }
    Ok(exceptions)
}

/// Where each column is in the file.
struct Columns {
    width: usize,
    date: usize,
    is_workday: usize,
    name: usize,
    hours: Option<usize>,
}

impl Columns {
    fn read(header: &::csv::StringRecord) -> Result<Columns, CalendarError> {
        let mut found = [None; COLUMNS.len()];
        for (position, title) in header.iter().enumerate() {
            let title = title.trim().to_lowercase();
            let column = COLUMNS.iter().position(|column| *column == title);
            match column.map(|column| &mut found[column]) {
                Some(slot @ None) => *slot = Some(position),
                Some(Some(_)) => {
                    return Err(CalendarError::Header(format!("“{title}” appears twice")));
                }
                None => return Err(CalendarError::Header(format!("unknown column “{title}”"))),
            }
        }
        let required = |column: usize| {
            found[column]
                .ok_or_else(|| CalendarError::Header(format!("no column “{}”", COLUMNS[column])))
        };
        Ok(Columns {
            width: header.len(),
            date: required(0)?,
            is_workday: required(1)?,
            name: required(2)?,
            hours: found[3],
        })
    }

    fn exception(&self, row: &::csv::StringRecord) -> Result<Exception, CalendarError> {
        if row.len() > self.width {
            let message = format!(
                "{} fields where the header has {}: is a comma in a name unquoted?",
                row.len(),
                self.width
            );
            return Err(CalendarError::Syntax(message));
        }
        let field = |column: Option<usize>| {
            column
                .and_then(|column| row.get(column))
                .unwrap_or("")
                .trim()
        };
        let date = parse_date(field(Some(self.date)))?;
        let exception = Exception {
            date,
            is_workday: parse_flag(field(Some(self.is_workday)))?,
            hours: parse_spans(field(self.hours)).map_err(|error| CalendarError::Exception {
                date,
                error: Box::new(error),
            })?,
            name: field(Some(self.name)).to_string(),
        };
        exception.validate()?;
        Ok(exception)
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .map_err(|_| CalendarError::Date(text.to_string()))
}

fn parse_flag(text: &str) -> Result<bool, CalendarError> {
    match text.to_lowercase().as_str() {
        "true" | "1" | "是" => Ok(true),
        "false" | "0" | "否" => Ok(false),
        _ => Err(CalendarError::Flag(text.to_string())),
    }
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The line a row is on. The csv crate's own line numbers and offsets point at the blank lines it
/// skipped before the row, and an admin looking for the row would not find it there.
fn line(text: &str, position: Option<&::csv::Position>) -> u64 {
    let start = position
        .and_then(|position| usize::try_from(position.byte()).ok())
        .unwrap_or(0);
    let row = text.get(start..).unwrap_or("");
    let start = start + (row.len() - row.trim_start_matches(['\r', '\n']).len());
    text.get(..start)
        .map_or(0, |before| before.matches('\n').count() as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn error_at(text: &str) -> (Option<u64>, CalendarError) {
        match import(text) {
            Err(CalendarError::Line { line, error }) => (Some(line), *error),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn reads_what_spreadsheets_write() {
        let text = "\u{feff}Date, IS_WORKDAY ,name,hours\r\n\
                    2025-01-01,false,元旦,\r\n\
                    \r\n\
                    2025-01-26,是, 春节调休上班 \r\n\
                    2025/12/31,1,\"年终盘点, 全员\",09:00-12:00 13:00-16:00\r\n\
                    2026-01-02,否,\"说 \"\"放假\"\"\",\r\n";
        let exceptions = import(text).unwrap();
        assert_eq!(
            exceptions,
            vec![
                Exception {
                    date: date(2025, 1, 1),
                    is_workday: false,
                    hours: vec![],
                    name: "元旦".into()
                },
                Exception {
                    date: date(2025, 1, 26),
                    is_workday: true,
                    hours: vec![],
                    name: "春节调休上班".into()
                },
                Exception {
                    date: date(2025, 12, 31),
                    is_workday: true,
                    hours: parse_spans("09:00-12:00 13:00-16:00").unwrap(),
                    name: "年终盘点, 全员".into(),
                },
                Exception {
                    date: date(2026, 1, 2),
                    is_workday: false,
                    hours: vec![],
                    name: "说 \"放假\"".into()
                },
            ]
        );
        assert_eq!(import(&export(&exceptions)), Ok(exceptions.clone()));
        assert!(
            export(&exceptions).starts_with("date,is_workday,name,hours\n2025-01-01,false,元旦,\n")
        );
        assert_eq!(
            import("name,date,is_workday\n国庆节,2025-10-01,0\n").unwrap()[0].date,
            date(2025, 10, 1)
        );
        assert_eq!(import("date,is_workday,name,hours\n"), Ok(vec![]));
    }

    #[test]
    fn errors_name_the_line_of_the_first_bad_row() {
        let head = "date,is_workday,name,hours\n2025-01-01,false,元旦,\n";
        assert_eq!(
            error_at(&format!("{head}2025-13-01,false,x,\n")),
            (Some(3), CalendarError::Date("2025-13-01".into()))
        );
        assert_eq!(
            error_at(&format!("{head}\n2025-01-02,maybe,x,\n")),
            (Some(4), CalendarError::Flag("maybe".into()))
        );
        assert!(matches!(
            error_at(&format!("{head}2025-01-02,true,x,09:00-25:00\n")),
            (Some(3), CalendarError::Exception { .. })
        ));
        assert!(matches!(
            error_at(&format!(
                "{head}2025-01-02,true,x,13:00-18:00 09:00-12:00\n"
            )),
            (Some(3), CalendarError::Exception { .. })
        ));
        assert_eq!(
            error_at(&format!("{head}2025-01-01,true,又一个,\n")),
            (Some(3), CalendarError::DuplicateDate(date(2025, 1, 1)))
        );
        assert_eq!(
            error_at(&format!("{head}2025-01-02,false,x,09:00-10:00\n")),
            (Some(3), CalendarError::RestDayHours(date(2025, 1, 2)))
        );
        assert!(matches!(
            error_at(&format!("{head}2025-01-02,false,国庆节,中秋节,\n")),
            (Some(3), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at("date,is_workday,name\n2025-01-02,false,国庆节,中秋节\n"),
            (Some(2), CalendarError::Syntax(_))
        ));
        assert!(matches!(
            error_at("2025-01-01,false,元旦,\n"),
            (Some(1), CalendarError::Header(_))
        ));
        assert!(matches!(
            error_at("\n\ndate,workday,name\n"),
            (Some(3), CalendarError::Header(_))
        ));
        assert!(matches!(
            error_at("date,is_workday,name,name\n"),
            (Some(1), CalendarError::Header(_))
        ));
        assert!(matches!(error_at(""), (Some(1), CalendarError::Header(_))));
        assert_eq!(
            error_at(&format!("{head}2025-01-02\n")),
            (Some(3), CalendarError::Flag(String::new()))
        );
        let two_lines =
            format!("{head}2025-01-02,false,\"两\r\n行\",\r\n\r\n2025-13-01,false,x,\n");
        assert_eq!(
            error_at(&two_lines),
            (Some(6), CalendarError::Date("2025-13-01".into()))
        );
        let message = import(&format!("{head}2025-02-30,false,x,\n"))
            .unwrap_err()
            .to_string();
        assert_eq!(message, "line 3: “2025-02-30” is not a date (YYYY-MM-DD)");
    }
}
