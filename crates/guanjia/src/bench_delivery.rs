//! `guanjia bench --delivery`: delivery lag, from a notification written to the outbox to the
//! SMS provider receiving it, over many notifications arriving at a steady rate, with the
//! delivery worker as every node runs it against a local HTTP server that answers as Alibaba
//! Cloud SMS does (SendSms's JSON, `Code` `OK`), next to `/healthz` measured in the same run.
//! Notifications are written as the outbox holds them (a row and its pending SMS delivery),
//! in batches every 100 ms.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use chrono::{DateTime, Utc};
use guanjia_channels::{
    AliyunConfig, DeliveryConfig, Secret, Senders, SmsProvider, TemplateConfig,
};
use guanjia_domain::delivery::{DeliveryChannel, DeliveryState};
use guanjia_domain::notice::NoticeKind;
use guanjia_storage::entity::{delivery, notification};
use guanjia_storage::{Store, new_id};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::load::{Outcome, reference, serve_in_process};

#[derive(clap::Args, Debug, Clone)]
pub struct DeliveryArgs {
    /// Notifications written to the outbox (with --delivery).
    #[arg(long, default_value_t = 10_000)]
    notifications: usize,
    /// How many arrive per second (with --delivery).
    #[arg(long, default_value_t = 200)]
    per_second: usize,
    /// How often the worker looks when nothing wakes it, as `poll_millis` configures it.
    #[arg(long, default_value_t = 1000)]
    poll_millis: u64,
}

/// When the stand-in received each message, by its OutId (the delivery's id).
type Received = Arc<Mutex<HashMap<String, DateTime<Utc>>>>;

/// A local server answering SendSms as Alibaba Cloud does, noting when each message arrived.
async fn stand_in() -> anyhow::Result<(String, Received)> {
    let received: Received = Arc::default();
    let noted = received.clone();
    let router = Router::new().route(
        "/",
        post(move |body: String| {
            let noted = noted.clone();
            async move {
                let at = Utc::now();
                let form: Vec<(String, String)> =
                    serde_urlencoded::from_str(&body).unwrap_or_default();
                let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                let (Some("SendSms"), Some(_), Some(out_id)) =
                    (get("Action").as_deref(), get("Signature"), get("OutId"))
                else {
                    return axum::Json(json!({ "Code": "MissingParameter", "Message": "bad request", "RequestId": "bench" }));
                };
                noted.lock().expect("lock").insert(out_id.clone(), at);
                axum::Json(json!({ "Code": "OK", "Message": "OK", "RequestId": "bench", "BizId": format!("{out_id}^0") }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((base, received))
}

pub async fn run(
    clients: usize,
    seconds: u64,
    database_url: Option<String>,
    args: DeliveryArgs,
) -> anyhow::Result<()> {
    let folder =
        std::env::temp_dir().join(format!("guanjia-bench-delivery-{}", std::process::id()));
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let (endpoint, received) = stand_in().await?;
    let kind = NoticeKind::TicketAccepted;
    let config = DeliveryConfig {
        sms_provider: Some(SmsProvider::Aliyun),
        aliyun: Some(AliyunConfig {
            endpoint,
            access_key_id: "LTAI-bench".into(),
            access_key_secret: Secret::new("bench-secret"),
            sign_name: "压测物业".into(),
            region: "cn-hangzhou".into(),
        }),
        templates: [(
            kind.as_str().to_owned(),
            TemplateConfig {
                id: "SMS_BENCH".into(),
                params: vec!["ticket_number".into()],
            },
        )]
        .into(),
        // No quiet hours: the lag measured is the machine's, not the clock's.
        quiet_start: "00:00".into(),
        quiet_end: "00:00".into(),
        poll_millis: args.poll_millis,
        ..DeliveryConfig::default()
    };
    let senders = Senders::new(config).map_err(anyhow::Error::msg)?;
    let setup = guanjia_web::delivery_setup(&senders).map_err(anyhow::Error::msg)?;
    let store = Store::connect(&url).await?.with_delivery(setup);
    store.migrate().await?;
    let company = store
        .ensure_company("bench", "压测物业", Utc::now())
        .await?;
    let base = serve_in_process(store.clone()).await?;
    println!(
        "database: {url}\nnotifications: {} at {}/s, worker polling every {} ms",
        args.notifications, args.per_second, args.poll_millis
    );
    let client = reqwest::Client::new();
    let reference = reference(&client, &base, clients, Duration::from_secs(seconds)).await;

    guanjia_web::spawn_delivery(
        store.clone(),
        senders,
        "bench".into(),
        Duration::from_millis(args.poll_millis),
    );
    // A connection of the bench's own, writing as another node would, without logging each
    // statement.
    let mut options = sea_orm::ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    let db = sea_orm::Database::connect(options).await?;
    let mut written: HashMap<String, DateTime<Utc>> = HashMap::with_capacity(args.notifications);
    let batch = (args.per_second / 10).max(1);
    let started = std::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while written.len() < args.notifications {
        tick.tick().await;
        let now = Utc::now();
        let mut notes = Vec::new();
        let mut sends = Vec::new();
        for n in written.len()..(written.len() + batch).min(args.notifications) {
            let (note_id, delivery_id) = (new_id(), new_id());
            let phone = format!("139{:08}", n);
            notes.push(notification::ActiveModel {
                company_id: Set(company.id.clone()),
                id: Set(note_id.clone()),
                recipient_id: Set(phone.clone()),
                kind: Set(kind.as_str().to_owned()),
                ticket_id: Set(None),
                details: Set(json!({ "ticket_number": format!("B{n:06}") })),
                created_at: Set(now),
                read_at: Set(None),
                delivered_at: Set(None),
            });
            sends.push(delivery::ActiveModel {
                company_id: Set(company.id.clone()),
                id: Set(delivery_id.clone()),
                notification_id: Set(note_id),
                channel: Set(DeliveryChannel::Sms.as_str().to_owned()),
                target: Set(guanjia_domain::phone::mask_phone(&phone)),
                state: Set(DeliveryState::Pending.as_str().to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(Some(now)),
                lease_owner: Set(None),
                provider: Set(None),
                provider_message_id: Set(None),
                error_code: Set(None),
                error_reason: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                sent_at: Set(None),
            });
            written.insert(delivery_id, now);
        }
        notification::Entity::insert_many(notes)
            .exec_without_returning(&db)
            .await?;
        delivery::Entity::insert_many(sends)
            .exec_without_returning(&db)
            .await?;
    }
    let wrote = started.elapsed();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while received.lock().expect("lock").len() < args.notifications {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "only {} of {} reached the provider within two minutes",
            received.lock().expect("lock").len(),
            args.notifications
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = started.elapsed();
    let arrived = received.lock().expect("lock").clone();
    let lags: Vec<Duration> = written
        .iter()
        .filter_map(|(id, at)| Some((*arrived.get(id)? - *at).to_std().unwrap_or_default()))
        .collect();
    let missing = args.notifications - lags.len();
    let lag = Outcome::of(lags, missing, drained);
    lag.print(
        "outbox → provider (SMS, Alibaba stand-in)",
        Some(&reference),
    );
    println!(
        "written in {:.1} s, all at the provider after {:.1} s; lag p50 {:.1}× the /healthz p50",
        wrote.as_secs_f64(),
        drained.as_secs_f64(),
        lag.percentile(0.5).as_secs_f64() / reference.percentile(0.5).as_secs_f64()
    );
    anyhow::ensure!(
        missing == 0,
        "{missing} notifications never reached the provider"
    );
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}
