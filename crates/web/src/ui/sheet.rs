//! Reading the first worksheet of an uploaded .xlsx as rows of text, the way a person reads it:
//! numbers without a trailing ".0", blank rows left out, each row with its number in the file.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

/// Rows read at most: a project's rooms fit well within, and a hostile file stops here.
pub const MAX_ROWS: u32 = 20_000;
/// Columns read at most; anything to the right is ignored.
const MAX_COLUMNS: u32 = 64;

/// Why a file cannot be read as a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetError {
    /// Not a zip archive at all (an .xls, a CSV, a picture): .xlsx files start with "PK".
    NotXlsx,
    /// A zip, but not a workbook we can read (damaged, encrypted, another kind of document).
    Unreadable,
    Empty,
    TooManyRows,
}

/// A non-blank row: its number as the spreadsheet shows it (from 1) and its cells' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<String>,
}

/// Whether `bytes` start like a zip archive, as every .xlsx does.
pub fn looks_like_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The non-blank rows of the workbook's first sheet.
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, SheetError> {
    if !looks_like_xlsx(bytes) {
        return Err(SheetError::NotXlsx);
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(SheetError::Empty)?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| SheetError::Unreadable)?;
    let mut rows: Vec<Row> = vec![];
    while let Some(cell) = cells.next_cell().map_err(|_| SheetError::Unreadable)? {
        let (row, column) = cell.get_position();
        let value = text(cell.get_value());
        if column >= MAX_COLUMNS || value.is_empty() {
            continue;
        }
        if row >= MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        let line = row + 1;
        if rows.last().is_none_or(|last| last.line != line) {
            rows.push(Row {
                line,
                cells: vec![],
            });
        }
        let cells = &mut rows.last_mut().expect("pushed above").cells;
        let column = column as usize;
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = value;
    }
    if rows.is_empty() {
        Err(SheetError::Empty)
    } else {
        Ok(rows)
    }
}

/// A cell as text. Whole numbers lose their ".0" (a phone or room number typed as a number).
fn text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            s.trim().to_owned()
        }
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    #[test]
    fn rows_as_a_person_reads_them() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, " 楼栋 ").unwrap();
        sheet.write_string(0, 2, "房号").unwrap();
        // Row 2 left blank: skipped, and row numbers stay those of the file.
        sheet.write_number(2, 0, 3.0).unwrap();
        sheet.write_number(2, 1, 13812345678.0).unwrap();
        sheet.write_number(2, 2, 89.5).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read(&bytes).unwrap();
        assert_eq!(
            rows[0],
            Row {
                line: 1,
                cells: vec!["楼栋".into(), String::new(), "房号".into()]
            }
        );
        assert_eq!(
            rows[1],
            Row {
                line: 3,
                cells: vec!["3".into(), "13812345678".into(), "89.5".into()]
            }
        );
    }

    #[test]
    fn other_files_are_told_apart() {
        assert_eq!(read(b"building,room\n3,1502\n"), Err(SheetError::NotXlsx));
        assert_eq!(
            read(b"\xd0\xcf\x11\xe0 an old .xls"),
            Err(SheetError::NotXlsx)
        );
        assert_eq!(
            read(b"PK\x03\x04 but not really a zip"),
            Err(SheetError::Unreadable)
        );
        let empty = Workbook::new().save_to_buffer().unwrap();
        assert_eq!(read(&empty), Err(SheetError::Empty));
    }
}
