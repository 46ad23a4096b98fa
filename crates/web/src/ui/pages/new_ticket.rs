//! 来电登记: a ticket from a phone call in a few keystrokes. The number pops up the caller
//! (来电弹屏); the description is all that must be typed, the rest is read from it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::{ContactInput, TicketInput};
use guanjia_storage::Understanding;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::caller::CallerCard;
use crate::ui::choice::{Choice, Select, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::{Notice, UiError};
use crate::ui::redirect::{is_htmx, see_other};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// The form as posted; also what the page shows again when something was wrong.
#[derive(Debug, Default, Deserialize)]
pub struct CallForm {
    #[serde(default)]
    phone: String,
    resident_id: Option<String>,
    project_id: Option<String>,
    contact_name: Option<String>,
    #[serde(default)]
    description: String,
    kind: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
}

/// Empty inputs are fields not given.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[derive(Template)]
#[template(path = "new_ticket.html")]
struct NewTicketPage {
    chrome: Chrome,
    t: &'static Labels,
    phone: String,
    description: String,
    projects: Vec<Choice>,
    /// Kind, category and urgency: read from the text unless chosen.
    optional: Vec<Select>,
    caller: CallerCard,
    notice: Option<Notice>,
}

impl NewTicketPage {
    async fn new(
        state: &AppState,
        session: &Session,
        dir: &Directory,
        form: CallForm,
        notice: Option<Notice>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let mut caller = CallerCard::look_up(
            state,
            session,
            dir,
            &form.phone,
            form.resident_id.as_deref(),
        )
        .await?;
        caller.contact_name = form.contact_name.clone().unwrap_or_default();
        let project =
            given(&form.project_id).or_else(|| dir.projects.first().map(|p| p.id.clone()));
        let detect = ("", t.auto_detect);
        Ok(NewTicketPage {
            chrome: Chrome::signed_in(session, t.new_ticket_title, Nav::NewTicket, "/tickets/new"),
            t,
            projects: if caller.projects.is_empty() {
                choices(
                    project.as_deref(),
                    dir.projects
                        .iter()
                        .map(|p| (p.id.as_str(), p.name.as_str())),
                )
            } else {
                std::mem::take(&mut caller.projects)
            },
            optional: vec![
                Select {
                    name: "kind",
                    label: t.kind,
                    options: choices(
                        form.kind.as_deref(),
                        [detect]
                            .into_iter()
                            .chain(Kind::ALL.iter().map(|k| (k.as_str(), text::kind(lang, *k)))),
                    ),
                },
                Select {
                    name: "category",
                    label: t.category,
                    options: choices(
                        form.category.as_deref(),
                        [detect].into_iter().chain(
                            dir.categories
                                .iter()
                                .map(|c| (c.code.as_str(), c.label.as_str())),
                        ),
                    ),
                },
                Select {
                    name: "urgency",
                    label: t.urgency,
                    options: choices(
                        form.urgency.as_deref(),
                        [detect].into_iter().chain(
                            Urgency::ALL
                                .iter()
                                .map(|u| (u.as_str(), text::urgency(lang, *u))),
                        ),
                    ),
                },
            ],
            phone: form.phone,
            description: form.description,
            caller,
            notice,
        })
    }
}

#[derive(Deserialize)]
pub struct Prefill {
    /// A telephony system may open the page with the caller's number.
    phone: Option<String>,
}

/// `GET /tickets/new[?phone=…]`.
pub async fn form(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Query(prefill): Query<Prefill>,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state, &session, &rooms).await?;
    let form = CallForm {
        phone: prefill.phone.unwrap_or_default(),
        ..CallForm::default()
    };
    let page = NewTicketPage::new(&state, &session, &dir, form, None).await?;
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct Typed {
    #[serde(default)]
    phone: String,
}

/// `GET /tickets/new/caller?phone=…`: the caller card, as the agent types (htmx).
pub async fn caller(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Query(typed): Query<Typed>,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state, &session, &rooms).await?;
    let mut card = CallerCard::look_up(&state, &session, &dir, &typed.phone, None).await?;
    card.oob = true;
    Ok(Html(card.render()?).into_response())
}

/// `POST /tickets/new`: opens the ticket and goes to it.
pub async fn create(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CallForm>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let opened = match ticket_input(&state, &session, &form).await {
        Ok(input) => state
            .store
            .open_ticket(&session.who, input, Utc::now(), Understanding::FromText)
            .await
            .map(|opened| opened.ticket)
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match opened {
        Ok(ticket) => Ok(see_other(
            is_htmx(&headers),
            &format!("/tickets/{}", ticket.id),
        )),
        Err(error) => {
            let dir = Directory::load(&state, &session, &rooms).await?;
            let status = error.code.status();
            let page =
                NewTicketPage::new(&state, &session, &dir, form, Some(Notice::of(&error, lang)))
                    .await?;
            Ok((status, Html(page.render()?)).into_response())
        }
    }
}

/// The API's ticket input from the form: a chosen resident brings their room and project; an
/// unregistered caller is kept as a contact with the number typed.
async fn ticket_input(
    state: &AppState,
    session: &Session,
    form: &CallForm,
) -> Result<TicketInput, ApiError> {
    let mut input = TicketInput {
        project_id: given(&form.project_id).unwrap_or_default(),
        channel: Channel::Phone.as_str().to_owned(),
        description: form.description.trim().to_owned(),
        kind: given(&form.kind),
        category: given(&form.category),
        urgency: given(&form.urgency),
        ..TicketInput::default()
    };
    match given(&form.resident_id) {
        Some(resident_id) => {
            let resident = state.store.resident(&session.who, &resident_id).await?;
            input.project_id = resident.project_id;
            input.room_id = Some(resident.room_id);
            input.resident_id = Some(resident.id);
        }
        None => {
            input.contact = Some(ContactInput {
                name: given(&form.contact_name),
                phone: given(&Some(form.phone.clone())),
            });
        }
    }
    Ok(input)
}
