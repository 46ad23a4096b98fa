//! 物业公告: the resident's notice board. Opening a notice marks it read; a critical one asks for
//! 已知晓, which the resident gives with one tap.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::announcement::AnnouncementCategory;
use guanjia_storage::{MyNotice, PageRequest};

use super::ResidentSession;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::redirect::see_other;
use crate::ui::text::{self, Labels};
use crate::ui::time;

/// The newest notices; older ones stay readable through the API's pages.
const NEWEST: PageRequest = PageRequest {
    page: 1,
    per_page: 50,
};

pub struct Row {
    pub id: String,
    pub title: String,
    pub category: &'static str,
    pub sent: String,
    pub unread: bool,
    /// Critical and not acknowledged yet.
    pub owes_ack: bool,
}

#[derive(Template)]
#[template(path = "h5_notices.html")]
struct ListPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "h5_notice.html")]
struct NoticePage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    title: String,
    category: &'static str,
    sent: String,
    body: String,
    requires_ack: bool,
    acknowledged: bool,
}

fn sent(n: &MyNotice) -> String {
    n.announcement
        .sent_at
        .map(|at| time::short(at, chrono_tz::Asia::Shanghai))
        .unwrap_or_default()
}

fn category(n: &MyNotice, lang: crate::i18n::Lang) -> &'static str {
    text::announcement_category(
        lang,
        n.announcement
            .category
            .parse()
            .unwrap_or(AnnouncementCategory::Other),
    )
}

/// `GET /h5/notices`.
pub async fn list(
    State(state): State<AppState>,
    session: ResidentSession,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let page = state
        .store
        .my_notices(session.who(), NEWEST)
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let rows = page
        .items
        .iter()
        .map(|n| Row {
            id: n.announcement.id.clone(),
            title: n.announcement.title.clone(),
            category: category(n, lang),
            sent: sent(n),
            unread: n.read_at.is_none(),
            owes_ack: n.announcement.requires_ack && n.acknowledged_at.is_none(),
        })
        .collect();
    let t = text::labels(lang);
    let chrome = session.chrome(t.h5_notices_title, Nav::Notices, "/h5/notices");
    Ok(Html(ListPage { chrome, t, rows }.render()?).into_response())
}

/// `GET /h5/notices/{id}`: opening it marks it read.
pub async fn page(
    State(state): State<AppState>,
    session: ResidentSession,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let n = state
        .store
        .open_notice(session.who(), &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let t = text::labels(lang);
    let path = format!("/h5/notices/{id}");
    let chrome = session.chrome(&n.announcement.title, Nav::Notices, &path);
    Ok(Html(
        NoticePage {
            chrome,
            t,
            category: category(&n, lang),
            sent: sent(&n),
            requires_ack: n.announcement.requires_ack,
            acknowledged: n.acknowledged_at.is_some(),
            id: n.announcement.id,
            title: n.announcement.title,
            body: n.announcement.body,
        }
        .render()?,
    )
    .into_response())
}

/// `POST /h5/notices/{id}/acknowledge`: 已知晓, then back to the notice.
pub async fn acknowledge(
    State(state): State<AppState>,
    session: ResidentSession,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    state
        .store
        .acknowledge_notice(session.who(), &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    Ok(see_other(false, &format!("/h5/notices/{id}")))
}
