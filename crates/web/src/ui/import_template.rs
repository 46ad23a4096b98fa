//! The .xlsx template admins fill in: the columns the import reads, in the user's language, with
//! drop-down lists for the choices and text cells for numbers that are not quantities (a phone
//! or a room number typed as a number loses nothing, but Excel would show 1.38E+10).

use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

use super::place_rows::Column;
use crate::i18n::Lang;

/// Rows the drop-down lists cover.
const ROWS: u32 = 5_000;

pub fn workbook(lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if lang == Lang::Zh {
        "房屋与住户"
    } else {
        "Rooms and residents"
    })?;
    let bold = Format::new().set_bold().set_background_color("#E8F0FA");
    let text = Format::new().set_num_format("@");
    for (i, column) in Column::ALL.into_iter().enumerate() {
        let i = i as u16;
        let (zh, en) = column.header();
        sheet.write_string_with_format(0, i, if lang == Lang::Zh { zh } else { en }, &bold)?;
        sheet.set_column_width(
            i,
            if matches!(column, Column::Kind | Column::Role | Column::Tier) {
                26
            } else {
                14
            },
        )?;
        if matches!(column, Column::Unit | Column::Number | Column::Phone) {
            sheet.set_column_format(i, &text)?;
        }
        let choices: Vec<&str> = column.choices(lang).collect();
        if !choices.is_empty() {
            let list = DataValidation::new().allow_list_strings(&choices)?;
            sheet.add_data_validation(1, i, ROWS, i, &list)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::{place_rows, sheet};

    #[test]
    fn the_template_reads_back_as_an_empty_import() {
        for lang in [Lang::Zh, Lang::En] {
            let bytes = workbook(lang).unwrap();
            let rows = sheet::read(&bytes).unwrap();
            assert_eq!(rows.len(), 1, "the header alone");
            assert_eq!(place_rows::check(&rows), Ok(vec![]));
        }
    }
}

/// The files the browser tests upload, made here so that they are real Excel files and stay in
/// step with the columns. `GUANJIA_WRITE_FIXTURES=1 cargo test -p guanjia-web --lib fixtures`
/// writes them again; otherwise the test checks the ones in `e2e/fixtures/`.
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::ui::place_rows::{Fault, check};
    use crate::ui::sheet;

    const GOOD: &[[&str; 9]] = &[
        [
            "99栋",
            "1单元",
            "0101",
            "住宅",
            "88.5",
            "测试业主",
            "13700000001",
            "业主",
            "基础",
        ],
        [
            "99栋",
            "1单元",
            "0102",
            "住宅",
            "90",
            "测试租户",
            "13700000002",
            "租户",
            "尊享",
        ],
        ["99栋", "", "车位-001", "车位", "", "", "", "", ""],
    ];
    const BAD: &[[&str; 9]] = &[
        [
            "99栋", "1单元", "0103", "别墅", "", "张三", "12345", "业主", "",
        ],
        ["", "1单元", "0104", "住宅", "", "", "", "", ""],
    ];

    fn file(rows: &[[&str; 9]]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (i, column) in Column::ALL.into_iter().enumerate() {
            sheet.write_string(0, i as u16, column.header().0).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, *cell).unwrap();
            }
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn the_browser_tests_files() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/fixtures");
        let (good, bad) = (
            folder.join("rooms-good.xlsx"),
            folder.join("rooms-bad.xlsx"),
        );
        if std::env::var_os("GUANJIA_WRITE_FIXTURES").is_some() {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&good, file(GOOD)).unwrap();
            std::fs::write(&bad, file(BAD)).unwrap();
        }
        let read = |path: &std::path::Path| {
            check(
                &sheet::read(&std::fs::read(path).expect("run with GUANJIA_WRITE_FIXTURES=1"))
                    .unwrap(),
            )
        };
        assert_eq!(read(&good).unwrap().len(), GOOD.len());
        let faults: Vec<(Option<u32>, Fault)> = read(&bad)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.line, p.fault))
            .collect();
        assert_eq!(faults.len(), 3, "{faults:?}");
        assert!(faults.contains(&(Some(2), Fault::NotAChoice)));
    }
}
