//! Message understanding in production, through the real HTTP API on SQLite and PostgreSQL:
//! duplicates following their original, incidents, the desk's corrections and their figures, and
//! each company's own vocabulary with its preview.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_duplicate_follows_its_original_and_closes_with_it,
    incidents_gathered_by_hand_close_with_their_tickets,
    a_reclassification_is_recorded_as_a_correction_and_counted,
    admins_tune_the_vocabulary_and_preview_its_effect,
    a_cancelled_original_lets_its_duplicates_go,
    tickets_stored_before_problem_keys_are_filed_page_by_page,
);

async fn report(server: &Server, site: &Site, resident: usize, text: &str) -> Value {
    let body = json!({ "project_id": site.project_id, "channel": "app", "resident_id": site.residents[resident].0, "description": text });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await
}

fn id(ticket: &Value) -> &str {
    ticket["id"].as_str().unwrap()
}

async fn ticket(server: &Server, token: &str, ticket_id: &str) -> Value {
    let (status, body) = server
        .get(Some(token), &format!("/api/v1/tickets/{ticket_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The steps of the original a duplicate's timeline told its resident of.
async fn told(server: &Server, token: &str, ticket_id: &str) -> Vec<String> {
    let (status, events) = server
        .get(Some(token), &format!("/api/v1/tickets/{ticket_id}/events"))
        .await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "original_progress")
        .inspect(|e| assert_eq!(e["visibility"], "resident", "{e}"))
        .map(|e| e["details"]["progress"].as_str().unwrap().to_owned())
        .collect()
}

async fn act_ok(server: &Server, token: &str, ticket_id: &str, action: Value) -> Value {
    let (status, body) = server.act(token, ticket_id, action.clone()).await;
    assert_eq!(status, StatusCode::OK, "{action} → {body}");
    body
}

async fn a_duplicate_follows_its_original_and_closes_with_it(server: Server) {
    let site = server.site("follow").await;
    let original = report(&server, &site, 0, "3栋2单元电梯困人了，卡在12楼，快来人").await;
    let duplicate = report(&server, &site, 1, "3栋2单元的电梯卡在12楼了，里面有人").await;
    let unlinked = report(&server, &site, 1, "3栋2单元电梯停在12楼不动了，有人被困").await;
    assert_eq!(duplicate["duplicate_of"], original["id"], "{duplicate}");
    assert_eq!(unlinked["duplicate_of"], original["id"], "{unlinked}");
    // The original and its duplicates form one incident.
    let incident_id = duplicate["incident_id"]
        .as_str()
        .expect("a duplicate joins an incident")
        .to_owned();
    assert_eq!(
        ticket(&server, &site.agent, id(&original)).await["incident_id"],
        incident_id.as_str()
    );
    // Linked by hand, a ticket joins the incident too; unlinking stops the following and takes
    // it out again.
    let body = act_ok(
        &server,
        &site.agent,
        id(&unlinked),
        json!({ "action": "unlink_duplicate", "reason": "先取消" }),
    )
    .await;
    assert_eq!(body["incident_id"], Value::Null, "{body}");
    let body = act_ok(
        &server,
        &site.agent,
        id(&unlinked),
        json!({ "action": "link_duplicate", "original_id": original["id"] }),
    )
    .await;
    assert_eq!(body["incident_id"], incident_id.as_str(), "{body}");
    let body = act_ok(
        &server,
        &site.agent,
        id(&unlinked),
        json!({ "action": "unlink_duplicate", "reason": "另一部电梯" }),
    )
    .await;
    assert_eq!(
        (&body["duplicate_of"], &body["incident_id"]),
        (&Value::Null, &Value::Null),
        "{body}"
    );

    let steps = [
        (&site.agent, json!({ "action": "accept" })),
        (
            &site.agent,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        ),
        (&site.tech, json!({ "action": "accept" })),
        (&site.tech, json!({ "action": "arrive" })),
    ];
    for (token, action) in steps {
        act_ok(&server, token, id(&original), action).await;
    }
    assert_eq!(
        ticket(&server, &site.agent, id(&duplicate)).await["status"],
        "new",
        "progress alone does not move it"
    );
    act_ok(
        &server,
        &site.tech,
        id(&original),
        json!({ "action": "resolve", "body": "电梯已恢复运行" }),
    )
    .await;

    let resident = server.resident_token(&site.residents[1].1).await;
    assert_eq!(
        told(&server, &resident, id(&duplicate)).await,
        ["dispatched", "in_progress", "arrived", "resolved"]
    );
    assert_eq!(
        ticket(&server, &site.agent, id(&duplicate)).await["status"],
        "resolved",
        "resolved with its original"
    );
    let (_, notes) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    let progress: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "original_progress" && n["ticket_id"] == duplicate["id"])
        .map(|n| n["details"]["progress"].as_str().unwrap())
        .collect();
    assert_eq!(progress.len(), 4, "{notes}");
    assert!(progress.contains(&"resolved"));
    let sentence = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "original_progress")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        sentence.contains(original["number"].as_str().unwrap()),
        "{sentence}"
    );
    assert!(
        told(&server, &site.agent, id(&unlinked)).await.is_empty(),
        "an unlinked ticket hears nothing"
    );
    assert_eq!(
        ticket(&server, &site.agent, id(&unlinked)).await["status"],
        "new"
    );

    let (_, incident) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/incidents/{incident_id}"),
        )
        .await;
    assert_eq!(
        (
            incident["status"].as_str(),
            incident["ticket_count"].as_i64()
        ),
        (Some("open"), Some(2)),
        "{incident}"
    );
    act_ok(
        &server,
        &site.agent,
        id(&original),
        json!({ "action": "follow_up", "satisfaction": 5 }),
    )
    .await;
    assert_eq!(
        ticket(&server, &site.agent, id(&duplicate)).await["status"],
        "closed",
        "closed with its original"
    );
    assert_eq!(
        told(&server, &site.agent, id(&duplicate))
            .await
            .last()
            .map(String::as_str),
        Some("closed")
    );

    let (status, incident) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/incidents/{incident_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{incident}");
    assert_eq!(
        incident["status"], "closed",
        "every ticket of it is closed: {incident}"
    );
    let members: Vec<&str> = incident["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(members, [id(&original), id(&duplicate)]);
    let (status, list) = server
        .get(
            Some(&site.agent),
            &format!(
                "/api/v1/incidents?project_id={}&status=closed",
                site.project_id
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        (list["total"].as_u64(), list["items"][0]["id"].as_str()),
        (Some(1), Some(incident_id.as_str())),
        "{list}"
    );
    let (status, _) = server.get(Some(&resident), "/api/v1/incidents").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "residents have their own tickets, not incidents"
    );
}

async fn incidents_gathered_by_hand_close_with_their_tickets(server: Server) {
    let site = server.site("gather").await;
    let first = report(&server, &site, 0, "3栋2单元1502家里停电了").await;
    let second = report(&server, &site, 1, "3栋2单元1602也没电了，跳闸推不上去").await;
    let body = json!({ "title": "3栋2单元停电", "ticket_ids": [first["id"], second["id"]] });
    let created = server
        .ok(&site.agent, "/api/v1/incidents", body, StatusCode::CREATED)
        .await;
    assert_eq!(
        (
            created["status"].as_str(),
            created["ticket_count"].as_i64(),
            created["tickets"].as_array().map(Vec::len)
        ),
        (Some("open"), Some(2), Some(2)),
        "{created}"
    );
    let incident_id = created["id"].as_str().unwrap();
    assert_eq!(
        ticket(&server, &site.agent, id(&first)).await["incident_id"],
        incident_id
    );
    for gathered in [&first, &second] {
        let (_, events) = server
            .get(
                Some(&site.agent),
                &format!("/api/v1/tickets/{}/events", id(gathered)),
            )
            .await;
        let joined = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "join_incident");
        assert!(
            joined.is_some_and(
                |e| e["details"]["incident_id"] == incident_id && e["visibility"] == "internal"
            ),
            "each gathered ticket's timeline says so: {events}"
        );
    }
    let (status, body) = server
        .post(
            Some(&site.agent),
            "/api/v1/incidents",
            json!({ "title": "空", "ticket_ids": [] }),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["ticket_ids"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("required"))
    );
    let (status, _) = server
        .post(
            Some(&site.tech),
            "/api/v1/incidents",
            json!({ "title": "x", "ticket_ids": [first["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for t in [&first, &second] {
        act_ok(
            &server,
            &site.agent,
            id(t),
            json!({ "action": "cancel", "reason": "供电局线路检修，已恢复" }),
        )
        .await;
    }
    let (_, incident) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/incidents/{incident_id}"),
        )
        .await;
    assert_eq!(incident["status"], "closed", "{incident}");
    assert!(incident["closed_at"].is_string());
}

fn period() -> String {
    let at = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    format!(
        "from={}&to={}",
        at(Utc::now() - Duration::hours(1)),
        at(Utc::now() + Duration::hours(1))
    )
}

async fn a_reclassification_is_recorded_as_a_correction_and_counted(server: Server) {
    let site = server.site("fix").await;
    let read = report(
        &server,
        &site,
        0,
        "3栋2单元1502卫生间天花板漏水，滴到地上了",
    )
    .await;
    assert_eq!(
        (read["category"].as_str(), read["urgency"].as_str()),
        (Some("repair.water"), Some("normal")),
        "{read}"
    );
    let due = |t: &Value| {
        t["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "first_response")
            .unwrap()["due_at"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let before = due(&read);
    let fixed = act_ok(&server, &site.agent, id(&read), json!({ "action": "reclassify", "category": "repair.structure", "urgency": "emergency", "reason": "楼板渗水，属房屋本体" })).await;
    assert_eq!(
        (
            fixed["kind"].as_str(),
            fixed["category"].as_str(),
            fixed["urgency"].as_str()
        ),
        (Some("repair"), Some("repair.structure"), Some("emergency"))
    );
    assert!(
        due(&fixed) < before,
        "an emergency is answered sooner: {} then {before}",
        due(&fixed)
    );
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{}/events", id(&read)),
        )
        .await;
    let last = events["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["visibility"].as_str()),
        (Some("reclassify"), Some("internal"))
    );

    // What the agent chose at intake is no reading of the text: no correction.
    let body = json!({ "project_id": site.project_id, "channel": "phone", "resident_id": site.residents[1].0, "category": "repair.water", "urgency": "normal", "kind": "repair",
        "description": "3栋2单元1602厨房下水道堵了" });
    let chosen = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    act_ok(
        &server,
        &site.agent,
        id(&chosen),
        json!({ "action": "reclassify", "category": "repair.public_facility" }),
    )
    .await;
    let resident = server.resident_token(&site.residents[1].1).await;
    let (status, body) = server
        .act(
            &resident,
            id(&chosen),
            json!({ "action": "reclassify", "urgency": "urgent" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the desk reclassifies: {body}"
    );
    let (status, body) = server
        .act(
            &site.agent,
            id(&chosen),
            json!({ "action": "reclassify", "kind": "complaint", "category": "repair.water" }),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["category"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("mismatch")),
        "{body}"
    );
    let (status, body) = server
        .act(
            &site.agent,
            id(&chosen),
            json!({ "action": "reclassify", "category": "repair.teleport" }),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["category"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("unknown_reference")
        ),
        "{body}"
    );

    let figures = intake_figures(&server, &site).await;
    let field = |name: &str| field_of(&figures, name);
    assert_eq!(
        (
            field("category")["filled"].as_u64(),
            field("category")["corrected"].as_u64()
        ),
        (Some(1), Some(1)),
        "{figures}"
    );
    assert_eq!(field("category")["accuracy"].as_f64(), Some(0.0));
    assert_eq!(
        (
            field("kind")["filled"].as_u64(),
            field("kind")["accuracy"].as_f64()
        ),
        (Some(1), Some(1.0)),
        "the kind was right"
    );
    assert_eq!(field("urgency")["corrected"].as_u64(), Some(1));
    let top = &figures["top_corrections"];
    assert!(top.as_array().unwrap().contains(&json!({ "field": "category", "from": "repair.water", "to": "repair.structure", "count": 1 })), "{top}");
    // Set back to what the text said, the reading was right after all.
    act_ok(
        &server,
        &site.agent,
        id(&read),
        json!({ "action": "reclassify", "category": "repair.water" }),
    )
    .await;
    let figures = intake_figures(&server, &site).await;
    assert_eq!(
        field_of(&figures, "category")["corrected"].as_u64(),
        Some(0),
        "{figures}"
    );
}

/// The project's intake accuracy over the test's period, as the agent reads it.
async fn intake_figures(server: &Server, site: &Site) -> Value {
    let path = format!(
        "/api/v1/metrics/intake?project_id={}&{}",
        site.project_id,
        period()
    );
    let (status, figures) = server.get(Some(&site.agent), &path).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    figures
}

/// One field's line of the intake figures.
fn field_of(figures: &Value, name: &str) -> Value {
    figures["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == name)
        .unwrap()
        .clone()
}

async fn admins_tune_the_vocabulary_and_preview_its_effect(server: Server) {
    let server = &server;
    let site = server.site("words").await;
    let (status, stored) = server
        .get(Some(&site.agent), "/api/v1/intake/vocabulary")
        .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(
        (stored["built_in"].as_bool(), stored["version"].as_i64()),
        (Some(true), Some(0))
    );
    let mut vocabulary = stored["vocabulary"].clone();
    let hvac = vocabulary["categories"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["code"] == "repair.hvac")
        .unwrap();
    vocabulary["categories"][hvac]["keywords"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "weight": 10.0, "words": ["嗡嗡器"] }));
    let put = |body: Value| async move {
        let request = server
            .client
            .put(server.url("/api/v1/intake/vocabulary"))
            .bearer_auth(&server.admin)
            .json(&body);
        let response = request.send().await.unwrap();
        (
            response.status(),
            response.json::<Value>().await.unwrap_or_default(),
        )
    };

    // An agent reads it; only admins change it or preview a change.
    let response = server
        .client
        .put(server.url("/api/v1/intake/vocabulary"))
        .bearer_auth(&site.agent)
        .json(&json!({ "vocabulary": vocabulary }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let text = json!({ "text": "嗡嗡器不工作了", "channel": "app", "project_id": site.project_id, "vocabulary": vocabulary });
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/intake/preview", text.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A bad vocabulary is refused with where the fault is, and changes nothing.
    let mut broken = vocabulary.clone();
    broken["categories"][0]["code"] = json!("broken.pipe");
    let (status, body) = put(json!({ "vocabulary": broken })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")),
        "{body}"
    );
    assert_eq!(
        body["error"]["details"]["fields"]["vocabulary.categories[0].code"], "invalid",
        "{body}"
    );
    let (status, body) = put(json!({ "vocabulary": { "synonyms": "none" } })).await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["vocabulary"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("invalid")),
        "{body}"
    );
    let (_, unchanged) = server
        .get(Some(&site.agent), "/api/v1/intake/vocabulary")
        .await;
    assert_eq!(
        (
            unchanged["built_in"].as_bool(),
            unchanged["version"].as_i64()
        ),
        (Some(true), Some(0))
    );

    // The preview shows what the edit would change before it is saved.
    let (status, preview) = server
        .post(Some(&server.admin), "/api/v1/intake/preview", text)
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["proposed"]["category"], "repair.hvac", "{preview}");
    assert_ne!(preview["current"]["category"], "repair.hvac", "{preview}");
    assert!(
        preview["changed"]
            .as_array()
            .unwrap()
            .contains(&json!("category")),
        "{preview}"
    );
    let before = server.ok(&site.agent, "/api/v1/tickets", json!({ "project_id": site.project_id, "channel": "app", "resident_id": site.residents[0].0, "description": "嗡嗡器不工作了" }), StatusCode::CREATED).await;
    assert_ne!(before["category"], "repair.hvac");

    let (status, saved) = put(json!({ "vocabulary": vocabulary })).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (saved["built_in"].as_bool(), saved["version"].as_i64()),
        (Some(false), Some(1))
    );
    let (_, stored) = server
        .get(Some(&site.agent), "/api/v1/intake/vocabulary")
        .await;
    assert_eq!(stored["vocabulary"], vocabulary);
    let after = server.ok(&site.agent, "/api/v1/tickets", json!({ "project_id": site.project_id, "channel": "app", "resident_id": site.residents[1].0, "description": "嗡嗡器不工作了" }), StatusCode::CREATED).await;
    assert_eq!(
        after["category"], "repair.hvac",
        "a new ticket is read with the company's vocabulary: {after}"
    );
    let (_, analysis) = server
        .post(
            Some(&site.agent),
            "/api/v1/intake/analyze",
            json!({ "text": "嗡嗡器不工作了", "channel": "app" }),
        )
        .await;
    assert_eq!(analysis["category"], "repair.hvac");
    let (_, openapi) = server.get(None, "/api/openapi.json").await;
    for path in [
        "/api/v1/intake/vocabulary",
        "/api/v1/intake/preview",
        "/api/v1/metrics/intake",
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is documented");
    }
}

async fn a_cancelled_original_lets_its_duplicates_go(server: Server) {
    let site = server.site("let-go").await;
    let original = report(&server, &site, 0, "3栋2单元电梯困人了，卡在12楼，快来人").await;
    let duplicate = report(&server, &site, 1, "3栋2单元的电梯卡在12楼了，里面有人").await;
    assert_eq!(duplicate["duplicate_of"], original["id"], "{duplicate}");
    act_ok(
        &server,
        &site.agent,
        id(&original),
        json!({ "action": "cancel", "reason": "误报" }),
    )
    .await;
    let after = ticket(&server, &site.agent, id(&duplicate)).await;
    assert_eq!(
        (&after["duplicate_of"], after["status"].as_str()),
        (&Value::Null, Some("new")),
        "handled on its own now: {after}"
    );
    assert_eq!(
        told(&server, &site.agent, id(&duplicate)).await,
        ["cancelled"]
    );
    let body = act_ok(
        &server,
        &site.agent,
        id(&duplicate),
        json!({ "action": "dispatch", "assignee_id": site.tech_id }),
    )
    .await;
    assert_eq!(
        body["status"], "dispatched",
        "no longer a duplicate, so it is dispatched"
    );
}

/// Every ticket's problem keys, in a stable order.
async fn problem_keys(server: &Server) -> Vec<(String, String)> {
    use guanjia_storage::entity::ticket_problem_key;
    use sea_orm::{EntityTrait, QueryOrder};
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    ticket_problem_key::Entity::find()
        .order_by_asc(ticket_problem_key::Column::TicketId)
        .order_by_asc(ticket_problem_key::Column::Key)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.ticket_id, k.key))
        .collect()
}

/// Migration m0014 files the tickets stored before it by their facts, a page at a time: filed
/// again two at a time, five tickets get exactly the keys they were filed under when created.
async fn tickets_stored_before_problem_keys_are_filed_page_by_page(server: Server) {
    let site = server.site("refile").await;
    for text in [
        "3栋2单元电梯困人了，卡在12楼",
        "5栋楼道灯不亮了好几天",
        "地下车库B2漏水很严重",
        "楼上装修太吵了，中午也在打电钻",
        "小区东门的道闸坏了抬不起来",
    ] {
        report(&server, &site, 0, text).await;
    }
    let filed = problem_keys(&server).await;
    assert!(filed.len() >= 5, "each ticket has keys: {filed:?}");
    let read = guanjia_storage::test_database::refile_problem_keys(&server.store, 2).await;
    assert!(read >= 5, "every understood ticket read: {read}");
    assert_eq!(problem_keys(&server).await, filed);
}
