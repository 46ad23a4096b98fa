//! Load for the benchmarks: the server they load (in this process, or `guanjia serve` as its own),
//! concurrent clients sending requests for a while, and the latencies of those answered, with the
//! rate and percentiles printed beside a reference.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

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

/// `guanjia serve` (this very binary) running as its own process on a free local port, so that
/// its memory is the server's alone; killed when dropped. Its log's warnings and errors are
/// passed on to this process's standard error.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts the server on `url`, keeping uploads under `files_dir`, once it listens.
    pub async fn start(url: &str, files_dir: &Path) -> anyhow::Result<ServerProcess> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .env("GUANJIA_DATABASE_URL", url)
            .env("GUANJIA_LISTEN", "127.0.0.1:0")
            .env("GUANJIA_FILES_DIR", files_dir)
            .env("GUANJIA_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting guanjia serve")?;
        let stderr = child.stderr.take().context("the server's log")?;
        let listening = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stderr).lines();
            let base = lines.by_ref().map_while(Result::ok).find_map(|line| {
                let at = line.find("listening on http://")?;
                Some(line[at + "listening on ".len()..].trim().to_owned())
            });
            // Keeps reading, so the server never blocks on a full pipe.
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    if line.contains(" WARN ") || line.contains(" ERROR ") {
                        eprintln!("server: {line}");
                    }
                }
            });
            base
        });
        // Made before the wait, so that a server that never listens is killed too.
        let mut server = ServerProcess {
            child,
            base: String::new(),
        };
        server.base = listening
            .await?
            .context("guanjia serve ended before it listened")?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// The reference every benchmark reports beside its figures: `GET /healthz`, a handler that does
/// nothing, by `clients` loops for `duration`, measured and printed.
pub async fn reference(
    client: &reqwest::Client,
    base: &str,
    clients: usize,
    duration: Duration,
) -> Outcome {
    let (client, url) = (client.clone(), format!("{base}/healthz"));
    let outcome = phase(clients, duration, move |_| {
        let request = client.get(&url);
        async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    outcome.print("GET /healthz (reference)", None);
    outcome
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
