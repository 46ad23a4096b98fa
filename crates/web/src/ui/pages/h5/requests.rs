//! 我的报事: a resident's requests, newest first, and each one's progress: the timeline entries
//! meant for residents, the photos, a paid service's bill to confirm, and the rating once the
//! work is done. The store decides what they may see and do; these pages only show it.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::role::Role;
use guanjia_domain::ticket::{Action, ActionName, Status};
use guanjia_storage::entity::{category, ticket, ticket_event};
use guanjia_storage::{PageRequest, TicketFilter, allowed_actions};
use serde::Deserialize;

use super::{Mine, ResidentSession};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::bill::Bill;
use crate::ui::pages::feedback::{RatingForm, Scale, rating_scales};
use crate::ui::pages::photo_form::{MAX_PER_FORM, add_posted_photos};
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::text::{self, Labels};
use crate::ui::time;
use crate::ui::timeline;

/// More than a household reports in years; the list is not paged.
const MOST: PageRequest = PageRequest { page: 1, per_page: 100 };

/// A request in the list.
pub struct Row {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status_code: String,
    pub status: &'static str,
    /// "报修 · 给排水".
    pub what: String,
    pub room: Option<String>,
    pub reported: String,
    /// Done and waiting for the resident's rating.
    pub to_rate: bool,
}

#[derive(Template)]
#[template(path = "h5_requests.html")]
struct ListPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<Row>,
}

/// "报修 · 给排水": the kind, and the category in the page's language.
fn what(t: &ticket::Model, categories: &[category::Model], lang: Lang) -> String {
    let kind = t.kind.parse().map_or("", |k| text::kind(lang, k));
    let category = t.category.as_deref().and_then(|code| categories.iter().find(|c| c.code == code));
    match category {
        Some(c) => format!("{kind} · {}", if lang == Lang::Zh { &c.label_zh } else { &c.label_en }),
        None => kind.to_owned(),
    }
}

fn status(t: &ticket::Model, lang: Lang) -> &'static str {
    t.status.parse().map_or("", |s| text::status(lang, s))
}

/// `GET /h5`.
pub async fn list(State(state): State<AppState>, Extension(rooms): Extension<RoomBook>, session: ResidentSession) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let who = session.who();
    let fail = |e| UiError::api(e, lang);
    let (mine, page, categories) = tokio::try_join!(
        Mine::load(&state, &rooms, &session),
        async { state.store.tickets(who, TicketFilter::default(), MOST).await.map_err(fail) },
        async { state.store.categories(&who.company_id).await.map_err(fail) },
    )?;
    let rows = page
        .items
        .into_iter()
        .map(|t| Row {
            to_rate: allowed_actions(who, &t).contains(&ActionName::FollowUp),
            status: status(&t, lang),
            what: what(&t, &categories, lang),
            room: mine.room(t.room_id.as_deref()),
            reported: time::short(t.reported_at, mine.zone(&t.project_id)),
            id: t.id,
            number: t.number,
            title: t.title,
            status_code: t.status,
        })
        .collect();
    let t = text::labels(lang);
    let chrome = session.chrome(t.h5_requests_title, Nav::MyRequests, "/h5");
    Ok(Html(ListPage { chrome, t, rows }.render()?).into_response())
}

/// A step of the progress, as the resident reads it.
pub struct Step {
    pub when: String,
    pub what: &'static str,
    pub transition: Option<String>,
    pub text: Option<String>,
    /// Who did it: "我", or the staff member's role.
    pub by: &'static str,
    pub photo_id: Option<String>,
}

pub struct Photo {
    pub id: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "h5_request.html")]
struct RequestPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    number: String,
    title: String,
    description: String,
    status_code: String,
    status: &'static str,
    what: String,
    room: Option<String>,
    reported: String,
    satisfaction: Option<i32>,
    photos: Vec<Photo>,
    steps: Vec<Step>,
    bill: Option<Bill>,
    /// The rating's rows when the resident may rate now.
    scales: Vec<Scale>,
    confirm_charges: bool,
    add_photos: bool,
    max_photos: usize,
    notice: Option<Notice>,
}

fn step(e: &ticket_event::Model, me: &str, lang: Lang, zone: chrono_tz::Tz) -> Step {
    let t = text::labels(lang);
    let transition = match timeline::statuses(e, lang) {
        (Some(from), Some(to)) if from != to => Some(format!("{from} → {to}")),
        (None, Some(to)) => Some(to.to_owned()),
        _ => None,
    };
    let by = match e.actor_role.parse::<Role>() {
        _ if e.actor_id.as_deref() == Some(me) => t.h5_me,
        Ok(role) => text::role(lang, role),
        Err(_) => t.system,
    };
    Step {
        when: time::full(e.created_at, zone),
        what: text::event(lang, &e.action),
        transition,
        text: timeline::said(e),
        by,
        photo_id: (e.action == "photo").then(|| timeline::detail(e, "photo_id").map(str::to_owned)).flatten(),
    }
}

/// The page of one request, with a refusal on it when a form on it was refused.
async fn show(state: &AppState, rooms: &RoomBook, session: &ResidentSession, id: &str, notice: Option<Notice>, code: StatusCode) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let who = session.who();
    let fail = |e| UiError::api(e, lang);
    // The store answers 404 for a request of another household, before anything else is read.
    let t = state.store.ticket(who, id).await.map_err(fail)?;
    let (mine, events, photos, charges, categories) = tokio::try_join!(
        Mine::load(state, rooms, session),
        async { state.store.ticket_events(who, id).await.map_err(fail) },
        async { state.store.photos(who, id).await.map_err(fail) },
        async { state.store.charges(who, id).await.map_err(fail) },
        async { state.store.categories(&who.company_id).await.map_err(fail) },
    )?;
    let labels = text::labels(lang);
    let zone = mine.zone(&t.project_id);
    let allowed = allowed_actions(who, &t);
    let open = t.status.parse::<Status>().is_ok_and(|s| !s.is_final());
    let page = RequestPage {
        chrome: session.chrome(&t.number, Nav::MyRequests, &format!("/h5/requests/{id}")),
        t: labels,
        status: status(&t, lang),
        what: what(&t, &categories, lang),
        room: mine.room(t.room_id.as_deref()),
        reported: time::full(t.reported_at, zone),
        satisfaction: t.satisfaction,
        photos: photos.iter().map(|p| Photo { id: p.id.clone(), when: time::full(p.created_at, zone) }).collect(),
        steps: events.iter().map(|e| step(e, &who.id, lang, zone)).collect(),
        scales: if allowed.contains(&ActionName::FollowUp) { rating_scales(labels) } else { vec![] },
        confirm_charges: allowed.contains(&ActionName::ConfirmCharges) && t.charge_status.as_deref() == Some("pending"),
        add_photos: open,
        max_photos: MAX_PER_FORM,
        notice,
        bill: Bill::of(charges, t.charge_status.as_deref(), lang),
        id: t.id,
        number: t.number,
        title: t.title,
        description: t.description,
        status_code: t.status,
    };
    Ok((code, Html(page.render()?)).into_response())
}

/// `GET /h5/requests/{id}`.
pub async fn page(State(state): State<AppState>, Extension(rooms): Extension<RoomBook>, session: ResidentSession, Path(id): Path<String>) -> Result<Response, UiError> {
    show(&state, &rooms, &session, &id, None, StatusCode::OK).await
}

/// After a form on the request: back to it when it worked, else the page with the refusal.
async fn answer(state: &AppState, rooms: &RoomBook, session: &ResidentSession, id: &str, outcome: Result<(), ApiError>) -> Result<Response, UiError> {
    match outcome {
        Ok(()) => Ok(see_other(false, &format!("/h5/requests/{id}"))),
        Err(error) => show(state, rooms, session, id, Some(Notice::of(&error, session.0.lang)), error.code.status()).await,
    }
}

/// `POST /h5/requests/{id}/rate`: the resident's rating, as the follow-up that closes the request
/// (or reopens it for rectification when they are not satisfied).
pub async fn rate(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<RatingForm>,
) -> Result<Response, UiError> {
    let outcome = async {
        let action = form.rating()?.into_action();
        state.store.act_on_ticket(session.who(), &id, action, Utc::now()).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    answer(&state, &rooms, &session, &id, outcome).await
}

#[derive(Deserialize)]
pub struct ChargesForm {
    #[serde(default)]
    accepted: String,
    note: Option<String>,
}

/// `POST /h5/requests/{id}/charges`: the resident confirms a paid service's bill, or disputes it.
pub async fn charges(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<ChargesForm>,
) -> Result<Response, UiError> {
    let action = Action::ConfirmCharges { accepted: form.accepted == "true", note: form.note.filter(|n| !n.trim().is_empty()) };
    let outcome = async {
        action.validate()?;
        state.store.act_on_ticket(session.who(), &id, action, Utc::now()).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    answer(&state, &rooms, &session, &id, outcome).await
}

/// `POST /h5/requests/{id}/photos`: more photos of the problem.
pub async fn add_photos(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Response, UiError> {
    let outcome = add_posted_photos(&state, session.who(), &id, form).await;
    answer(&state, &rooms, &session, &id, outcome).await
}
