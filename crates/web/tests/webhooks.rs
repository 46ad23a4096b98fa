//! Webhooks on SQLite and PostgreSQL, against a receiver that is a real HTTP server in the test:
//! signed deliveries arrive within seconds, a 500 is retried with the same id, two nodes deliver
//! each event once and in order per ticket, private targets are refused unless allowed, and an
//! admin reads the log and replays a delivery.

mod common;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use common::{Db, Server, Site};
use guanjia_channels::WebhookSender;
use guanjia_domain::delivery::Backoff;
use guanjia_storage::SecretKey;
use guanjia_web::{WebhookWorker, spawn_webhooks};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

on_both_databases_given!(
    a_receiver_gets_ticket_created_within_5_s_with_a_valid_signature,
    a_delivery_answered_500_is_retried_with_the_same_id,
    two_nodes_deliver_each_event_once_and_in_order_per_ticket,
    private_targets_are_refused_unless_allowed,
    subscriptions_are_for_company_admins_and_hide_their_secret,
);

/// One POST the receiver took.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// A receiver: records every POST and answers the statuses queued, then 200.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(take))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` POSTs arrived (or `within` passed); answers them.
    async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let started = Instant::now();
        while self.got.lock().unwrap().len() < n && started.elapsed() < within {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.got()
    }
}

async fn take(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> AxumStatus {
    r.got.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let status = r.answers.lock().unwrap().pop_front().unwrap_or(200);
    AxumStatus::from_u16(status).unwrap()
}

const SECRET_KEY: &str = "webhook-tests-secret-key-0123456789abcdef";

async fn server(db: Db) -> Server {
    let key = SecretKey::from_passphrase(SECRET_KEY).unwrap();
    Server::start_with(db, move |store| store.with_secret_key(key)).await
}

fn worker(node: &str, allow_private: bool) -> WebhookWorker {
    WebhookWorker {
        sender: WebhookSender::new(allow_private).unwrap(),
        node: node.to_owned(),
        poll: Duration::from_millis(50),
        backoff: Backoff {
            first: chrono::Duration::milliseconds(300),
            longest: chrono::Duration::seconds(1),
            attempts: 5,
        },
    }
}

async fn subscribe(server: &Server, url: &str, events: &[&str]) -> (String, String) {
    let created = server
        .ok(
            &server.admin,
            "/api/v1/webhooks",
            json!({ "url": url, "events": events }),
            StatusCode::CREATED,
        )
        .await;
    (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

async fn open_ticket(server: &Server, site: &Site, text: &str) -> Value {
    server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "description": text, "room_id": site.rooms[0] }),
            StatusCode::CREATED,
        )
        .await
}

/// Checks a delivery's signature as a receiver would, from the documentation: HMAC-SHA256 of the
/// raw body under the secret, hex, after `sha256=`.
fn signed_by(r: &Received, secret: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(r.body.as_bytes());
    let expected = format!("sha256={}", hex(&mac.finalize().into_bytes()));
    r.headers["x-guanjia-signature"].to_str().unwrap() == expected
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn body(r: &Received) -> Value {
    serde_json::from_str(&r.body).unwrap()
}

async fn a_receiver_gets_ticket_created_within_5_s_with_a_valid_signature(db: Db) {
    let server = server(db).await;
    let site = server.site("wh").await;
    let (receiver, url) = Receiver::start().await;
    let (_, secret) = subscribe(&server, &url, &["ticket.created", "ticket.commented"]).await;
    spawn_webhooks(server.store.clone(), worker("node-a", true));
    let started = Instant::now();
    let ticket = open_ticket(&server, &site, "3栋2单元1502厨房水管爆了").await;
    let got = receiver.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1, "nothing within 5 s");
    let lag = started.elapsed();
    let r = &got[0];
    assert!(signed_by(r, &secret), "bad signature: {:?}", r.headers);
    assert!(!signed_by(r, "whsec_other"));
    let b = body(r);
    assert_eq!(b["event"], "ticket.created");
    assert_eq!(b["data"]["ticket"]["id"], ticket["id"]);
    assert_eq!(b["data"]["ticket"]["number"], ticket["number"]);
    assert_eq!(
        r.headers["x-guanjia-delivery"].to_str().unwrap(),
        b["id"].as_str().unwrap()
    );
    assert_eq!(r.headers["x-guanjia-event"], "ticket.created");
    // Against replays: the timestamp header is the signed body's `sent_at`, and recent.
    let timestamp: i64 = r.headers["x-guanjia-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(b["sent_at"], timestamp);
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 300);
    assert!(b["occurred_at"].is_string());
    // No resident's contact details go out.
    assert!(!r.body.contains(&site.residents[0].1), "{}", r.body);
    println!("ticket.created reached the receiver in {lag:?}");
    // An internal comment stays inside; one for the resident goes out.
    let id = ticket["id"].as_str().unwrap();
    let (status, _) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "comment", "body": "内部：等配件", "visibility": "internal" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "comment", "body": "师傅下午到", "visibility": "resident" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let got = receiver.wait_for(2, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = if receiver.got().len() > got.len() {
        receiver.got()
    } else {
        got
    };
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(body(&got[1])["event"], "ticket.commented");
    assert_eq!(body(&got[1])["data"]["details"]["body"], "师傅下午到");
}

async fn a_delivery_answered_500_is_retried_with_the_same_id(db: Db) {
    let server = server(db).await;
    let site = server.site("wr").await;
    let (receiver, url) = Receiver::start().await;
    receiver.answers.lock().unwrap().extend([500, 503]);
    let (hook_id, secret) = subscribe(&server, &url, &["ticket.created"]).await;
    spawn_webhooks(server.store.clone(), worker("node-a", true));
    open_ticket(&server, &site, "楼道灯坏了").await;
    let got = receiver.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let ids: Vec<Value> = got.iter().map(|r| body(r)["id"].clone()).collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[1], ids[2]);
    assert!(got.iter().all(|r| signed_by(r, &secret)));
    // The log says what happened, once the answer is recorded.
    let mut log = Value::Null;
    for _ in 0..50 {
        let (status, body) = server
            .get(
                Some(&server.admin),
                &format!("/api/v1/webhooks/{hook_id}/deliveries"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        log = body["items"][0].clone();
        if log["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log["state"], "delivered", "{log}");
    assert_eq!(log["attempts"], 3);
    assert_eq!(log["last_status"], 200);
    assert_eq!(log["id"], ids[0]);
    // Replayed from the admin page: the same id once more.
    let delivery_id = log["id"].as_str().unwrap();
    server
        .ok(
            &server.admin,
            &format!("/api/v1/webhooks/{hook_id}/deliveries/{delivery_id}/replay"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    let got = receiver.wait_for(4, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 4);
    assert_eq!(body(&got[3])["id"], ids[0]);
}

async fn two_nodes_deliver_each_event_once_and_in_order_per_ticket(db: Db) {
    let server = server(db).await;
    let site = server.site("wn").await;
    let (receiver, url) = Receiver::start().await;
    subscribe(
        &server,
        &url,
        &[
            "ticket.created",
            "ticket.commented",
            "ticket.status_changed",
        ],
    )
    .await;
    // A second node: its own store on the same database.
    let key = SecretKey::from_passphrase(SECRET_KEY).unwrap();
    let other = guanjia_storage::Store::connect(&server.url)
        .await
        .unwrap()
        .with_secret_key(key);
    spawn_webhooks(server.store.clone(), worker("node-a", true));
    spawn_webhooks(other, worker("node-b", true));
    let mut expected = 0;
    let mut tickets = vec![];
    for i in 0..12 {
        let t = open_ticket(&server, &site, &format!("{i}号楼道灯坏了")).await;
        tickets.push(t["id"].as_str().unwrap().to_owned());
        expected += 1;
    }
    for id in &tickets[..4] {
        for n in 0..4 {
            let (status, _) = server
                .act(&site.agent, id, json!({ "action": "comment", "body": format!("进展{n}"), "visibility": "resident" }))
                .await;
            assert_eq!(status, StatusCode::OK);
            expected += 1;
        }
    }
    let got = receiver.wait_for(expected, Duration::from_secs(20)).await;
    // Anything sent twice would arrive by now.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = if receiver.got().len() > got.len() {
        receiver.got()
    } else {
        got
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &got {
        *seen
            .entry(body(r)["id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), expected, "distinct deliveries");
    assert!(
        seen.values().all(|n| *n == 1),
        "some delivered twice: {seen:?}"
    );
    // In order per ticket: created, then the comments as written.
    for id in &tickets[..4] {
        let events: Vec<String> = got
            .iter()
            .map(body)
            .filter(|b| b["data"]["ticket"]["id"] == id.as_str())
            .map(|b| match b["event"].as_str().unwrap() {
                "ticket.commented" => b["data"]["details"]["body"].as_str().unwrap().to_owned(),
                other => other.to_owned(),
            })
            .collect();
        assert_eq!(
            events,
            ["ticket.created", "进展0", "进展1", "进展2", "进展3"],
            "{id}"
        );
    }
}

async fn private_targets_are_refused_unless_allowed(db: Db) {
    let server = server(db).await;
    let site = server.site("wp").await;
    let (receiver, url) = Receiver::start().await;
    let (hook_id, _) = subscribe(&server, &url, &["ticket.created"]).await;
    spawn_webhooks(server.store.clone(), worker("node-a", false));
    open_ticket(&server, &site, "电梯异响").await;
    let mut log = Value::Null;
    for _ in 0..100 {
        let (_, body) = server
            .get(
                Some(&server.admin),
                &format!("/api/v1/webhooks/{hook_id}/deliveries"),
            )
            .await;
        log = body["items"][0].clone();
        if log["state"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log["state"], "failed", "{log}");
    assert!(
        log["last_error"]
            .as_str()
            .unwrap()
            .starts_with("address_not_allowed"),
        "{log}"
    );
    assert!(receiver.got().is_empty());
}

async fn subscriptions_are_for_company_admins_and_hide_their_secret(db: Db) {
    let server = server(db).await;
    let site = server.site("ws").await;
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/webhooks",
            json!({ "url": "ftp://erp", "events": ["ticket.deleted"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["url"], "invalid");
    assert_eq!(body["error"]["details"]["fields"]["events[0]"], "invalid");
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/webhooks",
            json!({ "url": "https://erp.example.com/h", "events": ["ticket.created"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (id, secret) = subscribe(&server, "https://erp.example.com/h", &["ticket.created"]).await;
    assert!(secret.starts_with("whsec_"));
    let (status, list) = server.get(Some(&server.admin), "/api/v1/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert!(!list.to_string().contains(&secret));
    let (status, paused) = server
        .put(
            &server.admin,
            &format!("/api/v1/webhooks/{id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    assert_eq!(paused["active"], false);
    // Keys are for machines calling in, never for managing webhooks.
    let key = server
        .ok(
            &server.admin,
            "/api/v1/api-keys",
            json!({ "name": "x", "scopes": ["tickets:read"] }),
            StatusCode::CREATED,
        )
        .await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        server.get(Some(&key), "/api/v1/webhooks").await.0,
        StatusCode::FORBIDDEN
    );
}
