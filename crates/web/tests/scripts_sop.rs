//! Standard scripts and SOP checklists over the API, on SQLite and PostgreSQL: scripts kept by
//! admins, suggested for a ticket with its values filled, uses counted; a category's checklist
//! ticked on a ticket (on its timeline), a required one holding back the resolve.

mod common;

use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    scripts_are_kept_audited_and_refuse_bad_input,
    a_ticket_gets_the_scripts_that_fit_filled_from_it,
    a_required_checklist_holds_back_the_resolve_until_ticked
);

async fn trail(server: &Server, kind: &str, id: &str) -> Vec<String> {
    let admin = server
        .store
        .authenticate(&server.admin, chrono::Utc::now())
        .await
        .unwrap();
    server
        .store
        .audit_trail(&admin, kind, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn script(server: &Server, body: Value) -> String {
    server
        .ok(
            &server.admin,
            "/api/v1/kb/scripts",
            body,
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn ticket(server: &Server, site: &Site, category: &str) -> String {
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": "repair", "category": category,
        "urgency": "normal", "description": "厨房有燃气味", "resident_id": site.residents[0].0,
        "contact": { "name": "王女士" },
    });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn scripts_are_kept_audited_and_refuse_bad_input(server: Server) {
    let site = server.site("ss1").await;
    let id = script(
        &server,
        json!({ "title": "问候", "situation": "greeting", "body": "{称呼}您好，这里是物业服务中心。" }),
    )
    .await;
    let (status, saved) = server
        .put(
            &server.admin,
            &format!("/api/v1/kb/scripts/{id}"),
            json!({ "title": "标准问候", "situation": "greeting", "body": "{称呼}您好！", "states": ["new"], "active": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (&saved["title"], &saved["states"]),
        (&json!("标准问候"), &json!(["new"]))
    );
    assert_eq!(trail(&server, "kb_script", &id).await, ["create", "update"]);
    let (status, list) = server.get(Some(&site.agent), "/api/v1/kb/scripts").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    // The desk reads scripts but does not write them.
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/kb/scripts",
            json!({ "title": "t", "situation": "greeting", "body": "b" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/kb/scripts",
            json!({ "title": "", "situation": "shout", "body": "您的地址{地址}", "states": ["gone"], "category": "no.such" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &body["error"]["details"]["fields"];
    assert_eq!(fields["title"], "required", "{body}");
    assert_eq!(fields["situation"], "invalid");
    assert_eq!(fields["body"], "invalid");
    assert_eq!(fields["states[0]"], "invalid");
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/kb/scripts",
            json!({ "title": "t", "situation": "greeting", "body": "b", "category": "no.such" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["category"],
        "unknown_reference"
    );
    let (status, _) = server
        .get(Some(&server.admin), "/api/v1/kb/scripts/nope")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_ticket_gets_the_scripts_that_fit_filled_from_it(server: Server) {
    let site = server.site("ss2").await;
    let general = script(
        &server,
        json!({ "title": "问候", "situation": "greeting",
                "body": "{称呼}您好，您的工单{工单号}已登记，{技术员}将于{预计时间}前处理。" }),
    )
    .await;
    let gas = script(
        &server,
        json!({ "title": "燃气问候", "situation": "greeting", "category": "repair.gas",
                "body": "{称呼}您好，请先关闭燃气阀门，工单{工单号}已加急。" }),
    )
    .await;
    let water = script(
        &server,
        json!({ "title": "漏水问候", "situation": "greeting", "category": "repair.water", "body": "您好" }),
    )
    .await;
    let closing = script(
        &server,
        json!({ "title": "结束语", "situation": "closing", "body": "感谢来电，再见。" }),
    )
    .await;
    let off = script(
        &server,
        json!({ "title": "停用", "situation": "greeting", "body": "旧话术", "active": false }),
    )
    .await;
    let id = ticket(&server, &site, "repair.gas").await;
    let (status, found) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/scripts"))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let items = found["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|s| s["id"].as_str().unwrap()).collect();
    // The category's own first; another category's, a closing on a new ticket and an inactive
    // one are left out.
    assert_eq!(ids, [gas.as_str(), general.as_str()], "{found}");
    for left_out in [&water, &closing, &off] {
        assert!(!ids.contains(&left_out.as_str()));
    }
    let (_, t) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    let number = t["number"].as_str().unwrap();
    assert_eq!(
        items[0]["text"],
        format!("王女士您好，请先关闭燃气阀门，工单{number}已加急。")
    );
    // Nobody holds the job yet: a clear blank, never the raw placeholder.
    let filled = items[1]["text"].as_str().unwrap();
    assert!(filled.contains("____将于"), "{filled}");
    assert!(!filled.contains('{'), "{filled}");
    // A use is counted; an inactive script's is not.
    let used = server
        .ok(
            &site.agent,
            &format!("/api/v1/kb/scripts/{gas}/used"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(used["use_count"], 1);
    let (status, _) = server
        .post(
            Some(&site.agent),
            &format!("/api/v1/kb/scripts/{off}/used"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Resolved, the closing fits.
    server
        .ok(
            &site.agent,
            &format!("/api/v1/tickets/{id}/actions"),
            json!({ "action": "accept" }),
            StatusCode::OK,
        )
        .await;
    server
        .ok(
            &site.agent,
            &format!("/api/v1/tickets/{id}/actions"),
            json!({ "action": "resolve", "body": "已处理" }),
            StatusCode::OK,
        )
        .await;
    let (_, found) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/scripts"))
        .await;
    assert_eq!(found["items"][0]["id"], json!(closing), "{found}");
    // A ticket out of reach is not found.
    let other = server.site("ss2b").await;
    let (status, _) = server
        .get(Some(&other.agent), &format!("/api/v1/tickets/{id}/scripts"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_required_checklist_holds_back_the_resolve_until_ticked(server: Server) {
    let site = server.site("ss3").await;
    let put = |required: bool| json!({ "steps": ["关闭燃气总阀", "开窗通风", "禁止开关电器"], "required": required });
    let (status, list) = server
        .put(&server.admin, "/api/v1/kb/checklists/repair.gas", put(true))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let steps: Vec<String> = list["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(steps.len(), 3);
    assert_eq!(trail(&server, "kb_checklist", "repair.gas").await, ["put"]);
    let id = ticket(&server, &site, "repair.gas").await;
    for (who, action) in [
        (&site.agent, json!({ "action": "accept" })),
        (
            &site.agent,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        ),
        (&site.tech, json!({ "action": "accept" })),
    ] {
        let (status, body) = server.act(who, &id, action.clone()).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    // The technician ticks one step; the resolve is refused naming the two left.
    let ticked = server
        .ok(
            &site.tech,
            &format!("/api/v1/tickets/{id}/checklist/{}", steps[0]),
            json!({ "ticked": true }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(ticked["steps"][0]["ticked"], true, "{ticked}");
    assert_eq!(ticked["steps"][0]["ticked_by"], json!(site.tech_id));
    let resolve = json!({ "action": "resolve", "body": "已排查" });
    let (status, body) = server.act(&site.tech, &id, resolve.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "checklist_incomplete");
    assert_eq!(
        body["error"]["details"]["steps"],
        json!(["开窗通风", "禁止开关电器"])
    );
    // An unknown step is not found.
    let (status, _) = server
        .post(
            Some(&site.tech),
            &format!("/api/v1/tickets/{id}/checklist/nope"),
            json!({ "ticked": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for step in &steps[1..] {
        server
            .ok(
                &site.tech,
                &format!("/api/v1/tickets/{id}/checklist/{step}"),
                json!({ "ticked": true }),
                StatusCode::OK,
            )
            .await;
    }
    // Ticking again changes nothing.
    server
        .ok(
            &site.tech,
            &format!("/api/v1/tickets/{id}/checklist/{}", steps[0]),
            json!({ "ticked": true }),
            StatusCode::OK,
        )
        .await;
    let (status, body) = server.act(&site.tech, &id, resolve).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    let ticks: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "checklist_ticked")
        .collect();
    assert_eq!(ticks.len(), 3, "{events}");
    assert_eq!(ticks[0]["details"]["text"], "关闭燃气总阀");
    assert_eq!(ticks[0]["actor_id"], json!(site.tech_id));
    // Not required: a ticket of the category resolves with nothing ticked.
    server
        .put(
            &server.admin,
            "/api/v1/kb/checklists/repair.gas",
            put(false),
        )
        .await;
    let free = ticket(&server, &site, "repair.gas").await;
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已处理" }),
    ] {
        let (status, body) = server.act(&site.agent, &free, action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Bad input names the field; an unknown category is not found; the desk does not write.
    let (status, body) = server
        .put(
            &server.admin,
            "/api/v1/kb/checklists/repair.gas",
            json!({ "steps": ["", "开窗通风", "开窗通风"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["steps[0]"], "required");
    assert_eq!(body["error"]["details"]["fields"]["steps[2]"], "taken");
    let (status, _) = server
        .put(&server.admin, "/api/v1/kb/checklists/no.such", put(true))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .put(&site.agent, "/api/v1/kb/checklists/repair.gas", put(true))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
