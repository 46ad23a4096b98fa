//! 我要报事: a resident reports a problem from the phone: which of their rooms, what it is (or
//! leave that to be read from the text), the description and photos from the camera. The ticket
//! is opened exactly as the API opens one; the photos are checked before anything is kept.

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::taxonomy::{Channel, Kind};
use guanjia_domain::ticket::TicketInput;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::Understanding;

use super::{Mine, ResidentSession};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::Nav;
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::photo_form::{self, Posted};
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::text::{self, Labels};

/// The categories of one kind, for an `<optgroup>`.
pub struct Group {
    pub label: &'static str,
    pub options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "h5_report.html")]
struct ReportPage {
    chrome: crate::ui::chrome::Chrome,
    t: &'static Labels,
    homes: Vec<Choice>,
    kinds: Vec<Choice>,
    categories: Vec<Group>,
    description: String,
    /// The photo field's whole hint: how many, which formats, how large.
    photo_limits: String,
    notice: Option<Notice>,
}

/// What the form had, to show again when something was wrong (photos must be chosen again).
#[derive(Default)]
struct Kept {
    home: Option<String>,
    kind: Option<String>,
    category: Option<String>,
    description: String,
}

impl ReportPage {
    async fn new(
        state: &AppState,
        session: &ResidentSession,
        mine: &Mine,
        kept: Kept,
        notice: Option<Notice>,
    ) -> Result<Self, UiError> {
        let lang = session.0.lang;
        let t = text::labels(lang);
        let all = state
            .store
            .categories(&session.who().company_id)
            .await
            .map_err(|e| UiError::api(e, lang))?;
        let home = kept
            .home
            .as_deref()
            .or_else(|| (mine.homes.len() == 1).then(|| mine.homes[0].resident_id.as_str()));
        let auto = ("", t.auto_detect);
        let categories = Kind::ALL
            .iter()
            .map(|&kind| {
                let of_kind = all.iter().filter(|c| c.active && c.kind == kind.as_str());
                let labelled: Vec<(&str, &str)> = of_kind
                    .map(|c| {
                        (
                            c.code.as_str(),
                            if lang == Lang::Zh {
                                c.label_zh.as_str()
                            } else {
                                c.label_en.as_str()
                            },
                        )
                    })
                    .collect();
                Group {
                    label: text::kind(lang, kind),
                    options: choices(kept.category.as_deref(), labelled),
                }
            })
            .filter(|group| !group.options.is_empty())
            .collect();
        Ok(ReportPage {
            chrome: mine.brand(session.chrome(t.h5_report_title, Nav::Report, "/h5/report")),
            t,
            homes: choices(
                home,
                [("", t.h5_choose_room)].into_iter().chain(
                    mine.homes
                        .iter()
                        .map(|h| (h.resident_id.as_str(), h.label.as_str())),
                ),
            ),
            kinds: choices(
                kept.kind.as_deref(),
                [auto]
                    .into_iter()
                    .chain(Kind::ALL.iter().map(|k| (k.as_str(), text::kind(lang, *k)))),
            ),
            categories,
            description: kept.description,
            photo_limits: photo_form::limits(lang),
            notice,
        })
    }
}

/// `GET /h5/report`.
pub async fn form(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
) -> Result<Response, UiError> {
    let mine = Mine::load(&state, &rooms, &session).await?;
    let page = ReportPage::new(&state, &session, &mine, Kept::default(), None).await?;
    Ok(Html(page.render()?).into_response())
}

/// `POST /h5/report`: opens the request with its photos and goes to it.
pub async fn submit(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    form: Multipart,
) -> Result<Response, UiError> {
    let mine = Mine::load(&state, &rooms, &session).await?;
    let mut kept = Kept::default();
    let opened = async {
        let mut posted = Posted::read(form).await?;
        kept = Kept {
            home: posted.given("home"),
            kind: posted.given("kind"),
            category: posted.given("category"),
            description: posted.given("description").unwrap_or_default(),
        };
        let input = ticket_input(&mine, &posted)?;
        let photos = posted.checked_photos().await?;
        let now = Utc::now();
        let ticket = state
            .store
            .open_ticket(session.who(), input, now, Understanding::FromText)
            .await?
            .ticket;
        for photo in photos {
            state
                .store
                .add_checked_photo(session.who(), &ticket.id, photo, now)
                .await?;
        }
        Ok::<_, ApiError>(ticket)
    }
    .await;
    match opened {
        Ok(ticket) => Ok(see_other(false, &format!("/h5/requests/{}", ticket.id))),
        Err(error) => {
            let status = error.code.status();
            let page = ReportPage::new(
                &state,
                &session,
                &mine,
                kept,
                Some(Notice::of(&error, session.0.lang)),
            )
            .await?;
            Ok((status, Html(page.render()?)).into_response())
        }
    }
}

/// The API's ticket input: the room chosen among the resident's own, the rest as typed.
fn ticket_input(mine: &Mine, posted: &Posted) -> Result<TicketInput, ApiError> {
    let home = match posted.given("home") {
        Some(id) => mine
            .homes
            .iter()
            .find(|h| h.resident_id == id)
            .ok_or_else(|| ValidationError::single("room_id", FieldErrorCode::UnknownReference))?,
        None if mine.homes.len() == 1 => &mine.homes[0],
        None => return Err(ValidationError::single("room_id", FieldErrorCode::Required).into()),
    };
    Ok(TicketInput {
        project_id: home.project_id.clone(),
        channel: Channel::App.as_str().to_owned(),
        description: posted.given("description").unwrap_or_default(),
        kind: posted.given("kind"),
        category: posted.given("category"),
        room_id: Some(home.room_id.clone()),
        resident_id: Some(home.resident_id.clone()),
        ..TicketInput::default()
    })
}
