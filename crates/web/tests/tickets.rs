//! The ticket core through the real HTTP API, on SQLite and on PostgreSQL.

mod common;

use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_repair_goes_round_the_closed_loop,
    a_refused_action_is_409_and_changes_nothing,
    a_complaint_needs_a_follow_up_and_a_low_rating_reopens,
    bad_input_is_rejected_with_named_fields,
    scope_hides_other_projects_jobs_and_households,
    lists_filter_search_page_and_mask_phones,
    cursor_pages_neither_overlap_nor_skip,
    concurrent_creations_all_succeed_with_distinct_numbers,
    tokens_are_checked_and_logout_revokes,
    system_endpoints_answer,
    residents_sign_in_with_a_single_use_code,
    what_the_caller_leaves_out_is_read_from_the_text,
    a_second_report_of_the_same_problem_is_linked_not_dispatched,
    an_unknown_stored_code_is_an_error_naming_its_row,
);

async fn create(server: &Server, site: &Site, token: &str, extra: Value) -> Value {
    let mut body = json!({
        "project_id": site.project_id, "channel": "phone", "category": "repair.water",
        "description": "3栋2单元1502卫生间天花板漏水，应该是楼上渗下来的",
        "resident_id": site.residents[0].0,
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    server
        .ok(token, "/api/v1/tickets", body, StatusCode::CREATED)
        .await
}

async fn a_repair_goes_round_the_closed_loop(server: Server) {
    let site = server.site("loop").await;
    let ticket = create(&server, &site, &site.agent, json!({})).await;
    let id = ticket["id"].as_str().unwrap();
    assert_eq!(ticket["kind"], "repair", "kind comes from the category");
    assert_eq!(ticket["urgency"], "normal");
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["first_contact_owner_id"], site.agent_id.as_str());
    assert_eq!(ticket["room_id"], site.rooms[0].as_str());
    assert_eq!(ticket["contact"]["phone"], site.residents[0].1.as_str());
    let number = ticket["number"].as_str().unwrap();
    assert!(
        number.starts_with("GJ-") && number.len() == "GJ-20261122-0001".len(),
        "{number}"
    );
    let clocks: Vec<&str> = ticket["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(clocks, ["first_response", "arrival", "resolution"]);
    let offered: Vec<&str> = ticket["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        offered,
        [
            "respond",
            "accept",
            "dispatch",
            "escalate",
            "cancel",
            "comment",
            "link_duplicate",
            "reclassify"
        ]
    );

    let steps = [
        (&site.agent, json!({ "action": "accept" }), "accepted"),
        (
            &site.agent,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
            "dispatched",
        ),
        (&site.tech, json!({ "action": "accept" }), "in_progress"),
        (&site.tech, json!({ "action": "arrive" }), "in_progress"),
        (
            &site.tech,
            json!({ "action": "comment", "body": "更换了角阀", "visibility": "resident" }),
            "in_progress",
        ),
        (
            &site.tech,
            json!({ "action": "resolve", "body": "已更换漏水角阀" }),
            "resolved",
        ),
        (
            &site.agent,
            json!({ "action": "follow_up", "satisfaction": 5, "comment": "师傅很专业" }),
            "closed",
        ),
    ];
    for (token, action, expected) in steps {
        let (status, body) = server.act(token, id, action.clone()).await;
        assert_eq!(status, StatusCode::OK, "{action} → {body}");
        assert_eq!(body["status"], expected, "{action}");
    }
    let (_, ticket) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        ticket["first_contact_owner_id"],
        site.agent_id.as_str(),
        "the first-contact owner never changes"
    );
    assert_eq!(ticket["assignee_id"], site.tech_id.as_str());
    assert_eq!(ticket["satisfaction"], 5);
    assert!(ticket["arrived_at"].is_string() && ticket["closed_at"].is_string());
    let states: Vec<&str> = ticket["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["met", "met", "met", "met"]);

    let (status, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let timeline: Vec<(String, String)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["to_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("create", "new"),
        ("accept", "accepted"),
        ("dispatch", "dispatched"),
        ("accept", "in_progress"),
        ("arrive", "in_progress"),
        ("comment", "in_progress"),
        ("resolve", "resolved"),
        ("follow_up", "closed"),
    ];
    assert_eq!(
        timeline,
        expected.map(|(a, s)| (a.to_owned(), s.to_owned()))
    );
    let dispatch = &events["items"][2];
    assert_eq!(dispatch["actor_id"], site.agent_id.as_str());
    assert_eq!(dispatch["from_status"], "accepted");
    assert_eq!(dispatch["details"]["assignee_id"], site.tech_id.as_str());

    // The resident sees their request and the entries meant for them, not internal notes.
    let resident = server.resident_token(&site.residents[0].1).await;
    server
        .act(
            &site.agent,
            id,
            json!({ "action": "comment", "body": "内部：下次带备用阀" }),
        )
        .await;
    let (status, theirs) = server
        .get(Some(&resident), &format!("/api/v1/tickets/{id}/events"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["visibility"] == "resident")
    );
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["details"]["body"] == "更换了角阀")
    );
}

async fn a_refused_action_is_409_and_changes_nothing(server: Server) {
    let site = server.site("refuse").await;
    let ticket = create(&server, &site, &site.agent, json!({})).await;
    let id = ticket["id"].as_str().unwrap();
    let (status, body) = server
        .act(&site.agent, id, json!({ "action": "resolve" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "invalid_transition");
    assert_eq!(body["error"]["details"]["status"], "new");
    let (status, body) = server
        .act(
            &site.tech,
            id,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a job not given to the technician is out of their sight: {body}"
    );
    let (status, body) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "dispatch", "assignee_id": "nobody" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["assignee_id"],
        "unknown_reference"
    );
    let (status, body) = server
        .act(&site.agent, id, json!({ "action": "levitate" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_request");
    let (_, after) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(after["status"], "new");
    assert_eq!(after["updated_at"], ticket["updated_at"]);
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        1,
        "only the creation is in the timeline"
    );
}

async fn a_complaint_needs_a_follow_up_and_a_low_rating_reopens(server: Server) {
    let site = server.site("complain").await;
    let ticket = create(
        &server,
        &site,
        &site.agent,
        json!({ "category": "complaint.noise", "description": "楼上每天半夜装修，吵得睡不着" }),
    )
    .await;
    let id = ticket["id"].as_str().unwrap();
    assert_eq!(ticket["kind"], "complaint");
    server
        .act(&site.agent, id, json!({ "action": "accept" }))
        .await;
    let (status, _) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "resolve", "body": "已上门劝导" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .act(&site.agent, id, json!({ "action": "close" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["details"]["reason"], "follow_up_required");
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, body) = server
        .act(
            &resident,
            id,
            json!({ "action": "follow_up", "satisfaction": 2, "comment": "还是很吵" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "reopened");
    assert_eq!(body["reopen_count"], 1);
}

async fn bad_input_is_rejected_with_named_fields(server: Server) {
    let site = server.site("bad").await;
    let url = "/api/v1/tickets";
    let (status, body) = server.post(Some(&site.agent), url, json!({ "project_id": site.project_id, "channel": "phone", "kind": "wish", "description": "电梯坏了" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["details"]["fields"]["kind"], "invalid");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("输入"),
        "zh-CN by default: {body}"
    );
    let response = server
        .client
        .post(server.url(url))
        .bearer_auth(&site.agent)
        .header("accept-language", "en-US,en;q=0.9")
        .json(&json!({ "project_id": site.project_id, "channel": "fax", "kind": "repair", "description": "x", "reported_at": "2099-01-01T00:00:00Z" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Some fields are invalid");
    assert_eq!(body["error"]["details"]["fields"]["channel"], "invalid");
    assert_eq!(
        body["error"]["details"]["fields"]["reported_at"],
        "in_future"
    );
    let (status, body) = server.post(Some(&site.agent), url, json!({ "project_id": site.project_id, "channel": "phone", "kind": "repair", "description": "x", "colour": "red" })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let response = server
        .client
        .post(server.url(url))
        .bearer_auth(&site.agent)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let huge = "漏".repeat(600_000);
    let (status, body) = server.post(Some(&site.agent), url, json!({ "project_id": site.project_id, "channel": "phone", "kind": "repair", "description": huge })).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, body) = server.post(Some(&site.agent), url, json!({ "project_id": "elsewhere", "channel": "phone", "kind": "repair", "description": "x" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["details"]["fields"]["project_id"],
        "unknown_reference"
    );
    let (status, _) = server
        .get(Some(&site.agent), "/api/v1/tickets?per_page=500")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = server.get(Some(&site.agent), "/api/v1/tickets").await;
    assert_eq!(
        list["total"], 0,
        "nothing was created by any of the bad requests"
    );
}

async fn scope_hides_other_projects_jobs_and_households(server: Server) {
    let a = server.site("scopea").await;
    let b = server.site("scopeb").await;
    let in_a = create(&server, &a, &a.agent, json!({})).await;
    let neighbour = create(
        &server,
        &a,
        &a.agent,
        json!({ "resident_id": a.residents[1].0 }),
    )
    .await;
    let a_id = in_a["id"].as_str().unwrap();
    let (status, body) = server
        .get(Some(&b.agent), &format!("/api/v1/tickets/{a_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    let (_, list) = server.get(Some(&b.agent), "/api/v1/tickets").await;
    assert_eq!(list["total"], 0);
    let (status, _) = server
        .act(&b.agent, a_id, json!({ "action": "accept" }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A technician sees only what is assigned to them.
    let (_, list) = server.get(Some(&a.tech), "/api/v1/tickets").await;
    assert_eq!(list["total"], 0);
    server
        .act(
            &a.agent,
            a_id,
            json!({ "action": "dispatch", "assignee_id": a.tech_id }),
        )
        .await;
    let (_, list) = server.get(Some(&a.tech), "/api/v1/tickets").await;
    assert_eq!(list["total"], 1);
    // A resident sees their household's requests only.
    let resident = server.resident_token(&a.residents[0].1).await;
    let (_, mine) = server.get(Some(&resident), "/api/v1/tickets").await;
    assert_eq!(mine["total"], 1);
    let (status, _) = server
        .get(
            Some(&resident),
            &format!("/api/v1/tickets/{}", neighbour["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server
        .act(
            &resident,
            a_id,
            json!({ "action": "dispatch", "assignee_id": a.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Staff of one project cannot create in another, and the admin sees both.
    let (status, _) = server.post(Some(&b.agent), "/api/v1/tickets", json!({ "project_id": a.project_id, "channel": "phone", "kind": "repair", "description": "x" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, all) = server.get(Some(&server.admin), "/api/v1/tickets").await;
    assert_eq!(all["total"], 2);
    let (status, _) = server
        .get(
            Some(&b.agent),
            &format!("/api/v1/projects/{}", a.project_id),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            Some(&a.agent),
            "/api/v1/projects",
            json!({ "code": "x", "name": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Walks a list by its `next` cursors, `per_page` at a time; returns the ids in order.
async fn walk(server: &Server, token: &str, list: &str, per_page: u64) -> Vec<String> {
    let (mut ids, mut after) = (Vec::new(), None::<String>);
    loop {
        let path = match &after {
            Some(cursor) => format!("{list}&per_page={per_page}&after={cursor}"),
            None => format!("{list}&per_page={per_page}"),
        };
        let (status, page) = server.get(Some(token), &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() as u64 <= per_page, "{page}");
        ids.extend(items.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(cursor) => after = Some(cursor.to_owned()),
            None => return ids,
        }
        assert!(ids.len() < 100, "the cursors go round in circles");
    }
}

async fn cursor_pages_neither_overlap_nor_skip(server: Server) {
    let site = server.site("cursor").await;
    let mut created = vec![];
    for (i, urgency) in [
        "normal",
        "urgent",
        "normal",
        "emergency",
        "normal",
        "urgent",
        "normal",
    ]
    .into_iter()
    .enumerate()
    {
        let t = create(
            &server,
            &site,
            &site.agent,
            json!({ "urgency": urgency, "description": format!("{i}号楼道灯不亮") }),
        )
        .await;
        created.push(t["id"].as_str().unwrap().to_owned());
    }
    // One with no clock counting any more: listed after all those with a deadline.
    let (status, _) = server
        .act(
            &site.agent,
            &created[1],
            json!({ "action": "cancel", "reason": "误报" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let newest = walk(&server, &site.agent, "/api/v1/tickets?sort=created", 3).await;
    let mut expected = created.clone();
    expected.reverse();
    assert_eq!(newest, expected, "newest first, each ticket once");

    let by_due = walk(&server, &site.agent, "/api/v1/tickets?sort=due", 2).await;
    let (_, whole) = server
        .get(Some(&site.agent), "/api/v1/tickets?sort=due&per_page=50")
        .await;
    let whole: Vec<String> = whole["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        by_due, whole,
        "cursor pages follow the same order as one page"
    );
    let mut sorted = by_due.clone();
    sorted.sort();
    let mut all = created.clone();
    all.sort();
    assert_eq!(sorted, all, "every ticket once");
    assert_eq!(by_due.last(), Some(&created[1]), "no deadline: last");
    let (_, shown) = server
        .get(Some(&site.agent), "/api/v1/tickets?sort=due&per_page=50")
        .await;
    let dues: Vec<String> = shown["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "cancelled")
        .map(|t| {
            t["deadlines"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| matches!(d["state"].as_str(), Some("running" | "breached")))
                .filter_map(|d| d["due_at"].as_str())
                .min()
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut in_order = dues.clone();
    in_order.sort();
    assert_eq!(dues, in_order, "nearest deadline first");
    let (_, second) = server
        .get(
            Some(&site.agent),
            "/api/v1/tickets?sort=due&per_page=2&page=2",
        )
        .await;
    assert_eq!(
        second["items"][0]["id"],
        by_due[2].as_str(),
        "pages by number agree"
    );

    for bad in ["sort=soon", "after=nonsense", "after=12_%27%20OR%201"] {
        let (status, body) = server
            .get(Some(&site.agent), &format!("/api/v1/tickets?{bad}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
}

async fn lists_filter_search_page_and_mask_phones(server: Server) {
    let site = server.site("lists").await;
    let mut numbers = vec![];
    for i in 0..5 {
        let kind = if i % 2 == 0 {
            "repair.water"
        } else {
            "complaint.noise"
        };
        let t = create(
            &server,
            &site,
            &site.agent,
            json!({ "category": kind, "description": format!("第{i}号问题 电梯异响") }),
        )
        .await;
        numbers.push(t["number"].as_str().unwrap().to_owned());
    }
    let (_, page) = server
        .get(Some(&site.agent), "/api/v1/tickets?per_page=2&page=2")
        .await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["page"].as_u64(),
            page["per_page"].as_u64()
        ),
        (Some(5), Some(2), Some(2))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let (_, complaints) = server
        .get(Some(&site.agent), "/api/v1/tickets?kind=complaint")
        .await;
    assert_eq!(complaints["total"], 2);
    let (_, by_number) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets?q={}", numbers[3]),
        )
        .await;
    assert_eq!(by_number["total"], 1);
    assert_eq!(by_number["items"][0]["number"], numbers[3].as_str());
    let phone = &site.residents[0].1;
    let (_, by_phone) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets?q={}", &phone[3..]),
        )
        .await;
    assert_eq!(by_phone["total"], 5);
    let listed_phone = by_phone["items"][0]["contact"]["phone"].as_str().unwrap();
    assert_eq!(
        listed_phone,
        format!("{}****{}", &phone[..3], &phone[7..]),
        "phones are masked in lists"
    );
    let (_, by_text) = server
        .get(Some(&site.agent), "/api/v1/tickets?q=%E7%AC%AC3%E5%8F%B7")
        .await;
    assert_eq!(by_text["total"], 1);
    let (_, statuses) = server
        .get(Some(&site.agent), "/api/v1/tickets?status=new,accepted")
        .await;
    assert_eq!(statuses["total"], 5);
    let (status, _) = server
        .get(Some(&site.agent), "/api/v1/tickets?status=lost")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, residents) = server.get(Some(&site.agent), "/api/v1/residents").await;
    assert!(
        residents["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["phone"].as_str().unwrap().contains("****"))
    );
    let (_, categories) = server.get(Some(&site.agent), "/api/v1/categories").await;
    assert_eq!(
        categories["items"].as_array().unwrap().len(),
        33,
        "the default taxonomy is seeded"
    );
}

async fn concurrent_creations_all_succeed_with_distinct_numbers(server: Server) {
    let site = server.site("busy").await;
    let server = std::sync::Arc::new(server);
    let site = std::sync::Arc::new(site);
    // A storm: two hundred messages at once, understood from the text, all queued for the writer.
    const MESSAGES: usize = 200;
    let texts = [
        "{i}栋电梯停了，有人被困吗？",
        "{i}栋2单元楼道灯坏了",
        "{i}栋门口垃圾没人清理，很臭",
        "物业费发票怎么开？（{i}）",
        "{i}栋1单元厨房水管漏水",
    ];
    let mut tasks = vec![];
    for i in 0..MESSAGES {
        let (server, site) = (server.clone(), site.clone());
        let description = texts[i % texts.len()].replace("{i}", &(i % 30 + 1).to_string());
        tasks.push(tokio::spawn(async move {
            let body = json!({ "project_id": site.project_id, "channel": "app", "description": description });
            server.post(Some(&site.agent), "/api/v1/tickets", body).await
        }));
    }
    let mut numbers = std::collections::HashSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        numbers.insert(body["number"].as_str().unwrap().to_owned());
    }
    assert_eq!(numbers.len(), MESSAGES, "every ticket has its own number");
    let (_, listed) = server
        .get(Some(&site.agent), "/api/v1/tickets?per_page=1")
        .await;
    assert_eq!(
        listed["total"], MESSAGES,
        "every answered ticket is stored: {listed}"
    );
}

async fn tokens_are_checked_and_logout_revokes(server: Server) {
    let site = server.site("auth").await;
    let (status, me) = server.get(Some(&site.agent), "/api/v1/me").await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("agent"))
    );
    let (status, _) = server.get(None, "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.get(Some("nonsense"), "/api/v1/tickets").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = server
        .client
        .post(server.url("/api/v1/auth/logout"))
        .bearer_auth(&site.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = server.get(Some(&site.agent), "/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn system_endpoints_answer(server: Server) {
    let (status, _) = server.get(None, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let (status, doc) = server.get(None, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}/actions",
        "/api/v1/auth/login",
        "/api/v1/residents",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    server.get(Some(&server.admin), "/api/v1/projects").await;
    let metrics = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("guanjia_http_requests_total"), "{metrics}");
    let (status, body) = server.get(None, "/no/such/page").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn residents_sign_in_with_a_single_use_code(server: Server) {
    let site = server.site("otp").await;
    let phone = &site.residents[1].1;
    let (status, _) = server
        .post(
            None,
            "/api/v1/auth/resident/code",
            json!({ "phone": "13900000000" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "an unknown phone gets the same answer"
    );
    let (status, body) = server
        .post(
            None,
            "/api/v1/auth/resident/code",
            json!({ "phone": "not a phone" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A resident registered in several rooms is still one identity.
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/residents",
            json!({ "name": "业主1", "phone": phone, "room_id": site.rooms[0], "role": "family" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let issued = server
        .store
        .issue_sign_in_code(phone, "test-client", chrono::Utc::now())
        .await
        .unwrap()
        .expect("one company, two rooms");
    let wrong = if issued.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (status, body) = server
        .post(
            None,
            "/api/v1/auth/resident/login",
            json!({ "phone": phone, "code": wrong }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    let (status, body) = server
        .post(
            None,
            "/api/v1/auth/resident/login",
            json!({ "phone": phone, "code": issued.code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap();
    let (_, me) = server.get(Some(token), "/api/v1/me").await;
    assert_eq!(me["role"], "resident");
    assert_eq!(me["household_ids"].as_array().unwrap().len(), 2);
    // The code went to the phone through the outbox, where SMS delivery reads it.
    let (_, told) = server.get(Some(token), "/api/v1/me/notifications").await;
    let sent = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "sign_in_code")
        .expect("the code in the outbox")
        .clone();
    assert_eq!(sent["details"]["code"], issued.code.as_str());
    assert!(
        sent["message"].as_str().unwrap().contains(&issued.code),
        "{sent}"
    );
    let (status, _) = server
        .post(
            None,
            "/api/v1/auth/resident/login",
            json!({ "phone": phone, "code": issued.code }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a code works once");
    // A resident reports from their own room, and sees it.
    let (status, ticket) = server
        .post(Some(token), "/api/v1/tickets", json!({ "project_id": site.project_id, "room_id": site.rooms[1], "channel": "app", "kind": "repair", "description": "厨房水龙头一直滴水" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["room_id"], site.rooms[1].as_str());
    assert_eq!(
        ticket["first_contact_owner_id"],
        Value::Null,
        "the first desk member to handle it will own it"
    );
    let (status, _) = server
        .get(
            Some(token),
            &format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn what_the_caller_leaves_out_is_read_from_the_text(server: Server) {
    let site = server.site("intake").await;
    let body = json!({ "project_id": site.project_id, "channel": "wechat", "description": "3号楼电梯困人了！有人被关在里面，快来救人" });
    let ticket = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    assert_eq!(
        (ticket["kind"].as_str(), ticket["category"].as_str()),
        (Some("repair"), Some("repair.elevator"))
    );
    assert_eq!(ticket["urgency"], "emergency");
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{}/events", ticket["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(
        events["items"][0]["details"]["filled_from_text"],
        json!(["kind", "category", "urgency"])
    );
    // What the agent chose stands; a threat to call 12345 is flagged.
    let body = json!({ "project_id": site.project_id, "channel": "phone", "kind": "complaint", "urgency": "normal",
        "description": "楼下广场舞天天吵到晚上十点，再不管我就打12345投诉你们" });
    let ticket = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    assert_eq!(
        (ticket["kind"].as_str(), ticket["urgency"].as_str()),
        (Some("complaint"), Some("normal"))
    );
    assert_eq!(ticket["category"], "complaint.noise");
    assert_eq!(ticket["escalation_risk"], true);
    // A place named in the text is found among the project's rooms when the caller gives none.
    let body = json!({ "project_id": site.project_id, "channel": "phone", "contact": { "name": "路人", "phone": "13912345678" },
        "description": "三号楼2单元1602家的空调外机一直滴水到楼下" });
    let ticket = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    assert_eq!(ticket["room_id"], site.rooms[1].as_str(), "{ticket}");
    assert_eq!(
        ticket["household_id"],
        Value::Null,
        "the place's household does not see a report about it"
    );
    let (status, analysis) = server
        .post(
            Some(&site.agent),
            "/api/v1/intake/analyze",
            json!({ "text": "B座12楼男厕所漏水", "channel": "app", "project_id": site.project_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{analysis}");
    assert_eq!(analysis["category"], "repair.water");
    assert_eq!(analysis["location"]["building"], "B座");
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/intake/analyze",
            json!({ "text": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_second_report_of_the_same_problem_is_linked_not_dispatched(server: Server) {
    let site = server.site("dups").await;
    let report = |resident: usize, text: &str| json!({ "project_id": site.project_id, "channel": "app", "resident_id": site.residents[resident].0, "description": text });
    let first = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            report(0, "3栋2单元电梯困人了，卡在12楼，快来人"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(first["duplicate_of"], Value::Null);
    let second = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            report(1, "3栋2单元的电梯卡在12楼了，里面有人"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(second["duplicate_of"], first["id"], "{second}");
    let candidate = &second["duplicate_candidates"][0];
    assert_eq!(candidate["id"], first["id"]);
    assert!(
        candidate["score"].as_f64().unwrap() >= 0.75
            && !candidate["reason"].as_str().unwrap().is_empty()
    );
    let (status, body) = server
        .act(
            &site.agent,
            second["id"].as_str().unwrap(),
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["details"]["reason"], "duplicate");
    // Another problem in the same place is not a duplicate.
    let other = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            report(1, "3栋2单元楼道灯不亮了"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(other["duplicate_of"], Value::Null, "{other}");
    // Agents correct the machine by hand, and both are in the timeline.
    let (second_id, other_id) = (
        second["id"].as_str().unwrap(),
        other["id"].as_str().unwrap(),
    );
    let (status, body) = server
        .act(
            &site.agent,
            second_id,
            json!({ "action": "unlink_duplicate", "reason": "不是同一部电梯" }),
        )
        .await;
    assert_eq!(
        (status, body["duplicate_of"].clone()),
        (StatusCode::OK, Value::Null),
        "{body}"
    );
    let (status, body) = server
        .act(
            &site.agent,
            other_id,
            json!({ "action": "link_duplicate", "original_id": other_id }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a ticket is not its own duplicate: {body}"
    );
    let (status, body) = server
        .act(
            &site.agent,
            other_id,
            json!({ "action": "link_duplicate", "original_id": first["id"] }),
        )
        .await;
    assert_eq!(
        (status, &body["duplicate_of"]),
        (StatusCode::OK, &first["id"]),
        "{body}"
    );
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{second_id}/events"),
        )
        .await;
    let last = events["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["visibility"].as_str()),
        (Some("unlink_duplicate"), Some("internal"))
    );
}

/// A code this version does not know in a ticket's row (a hand edit, a newer version's data) is
/// never read as some other value: reading the ticket is a 500 with a stable code that names the
/// table, the row, the column and the value; in a nullable column as in a required one.
async fn an_unknown_stored_code_is_an_error_naming_its_row(server: Server) {
    use sea_orm::ConnectionTrait;
    let site = server.site("bogus").await;
    let ticket = create(&server, &site, &site.agent, json!({})).await;
    let id = ticket["id"].as_str().unwrap();
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    for (set, column, value) in [
        ("status = 'bogus'", "status", "bogus"),
        (
            "status = 'suspended', suspended_from = 'limbo'",
            "suspended_from",
            "limbo",
        ),
    ] {
        db.execute_unprepared(&format!("UPDATE tickets SET {set} WHERE id = '{id}'"))
            .await
            .unwrap();
        let (status, body) = server
            .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
            .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        assert_eq!(body["error"]["code"], "unknown_stored_value");
        assert_eq!(
            body["error"]["details"],
            json!({ "table": "tickets", "id": id, "column": column, "value": value })
        );
    }
}
