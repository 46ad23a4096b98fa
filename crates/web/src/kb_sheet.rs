//! Knowledge-base articles to and from .xlsx: an import reads the columns by their header (标题 or
//! 问题, 内容 or 答案, 分类, 适用项目, and 其他问法, 标签 when present) in any order; the export
//! writes the same headers, so an exported file imports again.

use guanjia_domain::validation::FieldErrorCode;
use guanjia_kb::Draft;
use guanjia_storage::KbArticle;
use guanjia_storage::entity::{category, project};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::ui::sheet::Row;

/// The columns of an article sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Title,
    Body,
    Category,
    Projects,
    Questions,
    Tags,
}

impl Column {
    pub const ALL: [Column; 6] = [
        Column::Title,
        Column::Body,
        Column::Category,
        Column::Projects,
        Column::Questions,
        Column::Tags,
    ];

    /// The header the export writes.
    pub fn header(self) -> &'static str {
        self.names()[0]
    }

    /// The headers an import knows it by.
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Title => &["标题", "问题", "title"],
            Column::Body => &["内容", "答案", "body"],
            Column::Category => &["分类", "category"],
            Column::Projects => &["适用项目", "项目", "projects"],
            Column::Questions => &["其他问法", "相似问题", "questions"],
            Column::Tags => &["标签", "tags"],
        }
    }

    /// The field of the API input it fills.
    pub fn field(self) -> &'static str {
        match self {
            Column::Title => "title",
            Column::Body => "body",
            Column::Category => "category",
            Column::Projects => "project_ids",
            Column::Questions => "questions",
            Column::Tags => "tags",
        }
    }

    /// The column a field of the API input comes from (`questions[2]` from 其他问法).
    pub fn of_field(field: &str) -> Option<Column> {
        let name = field.split('[').next().unwrap_or(field);
        Column::ALL.into_iter().find(|c| c.field() == name)
    }
}

/// One problem of the file: its row (None: the file as a whole), column and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u32>,
    pub column: Column,
    pub code: FieldErrorCode,
}

/// An article read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRow {
    pub line: u32,
    pub draft: Draft,
}

fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Several values in one cell, separated as people separate them.
fn several(cell: &str) -> Vec<String> {
    cell.split([',', '，', '、', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The articles of the sheet, with the projects named by code or name and categories by code or
/// Chinese label; or every problem of the file, by row and column. Each draft's own rules are
/// checked here too, so the caller stores only what can be stored.
pub fn articles(
    rows: &[Row],
    projects: &[project::Model],
    categories: &[category::Model],
) -> Result<Vec<ArticleRow>, Vec<Problem>> {
    let header = rows.iter().take(10).enumerate().find_map(|(at, row)| {
        let cells: Vec<String> = row.cells.iter().map(|c| normalize(c)).collect();
        let find = |column: Column| {
            cells
                .iter()
                .position(|cell| column.names().iter().any(|n| normalize(n) == *cell))
        };
        find(Column::Title)?;
        Some((at, Column::ALL.map(find)))
    });
    let Some((at, columns)) = header else {
        return Err(vec![Problem {
            line: None,
            column: Column::Title,
            code: FieldErrorCode::Required,
        }]);
    };
    if columns[1].is_none() {
        return Err(vec![Problem {
            line: None,
            column: Column::Body,
            code: FieldErrorCode::Required,
        }]);
    }
    let mut problems = vec![];
    let mut found = vec![];
    for row in &rows[at + 1..] {
        let cell = |column: Column| -> &str {
            let i = Column::ALL.iter().position(|c| *c == column).unwrap_or(0);
            columns[i]
                .and_then(|i| row.cells.get(i))
                .map_or("", String::as_str)
        };
        let mut problem = |column: Column, code| {
            problems.push(Problem {
                line: Some(row.line),
                column,
                code,
            })
        };
        let category = match cell(Column::Category).trim() {
            "" => None,
            written => {
                let known = categories
                    .iter()
                    .find(|c| c.code == written || c.label_zh == written);
                if known.is_none() {
                    problem(Column::Category, FieldErrorCode::UnknownReference);
                }
                known.map(|c| c.code.clone())
            }
        };
        let mut project_ids = vec![];
        for named in several(cell(Column::Projects)) {
            match projects.iter().find(|p| p.code == named || p.name == named) {
                Some(p) => project_ids.push(p.id.clone()),
                None => problem(Column::Projects, FieldErrorCode::UnknownReference),
            }
        }
        let draft = Draft {
            title: cell(Column::Title).to_owned(),
            body: cell(Column::Body).to_owned(),
            category,
            questions: cell(Column::Questions).lines().map(str::to_owned).collect(),
            tags: several(cell(Column::Tags)),
            project_ids,
        }
        .tidy();
        if let Err(e) = draft.problems().into_result(()) {
            for error in e.0 {
                if let Some(column) = Column::of_field(&error.field) {
                    problem(column, error.code);
                }
            }
        }
        found.push(ArticleRow {
            line: row.line,
            draft,
        });
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The articles as an .xlsx in the import's columns, the projects by code.
pub fn export(articles: &[KbArticle], projects: &[project::Model]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (i, column) in Column::ALL.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, column.header(), &bold)?;
    }
    let strings = |value: &serde_json::Value| -> Vec<String> {
        serde_json::from_value(value.clone()).unwrap_or_default()
    };
    for (n, found) in articles.iter().enumerate() {
        let v = &found.version;
        let codes: Vec<String> = strings(&v.project_ids)
            .iter()
            .filter_map(|id| projects.iter().find(|p| &p.id == id))
            .map(|p| p.code.clone())
            .collect();
        let cells = [
            v.title.clone(),
            v.body.clone(),
            v.category.clone().unwrap_or_default(),
            codes.join("、"),
            strings(&v.questions).join("\n"),
            strings(&v.tags).join("、"),
        ];
        for (i, text) in cells.iter().enumerate() {
            sheet.write_string(n as u32 + 1, i as u16, text)?;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u32, cells: &[&str]) -> Row {
        Row {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn project(id: &str, code: &str, name: &str) -> project::Model {
        project::Model {
            company_id: "c".into(),
            id: id.into(),
            code: code.into(),
            name: name.into(),
            kind: "residential".into(),
            time_zone: "Asia/Shanghai".into(),
            address: None,
            calendar_id: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn columns_by_header_projects_by_code_or_name_and_problems_by_row() {
        let projects = [project("p1", "hy", "华苑"), project("p2", "jy", "锦园")];
        let rows = [
            row(1, &["适用项目", "问题", "答案"]),
            row(2, &["hy、锦园", "物业费怎么交", "在服务中心交。"]),
            row(3, &["", "办公时间", "每天8:30至17:30。"]),
        ];
        let found = articles(&rows, &projects, &[]).unwrap();
        assert_eq!(found[0].draft.project_ids, ["p1", "p2"]);
        assert_eq!(found[1].draft.title, "办公时间");
        assert!(found[1].draft.project_ids.is_empty());
        let bad = [
            row(1, &["标题", "内容", "适用项目", "分类"]),
            row(2, &["", "答案", "无此项目", "无此分类"]),
        ];
        let problems = articles(&bad, &projects, &[]).unwrap_err();
        let at: Vec<(Option<u32>, Column)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(
            at,
            [
                (Some(2), Column::Category),
                (Some(2), Column::Projects),
                (Some(2), Column::Title)
            ]
        );
        let headless = [row(1, &["说明"]), row(2, &["x"])];
        assert_eq!(
            articles(&headless, &projects, &[]).unwrap_err()[0].column,
            Column::Title
        );
    }
}
