//! 在线咨询 (`/h5/chat`): a resident writes to the property office, with photos if they like,
//! and reads the answers, in the same conversation the agents' inbox shows (channel `app`). New
//! answers appear by themselves.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Multipart, Path, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use guanjia_domain::conversation::SenderKind;
use guanjia_domain::kb::Handoff;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::ConversationFilter;
use serde::Deserialize;

use super::{Mine, ResidentSession};
use crate::error::ApiError;
use crate::routes::conversations::kept_file;
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::pages::photo_form::{self, Posted};
use crate::ui::redirect::see_other;
use crate::ui::rooms::RoomBook;
use crate::ui::text::{self, Labels};
use crate::ui::time;

struct Line {
    mine: bool,
    who: &'static str,
    /// A bot's answer, by its recorded id: the resident may say whether it helped.
    answer_id: Option<String>,
    text: String,
    /// Where the message's photos (its files) are fetched.
    photos: Vec<String>,
    at: String,
}

#[derive(Template)]
#[template(path = "h5_chat.html")]
struct ChatPage {
    chrome: Chrome,
    t: &'static Labels,
    lines: Vec<Line>,
    photo_limits: String,
    /// Why the message before was refused (a photo that is not one, too many).
    notice: Option<Notice>,
}

/// `GET /h5/chat`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
) -> Result<Response, UiError> {
    let page = ChatPage::load(&state, &rooms, &session, None).await?;
    Ok(Html(page.render()?).into_response())
}

impl ChatPage {
    async fn load(
        state: &AppState,
        rooms: &RoomBook,
        session: &ResidentSession,
        notice: Option<Notice>,
    ) -> Result<Self, UiError> {
        let lang = session.0.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let who = session.who();
        let mine = Mine::load(state, rooms, session).await?;
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
                .filter_map(|m| {
                    let mine = m.direction == "in";
                    let photos = m
                        .attachment()
                        .iter()
                        .flat_map(|a| a.kept_files())
                        .map(|f| format!("/h5/chat/files/{}/{}/{}", m.conversation_id, m.id, f.id))
                        .collect::<Vec<_>>();
                    let bot = m.sender_kind == SenderKind::Bot.as_str();
                    let note = m
                        .bot_note
                        .as_deref()
                        .and_then(|n| n.parse::<Handoff>().ok());
                    // The bot's answer is an article's Markdown: the chat bubble shows its words.
                    let text = note
                        .map(|n| text::bot_note(lang, n).to_owned())
                        .or(m.text.map(|t| {
                            if bot {
                                crate::ui::markdown::plain(&t)
                            } else {
                                t
                            }
                        }));
                    (text.is_some() || !photos.is_empty()).then(|| Line {
                        mine,
                        who: match (mine, bot) {
                            (true, _) => t.chat_you,
                            (false, true) => t.chat_bot,
                            (false, false) => t.chat_us,
                        },
                        answer_id: m.sender_id.filter(|_| bot && note.is_none()),
                        text: text.unwrap_or_default(),
                        photos,
                        at: time::short(m.sent_at, zone),
                    })
                })
                .collect(),
            None => vec![],
        };
        let chrome = mine.brand(session.chrome(t.chat_title, Nav::Chat, "/h5/chat"));
        Ok(ChatPage {
            chrome,
            t,
            lines,
            photo_limits: photo_form::limits(lang),
            notice,
        })
    }
}

/// `POST /h5/chat` (a form with `text` and `photos`, checked as the report page's): the message
/// goes to the office's inbox; a refused one comes back on the page, saying why.
pub async fn send(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    form: Multipart,
) -> Result<Response, UiError> {
    let sent = async {
        let mut posted = Posted::read(form).await?;
        let photos = posted.checked_photos().await?;
        let text = posted.given("text").unwrap_or_default();
        state
            .store
            .post_chat_message(session.who(), None, &text, photos, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    back_to_chat(&state, &rooms, &session, sent).await
}

/// Back to the chat, or the chat again saying why what the resident did was refused.
async fn back_to_chat(
    state: &AppState,
    rooms: &RoomBook,
    session: &ResidentSession,
    outcome: Result<(), ApiError>,
) -> Result<Response, UiError> {
    match outcome {
        Ok(()) => Ok(see_other(false, "/h5/chat")),
        Err(error) => {
            let notice = Some(Notice::of(&error, session.0.lang));
            let page = ChatPage::load(state, rooms, session, notice).await?;
            Ok((error.code.status(), Html(page.render()?)).into_response())
        }
    }
}

/// Whether a bot's answer helped: `helpful` is `yes` or `no`.
#[derive(Deserialize)]
pub struct FeedbackForm {
    helpful: String,
}

/// `POST /h5/chat/answers/{id}/feedback`: the resident says whether the bot's answer helped
/// (the API's feedback call); one that did not hands the conversation to a person.
pub async fn feedback(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: ResidentSession,
    Path(id): Path<String>,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, UiError> {
    let rated = async {
        let helpful = match form.helpful.as_str() {
            "yes" => true,
            "no" => false,
            _ => return Err(ValidationError::single("helpful", FieldErrorCode::Invalid).into()),
        };
        state
            .store
            .rate_bot_answer(session.who(), &id, helpful, Utc::now())
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    back_to_chat(&state, &rooms, &session, rated).await
}

/// `GET /h5/chat/files/{conversation}/{message}/{file}`: a file of the resident's own
/// conversation (404 otherwise).
pub async fn file(
    State(state): State<AppState>,
    session: ResidentSession,
    Path((id, message_id, file_id)): Path<(String, String, String)>,
) -> Result<Response, UiError> {
    kept_file(&state, session.who(), &id, &message_id, &file_id)
        .await
        .map_err(|e| UiError::api(e, session.0.lang))
}
