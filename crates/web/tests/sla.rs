//! The SLA engine through the real HTTP API, on SQLite and on PostgreSQL: calendars, policies,
//! simulation, deadlines on tickets, the list filter, and the scheduler firing each step once.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    calendars_show_holidays_and_make_up_days_and_round_trip_as_files,
    a_bad_calendar_file_is_refused_with_its_line_and_changes_nothing,
    policies_are_simulated_edited_and_checked,
    tickets_show_their_policy_and_follow_policy_changes,
    the_scheduler_warns_and_escalates_each_step_exactly_once,
    a_flagged_ticket_reaches_the_supervisor_at_once,
    suspension_pauses_the_clocks,
    a_project_made_while_serving_gets_deadlines_at_once,
    a_saturday_call_is_answered_within_fifteen_minutes,
    a_company_on_the_former_default_is_moved_to_round_the_clock_first_response,
    warnings_and_escalations_record_clock_lateness_level_and_recipients,
    a_loaded_history_is_settled_not_fired_in_a_burst,
);

async fn send(
    server: &Server,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = server
        .client
        .request(method, server.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn text(server: &Server, token: &str, path: &str) -> (StatusCode, String) {
    let response = server
        .client
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    (response.status(), response.text().await.unwrap_or_default())
}

async fn upload(server: &Server, token: &str, path: &str, body: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url(path))
        .bearer_auth(token)
        .body(body.to_owned())
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn calendar_id(server: &Server, preset: &str) -> String {
    let (_, list) = server.get(Some(&server.admin), "/api/v1/calendars").await;
    let found = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["preset"] == preset)
        .expect(preset);
    found["id"].as_str().unwrap().to_owned()
}

fn days(list: &Value) -> Vec<(String, bool, Option<String>)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_owned(),
                d["is_workday"].as_bool().unwrap(),
                d["name"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

async fn calendars_show_holidays_and_make_up_days_and_round_trip_as_files(server: Server) {
    let (status, list) = server.get(Some(&server.admin), "/api/v1/calendars").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["中国大陆法定节假日", "7×24小时"]);
    let china = calendar_id(&server, "china_mainland").await;

    let (status, week) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/calendars/{china}/days?from=2025-09-30&to=2025-10-11"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{week}");
    let got = days(&week);
    assert_eq!(got.len(), 12);
    assert_eq!(got[0], ("2025-09-30".into(), true, None));
    assert!(
        got[1..9]
            .iter()
            .all(|(_, workday, name)| !workday && name.as_deref() == Some("国庆节、中秋节")),
        "{got:?}"
    );
    assert!(got[9].1, "Oct 9 is a Thursday");
    assert_eq!(got[10], ("2025-10-10".into(), true, None), "a plain Friday");
    assert_eq!(
        got[11],
        (
            "2025-10-11".into(),
            true,
            Some("国庆节、中秋节调休上班".into())
        )
    );
    assert_eq!(week["items"][9]["hours"], json!([["09:00", "18:00"]]));

    // Export, then import the file into a new calendar: the same days come back.
    let (status, csv) = text(
        &server,
        &server.admin,
        &format!("/api/v1/calendars/{china}/export?format=csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("2026-02-14,true,"), "{}", &csv[..200]);
    let (status, ics) = text(
        &server,
        &server.admin,
        &format!("/api/v1/calendars/{china}/export?format=ics"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("DTSTART;VALUE=DATE:20260215"));
    for (format, file) in [("csv", &csv), ("ics", &ics)] {
        let created = server
            .ok(
                &server.admin,
                "/api/v1/calendars",
                json!({ "name": format!("副本-{format}") }),
                StatusCode::CREATED,
            )
            .await;
        let id = created["id"].as_str().unwrap();
        let (status, result) = upload(
            &server,
            &server.admin,
            &format!("/api/v1/calendars/{id}/import?format={format}"),
            file,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{result}");
        assert_eq!(result["imported"], 254);
        let range = "from=2026-01-01&to=2026-12-31";
        let (_, copy) = server
            .get(
                Some(&server.admin),
                &format!("/api/v1/calendars/{id}/days?{range}"),
            )
            .await;
        let (_, original) = server
            .get(
                Some(&server.admin),
                &format!("/api/v1/calendars/{china}/days?{range}"),
            )
            .await;
        assert_eq!(days(&copy), days(&original), "{format}");
    }

    // One company day off, then back to normal.
    let path = format!("/api/v1/calendars/{china}/days/2026-12-24");
    let (status, day) = send(
        &server,
        reqwest::Method::PUT,
        &server.admin,
        &path,
        Some(json!({ "is_workday": false, "name": "公司年会" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{day}");
    assert_eq!(
        (day["is_workday"].as_bool(), day["name"].as_str()),
        (Some(false), Some("公司年会"))
    );
    let (status, _) = send(&server, reqwest::Method::DELETE, &server.admin, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/calendars/{china}/days?from=2026-12-24&to=2026-12-24"),
        )
        .await;
    assert_eq!(days(&after), [("2026-12-24".to_owned(), true, None)]);
    let (status, _) = send(&server, reqwest::Method::DELETE, &server.admin, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Ranges are bounded and dates checked.
    for query in [
        "from=2025-01-01&to=2026-06-01",
        "from=2025-13-01&to=2025-12-31",
        "from=2025-02-01&to=2025-01-01",
    ] {
        let (status, body) = server
            .get(
                Some(&server.admin),
                &format!("/api/v1/calendars/{china}/days?{query}"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
}

async fn a_bad_calendar_file_is_refused_with_its_line_and_changes_nothing(server: Server) {
    let site = server.site("cal").await;
    let china = calendar_id(&server, "china_mainland").await;
    let bad = "date,is_workday,name\n2026-12-24,false,平安夜\n2026-12-25,maybe,圣诞\n";
    let (status, body) = upload(
        &server,
        &server.admin,
        &format!("/api/v1/calendars/{china}/import?format=csv"),
        bad,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["details"]["line"], 3);
    let (_, day) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/calendars/{china}/days?from=2026-12-24&to=2026-12-24"),
        )
        .await;
    assert_eq!(
        days(&day),
        [("2026-12-24".to_owned(), true, None)],
        "nothing was imported"
    );
    let (status, _) = upload(
        &server,
        &server.admin,
        &format!("/api/v1/calendars/{china}/import?format=xls"),
        "x",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only admins change calendars; staff may read them; residents may not.
    let (status, _) = upload(
        &server,
        &site.agent,
        &format!("/api/v1/calendars/{china}/import"),
        "date,is_workday,name\n",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get(Some(&site.agent), "/api/v1/calendars").await;
    assert_eq!(status, StatusCode::OK);
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, _) = server.get(Some(&resident), "/api/v1/calendars").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/calendars",
            json!({ "name": "坏", "weekly_hours": [[["18:00", "09:00"]]] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

fn deadline<'a>(ticket: &'a Value, name: &str) -> &'a Value {
    ticket["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or(&Value::Null)
}

fn at(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

async fn policies_are_simulated_edited_and_checked(server: Server) {
    let site = server.site("pol").await;
    let (status, list) = server.get(Some(&site.agent), "/api/v1/sla/policies").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 7);
    let always = calendar_id(&server, "always_open").await;

    // Friday 2025-11-28 17:50 in Beijing: a normal repair's first response is due at 18:05, round
    // the clock as a hotline answers; its arrival counts business days. An emergency's first
    // response is due five minutes later.
    let simulate = |urgency: &str, tier: &str| json!({ "project_id": site.project_id, "kind": "repair", "category": "repair.water", "urgency": urgency, "tier": tier, "start_at": "2025-11-28T09:50:00Z" });
    let body = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            simulate("normal", "basic"),
            StatusCode::OK,
        )
        .await;
    let first = deadline(&body, "first_response");
    assert_eq!(
        at(&first["due_at"]),
        "2025-11-28T10:05:00Z".parse::<DateTime<Utc>>().unwrap(),
        "{body}"
    );
    assert_eq!(first["calendar_id"], always.as_str());
    assert_eq!(
        at(&deadline(&body, "arrival")["due_at"]),
        "2025-12-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap(),
        "next business day"
    );
    assert_eq!(deadline(&body, "follow_up")["calendar_id"], always.as_str());
    let emergency = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            simulate("emergency", "basic"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        at(&deadline(&emergency, "first_response")["due_at"]),
        "2025-11-28T09:55:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        deadline(&emergency, "first_response")["calendar_id"],
        always.as_str()
    );

    // A premium policy for this project wins for premium residents only.
    let policy = json!({
        "name": "尊享业主10分钟响应", "project_id": site.project_id, "tier": "premium",
        "targets": { "first_response": { "minutes": 10 } }, "warn_at_percent": [60]
    });
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/sla/policies", policy.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins edit policies");
    let created = server
        .ok(
            &server.admin,
            "/api/v1/sla/policies",
            policy,
            StatusCode::CREATED,
        )
        .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        created["escalation"].as_array().unwrap().len(),
        3,
        "the default ladder"
    );
    let premium = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            simulate("normal", "premium"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(deadline(&premium, "first_response")["policy_id"], id);
    // A policy naming no calendar counts the project's: ten minutes end exactly at Friday's
    // closing time.
    assert_eq!(
        at(&deadline(&premium, "first_response")["due_at"]),
        "2025-11-28T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    let basic = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            simulate("normal", "basic"),
            StatusCode::OK,
        )
        .await;
    assert_ne!(deadline(&basic, "first_response")["policy_id"], id);

    // Retire it: premium residents fall back to the defaults.
    let retired = json!({
        "name": "尊享业主10分钟响应", "project_id": site.project_id, "tier": "premium",
        "targets": { "first_response": { "minutes": 10 } }, "active": false
    });
    let (status, body) = send(
        &server,
        reqwest::Method::PUT,
        &server.admin,
        &format!("/api/v1/sla/policies/{id}"),
        Some(retired),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let premium = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            simulate("normal", "premium"),
            StatusCode::OK,
        )
        .await;
    assert_ne!(deadline(&premium, "first_response")["policy_id"], id);

    // Bad policies name their fields; unknown references are refused.
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/sla/policies",
            json!({ "name": "", "urgency": "asap", "targets": { "resolution": { "minutes": 0 } } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = body["error"]["details"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("name")
            && fields.contains_key("urgency")
            && fields.contains_key("targets.resolution"),
        "{body}"
    );
    let (status, body) = server
        .post(Some(&server.admin), "/api/v1/sla/policies", json!({ "name": "x", "calendar_id": "nope", "targets": { "resolution": { "minutes": 60 } } }))
        .await;
    assert_eq!(
        (status, &body["error"]["details"]["fields"]["calendar_id"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("unknown_reference")
        )
    );
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/sla/simulate",
            json!({ "project_id": "other", "kind": "repair", "urgency": "normal" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, after) = server.get(Some(&site.agent), "/api/v1/sla/policies").await;
    assert_eq!(
        after["items"].as_array().unwrap().len(),
        8,
        "the refused policies were not stored"
    );
}

/// Puts the site's project on the 24×7 calendar, so that deadlines are wall-clock arithmetic
/// and the tests do not depend on the time of day they run at.
async fn round_the_clock(server: &Server, site: &Site) {
    let always = calendar_id(server, "always_open").await;
    let path = format!("/api/v1/projects/{}/calendar", site.project_id);
    let (status, body) = send(
        server,
        reqwest::Method::PUT,
        &server.admin,
        &path,
        Some(json!({ "calendar_id": always })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["calendar_id"], always.as_str());
}

async fn inquiry(
    server: &Server,
    site: &Site,
    reported_at: DateTime<Utc>,
    description: &str,
) -> Value {
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": "inquiry", "category": "inquiry.fee", "urgency": "normal",
        "description": description, "resident_id": site.residents[0].0, "reported_at": reported_at,
    });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await
}

async fn listed(server: &Server, token: &str, query: &str) -> Vec<String> {
    let (status, list) = server
        .get(Some(token), &format!("/api/v1/tickets?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn tickets_show_their_policy_and_follow_policy_changes(server: Server) {
    let site = server.site("tkt").await;
    round_the_clock(&server, &site).await;
    let now = Utc::now();
    let late = inquiry(&server, &site, now - Duration::hours(2), "物业费怎么交？").await;
    let late_id = late["id"].as_str().unwrap().to_owned();
    let first = deadline(&late, "first_response");
    assert_eq!(first["state"], "breached");
    assert_eq!(
        at(&first["due_at"]),
        at(&late["reported_at"]) + Duration::minutes(15)
    );
    assert!(
        first["remaining_seconds"].as_i64().unwrap() < -100 * 60,
        "{first}"
    );
    assert!(first["policy_id"].is_string());
    let warned = inquiry(
        &server,
        &site,
        now - Duration::minutes(10),
        "停车月卡怎么办？",
    )
    .await;
    let warned_id = warned["id"].as_str().unwrap().to_owned();
    let fresh = inquiry(&server, &site, now, "快递放哪里？").await;
    let fresh_id = fresh["id"].as_str().unwrap().to_owned();

    assert_eq!(
        listed(&server, &site.agent, "sla_state=breached").await,
        [late_id.as_str()]
    );
    assert_eq!(
        listed(&server, &site.agent, "sla_state=warning").await,
        [warned_id.as_str()]
    );
    let (status, _) = server
        .get(Some(&site.agent), "/api/v1/tickets?sla_state=late")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The admin gives the project three hours to answer: every open ticket follows at once.
    let policy = json!({ "name": "三小时响应", "project_id": site.project_id, "targets": { "first_response": { "minutes": 180 } } });
    let created = server
        .ok(
            &server.admin,
            "/api/v1/sla/policies",
            policy,
            StatusCode::CREATED,
        )
        .await;
    assert!(
        listed(&server, &site.agent, "sla_state=breached")
            .await
            .is_empty()
    );
    assert_eq!(
        listed(&server, &site.agent, "sla_state=warning").await,
        [late_id.as_str()],
        "two of three hours used"
    );
    let (_, late) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{late_id}"))
        .await;
    assert_eq!(
        deadline(&late, "first_response")["policy_id"],
        created["id"]
    );
    assert_eq!(deadline(&late, "first_response")["state"], "running");

    // Answering meets the clock; it leaves the lists.
    let (status, _) = server
        .act(
            &site.agent,
            &late_id,
            json!({ "action": "respond", "body": "可在小程序缴费" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        listed(&server, &site.agent, "sla_state=warning")
            .await
            .is_empty()
    );
    let (_, late) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{late_id}"))
        .await;
    assert_eq!(
        (
            deadline(&late, "first_response")["state"].as_str(),
            deadline(&late, "first_response")["remaining_seconds"].as_i64()
        ),
        (Some("met"), None)
    );
    assert!(
        listed(&server, &site.agent, "per_page=50")
            .await
            .contains(&fresh_id)
    );
}

async fn notifications(server: &Server, token: &str) -> Vec<Value> {
    let (status, list) = server.get(Some(token), "/api/v1/me/notifications").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

async fn timeline_actions(server: &Server, token: &str, id: &str) -> Vec<String> {
    let (_, events) = server
        .get(Some(token), &format!("/api/v1/tickets/{id}/events"))
        .await;
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_scheduler_warns_and_escalates_each_step_exactly_once(server: Server) {
    let site = server.site("esc").await;
    round_the_clock(&server, &site).await;
    let supervisor = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("esc-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let manager = json!({ "username": "esc-mgr", "password": common::PASSWORD, "name": "区域经理", "role": "manager", "project_ids": [] });
    server
        .ok(&server.admin, "/api/v1/staff", manager, StatusCode::CREATED)
        .await;
    let (sup, mgr) = (server.login("esc-sup").await, server.login("esc-mgr").await);
    let now = Utc::now();
    // Two hours late: both warnings, level 1 (at the breach) and level 2 (an hour later) are due;
    // level 3 (four hours after the breach) is not.
    let ticket = inquiry(
        &server,
        &site,
        now - Duration::hours(2),
        "物业费发票怎么开？",
    )
    .await;
    let id = ticket["id"].as_str().unwrap();

    // Two nodes sweep at once: each due step fires on exactly one of them.
    let (a, b) = tokio::join!(
        server.store.sweep_sla("node-a", now, 100),
        server.store.sweep_sla("node-b", now, 100)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 4);
    assert_eq!(
        server.store.sweep_sla("node-a", now, 100).await.unwrap(),
        0,
        "nothing fires twice"
    );

    let actions = timeline_actions(&server, &site.agent, id).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "sla_warning").count(),
        2,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "sla_escalation").count(),
        2,
        "{actions:?}"
    );
    let (_, ticket) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(ticket["escalation_level"], 2);

    // Warnings go to who handles it (the agent who took the call); level 1 to the project's
    // supervisor; level 2 to the manager (none in the project: the company's).
    let mine = notifications(&server, &site.agent).await;
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .all(|n| n["kind"] == "sla_warning" && n["ticket_id"] == id)
    );
    assert!(
        mine[0]["message"].as_str().unwrap().contains("预警"),
        "{}",
        mine[0]
    );
    let sup_list = notifications(&server, &sup).await;
    assert_eq!(sup_list.len(), 1);
    assert_eq!(
        (
            sup_list[0]["kind"].as_str(),
            sup_list[0]["details"]["level"].as_u64()
        ),
        (Some("sla_escalation"), Some(1))
    );
    let mgr_list = notifications(&server, &mgr).await;
    assert_eq!(mgr_list.len(), 1);
    assert_eq!(mgr_list[0]["details"]["level"], 2);
    assert_eq!(supervisor["role"], "supervisor");

    // Reading one marks it; someone else's is not found.
    let nid = mine[0]["id"].as_str().unwrap();
    let read = server
        .ok(
            &site.agent,
            &format!("/api/v1/me/notifications/{nid}/read"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert!(read["read_at"].is_string());
    let (_, unread) = server
        .get(Some(&site.agent), "/api/v1/me/notifications?unread=true")
        .await;
    assert_eq!(unread["total"], 1);
    let (status, _) = server
        .post(
            Some(&sup),
            &format!("/api/v1/me/notifications/{nid}/read"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Once answered, the clock's remaining rung never fires.
    server
        .act(
            &site.agent,
            id,
            json!({ "action": "respond", "body": "已发送电子发票" }),
        )
        .await;
    assert_eq!(
        server
            .store
            .sweep_sla("node-a", now + Duration::hours(5), 100)
            .await
            .unwrap(),
        0
    );
    assert_eq!(notifications(&server, &mgr).await.len(), 1);
}

async fn a_flagged_ticket_reaches_the_supervisor_at_once(server: Server) {
    let site = server.site("risk").await;
    round_the_clock(&server, &site).await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("risk-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("risk-sup").await;
    let ticket = inquiry(
        &server,
        &site,
        Utc::now(),
        "物业费为什么涨价？再不解释我就打12345投诉！",
    )
    .await;
    assert_eq!(ticket["escalation_risk"], true);
    let fired = server
        .store
        .sweep_sla("node-a", Utc::now(), 100)
        .await
        .unwrap();
    assert_eq!(fired, 1);
    let list = notifications(&server, &sup).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["kind"], "escalation_risk");
    assert!(list[0]["message"].as_str().unwrap().contains("12345"));
    let (_, ticket) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(ticket["escalation_level"], 1);
}

async fn suspension_pauses_the_clocks(server: Server) {
    let site = server.site("pause").await;
    round_the_clock(&server, &site).await;
    let ticket = inquiry(
        &server,
        &site,
        Utc::now() - Duration::minutes(5),
        "车位租赁合同什么时候续签？",
    )
    .await;
    let id = ticket["id"].as_str().unwrap();
    let before = at(&deadline(&ticket, "resolution")["due_at"]);
    server
        .act(
            &site.agent,
            id,
            json!({ "action": "respond", "body": "正在核实" }),
        )
        .await;
    let (status, suspended) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "suspend", "reason": "等待业主提供合同" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{suspended}");
    assert_eq!(deadline(&suspended, "resolution")["state"], "paused");
    let remaining = deadline(&suspended, "resolution")["remaining_seconds"]
        .as_i64()
        .unwrap();
    // While paused nothing fires, however late it gets.
    assert_eq!(
        server
            .store
            .sweep_sla("node-a", Utc::now() + Duration::days(30), 100)
            .await
            .unwrap(),
        0
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, resumed) = server
        .act(&site.agent, id, json!({ "action": "resume" }))
        .await;
    let clock = deadline(&resumed, "resolution");
    assert_eq!(clock["state"], "running");
    assert!(
        at(&clock["due_at"]) >= before + Duration::seconds(1),
        "the paused second moved the due time"
    );
    assert!(
        (clock["remaining_seconds"].as_i64().unwrap() - remaining).abs() <= 1,
        "no time was used while paused"
    );
}

/// The SLA configuration is shared until it changes: a project created after it was loaded must
/// reach it at once, not after a restart.
async fn a_project_made_while_serving_gets_deadlines_at_once(server: Server) {
    let first = server.site("old").await;
    let simulate = |project_id: &str| json!({ "project_id": project_id, "kind": "repair", "urgency": "normal", "start_at": "2025-11-28T01:00:00Z" });
    let body = server
        .ok(
            &first.agent,
            "/api/v1/sla/simulate",
            simulate(&first.project_id),
            StatusCode::OK,
        )
        .await;
    assert!(!body["deadlines"].as_array().unwrap().is_empty(), "{body}");

    let second = server.site("new").await;
    let body = server
        .ok(
            &second.agent,
            "/api/v1/sla/simulate",
            simulate(&second.project_id),
            StatusCode::OK,
        )
        .await;
    assert!(
        deadline(&body, "first_response")["due_at"].is_string(),
        "{body}"
    );
    let ticket = inquiry(&server, &second, Utc::now(), "新项目的物业费怎么交？").await;
    let names: Vec<&str> = ticket["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first_response", "resolution"], "{ticket}");
}

/// The most recent Saturday 10:00 in Beijing at least an hour ago.
fn last_saturday_morning(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{Datelike, TimeZone, Weekday};
    let beijing = chrono_tz::Asia::Shanghai;
    let mut day = now.with_timezone(&beijing).date_naive();
    loop {
        let morning = beijing
            .from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
            .unwrap()
            .to_utc();
        if day.weekday() == Weekday::Sat && morning <= now - Duration::hours(1) {
            return morning;
        }
        day = day.pred_opt().unwrap();
    }
}

/// First response runs round the clock by default, so a Saturday call is late a quarter of an
/// hour later, like its resolution clock, instead of showing minutes left on Monday.
async fn a_saturday_call_is_answered_within_fifteen_minutes(server: Server) {
    let site = server.site("sat").await;
    let saturday = last_saturday_morning(Utc::now());
    let ticket = inquiry(&server, &site, saturday, "周六打电话问物业费").await;
    let first = deadline(&ticket, "first_response");
    assert_eq!(
        at(&first["due_at"]),
        saturday + Duration::minutes(15),
        "{ticket}"
    );
    assert_eq!(first["state"], "breached");
}

/// A company seeded before first response ran round the clock, its standard policy as seeded,
/// is moved when the schema is brought up to date; once only.
async fn a_company_on_the_former_default_is_moved_to_round_the_clock_first_response(
    server: Server,
) {
    let site = server.site("former").await;
    let (_, list) = server
        .get(Some(&server.admin), "/api/v1/sla/policies")
        .await;
    let standard = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "标准时限")
        .unwrap()
        .clone();
    let round_the_clock = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "首次响应（7×24）")
        .unwrap()
        .clone();
    // Put the company back as the former seeding left it: first response on the business
    // calendar in the standard policy, no round-the-clock one.
    let former = json!({ "name": "标准时限", "targets": { "first_response": { "minutes": 15 }, "arrival": { "business_days": 1 }, "resolution": { "business_days": 2 } } });
    for (policy, body) in [
        (&standard, former),
        (
            &round_the_clock,
            json!({ "name": "首次响应（7×24）", "targets": { "first_response": { "minutes": 15 } }, "active": false }),
        ),
    ] {
        let path = format!("/api/v1/sla/policies/{}", policy["id"].as_str().unwrap());
        let (status, body) = send(
            &server,
            reqwest::Method::PUT,
            &server.admin,
            &path,
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let friday_evening = json!({ "project_id": site.project_id, "kind": "inquiry", "urgency": "normal", "start_at": "2025-11-28T09:50:00Z" });
    let before = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            friday_evening.clone(),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        at(&deadline(&before, "first_response")["due_at"]),
        "2025-12-01T01:05:00Z".parse::<DateTime<Utc>>().unwrap(),
        "Monday, on office hours"
    );

    server.store.migrate().await.unwrap();
    server.store.migrate().await.unwrap();
    let after = server
        .ok(
            &site.agent,
            "/api/v1/sla/simulate",
            friday_evening,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        at(&deadline(&after, "first_response")["due_at"]),
        "2025-11-28T10:05:00Z".parse::<DateTime<Utc>>().unwrap(),
        "{after}"
    );
    let (_, list) = server
        .get(Some(&server.admin), "/api/v1/sla/policies")
        .await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["active"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.iter().filter(|n| **n == "首次响应（7×24）").count(),
        1,
        "{names:?}"
    );
    let standard = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == standard["id"])
        .unwrap();
    assert!(
        standard["targets"]["first_response"].is_null(),
        "{standard}"
    );
}

/// The timeline's warning and escalation entries keep the facts a reader needs: which clock, how
/// far along or how late, which level, and who was told.
async fn warnings_and_escalations_record_clock_lateness_level_and_recipients(server: Server) {
    let site = server.site("facts").await;
    round_the_clock(&server, &site).await;
    let supervisor = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("facts-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let now = Utc::now();
    let ticket = inquiry(
        &server,
        &site,
        now - Duration::minutes(90),
        "物业费发票抬头怎么改？",
    )
    .await;
    let id = ticket["id"].as_str().unwrap();
    server.store.sweep_sla("node-a", now, 100).await.unwrap();
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    let entries: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("sla_"))
        .collect();
    let warnings: Vec<&&Value> = entries
        .iter()
        .filter(|e| e["action"] == "sla_warning")
        .collect();
    let mut shares: Vec<u64> = warnings
        .iter()
        .map(|e| e["details"]["percent"].as_u64().unwrap())
        .collect();
    shares.sort_unstable();
    assert_eq!(shares, [50, 80], "{entries:?}");
    assert!(
        warnings
            .iter()
            .all(|e| e["details"]["clock"] == "first_response"
                && e["details"]["recipients"] == json!([site.agent_id])),
        "{warnings:?}"
    );
    let escalation = entries
        .iter()
        .find(|e| e["action"] == "sla_escalation" && e["details"]["level"] == 1)
        .expect("level 1 at the breach");
    let details = &escalation["details"];
    assert_eq!(details["clock"], "first_response");
    assert_eq!(details["recipients"], json!([supervisor["id"]]));
    assert_eq!(details["recipient_role"], "supervisor");
    // Reported 90 minutes ago with 15 to answer: 75 minutes late when it fired.
    let late = details["late_seconds"].as_i64().unwrap();
    assert!((75 * 60 - 5..=75 * 60 + 5).contains(&late), "{details}");
}

/// A history replayed in one go (the demo) passed warnings and escalations nobody was there to
/// send: settled at load, the first sweep sends none of them, and the steps still ahead fire.
async fn a_loaded_history_is_settled_not_fired_in_a_burst(server: Server) {
    let site = server.site("settle").await;
    round_the_clock(&server, &site).await;
    let now = Utc::now();
    // Two hours late: both warnings and levels 1 and 2 are past; level 3 is two hours ahead.
    let ticket = inquiry(
        &server,
        &site,
        now - Duration::hours(2),
        "上个月的水费单在哪里看？",
    )
    .await;
    let loader = guanjia_storage::Principal::system(&server.company_id, "demo-loader");
    assert_eq!(
        server.store.settle_past_steps(&loader, now).await.unwrap(),
        4
    );
    assert_eq!(
        server.store.sweep_sla("node-a", now, 100).await.unwrap(),
        0,
        "nothing stale is sent"
    );
    assert!(notifications(&server, &site.agent).await.is_empty());
    assert_eq!(
        server
            .store
            .sweep_sla("node-a", now + Duration::hours(3), 100)
            .await
            .unwrap(),
        1,
        "level 3 still fires"
    );
    assert_eq!(
        timeline_actions(&server, &site.agent, ticket["id"].as_str().unwrap())
            .await
            .iter()
            .filter(|a| *a == "sla_escalation")
            .count(),
        1
    );
    let agent = server.store.authenticate(&site.agent, now).await.unwrap();
    assert!(
        server.store.settle_past_steps(&agent, now).await.is_err(),
        "only the system or an admin settles"
    );
}
