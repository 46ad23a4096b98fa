//! Conversations (会话): the inbox of every channel for desk staff (their projects'), a
//! resident's own conversations and their H5 chat; answers, assignment, closing, and tickets
//! opened from or linked to a conversation.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guanjia_domain::conversation::{Attachment, ContactKind, ConversationState, KeptFile};
use guanjia_domain::kb::Handoff;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::validation::{FieldErrorCode, Problems};
use guanjia_storage::entity::{conversation, conversation_message};
use guanjia_storage::{After, ConversationFilter, MessageDelivery, Opened, Principal, Thread};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::extract::{ApiJson, ApiQuery, Caller, ClientAddr};
use crate::i18n::Lang;
use crate::paging::PageQuery;
use crate::routes::auth::code_issued;
use crate::routes::tickets::TicketView;
use crate::state::AppState;
use crate::ui::csrf::MAX_UPLOAD_BYTES;
use crate::ui::pages::photo_form::Posted;
use crate::ui::text;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conversations))
        .routes(routes!(get_conversation))
        .routes(routes!(message_file))
        .routes(routes!(reply))
        .routes(routes!(assign))
        .routes(routes!(close))
        .routes(routes!(open_ticket))
        .routes(routes!(link_ticket))
        .routes(routes!(request_binding_code))
        .routes(routes!(bind))
        // A chat message may carry photos: the upload forms' limit, not the API's usual one.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(post_chat_message))
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
}

/// A picture a browser shows safely inline; anything else (a sender's HTML, a script) is only
/// ever a download, sandboxed and never sniffed.
const INLINE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];

/// A kept file as a response: its type as sent (when it is one), shown inline only when it is a
/// picture, named in Content-Disposition by an ASCII stand-in and, exactly, in UTF-8 (RFC 6266).
fn file_download(file: &KeptFile, bytes: Vec<u8>) -> Response {
    let content_type = file.content_type.to_ascii_lowercase();
    let inline = INLINE_TYPES.contains(&content_type.as_str());
    let content_type = HeaderValue::from_str(&content_type)
        .ok()
        .filter(|_| content_type.contains('/'))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let ascii: String = file
        .name
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    let exact = utf8_percent_encode(&file.name, NON_ALPHANUMERIC);
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{exact}",
        if inline { "inline" } else { "attachment" },
        if ascii.is_empty() { "file" } else { &ascii },
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    response
}

/// How the person a conversation is with is reached on its channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationContactView {
    #[schema(value_type = ContactKind)]
    pub kind: String,
    /// The official account of an openid; empty for the others.
    pub account: String,
    /// A phone masked in lists, an openid or e-mail address as received.
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: String,
    #[schema(value_type = Channel)]
    pub channel: String,
    /// Null until known (an unknown sender on an account of no one project).
    pub project_id: Option<String>,
    /// Null while the sender is unknown (not yet bound).
    pub resident_id: Option<String>,
    pub contact: ConversationContactView,
    #[schema(value_type = ConversationState)]
    pub state: String,
    /// The first to answer (首问负责人); owns the tickets opened from it.
    pub owner_id: Option<String>,
    pub assignee_id: Option<String>,
    /// The ticket opened from it or linked to it.
    pub ticket_id: Option<String>,
    /// Messages from the resident not answered yet.
    pub unread: i32,
    pub last_message_at: DateTime<Utc>,
    /// The last message's first words.
    pub last_text: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl ConversationView {
    pub fn new(c: conversation::Model, mask: bool) -> Self {
        let value = if mask && c.contact_kind == ContactKind::Phone.as_str() {
            mask_phone(&c.contact_value)
        } else {
            c.contact_value
        };
        ConversationView {
            id: c.id,
            channel: c.channel,
            project_id: c.project_id,
            resident_id: c.resident_id,
            contact: ConversationContactView {
                kind: c.contact_kind,
                account: c.contact_account,
                value,
            },
            state: c.state,
            owner_id: c.owner_id,
            assignee_id: c.assignee_id,
            ticket_id: c.ticket_id,
            unread: c.unread,
            last_message_at: c.last_message_at,
            last_text: c.last_text,
            created_at: c.created_at,
        }
    }
}

/// How far an answer got on one channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDeliveryView {
    /// sms, wechat, wecom, email
    pub channel: String,
    /// pending, sending, sent, failed, skipped
    pub state: String,
    pub error_code: Option<String>,
}

impl From<MessageDelivery> for MessageDeliveryView {
    fn from(d: MessageDelivery) -> Self {
        MessageDeliveryView {
            channel: d.channel,
            state: d.state,
            error_code: d.error_code,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    /// in: from the resident; out: from us.
    pub direction: String,
    #[schema(value_type = Channel)]
    pub channel: String,
    /// text, image, voice, location, event
    pub kind: String,
    /// resident, staff, bot
    pub sender: String,
    /// The staff member who wrote an answer.
    pub sender_id: Option<String>,
    /// The words: the text, a voice message's transcript, a location's name; the bot's hand-off
    /// note worded in the caller's language.
    pub text: Option<String>,
    /// On the bot's hand-off note, why it handed the conversation to a person.
    pub handoff: Option<Handoff>,
    pub attachments: Vec<Attachment>,
    /// The files kept of it (an e-mail's attachments, chat photos), each with where to fetch it.
    pub files: Vec<FileLink>,
    pub sent_at: DateTime<Utc>,
    /// An answer's deliveries on the conversation's channel (none where the thread itself is
    /// where the resident reads it: the H5 chat).
    pub deliveries: Vec<MessageDeliveryView>,
}

impl MessageView {
    pub fn new(
        m: conversation_message::Model,
        deliveries: Vec<MessageDelivery>,
        lang: Lang,
    ) -> Self {
        let handoff = m
            .bot_note
            .as_deref()
            .and_then(|n| n.parse::<Handoff>().ok());
        let attachment = m.attachment();
        let files = attachment
            .iter()
            .flat_map(|a| a.kept_files())
            .map(|f| FileLink {
                url: format!(
                    "/api/v1/conversations/{}/messages/{}/files/{}",
                    m.conversation_id, m.id, f.id
                ),
                id: f.id.clone(),
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
            })
            .collect();
        let attachments = attachment.into_iter().collect();
        MessageView {
            files,
            id: m.id,
            direction: m.direction,
            channel: m.channel,
            kind: m.kind,
            sender: m.sender_kind,
            sender_id: m.sender_id,
            text: handoff
                .map(|h| text::bot_note(lang, h).to_owned())
                .or(m.text),
            handoff,
            attachments,
            sent_at: m.sent_at,
            deliveries: deliveries.into_iter().map(Into::into).collect(),
        }
    }
}

/// A file kept of a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileLink {
    pub id: String,
    /// As the sender named it.
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// Where the file is fetched (by whoever may read the conversation).
    pub url: String,
}

/// A conversation with its latest messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadView {
    #[serde(flatten)]
    pub conversation: ConversationView,
    pub messages: Vec<MessageView>,
}

impl ThreadView {
    pub fn new(thread: Thread, lang: Lang) -> Self {
        let Thread {
            conversation,
            messages,
            mut deliveries,
        } = thread;
        ThreadView {
            conversation: ConversationView::new(conversation, false),
            messages: messages
                .into_iter()
                .map(|m| {
                    let d = deliveries.remove(&m.id).unwrap_or_default();
                    MessageView::new(m, d, lang)
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConversationQuery {
    /// A channel code.
    pub channel: Option<String>,
    pub project_id: Option<String>,
    /// open, waiting or closed.
    pub state: Option<String>,
    /// A staff id: the conversations given to them.
    pub assignee: Option<String>,
    /// true: only those with messages not answered yet; false: only those without.
    pub unread: Option<bool>,
    /// The `next` cursor of the page before.
    pub after: Option<String>,
    /// Only 1: further pages follow `next`.
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A page of conversations: the list contract and the cursor of the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationList {
    pub items: Vec<ConversationView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Pass as `after` for the page that follows; null on the last page.
    pub next: Option<String>,
}

/// The conversations the caller sees (desk staff: their projects'; a resident: their own),
/// newest activity first, by keyset pages.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ConversationQuery),
    responses((status = 200, body = ConversationList), (status = 422)))]
async fn list_conversations(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> ApiResult<axum::Json<ConversationList>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let mut p = Problems::new();
    if page.page != 1 {
        p.add("page", FieldErrorCode::OutOfRange);
    }
    let channel = query
        .channel
        .as_deref()
        .and_then(|c| p.one_of("channel", c, Channel::ALL));
    let conversation_state = query
        .state
        .as_deref()
        .and_then(|s| p.one_of("state", s, ConversationState::ALL));
    let after = match query.after.as_deref() {
        Some(cursor) => {
            let decoded = After::decode(cursor).filter(|a| a.at.is_some());
            if decoded.is_none() {
                p.add("after", FieldErrorCode::Invalid);
            }
            decoded
        }
        None => None,
    };
    p.into_result(())?;
    let filter = ConversationFilter {
        channel,
        project_id: query.project_id,
        state: conversation_state,
        assignee_id: query.assignee,
        unread: query.unread,
        resident_ids: None,
    };
    let found = state
        .store
        .conversations_after(&who, filter, page.per_page, after.as_ref())
        .await?;
    Ok(axum::Json(ConversationList {
        items: found
            .items
            .into_iter()
            .map(|c| ConversationView::new(c, true))
            .collect(),
        total: found.total,
        page: page.page,
        per_page: page.per_page,
        next: found.next.map(|a| a.encode()),
    }))
}

/// One conversation with its latest 200 messages, oldest first, and how far each answer got;
/// out of scope is 404. Desk staff reading it have read its messages: its `unread` count goes to
/// zero (messages received meanwhile stay unread).
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    responses((status = 200, body = ThreadView), (status = 404)))]
async fn get_conversation(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ThreadView>> {
    Ok(axum::Json(ThreadView::new(
        state.store.read_thread(&who, &id).await?,
        lang,
    )))
}

/// A file a message carried (an e-mail's attachment, a chat photo), for whoever may read the
/// conversation (desk staff of its project, the resident it is with); 404 otherwise. Pictures
/// are shown inline; anything else is a download.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages/{message_id}/files/{file_id}",
    tag = "conversations",
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>,
        description = "the file, with its content type and name"), (status = 404)))]
async fn message_file(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, message_id, file_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    kept_file(&state, &who, &id, &message_id, &file_id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    /// 1–4000 characters.
    pub text: String,
}

/// One idea for the API and the pages alike: a message's file as a response.
pub(crate) async fn kept_file(
    state: &AppState,
    who: &Principal,
    conversation_id: &str,
    message_id: &str,
    file_id: &str,
) -> ApiResult<Response> {
    let (file, bytes) = state
        .store
        .message_file(who, conversation_id, message_id, file_id)
        .await?;
    Ok(file_download(&file, bytes))
}

/// Answers the resident (desk staff): sent back on the channel they wrote on; the first to
/// answer owns the conversation (首问负责制).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/replies", tag = "conversations",
    request_body = ReplyInput,
    responses((status = 201, body = MessageView), (status = 403), (status = 404), (status = 422)))]
async fn reply(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> ApiResult<(StatusCode, axum::Json<MessageView>)> {
    let m = state
        .store
        .reply(&who, &id, &input.text, Utc::now())
        .await?;
    let thread = state.store.thread(&who, &id).await?;
    let deliveries = thread.deliveries.get(&m.id).cloned().unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        axum::Json(MessageView::new(m, deliveries, lang)),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// A desk staff member of the conversation's project.
    pub assignee_id: String,
}

/// Gives the conversation to a desk staff member of its project (its owner stays).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/assign", tag = "conversations",
    request_body = AssignInput,
    responses((status = 200, body = ConversationView), (status = 403), (status = 404), (status = 422)))]
async fn assign(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AssignInput>,
) -> ApiResult<axum::Json<ConversationView>> {
    let c = state
        .store
        .assign_conversation(&who, &id, &input.assignee_id, Utc::now())
        .await?;
    Ok(axum::Json(ConversationView::new(c, false)))
}

/// Closes the conversation; the resident's next message opens it again.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/close", tag = "conversations",
    responses((status = 200, body = ConversationView), (status = 403), (status = 404)))]
async fn close(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ConversationView>> {
    let c = state
        .store
        .close_conversation(&who, &id, Utc::now())
        .await?;
    Ok(axum::Json(ConversationView::new(c, false)))
}

/// Opens a ticket from the conversation (desk staff): what the resident wrote is its
/// description, read by message understanding for kind, category and urgency; the messages are
/// its first timeline entries; the conversation's owner owns it from first contact.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/ticket", tag = "conversations",
    responses((status = 201, body = TicketView), (status = 403), (status = 404), (status = 422)))]
async fn open_ticket(
    State(state): State<AppState>,
    Caller(who): Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, axum::Json<TicketView>)> {
    let now = Utc::now();
    let Opened { ticket, sla } = state
        .store
        .open_ticket_from_conversation(&who, &id, now)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TicketView::new(ticket, &who, &sla, now, false, lang)),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// A ticket of the conversation's project.
    pub ticket_id: String,
}

/// Links the conversation to an existing ticket: comments for the resident on it go back on
/// the conversation's channel.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/link", tag = "conversations",
    request_body = LinkInput,
    responses((status = 200, body = ConversationView), (status = 403), (status = 404), (status = 422)))]
async fn link_ticket(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LinkInput>,
) -> ApiResult<axum::Json<ConversationView>> {
    let c = state
        .store
        .link_conversation(&who, &id, &input.ticket_id, Utc::now())
        .await?;
    Ok(axum::Json(ConversationView::new(c, false)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatInput {
    /// 1–4000 characters.
    pub text: String,
    /// One of the resident's homes' projects; may be left out by a resident of one project.
    pub project_id: Option<String>,
}

/// What a chat message came to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatPosted {
    pub conversation_id: String,
    pub message_id: String,
}

/// A chat message with photos, as a `multipart/form-data` form (the H5 page's upload): `text`
/// (may be empty when photos are given), `project_id`, and up to three `photos` parts, each a
/// JPEG, PNG or WebP of at most 10 MiB.
#[derive(Debug, ToSchema)]
pub struct ChatForm {
    pub text: Option<String>,
    pub project_id: Option<String>,
    #[schema(value_type = Vec<String>, format = Binary)]
    pub photos: Vec<Vec<u8>>,
}

/// A resident writes to the property company in the H5 chat (residents only): JSON with words,
/// or a form with words and photos (kept as the message's files).
#[utoipa::path(post, path = "/api/v1/chat/messages", tag = "conversations",
    request_body(content(
        (ChatInput = "application/json"),
        (ChatForm = "multipart/form-data"),
    )),
    responses((status = 201, body = ChatPosted), (status = 400), (status = 403), (status = 413),
        (status = 422)))]
async fn post_chat_message(
    State(state): State<AppState>,
    Caller(who): Caller,
    request: Request,
) -> ApiResult<(StatusCode, axum::Json<ChatPosted>)> {
    let form = chat_form(&state, request).await?;
    let mut photos = Posted {
        photos: form.photos,
        ..Posted::default()
    };
    let photos = photos.checked_photos().await?;
    let received = state
        .store
        .post_chat_message(
            &who,
            form.project_id.as_deref(),
            form.text.as_deref().unwrap_or_default(),
            photos,
            Utc::now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ChatPosted {
            conversation_id: received.conversation_id,
            message_id: received.message_id,
        }),
    ))
}

/// The message as posted, JSON or form.
async fn chat_form(state: &AppState, request: Request) -> ApiResult<ChatForm> {
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_form {
        let ApiJson(input) = ApiJson::<ChatInput>::from_request(request, state).await?;
        return Ok(ChatForm {
            text: Some(input.text),
            project_id: input.project_id,
            photos: Vec::new(),
        });
    }
    let form = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| {
            ApiError::with_details(
                ErrorCode::InvalidRequest,
                json!({ "reason": rejection.body_text() }),
            )
        })?;
    let posted = Posted::read(form).await?;
    Ok(ChatForm {
        text: posted.fields.get("text").cloned(),
        project_id: posted.given("project_id"),
        photos: posted.photos,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindCodeInput {
    /// The phone the unknown sender says is theirs: a resident's.
    pub phone: String,
}

/// Sends a one-time code by SMS to the phone an unknown sender gives (desk staff), for binding
/// them to the resident of that phone. Throttled as sign-in codes are; the answer is the same
/// whether or not the phone is registered.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/bind/code", tag = "conversations",
    request_body = BindCodeInput,
    responses((status = 202, body = BindCodeSent), (status = 403), (status = 404), (status = 422),
        (status = 429, description = "too_many_attempts")))]
async fn request_binding_code(
    State(state): State<AppState>,
    Caller(who): Caller,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<BindCodeInput>,
) -> ApiResult<(StatusCode, axum::Json<BindCodeSent>)> {
    let issued = state
        .store
        .request_binding_code(&who, &id, &input.phone, &client, Utc::now())
        .await?;
    code_issued(&state, issued);
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(BindCodeSent {
            expires_in: guanjia_storage::CODE_TTL.num_seconds(),
        }),
    ))
}

/// A binding code is on its way (if the phone is a resident's).
#[derive(Debug, Serialize, ToSchema)]
pub struct BindCodeSent {
    /// Seconds the code works.
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindInput {
    pub phone: String,
    /// The code sent to the phone.
    pub code: String,
}

/// Binds the conversation's unknown sender to the resident of the phone once the code is right:
/// their contact point becomes the resident's, and their earlier messages (every conversation
/// of that contact point) join the resident.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/bind", tag = "conversations",
    request_body = BindInput,
    responses((status = 200, body = ConversationView), (status = 403), (status = 404), (status = 422),
        (status = 429, description = "too_many_attempts")))]
async fn bind(
    State(state): State<AppState>,
    Caller(who): Caller,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<BindInput>,
) -> ApiResult<axum::Json<ConversationView>> {
    let c = state
        .store
        .bind_conversation(&who, &id, &input.phone, &input.code, &client, Utc::now())
        .await?;
    Ok(axum::Json(ConversationView::new(c, false)))
}
