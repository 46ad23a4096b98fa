//! 会话收件箱 (`/inbox`): the conversations of the agent's projects on every channel, newest
//! activity first, with unread marks and filters; the chosen one's thread beside them with the
//! resident's profile and recent tickets, a reply box, and opening a ticket from it. The list and
//! the thread refresh themselves every two seconds (htmx polling), the reply box is left alone.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use chrono_tz::Tz;
use guanjia_domain::conversation::{Attachment, ContactKind, ConversationState, SenderKind};
use guanjia_domain::kb::Handoff;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::taxonomy::Channel;
use guanjia_storage::entity::conversation;
use guanjia_storage::{ConversationFilter, Thread, TicketFilter};
use serde::Deserialize;

use crate::routes::conversations::kept_file;
use crate::routes::scripts::{SuggestedScript, suggested};
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::redirect::see_other;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time;

/// Conversations listed: the newest; older ones by filter.
const SHOWN: u64 = 50;
/// Recent tickets beside a thread.
const RECENT: u64 = 5;

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// The conversation shown.
    pub c: Option<String>,
    pub channel: Option<String>,
    pub state: Option<String>,
    pub unread: Option<String>,
}

impl InboxQuery {
    /// This page with conversation `c` chosen (or none), the filters kept.
    fn url(&self, c: Option<&str>) -> String {
        let chosen = c.map(str::to_owned);
        let mut parts = vec![];
        for (key, value) in [
            ("c", &chosen),
            ("channel", &self.channel),
            ("state", &self.state),
            ("unread", &self.unread),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", urlencode(v)));
            }
        }
        if parts.is_empty() {
            "/inbox".to_owned()
        } else {
            format!("/inbox?{}", parts.join("&"))
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Row {
    href: String,
    who: String,
    channel: &'static str,
    state: &'static str,
    state_code: String,
    unread: i32,
    last_text: String,
    at: String,
    current: bool,
}

/// A file a message carried, linked; a picture shown as a thumbnail.
struct FileShown {
    url: String,
    name: String,
    picture: bool,
    /// A recording the browser may play (a WeChat voice message's AMR it cannot: it is
    /// downloaded).
    sound: bool,
}

struct Message {
    out: bool,
    who: String,
    text: String,
    extra: String,
    files: Vec<FileShown>,
    at: String,
    delivery: String,
}

struct TicketRow {
    id: String,
    number: String,
    title: String,
    status: &'static str,
}

struct Profile {
    name: String,
    phone: String,
    tickets: Vec<TicketRow>,
}

struct Selected {
    id: String,
    who: String,
    channel: &'static str,
    state: &'static str,
    ticket_id: Option<String>,
    messages: Vec<Message>,
    profile: Option<Profile>,
    closed: bool,
}

struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<Row>,
    selected: Option<Selected>,
    channels: Vec<Choice>,
    states: Vec<Choice>,
    unread_only: bool,
    self_url: String,
    /// The conversations under the same filters as a spreadsheet.
    export: String,
    /// Standard scripts for the reply box: the linked ticket's, else the general ones.
    scripts: Vec<SuggestedScript>,
    scripts_js: String,
}

/// `GET /inbox`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<InboxQuery>,
) -> Result<Response, UiError> {
    let lang = session.lang;
    let fail = |e| UiError::api(e, lang);
    let t = text::labels(lang);
    let zone: Tz = chrono_tz::Asia::Shanghai;
    let channel = query
        .channel
        .as_deref()
        .and_then(|c| c.parse::<Channel>().ok());
    let chosen_state = query
        .state
        .as_deref()
        .and_then(|s| s.parse::<ConversationState>().ok());
    let unread_only = query.unread.as_deref() == Some("1");
    let filter = ConversationFilter {
        channel,
        state: chosen_state,
        unread: unread_only.then_some(true),
        ..ConversationFilter::default()
    };
    let who = &session.who;
    // Opening a conversation reads it, before the list is read: its unread count is zero there.
    let thread = match &query.c {
        Some(id) => Some(state.store.read_thread(who, id).await.map_err(fail)?),
        None => None,
    };
    let listed = state
        .store
        .conversations_after(who, filter, SHOWN, None)
        .await
        .map_err(fail)?;
    let names = state
        .store
        .conversation_residents(who, &listed.items)
        .await
        .map_err(fail)?;
    let name_of = |c: &conversation::Model| {
        c.resident_id
            .as_ref()
            .and_then(|id| names.get(id))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| contact_label(t, c))
    };
    let rows = listed
        .items
        .iter()
        .map(|c| Row {
            href: query.url(Some(&c.id)),
            who: name_of(c),
            channel: channel_label(lang, &c.channel),
            state: state_label(lang, &c.state),
            state_code: c.state.clone(),
            unread: c.unread,
            last_text: c.last_text.clone().unwrap_or_default(),
            at: time::short(c.last_message_at, zone),
            current: query.c.as_deref() == Some(c.id.as_str()),
        })
        .collect();
    let (selected, scripts) = match thread {
        Some(thread) => {
            let (shown, scripts) = selected(&state, &session, thread, zone).await?;
            (Some(shown), scripts)
        }
        None => (None, vec![]),
    };
    let channels = std::iter::once(Choice {
        value: "",
        label: t.inbox_all_channels,
        chosen: channel.is_none(),
    })
    .chain(Channel::ALL.iter().map(|c| Choice {
        value: c.as_str(),
        label: text::channel(lang, *c),
        chosen: channel == Some(*c),
    }))
    .collect();
    let states = std::iter::once(Choice {
        value: "",
        label: t.inbox_all_states,
        chosen: chosen_state.is_none(),
    })
    .chain(ConversationState::ALL.iter().map(|s| Choice {
        value: s.as_str(),
        label: text::conversation_state(lang, *s),
        chosen: chosen_state == Some(*s),
    }))
    .collect();
    let self_url = query.url(query.c.as_deref());
    let page = InboxPage {
        chrome: Chrome::signed_in(&session, t.inbox_title, Nav::Inbox, "/inbox"),
        t,
        rows,
        selected,
        channels,
        states,
        unread_only,
        self_url,
        export: export_url(channel, chosen_state, unread_only),
        scripts,
        scripts_js: crate::ui::assets::url("scripts.js"),
    };
    Ok(Html(page.render()?).into_response())
}

/// The chosen conversation as the page shows it, and the scripts for its reply box.
async fn selected(
    state: &AppState,
    session: &Session,
    thread: Thread,
    zone: Tz,
) -> Result<(Selected, Vec<SuggestedScript>), UiError> {
    let lang = session.lang;
    let t = text::labels(lang);
    let fail = |e| UiError::api(e, lang);
    let Thread {
        conversation: c,
        messages,
        mut deliveries,
    } = thread;
    let resident = state
        .store
        .conversation_residents(&session.who, std::slice::from_ref(&c))
        .await
        .map_err(fail)?
        .into_values()
        .next();
    let profile = match &resident {
        Some(r) => {
            let filter = TicketFilter {
                q: Some(r.phone.clone()),
                ..TicketFilter::default()
            };
            let recent = state
                .store
                .tickets_after(&session.who, filter, RECENT, None)
                .await
                .map_err(fail)?;
            Some(Profile {
                name: r.name.clone(),
                phone: mask_phone(&r.phone),
                tickets: recent
                    .items
                    .into_iter()
                    .map(|tk| TicketRow {
                        status: text::status(lang, *tk.status),
                        id: tk.id,
                        number: tk.number,
                        title: tk.title,
                    })
                    .collect(),
            })
        }
        None => None,
    };
    let who = resident
        .as_ref()
        .map_or_else(|| contact_label(t, &c), |r| r.name.clone());
    let messages = messages
        .into_iter()
        .map(|m| {
            let out = m.direction == "out";
            let delivery = deliveries
                .remove(&m.id)
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let (channel, state) = text::delivery_stored(lang, &d.channel, &d.state);
                    format!("{channel} {state}")
                })
                .collect::<Vec<_>>()
                .join(" · ");
            let attachment = m.attachment();
            let files = attachment
                .iter()
                .flat_map(|a| a.kept_files())
                .map(|f| FileShown {
                    url: format!("/inbox/{}/files/{}/{}", c.id, m.id, f.id),
                    picture: f.content_type.starts_with("image/"),
                    sound: f.content_type.starts_with("audio/"),
                    name: f.name.clone(),
                })
                .collect();
            let extra = attachment
                .as_ref()
                .map(attachment_label)
                .unwrap_or_default();
            let note = m
                .bot_note
                .as_deref()
                .and_then(|n| n.parse::<Handoff>().ok());
            Message {
                out,
                who: match (out, m.sender_kind == SenderKind::Bot.as_str()) {
                    (true, true) => t.chat_bot.to_owned(),
                    (true, false) => t.inbox_from_us.to_owned(),
                    (false, _) => who.clone(),
                },
                text: note.map_or_else(
                    || m.text.unwrap_or_default(),
                    |n| text::bot_note(lang, n).to_owned(),
                ),
                extra,
                files,
                at: time::short(m.sent_at, zone),
                delivery,
            }
        })
        .collect();
    let scripts = match &c.ticket_id {
        Some(ticket_id) => {
            state
                .store
                .scripts_for_ticket(&session.who, ticket_id)
                .await
        }
        None => {
            let name = resident.as_ref().map(|r| r.name.clone());
            state.store.scripts_without_ticket(&session.who, name).await
        }
    }
    .map_err(fail)?;
    let shown = Selected {
        channel: channel_label(lang, &c.channel),
        state: state_label(lang, &c.state),
        closed: c.state == ConversationState::Closed.as_str(),
        ticket_id: c.ticket_id,
        messages,
        profile,
        who,
        id: c.id,
    };
    Ok((shown, suggested(scripts)))
}

/// An unknown sender by what the channel knows of them (a phone masked).
fn contact_label(t: &Labels, c: &conversation::Model) -> String {
    if c.contact_kind == ContactKind::Phone.as_str() {
        mask_phone(&c.contact_value)
    } else if c.contact_kind == ContactKind::Email.as_str() {
        c.contact_value.clone()
    } else {
        t.inbox_unknown.to_owned()
    }
}

fn channel_label(lang: crate::i18n::Lang, code: &str) -> &'static str {
    code.parse().map_or("", |c| text::channel(lang, c))
}

fn state_label(lang: crate::i18n::Lang, code: &str) -> &'static str {
    code.parse()
        .map_or("", |s| text::conversation_state(lang, s))
}

/// What a message carries besides words, in a few characters.
fn attachment_label(a: &Attachment) -> String {
    match a {
        // A kept picture shows itself; until then, WeChat's link to it.
        Attachment::Image { file: Some(_), .. } => String::new(),
        Attachment::Image { url, .. } => format!("🖼 {}", url.as_deref().unwrap_or("")),
        Attachment::Voice { .. } => "🎤".to_owned(),
        Attachment::Location { lat, lon, .. } => format!("📍 {lat:.5},{lon:.5}"),
        // The files kept are links of their own; those too large to keep are named.
        Attachment::Files { left_out, .. } => left_out
            .iter()
            .map(|n| format!("📎 {n} ✗"))
            .collect::<Vec<_>>()
            .join(" "),
        Attachment::Event { event, key } => {
            format!(
                "⚑ {event}{}",
                key.as_deref().map(|k| format!(" {k}")).unwrap_or_default()
            )
        }
    }
}

/// `GET /inbox/{id}/files/{message}/{file}`: a file of a conversation the staff member may read
/// (404 otherwise).
pub async fn file(
    State(state): State<AppState>,
    session: Session,
    Path((id, message_id, file_id)): Path<(String, String, String)>,
) -> Result<Response, UiError> {
    kept_file(&state, &session.who, &id, &message_id, &file_id)
        .await
        .map_err(|e| UiError::api(e, session.lang))
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    pub text: String,
}

/// `POST /inbox/{id}/reply`: the answer goes back on the conversation's channel.
pub async fn reply(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, UiError> {
    state
        .store
        .reply(&session.who, &id, &form.text, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    Ok(see_other(false, &format!("/inbox?c={}", urlencode(&id))))
}

/// `POST /inbox/{id}/ticket`: opens a ticket from the conversation and shows it.
pub async fn open_ticket(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let opened = state
        .store
        .open_ticket_from_conversation(&session.who, &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    Ok(see_other(false, &format!("/tickets/{}", opened.ticket.id)))
}

/// `POST /inbox/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    state
        .store
        .close_conversation(&session.who, &id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    Ok(see_other(false, &format!("/inbox?c={}", urlencode(&id))))
}

/// `GET /api/v1/conversations` with `format=xlsx` under the inbox's filters.
fn export_url(
    channel: Option<Channel>,
    state: Option<ConversationState>,
    unread_only: bool,
) -> String {
    let given = [
        ("channel", channel.map(Channel::as_str)),
        ("state", state.map(ConversationState::as_str)),
        ("unread", unread_only.then_some("true")),
    ];
    let pairs: Vec<(&str, &str)> = std::iter::once(("format", "xlsx"))
        .chain(given.into_iter().filter_map(|(k, v)| Some((k, v?))))
        .collect();
    format!(
        "/api/v1/conversations?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}
