//! Load for the benchmarks: concurrent clients sending requests for a while, and the latencies
//! of those answered, with the rate and percentiles printed beside a reference.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// Serves the app over `store` on a free local port in this process; its base URL.
pub async fn serve_in_process(store: guanjia_storage::Store) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        axum::serve(
            listener,
            guanjia_web::app(store, guanjia_web::Settings::default()),
        )
        .await
    });
    Ok(base)
}

pub struct Outcome {
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

impl Outcome {
    /// Measurements taken some other way than by [`phase`] (each one's latency), over `elapsed`.
    pub fn of(mut latencies: Vec<Duration>, failures: usize, elapsed: Duration) -> Self {
        latencies.sort();
        Outcome {
            latencies,
            failures,
            elapsed,
        }
    }

    /// Requests that were not answered as expected.
    pub fn failures(&self) -> usize {
        self.failures
    }

    pub fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        self.latencies.get(index).copied().unwrap_or_default()
    }

    pub fn print(&self, label: &str, reference: Option<&Outcome>) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        print!(
            "{label:<44} {:>6} ok {:>3} failed {:>8.1}/s  p50 {:>8.2} ms  p95 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
            self.latencies.len(),
            self.failures,
            self.rate(),
            ms(self.percentile(0.50)),
            ms(self.percentile(0.95)),
            ms(self.percentile(0.99)),
            ms(self.latencies.last().copied().unwrap_or_default()),
        );
        match reference {
            Some(r) => println!(
                "  p95 {:.1}× the reference's",
                self.percentile(0.95).as_secs_f64() / r.percentile(0.95).as_secs_f64()
            ),
            None => println!(),
        }
    }
}

/// Runs `clients` loops of `request` for `duration`; each request gets a sequence number.
pub async fn phase<F, Fut>(clients: usize, duration: Duration, request: F) -> Outcome
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
