//! Webhooks on SQLite and PostgreSQL, against a receiver that is a real HTTP server in the test:
//! signed deliveries arrive within seconds, a 500 is retried with the same id, two nodes deliver
//! each event once and in order per ticket, private targets are refused unless allowed, and an
//! admin reads the log and replays a delivery. An admin's test post reaches the receiver at once;
//! incidents are told; a subscription that keeps failing is paused and its admins told once;
//! delivered deliveries go after their retention; a subscription's change is heard by the next
//! event on every node.

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
    a_test_send_posts_a_signed_ping_at_once_and_says_what_came_back,
    incidents_tell_when_they_open_and_close,
    a_subscription_that_keeps_failing_is_paused_and_its_admins_told_once,
    housekeeping_removes_delivered_deliveries_past_retention_and_keeps_the_rest,
    a_new_or_paused_subscription_is_heard_by_the_next_change_on_every_node,
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

async fn take(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> (AxumStatus, String) {
    r.got.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let status = r.answers.lock().unwrap().pop_front().unwrap_or(200);
    (
        AxumStatus::from_u16(status).unwrap(),
        format!("receiver says {status}"),
    )
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

/// A server whose webhooks (and test posts) may reach the receiver on loopback.
async fn server_allowing_private(db: Db) -> Server {
    let key = SecretKey::from_passphrase(SECRET_KEY).unwrap();
    let settings = guanjia_web::Settings {
        webhook_allow_private: true,
        ..Default::default()
    };
    Server::start_configured(db, move |store| store.with_secret_key(key), None, settings).await
}

/// The audit entries of one subscription's `action`.
async fn audited(server: &Server, hook_id: &str, action: &str) -> usize {
    use guanjia_storage::entity::audit_entry;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("webhook"))
        .filter(audit_entry::Column::EntityId.eq(hook_id))
        .filter(audit_entry::Column::Action.eq(action))
        .count(&db)
        .await
        .unwrap() as usize
}

async fn deliveries(server: &Server, hook_id: &str) -> Vec<Value> {
    let (status, page) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/webhooks/{hook_id}/deliveries?per_page=100"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn a_test_send_posts_a_signed_ping_at_once_and_says_what_came_back(db: Db) {
    let server = server_allowing_private(db).await;
    let (receiver, url) = Receiver::start().await;
    let (hook_id, secret) = subscribe(&server, &url, &["ticket.created"]).await;
    let test = format!("/api/v1/webhooks/{hook_id}/test");
    // No worker runs: the test post does not go through the queue.
    let answer = server
        .ok(&server.admin, &test, json!({}), StatusCode::OK)
        .await;
    assert_eq!(answer["delivered"], true, "{answer}");
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["body"], "receiver says 200");
    assert!(answer["error"].is_null());
    let got = receiver.got();
    assert_eq!(got.len(), 1);
    let ping = &got[0];
    assert!(
        signed_by(ping, &secret),
        "bad signature: {:?}",
        ping.headers
    );
    assert_eq!(ping.headers["x-guanjia-event"], "ping");
    let b = body(ping);
    assert_eq!(b["event"], "ping");
    assert_eq!(b["id"], answer["ping_id"]);
    assert_eq!(
        ping.headers["x-guanjia-timestamp"].to_str().unwrap(),
        b["sent_at"].to_string()
    );
    assert_eq!(b["data"]["webhook_id"], hook_id.as_str());
    assert!(b["occurred_at"].is_string());
    // A receiver that fails: still 200, with what it said.
    receiver.answers.lock().unwrap().push_back(500);
    let answer = server
        .ok(&server.admin, &test, json!({}), StatusCode::OK)
        .await;
    assert_eq!(answer["delivered"], false, "{answer}");
    assert_eq!(answer["status"], 500);
    assert_eq!(answer["body"], "receiver says 500");
    assert!(
        answer["error"].as_str().unwrap().starts_with("http_500"),
        "{answer}"
    );
    // Nobody listening: the network error, still 200.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let (gone_id, _) = subscribe(
        &server,
        &format!("http://{closed}/hook"),
        &["ticket.created"],
    )
    .await;
    let answer = server
        .ok(
            &server.admin,
            &format!("/api/v1/webhooks/{gone_id}/test"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(answer["delivered"], false, "{answer}");
    assert!(answer["status"].is_null());
    assert!(
        answer["error"].as_str().unwrap().starts_with("connect"),
        "{answer}"
    );
    // No delivery is logged, each test is audited, and only company admins may.
    assert!(deliveries(&server, &hook_id).await.is_empty());
    assert_eq!(audited(&server, &hook_id, "test").await, 2);
    let site = server.site("wt").await;
    let (status, _) = server.post(Some(&site.agent), &test, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .post(Some(&server.admin), "/api/v1/webhooks/nope/test", json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Without webhook_allow_private the same rule as deliveries refuses loopback.
    let strict = self::server(db).await;
    let (strict_id, _) = subscribe(&strict, &url, &["ticket.created"]).await;
    let answer = strict
        .ok(
            &strict.admin,
            &format!("/api/v1/webhooks/{strict_id}/test"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(answer["delivered"], false, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("address_not_allowed"),
        "{answer}"
    );
    assert_eq!(receiver.got().len(), 2, "nothing more reached the receiver");
}

async fn incidents_tell_when_they_open_and_close(db: Db) {
    let server = server(db).await;
    let site = server.site("wi").await;
    let (receiver, url) = Receiver::start().await;
    let (hook_id, secret) = subscribe(&server, &url, &["incident.opened", "incident.closed"]).await;
    // Another project's subscription hears nothing of this one.
    let other = server.site("wi2").await;
    let created = server
        .ok(
            &server.admin,
            "/api/v1/webhooks",
            json!({ "url": url, "events": ["incident.opened"], "project_ids": [other.project_id] }),
            StatusCode::CREATED,
        )
        .await;
    let other_hook = created["id"].as_str().unwrap().to_owned();
    spawn_webhooks(server.store.clone(), worker("node-a", true));
    let first = open_ticket(&server, &site, "3栋2单元1502家里停电了").await;
    let second = open_ticket(&server, &site, "电梯异响，轿厢晃动").await;
    let ids = [first["id"].clone(), second["id"].clone()];
    let incident = server
        .ok(
            &site.agent,
            "/api/v1/incidents",
            json!({ "title": "3栋2单元停电", "ticket_ids": ids }),
            StatusCode::CREATED,
        )
        .await;
    let got = receiver.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(signed_by(&got[0], &secret));
    let opened = body(&got[0]);
    assert_eq!(opened["event"], "incident.opened");
    let data = &opened["data"]["incident"];
    assert_eq!(data["id"], incident["id"]);
    assert_eq!(data["project_id"], site.project_id.as_str());
    assert_eq!(data["title"], "3栋2单元停电");
    assert_eq!(data["ticket_count"], 2);
    assert_eq!(data["formed"], "by_hand");
    assert!(data["opened_at"].is_string());
    assert!(data["closed_at"].is_null());
    for id in &ids {
        let (status, body) = server
            .act(
                &site.agent,
                id.as_str().unwrap(),
                json!({ "action": "cancel", "reason": "供电局线路检修，已恢复" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let got = receiver.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let closed = body(&got[1]);
    assert_eq!(closed["event"], "incident.closed");
    assert_eq!(closed["data"]["incident"]["id"], incident["id"]);
    assert!(closed["data"]["incident"]["closed_at"].is_string());
    // Told once each, in the incident's own order.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.got().len(), 2);
    let log = deliveries(&server, &hook_id).await;
    assert_eq!(log.len(), 2);
    assert!(deliveries(&server, &other_hook).await.is_empty());
}

async fn a_subscription_that_keeps_failing_is_paused_and_its_admins_told_once(db: Db) {
    use guanjia_domain::machine::webhook::PAUSE_AFTER_FAILURES;
    let server = server(db).await;
    let site = server.site("wf").await;
    let (receiver, url) = Receiver::start().await;
    let failures = usize::try_from(PAUSE_AFTER_FAILURES).unwrap();
    receiver
        .answers
        .lock()
        .unwrap()
        .extend(std::iter::repeat_n(500, failures + 20));
    let (hook_id, _) = subscribe(&server, &url, &["ticket.created"]).await;
    // A second admin of the whole company hears of it too; an agent does not.
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            json!({ "username": "admin2", "password": common::PASSWORD, "name": "第二管理员", "role": "admin" }),
            StatusCode::CREATED,
        )
        .await;
    let admin2 = server.login("admin2").await;
    let mut fast = worker("node-a", true);
    fast.poll = Duration::from_millis(5);
    fast.backoff = Backoff {
        first: chrono::Duration::milliseconds(1),
        longest: chrono::Duration::milliseconds(2),
        attempts: 100,
    };
    spawn_webhooks(server.store.clone(), fast);
    open_ticket(&server, &site, "电梯异响").await;
    let mut hook = Value::Null;
    for _ in 0..400 {
        hook = server
            .get(Some(&server.admin), &format!("/api/v1/webhooks/{hook_id}"))
            .await
            .1;
        if hook["active"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(hook["active"], false, "{hook}");
    assert!(hook["paused_at"].is_string());
    // Paused: nothing more is sent while it is.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.got().len(), failures);
    open_ticket(&server, &site, "楼道灯坏了").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.got().len(), failures);
    let told = |token: String, lang: &'static str| {
        let server = &server;
        async move {
            let response = server
                .client
                .get(server.url("/api/v1/me/notifications"))
                .bearer_auth(token)
                .header("accept-language", lang)
                .send()
                .await
                .unwrap();
            let page: Value = response.json().await.unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "webhook_paused")
                .cloned()
                .collect::<Vec<Value>>()
        }
    };
    let zh = told(server.admin.clone(), "zh-CN").await;
    assert_eq!(zh.len(), 1, "once per pause: {zh:?}");
    assert_eq!(zh[0]["details"]["webhook_id"], hook_id.as_str());
    let message = zh[0]["message"].as_str().unwrap();
    assert!(
        message.contains("事件推送已暂停") && message.contains(&url),
        "{message}"
    );
    let en = told(admin2, "en").await;
    assert_eq!(en.len(), 1);
    assert!(
        en[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Webhook paused")
    );
    assert!(told(site.agent.clone(), "zh-CN").await.is_empty());
}

/// Writes `n` deliveries of `state` for the subscription, `days_ago` old.
async fn old_deliveries(server: &Server, hook_id: &str, state: &str, days_ago: i64, n: usize) {
    use guanjia_storage::entity::webhook_delivery;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    let at = chrono::Utc::now() - chrono::Duration::days(days_ago);
    let rows: Vec<webhook_delivery::ActiveModel> = (0..n)
        .map(|_| webhook_delivery::ActiveModel {
            company_id: Set(server.company_id.clone()),
            id: Set(guanjia_storage::new_id()),
            webhook_id: Set(hook_id.to_owned()),
            event: Set("ticket.created".to_owned()),
            order_key: Set(guanjia_storage::new_id()),
            data: Set(json!({})),
            occurred_at: Set(at),
            state: Set(state.to_owned()),
            attempts: Set(1),
            next_attempt_at: Set(None),
            lease_owner: Set(None),
            last_status: Set(Some(if state == "delivered" { 200 } else { 500 })),
            last_error: Set(None),
            delivered_at: Set((state == "delivered").then_some(at)),
            created_at: Set(at),
            updated_at: Set(at),
        })
        .collect();
    for chunk in rows.chunks(100) {
        webhook_delivery::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&db)
            .await
            .unwrap();
    }
}

async fn housekeeping_removes_delivered_deliveries_past_retention_and_keeps_the_rest(db: Db) {
    let server = server(db).await;
    let (hook_id, _) = subscribe(&server, "https://erp.example.com/h", &["ticket.created"]).await;
    // Over two batches delivered long ago; a few delivered lately; failed ones long ago.
    old_deliveries(&server, &hook_id, "delivered", 40, 1_100).await;
    old_deliveries(&server, &hook_id, "delivered", 10, 3).await;
    old_deliveries(&server, &hook_id, "failed", 40, 4).await;
    let count = || async {
        let (_, page) = server
            .get(
                Some(&server.admin),
                &format!("/api/v1/webhooks/{hook_id}/deliveries?per_page=1"),
            )
            .await;
        page["total"].as_u64().unwrap()
    };
    assert_eq!(count().await, 1_107);
    // Two nodes at once: each row goes once, neither fails.
    let other = guanjia_storage::Store::connect(&server.url).await.unwrap();
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        guanjia_web::forget_old_webhook_deliveries(&server.store, 30, now),
        guanjia_web::forget_old_webhook_deliveries(&other, 30, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1_100);
    assert_eq!(count().await, 7, "recent and failed deliveries stay");
    // 0 keeps them forever.
    assert_eq!(
        guanjia_web::forget_old_webhook_deliveries(
            &server.store,
            0,
            now + chrono::Duration::days(3650)
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(
        guanjia_web::DEFAULT_WEBHOOK_RETENTION_DAYS,
        30,
        "the documented default"
    );
}

async fn a_new_or_paused_subscription_is_heard_by_the_next_change_on_every_node(db: Db) {
    let server = server(db).await;
    let site = server.site("wc").await;
    // A second node: its own store (and subscription cache) on the same database, serving.
    let key = SecretKey::from_passphrase(SECRET_KEY).unwrap();
    let other = guanjia_storage::Store::connect(&server.url)
        .await
        .unwrap()
        .with_secret_key(key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let node_b = format!("http://{}", listener.local_addr().unwrap());
    let app = guanjia_web::app(other, guanjia_web::Settings::default())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let open_on_b = |text: &'static str| {
        let (server, site, node_b) = (&server, &site, &node_b);
        async move {
            let response = server
                .client
                .post(format!("{node_b}/api/v1/tickets"))
                .bearer_auth(&site.agent)
                .json(&json!({ "project_id": site.project_id, "channel": "phone", "description": text, "room_id": site.rooms[0] }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    };
    // Node B reads (and keeps) the company's subscriptions: none yet.
    open_on_b("楼道灯坏了").await;
    // Node A adds one: B's next ticket is heard by it.
    let (hook_id, _) = subscribe(&server, "https://erp.example.com/h", &["ticket.created"]).await;
    open_on_b("电梯异响").await;
    assert_eq!(deliveries(&server, &hook_id).await.len(), 1);
    // Node A pauses it: B's next ticket is not.
    let (status, _) = server
        .put(
            &server.admin,
            &format!("/api/v1/webhooks/{hook_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    open_on_b("水管漏水").await;
    assert_eq!(deliveries(&server, &hook_id).await.len(), 1);
    // Resumed: heard again, on both nodes.
    let (status, _) = server
        .put(
            &server.admin,
            &format!("/api/v1/webhooks/{hook_id}/active"),
            json!({ "active": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    open_on_b("门禁坏了").await;
    open_ticket(&server, &site, "垃圾未清运").await;
    assert_eq!(deliveries(&server, &hook_id).await.len(), 3);
}
