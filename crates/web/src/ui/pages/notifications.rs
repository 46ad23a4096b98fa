//! 通知: the bell on every staff page. Its count is polled every 20 s (one indexed count); opening
//! it lists the latest notifications in the reader's language; opening one marks it read and goes
//! to its ticket; one button marks them all read. `/notifications` is the same list as a page,
//! for browsers without scripts.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::role::Role;
use guanjia_storage::PageRequest;

use crate::routes::notifications::message;
use crate::state::AppState;
use crate::ui::chrome::{BellCount, Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::redirect::{is_htmx, see_other};
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time;

/// The latest this many; older ones are rarely what anyone is looking for.
const LATEST: PageRequest = PageRequest {
    page: 1,
    per_page: 20,
};

pub struct Item {
    pub id: String,
    pub message: String,
    pub created: String,
    pub unread: bool,
}

/// The list, as the bell's panel and the page show it.
#[derive(Template)]
#[template(path = "notification_list.html")]
pub struct NotificationList {
    pub t: &'static Labels,
    pub csrf: String,
    pub items: Vec<Item>,
    pub unread: u64,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    list: NotificationList,
}

impl NotificationList {
    async fn load(state: &AppState, session: &Session) -> Result<Self, UiError> {
        let lang = session.lang;
        let page = state
            .store
            .notifications(&session.who, false, LATEST)
            .await
            .map_err(|e| UiError::api(e, lang))?;
        // Notifications are the company's, not a project's: shown in the company's home zone.
        let zone = chrono_tz::Asia::Shanghai;
        let items = page
            .items
            .into_iter()
            .map(|n| Item {
                message: message(&n, lang),
                created: time::short(n.created_at, zone),
                unread: n.read_at.is_none(),
                id: n.id,
            })
            .collect();
        Ok(NotificationList {
            t: text::labels(lang),
            csrf: session.csrf.clone(),
            items,
            unread: session.unread.all,
        })
    }
}

/// `GET /notifications`: the page, or only the list for the bell's panel.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    let list = NotificationList::load(&state, &session).await?;
    if is_htmx(&headers) {
        return Ok(Html(list.render()?).into_response());
    }
    let chrome = Chrome::signed_in(
        &session,
        text::labels(session.lang).notifications,
        Nav::None,
        "/notifications",
    );
    Ok(Html(NotificationsPage { chrome, list }.render()?).into_response())
}

/// `GET /notifications/count`: the bell's count alone, for its polling.
pub async fn count(session: Session) -> Result<Response, UiError> {
    Ok(Html(BellCount::of(&session).render()?).into_response())
}

/// `POST /notifications/{id}/open`: marks it read and goes to its ticket (a technician's job page).
pub async fn open(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let n = state
        .store
        .mark_notification_read(&session.who, &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    let place = match (n.ticket_id, session.who.role) {
        (Some(ticket), Role::Technician) => format!("/jobs/{ticket}"),
        (Some(ticket), _) => format!("/tickets/{ticket}"),
        (None, _) => "/notifications".to_owned(),
    };
    Ok(see_other(is_htmx(&headers), &place))
}

/// `POST /notifications/read-all`: the list again, all read, and the count told to follow.
pub async fn read_all(
    State(state): State<AppState>,
    mut session: Session,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    state
        .store
        .mark_all_notifications_read(&session.who, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    if !is_htmx(&headers) {
        return Ok(see_other(false, "/notifications"));
    }
    session.unread = Default::default();
    let list = NotificationList::load(&state, &session).await?;
    Ok(([("hx-trigger", "bell-changed")], Html(list.render()?)).into_response())
}
