//! 事件推送: webhook subscriptions. A company-wide admin subscribes a URL to events (and sees its
//! signing secret once, on the page the creation answers with), pauses and resumes it, sends a
//! test and sees what the receiver answered, reads its delivery log (a page at a time, from the
//! newest back) and replays one delivery.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use guanjia_domain::machine::webhook::{WebhookEvent, WebhookInput};
use guanjia_storage::WebhookView;
use guanjia_storage::entity::webhook_delivery;

use super::api_keys::{named, project_checks, project_names};
use super::{Faults, Fields, PageParam, admin_only, page_url, pages, render};
use crate::error::ApiError;
use crate::routes::webhooks::{WebhookTestResult, test_send};
use crate::state::AppState;
use crate::ui::choice::Choice;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::UiError;
use crate::ui::queue::Pages;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time;

pub struct HookRow {
    pub id: String,
    pub url: String,
    pub events: String,
    pub projects: String,
    pub active: bool,
    pub failures: i32,
}

impl HookRow {
    fn of(w: WebhookView, projects: &[(String, String)], session: &Session) -> Self {
        let lang = session.lang;
        HookRow {
            events: w
                .events
                .iter()
                .map(|e| text::webhook_event(lang, *e))
                .collect::<Vec<_>>()
                .join("、"),
            projects: named(&w.project_ids, projects, text::labels(lang)),
            active: w.row.active,
            failures: w.row.failures,
            id: w.row.id,
            url: w.row.url,
        }
    }
}

/// A subscription's signing secret, on the one page that shows it.
pub struct Issued {
    pub id: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "admin_webhooks.html")]
struct HooksPage {
    chrome: Chrome,
    t: &'static Labels,
    hooks: Vec<HookRow>,
    total: String,
    pages: Pages,
    events: Vec<Choice>,
    projects: Vec<Choice>,
    form: Fields,
    faults: Faults,
    issued: Option<Issued>,
}

fn event_checks(form: &Fields, session: &Session) -> Vec<Choice> {
    let chosen = form.all("events");
    WebhookEvent::ALL
        .iter()
        .map(|e| Choice {
            selected: chosen.iter().any(|c| c == e.as_str()),
            value: e.as_str().to_owned(),
            label: text::webhook_event(session.lang, *e).to_owned(),
        })
        .collect()
}

impl HooksPage {
    async fn load(
        state: &AppState,
        session: &Session,
        page: &PageParam,
        form: Fields,
        faults: Faults,
        issued: Option<Issued>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (projects, list) = tokio::try_join!(project_names(state, session), async {
            state
                .store
                .webhooks(&session.who, page.request())
                .await
                .map_err(|e| UiError::api(e, lang))
        })?;
        Ok(HooksPage {
            chrome: Chrome::signed_in(session, t.admin_webhooks, Nav::Admin, "/admin/webhooks"),
            t,
            total: super::count(lang, list.total),
            pages: pages(&list, |n| page_url("/admin/webhooks", n)),
            hooks: list
                .items
                .into_iter()
                .map(|w| HookRow::of(w, &projects, session))
                .collect(),
            events: event_checks(&form, session),
            projects: project_checks(&projects, &form),
            form,
            faults,
            issued,
        })
    }
}

/// `GET /admin/webhooks`: the subscriptions and the form for a new one.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(page): Query<PageParam>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let page = HooksPage::load(
        &state,
        &session,
        &page,
        Fields::default(),
        Faults::default(),
        None,
    );
    render(page.await?, None)
}

/// `POST /admin/webhooks`: subscribes and answers with the list showing the secret, this once.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let input = WebhookInput {
        url: form.one("url"),
        events: form.all("events"),
        project_ids: Some(form.all("project_ids")),
        include_internal: Some(form.ticked("include_internal")),
    };
    let created = async {
        let input = input.validate()?;
        Ok::<_, ApiError>(
            state
                .store
                .create_webhook(&session.who, input, Utc::now())
                .await?,
        )
    };
    let first = PageParam::default();
    let (form, faults, issued, error) = match created.await {
        Ok(c) => {
            let issued = Issued {
                id: c.view.row.id,
                secret: c.secret,
            };
            (Fields::default(), Faults::default(), Some(issued), None)
        }
        Err(error) => (form, Faults::of(&error, session.lang), None, Some(error)),
    };
    let page = HooksPage::load(&state, &session, &first, form, faults, issued);
    render(page.await?, error.as_ref())
}

/// One delivery of the log, in words.
pub struct DeliveryRow {
    pub id: String,
    pub event: String,
    pub state: String,
    pub status: String,
    pub attempts: i32,
    pub time: String,
    pub error: String,
}

/// What the receiver answered a test post, in words.
pub struct Tested {
    pub delivered: bool,
    pub line: String,
}

impl Tested {
    fn of(r: WebhookTestResult, t: &Labels) -> Self {
        let said = [
            r.status.map(|s| format!("HTTP {s}")),
            r.body.filter(|b| !b.is_empty()),
            r.error,
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        Tested {
            line: format!(
                "{}：{said}",
                if r.delivered {
                    t.test_delivered
                } else {
                    t.test_failed
                }
            ),
            delivered: r.delivered,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_webhook.html")]
struct HookPage {
    chrome: Chrome,
    t: &'static Labels,
    hook: HookRow,
    deliveries: Vec<DeliveryRow>,
    /// The next page of the log (older deliveries), if there is one.
    older: Option<String>,
    tested: Option<Tested>,
    done: Option<&'static str>,
}

impl HookPage {
    async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        page: &LogPage,
        tested: Option<Tested>,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let (projects, hook, (log, more)) = tokio::try_join!(
            project_names(state, session),
            async {
                state
                    .store
                    .webhook(&session.who, id)
                    .await
                    .map_err(|e| UiError::api(e, lang))
            },
            async {
                let before = page.before.as_deref();
                state
                    .store
                    .webhook_log(&session.who, id, before, super::PER_PAGE)
                    .await
                    .map_err(|e| UiError::api(e, lang))
            },
        )?;
        let zone = chrono_tz::Asia::Shanghai;
        let row = |d: webhook_delivery::Model| DeliveryRow {
            event: d
                .event
                .parse::<WebhookEvent>()
                .map_or(d.event.clone(), |e| text::webhook_event(lang, e).to_owned()),
            status: d.last_status.map_or_else(String::new, |s| s.to_string()),
            attempts: d.attempts,
            time: time::full(d.delivered_at.unwrap_or(d.occurred_at), zone),
            error: d.last_error.unwrap_or_default(),
            state: match d.state.as_str() {
                "pending" => t.delivery_pending,
                "sending" => t.delivery_sending,
                "delivered" => t.delivery_delivered,
                _ => t.delivery_failed,
            }
            .to_owned(),
            id: d.id,
        };
        let base = format!("/admin/webhooks/{id}");
        let older = log
            .last()
            .filter(|_| more)
            .map(|d| format!("{base}?before={}", d.id));
        Ok(HookPage {
            chrome: Chrome::signed_in(session, &hook.row.url, Nav::Admin, &base),
            t,
            older,
            deliveries: log.into_iter().map(row).collect(),
            hook: HookRow::of(hook, &projects, session),
            tested,
            done: page.done.map(|d| d.words(t)),
        })
    }
}

/// Where the delivery log starts: after the delivery `before`, or at the newest.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LogPage {
    pub before: Option<String>,
    pub done: Option<super::Done>,
}

/// `GET /admin/webhooks/{id}`: the subscription, its state and its delivery log.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(page): Query<LogPage>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    render(
        HookPage::load(&state, &session, &id, &page, None).await?,
        None,
    )
}

/// `POST /admin/webhooks/{id}/test`: posts a signed ping now and shows what came back.
pub async fn test(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let lang = session.lang;
    let result = test_send(&state, &session.who, &id)
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let tested = Tested::of(result, text::labels(lang));
    let newest = LogPage::default();
    let page = HookPage::load(&state, &session, &id, &newest, Some(tested));
    render(page.await?, None)
}

/// `POST /admin/webhooks/{id}/active`: pauses (`active=false`) or resumes a subscription.
pub async fn set_active(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    state
        .store
        .set_webhook_active(&session.who, &id, form.one("active") == "true", Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    super::done(&super::Done::Saved.at(&format!("/admin/webhooks/{id}")))
}

/// `POST /admin/webhooks/{id}/deliveries/{delivery_id}/replay`: sends one delivery again.
pub async fn replay(
    State(state): State<AppState>,
    session: Session,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    state
        .store
        .replay_webhook_delivery(&session.who, &id, &delivery_id, Utc::now())
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    super::done(&super::Done::Saved.at(&format!("/admin/webhooks/{id}")))
}
