//! API keys on SQLite and PostgreSQL: a key reaches only what its scopes open and only its
//! projects, acts as itself, stops the moment it is revoked, survives a rotation for its overlap
//! and is held to its rate.

mod common;

use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_key_with_only_tickets_read_cannot_write,
    a_revoked_key_stops_at_once,
    a_key_outside_its_projects_sees_nothing,
    a_rotated_key_keeps_the_old_secret_for_its_overlap_only,
    a_key_acts_as_itself_and_is_shown_once,
    machine_channels_accept_keys_with_their_scope,
    a_key_is_held_to_its_rate,
    bad_key_input_and_non_admins_are_refused_clearly,
);

async fn create_key(server: &Server, body: Value) -> (String, String) {
    let created = server
        .ok(&server.admin, "/api/v1/api-keys", body, StatusCode::CREATED)
        .await;
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("gjk_"), "{created}");
    (created["id"].as_str().unwrap().to_owned(), key)
}

async fn delete(server: &Server, token: &str, path: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .delete(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ticket(site: &Site, text: &str) -> Value {
    json!({ "project_id": site.project_id, "channel": "app", "description": text, "room_id": site.rooms[0] })
}

async fn a_key_with_only_tickets_read_cannot_write(server: Server) {
    let site = server.site("kr").await;
    server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            ticket(&site, "3栋2单元1502厨房漏水"),
            StatusCode::CREATED,
        )
        .await;
    let (_, key) = create_key(
        &server,
        json!({ "name": "数据仓库", "scopes": ["tickets:read"] }),
    )
    .await;
    let (status, body) = server.get(Some(&key), "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1);
    let (status, body) = server
        .post(Some(&key), "/api/v1/tickets", ticket(&site, "楼道灯不亮"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "key_scope_missing");
    assert_eq!(body["error"]["details"]["scope"], "tickets:write");
    let ticket_id = body_id(&server, &site).await;
    let (status, _) = server
        .act(
            &key,
            &ticket_id,
            json!({ "action": "comment", "body": "x", "visibility": "internal" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Setting the company up is for people, whatever the key's scopes.
    let (status, body) = server
        .post(
            Some(&key),
            "/api/v1/api-keys",
            json!({ "name": "x", "scopes": ["tickets:write"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["details"]["reason"], "not_for_api_keys");
    let (status, _) = server.get(Some(&key), "/api/v1/staff").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get(Some(&key), "/api/v1/residents").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The first ticket of the site's project.
async fn body_id(server: &Server, site: &Site) -> String {
    let (_, body) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets?project_id={}", site.project_id),
        )
        .await;
    body["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn a_revoked_key_stops_at_once(server: Server) {
    let (id, key) = create_key(
        &server,
        json!({ "name": "ERP", "scopes": ["tickets:read"] }),
    )
    .await;
    let (status, _) = server.get(Some(&key), "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = delete(&server, &server.admin, &format!("/api/v1/api-keys/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["revoked_at"].is_string(), "{body}");
    let (status, body) = server.get(Some(&key), "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "unauthenticated");
    // A key with a changed secret, or made up, is refused alike.
    let forged = format!("{}0", &key[..key.len() - 1]);
    assert_eq!(
        server.get(Some(&forged), "/api/v1/tickets").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server.get(Some("gjk_nothing"), "/api/v1/tickets").await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_key_outside_its_projects_sees_nothing(server: Server) {
    let a = server.site("pa").await;
    let b = server.site("pb").await;
    let in_b = server
        .ok(
            &b.agent,
            "/api/v1/tickets",
            ticket(&b, "3栋2单元1502卫生间漏水"),
            StatusCode::CREATED,
        )
        .await;
    let (_, key) = create_key(
        &server,
        json!({ "name": "A 的 IoT 平台", "scopes": ["tickets:read", "tickets:write", "residents:read", "places:read"], "project_ids": [a.project_id] }),
    )
    .await;
    let (status, body) = server.get(Some(&key), "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 0, "{body}");
    let (status, _) = server
        .get(
            Some(&key),
            &format!("/api/v1/tickets/{}", in_b["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server
        .post(Some(&key), "/api/v1/tickets", ticket(&b, "电梯异响"))
        .await;
    assert!(status.is_client_error(), "{status} {body}");
    let (_, body) = server.get(Some(&key), "/api/v1/projects").await;
    let ids: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.project_id.as_str()]);
    let (_, body) = server
        .get(Some(&key), "/api/v1/residents?per_page=200")
        .await;
    assert_eq!(body["total"], 2, "{body}");
    // Its own project it can work in.
    server
        .ok(
            &key,
            "/api/v1/tickets",
            ticket(&a, "电梯异响"),
            StatusCode::CREATED,
        )
        .await;
    // A key naming a project that does not exist is refused.
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/api-keys",
            json!({ "name": "x", "scopes": ["tickets:read"], "project_ids": ["nope"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["project_ids"],
        "unknown_reference"
    );
}

async fn a_rotated_key_keeps_the_old_secret_for_its_overlap_only(server: Server) {
    let (id, first) = create_key(
        &server,
        json!({ "name": "呼叫中心", "scopes": ["tickets:read"] }),
    )
    .await;
    let rotated = server
        .ok(
            &server.admin,
            &format!("/api/v1/api-keys/{id}/rotate"),
            json!({ "overlap_seconds": 3600 }),
            StatusCode::OK,
        )
        .await;
    let second = rotated["key"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert!(rotated["previous_valid_until"].is_string(), "{rotated}");
    assert_eq!(
        server.get(Some(&first), "/api/v1/tickets").await.0,
        StatusCode::OK
    );
    assert_eq!(
        server.get(Some(&second), "/api/v1/tickets").await.0,
        StatusCode::OK
    );
    let third = server
        .ok(
            &server.admin,
            &format!("/api/v1/api-keys/{id}/rotate"),
            json!({ "overlap_seconds": 0 }),
            StatusCode::OK,
        )
        .await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        server.get(Some(&first), "/api/v1/tickets").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server.get(Some(&second), "/api/v1/tickets").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server.get(Some(&third), "/api/v1/tickets").await.0,
        StatusCode::OK
    );
}

async fn a_key_acts_as_itself_and_is_shown_once(server: Server) {
    let site = server.site("ka").await;
    let (id, key) = create_key(
        &server,
        json!({ "name": "集团 App", "scopes": ["tickets:write", "tickets:read"] }),
    )
    .await;
    let opened = server
        .ok(
            &key,
            "/api/v1/tickets",
            ticket(&site, "3栋2单元1602门口垃圾没人收"),
            StatusCode::CREATED,
        )
        .await;
    let ticket_id = opened["id"].as_str().unwrap();
    // A machine is not a desk member: nobody became first-contact owner.
    assert!(opened["first_contact_owner_id"].is_null(), "{opened}");
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{ticket_id}/events"),
        )
        .await;
    assert_eq!(events["items"][0]["actor_id"], id.as_str(), "{events}");
    let (status, list) = server.get(Some(&server.admin), "/api/v1/api-keys").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let listed = &list["items"][0];
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(listed["scopes"], json!(["tickets:read", "tickets:write"]));
    assert!(listed["last_used_at"].is_string(), "{listed}");
    assert_eq!(listed["last_used_from"], "127.0.0.1");
    assert!(listed.get("key").is_none(), "{listed}");
    assert!(!list.to_string().contains(&key[key.len() - 64..]));
}

async fn machine_channels_accept_keys_with_their_scope(server: Server) {
    let site = server.site("mc").await;
    let (_, hotline) = create_key(
        &server,
        json!({ "name": "12345 对接", "scopes": ["hotline:write"] }),
    )
    .await;
    let order = json!({
        "project_id": site.project_id, "order_no": "GD2026120700001",
        "received_at": chrono::Utc::now().to_rfc3339(), "content": "3栋2单元1502楼上漏水到我家",
        "finish_by": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339(),
    });
    let (status, body) = server
        .post(Some(&hotline), "/api/v1/hotline/orders", order.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["channel"], "hotline_12345");
    // The same order twice is the same ticket, as for a person.
    let (status, _) = server
        .post(Some(&hotline), "/api/v1/hotline/orders", order)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, iot) = create_key(&server, json!({ "name": "IoT", "scopes": ["iot:write"] })).await;
    let (status, body) = server
        .post(Some(&hotline), "/api/v1/iot/alarms", json!({ "device_id": "x", "type": "smoke", "state": "alarm", "at": chrono::Utc::now().to_rfc3339() }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["details"]["scope"], "iot:write");
    // With its scope, the alarm reaches the channel, which answers for the unknown device.
    let (status, body) = server
        .post(Some(&iot), "/api/v1/iot/alarms", json!({ "device_id": "x", "type": "smoke", "state": "alarm", "at": chrono::Utc::now().to_rfc3339() }))
        .await;
    assert_ne!(status, StatusCode::FORBIDDEN, "{body}");
    assert_ne!(status, StatusCode::UNAUTHORIZED, "{body}");
}

async fn a_key_is_held_to_its_rate(server: Server) {
    let (_, key) = create_key(
        &server,
        json!({ "name": "批量", "scopes": ["tickets:read"], "rate_per_minute": 3 }),
    )
    .await;
    let mut statuses = vec![];
    for _ in 0..5 {
        let response = server
            .client
            .get(server.url("/api/v1/tickets"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "key_rate_limited");
            statuses.push(429);
        } else {
            statuses.push(response.status().as_u16());
        }
    }
    // A minute boundary may fall inside the loop and give the key a fresh window.
    assert!(
        statuses.iter().filter(|s| **s == 429).count() >= 1,
        "{statuses:?}"
    );
    assert_eq!(statuses[..3], [200, 200, 200]);
    // People are not held to a key's rate.
    assert_eq!(
        server.get(Some(&server.admin), "/api/v1/tickets").await.0,
        StatusCode::OK
    );
}

async fn bad_key_input_and_non_admins_are_refused_clearly(server: Server) {
    let site = server.site("bk").await;
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/api-keys",
            json!({ "name": " ", "scopes": ["tickets:delete"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["name"], "required");
    assert_eq!(body["error"]["details"]["fields"]["scopes[0]"], "invalid");
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/api-keys",
            json!({ "name": "x", "scopes": ["tickets:read"], "secret": "mine" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/api-keys",
            json!({ "name": "x", "scopes": ["tickets:read"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.get(Some(&site.agent), "/api/v1/api-keys").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/api-keys/nope/rotate",
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
