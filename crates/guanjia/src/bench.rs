//! `guanjia bench`: tickets created per second over HTTP by concurrent clients, with p50/p95
//! latency, next to the same figures for a trivial handler (`/healthz`) measured in the same run.
//! By default it serves a fresh SQLite database in-process; `--database-url` picks another.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use guanjia_domain::place::ProjectKind;
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewStaff};
use guanjia_storage::{Principal, Store};
use serde_json::json;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds per measured phase.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Database to serve; default: a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// Measures reads on a database of many tickets instead of creation (see --tickets).
    #[arg(long)]
    read: bool,
    #[command(flatten)]
    read_args: crate::bench_read::ReadArgs,
}

const PASSWORD: &str = "bench-password";

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.read {
        return crate::bench_read::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.read_args,
        )
        .await;
    }
    let folder = std::env::temp_dir().join(format!("guanjia-bench-{}", std::process::id()));
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let username = format!("bench{}", std::process::id());
    let project_id = fixtures(&store, &username).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        axum::serve(
            listener,
            guanjia_web::app(store, guanjia_web::Settings::default()),
        )
        .await
    });
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"].as_str().context("login failed")?.to_owned();
    let duration = Duration::from_secs(args.seconds);
    println!(
        "database: {url}\nclients: {}, {} s per phase",
        args.clients, args.seconds
    );
    let reference = phase(args.clients, duration, {
        let (client, base) = (client.clone(), base.clone());
        move |_| {
            let request = client.get(format!("{base}/healthz"));
            async move {
                request
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        }
    })
    .await;
    reference.print("GET /healthz (reference)");
    let created = phase(args.clients, duration, move |n| {
        let body = json!({
            "project_id": project_id, "channel": "phone", "kind": "repair", "category": "repair.water",
            "description": format!("3栋2单元{}室厨房水管漏水，请尽快派人维修", 100 + n % 2000),
            "contact": { "name": "王先生", "phone": "13800138000" },
        });
        let request = client.post(format!("{base}/api/v1/tickets")).bearer_auth(&token).json(&body);
        async move { request.send().await.map(|r| r.status().as_u16() == 201).unwrap_or(false) }
    })
    .await;
    created.print("POST /api/v1/tickets");
    println!(
        "ratio: ticket creation runs at {:.3} of the reference rate",
        created.rate() / reference.rate()
    );
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}

/// A company, a project and an agent to create tickets as.
async fn fixtures(store: &Store, username: &str) -> anyhow::Result<String> {
    let now = Utc::now();
    let company = store.ensure_company("bench", "压测物业", now).await?;
    let admin = Principal::system(&company.id, "bench");
    let project = NewProject {
        code: username.to_owned(),
        name: "压测小区".into(),
        kind: ProjectKind::Residential,
        time_zone: "Asia/Shanghai".into(),
        address: None,
    };
    let project = store.create_project(&admin, project, now).await?;
    let agent = NewStaff {
        username: username.to_owned(),
        password: PASSWORD.into(),
        name: "压测客服".into(),
        role: Role::Agent,
        project_ids: vec![project.id.clone()],
        skills: vec![],
        phone: None,
    };
    store
        .create_staff(Some(&admin), &company.id, agent, now)
        .await?;
    Ok(project.id)
}

struct Outcome {
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        self.latencies.get(index).copied().unwrap_or_default()
    }

    fn print(&self, label: &str) {
        println!(
            "{label}: {} ok, {} failed, {:.1}/s, p50 {:.2} ms, p95 {:.2} ms",
            self.latencies.len(),
            self.failures,
            self.rate(),
            self.percentile(0.50).as_secs_f64() * 1000.0,
            self.percentile(0.95).as_secs_f64() * 1000.0,
        );
    }
}

/// Runs `clients` loops of `request` for `duration`; each request gets a sequence number.
async fn phase<F, Fut>(clients: usize, duration: Duration, request: F) -> Outcome
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed, mut n) = (Vec::new(), 0usize, client * 1_000_000);
            while started.elapsed() < duration {
                let sent = Instant::now();
                if request(n).await {
                    ok.push(sent.elapsed())
                } else {
                    failed += 1
                }
                n += 1;
            }
            (ok, failed)
        }));
    }
    let mut outcome = Outcome {
        latencies: Vec::new(),
        failures: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        if let Ok((ok, failed)) = task.await {
            outcome.latencies.extend(ok);
            outcome.failures += failed;
        }
    }
    outcome.elapsed = started.elapsed();
    outcome.latencies.sort();
    outcome
}
