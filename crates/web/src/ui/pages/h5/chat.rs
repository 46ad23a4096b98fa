//! 在线咨询 (`/h5/chat`): a resident writes to the property office and reads the answers, in the
//! same conversation the agents' inbox shows (channel `app`). New answers appear by themselves.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::taxonomy::Channel;
use guanjia_storage::ConversationFilter;
use serde::Deserialize;

use super::{Mine, ResidentSession};
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::text::{self, Labels};
use crate::ui::time;

struct Line {
    mine: bool,
    who: &'static str,
    text: String,
    at: String,
}

#[derive(Template)]
#[template(path = "h5_chat.html")]
struct ChatPage {
    chrome: Chrome,
    t: &'static Labels,
    lines: Vec<Line>,
}

/// `GET /h5/chat`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
) -> Result<Response, UiError> {
    let lang = session.0.lang;
    let t = text::labels(lang);
    let fail = |e| UiError::api(e, lang);
    let who = session.who();
    let mine = Mine::load(&state, &rooms, &session).await?;
    let filter = ConversationFilter {
        channel: Some(Channel::App),
        ..ConversationFilter::default()
    };
    let found = state
        .store
        .conversations_after(who, filter, 1, None)
        .await
        .map_err(fail)?;
    let zone = chrono_tz::Asia::Shanghai;
    let lines = match found.items.first() {
        Some(c) => state
            .store
            .thread(who, &c.id)
            .await
            .map_err(fail)?
            .messages
            .into_iter()
            .filter(|m| m.text.is_some())
            .map(|m| {
                let mine = m.direction == "in";
                Line {
                    mine,
                    who: if mine { t.chat_you } else { t.chat_us },
                    text: m.text.unwrap_or_default(),
                    at: time::short(m.sent_at, zone),
                }
            })
            .collect(),
        None => vec![],
    };
    let chrome = mine.brand(session.chrome(t.chat_title, Nav::Chat, "/h5/chat"));
    Ok(Html(ChatPage { chrome, t, lines }.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ChatForm {
    pub text: String,
}

/// `POST /h5/chat`: the message goes to the office's inbox.
pub async fn send(
    State(state): State<AppState>,
    session: ResidentSession,
    Form(form): Form<ChatForm>,
) -> Result<Response, UiError> {
    state
        .store
        .post_chat_message(session.who(), None, &form.text, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.0.lang))?;
    Ok(see_other(false, "/h5/chat"))
}
