//! 导入房屋与住户: admins upload the spreadsheet they already keep; every row is checked and
//! every problem listed with its row and column; only a file without problems is imported, in
//! one transaction. "Check" runs the same import without keeping it, so it shows exactly what
//! importing will create and skip.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_storage::entity::project;
use guanjia_storage::{ImportReport, PageRequest, PlaceRow, ResidentRow};

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::{Select, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::import_template;
use crate::ui::place_rows::{self, Column, Problem};
use crate::ui::redirect::is_htmx;
use crate::ui::session::Session;
use crate::ui::sheet::{self, SheetError};
use crate::ui::text::{self, Labels};

const PROJECTS: PageRequest = PageRequest {
    page: 1,
    per_page: 1000,
};
/// Rows shown under a check or an import; the counts cover them all.
const PREVIEW: usize = 50;

/// A problem as the report shows it.
pub struct ProblemLine {
    pub row: String,
    pub column: &'static str,
    pub message: String,
}

/// A row of the preview.
pub struct PreviewRow {
    pub line: u32,
    pub cells: Vec<String>,
}

pub enum Outcome {
    /// The file as a whole cannot be used.
    File(&'static str),
    Problems(Vec<ProblemLine>),
    /// Checked (`done` false) or imported.
    Report {
        report: ImportReport,
        done: bool,
        rows: Vec<PreviewRow>,
        more: usize,
    },
    Nothing,
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ImportResult {
    t: &'static Labels,
    outcome: Outcome,
    headers: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    project: Select,
    result: Option<ImportResult>,
}

/// `GET /admin/import`.
pub async fn form(State(state): State<AppState>, session: Session) -> Result<Response, UiError> {
    let projects = projects_of_admin(&state, &session).await?;
    Ok(Html(page(&session, &projects, None, None).render()?).into_response())
}

/// `GET /admin/import/template`: the .xlsx to fill in, with the headers in the user's language.
pub async fn template(session: Session) -> Result<Response, UiError> {
    admin_only(&session)?;
    let bytes = import_template::workbook(session.lang).map_err(|e| {
        tracing::error!(error = %e, "import template");
        UiError::api(ApiError::new(ErrorCode::Internal), session.lang)
    })?;
    let disposition = "attachment; filename=\"guanjia-rooms-residents.xlsx\"";
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// What the form sent.
#[derive(Default)]
struct Upload {
    project_id: String,
    import: bool,
    file: Option<axum::body::Bytes>,
}

/// The upload is over the body limit (the only way reading a multipart form fails here).
struct TooLarge;

async fn read_upload(mut form: Multipart) -> Result<Upload, TooLarge> {
    let mut upload = Upload::default();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(upload),
            Err(_) => return Err(TooLarge),
        };
        match field.name().unwrap_or_default() {
            "project_id" => upload.project_id = field.text().await.unwrap_or_default(),
            "mode" => upload.import = field.text().await.is_ok_and(|mode| mode == "import"),
            "file" => {
                upload.file =
                    Some(field.bytes().await.map_err(|_| TooLarge)?).filter(|b| !b.is_empty())
            }
            _ => {}
        }
    }
}

/// `POST /admin/import`: checks the file, and imports it when asked and all is well. htmx gets
/// the report alone (the chosen file stays in the form, ready to import after a check).
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Response, UiError> {
    let projects = projects_of_admin(&state, &session).await?;
    let t = text::labels(session.lang);
    let upload = read_upload(form).await;
    let chosen = upload
        .as_ref()
        .map(|u| u.project_id.clone())
        .unwrap_or_default();
    let outcome = match upload {
        Err(TooLarge) => Outcome::File(t.too_large),
        Ok(Upload { file: None, .. }) => Outcome::File(t.no_file),
        Ok(Upload {
            project_id,
            import,
            file: Some(bytes),
        }) => run(&state, &session, &project_id, import, bytes).await?,
    };
    let result = ImportResult {
        t,
        outcome,
        headers: Column::ALL
            .iter()
            .map(|c| column_label(session.lang, *c))
            .collect(),
    };
    if is_htmx(&headers) {
        return Ok(Html(result.render()?).into_response());
    }
    Ok(Html(page(&session, &projects, Some(&chosen), Some(result)).render()?).into_response())
}

async fn run(
    state: &AppState,
    session: &Session,
    project_id: &str,
    import: bool,
    bytes: axum::body::Bytes,
) -> Result<Outcome, UiError> {
    let lang = session.lang;
    let t = text::labels(lang);
    // Unzipping and parsing is CPU work: off the threads that serve requests.
    let parsed = tokio::task::spawn_blocking(move || {
        sheet::read(&bytes).map(|rows| place_rows::check(&rows))
    })
    .await;
    let checked = match parsed {
        Ok(Ok(checked)) => checked,
        Ok(Err(error)) => {
            return Ok(Outcome::File(match error {
                SheetError::NotXlsx => t.not_xlsx,
                SheetError::Unreadable => t.unreadable,
                SheetError::Empty => t.empty_file,
                SheetError::TooManyRows => t.too_many_rows,
            }));
        }
        Err(_) => return Err(UiError::api(ApiError::new(ErrorCode::Internal), lang)),
    };
    let rows = match checked {
        Err(problems) => {
            return Ok(Outcome::Problems(
                problems.iter().map(|p| problem_line(lang, p)).collect(),
            ));
        }
        Ok(rows) if rows.is_empty() => return Ok(Outcome::Nothing),
        Ok(rows) => rows,
    };
    let report = state
        .store
        .import_places(&session.who, project_id, &rows, !import, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    if !report.conflicts.is_empty() {
        let problems = report.conflicts.iter().map(|c| Problem {
            line: Some(c.line),
            column: Column::Phone,
            fault: place_rows::Fault::PhoneTaken {
                registered_name: c.registered_name.clone(),
            },
        });
        return Ok(Outcome::Problems(
            problems.map(|p| problem_line(lang, &p)).collect(),
        ));
    }
    let more = rows.len().saturating_sub(PREVIEW);
    let preview = rows
        .iter()
        .take(PREVIEW)
        .map(|row| preview_row(lang, row))
        .collect();
    Ok(Outcome::Report {
        done: report.committed,
        report,
        rows: preview,
        more,
    })
}

fn problem_line(lang: Lang, p: &Problem) -> ProblemLine {
    let t = text::labels(lang);
    ProblemLine {
        row: p
            .line
            .map_or_else(|| t.header_row.to_owned(), |line| line.to_string()),
        column: column_label(lang, p.column),
        message: text::import_fault(lang, p.column, &p.fault, p.line.is_none()),
    }
}

fn column_label(lang: Lang, column: Column) -> &'static str {
    let (zh, en) = column.header();
    let label = if lang == Lang::Zh { zh } else { en };
    // The short name, without the choices in brackets.
    label.split([' ', '(']).next().unwrap_or(label)
}

fn preview_row(lang: Lang, row: &PlaceRow) -> PreviewRow {
    let room = &row.room;
    let person =
        |read: fn(&ResidentRow) -> String| row.resident.as_ref().map(read).unwrap_or_default();
    let labelled = |column: Column, code: &str| column.label(lang, code).to_owned();
    PreviewRow {
        line: row.line,
        cells: vec![
            row.building.clone(),
            room.unit.clone(),
            room.number.clone(),
            labelled(Column::Kind, room.kind.as_str()),
            room.area_m2.map(|a| a.to_string()).unwrap_or_default(),
            person(|p| p.name.clone()),
            person(|p| p.phone.clone()),
            row.resident
                .as_ref()
                .map(|p| labelled(Column::Role, p.role.as_str()))
                .unwrap_or_default(),
            row.resident
                .as_ref()
                .map(|p| labelled(Column::Tier, p.tier.as_str()))
                .unwrap_or_default(),
        ],
    }
}

/// Only admins import; the store says so too, but the page should not even offer the form.
fn admin_only(session: &Session) -> Result<(), UiError> {
    if session.who.role.administers() {
        Ok(())
    } else {
        Err(UiError::api(
            ApiError::new(ErrorCode::Forbidden),
            session.lang,
        ))
    }
}

async fn projects_of_admin(
    state: &AppState,
    session: &Session,
) -> Result<Vec<project::Model>, UiError> {
    admin_only(session)?;
    Ok(state
        .store
        .projects(&session.who, PROJECTS)
        .await
        .map_err(|e| UiError::api(e, session.lang))?
        .items)
}

fn page(
    session: &Session,
    projects: &[project::Model],
    chosen: Option<&str>,
    result: Option<ImportResult>,
) -> ImportPage {
    let t = text::labels(session.lang);
    let project = Select {
        name: "project_id",
        label: t.project,
        options: choices(
            chosen,
            projects.iter().map(|p| (p.id.as_str(), p.name.as_str())),
        ),
    };
    ImportPage {
        chrome: Chrome::signed_in(session, t.import_title, Nav::Import, "/admin/import"),
        project,
        result,
    }
}
