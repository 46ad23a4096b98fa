//! `guanjia bench`: tickets created per second over HTTP by concurrent clients, with p50/p95/p99
//! and the slowest request, next to the same figures for a trivial handler (`/healthz`) measured in
//! the same run. Each ticket is a different Chinese message about one of 30 buildings and one of
//! many problems, with kind and category left to the server, so understanding and the duplicate
//! check do their real work. By default it serves a fresh SQLite database in-process;
//! `--database-url` picks another. `--read` and `--soak` measure reads and a long mixed load;
//! `--delivery` and `--wechat` the lag of a channel, out and in.

use std::time::Duration;

use guanjia_storage::Store;
use serde_json::json;

use crate::estate::{CHANNELS, fixtures, login, message};
use crate::load::{phase, reference, serve_in_process};
use crate::memory::Memory;

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
    /// A mixed soak instead of creation alone, against `guanjia serve` started as its own
    /// process: creations (some answered at once), queue and list reads, searches and ticket
    /// pages together; fails on any error, a p99 over 1 s or memory still growing at the end.
    #[arg(long, conflicts_with = "read")]
    soak: bool,
    /// Measures delivery lag instead: notifications from the outbox to a local SMS provider
    /// (see --notifications, --per-second, --poll-millis).
    #[arg(long, conflicts_with_all = ["read", "soak"])]
    delivery: bool,
    /// Measures the time from a WeChat push to the message showing in the inbox instead (see
    /// --messages).
    #[arg(long, conflicts_with_all = ["read", "soak", "delivery", "webhooks"])]
    wechat: bool,
    /// Measures webhook delivery lag instead: events from the outbox to a local receiver that
    /// checks each signature (see --events, --event-rate, --webhook-poll-millis).
    #[arg(long, conflicts_with_all = ["read", "soak", "delivery"])]
    webhooks: bool,
    #[command(flatten)]
    read_args: crate::bench_read::ReadArgs,
    #[command(flatten)]
    webhook_args: crate::bench_webhooks::WebhookArgs,
    #[command(flatten)]
    delivery_args: crate::bench_delivery::DeliveryArgs,
    #[command(flatten)]
    wechat_args: crate::bench_wechat::WechatArgs,
}

fn print_memory(when: &str) {
    if let Some(memory) = Memory::of_self() {
        println!("memory {when}: {memory} (server and load generator in one process)");
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.delivery {
        return crate::bench_delivery::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.delivery_args,
        )
        .await;
    }
    if args.wechat {
        return crate::bench_wechat::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.wechat_args,
        )
        .await;
    }
    if args.webhooks {
        return crate::bench_webhooks::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.webhook_args,
        )
        .await;
    }
    if args.read {
        return crate::bench_read::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.read_args,
        )
        .await;
    }
    if args.soak {
        return crate::bench_soak::run(args.clients, args.seconds, args.database_url).await;
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
    print_memory("idle");
    let base = serve_in_process(store).await?;
    let client = reqwest::Client::new();
    let token = login(&client, &base, &username).await?;
    let duration = Duration::from_secs(args.seconds);
    println!(
        "database: {url}\nclients: {}, {} s per phase",
        args.clients, args.seconds
    );
    let reference = reference(&client, &base, args.clients, duration).await;
    let created = phase(args.clients, duration, move |n| {
        let body = json!({
            "project_id": project_id, "channel": CHANNELS[n % CHANNELS.len()],
            "description": message(n),
            "contact": { "name": "王先生", "phone": format!("138{:08}", n % 100_000_000) },
        });
        let request = client
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            request
                .send()
                .await
                .map(|r| r.status().as_u16() == 201)
                .unwrap_or(false)
        }
    })
    .await;
    created.print("POST /api/v1/tickets", Some(&reference));
    print_memory("after the create load");
    println!(
        "ratio: ticket creation runs at {:.3} of the reference rate",
        created.rate() / reference.rate()
    );
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}
