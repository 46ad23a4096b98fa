//! 12345工单: the desk imports the platform's spreadsheet export (checked first, every problem
//! by row and column), exports the replies in the platform's columns, and sees how many orders
//! were answered in time. The orders themselves are tickets on the `hotline_12345` channel.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, Utc};
use guanjia_storage::entity::project;
use guanjia_storage::{HotlineOrderFilter, PageRequest};

use crate::routes::hotline::{HotlineImportResult, ImportRefusal, import};
use crate::state::AppState;
use crate::ui::choice::{Select, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::session::Session;
use crate::ui::sheet::SheetError;
use crate::ui::text::{self, Labels};

const PROJECTS: PageRequest = PageRequest {
    page: 1,
    per_page: 1000,
};

/// What an upload came to.
enum Outcome {
    /// The file as a whole cannot be used.
    File(&'static str),
    /// Each problem: row (empty for the header row), column, why.
    Problems(Vec<(String, String, String)>),
    Done(HotlineImportResult),
}

#[derive(Template)]
#[template(path = "hotline.html")]
struct HotlinePage {
    chrome: Chrome,
    t: &'static Labels,
    project: Select,
    outcome: Option<Outcome>,
    /// 按时办结率 in percent, with the orders it counts.
    on_time: Option<String>,
    waiting: u64,
}

async fn page(
    state: &AppState,
    session: &Session,
    chosen: Option<&str>,
    outcome: Option<Outcome>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let t = text::labels(lang);
    let projects: Vec<project::Model> = state
        .store
        .projects(&session.who, PROJECTS)
        .await
        .map_err(fail)?
        .items;
    let now = Utc::now();
    let period = HotlineOrderFilter {
        from: Some(now - Duration::days(30)),
        to: Some(now),
        ..HotlineOrderFilter::default()
    };
    let figures = state
        .store
        .hotline_figures(&session.who, &period, now)
        .await
        .map_err(fail)?;
    let page = HotlinePage {
        chrome: Chrome::signed_in(session, t.nav_hotline, Nav::Hotline, "/hotline"),
        t,
        project: Select {
            name: "project_id",
            label: t.project,
            options: choices(
                chosen,
                projects.iter().map(|p| (p.id.as_str(), p.name.as_str())),
            ),
        },
        outcome,
        on_time: figures.on_time_rate.map(|r| {
            format!(
                "{:.0}% ({}/{})",
                r * 100.0,
                figures.answered_in_time,
                figures.answered_in_time + figures.answered_late + figures.overdue
            )
        }),
        waiting: figures.orders - figures.answered,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /hotline`.
pub async fn form(State(state): State<AppState>, session: Session) -> Result<Response, UiError> {
    page(&state, &session, None, None).await
}

/// `POST /hotline/import`: checks the file, and takes its orders in when asked and all is well.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    mut form: Multipart,
) -> Result<Response, UiError> {
    let t = text::labels(session.lang);
    let (mut project_id, mut dry_run, mut file) = (String::new(), true, None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                let outcome = Some(Outcome::File(t.too_large));
                return page(&state, &session, None, outcome).await;
            }
        };
        match field.name().unwrap_or_default() {
            "project_id" => project_id = field.text().await.unwrap_or_default(),
            "mode" => dry_run = field.text().await.is_ok_and(|mode| mode != "import"),
            "file" => file = field.bytes().await.ok().filter(|b| !b.is_empty()),
            _ => {}
        }
    }
    let outcome = match file {
        None => Outcome::File(t.no_file),
        Some(bytes) => match import(&state, &session.who, &project_id, &bytes, dry_run)
            .await
            .map_err(|e| UiError::api(e, session.lang))?
        {
            Ok(done) => Outcome::Done(done),
            Err(ImportRefusal::File(e)) => Outcome::File(match e {
                SheetError::NotXlsx => t.not_xlsx,
                SheetError::Unreadable => t.unreadable,
                SheetError::Empty => t.empty_file,
                SheetError::TooManyRows => t.too_many_rows,
            }),
            Err(ImportRefusal::Problems(problems)) => Outcome::Problems(
                problems
                    .into_iter()
                    .map(|p| {
                        let why = p
                            .code
                            .parse()
                            .map(|code| crate::words::field_error(session.lang, code))
                            .unwrap_or_default();
                        let row = p
                            .row
                            .map_or_else(|| t.header_row.to_owned(), |r| r.to_string());
                        (row, p.column, why.to_owned())
                    })
                    .collect(),
            ),
        },
    };
    page(&state, &session, Some(&project_id), Some(outcome)).await
}
