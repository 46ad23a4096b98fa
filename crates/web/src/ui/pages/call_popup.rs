//! 来电弹屏 on the workbench: while a call rings or is on at the agent's extension, the caller's
//! page pops up without a reload (htmx asks every two seconds: one indexed read while nothing
//! rings): who it is (a registered resident's name, home and household; otherwise the number,
//! masked) and their recent tickets, with the link that opens a ticket for them.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::calls::CallState;
use guanjia_domain::phone::mask_phone;

use crate::state::AppState;
use crate::ui::caller::{CallerCard, Lookup};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// The call on now, as the pop-up shows it.
pub struct OnCall {
    /// Masked.
    pub number: String,
    pub answered: bool,
    /// The new-ticket page with the caller filled in.
    pub new_ticket: String,
    /// A registered resident has the number.
    pub known: bool,
    pub card: CallerCard,
}

#[derive(Template)]
#[template(path = "call_popup.html")]
pub struct CallPopup {
    pub t: &'static Labels,
    pub call: Option<OnCall>,
}

impl CallPopup {
    /// Nothing on yet: the empty place the workbench polls from.
    pub fn waiting(session: &Session) -> Self {
        CallPopup {
            t: text::labels(session.lang),
            call: None,
        }
    }
}

/// `GET /calls/popup`: the pop-up of the agent's call on now, or its empty place.
pub async fn popup(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let call = state
        .store
        .current_call(&session.who, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let Some(call) = call else {
        return Ok(Html(CallPopup::waiting(&session).render()?).into_response());
    };
    let dir = Directory::load(&state, &session, &rooms).await?;
    let card = CallerCard::look_up(&state, &session, &dir, &call.caller_phone, None).await?;
    let on = OnCall {
        number: mask_phone(&call.caller_phone),
        answered: call.state == CallState::Answered.as_str(),
        new_ticket: format!("/tickets/new?phone={}", call.caller_phone),
        known: card.lookup == Lookup::Known,
        card,
    };
    let popup = CallPopup {
        t: text::labels(lang),
        call: Some(on),
    };
    Ok(Html(popup.render()?).into_response())
}
