//! The admin updates the pages brought to the API, on SQLite and on PostgreSQL: deactivating a
//! staff account and changing a team's members.

mod common;

use common::{Server, staff};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(a_deactivated_account_cannot_sign_in_or_act_until_reactivated, a_teams_members_are_replaced);

async fn put(server: &Server, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = server.client.put(server.url(path)).bearer_auth(token).json(&body).send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_deactivated_account_cannot_sign_in_or_act_until_reactivated(server: Server) {
    let site = server.site("adm").await;
    let path = format!("/api/v1/staff/{}/active", site.agent_id);
    let (status, _) = put(&server, &site.agent, &path, json!({ "active": false })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins");
    let (status, body) = put(&server, &server.admin, &path, json!({ "active": "no" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, body) = put(&server, &server.admin, &path, json!({ "active": false })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let (status, _) = server.get(Some(&site.agent), "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the open session stops at once");
    let (status, _) = server.post(None, "/api/v1/auth/login", json!({ "username": "adm-agent", "password": common::PASSWORD })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and no new one starts");
    let (_, listed) = server.get(Some(&server.admin), "/api/v1/staff?per_page=200").await;
    let agent = listed["items"].as_array().unwrap().iter().find(|s| s["id"] == site.agent_id.as_str()).cloned().unwrap();
    assert_eq!(agent["active"], false);

    let (status, body) = put(&server, &server.admin, &path, json!({ "active": true })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], true);
    let again = server.login("adm-agent").await;
    assert_eq!(server.get(Some(&again), "/api/v1/tickets").await.0, StatusCode::OK, "signs in and works again");
    let (_, admin) = server.get(Some(&server.admin), "/api/v1/me").await;
    let (status, body) = put(&server, &server.admin, &format!("/api/v1/staff/{}/active", admin["id"].as_str().unwrap()), json!({ "active": false })).await;
    assert_eq!((status, body["error"]["details"]["fields"]["active"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")), "an admin cannot lock themselves out");
    let (status, _) = put(&server, &server.admin, "/api/v1/staff/0190b5a2-0000-7000-8000-000000000000/active", json!({ "active": false })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_teams_members_are_replaced(server: Server) {
    let site = server.site("tms").await;
    let second = server.ok(&server.admin, "/api/v1/staff", staff("tms-tech2", "technician", &site.project_id), StatusCode::CREATED).await;
    let second = second["id"].as_str().unwrap().to_owned();
    let team = json!({ "project_id": site.project_id, "name": "维修班", "kind": "engineering", "member_ids": [site.tech_id] });
    let team = server.ok(&server.admin, "/api/v1/teams", team, StatusCode::CREATED).await;
    let path = format!("/api/v1/teams/{}/members", team["id"].as_str().unwrap());

    let (status, _) = put(&server, &site.agent, &path, json!({ "member_ids": [second] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = put(&server, &server.admin, &path, json!({ "member_ids": [second, "0190b5a2-0000-7000-8000-000000000000"] })).await;
    assert_eq!((status, body["error"]["details"]["fields"]["member_ids"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference")), "{body}");
    let (_, listed) = server.get(Some(&server.admin), &format!("/api/v1/teams?project_id={}", site.project_id)).await;
    assert_eq!(listed["items"][0]["member_ids"], json!([site.tech_id]), "a refusal changes nothing");

    let (status, body) = put(&server, &server.admin, &path, json!({ "member_ids": [second, site.tech_id, second] })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["member_ids"], json!([second, site.tech_id]), "each once, in the order given");
    let (_, listed) = server.get(Some(&server.admin), &format!("/api/v1/teams?project_id={}", site.project_id)).await;
    let mut members: Vec<String> = serde_json::from_value(listed["items"][0]["member_ids"].clone()).unwrap();
    members.sort();
    let mut expected = vec![second.clone(), site.tech_id.clone()];
    expected.sort();
    assert_eq!(members, expected);
    let (status, body) = put(&server, &server.admin, &path, json!({ "member_ids": [] })).await;
    assert_eq!((status, body["member_ids"].clone()), (StatusCode::OK, json!([])));
    let (status, _) = put(&server, &server.admin, "/api/v1/teams/0190b5a2-0000-7000-8000-000000000000/members", json!({ "member_ids": [] })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
