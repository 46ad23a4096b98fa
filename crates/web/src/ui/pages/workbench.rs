//! 客服工作台: the queue of tickets the staff member sees, newest first, with filters and
//! search; htmx swaps only the list when a filter changes.

use askama::Template;
use axum::Extension;
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::http::header::VARY;
use axum::response::{Html, IntoResponse, Response};
use guanjia_domain::role::Role;
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::Status;

use crate::state::AppState;
use crate::ui::choice::{Select, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::queue::{ALL, COUNTED, OPEN, Queue, QueueQuery};
use crate::ui::redirect::{is_htmx, see_other};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text;

const PER_PAGE: u64 = 30;

#[derive(Template)]
#[template(path = "workbench.html")]
struct Workbench {
    chrome: Chrome,
    selects: Vec<Select>,
    /// The dashboard's drill-down, kept as hidden fields while other filters change.
    drill: Vec<(&'static str, String)>,
    q: String,
    /// 我的 is ticked.
    mine: bool,
    queue: Queue,
    /// A new admin's company has no project yet: the page says what to set up first.
    setup_first: bool,
}

/// `GET /`: the whole page, or only the list when htmx asks for it.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<QueueQuery>,
) -> Result<Response, UiError> {
    // A technician's day is their jobs, where signing in (and the brand link) brings them.
    if session.who.role == Role::Technician {
        return Ok(see_other(is_htmx(&headers), "/jobs"));
    }
    let dir = Directory::load(&state, &session, &rooms).await?;
    let queue = Queue::load(&state, &session, &dir, &query, PER_PAGE).await?;
    let vary = [(VARY, "HX-Request, HX-Target")];
    if headers
        .get("hx-target")
        .is_some_and(|target| target == queue.id)
    {
        return Ok((vary, Html(queue.render()?)).into_response());
    }
    let lang = session.lang;
    let t = text::labels(lang);
    let status = query
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(OPEN);
    let setup_first = session.who.role.administers() && dir.projects.is_empty();
    let page = Workbench {
        setup_first,
        chrome: Chrome::signed_in(
            &session,
            t.nav_workbench,
            Nav::Workbench,
            uri.path_and_query().map_or("/", |p| p.as_str()),
        ),
        selects: vec![
            Select {
                name: "status",
                label: t.status,
                options: choices(
                    Some(status),
                    [(OPEN, t.open_only), (ALL, t.any), (COUNTED, t.counted)]
                        .into_iter()
                        .chain(
                            Status::ALL
                                .iter()
                                .map(|s| (s.as_str(), text::status(lang, *s))),
                        ),
                ),
            },
            Select {
                name: "kind",
                label: t.kind,
                options: choices(
                    query.kind.as_deref(),
                    [("", t.any)]
                        .into_iter()
                        .chain(Kind::ALL.iter().map(|k| (k.as_str(), text::kind(lang, *k)))),
                ),
            },
            Select {
                name: "urgency",
                label: t.urgency,
                options: choices(
                    query.urgency.as_deref(),
                    [("", t.any)].into_iter().chain(
                        Urgency::ALL
                            .iter()
                            .map(|u| (u.as_str(), text::urgency(lang, *u))),
                    ),
                ),
            },
            Select {
                name: "channel",
                label: t.channel,
                options: choices(
                    query.channel.as_deref(),
                    [("", t.any)].into_iter().chain(
                        Channel::ALL
                            .iter()
                            .map(|c| (c.as_str(), text::channel(lang, *c))),
                    ),
                ),
            },
            Select {
                name: "sla_state",
                label: t.sla,
                options: choices(
                    query.sla_state.as_deref(),
                    [
                        ("", t.any),
                        ("warning", t.sla_warning),
                        ("breached", t.sla_breached),
                    ],
                ),
            },
        ],
        q: query.q.clone().unwrap_or_default(),
        mine: query.mine(),
        drill: query.drill(),
        queue,
    };
    Ok((vary, Html(page.render()?)).into_response())
}
