//! The signed-in user's notifications: staff get early warnings, escalations and alerts;
//! residents get their rating and survey links.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use guanjia_domain::ticket::ActionName;
use guanjia_storage::Unread;
use guanjia_storage::entity::notification;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Caller};
use crate::i18n::Lang;
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(unread_count))
        .routes(routes!(mark_all_read))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// sla_warning, sla_escalation, escalation_risk, rectification, repeat_complaint, praise;
    /// for residents rating_link and nps_survey (`details.token` is the link's token), and
    /// sign_in_code (`details.code`, for SMS delivery).
    pub kind: String,
    pub ticket_id: Option<String>,
    /// In the caller's language (Accept-Language).
    pub message: String,
    /// ticket_number, clock, step, due_at, level.
    pub details: Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl NotificationView {
    pub(crate) fn new(n: notification::Model, lang: Lang) -> Self {
        let message = message(&n.kind, &n.details, lang);
        NotificationView {
            id: n.id,
            kind: n.kind,
            ticket_id: n.ticket_id,
            message,
            details: n.details,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

fn clock_label(clock: &str, lang: Lang) -> &'static str {
    match (clock, lang) {
        ("first_response", Lang::Zh) => "首次响应",
        ("arrival", Lang::Zh) => "到场",
        ("resolution", Lang::Zh) => "解决",
        ("follow_up", Lang::Zh) => "回访",
        ("first_response", Lang::En) => "first response",
        ("arrival", Lang::En) => "arrival",
        ("resolution", Lang::En) => "resolution",
        ("follow_up", Lang::En) => "follow-up",
        (_, Lang::Zh) => "时限",
        (_, Lang::En) => "deadline",
    }
}

/// A step of an original ticket, for its duplicates' residents.
fn progress_label(progress: &str, lang: Lang) -> &'static str {
    match (progress, lang) {
        ("dispatched", Lang::Zh) => "已派单",
        ("arrived", Lang::Zh) => "维修人员已到场",
        ("in_progress", Lang::Zh) => "正在处理",
        ("resolved", Lang::Zh) => "已处理完成",
        ("closed", Lang::Zh) => "已关闭",
        ("cancelled", Lang::Zh) => "已取消，您的工单将单独处理",
        ("dispatched", Lang::En) => "dispatched",
        ("arrived", Lang::En) => "being worked on: the technician has arrived",
        ("in_progress", Lang::En) => "in progress",
        ("resolved", Lang::En) => "resolved",
        ("closed", Lang::En) => "closed",
        ("cancelled", Lang::En) => "cancelled; yours will be handled on its own",
        (_, Lang::Zh) => "有新进展",
        (_, Lang::En) => "moving on",
    }
}

/// The words of an action a notification names ("dispatch" → 派单).
fn action_label(details: &Value, lang: Lang) -> &str {
    let code = details["action"].as_str().unwrap_or("");
    code.parse::<ActionName>()
        .map_or(code, |action| crate::ui::text::action(lang, action))
}

/// The sentence a person reads, from the notification's kind and details.
pub(crate) fn message(kind: &str, details: &Value, lang: Lang) -> String {
    let number = details["ticket_number"].as_str().unwrap_or("");
    let clock = clock_label(details["clock"].as_str().unwrap_or(""), lang);
    let step = details["step"].as_str().unwrap_or("");
    let share = step.strip_prefix("warning:").unwrap_or("");
    let level = details["level"].as_u64().unwrap_or(1);
    match (kind, lang) {
        ("sla_warning", Lang::Zh) => format!("预警：工单 {number} 的{clock}时限已用去 {share}%"),
        ("sla_warning", Lang::En) => {
            format!("Warning: ticket {number} has used {share}% of its {clock} time")
        }
        ("sla_escalation", Lang::Zh) => format!("升级（{level}级）：工单 {number} 的{clock}已超时"),
        ("sla_escalation", Lang::En) => {
            format!("Escalation level {level}: ticket {number} missed its {clock} deadline")
        }
        ("escalation_risk", Lang::Zh) => {
            format!("高风险：工单 {number} 的住户可能投诉至12345、媒体或法院，请立即跟进")
        }
        ("escalation_risk", Lang::En) => format!(
            "High risk: the resident of ticket {number} may go to 12345, the media or court; follow up now"
        ),
        ("rating_link", Lang::Zh) => format!("您的工单 {number} 已处理完成，请为本次服务评价"),
        ("rating_link", Lang::En) => {
            format!("Your request {number} is done: please rate our service")
        }
        ("rectification", Lang::Zh) => format!("整改：工单 {number} 的业主不满意，已重新打开"),
        ("rectification", Lang::En) => format!(
            "Rectification: the resident of ticket {number} is not satisfied; it is reopened"
        ),
        ("repeat_complaint", Lang::Zh) => {
            format!("重复投诉：工单 {number} 是同一住户30天内的再次投诉")
        }
        ("repeat_complaint", Lang::En) => format!(
            "Repeat complaint: ticket {number} repeats one from the same home within 30 days"
        ),
        ("praise", Lang::Zh) => format!("表扬：业主在工单 {number} 中表扬了您"),
        ("praise", Lang::En) => format!("Praise: a resident praised you in ticket {number}"),
        ("nps_survey", Lang::Zh) => format!(
            "邀请您参与调查：{}",
            details["campaign"].as_str().unwrap_or("")
        ),
        ("nps_survey", Lang::En) => format!(
            "You are invited to a survey: {}",
            details["campaign"].as_str().unwrap_or("")
        ),
        ("job_assigned", Lang::Zh) => format!("新派单：工单 {number} 已派给您"),
        ("job_assigned", Lang::En) => format!("New job: ticket {number} is assigned to you"),
        ("dispatch_queued", Lang::Zh) => format!("待派：工单 {number} 无合适人员，请人工派单"),
        ("dispatch_queued", Lang::En) => {
            format!("To dispatch: nobody fits ticket {number}; dispatch it by hand")
        }
        ("ticket_progress", Lang::Zh) => format!(
            "进展：您首问的工单 {number} 有新动作（{}）",
            action_label(details, lang)
        ),
        ("ticket_progress", Lang::En) => format!(
            "Progress on ticket {number} you own: {}",
            action_label(details, lang)
        ),
        ("assignment_timeout", Lang::Zh) => {
            format!("超时未接单：工单 {number} 已自动改派或待人工派单")
        }
        ("assignment_timeout", Lang::En) => format!(
            "Not accepted in time: ticket {number} was handed on, or waits for a dispatcher"
        ),
        ("subtask_assigned", Lang::Zh) => format!(
            "协办：工单 {number} 请协助“{}”",
            details["title"].as_str().unwrap_or("")
        ),
        ("subtask_assigned", Lang::En) => format!(
            "Help needed on ticket {number}: {}",
            details["title"].as_str().unwrap_or("")
        ),
        ("job_offered", Lang::Zh) => format!("可抢单：工单 {number}，先接者得"),
        ("job_offered", Lang::En) => {
            format!("Job on offer: ticket {number}, first to grab it wins")
        }
        ("charges_to_confirm", Lang::Zh) => format!(
            "收费确认：工单 {number} 的有偿服务合计 {:.2} 元，请确认",
            details["total_cents"].as_f64().unwrap_or(0.0) / 100.0
        ),
        ("charges_to_confirm", Lang::En) => format!(
            "Please confirm: the paid service of ticket {number} comes to ¥{:.2}",
            details["total_cents"].as_f64().unwrap_or(0.0) / 100.0
        ),
        ("sign_in_code", Lang::Zh) => format!(
            "您的登录验证码是 {}，5 分钟内有效，请勿告诉他人",
            details["code"].as_str().unwrap_or("")
        ),
        ("sign_in_code", Lang::En) => format!(
            "Your sign-in code is {}. It works for 5 minutes; never share it",
            details["code"].as_str().unwrap_or("")
        ),
        ("original_progress", Lang::Zh) => format!(
            "您的工单 {number} 与工单 {} 反映的是同一问题：该工单{}",
            details["original_number"].as_str().unwrap_or(""),
            progress_label(details["progress"].as_str().unwrap_or(""), lang)
        ),
        ("original_progress", Lang::En) => format!(
            "Your request {number} reports the same problem as ticket {}, which is now {}",
            details["original_number"].as_str().unwrap_or(""),
            progress_label(details["progress"].as_str().unwrap_or(""), lang)
        ),
        ("charges_disputed", Lang::Zh) => format!("收费争议：工单 {number} 的业主对收费有异议"),
        ("charges_disputed", Lang::En) => {
            format!("Disputed bill: the resident of ticket {number} disputes the charges")
        }
        (_, Lang::Zh) => format!("工单 {number} 有新通知"),
        (_, Lang::En) => format!("News on ticket {number}"),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only those not read yet.
    pub unread: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The caller's notifications, newest first (the outbox that WeChat, SMS and e-mail delivery will read).
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", params(NotificationQuery), responses((status = 200, body = PageOf<NotificationView>)))]
async fn my_notifications(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<NotificationQuery>,
) -> ApiResult<axum::Json<PageOf<NotificationView>>> {
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let lang = Lang::from_headers(&headers);
    let page = state
        .store
        .notifications(&who, query.unread.unwrap_or(false), page)
        .await?;
    Ok(axum::Json(PageOf::from_page(page, |n| {
        NotificationView::new(n, lang)
    })))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications", responses((status = 200, body = NotificationView), (status = 404)))]
async fn mark_read(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<NotificationView>> {
    let n = state
        .store
        .mark_notification_read(&who, &id, Utc::now())
        .await?;
    Ok(axum::Json(NotificationView::new(
        n,
        Lang::from_headers(&headers),
    )))
}

/// What the notification bell shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
    /// Unread notifications of a new job: dispatched to the caller (job_assigned) or offered to grab (job_offered).
    pub new_jobs: u64,
}

impl From<Unread> for UnreadCount {
    fn from(u: Unread) -> Self {
        UnreadCount {
            unread: u.all,
            new_jobs: u.new_jobs,
        }
    }
}

/// How many of the caller's notifications are unread (one indexed count: cheap to poll).
#[utoipa::path(get, path = "/api/v1/me/notifications/unread-count", tag = "notifications", responses((status = 200, body = UnreadCount)))]
async fn unread_count(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<UnreadCount>> {
    Ok(axum::Json(state.store.unread(&who).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many were unread and are now read.
    pub marked: u64,
}

/// Marks every unread notification of the caller read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notifications", responses((status = 200, body = MarkedRead)))]
async fn mark_all_read(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> ApiResult<axum::Json<MarkedRead>> {
    Ok(axum::Json(MarkedRead {
        marked: state
            .store
            .mark_all_notifications_read(&who, Utc::now())
            .await?,
    }))
}
