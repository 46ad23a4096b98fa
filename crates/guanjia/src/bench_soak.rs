//! `guanjia bench --soak`: a long mixed load by concurrent clients (creations, some answered at
//! once, queue and list pages, searches and ticket pages) against `guanjia serve` started as its
//! own process, after `/healthz` measured as the reference. Every so often it notes the server's
//! resident memory, the requests answered and the tickets stored, and prints them as a table, so
//! one sees whether throughput stays flat as tickets grow and whether memory levels off. It fails
//! on any error, a p99 over 1 s, or memory that grows by more than a bound in the second half.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::ensure;
use guanjia_storage::Store;
use serde_json::json;
use tokio::sync::oneshot;

use crate::estate::{CHANNELS, fixtures, login, message};
use crate::load::{Outcome, ServerProcess, phase, reference};
use crate::memory::Memory;

/// The slowest a soak's 99th percentile may be.
const SOAK_P99: Duration = Duration::from_secs(1);

/// How much the server's anonymous memory (heap and stacks) may grow in the soak's second half,
/// its first half being the warm-up (caches filled, pools opened, the allocator's arenas made). A
/// leak of a few hundred bytes per request exceeds it within minutes at the soak's pace. Resident
/// memory is shown too, but not bounded: it also counts the pages of the (debug) binary that code
/// run for the first time late in the soak brings in, which no request holds.
const SECOND_HALF_GROWTH_MB: f64 = 8.0;

/// Rows of the table: the soak is sampled this many times, evenly.
const WINDOWS: u32 = 12;

/// The reference needs only a few seconds to be steady.
const REFERENCE_TIME: Duration = Duration::from_secs(10);

/// The server's state at one moment of the soak.
struct Sample {
    at: Duration,
    memory: Option<Memory>,
    answered: usize,
    tickets: Option<u64>,
}

/// What a sample reads: the server's process, and its ticket list for the count.
#[derive(Clone)]
struct Probe {
    pid: u32,
    client: reqwest::Client,
    base: String,
    token: String,
    answered: Arc<AtomicUsize>,
}

impl Probe {
    async fn sample(&self, started: Instant) -> Sample {
        let tickets = async {
            let page: serde_json::Value = self
                .client
                .get(format!("{}/api/v1/tickets?per_page=1", self.base))
                .bearer_auth(&self.token)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            page["total"].as_u64()
        };
        Sample {
            at: started.elapsed(),
            memory: Memory::of(self.pid),
            answered: self.answered.load(Ordering::Relaxed),
            tickets: tickets.await,
        }
    }

    /// Samples every `every` from now until told to stop.
    async fn sample_until(self, every: Duration, stop: oneshot::Receiver<()>) -> Vec<Sample> {
        let started = Instant::now();
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut stop = std::pin::pin!(stop);
        let mut samples = Vec::new();
        loop {
            tokio::select! {
                _ = tick.tick() => samples.push(self.sample(started).await),
                _ = &mut stop => break,
            }
        }
        // The last row is the state at the end of the load, instead of a sample just before it.
        let end = self.sample(started).await;
        match samples.last_mut() {
            Some(last) if end.at - last.at < every / 2 => *last = end,
            _ => samples.push(end),
        }
        samples
    }
}

pub async fn run(clients: usize, seconds: u64, database_url: Option<String>) -> anyhow::Result<()> {
    let folder = std::env::temp_dir().join(format!("guanjia-soak-{}", std::process::id()));
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/soak.db", folder.display()));
    let username = format!("soak{}", std::process::id());
    let project_id = {
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        fixtures(&store, &username).await?
    };
    let server = ServerProcess::start(&url, &folder.join("files")).await?;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let probe_client = client.clone();
    let probe_base = base.clone();
    let token = login(&client, &base, &username).await?;
    println!(
        "database: {url}\nclients: {clients}, {seconds} s of mixed load against guanjia serve (pid {})",
        server.pid()
    );
    let at_start = Memory::of(server.pid());
    let reference = reference(&client, &base, clients, REFERENCE_TIME).await;
    let duration = Duration::from_secs(seconds);
    let answered = Arc::new(AtomicUsize::new(0));
    let probe = Probe {
        pid: server.pid(),
        client: client.clone(),
        base: base.clone(),
        token: token.clone(),
        answered: answered.clone(),
    };
    let (stop, stopped) = oneshot::channel();
    let sampler = tokio::spawn(probe.sample_until(duration / WINDOWS, stopped));
    let mixed = phase(clients, duration, move |n| {
        let request = soak_request(
            client.clone(),
            base.clone(),
            token.clone(),
            project_id.clone(),
            n,
        );
        let answered = answered.clone();
        async move {
            let ok = request.await;
            answered.fetch_add(1, Ordering::Relaxed);
            ok
        }
    })
    .await;
    let _ = stop.send(());
    let samples = sampler.await?;
    mixed.print(
        "mixed: create, answer, queue, list, search, page",
        Some(&reference),
    );
    print_samples(&samples, &reference);
    let growth = print_memory(at_start, &samples);
    print_slowest_routes(&probe_client, &probe_base).await;
    drop(server);
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    ensure!(
        mixed.failures() == 0,
        "the soak had {} failed requests",
        mixed.failures()
    );
    ensure!(
        mixed.percentile(0.99) < SOAK_P99,
        "the soak's p99 is {:?}, over {SOAK_P99:?}",
        mixed.percentile(0.99)
    );
    if let Some(growth) = growth {
        ensure!(
            growth <= SECOND_HALF_GROWTH_MB,
            "the server's heap grew by {growth:.1} MB in the soak's second half, over {SECOND_HALF_GROWTH_MB} MB"
        );
    }
    Ok(())
}

/// The routes whose 99th percentile was slowest, read from the server's own metrics, so a soak
/// that fails says where its time went.
async fn print_slowest_routes(client: &reqwest::Client, base: &str) {
    let Some(text) = async {
        client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()
    }
    .await
    else {
        return;
    };
    let mut slowest = slowest_routes(&text);
    slowest.truncate(5);
    println!("slowest routes by the server's p99 (the latency bucket it falls in):");
    for (p99, route) in slowest {
        println!("  ≤ {:>9.1} ms  {route}", p99 * 1000.0);
    }
}

/// The p99 of each route, method and status from the Prometheus text, slowest first: the upper
/// bound of the first latency bucket holding 99% of its requests (a request over the last bound
/// counts as infinitely slow).
fn slowest_routes(metrics: &str) -> Vec<(f64, String)> {
    // Per series: its (bound, cumulative count) buckets, in the text's order (ascending bounds).
    let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for line in metrics.lines() {
        let Some((labels, count)) = line
            .strip_prefix("guanjia_http_request_seconds_bucket{")
            .and_then(|l| l.split_once('}'))
        else {
            continue;
        };
        let label = |name: &str| {
            labels.split(',').find_map(|pair| {
                Some(
                    pair.strip_prefix(name)?
                        .strip_prefix("=\"")?
                        .trim_end_matches('"'),
                )
            })
        };
        let (Some(method), Some(route), Some(status), Some(le), Ok(count)) = (
            label("method"),
            label("route"),
            label("status"),
            label("le"),
            count.trim().parse::<f64>(),
        ) else {
            continue;
        };
        let bound = if le == "+Inf" {
            f64::INFINITY
        } else {
            match le.parse() {
                Ok(bound) => bound,
                Err(_) => continue,
            }
        };
        let name = format!("{method} {route} → {status}");
        match series.iter_mut().find(|(n, _)| *n == name) {
            Some((_, buckets)) => buckets.push((bound, count)),
            None => series.push((name, vec![(bound, count)])),
        }
    }
    let mut routes: Vec<(f64, String)> = series
        .into_iter()
        .filter_map(|(name, buckets)| {
            let total = buckets.last()?.1;
            let p99 = buckets
                .iter()
                .find(|(_, cumulative)| *cumulative >= 0.99 * total)?
                .0;
            Some((p99, name))
        })
        .collect();
    routes.sort_by(|a, b| b.0.total_cmp(&a.0));
    routes
}

/// The table of samples: per window, the rate of answers (also as a share of the reference's)
/// and the server's memory and tickets at its end.
fn print_samples(samples: &[Sample], reference: &Outcome) {
    println!(
        "{:>8} {:>12} {:>12} {:>12} {:>12} {:>9}",
        "time", "resident MB", "heap MB", "answered/s", "× reference", "tickets"
    );
    let mut previous: Option<&Sample> = None;
    for sample in samples {
        let rate = previous.map(|p| {
            (sample.answered - p.answered) as f64 / (sample.at - p.at).as_secs_f64().max(1e-3)
        });
        let shown = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        println!(
            "{:>6} s {:>12} {:>12} {:>12} {:>12} {:>9}",
            sample.at.as_secs(),
            shown(sample.memory.map(|m| format!("{:.1}", m.resident_mb))),
            shown(sample.memory.map(|m| format!("{:.1}", m.anonymous_mb))),
            shown(rate.map(|r| format!("{r:.1}"))),
            shown(rate.map(|r| format!("{:.4}", r / reference.rate()))),
            shown(sample.tickets.map(|t| t.to_string())),
        );
        previous = Some(sample);
    }
}

/// Prints the server's memory at the start, after the warm-up (the first half) and at the end;
/// the second half's growth of its heap in MB, where the system reports memory.
fn print_memory(at_start: Option<Memory>, samples: &[Sample]) -> Option<f64> {
    let end = samples.last()?;
    let half = end.at / 2;
    let warm = samples.iter().min_by_key(|s| s.at.abs_diff(half))?;
    let (start, warm_memory, end_memory) = (at_start?, warm.memory?, end.memory?);
    let growth = end_memory.anonymous_mb - warm_memory.anonymous_mb;
    println!(
        "server memory (resident, of it heap): {:.1}/{:.1} MB at the start, {:.1}/{:.1} MB after the warm-up ({} s), {:.1}/{:.1} MB at the end ({} s), {:.1} MB resident at its peak; heap in the second half {growth:+.1} MB (bound {SECOND_HALF_GROWTH_MB} MB)",
        start.resident_mb,
        start.anonymous_mb,
        warm_memory.resident_mb,
        warm_memory.anonymous_mb,
        warm.at.as_secs(),
        end_memory.resident_mb,
        end_memory.anonymous_mb,
        end.at.as_secs(),
        end_memory.peak_mb,
    );
    Some(growth)
}

/// The `n`th request of the soak's mix, true when it was answered as expected: of ten, three
/// creations, one creation answered at once (two writes), two queue pages by deadline, two lists
/// of new tickets, a search by phone and a ticket page found by number.
async fn soak_request(
    client: reqwest::Client,
    base: String,
    token: String,
    project_id: String,
    n: usize,
) -> bool {
    let phone = format!("139{:08}", n % 5_000);
    let create = || {
        client
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&json!({
                "project_id": project_id, "channel": CHANNELS[n % CHANNELS.len()],
                "description": message(n), "contact": { "name": "李女士", "phone": phone },
            }))
            .send()
    };
    let get = |path: String| {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .send()
    };
    let ok = |r: reqwest::Result<reqwest::Response>, status: u16| {
        r.is_ok_and(|r| r.status().as_u16() == status)
    };
    match n % 10 {
        0..=2 => ok(create().await, 201),
        3 => {
            let Ok(created) = create().await else {
                return false;
            };
            let Ok(ticket) = created.json::<serde_json::Value>().await else {
                return false;
            };
            let Some(id) = ticket["id"].as_str() else {
                return false;
            };
            let answer = client
                .post(format!("{base}/api/v1/tickets/{id}/actions"))
                .bearer_auth(&token)
                .json(&json!({ "action": "respond", "body": "已收到，师傅马上联系您" }))
                .send()
                .await;
            ok(answer, 200)
        }
        4 | 5 => ok(
            get("/api/v1/tickets?sort=due&per_page=20".into()).await,
            200,
        ),
        6 | 7 => ok(
            get("/api/v1/tickets?status=new&per_page=20".into()).await,
            200,
        ),
        8 => ok(get(format!("/api/v1/tickets?q={phone}")).await, 200),
        _ => {
            let Ok(found) = get("/api/v1/tickets?per_page=1".into()).await else {
                return false;
            };
            let Ok(page) = found.json::<serde_json::Value>().await else {
                return false;
            };
            match page["items"][0]["id"].as_str() {
                Some(id) => ok(get(format!("/api/v1/tickets/{id}")).await, 200),
                None => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::slowest_routes;

    #[test]
    fn the_slowest_routes_come_from_the_buckets_holding_99_percent() {
        // GET: 100 requests, 99 within 0.1 s → p99 ≤ 0.1 s. POST: 100, 98 within 0.1 s, all within
        // 0.5 s → p99 ≤ 0.5 s.
        let text = r#"guanjia_http_request_seconds_bucket{route="/api/v1/tickets",method="GET",status="200",le="0.05"} 90
guanjia_http_request_seconds_bucket{route="/api/v1/tickets",method="GET",status="200",le="0.1"} 99
guanjia_http_request_seconds_bucket{route="/api/v1/tickets",method="GET",status="200",le="+Inf"} 100
guanjia_http_request_seconds_bucket{route="/api/v1/tickets",method="POST",status="201",le="0.1"} 98
guanjia_http_request_seconds_bucket{route="/api/v1/tickets",method="POST",status="201",le="0.5"} 100
guanjia_http_request_seconds_bucket{route="/api/v1/tickets",method="POST",status="201",le="+Inf"} 100
guanjia_http_request_seconds_count{route="/api/v1/tickets",method="POST",status="201"} 100"#;
        assert_eq!(
            slowest_routes(text),
            vec![
                (0.5, "POST /api/v1/tickets → 201".to_owned()),
                (0.1, "GET /api/v1/tickets → 200".to_owned()),
            ]
        );
    }
}
