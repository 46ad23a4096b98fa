//! Guanjia's HTTP layer: the v1 JSON API, health, metrics and OpenAPI, and the web pages, over
//! `guanjia-storage`.

mod delivery;
mod email;
mod error;
mod explanation;
mod export;
mod extract;
mod hotline_sheet;
mod housekeeping;
mod i18n;
mod input_guard;
mod iot;
mod kb_sheet;
mod machine;
mod paging;
mod routes;
mod scheduler;
mod security_headers;
mod state;
mod ui;
mod webhooks;
mod wechat;
mod words;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use guanjia_channels::Senders;
use guanjia_storage::Store;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use delivery::{deliver_due, delivery_setup, spawn_delivery};
pub use email::{MAILBOX_LEASE, MailboxError, read_mailbox, spawn_email};
pub use error::{ApiError, ErrorCode};
pub use housekeeping::{
    DEFAULT_ALARM_RETENTION_DAYS, DEFAULT_WEBHOOK_RETENTION_DAYS, Retention, SWEEP_FILES_PER_RUN,
    forget_old_alarms, forget_old_webhook_deliveries, spawn_housekeeping,
};
pub use i18n::Lang;
pub use iot::{MqttSettings, spawn_mqtt};
pub use scheduler::spawn_scheduler;
pub use state::{AppState, Settings};
pub use webhooks::{WebhookWorker, deliver_webhooks_due, spawn_webhooks};
pub use wechat::media::{fetch_wechat_media_due, spawn_wechat_media};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(info(
    title = "Guanjia (管家) API",
    version = "1",
    description = "Customer service for property management."
))]
struct ApiDoc;

/// How often the recorder's latency samples are folded into its summaries. Until they are, it
/// keeps every sample recorded (8 bytes a request): a server nobody scraped grew without end.
const METRICS_UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process-wide Prometheus recorder (a process may build several apps, e.g. in tests), with
/// the thread that keeps its memory bounded.
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = latency_buckets(PrometheusBuilder::new()).build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed by an embedding program; ours still renders.
            let _ = metrics::set_global_recorder(recorder);
            let upkept = handle.clone();
            // A thread rather than a task: the recorder outlives any one runtime that builds an app.
            let started = std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(METRICS_UPKEEP_EVERY);
                        upkept.run_upkeep();
                    }
                });
            if let Err(e) = started {
                tracing::warn!(error = %e, "no metrics upkeep thread: latency samples are kept until /metrics is read");
            }
            handle
        })
        .clone()
}

/// Request latencies (seconds) are counted in these buckets; deliveries' lags in the second set.
const REQUEST_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const LAG_BUCKETS: &[f64] = &[
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
];

/// Latencies as histograms with fixed buckets rather than the recorder's default summaries: a
/// summary keeps a fine-grained sketch per route, method and status (up to ~0.75 MB each, growing
/// as latencies spread), so a server's memory grew with every route it answered; a histogram is a
/// dozen counters, and unlike quantiles it adds up across nodes.
fn latency_buckets(builder: PrometheusBuilder) -> PrometheusBuilder {
    let lags = Matcher::Suffix("_lag_seconds".into());
    match builder
        .set_buckets(REQUEST_BUCKETS)
        .and_then(|b| b.set_buckets_for_metric(lags, LAG_BUCKETS))
    {
        Ok(builder) => builder,
        // Only an empty list is refused, and neither is.
        Err(e) => {
            tracing::warn!(error = %e, "latency buckets refused: latencies are kept as summaries");
            PrometheusBuilder::new()
        }
    }
}

/// The OpenAPI document and the routes it describes, built from the same handler annotations,
/// and which of those routes export.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi, export::Routes) {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::auth::router())
        .merge(routes::announcements::router())
        .merge(routes::api_keys::router())
        .merge(routes::calendars::router())
        .merge(routes::calls::router())
        .merge(routes::dispatch::router())
        .merge(routes::figures::router())
        .merge(routes::hotline::router())
        .merge(routes::photos::router())
        .merge(routes::praise::router())
        .merge(routes::ratings::router())
        .merge(routes::surveys::router())
        .merge(routes::notifications::router())
        .merge(routes::deliveries::router())
        .merge(routes::sla::router())
        .merge(routes::intake::router())
        .merge(routes::incidents::router())
        .merge(routes::inspections::router())
        .merge(routes::scorecards::router())
        .merge(routes::kb::router())
        .merge(routes::bot::router())
        .merge(routes::checklists::router())
        .merge(routes::scripts::router())
        .merge(routes::places::router())
        .merge(routes::devices::router())
        .merge(routes::iot::router())
        .merge(routes::residents::router())
        .merge(routes::profiles::router())
        .merge(routes::staff::router())
        .merge(routes::taxonomy::router())
        .merge(routes::tickets::router())
        .merge(routes::training::router())
        .merge(routes::company::router())
        .merge(routes::conversations::router())
        .merge(routes::wechat_accounts::router())
        .merge(routes::wecom_robots::router())
        .merge(routes::webhooks::router())
        .split_for_parts();
    let exports = export::document(&mut openapi);
    error::document_errors(&mut openapi);
    (router, openapi, exports)
}

/// The whole application over `store`, sending nothing itself (a robot's test post answers
/// that delivery is not set up).
pub fn app(store: Store, settings: Settings) -> Router {
    app_with_senders(store, settings, None)
}

/// The whole application over `store`, with the providers a request may send through (an
/// admin's test post to a WeCom robot).
pub fn app_with_senders(store: Store, settings: Settings, senders: Option<Senders>) -> Router {
    let (api, openapi, exports) = api();
    let store = store.with_loop_rules(settings.rules);
    let state = AppState {
        store,
        settings,
        metrics: metrics_handle(),
        senders,
        key_rate: Default::default(),
    };
    let api = api.layer(export::layer(exports, state.clone()));
    Router::new()
        .merge(api)
        .merge(routes::system::router(openapi))
        .merge(ui::router())
        .merge(wechat::callback::router())
        .fallback(|| async { ApiError::new(ErrorCode::NotFound) })
        .method_not_allowed_fallback(|| async { ApiError::new(ErrorCode::MethodNotAllowed) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(input_guard::refuse_unreadable_input))
        // Inside the layers below, so a panic is counted and answered with the JSON error too.
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(ErrorCode::Internal).into_response()
        }))
        .layer(middleware::from_fn(record_request))
        .layer(middleware::from_fn(error::localize))
        .layer(middleware::from_fn(security_headers::add))
        .with_state(state)
}

/// The OpenAPI document alone, for tools.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// Counts requests and their latency per route and status.
async fn record_request(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status)];
    metrics::counter!("guanjia_http_requests_total", &labels).increment(1);
    metrics::histogram!("guanjia_http_request_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
