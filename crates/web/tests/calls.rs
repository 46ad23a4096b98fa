//! Calls end to end over HTTP: the phone system's events, the agent's pop-up (API and the
//! workbench's fragment), the recording kept on the ticket opened during the call, repeats and
//! late events, scope and bad input; on SQLite and PostgreSQL.

mod common;

use chrono::{Duration, Utc};
use guanjia_storage::entity::audit_entry;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use common::{Server, Site, staff};

on_both_databases!(
    a_ringing_call_pops_the_known_caller_at_the_agents_extension,
    an_unknown_caller_shows_only_the_masked_number,
    the_ticket_opened_during_the_call_keeps_it_and_its_recording,
    repeated_and_late_events_settle_on_one_call,
    other_projects_and_bad_input_are_refused,
);

const EXTENSION: &str = "8001";
const RECORDING: &str = "https://pbx.example.com/recordings/1765000000.42.mp3";

/// A site whose agent answers extension 8001, and the phone system's account in its project.
async fn desk(server: &Server, code: &str) -> (Site, String) {
    let site = server.site(code).await;
    let (status, body) = server
        .put(
            &server.admin,
            &format!("/api/v1/staff/{}/extension", site.agent_id),
            json!({ "extension": EXTENSION }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["extension"], EXTENSION);
    let pbx = format!("{code}-pbx");
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff(&pbx, "agent", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let token = server.login(&pbx).await;
    (site, token)
}

fn event(call_id: &str, event: &str, caller: &str, minutes_ago: i64) -> Value {
    let at = (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339();
    json!({ "call_id": call_id, "event": event, "caller": caller, "extension": EXTENSION, "at": at })
}

async fn post_event(server: &Server, pbx: &str, body: Value) -> (StatusCode, Value) {
    server.post(Some(pbx), "/api/v1/calls/events", body).await
}

/// The calls kept by a ticket the agent opens for the second resident after a call of theirs
/// answered and ended the given minutes ago.
async fn calls_after_call(
    server: &Server,
    site: &Site,
    pbx: &str,
    call_id: &str,
    (answered, ended): (i64, i64),
    description: &str,
) -> Value {
    let (resident, phone) = &site.residents[1];
    post_event(server, pbx, event(call_id, "answered", phone, answered)).await;
    post_event(server, pbx, event(call_id, "ended", phone, ended)).await;
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "description": description, "resident_id": resident }),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/tickets/{}/calls", ticket["id"].as_str().unwrap());
    server.get(Some(&site.agent), &path).await.1
}

/// The workbench's pop-up fragment as the holder of `token` polls it.
async fn popup(server: &Server, token: &str) -> String {
    let response = server
        .client
        .get(server.url("/calls/popup"))
        .header("cookie", format!("gj_session={token}"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

fn masked(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

async fn a_ringing_call_pops_the_known_caller_at_the_agents_extension(server: Server) {
    let (site, pbx) = desk(&server, "CA01").await;
    let phone = site.residents[0].1.clone();
    // An earlier ticket of the caller, which the pop-up lists.
    let earlier = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "description": "门口路灯不亮", "resident_id": site.residents[0].0 }),
            StatusCode::CREATED,
        )
        .await;
    let (_, nothing) = server
        .get(Some(&site.agent), "/api/v1/me/calls/current")
        .await;
    assert_eq!(nothing, json!({ "call": null, "caller": null }));
    assert!(
        !popup(&server, &site.agent)
            .await
            .contains("call-popup-title")
    );

    let (status, call) = post_event(&server, &pbx, event("c-100", "ringing", &phone, 0)).await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    assert_eq!(call["state"], "ringing");
    assert_eq!(call["staff_id"], site.agent_id.as_str());
    assert_eq!(call["caller"], masked(&phone), "the number is masked");

    let (status, current) = server
        .get(Some(&site.agent), "/api/v1/me/calls/current")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(current["call"]["call_id"], "c-100");
    assert_eq!(current["caller"]["known"], true);
    assert_eq!(current["caller"]["residents"][0]["name"], "业主0");
    assert_eq!(
        current["caller"]["residents"][0]["room_id"],
        site.rooms[0].as_str()
    );
    assert_eq!(
        current["caller"]["recent_tickets"][0]["number"],
        earlier["number"]
    );

    let html = popup(&server, &site.agent).await;
    assert!(html.contains("call-popup-title"), "{html}");
    assert!(html.contains("业主0") && html.contains("1502"), "{html}");
    assert!(html.contains("振铃中"), "{html}");
    assert!(html.contains(earlier["number"].as_str().unwrap()), "{html}");
    assert!(
        html.contains(&format!("/tickets/new?phone={phone}")),
        "the link opens a ticket for the caller: {html}"
    );
    assert!(html.contains("hx-trigger=\"every 2s\""), "it keeps polling");

    // Nobody else's workbench pops it.
    let (_, other) = server.get(Some(&pbx), "/api/v1/me/calls/current").await;
    assert_eq!(other["call"], Value::Null);

    // Answered: still on, now talking; ended: gone.
    let (status, call) = post_event(&server, &pbx, event("c-100", "answered", &phone, 0)).await;
    assert_eq!(status, StatusCode::OK, "{call}");
    assert_eq!(call["state"], "answered");
    assert!(popup(&server, &site.agent).await.contains("通话中"));
    let (_, call) = post_event(&server, &pbx, event("c-100", "ended", &phone, 0)).await;
    assert_eq!(call["state"], "ended");
    let (_, current) = server
        .get(Some(&site.agent), "/api/v1/me/calls/current")
        .await;
    assert_eq!(current["call"], Value::Null);
    assert!(
        !popup(&server, &site.agent)
            .await
            .contains("call-popup-title")
    );
}

async fn an_unknown_caller_shows_only_the_masked_number(server: Server) {
    let (site, pbx) = desk(&server, "CA02").await;
    let stranger = "13912345678";
    let (status, _) = post_event(&server, &pbx, event("c-200", "ringing", stranger, 0)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, current) = server
        .get(Some(&site.agent), "/api/v1/me/calls/current")
        .await;
    assert_eq!(current["caller"]["known"], false);
    assert_eq!(current["caller"]["phone"], "139****5678");
    assert_eq!(current["caller"]["residents"], json!([]));
    let html = popup(&server, &site.agent).await;
    assert!(html.contains("139****5678"), "{html}");
    assert!(html.contains("未登记的号码"), "{html}");
    assert!(
        !html.contains(&format!(">{stranger}<")),
        "the number shows masked"
    );
}

async fn the_ticket_opened_during_the_call_keeps_it_and_its_recording(server: Server) {
    let (site, pbx) = desk(&server, "CA03").await;
    let phone = site.residents[0].1.clone();
    post_event(&server, &pbx, event("c-300", "ringing", &phone, 0)).await;
    post_event(&server, &pbx, event("c-300", "answered", &phone, 0)).await;
    // The agent opens a ticket for the caller from the pop-up's page (the caller's number).
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "description": "卫生间漏水到楼下", "contact": { "phone": phone } }),
            StatusCode::CREATED,
        )
        .await;
    let id = ticket["id"].as_str().unwrap();
    let (status, calls) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/calls"))
        .await;
    assert_eq!(status, StatusCode::OK, "{calls}");
    assert_eq!(calls["items"][0]["call_id"], "c-300");
    assert_eq!(calls["items"][0]["recording_url"], Value::Null);

    let mut ended = event("c-300", "ended", &phone, 0);
    ended["recording_url"] = json!(RECORDING);
    let (status, call) = post_event(&server, &pbx, ended).await;
    assert_eq!(status, StatusCode::OK, "{call}");
    assert_eq!(call["ticket_id"], id);
    let (_, calls) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/calls"))
        .await;
    assert_eq!(calls["items"][0]["recording_url"], RECORDING);
    assert_eq!(calls["items"][0]["state"], "ended");

    // The ticket page links the recording.
    let html = server
        .client
        .get(server.url(&format!("/tickets/{id}")))
        .header("cookie", format!("gj_session={}", site.agent))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(RECORDING), "the recording is linked");
    assert!(html.contains("通话录音"));

    // A second ticket for the same caller does not take the call again; a ticket for someone
    // else never did.
    let other = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "description": "顺便问一下停车费", "contact": { "phone": phone } }),
            StatusCode::CREATED,
        )
        .await;
    let (_, calls) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{}/calls", other["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(calls["items"], json!([]));

    // After-call work: a call ended a few minutes ago still takes the ticket its agent opens
    // for the caller; a call ended long ago does not.
    let kept = calls_after_call(&server, &site, &pbx, "c-301", (8, 4), "空调外机噪音大").await;
    assert_eq!(kept["items"][0]["call_id"], "c-301");
    let calls = calls_after_call(&server, &site, &pbx, "c-302", (40, 30), "楼道灯不亮").await;
    assert_eq!(calls["items"], json!([]));
}

async fn repeated_and_late_events_settle_on_one_call(server: Server) {
    let (site, pbx) = desk(&server, "CA04").await;
    let phone = site.residents[0].1.clone();
    let ringing = event("c-400", "ringing", &phone, 3);
    let (first, one) = post_event(&server, &pbx, ringing.clone()).await;
    let (again, two) = post_event(&server, &pbx, ringing).await;
    assert_eq!((first, again), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(one, two, "the same event twice changes nothing");

    // Ended arrives before answered: the call ends, and the late answer only adds its time.
    let mut ended = event("c-400", "ended", &phone, 1);
    ended["recording_url"] = json!(RECORDING);
    let (_, call) = post_event(&server, &pbx, ended.clone()).await;
    assert_eq!(call["state"], "ended");
    let (status, call) = post_event(&server, &pbx, event("c-400", "answered", &phone, 2)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(call["state"], "ended", "never back from ended");
    assert!(call["answered_at"].is_string());
    assert_eq!(call["recording_url"], RECORDING);
    let (_, repeat) = post_event(&server, &pbx, ended).await;
    assert_eq!(repeat, call);

    // A call whose first event is its end is kept too.
    let (status, call) = post_event(&server, &pbx, event("c-401", "ended", &phone, 0)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(call["state"], "ended");
    assert_eq!(call["ringing_at"], Value::Null);
}

async fn other_projects_and_bad_input_are_refused(server: Server) {
    let (site, pbx) = desk(&server, "CA05").await;
    let phone = site.residents[0].1.clone();
    // Another project's phone account cannot ring this project's agent.
    let (_, foreign) = desk_without_extension(&server, "CA06").await;
    let (status, body) = post_event(&server, &foreign, event("c-500", "ringing", &phone, 0)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["extension"],
        "unknown_reference"
    );
    // A technician's token is not a phone system.
    let (status, _) = post_event(&server, &site.tech, event("c-501", "ringing", &phone, 0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An extension nobody answers.
    let mut nobody = event("c-502", "ringing", &phone, 0);
    nobody["extension"] = json!("9999");
    let (status, body) = post_event(&server, &pbx, nobody).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["details"]["fields"]["extension"],
        "unknown_reference"
    );
    // Each bad field named, with what it accepts.
    let bad = json!({ "call_id": "", "event": "hold", "caller": "not a number", "extension": "80 01", "at": "yesterday", "recording_url": "ftp://pbx/r.wav" });
    let (status, body) = post_event(&server, &pbx, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    let fields = &body["error"]["details"]["fields"];
    for field in [
        "call_id",
        "event",
        "caller",
        "extension",
        "at",
        "recording_url",
    ] {
        assert!(fields[field].is_string(), "{field}: {body}");
    }
    assert_eq!(
        body["error"]["details"]["allowed"]["event"]["codes"],
        json!(["ringing", "answered", "ended"])
    );
    let mut future = event("c-503", "ringing", &phone, 0);
    future["at"] = json!((Utc::now() + Duration::hours(1)).to_rfc3339());
    let (_, body) = post_event(&server, &pbx, future).await;
    assert_eq!(body["error"]["details"]["fields"]["at"], "in_future");
    let mut extra = event("c-504", "ringing", &phone, 0);
    extra["agent"] = json!("x");
    let (status, body) = post_event(&server, &pbx, extra).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_request");
    let (status, _) = server
        .post(
            None,
            "/api/v1/calls/events",
            event("c-505", "ringing", &phone, 0),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Extensions: one agent each, settable by admins only.
    let (status, body) = server
        .put(
            &server.admin,
            &format!("/api/v1/staff/{}/extension", site.tech_id),
            json!({ "extension": EXTENSION }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["extension"], "taken");
    let (status, _) = server
        .put(
            &site.agent,
            &format!("/api/v1/staff/{}/extension", site.agent_id),
            json!({ "extension": "8002" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A ticket's calls are for staff who see the ticket.
    post_event(&server, &pbx, event("c-506", "answered", &phone, 0)).await;
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "description": "电梯异响", "resident_id": site.residents[0].0 }),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/tickets/{}/calls", ticket["id"].as_str().unwrap());
    let (status, _) = server.get(Some(&foreign), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let resident = server.resident_token(&phone).await;
    let (status, _) = server.get(Some(&resident), &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "recordings are the desk's");
    // The audit trail keeps who gave the extension.
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(&site.agent_id))
        .filter(audit_entry::Column::Action.eq("set_extension"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].details["extension"]["to"], EXTENSION);
}

/// Another project with its own phone account, whose agents have no extension.
async fn desk_without_extension(server: &Server, code: &str) -> (Site, String) {
    let site = server.site(code).await;
    let pbx = format!("{code}-pbx");
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff(&pbx, "agent", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let token = server.login(&pbx).await;
    (site, token)
}
