//! `guanjia bench --webhooks`: webhook delivery lag, from an event written to the outbox to the
//! receiver taking it, over many events arriving at a steady rate, with the webhook worker as
//! every node runs it posting to a local HTTP server that checks each signature as the README
//! tells receivers to, next to `/healthz` measured in the same run. Events are written as the
//! outbox holds them, in batches every 100 ms, about 1,000 tickets, so the order kept per
//! ticket is part of what is measured.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Utc};
use guanjia_channels::{WebhookSender, webhook_signature};
use guanjia_domain::machine::webhook::{BACKOFF, WebhookInput};
use guanjia_storage::entity::webhook_delivery;
use guanjia_storage::{Principal, SecretKey, Store, new_id};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::load::{Outcome, reference, serve_in_process};

#[derive(clap::Args, Debug, Clone)]
pub struct WebhookArgs {
    /// Events written to the outbox (with --webhooks).
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// How many arrive per second (with --webhooks).
    #[arg(long, default_value_t = 200)]
    event_rate: usize,
    /// How often the worker looks, as `webhook_poll_millis` configures it.
    #[arg(long, default_value_t = 200)]
    webhook_poll_millis: u64,
}

/// When the receiver took each delivery, by its id; and how many it refused.
#[derive(Default)]
struct Taken {
    at: HashMap<String, DateTime<Utc>>,
    bad_signatures: usize,
}

/// A local receiver: checks the signature of each POST and notes when it arrived.
async fn receiver(secret: Arc<Mutex<String>>) -> anyhow::Result<(String, Arc<Mutex<Taken>>)> {
    let taken: Arc<Mutex<Taken>> = Arc::default();
    let noted = taken.clone();
    let router = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let (noted, secret) = (noted.clone(), secret.clone());
            async move {
                let at = Utc::now();
                let expected = webhook_signature(&secret.lock().expect("lock"), &body);
                let signed = headers
                    .get("x-guanjia-signature")
                    .and_then(|v| v.to_str().ok())
                    == Some(expected.as_str());
                let mut taken = noted.lock().expect("lock");
                if !signed {
                    taken.bad_signatures += 1;
                    return StatusCode::UNAUTHORIZED;
                }
                let id = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|b| b["id"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                taken.at.entry(id).or_insert(at);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((url, taken))
}

pub async fn run(
    clients: usize,
    seconds: u64,
    database_url: Option<String>,
    args: WebhookArgs,
) -> anyhow::Result<()> {
    let folder =
        std::env::temp_dir().join(format!("guanjia-bench-webhooks-{}", std::process::id()));
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let key = SecretKey::from_passphrase("guanjia-bench-secret-key-not-for-production")
        .map_err(anyhow::Error::msg)?;
    let store = Store::connect(&url).await?.with_secret_key(key);
    store.migrate().await?;
    let company = store
        .ensure_company("bench", "压测物业", Utc::now())
        .await?;
    let admin = Principal::system(&company.id, "bench");
    // The subscription needs the receiver's address, and the receiver the subscription's secret.
    let secret = Arc::new(Mutex::new(String::new()));
    let (receiver_url, taken) = receiver(secret.clone()).await?;
    let input = WebhookInput {
        url: receiver_url,
        events: vec!["ticket.created".into()],
        project_ids: None,
        include_internal: None,
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let created = store.create_webhook(&admin, input, Utc::now()).await?;
    *secret.lock().expect("lock") = created.secret.clone();
    let base = serve_in_process(store.clone()).await?;
    println!(
        "database: {url}\nevents: {} at {}/s, worker polling every {} ms",
        args.events, args.event_rate, args.webhook_poll_millis
    );
    let client = reqwest::Client::new();
    let reference = reference(&client, &base, clients, Duration::from_secs(seconds)).await;
    guanjia_web::spawn_webhooks(
        store.clone(),
        guanjia_web::WebhookWorker {
            sender: WebhookSender::new(true).map_err(anyhow::Error::msg)?,
            node: "bench".into(),
            poll: Duration::from_millis(args.webhook_poll_millis),
            backoff: BACKOFF,
        },
    );
    // A connection of the bench's own, writing as another node's changes would.
    let mut options = sea_orm::ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    let db = sea_orm::Database::connect(options).await?;
    let tickets: Vec<String> = (0..1000).map(|_| new_id()).collect();
    let mut written: HashMap<String, DateTime<Utc>> = HashMap::with_capacity(args.events);
    let batch = (args.event_rate / 10).max(1);
    let started = std::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while written.len() < args.events {
        tick.tick().await;
        let now = Utc::now();
        let rows: Vec<webhook_delivery::ActiveModel> = (written.len()
            ..(written.len() + batch).min(args.events))
            .map(|n| {
                let id = new_id();
                written.insert(id.clone(), now);
                let ticket = &tickets[n % tickets.len()];
                webhook_delivery::ActiveModel {
                    company_id: Set(company.id.clone()),
                    id: Set(id),
                    webhook_id: Set(created.view.row.id.clone()),
                    event: Set("ticket.created".into()),
                    order_key: Set(ticket.clone()),
                    data: Set(json!({ "ticket": { "id": ticket, "number": format!("B{n:06}") } })),
                    occurred_at: Set(now),
                    state: Set("pending".into()),
                    attempts: Set(0),
                    next_attempt_at: Set(Some(now)),
                    lease_owner: Set(None),
                    last_status: Set(None),
                    last_error: Set(None),
                    delivered_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            })
            .collect();
        webhook_delivery::Entity::insert_many(rows)
            .exec_without_returning(&db)
            .await?;
    }
    let wrote = started.elapsed();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while taken.lock().expect("lock").at.len() < args.events {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "only {} of {} reached the receiver within two minutes",
            taken.lock().expect("lock").at.len(),
            args.events
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = started.elapsed();
    let taken = std::mem::take(&mut *taken.lock().expect("lock"));
    let lags: Vec<Duration> = written
        .iter()
        .filter_map(|(id, at)| Some((*taken.at.get(id)? - *at).to_std().unwrap_or_default()))
        .collect();
    let missing = args.events - lags.len();
    let lag = Outcome::of(lags, missing, drained);
    lag.print("outbox → webhook receiver (signed POST)", Some(&reference));
    println!(
        "written in {:.1} s, all at the receiver after {:.1} s; lag p50 {:.1}× the /healthz p50; {} bad signatures",
        wrote.as_secs_f64(),
        drained.as_secs_f64(),
        lag.percentile(0.5).as_secs_f64() / reference.percentile(0.5).as_secs_f64(),
        taken.bad_signatures,
    );
    anyhow::ensure!(missing == 0, "{missing} events never reached the receiver");
    anyhow::ensure!(taken.bad_signatures == 0, "some signatures did not verify");
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}
