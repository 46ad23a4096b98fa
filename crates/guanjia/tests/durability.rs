//! kill -9 durability: several clients create tickets over HTTP while the server is killed with
//! SIGKILL mid-load; after a restart on the same database every ticket the server acknowledged
//! (201) is there — over several trials, on SQLite and PostgreSQL.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Running, binary, database, login, serve};

const TRIALS: usize = 5;
const CLIENTS: usize = 6;
const PASSWORD: &str = "a-long-secret";

/// A database with the schema and one admin, made with the binary's own commands.
fn first_admin(url: &str) {
    let status = binary()
        .arg("migrate")
        .env("GUANJIA_DATABASE_URL", url)
        .env("GUANJIA_LOG", "warn")
        .status()
        .unwrap();
    assert!(status.success(), "migrate");
    let mut create = binary()
        .args(["user", "create", "--username", "boss", "--role", "admin"])
        .env("GUANJIA_DATABASE_URL", url)
        .env("GUANJIA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(create.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(create.wait().unwrap().success(), "user create");
}

/// One client: creates tickets until the server stops answering, recording each acknowledged id.
async fn create_until_killed(
    base: String,
    token: String,
    project: String,
    client: usize,
    trial: usize,
    acknowledged: Arc<Mutex<Vec<String>>>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    for n in 0.. {
        let sent = http
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&json!({
                "project_id": project,
                "channel": "app",
                "description": format!("第{trial}轮 客户{client} 第{n}单：楼道灯不亮"),
            }))
            .send()
            .await;
        // The kill shows as a refused or reset connection: this client's work is over.
        let Ok(response) = sent else { return };
        let status = response.status();
        let Ok(body) = response.json::<Value>().await else {
            return;
        };
        assert_eq!(status, StatusCode::CREATED, "create a ticket: {body}");
        acknowledged
            .lock()
            .unwrap()
            .push(body["id"].as_str().expect("ticket id").to_owned());
    }
}

/// Asks the server for every acknowledged ticket; returns the ids it does not know.
async fn missing(server: &Running, token: &str, ids: &[String]) -> Vec<String> {
    let http = reqwest::Client::new();
    let mut lost = vec![];
    for id in ids {
        let response = http
            .get(format!("{}/api/v1/tickets/{id}", server.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => lost.push(id.clone()),
            other => panic!("GET ticket {id}: {other}"),
        }
    }
    lost
}

async fn acknowledged_tickets_survive_kill_9(postgres: bool) {
    let url = database(postgres, "kill9").await;
    first_admin(&url);
    let server = serve(&url, false);
    let token = login(&server.base, "boss", PASSWORD).await;
    let project: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/projects", server.base))
        .bearer_auth(&token)
        .json(&json!({ "code": "KILL9", "name": "断电小区" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let project = project["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{project}"))
        .to_owned();
    let mut running = server;

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    for trial in 0..TRIALS {
        let token = login(&running.base, "boss", PASSWORD).await;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                tokio::spawn(create_until_killed(
                    running.base.clone(),
                    token.clone(),
                    project.clone(),
                    client,
                    trial,
                    acknowledged.clone(),
                ))
            })
            .collect();
        // Kill at a different point of each trial, once the load is well under way.
        let before = acknowledged.lock().unwrap().len();
        let at = before + 30 + 40 * trial;
        let started = Instant::now();
        while acknowledged.lock().unwrap().len() < at {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "trial {trial}: the clients stalled"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        running.kill_9();
        for client in clients {
            client.await.expect("a client panicked");
        }

        let restarted = serve(&url, false);
        let token = login(&restarted.base, "boss", PASSWORD).await;
        let ids = acknowledged.lock().unwrap().clone();
        let lost = missing(&restarted, &token, &ids).await;
        assert!(
            lost.is_empty(),
            "trial {trial}: {} of {} acknowledged tickets lost after kill -9: {lost:?}",
            lost.len(),
            ids.len()
        );
        eprintln!(
            "trial {trial}: {} acknowledged tickets, all there after kill -9",
            ids.len()
        );
        running = restarted;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_tickets_survive_kill_9() {
    acknowledged_tickets_survive_kill_9(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs GUANJIA_TEST_POSTGRES_URL"]
async fn postgres_acknowledged_tickets_survive_kill_9() {
    acknowledged_tickets_survive_kill_9(true).await;
}
