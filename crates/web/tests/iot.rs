//! IoT alarms on SQLite and PostgreSQL: the device registry, the alarm webhook (emergencies at
//! the device's place, repeats folding, recoveries, idempotency, concurrency), and alarms
//! published to a real MQTT broker (Debian's mosquitto) reaching one ticket with two subscribers
//! and after the broker comes back.

mod common;

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use common::broker::Broker;
use common::{Server, Site};
use guanjia_web::MqttSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    devices_are_registered_edited_and_deactivated_within_scope,
    an_alarm_opens_an_emergency_ticket_at_the_devices_place,
    repeats_fold_into_the_open_ticket_and_the_same_alarm_changes_nothing,
    concurrent_alarms_of_one_device_open_one_ticket,
    a_recovery_is_written_and_resolves_where_configured,
    unknown_devices_types_and_callers_are_refused_clearly,
    an_alarm_published_over_mqtt_opens_one_ticket_with_two_subscribers,
    the_subscriber_reconnects_when_the_broker_comes_back,
    the_openapi_document_describes_devices_and_alarms_as_served,
);

/// An alarm time `seconds_ago` before now, as a device would send it.
fn at(seconds_ago: i64) -> String {
    (Utc::now() - chrono::Duration::seconds(seconds_ago)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn alarm(device_id: &str, alarm_type: &str, state: &str, at: &str) -> Value {
    json!({ "device_id": device_id, "type": alarm_type, "state": state, "at": at })
}

/// A building with a common area in the site's project.
async fn building(server: &Server, site: &Site, name: &str) -> String {
    let b = server
        .ok(
            &server.admin,
            &format!("/api/v1/projects/{}/buildings", site.project_id),
            json!({ "name": name }),
            StatusCode::CREATED,
        )
        .await;
    b["id"].as_str().unwrap().to_owned()
}

async fn device(server: &Server, body: Value) -> Value {
    server
        .ok(&server.admin, "/api/v1/devices", body, StatusCode::CREATED)
        .await
}

/// The IoT tickets of the site's project.
async fn iot_tickets(server: &Server, site: &Site) -> Vec<Value> {
    let (status, body) = server
        .get(
            Some(&site.agent),
            &format!(
                "/api/v1/tickets?channel=iot&project_id={}&per_page=200",
                site.project_id
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// A ticket's timeline entries of `action`.
async fn entries(server: &Server, token: &str, ticket_id: &str, action: &str) -> Vec<Value> {
    let (status, body) = server
        .get(Some(token), &format!("/api/v1/tickets/{ticket_id}/events"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

async fn devices_are_registered_edited_and_deactivated_within_scope(server: Server) {
    let site = server.site("iot-a").await;
    let other = server.site("iot-b").await;
    let lobby = building(&server, &site, "5栋").await;
    let in_room = device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "SD-1502", "type": "smoke_detector", "room_id": site.rooms[0] }),
    )
    .await;
    // A room brings its building and unit.
    assert_eq!(in_room["unit"], "2单元");
    assert!(in_room["building_id"].is_string());
    assert_eq!(in_room["active"], true);
    let lift = device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "AA:BB:CC:00:11:22", "type": "lift",
                "building_id": lobby, "unit": "1单元", "place": "1号电梯" }),
    )
    .await;
    assert_eq!(lift["place"], "1号电梯");
    device(
        &server,
        json!({ "project_id": other.project_id, "device_id": "GAS-9", "type": "gas_detector" }),
    )
    .await;

    // Lists: paged, by project and type, only the caller's projects.
    let (_, all) = server.get(Some(&server.admin), "/api/v1/devices").await;
    assert_eq!(all["total"], 3);
    let (_, lifts) = server
        .get(
            Some(&site.agent),
            &format!(
                "/api/v1/devices?project_id={}&type=lift&per_page=1",
                site.project_id
            ),
        )
        .await;
    assert_eq!(lifts["total"], 1, "{lifts}");
    assert_eq!(lifts["items"][0]["device_id"], "AA:BB:CC:00:11:22");
    let (_, mine) = server.get(Some(&site.agent), "/api/v1/devices").await;
    assert_eq!(
        mine["total"], 2,
        "an agent sees only their project's: {mine}"
    );
    let lift_id = lift["id"].as_str().unwrap();
    let (status, _) = server
        .get(Some(&other.agent), &format!("/api/v1/devices/{lift_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, read) = server
        .get(Some(&site.agent), &format!("/api/v1/devices/{lift_id}"))
        .await;
    assert_eq!((status, &read["type"]), (StatusCode::OK, &json!("lift")));

    // Refusals: a clear 422 per field, 403 for non-admins.
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/devices",
            json!({ "project_id": site.project_id, "device_id": "SD-1502", "type": "toaster" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["type"], "invalid");
    let codes = &body["error"]["details"]["allowed"]["type"]["codes"];
    assert!(
        codes.as_array().unwrap().contains(&json!("smoke_detector")),
        "{body}"
    );
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/devices",
            json!({ "project_id": site.project_id, "device_id": "SD-1502", "type": "camera" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["device_id"], "taken");
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/devices",
            json!({ "project_id": other.project_id, "device_id": "X-1", "type": "camera", "room_id": site.rooms[0] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["room_id"], "mismatch");
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/devices",
            json!({ "project_id": site.project_id, "device_id": "X-2", "type": "camera" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .get(Some(&server.admin), "/api/v1/devices?type=toaster")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Edit what can be created; deactivate; every change audited.
    let (status, edited) = server.put(&server.admin,
        &format!("/api/v1/devices/{lift_id}"),
        json!({ "project_id": site.project_id, "device_id": "LIFT-5-1", "type": "lift",
                "building_id": lobby, "unit": "1单元", "place": "1号电梯", "resolve_on_recovery": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["device_id"], "LIFT-5-1");
    assert_eq!(edited["resolve_on_recovery"], true);
    // A room with a device in it stays.
    let response = server
        .client
        .delete(server.url(&format!("/api/v1/rooms/{}", site.rooms[0])))
        .bearer_auth(&server.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let refused: Value = response.json().await.unwrap();
    assert_eq!(
        refused["error"]["details"]["dependents"]["devices"], 1,
        "{refused}"
    );
    let (status, stopped) = server
        .put(
            &server.admin,
            &format!("/api/v1/devices/{lift_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(
        (status, &stopped["active"]),
        (StatusCode::OK, &json!(false))
    );
    let (_, active) = server
        .get(Some(&server.admin), "/api/v1/devices?active=true")
        .await;
    assert_eq!(active["total"], 2);
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let trail = server
        .store
        .audit_trail(&admin, "device", lift_id)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "deactivate"]);
    assert_eq!(
        trail[1].details["device_id"],
        json!({ "from": "AA:BB:CC:00:11:22", "to": "LIFT-5-1" })
    );
}

async fn an_alarm_opens_an_emergency_ticket_at_the_devices_place(server: Server) {
    let site = server.site("iot-c").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "WL-1502", "type": "water_sensor", "room_id": site.rooms[0] }),
    )
    .await;
    let when = at(30);
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("WL-1502", "water_leak", "alarm", &when),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(ticket["channel"], "iot");
    assert_eq!(ticket["kind"], "repair");
    assert_eq!(ticket["category"], "repair.water");
    assert_eq!(ticket["urgency"], "emergency");
    assert_eq!(ticket["room_id"], site.rooms[0].as_str());
    assert_eq!(ticket["status"], "new");
    // Nobody took the call: the first desk member who handles it will own it.
    assert_eq!(ticket["first_contact_owner_id"], Value::Null);
    let reported: chrono::DateTime<Utc> = ticket["reported_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(reported, when.parse::<chrono::DateTime<Utc>>().unwrap());
    let title = ticket["title"].as_str().unwrap();
    assert!(title.contains("水浸") && title.contains("1502"), "{title}");
    // Emergencies answer within 5 minutes (the default emergency policy).
    let first_response = ticket["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "first_response")
        .expect("a first-response clock");
    let due: chrono::DateTime<Utc> = first_response["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(due - reported, chrono::Duration::minutes(5));
    let id = ticket["id"].as_str().unwrap();
    let logged = entries(&server, &site.agent, id, "iot_alarm").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["details"]["device_id"], "WL-1502");
    assert_eq!(logged[0]["visibility"], "internal");
    let (status, _) = server
        .act(&site.agent, id, json!({ "action": "accept" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, accepted) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(accepted["first_contact_owner_id"], site.agent_id.as_str());
}

async fn repeats_fold_into_the_open_ticket_and_the_same_alarm_changes_nothing(server: Server) {
    let site = server.site("iot-d").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "SD-9", "type": "smoke_detector", "room_id": site.rooms[1] }),
    )
    .await;
    let first = alarm("SD-9", "smoke", "alarm", &at(60));
    let opened = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            first.clone(),
            StatusCode::CREATED,
        )
        .await;
    let id = opened["id"].as_str().unwrap();
    // The same alarm again: the same ticket, nothing written.
    let again = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            first.clone(),
            StatusCode::OK,
        )
        .await;
    assert_eq!(again["id"], id);
    assert_eq!(
        entries(&server, &site.agent, id, "iot_alarm").await.len(),
        1
    );
    // A later alarm of the device folds in as a timeline entry.
    let joined = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("SD-9", "smoke", "alarm", &at(30)),
            StatusCode::OK,
        )
        .await;
    assert_eq!(joined["id"], id);
    assert_eq!(
        entries(&server, &site.agent, id, "iot_alarm").await.len(),
        2
    );
    // Another kind of trouble of the same device is its own work: a flat battery does not hide
    // inside a smoke emergency.
    let battery = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("SD-9", "low_battery", "alarm", &at(20)),
            StatusCode::CREATED,
        )
        .await;
    assert_ne!(battery["id"], id);
    assert_eq!(battery["urgency"], "normal");
    assert_eq!(battery["category"], "repair.fire_safety");
    assert_eq!(iot_tickets(&server, &site).await.len(), 2);
    // Once the ticket is over, the next alarm opens a new one.
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已排查" }),
    ] {
        let (status, body) = server.act(&site.agent, id, action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let reopened = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("SD-9", "smoke", "alarm", &at(5)),
            StatusCode::CREATED,
        )
        .await;
    assert_ne!(reopened["id"], id);
    // The first alarm sent yet again still answers its own ticket and changes nothing.
    let late = server
        .ok(&site.agent, "/api/v1/iot/alarms", first, StatusCode::OK)
        .await;
    assert_eq!(late["id"], id);
    assert_eq!(iot_tickets(&server, &site).await.len(), 3);
}

async fn concurrent_alarms_of_one_device_open_one_ticket(server: Server) {
    let site = server.site("iot-e").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "LIFT-1", "type": "lift" }),
    )
    .await;
    let server = std::sync::Arc::new(server);
    let agent = site.agent.clone();
    // Eight different alarms and each of them twice, all at once.
    let sends: Vec<_> = (0..16)
        .map(|i| {
            let (server, agent) = (server.clone(), agent.clone());
            let body = alarm("LIFT-1", "lift_entrapment", "alarm", &at(100 - i % 8));
            tokio::spawn(async move { server.post(Some(&agent), "/api/v1/iot/alarms", body).await })
        })
        .collect();
    let mut created = 0;
    for send in sends {
        let (status, body) = send.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status} {body}"
        );
        created += usize::from(status == StatusCode::CREATED);
    }
    assert_eq!(created, 1, "exactly one request opened the ticket");
    let tickets = iot_tickets(&server, &site).await;
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["urgency"], "emergency");
    let id = tickets[0]["id"].as_str().unwrap();
    assert_eq!(
        entries(&server, &site.agent, id, "iot_alarm").await.len(),
        8
    );
}

async fn a_recovery_is_written_and_resolves_where_configured(server: Server) {
    let site = server.site("iot-f").await;
    let lobby = building(&server, &site, "6栋").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "GAS-1", "type": "gas_detector",
                "building_id": lobby, "place": "地下车库" }),
    )
    .await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "DOOR-1", "type": "door_access",
                "building_id": lobby, "unit": "1单元" }),
    )
    .await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "GAS-2", "type": "gas_detector",
                "building_id": lobby, "resolve_on_recovery": true }),
    )
    .await;
    // A danger's recovery is written on the timeline; someone still has to look.
    let gas = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("GAS-1", "gas", "alarm", &at(120)),
            StatusCode::CREATED,
        )
        .await;
    let gas_id = gas["id"].as_str().unwrap();
    let recovered = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("GAS-1", "gas", "recovered", &at(60)),
            StatusCode::OK,
        )
        .await;
    assert_eq!(recovered["id"], gas_id);
    assert_eq!(recovered["status"], "new");
    assert_eq!(
        entries(&server, &site.agent, gas_id, "iot_recovered")
            .await
            .len(),
        1
    );
    // A door closed again ends the work: resolved by the recovery.
    let door = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("DOOR-1", "door_held_open", "alarm", &at(120)),
            StatusCode::CREATED,
        )
        .await;
    let closed = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("DOOR-1", "door_held_open", "recovered", &at(60)),
            StatusCode::OK,
        )
        .await;
    assert_eq!(closed["id"], door["id"]);
    assert_eq!(closed["status"], "resolved");
    // A device configured to resolve on recovery does so even for a danger.
    server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("GAS-2", "gas", "alarm", &at(120)),
            StatusCode::CREATED,
        )
        .await;
    let resolved = server
        .ok(
            &site.agent,
            "/api/v1/iot/alarms",
            alarm("GAS-2", "gas", "recovered", &at(60)),
            StatusCode::OK,
        )
        .await;
    assert_eq!(resolved["status"], "resolved");
    // A recovery with nothing open: answered, nothing opened; twice, still nothing.
    for _ in 0..2 {
        let (status, body) = server
            .post(
                Some(&site.agent),
                "/api/v1/iot/alarms",
                alarm("DOOR-1", "door_forced", "recovered", &at(10)),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    assert_eq!(iot_tickets(&server, &site).await.len(), 3);
}

async fn unknown_devices_types_and_callers_are_refused_clearly(server: Server) {
    let site = server.site("iot-g").await;
    let other = server.site("iot-h").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "CAM-1", "type": "camera" }),
    )
    .await;
    let (status, body) = server
        .post(
            Some(&site.agent),
            "/api/v1/iot/alarms",
            alarm("NOPE-1", "smoke", "alarm", &at(5)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["device_id"],
        "unknown_reference"
    );
    // Another project's device is unknown to this caller.
    let (status, body) = server
        .post(
            Some(&other.agent),
            "/api/v1/iot/alarms",
            alarm("CAM-1", "offline", "alarm", &at(5)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = server
        .post(
            Some(&site.agent),
            "/api/v1/iot/alarms",
            alarm("CAM-1", "meteor", "maybe", "soon"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &body["error"]["details"]["fields"];
    assert_eq!(
        (&fields["type"], &fields["state"], &fields["at"]),
        (&json!("invalid"), &json!("invalid"), &json!("invalid"))
    );
    let types = body["error"]["details"]["allowed"]["type"]["codes"]
        .as_array()
        .unwrap();
    assert!(types.contains(&json!("lift_entrapment")), "{body}");
    let words = body["error"]["details"]["messages"]["type"]
        .as_str()
        .unwrap();
    assert!(words.contains("water_leak"), "{words}");
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/iot/alarms",
            json!({ "device_id": "CAM-1", "type": "offline", "state": "alarm", "at": at(5), "extra": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Technicians and residents do not open tickets this way; nobody does without a token.
    let (status, _) = server
        .post(
            Some(&site.tech),
            "/api/v1/iot/alarms",
            alarm("CAM-1", "offline", "alarm", &at(5)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, _) = server
        .post(
            Some(&resident),
            "/api/v1/iot/alarms",
            alarm("CAM-1", "offline", "alarm", &at(5)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .post(
            None,
            "/api/v1/iot/alarms",
            alarm("CAM-1", "offline", "alarm", &at(5)),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A deactivated device's alarms are refused.
    let (_, listed) = server.get(Some(&server.admin), "/api/v1/devices").await;
    let cam = listed["items"][0]["id"].as_str().unwrap().to_owned();
    server
        .put(
            &server.admin,
            &format!("/api/v1/devices/{cam}/active"),
            json!({ "active": false }),
        )
        .await;
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/iot/alarms",
            alarm("CAM-1", "offline", "alarm", &at(5)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(iot_tickets(&server, &site).await.is_empty());
}

/// A subscriber of this test's company on `broker`.
fn subscriber(broker: &Broker, client_id: &str) -> MqttSettings {
    MqttSettings {
        url: broker.url(),
        topics: vec!["guanjia/alarms/#".into()],
        client_id: Some(client_id.to_owned()),
        username: None,
        password: None,
        company: Some("test".into()),
    }
}

/// Waits until the project has `n` IoT tickets (or fails after 15 s).
async fn wait_for_tickets(server: &Server, site: &Site, n: usize) -> Vec<Value> {
    for _ in 0..150 {
        let tickets = iot_tickets(server, site).await;
        if tickets.len() >= n {
            return tickets;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no ticket from the MQTT alarm");
}

/// The MQTT alarms counted so far with `outcome`, from `/metrics`.
async fn mqtt_count(server: &Server, outcome: &str) -> f64 {
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| {
            l.starts_with("guanjia_iot_alarms_total")
                && l.contains("source=\"mqtt\"")
                && l.contains(&format!("outcome=\"{outcome}\""))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn an_alarm_published_over_mqtt_opens_one_ticket_with_two_subscribers(server: Server) {
    let site = server.site("iot-m").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "SD-M1", "type": "smoke_detector", "room_id": site.rooms[0] }),
    )
    .await;
    let broker = Broker::start().await;
    let nodes: Vec<_> = ["node-a", "node-b"]
        .into_iter()
        .map(|id| {
            guanjia_web::spawn_mqtt(server.store.clone(), subscriber(&broker, id))
                .expect("subscriber")
        })
        .collect();
    broker.wait_for_clients(2).await;
    let repeated_before = mqtt_count(&server, "repeated").await;
    let payload = alarm("SD-M1", "smoke", "alarm", &at(10)).to_string();
    broker.publish("guanjia/alarms/SD-M1", &payload).await;
    let tickets = wait_for_tickets(&server, &site, 1).await;
    assert_eq!(tickets[0]["urgency"], "emergency");
    assert_eq!(tickets[0]["room_id"], site.rooms[0].as_str());
    // Both nodes got it: the second found it received and changed nothing.
    for _ in 0..100 {
        if mqtt_count(&server, "repeated").await > repeated_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(mqtt_count(&server, "repeated").await > repeated_before);
    // Published again (an at-least-once platform): still one ticket, one timeline entry.
    broker.publish("guanjia/alarms/SD-M1", &payload).await;
    // An unknown device and a message that is no alarm: logged, counted, nothing opened.
    let unknown_before = mqtt_count(&server, "unknown_device").await;
    let invalid_before = mqtt_count(&server, "invalid").await;
    broker
        .publish(
            "guanjia/alarms/GHOST",
            &alarm("GHOST-1", "smoke", "alarm", &at(5)).to_string(),
        )
        .await;
    broker.publish("guanjia/alarms/junk", "not json").await;
    for _ in 0..100 {
        if mqtt_count(&server, "unknown_device").await >= unknown_before + 2.0
            && mqtt_count(&server, "invalid").await >= invalid_before + 2.0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(mqtt_count(&server, "unknown_device").await >= unknown_before + 2.0);
    assert!(mqtt_count(&server, "invalid").await >= invalid_before + 2.0);
    let tickets = iot_tickets(&server, &site).await;
    assert_eq!(tickets.len(), 1);
    let id = tickets[0]["id"].as_str().unwrap();
    let logged = entries(&server, &site.agent, id, "iot_alarm").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["actor_id"], "mqtt");
    for node in nodes {
        node.abort();
    }
}

async fn the_subscriber_reconnects_when_the_broker_comes_back(server: Server) {
    let site = server.site("iot-r").await;
    device(
        &server,
        json!({ "project_id": site.project_id, "device_id": "PUMP-1", "type": "water_pump" }),
    )
    .await;
    let mut broker = Broker::start().await;
    let node = guanjia_web::spawn_mqtt(
        server.store.clone(),
        MqttSettings {
            // A clean session: it subscribes again on its own after reconnecting.
            client_id: None,
            ..subscriber(&broker, "unused")
        },
    )
    .expect("subscriber");
    broker.wait_for_clients(1).await;
    broker.stop();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    broker.run().await;
    broker.wait_for_clients(1).await;
    broker
        .publish(
            "guanjia/alarms/PUMP-1",
            &alarm("PUMP-1", "water_pressure", "alarm", &at(5)).to_string(),
        )
        .await;
    let tickets = wait_for_tickets(&server, &site, 1).await;
    assert_eq!(tickets[0]["urgency"], "urgent");
    assert_eq!(tickets[0]["category"], "repair.water");
    node.abort();
}

async fn the_openapi_document_describes_devices_and_alarms_as_served(server: Server) {
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    let paths = &doc["paths"];
    let names: Vec<&str> = paths["/api/v1/devices"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["project_id", "type", "active", "page", "per_page", "format"],
        "{names:?}"
    );
    let answers = paths["/api/v1/iot/alarms"]["post"]["responses"]
        .as_object()
        .unwrap();
    for status in ["200", "201", "204", "default"] {
        assert!(answers.contains_key(status), "{status}: {answers:?}");
    }
    for path in ["/api/v1/devices/{id}", "/api/v1/devices/{id}/active"] {
        assert!(paths[path]["put"].is_object(), "{path}");
    }
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["DeviceView"]["properties"]["type"].is_object(),
        "{}",
        schemas["DeviceView"]
    );
    assert!(
        schemas["AlarmInput"]["properties"]["type"].is_object(),
        "{}",
        schemas["AlarmInput"]
    );
    assert!(schemas["DeviceInput"]["properties"]["type"].is_object());
}
