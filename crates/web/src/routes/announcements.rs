//! Announcements (公告): staff write and follow them; residents read and acknowledge them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guanjia_domain::announcement::{
    AnnouncementCategory, AnnouncementInput, AnnouncementState, AudienceInput, read_rate,
};
use guanjia_domain::phone::mask_phone;
use guanjia_storage::{AnnouncementRow, MyNotice, ToCall};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_announcement, list_announcements))
        .routes(routes!(preview_announcement))
        .routes(routes!(get_announcement))
        .routes(routes!(withdraw_announcement))
        .routes(routes!(to_call))
        .routes(routes!(my_notices))
        .routes(routes!(my_unread_notices))
        .routes(routes!(open_notice))
        .routes(routes!(acknowledge_notice))
}

/// An announcement with what it reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementView {
    pub id: String,
    pub project_id: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: AnnouncementCategory,
    pub audience: Value,
    pub requires_ack: bool,
    pub state: AnnouncementState,
    /// When it was (or will be) sent.
    pub send_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub remind_after_hours: i32,
    /// When the reminder went to who had not read (or acknowledged) it.
    pub reminded_at: Option<DateTime<Utc>>,
    pub author_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// People it was sent to (one per phone, across their rooms).
    pub recipients: u64,
    /// Their notification left on SMS or WeChat and the provider took it.
    pub delivered: u64,
    /// Opened on the notice board.
    pub read: u64,
    /// 已知晓, for those that ask for it.
    pub acknowledged: u64,
    /// Reminded once.
    pub reminded: u64,
    /// 触达率: read / recipients, 0 to 1.
    pub read_rate: f64,
}

impl From<AnnouncementRow> for AnnouncementView {
    fn from(a: AnnouncementRow) -> Self {
        let f = a.figures;
        let r = a.row;
        AnnouncementView {
            category: r.category.parse().unwrap_or(AnnouncementCategory::Other),
            state: r.state.parse().unwrap_or(AnnouncementState::Scheduled),
            id: r.id,
            project_id: r.project_id,
            title: r.title,
            body: r.body,
            audience: r.audience,
            requires_ack: r.requires_ack,
            send_at: r.send_at,
            sent_at: r.sent_at,
            remind_after_hours: r.remind_after_hours,
            reminded_at: r.reminded_at,
            author_id: r.author_id,
            created_at: r.created_at,
            recipients: f.recipients,
            delivered: f.delivered,
            read: f.read,
            acknowledged: f.acknowledged,
            reminded: f.reminded,
            read_rate: read_rate(f.recipients, f.read),
        }
    }
}

/// Writes an announcement and sends it now, or at `send_at` (admins, managers and supervisors
/// of the project; audited). Sent now, the answer already counts its recipients.
#[utoipa::path(post, path = "/api/v1/announcements", tag = "announcements", request_body = AnnouncementInput,
    responses((status = 201, body = AnnouncementView), (status = 403), (status = 422)))]
async fn create_announcement(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<AnnouncementInput>,
) -> ApiResult<(StatusCode, axum::Json<AnnouncementView>)> {
    let now = Utc::now();
    let row = state
        .store
        .create_announcement(&who, input.validate(now)?, now)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(row.into())))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementQuery {
    pub project_id: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The announcements of the caller's projects, newest first, with their figures (desk staff).
#[utoipa::path(get, path = "/api/v1/announcements", tag = "announcements", params(AnnouncementQuery),
    responses((status = 200, body = PageOf<AnnouncementView>), (status = 403)))]
async fn list_announcements(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<AnnouncementQuery>,
) -> ApiResult<axum::Json<PageOf<AnnouncementView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = state
        .store
        .announcements(&who, query.project_id.as_deref(), page)
        .await?;
    Ok(axum::Json(PageOf::from_page(page, AnnouncementView::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AudiencePreviewInput {
    pub project_id: String,
    pub audience: Option<AudienceInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AudiencePreviewView {
    /// People the audience reaches now.
    pub recipients: u64,
}

/// How many people an audience reaches now, before sending (those who may write announcements).
#[utoipa::path(post, path = "/api/v1/announcements/preview", tag = "announcements", request_body = AudiencePreviewInput,
    responses((status = 200, body = AudiencePreviewView), (status = 403), (status = 422)))]
async fn preview_announcement(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiJson(input): ApiJson<AudiencePreviewInput>,
) -> ApiResult<axum::Json<AudiencePreviewView>> {
    let audience = input.audience.unwrap_or_default().into_audience()?;
    let recipients = state
        .store
        .preview_audience(&who, input.project_id.trim(), &audience)
        .await?;
    Ok(axum::Json(AudiencePreviewView { recipients }))
}

/// One announcement with its figures: recipients, delivered, read, acknowledged, read rate.
#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "announcements",
    responses((status = 200, body = AnnouncementView), (status = 404)))]
async fn get_announcement(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AnnouncementView>> {
    Ok(axum::Json(
        state.store.announcement(&who, &id).await?.into(),
    ))
}

/// Takes an announcement back (audited): scheduled, it is never sent; sent, it leaves the
/// residents' notice board and nobody is reminded of it.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/withdraw", tag = "announcements",
    responses((status = 200, body = AnnouncementView), (status = 403), (status = 404)))]
async fn withdraw_announcement(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AnnouncementView>> {
    Ok(axum::Json(
        state
            .store
            .withdraw_announcement(&who, &id, Utc::now())
            .await?
            .into(),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ToCallQuery {
    /// `next_after` of the previous page.
    pub after: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<u64>,
}

/// Someone to call about an announcement they have not read or acknowledged.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToCallView {
    pub resident_id: String,
    pub name: String,
    /// Masked (138****5678); the resident's page has it in full.
    pub phone: String,
    pub room_id: String,
    /// 2单元 1502.
    pub room: String,
    pub read_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    /// Who calls them: their household's butler (set on it or on its building); null when it
    /// has none, and any butler of the project calls.
    pub butler_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ToCallPage {
    pub items: Vec<ToCallView>,
    /// Pass as `after` for the next page; null on the last one.
    pub next_after: Option<String>,
}

impl From<ToCall> for ToCallView {
    fn from(c: ToCall) -> Self {
        ToCallView {
            resident_id: c.resident_id,
            name: c.name,
            phone: mask_phone(&c.phone),
            room_id: c.room_id,
            room: c.room,
            read_at: c.read_at,
            reminded_at: c.reminded_at,
            butler_id: c.butler_id,
        }
    }
}

/// Who has not acknowledged a critical announcement (or read any other), for butlers to call;
/// keyset pages by resident id.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/unacknowledged", tag = "announcements", params(ToCallQuery),
    responses((status = 200, body = ToCallPage), (status = 404), (status = 422)))]
async fn to_call(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ToCallQuery>,
) -> ApiResult<axum::Json<ToCallPage>> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(guanjia_domain::validation::ValidationError::single(
            "limit",
            guanjia_domain::validation::FieldErrorCode::OutOfRange,
        )
        .into());
    }
    let people = state
        .store
        .to_call(&who, &id, query.after.as_deref(), limit)
        .await?;
    let next_after = (people.len() as u64 == limit)
        .then(|| people.last().map(|p| p.resident_id.clone()))
        .flatten();
    Ok(axum::Json(ToCallPage {
        items: people.into_iter().map(ToCallView::from).collect(),
        next_after,
    }))
}

/// A notice on the signed-in resident's board.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: AnnouncementCategory,
    pub requires_ack: bool,
    pub sent_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl From<MyNotice> for NoticeView {
    fn from(n: MyNotice) -> Self {
        let a = n.announcement;
        NoticeView {
            category: a.category.parse().unwrap_or(AnnouncementCategory::Other),
            id: a.id,
            title: a.title,
            body: a.body,
            requires_ack: a.requires_ack,
            sent_at: a.sent_at,
            read_at: n.read_at,
            acknowledged_at: n.acknowledged_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The signed-in resident's notices, newest first (residents only).
#[utoipa::path(get, path = "/api/v1/me/announcements", tag = "announcements", params(NoticeQuery),
    responses((status = 200, body = PageOf<NoticeView>), (status = 403)))]
async fn my_notices(
    State(state): State<AppState>,
    Caller(who): Caller,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> ApiResult<axum::Json<PageOf<NoticeView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = state.store.my_notices(&who, page).await?;
    Ok(axum::Json(PageOf::from_page(page, NoticeView::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadNotices {
    pub unread: u64,
}

/// How many of the resident's notices are not opened yet.
#[utoipa::path(get, path = "/api/v1/me/announcements/unread-count", tag = "announcements",
    responses((status = 200, body = UnreadNotices), (status = 403)))]
async fn my_unread_notices(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<UnreadNotices>> {
    let unread = state.store.my_unread_notices(&who).await?;
    Ok(axum::Json(UnreadNotices { unread }))
}

/// Opens one of the resident's notices, marking it read.
#[utoipa::path(post, path = "/api/v1/me/announcements/{id}/read", tag = "announcements",
    responses((status = 200, body = NoticeView), (status = 403), (status = 404)))]
async fn open_notice(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<NoticeView>> {
    Ok(axum::Json(
        state.store.open_notice(&who, &id, Utc::now()).await?.into(),
    ))
}

/// 已知晓: acknowledges a notice that asks for it (422 `requires_ack` otherwise).
#[utoipa::path(post, path = "/api/v1/me/announcements/{id}/acknowledge", tag = "announcements",
    responses((status = 200, body = NoticeView), (status = 403), (status = 404), (status = 422)))]
async fn acknowledge_notice(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<NoticeView>> {
    Ok(axum::Json(
        state
            .store
            .acknowledge_notice(&who, &id, Utc::now())
            .await?
            .into(),
    ))
}
