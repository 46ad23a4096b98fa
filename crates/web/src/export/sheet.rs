//! An export's workbook: JSON objects flattened to columns with the reader's titles, values typed
//! (times as Excel dates in the company's zone, codes as their words), rows written to a
//! temporary file as they come so that memory stays flat however many there are.

use std::io::{Seek, SeekFrom};
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use chrono_tz::Tz;
use guanjia_domain::announcement::{AnnouncementCategory, AnnouncementState};
use guanjia_domain::conversation::ConversationState;
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::Status;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde_json::{Map, Value};

use crate::i18n::Lang;
use crate::ui::text;
use crate::words::column_title;

/// The rows below the header a worksheet holds (1,048,576 in all), less one for the note that
/// says the export stopped there.
pub const MAX_ROWS: u32 = 1_048_574;

/// The company's zone: the times of an export are read as the office's wall clock.
const ZONE: Tz = chrono_tz::Asia::Shanghai;

/// A column: the path of a field in an item (`contact.phone`).
pub type Column = String;

/// The columns of `items`: nested objects become one column per field, everything else one
/// column; in the order of `order` (the fields as the API declares them), any other after.
pub fn columns<'a>(items: impl IntoIterator<Item = &'a Value>, order: &[String]) -> Vec<Column> {
    let mut columns = vec![];
    for item in items {
        flatten_into(&mut columns, String::new(), item);
    }
    columns.sort_by_key(|c| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
    columns
}

fn flatten_into(columns: &mut Vec<Column>, path: String, value: &Value) {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (name, value) in fields {
                let child = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                flatten_into(columns, child, value);
            }
        }
        _ if !path.is_empty() && !columns.contains(&path) => columns.push(path),
        _ => {}
    }
}

/// A column's title in the reader's language: its fields' titles joined ("联系人·电话").
pub fn title(lang: Lang, column: &str) -> String {
    column
        .split('.')
        .map(|field| column_title(lang, field).unwrap_or(field))
        .collect::<Vec<_>>()
        .join("·")
}

/// The value at a column's path in an item.
fn at<'a>(item: &'a Value, column: &str) -> &'a Value {
    column
        .split('.')
        .try_fold(item, |value, field| value.get(field))
        .unwrap_or(&Value::Null)
}

/// A cell as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date and time (days since 1900, as Excel counts them).
    Time(f64),
}

/// The cell of `value` found under the field `field` (the last part of its column).
pub fn cell(lang: Lang, field: &str, value: &Value) -> Cell {
    match value {
        Value::Null => Cell::Empty,
        Value::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        Value::String(s) => {
            time(s).map_or_else(|| Cell::Text(code_words(lang, field, s)), Cell::Time)
        }
        other => Cell::Text(text_of(lang, field, other)),
    }
}

/// A value as text, for values that are not one cell of their own: scalars in a list joined with
/// "、", an object (one that was empty when the columns were chosen) as "title: value" pairs.
fn text_of(lang: Lang, field: &str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => yes_no(lang, true).to_owned(),
        Value::Bool(false) => yes_no(lang, false).to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => match time(s) {
            Some(_) => local_time(s).unwrap_or_else(|| s.clone()),
            None => code_words(lang, field, s),
        },
        Value::Array(values) => values
            .iter()
            .map(|v| text_of(lang, field, v))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(fields) => object_text(lang, fields),
    }
}

fn object_text(lang: Lang, fields: &Map<String, Value>) -> String {
    fields
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(name, v)| format!("{}: {}", title(lang, name), text_of(lang, name, v)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn yes_no(lang: Lang, yes: bool) -> &'static str {
    match (lang, yes) {
        (Lang::Zh, true) => "是",
        (Lang::Zh, false) => "否",
        (Lang::En, true) => "Yes",
        (Lang::En, false) => "No",
    }
}

/// A typed code in the words the pages use for it; any other text as it is.
fn code_words(lang: Lang, field: &str, code: &str) -> String {
    fn parsed<T: FromStr>(code: &str, words: impl Fn(T) -> &'static str) -> Option<&'static str> {
        code.parse().ok().map(words)
    }
    let words = match field {
        "status" | "from_status" | "to_status" => parsed(code, |s: Status| text::status(lang, s)),
        "kind" => parsed(code, |k: Kind| text::kind(lang, k)),
        "urgency" => parsed(code, |u: Urgency| text::urgency(lang, u)),
        "channel" => parsed(code, |c: Channel| text::channel(lang, c)),
        // Conversations and announcements both have a state; their codes do not overlap.
        "state" => parsed(code, |s: ConversationState| {
            text::conversation_state(lang, s)
        })
        .or_else(|| {
            parsed(code, |s: AnnouncementState| {
                text::announcement_state(lang, s)
            })
        }),
        "category" => parsed(code, |c: AnnouncementCategory| {
            text::announcement_category(lang, c)
        }),
        _ => None,
    };
    words.map_or_else(|| code.to_owned(), str::to_owned)
}

/// An RFC 3339 time as an Excel date and time on the company's wall clock.
fn time(s: &str) -> Option<f64> {
    let local = DateTime::<FixedOffset>::parse_from_rfc3339(s)
        .ok()?
        .with_timezone(&ZONE);
    let seconds = f64::from(local.second()) + f64::from(local.nanosecond() / 1_000_000) / 1000.0;
    ExcelDateTime::from_ymd(
        u16::try_from(local.year()).ok()?,
        local.month() as u8,
        local.day() as u8,
    )
    .and_then(|d| d.and_hms(local.hour() as u16, local.minute() as u8, seconds))
    .ok()
    .map(|t| t.to_excel())
}

/// An RFC 3339 time as text on the company's wall clock (inside a joined cell).
fn local_time(s: &str) -> Option<String> {
    let at = DateTime::<FixedOffset>::parse_from_rfc3339(s).ok()?;
    Some(
        at.with_timezone(&ZONE)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
    )
}

/// The cells of one item under `columns`.
pub fn row(lang: Lang, columns: &[Column], item: &Value) -> Vec<Cell> {
    columns
        .iter()
        .map(|column| {
            let field = column.rsplit('.').next().unwrap_or(column);
            cell(lang, field, at(item, column))
        })
        .collect()
}

/// A workbook of one sheet being written row by row.
pub struct Sheet {
    book: Workbook,
    lang: Lang,
    next_row: u32,
    time: Format,
    bold: Format,
}

impl Sheet {
    pub fn new(lang: Lang) -> Result<Sheet, XlsxError> {
        let mut book = Workbook::new();
        book.add_worksheet_with_constant_memory()?;
        Ok(Sheet {
            book,
            lang,
            next_row: 0,
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            bold: Format::new().set_bold(),
        })
    }

    fn worksheet(&mut self) -> Result<&mut Worksheet, XlsxError> {
        self.book.worksheet_from_index(0)
    }

    /// The header: the titles of `columns` after the `leading` titles.
    pub fn header(&mut self, leading: &[String], columns: &[Column]) -> Result<(), XlsxError> {
        let lang = self.lang;
        let titles: Vec<String> = leading
            .iter()
            .cloned()
            .chain(columns.iter().map(|c| title(lang, c)))
            .collect();
        let bold = self.bold.clone();
        let row = self.next_row;
        let sheet = self.worksheet()?;
        for (i, t) in titles.iter().enumerate() {
            let column = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
            sheet.write_string_with_format(row, column, t, &bold)?;
            // Wide enough for a Chinese title or a time.
            sheet.set_column_width(column, 18)?;
        }
        self.next_row += 1;
        Ok(())
    }

    /// Rows written so far below the header.
    pub fn rows(&self) -> u32 {
        self.next_row.saturating_sub(1)
    }

    pub fn write(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        let time = self.time.clone();
        let row = self.next_row;
        let sheet = self.worksheet()?;
        for (i, cell) in cells.iter().enumerate() {
            let column = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(row, column, s)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(row, column, *n)?;
                }
                Cell::Time(t) => {
                    sheet.write_number_with_format(row, column, *t, &time)?;
                }
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// The finished workbook in a temporary file that disappears once closed, read from its start.
    pub fn finish(mut self) -> Result<std::fs::File, XlsxError> {
        let mut file = tempfile::tempfile()?;
        self.book.save_to_writer(&mut file)?;
        file.seek(SeekFrom::Start(0))?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_flatten_and_values_are_typed() {
        let items = [
            json!({"number": "GJ-1", "status": "new", "contact": {"name": "王", "phone": "138****0001"},
                   "tags": ["a", "b"], "hotline_order": null, "reported_at": "2026-12-01T02:30:00Z"}),
            json!({"number": "GJ-2", "status": "closed", "contact": {"name": "李", "phone": null},
                   "tags": [], "hotline_order": {"order_no": "GD-1"}, "reported_at": "2026-12-01T16:00:00Z"}),
        ];
        let order: Vec<String> = [
            "number",
            "status",
            "contact",
            "contact.name",
            "contact.phone",
            "tags",
            "hotline_order",
            "reported_at",
        ]
        .map(String::from)
        .to_vec();
        let columns = columns(&items[..1], &order);
        assert_eq!(
            columns,
            [
                "number",
                "status",
                "contact.name",
                "contact.phone",
                "tags",
                "hotline_order",
                "reported_at"
            ]
        );
        assert_eq!(title(Lang::Zh, "contact.phone"), "联系人·电话");
        assert_eq!(title(Lang::En, "status"), "Status");
        let first = row(Lang::Zh, &columns, &items[0]);
        assert_eq!(first[1], Cell::Text("待受理".into()));
        assert_eq!(first[3], Cell::Text("138****0001".into()));
        assert_eq!(first[4], Cell::Text("a、b".into()));
        assert_eq!(first[5], Cell::Empty);
        // 02:30 UTC is 10:30 in Shanghai.
        let morning = ExcelDateTime::from_ymd(2026, 12, 1)
            .unwrap()
            .and_hms(10, 30, 0)
            .unwrap();
        assert_eq!(first[6], Cell::Time(morning.to_excel()));
        let second = row(Lang::En, &columns, &items[1]);
        assert_eq!(second[1], Cell::Text("Closed".into()));
        assert_eq!(second[5], Cell::Text("Order number: GD-1".into()));
        // 16:00 UTC is the next day in Shanghai.
        let midnight = ExcelDateTime::from_ymd(2026, 12, 2)
            .unwrap()
            .and_hms(0, 0, 0)
            .unwrap();
        assert_eq!(second[6], Cell::Time(midnight.to_excel()));
    }
}
