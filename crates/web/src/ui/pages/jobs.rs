//! 我的工单: a technician's jobs on a phone in a stairwell: those dispatched to them and those in
//! progress, the most pressing deadline first; each opens the ticket's panel framed as a job, with
//! its actions as big buttons.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::taxonomy::Urgency;
use guanjia_domain::ticket::Status;
use guanjia_storage::{PageRequest, TicketFilter};

use crate::state::AppState;
use crate::ui::action_form::ActionForm;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::pages::job_work;
use crate::ui::pages::ticket::{self, ActionPost, View};
use crate::ui::queue::TicketRow;
use crate::ui::redirect::{is_htmx, see_other};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::sla_badge::Badge;
use crate::ui::text;

/// More than anyone carries at once; the list is not paged.
const MOST: PageRequest = PageRequest {
    page: 1,
    per_page: 200,
};

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    chrome: Chrome,
    jobs: Vec<TicketRow>,
}

/// `GET /jobs`.
pub async fn list(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let filter = TicketFilter {
        statuses: [Status::Dispatched, Status::InProgress]
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        assignee_id: Some(session.who.id.clone()),
        ..TicketFilter::default()
    };
    let (dir, page, sla) = tokio::try_join!(
        Directory::load(&state, &session, &rooms),
        async {
            state
                .store
                .tickets(&session.who, filter, MOST)
                .await
                .map_err(|e| UiError::api(e, lang))
        },
        async {
            state
                .store
                .sla_context(&session.who.company_id)
                .await
                .map_err(|e| UiError::api(e, lang))
        },
    )?;
    let now = Utc::now();
    let mut jobs: Vec<TicketRow> = page
        .items
        .into_iter()
        .map(|t| TicketRow::new(t, &sla, &dir, lang, now))
        .collect();
    // New jobs (dispatched, not yet accepted) on top, for the technician to take them; then the
    // deadline that presses most, then the more urgent; a job without an open clock last.
    let urgency = |code: &str| {
        Urgency::ALL
            .iter()
            .position(|u| u.as_str() == code)
            .unwrap_or(usize::MAX)
    };
    let pressure = |job: &TicketRow| job.badge.as_ref().map(Badge::pressure);
    let new = |job: &TicketRow| job.status_code == Status::Dispatched.as_str();
    jobs.sort_by_cached_key(|job| {
        (
            !new(job),
            pressure(job).is_none(),
            pressure(job),
            urgency(&job.urgency_code),
        )
    });
    let chrome = Chrome::signed_in(&session, text::labels(lang).jobs_title, Nav::Jobs, "/jobs");
    Ok(Html(JobsPage { chrome, jobs }.render()?).into_response())
}

/// `GET /jobs/{id}`: the ticket framed as a job, with its photos and finish form below.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    job_work::page(&state, &rooms, &session, &id).await
}

/// `POST /jobs/{id}/actions`: the ticket's own actions, answered with the job page.
pub async fn act(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, UiError> {
    if is_htmx(&headers) {
        return ticket::act_in(
            &state,
            &rooms,
            View::Job,
            ActionPost {
                session,
                htmx: true,
                id,
                form,
            },
        )
        .await;
    }
    // Without scripts the whole job page comes back, with the refusal above its work section.
    match ticket::apply(&state, &session, &id, &form).await {
        Ok(()) => Ok(see_other(false, &format!("/jobs/{id}"))),
        Err(error) => job_work::refused(&state, &rooms, &session, &id, error).await,
    }
}
