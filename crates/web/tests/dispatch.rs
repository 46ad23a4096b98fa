//! Automatic dispatch through the real HTTP API, on SQLite and on PostgreSQL: skills, duty
//! rosters, load, round-robin, grids, and the dispatcher queue when nobody fits.

mod common;

use common::{PASSWORD, Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    jobs_go_to_the_right_technician_and_say_why,
    grids_keep_jobs_with_their_team_or_queue_them,
    jobs_are_transferred_and_returned_and_the_owner_hears_of_each_step,
    a_job_nobody_accepts_in_time_moves_to_the_next_technician,
    grab_offers_a_job_to_all_and_the_first_wins_or_least_load_decides,
    a_ticket_waits_for_its_collaboration_subtasks,
    field_work_records_the_visit_the_materials_and_a_bill_the_resident_confirms,
    photos_are_checked_by_content_and_a_bad_upload_changes_nothing,
);

async fn technician(
    server: &Server,
    site: &Site,
    username: &str,
    name: &str,
    skills: &[&str],
) -> String {
    let body = json!({ "username": username, "password": PASSWORD, "name": name, "role": "technician", "project_ids": [site.project_id], "skills": skills });
    server
        .ok(&server.admin, "/api/v1/staff", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A leak reported `days_ago`: days apart, so that no leak is taken for another's duplicate.
async fn water_leak(server: &Server, site: &Site, days_ago: i64) -> String {
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": "repair", "category": "repair.water", "urgency": "normal",
        "description": "卫生间水管漏水", "resident_id": site.residents[0].0,
        "reported_at": chrono::Utc::now() - chrono::Duration::days(days_ago),
    });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn auto(server: &Server, token: &str, id: &str) -> Value {
    server
        .ok(
            token,
            &format!("/api/v1/tickets/{id}/auto-dispatch"),
            json!({}),
            StatusCode::OK,
        )
        .await
}

async fn put(server: &Server, path: &str, body: Value) -> (StatusCode, Value) {
    let response = server
        .client
        .put(server.url(path))
        .bearer_auth(&server.admin)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn jobs_go_to_the_right_technician_and_say_why(server: Server) {
    let site = server.site("dsp").await;
    let electrician = technician(&server, &site, "dsp-elec", "刘电工", &["repair.electric"]).await;
    let night = technician(&server, &site, "dsp-night", "周师傅", &["repair"]).await;
    // 周师傅 works nights only, and is on leave every day this week anyway: never on duty now.
    let off = vec![Vec::<[&str; 2]>::new(); 7];
    let (status, body) = put(
        &server,
        &format!("/api/v1/staff/{night}/roster"),
        json!({ "weekly_hours": off }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = put(
        &server,
        &format!("/api/v1/staff/{night}/roster"),
        json!({ "weekly_hours": [[["20:00", "08:00"]]] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, duty) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/projects/{}/on-duty", site.project_id),
        )
        .await;
    let on: Vec<&str> = duty["staff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        on.contains(&site.tech_id.as_str())
            && on.contains(&electrician.as_str())
            && !on.contains(&night.as_str()),
        "{duty}"
    );

    // The only water technician on duty gets the first leak, and the timeline says why.
    let first = water_leak(&server, &site, 12).await;
    let done = auto(&server, &site.agent, &first).await;
    assert_eq!(done["assigned"], true);
    assert_eq!(done["ticket"]["assignee_id"], site.tech_id.as_str());
    assert_eq!(done["ticket"]["status"], "dispatched");
    let why = done["explanation"].as_str().unwrap();
    assert!(
        why.starts_with("3 名候选人，1 名符合")
            && why.contains("刘电工（无此技能）")
            && why.contains("周师傅（不在班）"),
        "{why}"
    );
    assert_eq!(done["ticket"]["dispatch_explanation"], why);
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{first}/events"),
        )
        .await;
    let dispatch = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "dispatch")
        .unwrap()
        .clone();
    // The timeline keeps the facts, which each reader gets in their own words.
    let facts = &dispatch["details"]["explanation"];
    assert_eq!(facts["considered"], 3, "{dispatch}");
    assert_eq!(facts["excluded"][0][1], "no_skill", "{dispatch}");
    assert_eq!(dispatch["details"]["note"], Value::Null);
    let english: Value = server
        .client
        .get(server.url(&format!("/api/v1/tickets/{first}")))
        .bearer_auth(&site.agent)
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let why_en = english["dispatch_explanation"].as_str().unwrap();
    assert!(
        why_en.starts_with("3 considered, 1 eligible; passed over: ")
            && why_en.contains("周师傅 (off duty)")
            && !why_en.contains('；')
            && !why_en.contains('：'),
        "{why_en}"
    );
    let (_, told) = server
        .get(Some(&site.tech), "/api/v1/me/notifications")
        .await;
    assert_eq!(told["items"][0]["kind"], "job_assigned");

    // With a second water technician, least load sends the next leak to the one without work.
    let second_tech = technician(&server, &site, "dsp-water2", "陈师傅", &["repair.water"]).await;
    let second = water_leak(&server, &site, 9).await;
    assert_eq!(
        auto(&server, &site.agent, &second).await["ticket"]["assignee_id"],
        second_tech.as_str()
    );
    // Round robin (set on the category) ignores load: it goes to whoever waited longest.
    let category = json!({ "code": "repair.water", "label_zh": "给排水", "label_en": "Water", "dispatch_mode": "round_robin" });
    server
        .ok(
            &server.admin,
            "/api/v1/categories",
            category,
            StatusCode::OK,
        )
        .await;
    let third = water_leak(&server, &site, 6).await;
    let done = auto(&server, &site.agent, &third).await;
    assert_eq!(
        done["ticket"]["assignee_id"],
        site.tech_id.as_str(),
        "{}",
        done["explanation"]
    );
    assert!(done["explanation"].as_str().unwrap().contains("轮流派单"));
    // Only desk staff dispatch.
    let fourth = water_leak(&server, &site, 3).await;
    let (status, _) = server
        .post(
            Some(&site.tech),
            &format!("/api/v1/tickets/{fourth}/auto-dispatch"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn grids_keep_jobs_with_their_team_or_queue_them(server: Server) {
    let site = server.site("grd").await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("grd-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("grd-sup").await;
    let electrician = technician(&server, &site, "grd-elec", "刘电工", &["repair.electric"]).await;
    let (_, buildings) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/projects/{}/buildings", site.project_id),
        )
        .await;
    let building = buildings["items"][0]["id"].as_str().unwrap().to_owned();
    let team = json!({ "project_id": site.project_id, "name": "3栋网格组", "kind": "engineering", "member_ids": [electrician] });
    let team_id = server
        .ok(&server.admin, "/api/v1/teams", team, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grid = json!({ "project_id": site.project_id, "name": "3栋网格", "team_id": team_id, "building_ids": [building] });
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/grids", grid.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let created = server
        .ok(&server.admin, "/api/v1/grids", grid, StatusCode::CREATED)
        .await;
    assert_eq!(created["building_ids"], json!([building]));
    let (status, _) = server.post(Some(&server.admin), "/api/v1/grids", json!({ "project_id": site.project_id, "name": "x", "team_id": team_id, "building_ids": ["nowhere"] })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The leak is in 3栋, whose grid team has only an electrician: nobody fits, the job waits.
    let leak = water_leak(&server, &site, 0).await;
    let done = auto(&server, &site.agent, &leak).await;
    assert_eq!(done["assigned"], false);
    assert_eq!(done["ticket"]["status"], "new", "queued, not dispatched");
    let why = done["explanation"].as_str().unwrap();
    assert!(
        why.contains("不在网格") && why.ends_with("无人可派，进入待派队列并通知主管"),
        "{why}"
    );
    let (_, told) = server.get(Some(&sup), "/api/v1/me/notifications").await;
    assert_eq!(told["items"][0]["kind"], "dispatch_queued");
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/events"))
        .await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "dispatch_queued")
    );
    let (_, grids) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/grids?project_id={}", site.project_id),
        )
        .await;
    assert_eq!(grids["items"].as_array().unwrap().len(), 1);
}

async fn jobs_are_transferred_and_returned_and_the_owner_hears_of_each_step(server: Server) {
    let site = server.site("xfr").await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("xfr-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("xfr-sup").await;
    let other = technician(&server, &site, "xfr-other", "吴师傅", &["repair.water"]).await;
    let other_token = server.login("xfr-other").await;
    let leak = water_leak(&server, &site, 0).await;
    let (status, _) = server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Transfer (转单) needs a reason, and only a member of the project can take it.
    let (status, _) = server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "transfer", "assignee_id": other, "reason": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "transfer", "assignee_id": "someone-else", "reason": "换人" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, moved) = server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "transfer", "assignee_id": other, "reason": "原师傅在处理电梯故障" }),
        )
        .await;
    assert_eq!(
        (status, moved["assignee_id"].as_str()),
        (StatusCode::OK, Some(other.as_str()))
    );
    assert_eq!(
        moved["first_contact_owner_id"],
        site.agent_id.as_str(),
        "reassignment never changes the owner"
    );

    // The new assignee returns it (退单): back in the queue, supervisors and the owner told.
    let (status, _) = server
        .act(
            &site.tech,
            &leak,
            json!({ "action": "return", "reason": "不是我的单" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the old assignee no longer sees the job"
    );
    let (status, back) = server
        .act(
            &other_token,
            &leak,
            json!({ "action": "return", "reason": "需要更换整段管道，需工程部评估" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(
        (back["status"].as_str(), back["assignee_id"].as_str()),
        (Some("accepted"), None)
    );
    let (_, told) = server.get(Some(&sup), "/api/v1/me/notifications").await;
    assert_eq!(told["items"][0]["kind"], "dispatch_queued");
    let (_, owner) = server
        .get(Some(&site.agent), "/api/v1/me/notifications")
        .await;
    let steps: Vec<&str> = owner["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "ticket_progress")
        .map(|n| n["details"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["return"],
        "the owner hears of what others did (newest first); their own steps are not echoed"
    );
}

async fn a_job_nobody_accepts_in_time_moves_to_the_next_technician(server: Server) {
    let site = server.site("tmo").await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("tmo-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("tmo-sup").await;
    let next = technician(&server, &site, "tmo-next", "郑师傅", &["repair.water"]).await;
    let leak = water_leak(&server, &site, 0).await;
    let (status, _) = server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let now = chrono::Utc::now();
    // Nine minutes on the job is still waiting for its technician; at ten it moves on.
    server
        .store
        .sweep_sla("node-a", now + chrono::Duration::minutes(9), 100)
        .await
        .unwrap();
    let (_, waiting) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}"))
        .await;
    assert_eq!(waiting["assignee_id"], site.tech_id.as_str());
    server
        .store
        .sweep_sla("node-a", now + chrono::Duration::minutes(11), 100)
        .await
        .unwrap();
    let (_, moved) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}"))
        .await;
    assert_eq!(
        (moved["assignee_id"].as_str(), moved["status"].as_str()),
        (Some(next.as_str()), Some("dispatched"))
    );
    assert!(
        moved["dispatch_explanation"]
            .as_str()
            .unwrap()
            .starts_with("超时未接单，自动改派"),
        "{moved}"
    );
    let (_, told) = server.get(Some(&sup), "/api/v1/me/notifications").await;
    assert!(
        told["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "assignment_timeout"),
        "{told}"
    );
    // The next technician accepts in time: nothing moves again.
    let next_token = server.login("tmo-next").await;
    let (status, _) = server
        .act(&next_token, &leak, json!({ "action": "accept" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    server
        .store
        .sweep_sla("node-a", now + chrono::Duration::minutes(40), 100)
        .await
        .unwrap();
    let (_, kept) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}"))
        .await;
    assert_eq!(
        (kept["assignee_id"].as_str(), kept["status"].as_str()),
        (Some(next.as_str()), Some("in_progress"))
    );
}

async fn grab_offers_a_job_to_all_and_the_first_wins_or_least_load_decides(server: Server) {
    let site = server.site("grb").await;
    let second = technician(&server, &site, "grb-2", "孙师傅", &["repair.water"]).await;
    let second_token = server.login("grb-2").await;
    let category = json!({ "code": "repair.water", "label_zh": "给排水", "label_en": "Water", "dispatch_mode": "grab" });
    server
        .ok(
            &server.admin,
            "/api/v1/categories",
            category,
            StatusCode::OK,
        )
        .await;

    // Offered to both water technicians: each sees it; the first to grab it wins.
    let leak = water_leak(&server, &site, 3).await;
    let done = auto(&server, &site.agent, &leak).await;
    assert_eq!(
        (
            done["assigned"].as_bool(),
            done["ticket"]["assignee_id"].as_str()
        ),
        (Some(false), None)
    );
    assert!(
        done["explanation"]
            .as_str()
            .unwrap()
            .contains("抢单：已推送给 2 名师傅"),
        "{}",
        done["explanation"]
    );
    for token in [&site.tech, &second_token] {
        let (status, _) = server
            .get(Some(token), &format!("/api/v1/tickets/{leak}"))
            .await;
        assert_eq!(status, StatusCode::OK, "an offered job is visible to grab");
        let (_, told) = server.get(Some(token), "/api/v1/me/notifications").await;
        assert_eq!(told["items"][0]["kind"], "job_offered");
    }
    let (status, won) = server
        .act(&second_token, &leak, json!({ "action": "grab" }))
        .await;
    assert_eq!(
        (status, won["assignee_id"].as_str(), won["status"].as_str()),
        (StatusCode::OK, Some(second.as_str()), Some("in_progress"))
    );
    let (status, _) = server
        .act(&site.tech, &leak, json!({ "action": "grab" }))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "too late: the offer is gone with the job"
    );
    let (status, _) = server
        .act(&site.agent, &leak, json!({ "action": "grab" }))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the desk dispatches, it does not grab"
    );

    // Nobody grabs the next one: after the window it goes by least load (the first technician
    // has no open work; the second has the leak above).
    let other = water_leak(&server, &site, 0).await;
    auto(&server, &site.agent, &other).await;
    server
        .store
        .sweep_sla(
            "node-a",
            chrono::Utc::now() + chrono::Duration::minutes(4),
            100,
        )
        .await
        .unwrap();
    let (_, waiting) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{other}"))
        .await;
    assert_eq!(
        waiting["assignee_id"],
        Value::Null,
        "the offer still stands"
    );
    server
        .store
        .sweep_sla(
            "node-a",
            chrono::Utc::now() + chrono::Duration::minutes(6),
            100,
        )
        .await
        .unwrap();
    let (_, given) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{other}"))
        .await;
    assert_eq!(
        (given["assignee_id"].as_str(), given["status"].as_str()),
        (Some(site.tech_id.as_str()), Some("dispatched"))
    );
    assert!(
        given["dispatch_explanation"]
            .as_str()
            .unwrap()
            .starts_with("抢单超时无人接单"),
        "{given}"
    );
    let (status, _) = server
        .get(Some(&second_token), &format!("/api/v1/tickets/{other}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the offer ended");
}

async fn a_ticket_waits_for_its_collaboration_subtasks(server: Server) {
    let site = server.site("sub").await;
    let cleaner = json!({ "username": "sub-clean", "password": PASSWORD, "name": "保洁刘阿姨", "role": "technician", "project_ids": [site.project_id], "skills": [] });
    let cleaner_id = server
        .ok(&server.admin, "/api/v1/staff", cleaner, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cleaner_token = server.login("sub-clean").await;
    let leak = water_leak(&server, &site, 0).await;
    server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    server
        .act(&site.tech, &leak, json!({ "action": "accept" }))
        .await;

    let path = format!("/api/v1/tickets/{leak}/subtasks");
    let (status, _) = server
        .post(Some(&site.agent), &path, json!({ "title": "" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            Some(&site.tech),
            &path,
            json!({ "title": "清理积水", "assignee_id": cleaner_id }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the desk asks other teams");
    let sub = server
        .ok(
            &site.agent,
            &path,
            json!({ "title": "清理楼道积水", "assignee_id": cleaner_id }),
            StatusCode::CREATED,
        )
        .await;
    let (_, told) = server
        .get(Some(&cleaner_token), "/api/v1/me/notifications")
        .await;
    assert_eq!(told["items"][0]["kind"], "subtask_assigned");
    let (status, _) = server
        .get(Some(&cleaner_token), &format!("/api/v1/tickets/{leak}"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a helper sees the ticket they help on"
    );

    // The technician cannot resolve while the cleaning is open.
    let (status, body) = server
        .act(&site.tech, &leak, json!({ "action": "resolve" }))
        .await;
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (StatusCode::CONFLICT, Some("open_subtasks"))
    );
    let done_path = format!("/api/v1/subtasks/{}/complete", sub["id"].as_str().unwrap());
    let (status, _) = server.post(Some(&site.tech), &done_path, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not theirs to finish");
    let done = server
        .ok(
            &cleaner_token,
            &done_path,
            json!({ "note": "已清理干净" }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(done["status"], "done");
    let (status, _) = server
        .post(Some(&cleaner_token), &done_path, json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "done once");
    let (status, resolved) = server
        .act(
            &site.tech,
            &leak,
            json!({ "action": "resolve", "body": "已更换水管" }),
        )
        .await;
    assert_eq!(
        (status, resolved["open_subtasks"].as_i64()),
        (StatusCode::OK, Some(0))
    );
    let (_, list) = server.get(Some(&site.agent), &path).await;
    assert_eq!(list["items"][0]["done_by"], cleaner_id.as_str());
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/events"))
        .await;
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"subtask_created") && actions.contains(&"subtask_done"),
        "{actions:?}"
    );
}

async fn field_work_records_the_visit_the_materials_and_a_bill_the_resident_confirms(
    server: Server,
) {
    let site = server.site("fld").await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("fld-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("fld-sup").await;
    let item =
        json!({ "project_id": site.project_id, "name": "更换水龙头", "unit": "个", "price": 80 });
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/price-items", item.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let faucet = server
        .ok(
            &server.admin,
            "/api/v1/price-items",
            item,
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/price-items",
            json!({ "project_id": site.project_id, "name": "x", "unit": "次", "price": 12.345 }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no fractions of a fen"
    );
    let (_, list) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/projects/{}/price-items", site.project_id),
        )
        .await;
    assert_eq!(list["items"][0]["price_cents"], 8000);

    let leak = water_leak(&server, &site, 0).await;
    server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    server
        .act(&site.tech, &leak, json!({ "action": "accept" }))
        .await;
    let (status, _) = server
        .act(
            &site.tech,
            &leak,
            json!({ "action": "arrive", "location": { "latitude": 120.0, "longitude": 30.0 } }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "latitude and longitude the wrong way round"
    );
    let (status, _) = server.act(&site.tech, &leak, json!({ "action": "arrive", "location": { "latitude": 30.2741, "longitude": 120.1551 } })).await;
    assert_eq!(status, StatusCode::OK);

    // A bill with an unknown item is refused and the job stays open.
    let materials = json!([{ "name": "PPR管", "quantity": 1.5, "unit": "米" }, { "name": "生料带", "quantity": 1, "unit": "卷" }]);
    let (status, body) = server
        .act(&site.tech, &leak, json!({ "action": "resolve", "body": "更换水龙头两个", "materials": materials, "charges": [{ "price_item_id": "nope", "quantity": 1 }] }))
        .await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["charges.0.price_item_id"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference"))
    );
    let (_, open) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}"))
        .await;
    assert_eq!(open["status"], "in_progress");
    let charges = json!([{ "price_item_id": faucet, "quantity": 2 }]);
    let (status, done) = server.act(&site.tech, &leak, json!({ "action": "resolve", "body": "更换水龙头两个", "materials": materials, "charges": charges })).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (
            done["charge_total_cents"].as_i64(),
            done["charge_status"].as_str()
        ),
        (Some(16000), Some("pending"))
    );
    let (_, bill) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{leak}/charges"),
        )
        .await;
    assert_eq!(
        (
            bill["total_cents"].as_i64(),
            bill["items"][0]["name"].as_str()
        ),
        (Some(16000), Some("更换水龙头"))
    );
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/events"))
        .await;
    let arrive = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "arrive")
        .unwrap()
        .clone();
    assert_eq!(arrive["details"]["location"]["latitude"], 30.2741);
    let resolve = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "resolve")
        .unwrap()
        .clone();
    assert_eq!(resolve["details"]["materials"][0]["name"], "PPR管");

    // The resident sees the bill and disputes it: the supervisor is told; it cannot be answered twice.
    let resident = server.resident_token(&site.residents[0].1).await;
    let (_, told) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    assert!(
        told["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "charges_to_confirm"),
        "{told}"
    );
    let (status, disputed) = server
        .act(
            &resident,
            &leak,
            json!({ "action": "confirm_charges", "accepted": false, "note": "只换了一个" }),
        )
        .await;
    assert_eq!(
        (status, disputed["charge_status"].as_str()),
        (StatusCode::OK, Some("disputed"))
    );
    let (_, sup_told) = server.get(Some(&sup), "/api/v1/me/notifications").await;
    assert_eq!(sup_told["items"][0]["kind"], "charges_disputed");
    let (status, body) = server
        .act(
            &resident,
            &leak,
            json!({ "action": "confirm_charges", "accepted": true }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (StatusCode::CONFLICT, Some("no_charges"))
    );
}

fn picture(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

async fn upload(
    server: &Server,
    token: &str,
    ticket: &str,
    bytes: Vec<u8>,
    declared: &str,
) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url(&format!("/api/v1/tickets/{ticket}/photos")))
        .bearer_auth(token)
        .header("content-type", declared)
        .body(bytes)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn photos_are_checked_by_content_and_a_bad_upload_changes_nothing(server: Server) {
    let site = server.site("pho").await;
    let leak = water_leak(&server, &site, 0).await;
    server
        .act(
            &site.agent,
            &leak,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;

    // Refused, whatever they claim to be: text, a PNG header on garbage, a GIF, a giant.
    let mut fake_png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    fake_png.extend_from_slice(&[7; 64]);
    for (bytes, declared) in [
        (b"not a photo at all".to_vec(), "image/jpeg"),
        (fake_png, "image/png"),
        (b"GIF89a\x01\x00".to_vec(), "image/gif"),
    ] {
        let (status, body) = upload(&server, &site.tech, &leak, bytes, declared).await;
        assert_eq!(
            (status, body["error"]["details"]["fields"]["file"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
            "{declared}"
        );
    }
    // (Over HTTP the server refuses a body past the limit before reading it; the rule itself:)
    let who = guanjia_storage::Principal::system(&server.company_id, "test");
    let giant = server
        .store
        .add_photo(
            &who,
            &leak,
            vec![0xFF; 10 * 1024 * 1024 + 1],
            chrono::Utc::now(),
        )
        .await;
    assert!(
        matches!(giant, Err(guanjia_storage::StorageError::Validation(_))),
        "{giant:?}"
    );
    let (_, list) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/photos"))
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing was kept"
    );
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/events"))
        .await;
    assert!(
        !events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "photo")
    );

    // Real photos in each format are kept with a thumbnail, whatever their declared type.
    for (format, expected) in [
        (image::ImageFormat::Jpeg, "image/jpeg"),
        (image::ImageFormat::Png, "image/png"),
        (image::ImageFormat::WebP, "image/webp"),
    ] {
        let (status, saved) = upload(
            &server,
            &site.tech,
            &leak,
            picture(format),
            "application/octet-stream",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        assert_eq!(
            (
                saved["content_type"].as_str(),
                saved["width"].as_i64(),
                saved["height"].as_i64()
            ),
            (Some(expected), Some(800), Some(600))
        );
    }
    let (_, list) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/photos"))
        .await;
    let first = list["items"][0].clone();
    let thumb = server
        .client
        .get(server.url(first["thumbnail_url"].as_str().unwrap()))
        .bearer_auth(&site.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let small = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (320, 240));
    let full = server
        .client
        .get(server.url(first["url"].as_str().unwrap()))
        .bearer_auth(&site.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(
        full.bytes().await.unwrap().len() as i64,
        first["size"].as_i64().unwrap()
    );
    // Someone who cannot see the ticket cannot see its photos.
    let other = server.site("pho2").await;
    let (status, _) = server
        .get(Some(&other.agent), first["url"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{leak}/events"))
        .await;
    assert_eq!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "photo")
            .count(),
        3
    );
}
