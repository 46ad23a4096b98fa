//! The 12345 platform's spreadsheet: its export read as orders (columns found by their header,
//! in any order, under a title row or not; times as the platform writes them, in the project's
//! time zone), and our replies written back in its columns.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use guanjia_domain::hotline::{HotlineOrderInput, PlatformOrder};
use guanjia_domain::validation::FieldErrorCode;
use guanjia_storage::{HotlineOrderRow, platform_order_of};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::i18n::Lang;
use crate::ui::sheet::Row;

/// The platform's columns this import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    OrderNo,
    ReceivedAt,
    CallerName,
    CallerPhone,
    Content,
    AcceptBy,
    FinishBy,
    Street,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::OrderNo,
        Column::ReceivedAt,
        Column::CallerName,
        Column::CallerPhone,
        Column::Content,
        Column::AcceptBy,
        Column::FinishBy,
        Column::Street,
    ];

    /// The platform's header.
    pub fn header(self) -> &'static str {
        match self {
            Column::OrderNo => "工单编号",
            Column::ReceivedAt => "来电时间",
            Column::CallerName => "诉求人",
            Column::CallerPhone => "联系电话",
            Column::Content => "诉求内容",
            Column::AcceptBy => "签收时限",
            Column::FinishBy => "办理时限",
            Column::Street => "所属街道",
        }
    }

    /// The names the header goes by on different cities' platforms.
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::OrderNo => &["工单编号", "工单号", "编号", "order_no"],
            Column::ReceivedAt => &["来电时间", "受理时间", "登记时间", "received_at"],
            Column::CallerName => &["诉求人", "来电人", "姓名", "caller_name"],
            Column::CallerPhone => &["联系电话", "来电号码", "电话", "caller_phone"],
            Column::Content => &["诉求内容", "工单内容", "内容", "content"],
            Column::AcceptBy => &["签收时限", "签收期限", "accept_by"],
            Column::FinishBy => &["办理时限", "办结时限", "办理期限", "finish_by"],
            Column::Street => &["所属街道", "街道", "street"],
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Column::OrderNo | Column::ReceivedAt | Column::Content | Column::FinishBy
        )
    }

    /// The column of a field the domain names.
    pub fn of_field(field: &str) -> Option<Column> {
        Column::ALL
            .into_iter()
            .find(|c| c.names().last() == Some(&field))
    }
}

/// One problem of the file: its row (None: the file as a whole), column and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u32>,
    pub column: Column,
    pub code: FieldErrorCode,
}

/// An order read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub line: u32,
    pub input: HotlineOrderInput,
}

/// Spaces and case do not matter in a header.
fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each column is: in the first row (of the first ten) naming the order number.
fn header_row(rows: &[Row]) -> Option<(usize, Vec<Option<usize>>)> {
    rows.iter().take(10).enumerate().find_map(|(at, row)| {
        let cells: Vec<String> = row.cells.iter().map(|c| normalize(c)).collect();
        let find = |column: Column| {
            cells
                .iter()
                .position(|cell| column.names().iter().any(|n| normalize(n) == *cell))
        };
        find(Column::OrderNo)?;
        Some((at, Column::ALL.into_iter().map(find).collect()))
    })
}

/// A time as the platform's export writes it: an Excel date number, `2026-12-01 09:30[:00]`,
/// `2026/12/1 9:30`, or RFC 3339; local times are the project's. Given back as RFC 3339 for the
/// domain to check; what cannot be read goes through as written, and the domain refuses it.
fn rfc3339(written: &str, zone: Tz) -> String {
    let written = written.trim();
    if written.is_empty() || DateTime::parse_from_rfc3339(written).is_ok() {
        return written.to_owned();
    }
    let local = written
        .parse::<f64>()
        .ok()
        .filter(|serial| (1.0..100_000.0).contains(serial))
        .and_then(|serial| {
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
            Some(epoch + Duration::milliseconds((serial * 86_400_000.0).round() as i64))
        })
        .or_else(|| {
            [
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%Y/%m/%d %H:%M:%S",
                "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(written, f).ok())
        });
    match local.and_then(|t| zone.from_local_datetime(&t).earliest()) {
        Some(at) => at
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        None => written.to_owned(),
    }
}

/// The orders of the sheet for `project_id`, or every problem of the file's layout (a missing
/// required column). Each row's own rules are the domain's, checked by the caller.
pub fn orders(rows: &[Row], project_id: &str, zone: Tz) -> Result<Vec<OrderRow>, Vec<Problem>> {
    let Some((at, columns)) = header_row(rows) else {
        return Err(vec![Problem {
            line: None,
            column: Column::OrderNo,
            code: FieldErrorCode::Required,
        }]);
    };
    let missing: Vec<Problem> = Column::ALL
        .into_iter()
        .zip(&columns)
        .filter(|(c, found)| c.required() && found.is_none())
        .map(|(column, _)| Problem {
            line: None,
            column,
            code: FieldErrorCode::Required,
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let cell = |row: &Row, column: Column| -> String {
        let index = Column::ALL.iter().position(|c| *c == column);
        index
            .and_then(|i| columns[i])
            .and_then(|i| row.cells.get(i))
            .map_or_else(String::new, String::clone)
    };
    let optional = |value: String| (!value.is_empty()).then_some(value);
    Ok(rows[at + 1..]
        .iter()
        .map(|row| OrderRow {
            line: row.line,
            input: HotlineOrderInput {
                project_id: project_id.to_owned(),
                order_no: cell(row, Column::OrderNo),
                received_at: rfc3339(&cell(row, Column::ReceivedAt), zone),
                caller_name: optional(cell(row, Column::CallerName)),
                caller_phone: optional(cell(row, Column::CallerPhone)),
                content: cell(row, Column::Content),
                accept_by: optional(rfc3339(&cell(row, Column::AcceptBy), zone)),
                finish_by: rfc3339(&cell(row, Column::FinishBy), zone),
                street: optional(cell(row, Column::Street)),
            },
        })
        .collect())
}

/// The export's headers: the platform's columns, then what it asks back.
const EXPORT_HEADERS: [(&str, &str); 13] = [
    ("工单编号", "Order no."),
    ("来电时间", "Received"),
    ("诉求人", "Caller"),
    ("联系电话", "Phone"),
    ("诉求内容", "Request"),
    ("所属街道", "Street"),
    ("签收时限", "Sign for by"),
    ("办理时限", "Answer by"),
    ("办理结果", "Handling result"),
    ("办结时间", "Answered at"),
    ("是否按时办结", "Answered in time"),
    ("工单号", "Ticket no."),
    ("工单状态", "Ticket status"),
];

/// The orders with their replies as an .xlsx in the platform's columns (headers in `lang`;
/// times in `zone`, as the platform shows them).
pub fn export(rows: &[HotlineOrderRow], lang: Lang, zone: Tz) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (i, (zh, en)) in EXPORT_HEADERS.iter().enumerate() {
        let header = if lang == Lang::Zh { zh } else { en };
        sheet.write_string_with_format(0, i as u16, *header, &bold)?;
    }
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&zone)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    for (n, row) in rows.iter().enumerate() {
        let r = n as u32 + 1;
        let platform: Option<PlatformOrder> = platform_order_of(&row.ticket);
        let in_time = platform.as_ref().and_then(|p| {
            let answered = p.answered_at?;
            Some(answered <= p.finish_by)
        });
        let yes_no = |b: bool| match (b, lang) {
            (true, Lang::Zh) => "是",
            (false, Lang::Zh) => "否",
            (true, Lang::En) => "yes",
            (false, Lang::En) => "no",
        };
        let cells: [String; 13] = [
            row.order.order_no.clone(),
            local(row.order.received_at),
            row.ticket.contact_name.clone().unwrap_or_default(),
            row.ticket.contact_phone.clone().unwrap_or_default(),
            row.ticket.description.clone(),
            row.order.street.clone().unwrap_or_default(),
            platform
                .as_ref()
                .and_then(|p| p.accept_by)
                .map(local)
                .unwrap_or_default(),
            platform
                .as_ref()
                .map(|p| local(p.finish_by))
                .unwrap_or_default(),
            row.order.reply.clone().unwrap_or_default(),
            platform
                .as_ref()
                .and_then(|p| p.answered_at)
                .map(local)
                .unwrap_or_default(),
            in_time.map(yes_no).unwrap_or_default().to_owned(),
            row.ticket.number.clone(),
            row.ticket.status.to_string(),
        ];
        for (c, value) in cells.iter().enumerate() {
            sheet.write_string(r, c as u16, value)?;
        }
    }
    sheet.set_column_width(4, 40)?;
    sheet.set_column_width(8, 40)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn row(line: u32, cells: &[&str]) -> Row {
        Row {
            line,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn columns_are_found_by_header_under_a_title_in_any_order() {
        let rows = vec![
            row(1, &["12345热线工单导出"]),
            row(
                2,
                &[
                    "诉求内容",
                    "办理时限",
                    " 工单编号 ",
                    "来电时间",
                    "所属街道",
                    "联系电话",
                ],
            ),
            row(
                3,
                &[
                    "垃圾未清运",
                    "2026-12-04 15:30",
                    "GD1",
                    "46357.5",
                    "翠湖街道",
                    "13800138000",
                ],
            ),
        ];
        let orders = orders(&rows, "p1", Shanghai).unwrap();
        assert_eq!(orders.len(), 1);
        let input = &orders[0].input;
        assert_eq!(input.order_no, "GD1");
        assert_eq!(input.finish_by, "2026-12-04T07:30:00Z");
        // 46357.5 is 2026-12-01 12:00 in Excel's count of days.
        assert_eq!(input.received_at, "2026-12-01T04:00:00Z");
        assert_eq!(input.street.as_deref(), Some("翠湖街道"));
        assert_eq!(input.caller_name, None);
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let rows = vec![row(1, &["工单编号", "诉求内容"])];
        let problems = orders(&rows, "p1", Shanghai).unwrap_err();
        let columns: Vec<Column> = problems.iter().map(|p| p.column).collect();
        assert_eq!(columns, [Column::ReceivedAt, Column::FinishBy]);
        assert_eq!(rfc3339("明天", Shanghai), "明天");
    }
}
