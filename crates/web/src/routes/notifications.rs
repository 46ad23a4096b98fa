//! The signed-in user's notifications: staff get early warnings, escalations and alerts;
//! residents get their rating and survey links.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use guanjia_domain::delivery::{DeliveryChannel, DeliveryState};
use guanjia_domain::kb::Handoff;
use guanjia_domain::notice::NoticeKind;
use guanjia_domain::sla::ClockName;
use guanjia_domain::ticket::ActionName;
use guanjia_storage::Unread;
use guanjia_storage::entity::{delivery, notification};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Caller};
use crate::i18n::Lang;
use crate::paging::{PageOf, PageQuery};
use crate::state::AppState;
use crate::ui::text;

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
    /// for residents rating_link and nps_survey (`details.token` is the link's token),
    /// sign_in_code (`details.code`, for SMS delivery) and their request's progress:
    /// ticket_accepted, ticket_dispatched and technician_arrived (`details.technician`); for
    /// admins webhook_paused (`details.webhook_id`, `url`, `failures`).
    pub kind: String,
    pub ticket_id: Option<String>,
    /// In the caller's language (Accept-Language).
    pub message: String,
    /// ticket_number, clock, step, due_at, level.
    pub details: Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    /// Its deliveries, one per channel it took (SMS, WeChat, WeCom robot); empty when it stays
    /// in this list only.
    pub deliveries: Vec<DeliveryView>,
}

impl NotificationView {
    pub(crate) fn new(
        n: notification::Model,
        lang: Lang,
        deliveries: Vec<delivery::Model>,
    ) -> Self {
        let message = message(&n, lang);
        NotificationView {
            id: n.id,
            kind: n.kind,
            ticket_id: n.ticket_id,
            message,
            details: n.details,
            created_at: n.created_at,
            read_at: n.read_at,
            deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
        }
    }
}

/// One notification on one channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub channel: DeliveryChannel,
    pub state: DeliveryState,
    /// Where it went, as staff may read it: a masked phone, a WeCom robot (`project:CODE`,
    /// `team:ID`), `wechat`.
    pub target: String,
    /// Attempts started so far.
    pub attempts: i32,
    /// Pending: when the next attempt may start (after a backoff, or at the end of quiet hours).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// aliyun, tencent, wecom; null before the first attempt.
    pub provider: Option<String>,
    /// The provider's id of the message.
    pub provider_message_id: Option<String>,
    /// Why the last attempt failed or why it was skipped: the provider's code and words.
    pub error: Option<DeliveryError>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryError {
    /// The provider's code (`isv.MOBILE_NUMBER_ILLEGAL`, `LimitExceeded.PhoneNumberDailyLimit`,
    /// `93000`), or ours (`http_503`, `timeout`, `no_template`, `sms_not_configured`).
    pub code: String,
    pub reason: String,
}

impl From<delivery::Model> for DeliveryView {
    fn from(d: delivery::Model) -> Self {
        let error = d.error_code.map(|code| DeliveryError {
            code,
            reason: d.error_reason.unwrap_or_default(),
        });
        DeliveryView {
            // Rows are written from these vocabularies only.
            channel: d.channel.parse().unwrap_or(DeliveryChannel::Sms),
            state: d.state.parse().unwrap_or(DeliveryState::Pending),
            target: d.target,
            attempts: d.attempts,
            // While a node sends it, the time is its lease, not an attempt to come.
            next_attempt_at: d.next_attempt_at.filter(|_| d.lease_owner.is_none()),
            sent_at: d.sent_at,
            provider: d.provider,
            provider_message_id: d.provider_message_id,
            error,
            created_at: d.created_at,
        }
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

/// The sentence a person reads, from the notification's kind and details. A kind this version
/// does not know (written by a newer one) is logged, naming the row, and read as news on its ticket.
pub(crate) fn message(n: &notification::Model, lang: Lang) -> String {
    match n.kind.parse::<NoticeKind>() {
        Ok(kind) => words(kind, &n.details, lang),
        Err(unknown) => {
            tracing::error!(notification = %n.id, %unknown, "notification of an unknown kind");
            let number = n.details["ticket_number"].as_str().unwrap_or("");
            match lang {
                Lang::Zh => format!("工单 {number} 有新通知"),
                Lang::En => format!("News on ticket {number}"),
            }
        }
    }
}

/// What an answer in a conversation says: its text, or the bot's hand-off note worded from its
/// reason. The bot answers with an article, written in Markdown: it leaves as plain text, since
/// the channels that carry these words show no markup.
pub(crate) fn said(details: &Value, lang: Lang) -> String {
    let text = details["text"].as_str().unwrap_or_default();
    match details["handoff"].as_str().map(str::parse::<Handoff>) {
        Some(Ok(reason)) => text::bot_note(lang, reason).to_owned(),
        _ if details["bot"].as_bool() == Some(true) => crate::ui::markdown::plain(text),
        _ => text.to_owned(),
    }
}

/// Every kind in both languages: the match has no catch-all, so a new kind cannot go unworded.
fn words(kind: NoticeKind, details: &Value, lang: Lang) -> String {
    use NoticeKind as K;
    let number = details["ticket_number"].as_str().unwrap_or("");
    let text = |key: &str| details[key].as_str().unwrap_or("").to_owned();
    let clock = details["clock"]
        .as_str()
        .and_then(|c| c.parse::<ClockName>().ok())
        .map(|c| text::clock(lang, c));
    let share = text("step")
        .strip_prefix("warning:")
        .map(str::to_owned)
        .unwrap_or_default();
    let level = details["level"].as_u64().unwrap_or(1);
    let late = details["late_seconds"]
        .as_i64()
        .filter(|s| *s > 0)
        .map(|s| text::span(lang, chrono::Duration::seconds(s)));
    let yuan = details["total_cents"].as_f64().unwrap_or(0.0) / 100.0;
    match (kind, lang) {
        (K::SlaWarning, Lang::Zh) => {
            let clock = clock.unwrap_or("时限");
            format!("预警：工单 {number} 的{clock}时限已用去 {share}%")
        }
        (K::SlaWarning, Lang::En) => {
            let clock = clock.map_or("deadline".to_owned(), str::to_lowercase);
            format!("Warning: ticket {number} has used {share}% of its {clock} time")
        }
        (K::SlaEscalation, Lang::Zh) => {
            let clock = clock.unwrap_or("时限");
            match late {
                Some(late) => format!("升级（{level}级）：工单 {number} 的{clock}已超时 {late}"),
                None => format!("升级（{level}级）：工单 {number} 的{clock}已超时"),
            }
        }
        (K::SlaEscalation, Lang::En) => {
            let clock = clock.map_or("deadline".to_owned(), str::to_lowercase);
            match late {
                Some(late) => format!(
                    "Escalation level {level}: ticket {number} is {late} past its {clock} deadline"
                ),
                None => {
                    format!("Escalation level {level}: ticket {number} missed its {clock} deadline")
                }
            }
        }
        (K::EscalationRisk, Lang::Zh) => {
            format!("高风险：工单 {number} 的住户可能投诉至12345、媒体或法院，请立即跟进")
        }
        (K::EscalationRisk, Lang::En) => format!(
            "High risk: the resident of ticket {number} may go to 12345, the media or court; follow up now"
        ),
        (K::RatingLink, Lang::Zh) => format!("您的工单 {number} 已处理完成，请为本次服务评价"),
        (K::RatingLink, Lang::En) => {
            format!("Your request {number} is done: please rate our service")
        }
        (K::Rectification, Lang::Zh) => format!("整改：工单 {number} 的业主不满意，已重新打开"),
        (K::Rectification, Lang::En) => format!(
            "Rectification: the resident of ticket {number} is not satisfied; it is reopened"
        ),
        (K::RepeatComplaint, Lang::Zh) => {
            format!("重复投诉：工单 {number} 是同一住户30天内的再次投诉")
        }
        (K::RepeatComplaint, Lang::En) => format!(
            "Repeat complaint: ticket {number} repeats one from the same home within 30 days"
        ),
        (K::Praise, Lang::Zh) => format!("表扬：业主在工单 {number} 中表扬了您"),
        (K::Praise, Lang::En) => format!("Praise: a resident praised you in ticket {number}"),
        (K::NpsSurvey, Lang::Zh) => format!("邀请您参与调查：{}", text("campaign")),
        (K::NpsSurvey, Lang::En) => format!("You are invited to a survey: {}", text("campaign")),
        (K::JobAssigned, Lang::Zh) => format!("新派单：工单 {number} 已派给您"),
        (K::JobAssigned, Lang::En) => format!("New job: ticket {number} is assigned to you"),
        (K::DispatchQueued, Lang::Zh) => format!("待派：工单 {number} 无合适人员，请人工派单"),
        (K::DispatchQueued, Lang::En) => {
            format!("To dispatch: nobody fits ticket {number}; dispatch it by hand")
        }
        (K::TicketProgress, Lang::Zh) => format!(
            "进展：您首问的工单 {number} 有新动作（{}）",
            action_label(details, lang)
        ),
        (K::TicketProgress, Lang::En) => format!(
            "Progress on ticket {number} you own: {}",
            action_label(details, lang)
        ),
        (K::AssignmentTimeout, Lang::Zh) => {
            format!("超时未接单：工单 {number} 已自动改派或待人工派单")
        }
        (K::AssignmentTimeout, Lang::En) => format!(
            "Not accepted in time: ticket {number} was handed on, or waits for a dispatcher"
        ),
        (K::SubtaskAssigned, Lang::Zh) => format!("协办：工单 {number} 请协助“{}”", text("title")),
        (K::SubtaskAssigned, Lang::En) => {
            format!("Help needed on ticket {number}: {}", text("title"))
        }
        (K::JobOffered, Lang::Zh) => format!("可抢单：工单 {number}，先接者得"),
        (K::JobOffered, Lang::En) => {
            format!("Job on offer: ticket {number}, first to grab it wins")
        }
        (K::ChargesToConfirm, Lang::Zh) => {
            format!("收费确认：工单 {number} 的有偿服务合计 {yuan:.2} 元，请确认")
        }
        (K::ChargesToConfirm, Lang::En) => {
            format!("Please confirm: the paid service of ticket {number} comes to ¥{yuan:.2}")
        }
        (K::SignInCode, Lang::Zh) => format!(
            "您的登录验证码是 {}，5 分钟内有效，请勿告诉他人",
            text("code")
        ),
        (K::SignInCode, Lang::En) => format!(
            "Your sign-in code is {}. It works for 5 minutes; never share it",
            text("code")
        ),
        (K::OriginalProgress, Lang::Zh) => format!(
            "您的工单 {number} 与工单 {} 反映的是同一问题：该工单{}",
            text("original_number"),
            progress_label(details["progress"].as_str().unwrap_or(""), lang)
        ),
        (K::OriginalProgress, Lang::En) => format!(
            "Your request {number} reports the same problem as ticket {}, which is now {}",
            text("original_number"),
            progress_label(details["progress"].as_str().unwrap_or(""), lang)
        ),
        (K::ChargesDisputed, Lang::Zh) => format!("收费争议：工单 {number} 的业主对收费有异议"),
        (K::ChargesDisputed, Lang::En) => {
            format!("Disputed bill: the resident of ticket {number} disputes the charges")
        }
        (K::Chase, Lang::Zh) => format!("催单：业主在催促工单 {number}，请尽快处理并回复"),
        (K::Chase, Lang::En) => {
            format!("Chased: the resident is waiting on ticket {number}; act on it and reply")
        }
        (K::ConversationReply, Lang::Zh) => format!("物业回复：{}", said(details, lang)),
        (K::ConversationReply, Lang::En) => {
            format!("Reply from the property office: {}", said(details, lang))
        }
        (K::TicketAccepted, Lang::Zh) => {
            format!("您的工单 {number} 已受理，我们会尽快安排处理")
        }
        (K::TicketAccepted, Lang::En) => {
            format!("Your request {number} is taken in; we are arranging the work")
        }
        (K::TicketDispatched, Lang::Zh) => {
            format!(
                "您的工单 {number} 已派给{}，请保持电话畅通",
                text("technician")
            )
        }
        (K::TicketDispatched, Lang::En) => format!(
            "Your request {number} is given to {}, who will contact you",
            text("technician")
        ),
        (K::TechnicianArrived, Lang::Zh) => {
            format!("{}已到场处理您的工单 {number}", text("technician"))
        }
        (K::TechnicianArrived, Lang::En) => format!(
            "{} has arrived to work on your request {number}",
            text("technician")
        ),
        (K::WebhookPaused, Lang::Zh) => format!(
            "事件推送已暂停：{} 连续失败 {} 次，请检查接收方后在管理页恢复",
            text("url"),
            details["failures"].as_i64().unwrap_or(0)
        ),
        (K::WebhookPaused, Lang::En) => format!(
            "Webhook paused: {} failed {} times in a row; check the receiver, then resume it on the admin page",
            text("url"),
            details["failures"].as_i64().unwrap_or(0)
        ),
        (K::Announcement, Lang::Zh) => format!("物业公告：{}", text("title")),
        (K::Announcement, Lang::En) => {
            format!("Notice from the property office: {}", text("title"))
        }
        (K::AnnouncementReminder, Lang::Zh) => {
            format!("提醒：请查看物业公告《{}》", text("title"))
        }
        (K::AnnouncementReminder, Lang::En) => format!(
            "Reminder: please read the notice \"{}\" from the property office",
            text("title")
        ),
        (K::ArticleReview, Lang::Zh) => format!(
            "知识库文章「{}」已到复核日期（{}），请复核内容是否仍然准确",
            text("title"),
            text("review_by")
        ),
        (K::ArticleReview, Lang::En) => format!(
            "Knowledge base article \u{201c}{}\u{201d} is due for review ({}): check it is still right",
            text("title"),
            text("review_by")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_in_both_languages_with_their_own_punctuation() {
        let details = serde_json::json!({
            "ticket_number": "20261206-0001", "clock": "resolution", "step": "warning:80",
            "level": 2, "late_seconds": 5400, "campaign": "年度满意度", "title": "清理积水",
            "total_cents": 12000, "code": "123456", "original_number": "20261205-0003",
            "progress": "dispatched", "action": "dispatch", "technician": "张师傅",
        });
        for kind in NoticeKind::ALL {
            let zh = words(*kind, &details, Lang::Zh);
            let en = words(*kind, &details, Lang::En);
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{kind}");
            assert!(
                !en.contains(['：', '，', '；', '（']),
                "{kind} in English keeps Chinese punctuation: {en}"
            );
        }
        assert_eq!(
            words(NoticeKind::SlaEscalation, &details, Lang::En),
            "Escalation level 2: ticket 20261206-0001 is 1 h 30 min past its resolution deadline"
        );
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
    let ids: Vec<String> = page.items.iter().map(|n| n.id.clone()).collect();
    let mut deliveries = state.store.deliveries_of(&who.company_id, &ids).await?;
    Ok(axum::Json(PageOf::from_page(page, |n| {
        let sent = deliveries.remove(&n.id).unwrap_or_default();
        NotificationView::new(n, lang, sent)
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
    let sent = state
        .store
        .deliveries_of(&who.company_id, std::slice::from_ref(&n.id))
        .await?
        .remove(&n.id)
        .unwrap_or_default();
    Ok(axum::Json(NotificationView::new(
        n,
        Lang::from_headers(&headers),
        sent,
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
