//! Ready for a pilot, through the real HTTP API on SQLite and PostgreSQL: a technician finishes
//! only with the work done and arrives once per visit; staff notes stay internal unless told to
//! the resident, who reads the work in their own words; one rating per resolution; a resident's
//! chase; the company's name and logo for residents.

mod common;

use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_technician_finishes_with_the_work_done_and_arrives_once_per_visit,
    staff_notes_stay_internal_unless_told_to_the_resident,
    a_resolution_is_rated_once,
    a_resident_chases_at_most_once_an_hour_and_the_people_on_it_hear,
    admins_set_the_name_and_logo_residents_see,
    a_category_may_ask_for_photos_of_the_work,
);

async fn ticket(
    server: &Server,
    site: &Site,
    kind: &str,
    category: &str,
    description: &str,
) -> String {
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": kind, "category": category, "urgency": "normal",
        "description": description, "resident_id": site.residents[0].0,
    });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn act_ok(server: &Server, token: &str, id: &str, action: Value) -> Value {
    let (status, body) = server.act(token, id, action.clone()).await;
    assert_eq!(status, StatusCode::OK, "{action}: {body}");
    body
}

/// A repair dispatched to the site's technician, who accepted it.
async fn job(server: &Server, site: &Site, description: &str) -> String {
    let id = ticket(server, site, "repair", "repair.water", description).await;
    act_ok(
        server,
        &site.agent,
        &id,
        json!({ "action": "dispatch", "assignee_id": site.tech_id }),
    )
    .await;
    act_ok(server, &site.tech, &id, json!({ "action": "accept" })).await;
    id
}

fn allowed(ticket: &Value) -> Vec<&str> {
    ticket["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

async fn events(server: &Server, token: &str, id: &str) -> Vec<Value> {
    let (status, body) = server
        .get(Some(token), &format!("/api/v1/tickets/{id}/events"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn notifications(server: &Server, token: &str) -> Vec<Value> {
    let (status, body) = server.get(Some(token), "/api/v1/me/notifications").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn a_technician_finishes_with_the_work_done_and_arrives_once_per_visit(server: Server) {
    let site = server.site("fin").await;
    let id = job(&server, &site, "厨房水管漏水").await;
    let arrived = act_ok(&server, &site.tech, &id, json!({ "action": "arrive" })).await;
    assert!(
        !allowed(&arrived).contains(&"arrive"),
        "arrival is recorded once a visit: {arrived}"
    );
    let (status, body) = server
        .act(&site.tech, &id, json!({ "action": "arrive" }))
        .await;
    assert_eq!(
        (
            status,
            body["error"]["code"].as_str(),
            body["error"]["details"]["reason"].as_str()
        ),
        (
            StatusCode::CONFLICT,
            Some("invalid_transition"),
            Some("already_on_site")
        )
    );
    let arrivals = events(&server, &site.agent, &id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "arrive")
        .count();
    assert_eq!(arrivals, 1, "the refused second arrival recorded nothing");

    // One tap does not finish: without the work done the resolve is refused and nothing moves.
    for body in [
        json!({ "action": "resolve" }),
        json!({ "action": "resolve", "body": "   " }),
    ] {
        let (status, refused) = server.act(&site.tech, &id, body).await;
        assert_eq!(
            (
                status,
                refused["error"]["details"]["fields"]["body"].as_str()
            ),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("required")),
            "{refused}"
        );
    }
    let (_, still) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(still["status"], "in_progress");
    let resident = server.resident_token(&site.residents[0].1).await;
    assert!(
        !notifications(&server, &resident)
            .await
            .iter()
            .any(|n| n["kind"] == "rating_link"),
        "no rating request for unfinished work"
    );

    let done = act_ok(&server, &site.tech, &id, json!({ "action": "resolve", "body": "更换角阀", "materials": [{ "name": "角阀", "quantity": 1, "unit": "个" }] })).await;
    assert_eq!(done["status"], "resolved");
    assert!(
        notifications(&server, &resident)
            .await
            .iter()
            .any(|n| n["kind"] == "rating_link" && n["ticket_id"] == id.as_str())
    );
}

async fn staff_notes_stay_internal_unless_told_to_the_resident(server: Server) {
    let site = server.site("say").await;
    let id = ticket(&server, &site, "repair", "repair.water", "卫生间天花板漏水").await;
    act_ok(
        &server,
        &site.agent,
        &id,
        json!({ "action": "accept", "note": "师傅下午两点上门", "tell_resident": true }),
    )
    .await;
    let auto = server
        .ok(
            &site.agent,
            &format!("/api/v1/tickets/{id}/auto-dispatch"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert!(
        auto.to_string().contains("名候选人"),
        "the desk reads why: {auto}"
    );
    act_ok(&server, &site.agent, &id, json!({ "action": "dispatch", "assignee_id": site.tech_id, "note": "此户脾气急，注意沟通" })).await;
    act_ok(
        &server,
        &site.agent,
        &id,
        json!({ "action": "comment", "body": "内部备注：楼上1702可能是漏点" }),
    )
    .await;
    act_ok(&server, &site.tech, &id, json!({ "action": "accept" })).await;
    act_ok(
        &server,
        &site.tech,
        &id,
        json!({ "action": "arrive", "location": { "latitude": 30.27, "longitude": 120.15 } }),
    )
    .await;
    act_ok(&server, &site.tech, &id, json!({ "action": "resolve", "body": "楼上防水层破损，已临时封堵", "materials": [{ "name": "防水胶", "quantity": 2, "unit": "支" }] })).await;

    let resident = server.resident_token(&site.residents[0].1).await;
    let (_, theirs) = server
        .get(Some(&resident), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        theirs["dispatch_explanation"],
        Value::Null,
        "the dispatcher's reasons stay with staff"
    );
    let seen = events(&server, &resident, &id).await;
    let everything = serde_json::to_string(&seen).unwrap();
    assert!(
        seen.iter().all(|e| e["visibility"] == "resident"),
        "no internal entries: {everything}"
    );
    for internal in [
        "此户脾气急",
        "内部备注",
        "防水层破损",
        "assignee_id",
        "latitude",
        "名候选人",
    ] {
        assert!(
            !everything.contains(internal),
            "{internal} reached the resident: {everything}"
        );
    }
    assert!(
        everything.contains("师傅下午两点上门"),
        "a note told to the resident reaches them"
    );
    assert!(
        everything.contains("防水胶"),
        "the materials used are the resident's to know"
    );
    let progress: Vec<&str> = seen.iter().filter_map(|e| e["progress"].as_str()).collect();
    assert_eq!(
        progress,
        [
            "submitted",
            "received",
            "arranging",
            "arranging",
            "technician_accepted",
            "technician_arrived",
            "done"
        ]
    );
    // Staff still read all of it.
    let desk = serde_json::to_string(&events(&server, &site.agent, &id).await).unwrap();
    assert!(
        desk.contains("此户脾气急") && desk.contains("防水层破损") && desk.contains("内部备注")
    );
}

async fn a_resolution_is_rated_once(server: Server) {
    let site = server.site("rate").await;
    let complaint = ticket(
        &server,
        &site,
        "complaint",
        "complaint.noise",
        "楼上每天半夜装修",
    )
    .await;
    act_ok(
        &server,
        &site.agent,
        &complaint,
        json!({ "action": "accept" }),
    )
    .await;
    act_ok(
        &server,
        &site.agent,
        &complaint,
        json!({ "action": "resolve", "body": "已约谈装修户" }),
    )
    .await;
    let resident = server.resident_token(&site.residents[0].1).await;
    let rated = act_ok(
        &server,
        &resident,
        &complaint,
        json!({ "action": "follow_up", "satisfaction": 5 }),
    )
    .await;
    assert_eq!(
        rated["status"], "resolved",
        "a complaint waits for the staff call"
    );
    assert!(
        !allowed(&rated).contains(&"follow_up"),
        "nothing left to rate: {rated}"
    );

    // A second rating of the same resolution is refused, clearly, and does not reopen it.
    let request = server
        .client
        .post(server.url(&format!("/api/v1/tickets/{complaint}/actions")))
        .bearer_auth(&resident);
    let response = request
        .json(&json!({ "action": "follow_up", "satisfaction": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"]["reason"], "already_rated");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已经评价过"),
        "{body}"
    );
    let (_, after) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{complaint}"))
        .await;
    assert_eq!(
        (
            after["status"].as_str(),
            after["satisfaction"].as_i64(),
            after["reopen_count"].as_i64()
        ),
        (Some("resolved"), Some(5), Some(0))
    );
    // Its rating link is spent too.
    let link = notifications(&server, &resident)
        .await
        .into_iter()
        .find(|n| n["kind"] == "rating_link" && n["ticket_id"] == complaint.as_str())
        .unwrap();
    let token = link["details"]["token"].as_str().unwrap();
    let (status, body) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 1 }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("link_used"))
    );

    // After rectification and a new resolve, the new work is rated afresh.
    let repair = ticket(&server, &site, "repair", "repair.water", "阳台地漏堵塞").await;
    act_ok(&server, &site.agent, &repair, json!({ "action": "accept" })).await;
    act_ok(
        &server,
        &site.agent,
        &repair,
        json!({ "action": "resolve", "body": "已疏通" }),
    )
    .await;
    let unhappy = act_ok(
        &server,
        &resident,
        &repair,
        json!({ "action": "follow_up", "satisfaction": 1 }),
    )
    .await;
    assert_eq!(unhappy["status"], "reopened");
    act_ok(
        &server,
        &site.agent,
        &repair,
        json!({ "action": "resolve", "body": "更换地漏" }),
    )
    .await;
    let again = act_ok(
        &server,
        &resident,
        &repair,
        json!({ "action": "follow_up", "satisfaction": 4 }),
    )
    .await;
    assert_eq!(again["status"], "closed");
}

async fn a_resident_chases_at_most_once_an_hour_and_the_people_on_it_hear(server: Server) {
    let site = server.site("chase").await;
    let id = job(&server, &site, "热水器不出热水").await;
    let resident = server.resident_token(&site.residents[0].1).await;
    act_ok(
        &server,
        &resident,
        &id,
        json!({ "action": "chase", "note": "师傅什么时候来？" }),
    )
    .await;
    for staff in [&site.tech, &site.agent] {
        let told = notifications(&server, staff).await;
        assert!(
            told.iter()
                .any(|n| n["kind"] == "chase" && n["ticket_id"] == id.as_str()),
            "{told:?}"
        );
    }
    let (status, body) = server
        .act(&resident, &id, json!({ "action": "chase" }))
        .await;
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (StatusCode::CONFLICT, Some("chased_recently"))
    );
    let chases: Vec<Value> = events(&server, &resident, &id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "chase")
        .collect();
    assert_eq!(chases.len(), 1);
    assert_eq!(chases[0]["progress"], "chased");
    // The desk acts instead of chasing; the work has started, so the resident may no longer cancel.
    let (status, _) = server
        .act(&site.agent, &id, json!({ "action": "chase" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .act(
            &resident,
            &id,
            json!({ "action": "cancel", "reason": "不修了" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (StatusCode::CONFLICT, Some("work_started"))
    );
}

fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(600, 200, image::Rgb([20, 110, 80]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

async fn put(
    server: &Server,
    token: &str,
    path: &str,
    body: reqwest::Body,
    json: bool,
) -> (StatusCode, Value) {
    let mut request = server
        .client
        .put(server.url(path))
        .bearer_auth(token)
        .body(body);
    if json {
        request = request.header("content-type", "application/json");
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn admins_set_the_name_and_logo_residents_see(server: Server) {
    let site = server.site("brand").await;
    let (status, company) = server.get(Some(&site.agent), "/api/v1/company").await;
    assert_eq!(
        (
            status,
            company["display_name"].clone(),
            company["logo_url"].clone()
        ),
        (StatusCode::OK, Value::Null, Value::Null)
    );
    let named = json!({ "display_name": "锦程物业" }).to_string();
    let (status, _) = put(
        &server,
        &site.agent,
        "/api/v1/company",
        named.clone().into(),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = put(
        &server,
        &server.admin,
        "/api/v1/company",
        json!({ "display_name": "长".repeat(41) })
            .to_string()
            .into(),
        true,
    )
    .await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["display_name"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_long"))
    );
    let (status, body) = put(
        &server,
        &server.admin,
        "/api/v1/company",
        named.into(),
        true,
    )
    .await;
    assert_eq!(
        (status, body["display_name"].as_str()),
        (StatusCode::OK, Some("锦程物业"))
    );

    let (status, body) = put(
        &server,
        &server.admin,
        "/api/v1/company/logo",
        b"not a picture".to_vec().into(),
        false,
    )
    .await;
    assert_eq!(
        (status, body["error"]["details"]["fields"]["file"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
    let (status, body) = put(
        &server,
        &server.admin,
        "/api/v1/company/logo",
        png().into(),
        false,
    )
    .await;
    assert_eq!(
        (status, body["logo_url"].as_str()),
        (StatusCode::OK, Some("/api/v1/company/logo"))
    );
    let resident = server.resident_token(&site.residents[0].1).await;
    let logo = server
        .client
        .get(server.url("/api/v1/company/logo"))
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            logo.status(),
            logo.headers()["content-type"].to_str().unwrap().to_owned()
        ),
        (StatusCode::OK, "image/jpeg".to_owned())
    );
    let picture = image::load_from_memory(&logo.bytes().await.unwrap()).unwrap();
    assert!(picture.width() <= 320, "kept shrunk like a thumbnail");
    let (_, seen) = server.get(Some(&resident), "/api/v1/company").await;
    assert_eq!(seen["display_name"], "锦程物业");
}

async fn a_category_may_ask_for_photos_of_the_work(server: Server) {
    let site = server.site("pho").await;
    let category = json!({ "code": "repair.water", "label_zh": "给排水", "label_en": "Plumbing", "min_photos": 1 });
    let (status, saved) = server
        .post(Some(&server.admin), "/api/v1/categories", category)
        .await;
    assert!(status.is_success(), "{saved}");
    assert_eq!(saved["min_photos"], 1);
    let (status, body) = server.post(Some(&server.admin), "/api/v1/categories", json!({ "code": "repair.water", "label_zh": "给排水", "label_en": "Plumbing", "min_photos": 11 })).await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["min_photos"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("out_of_range"))
    );

    let id = job(&server, &site, "洗手盆下水管漏水").await;
    let finish = json!({ "action": "resolve", "body": "更换下水管" });
    let (status, refused) = server.act(&site.tech, &id, finish.clone()).await;
    assert_eq!(
        (
            status,
            refused["error"]["details"]["fields"]["photos"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("required")),
        "{refused}"
    );
    let upload = server
        .client
        .post(server.url(&format!("/api/v1/tickets/{id}/photos")))
        .bearer_auth(&site.tech)
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::CREATED);
    let done = act_ok(&server, &site.tech, &id, finish).await;
    assert_eq!(done["status"], "resolved");
}
