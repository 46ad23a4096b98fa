//! 预警看板: the supervisors' view of what is about to be late and what already is, from the same
//! list component as the workbench; it refreshes itself every minute.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::queue::{ALL, Queue, QueueQuery};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text;

/// Rows per list; the link under each opens the whole list on the workbench.
const SHOWN: u64 = 50;

#[derive(Template)]
#[template(path = "board.html")]
struct Board {
    chrome: Chrome,
    warnings: Queue,
    breaches: Queue,
}

/// `GET /board`.
pub async fn page(State(state): State<AppState>, Extension(rooms): Extension<RoomBook>, session: Session) -> Result<Response, UiError> {
    let dir = Directory::load(&state, &session, &rooms).await?;
    let t = text::labels(session.lang);
    let list = |sla_state: &str| QueueQuery { status: Some(ALL.to_owned()), sla_state: Some(sla_state.to_owned()), ..QueueQuery::default() };
    let (warning, breached) = (list("warning"), list("breached"));
    let (mut warnings, mut breaches) =
        tokio::try_join!(Queue::load(&state, &session, &dir, &warning, SHOWN), Queue::load(&state, &session, &dir, &breached, SHOWN))?;
    for (queue, query, id, caption) in [(&mut warnings, &warning, "warnings", t.board_warnings), (&mut breaches, &breached, "breaches", t.board_breaches)] {
        queue.id = id;
        queue.caption = caption.to_owned();
        queue.more = queue.pages.take().filter(|p| p.last > 1).map(|_| query.url(1));
    }
    let chrome = Chrome::signed_in(&session, t.board_title, Nav::Board, "/board");
    Ok(Html(Board { chrome, warnings, breaches }.render()?).into_response())
}
