//! 质检: the inspection queue for those who oversee (to score, appeals to decide, scores per
//! person and team by week), a person's own results with the one appeal, and an inspection's
//! page with the ticket (timeline and conversation) beside the score sheet.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::inspection::{
    InspectionState, ItemScoreInput, ScoreInput, check_appeal, check_decision, week_of,
};
use guanjia_storage::{InspectionFilter, InspectionRow, PageRequest, ScoresBy, inspection_facts};
use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::routes::inspections::SheetView;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::ticket;
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// Inspections a queue page lists.
const QUEUE_ROWS: u64 = 100;
/// Weeks the score tables look back.
const SCORE_WEEKS: u64 = 12;

pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

pub struct Row {
    pub id: String,
    pub ticket: String,
    pub person: String,
    pub week: String,
    pub reason: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub score: String,
}

pub struct ScoreLine {
    pub name: String,
    pub week: String,
    pub inspections: u64,
    pub average: String,
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct QueuePage {
    chrome: Chrome,
    t: &'static Labels,
    oversees: bool,
    tabs: Vec<Tab>,
    rows: Vec<Row>,
    total: u64,
    by_staff: Vec<ScoreLine>,
    by_team: Vec<ScoreLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    state: Option<String>,
}

/// `GET /inspection`.
pub async fn queue(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<QueueQuery>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    let oversees = who.role.oversees();
    let chosen: Option<InspectionState> = query.state.as_deref().and_then(|s| s.parse().ok());
    let filter = InspectionFilter {
        state: chosen,
        ..InspectionFilter::default()
    };
    let page = PageRequest {
        page: 1,
        per_page: QUEUE_ROWS,
    };
    let found = state
        .store
        .inspections(who, &filter, page)
        .await
        .map_err(fail)?;
    let t = text::labels(lang);
    let to = Utc::now().date_naive();
    let from = week_of(to - chrono::Days::new(7 * SCORE_WEEKS));
    let scores = |by| state.store.inspection_scores(who, by, from, to, None);
    let lines = |rows: Vec<guanjia_storage::ScoreRow>| -> Vec<ScoreLine> {
        rows.into_iter()
            .map(|r| ScoreLine {
                name: r.name,
                week: r.week.to_string(),
                inspections: r.inspections,
                average: format!("{:.1}", r.average),
            })
            .collect()
    };
    let by_staff = lines(scores(ScoresBy::Staff).await.map_err(fail)?);
    let by_team = if oversees {
        lines(scores(ScoresBy::Team).await.map_err(fail)?)
    } else {
        vec![]
    };
    let tabs = std::iter::once((None, t.any))
        .chain(
            [
                InspectionState::Pending,
                InspectionState::Scored,
                InspectionState::Appealed,
            ]
            .into_iter()
            .map(|s| (Some(s), text::inspection_state(lang, s))),
        )
        .map(|(s, label)| Tab {
            href: s.map_or_else(
                || "/inspection".to_owned(),
                |s| format!("/inspection?state={s}"),
            ),
            label,
            current: s == chosen,
        })
        .collect();
    let title = if oversees {
        t.inspection_title
    } else {
        t.inspection_mine
    };
    let page = QueuePage {
        chrome: Chrome::signed_in(&session, title, Nav::Inspection, "/inspection"),
        t,
        oversees,
        tabs,
        total: found.total,
        rows: found.items.into_iter().map(|r| row(r, lang)).collect(),
        by_staff,
        by_team,
    };
    Ok(Html(page.render()?).into_response())
}

fn row(r: InspectionRow, lang: Lang) -> Row {
    let i = r.inspection;
    Row {
        id: i.id,
        ticket: format!("{} {}", r.ticket_number, r.ticket_title),
        person: r.staff_name,
        week: i.week.to_string(),
        reason: text::sample_reason(lang, i.reason.0),
        state: text::inspection_state(lang, i.state.0),
        state_code: i.state.as_str(),
        score: i.score.map(|s| s.to_string()).unwrap_or_default(),
    }
}

/// An item of the sheet as the scoring form or the result shows it.
pub struct ItemLine {
    pub label: String,
    pub weight: u32,
    pub max_score: u32,
    pub score: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct InspectionPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    ticket_panel: String,
    person: String,
    week: String,
    reason: &'static str,
    state: &'static str,
    state_code: &'static str,
    score: Option<i32>,
    inspector_score: Option<i32>,
    /// The sheet to score on, when the reader may score it now.
    sheet: Option<(String, String)>,
    no_sheet: bool,
    items: Vec<ItemLine>,
    red_lines: Vec<String>,
    comment: String,
    appeal_reason: String,
    decision_comment: String,
    may_appeal: bool,
    may_decide: bool,
    done: Option<&'static str>,
    notice: Option<Notice>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

/// `GET /inspection/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, UiError> {
    let html = render(&state, &rooms, &session, &id, query.done.as_deref(), None).await?;
    Ok(Html(html).into_response())
}

async fn render(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    id: &str,
    done: Option<&str>,
    notice: Option<Notice>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let who = &session.who;
    let t = text::labels(lang);
    let found = state.store.inspection(who, id).await.map_err(fail)?;
    let ticket_panel =
        ticket::panel_html(state, rooms, session, &found.inspection.ticket_id).await?;
    let i = &found.inspection;
    let is_self = i.staff_id == who.id;
    let oversees = who.role.oversees() && !is_self;
    let pending = i.state.0 == InspectionState::Pending;
    // The newest active sheet scores; its items make the form.
    let sheet = if pending && oversees {
        state
            .store
            .inspection_sheets(who)
            .await
            .map_err(fail)?
            .into_iter()
            .find(|s| s.active)
            .map(SheetView::from)
    } else {
        None
    };
    let label = |kind, name: &Option<String>| {
        name.clone()
            .unwrap_or_else(|| text::inspection_item(lang, kind).to_owned())
    };
    let facts = inspection_facts(i);
    let (items, red_lines, comment) = match (&facts, &sheet) {
        (Some(f), _) => (
            f.items
                .iter()
                .map(|item| ItemLine {
                    label: label(item.kind, &item.name),
                    weight: item.weight,
                    max_score: item.max_score,
                    score: item.score.to_string(),
                    note: item.note.clone().unwrap_or_default(),
                })
                .collect(),
            f.red_lines.iter().map(|l| l.name.clone()).collect(),
            f.comment.clone().unwrap_or_default(),
        ),
        (None, Some(s)) => (
            s.items
                .iter()
                .map(|item| ItemLine {
                    label: label(item.kind, &item.name),
                    weight: item.weight,
                    max_score: item.max_score,
                    score: item.max_score.to_string(),
                    note: String::new(),
                })
                .collect(),
            s.red_lines.iter().map(|l| l.name.clone()).collect(),
            String::new(),
        ),
        (None, None) => (vec![], vec![], String::new()),
    };
    let done = match done {
        Some("scored") => Some(t.inspection_scored),
        Some("appealed") => Some(t.inspection_appealed),
        Some("decided") => Some(t.inspection_decided),
        _ => None,
    };
    let path = format!("/inspection/{id}");
    let page = InspectionPage {
        chrome: Chrome::signed_in(session, t.inspection_title, Nav::Inspection, &path),
        t,
        id: i.id.clone(),
        ticket_panel,
        person: found.staff_name.clone(),
        week: i.week.to_string(),
        reason: text::sample_reason(lang, i.reason.0),
        state: text::inspection_state(lang, i.state.0),
        state_code: i.state.as_str(),
        score: i.score,
        inspector_score: i.inspector_score.filter(|s| Some(*s) != i.score),
        no_sheet: pending && oversees && sheet.is_none(),
        sheet: sheet.map(|s| (s.id, s.name)),
        items,
        red_lines,
        comment,
        appeal_reason: i.appeal_reason.clone().unwrap_or_default(),
        decision_comment: i.decision_comment.clone().unwrap_or_default(),
        may_appeal: is_self && i.state.0 == InspectionState::Scored,
        may_decide: oversees && i.state.0 == InspectionState::Appealed,
        done,
        notice,
    };
    Ok(page.render()?)
}

/// Runs one change of an inspection and goes back to its page with what happened; a refused
/// form is shown on the page with its problems.
async fn change(
    state: &AppState,
    rooms: &RoomBook,
    session: &Session,
    id: &str,
    done: &str,
    outcome: Result<(), ApiError>,
) -> Result<Response, UiError> {
    match outcome {
        Ok(()) => Ok(see_other(false, &format!("/inspection/{id}?done={done}"))),
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            let notice = Some(Notice::of(&error, session.lang));
            let html = render(state, rooms, session, id, None, notice).await?;
            Ok((error.code.status(), Html(html)).into_response())
        }
        Err(error) => Err(UiError::api(error, session.lang)),
    }
}

/// `POST /inspection/{id}/score`: `sheet_id`, a `score` and a `note` per item in the sheet's
/// order, the `red_line` places hit, `comment`.
pub async fn score(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let outcome = async {
        let (sheet_id, input) = posted_scores(pairs)?;
        state
            .store
            .score_inspection(&session.who, &id, &sheet_id, input, Utc::now())
            .await?;
        Ok(())
    }
    .await;
    change(&state, &rooms, &session, &id, "scored", outcome).await
}

/// The scoring form's fields; a score that is not a whole number is refused by its item.
fn posted_scores(pairs: Vec<(String, String)>) -> Result<(String, ScoreInput), ApiError> {
    let mut sheet_id = String::new();
    let mut items: Vec<ItemScoreInput> = vec![];
    let mut red_lines = vec![];
    let mut comment = None;
    let mut problems = guanjia_domain::validation::Problems::new();
    for (key, value) in pairs {
        match key.as_str() {
            "sheet_id" => sheet_id = value,
            "score" => {
                let score = value.trim().parse().unwrap_or_else(|_| {
                    problems.add(
                        format!("items[{}].score", items.len()),
                        guanjia_domain::validation::FieldErrorCode::Invalid,
                    );
                    0
                });
                items.push(ItemScoreInput { score, note: None });
            }
            "note" => {
                if let Some(last) = items.last_mut() {
                    last.note = Some(value);
                }
            }
            "red_line" => {
                if let Ok(place) = value.parse() {
                    red_lines.push(place);
                }
            }
            "comment" => comment = Some(value),
            _ => {}
        }
    }
    let input = ScoreInput {
        items,
        red_lines,
        comment,
    };
    Ok(problems.into_result((sheet_id, input))?)
}

#[derive(Debug, Deserialize)]
pub struct AppealForm {
    reason: String,
}

/// `POST /inspection/{id}/appeal`.
pub async fn appeal(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<AppealForm>,
) -> Result<Response, UiError> {
    let outcome = async {
        let reason = check_appeal(&form.reason)?;
        state
            .store
            .appeal_inspection(&session.who, &id, reason, Utc::now())
            .await?;
        Ok(())
    }
    .await;
    change(&state, &rooms, &session, &id, "appealed", outcome).await
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    /// "upheld" or "overturned".
    decision: String,
    #[serde(default)]
    score: String,
    comment: String,
}

/// `POST /inspection/{id}/decision`.
pub async fn decide(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, UiError> {
    let outcome = async {
        let upheld = form.decision != "overturned";
        let score = match form.score.trim() {
            "" => None,
            given => Some(given.parse::<u32>().map_err(|_| {
                guanjia_domain::validation::ValidationError::single(
                    "score",
                    guanjia_domain::validation::FieldErrorCode::Invalid,
                )
            })?),
        };
        // A score typed while upholding is not asked for: left out rather than refused.
        let score = if upheld { None } else { score };
        let (score, comment) = check_decision(upheld, score, &form.comment)?;
        state
            .store
            .decide_inspection(&session.who, &id, score, comment, Utc::now())
            .await?;
        Ok(())
    }
    .await;
    change(&state, &rooms, &session, &id, "decided", outcome).await
}
