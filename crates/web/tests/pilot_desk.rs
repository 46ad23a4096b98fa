//! What the desk and the field are told and shown, through the real HTTP API on SQLite and on
//! PostgreSQL: the 我的 filter, the dispatch candidates as the pipeline ranks them, and the
//! notification bell's unread count.

mod common;

use common::{PASSWORD, Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    mine_lists_what_i_own_from_first_contact_or_am_assigned,
    a_gas_job_ranks_the_gas_technician_first_and_offers_no_desk_staff,
    the_bell_counts_unread_notifications_and_a_dispatch_rings_it,
);

async fn staff_member(
    server: &Server,
    site: &Site,
    username: &str,
    name: &str,
    role: &str,
    skills: &[&str],
) -> String {
    let body = json!({ "username": username, "password": PASSWORD, "name": name, "role": role, "project_ids": [site.project_id], "skills": skills });
    server
        .ok(&server.admin, "/api/v1/staff", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn ticket(
    server: &Server,
    site: &Site,
    token: &str,
    category: &str,
    description: &str,
    room: usize,
) -> Value {
    let kind = category.split('.').next().unwrap();
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": kind, "category": category, "urgency": "normal",
        "description": description, "resident_id": site.residents[room].0,
    });
    server
        .ok(token, "/api/v1/tickets", body, StatusCode::CREATED)
        .await
}

fn numbers(list: &Value) -> Vec<&str> {
    let mut numbers: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap())
        .collect();
    numbers.sort_unstable();
    numbers
}

async fn mine_lists_what_i_own_from_first_contact_or_am_assigned(server: Server) {
    let site = server.site("mine").await;
    staff_member(&server, &site, "mine-agent2", "客服小李", "agent", &[]).await;
    let colleague = server.login("mine-agent2").await;
    let own = ticket(
        &server,
        &site,
        &site.agent,
        "repair.water",
        "厨房水龙头漏水",
        0,
    )
    .await;
    let theirs = ticket(
        &server,
        &site,
        &colleague,
        "complaint.noise",
        "楼上夜间装修噪音",
        1,
    )
    .await;
    let given = ticket(
        &server,
        &site,
        &colleague,
        "repair.water",
        "卫生间地漏堵塞返水",
        1,
    )
    .await;
    let (status, body) = server
        .act(
            &colleague,
            given["id"].as_str().unwrap(),
            json!({ "action": "dispatch", "assignee_id": site.agent_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, mine) = server
        .get(Some(&site.agent), "/api/v1/tickets?mine=true")
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let mut expected = vec![
        own["number"].as_str().unwrap(),
        given["number"].as_str().unwrap(),
    ];
    expected.sort_unstable();
    assert_eq!(
        numbers(&mine),
        expected,
        "what I logged, and what was given to me; not a colleague's"
    );
    assert_eq!(mine["total"], 2);

    let (_, all) = server.get(Some(&site.agent), "/api/v1/tickets").await;
    assert_eq!(all["total"], 3, "without the filter the whole project");
    let (_, not_mine) = server
        .get(Some(&site.agent), "/api/v1/tickets?mine=false")
        .await;
    assert_eq!(not_mine["total"], 3);
    let (_, theirs_mine) = server
        .get(Some(&colleague), "/api/v1/tickets?mine=true&kind=complaint")
        .await;
    assert_eq!(
        numbers(&theirs_mine),
        [theirs["number"].as_str().unwrap()],
        "combines with the other filters"
    );

    let (status, refused) = server
        .get(Some(&site.agent), "/api/v1/tickets?mine=perhaps")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused["error"]["code"].is_string());

    let (_, openapi) = server.get(None, "/api/openapi.json").await;
    let params = openapi["paths"]["/api/v1/tickets"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        params.iter().any(|p| p["name"] == "mine"),
        "documented in the OpenAPI"
    );
}

async fn a_gas_job_ranks_the_gas_technician_first_and_offers_no_desk_staff(server: Server) {
    let site = server.site("gas").await;
    let greening = staff_member(
        &server,
        &site,
        "gas-green",
        "绿化老周",
        "technician",
        &["complaint.greening"],
    )
    .await;
    let gas = staff_member(
        &server,
        &site,
        "gas-fitter",
        "燃气张师傅",
        "technician",
        &["repair.gas"],
    )
    .await;
    let butler = staff_member(
        &server,
        &site,
        "gas-butler",
        "管家小陈",
        "butler",
        &["repair.gas"],
    )
    .await;
    // The gas fitter already has a job: the ranking still puts skill before load.
    let earlier = ticket(
        &server,
        &site,
        &site.agent,
        "repair.gas",
        "厨房燃气表不走字",
        1,
    )
    .await;
    let (status, body) = server
        .act(
            &site.agent,
            earlier["id"].as_str().unwrap(),
            json!({ "action": "dispatch", "assignee_id": gas }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let leak = ticket(
        &server,
        &site,
        &site.agent,
        "repair.gas",
        "厨房有燃气味，担心泄漏",
        0,
    )
    .await;
    let id = leak["id"].as_str().unwrap();

    let (status, list) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{id}/candidates"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["category"], "repair.gas");
    assert_eq!(list["mode"], "least_load");
    let items = list["items"].as_array().unwrap();
    let first = &items[0];
    assert_eq!(
        (first["staff_id"].as_str(), first["eligible"].as_bool()),
        (Some(gas.as_str()), Some(true)),
        "{list}"
    );
    assert_eq!(first["skill"], "repair.gas");
    assert_eq!(
        (
            first["on_duty"].as_bool(),
            first["in_grid"].as_bool(),
            first["open_jobs"].as_u64()
        ),
        (Some(true), Some(true), Some(1))
    );
    let of = |id: &str| {
        items
            .iter()
            .find(|c| c["staff_id"] == id)
            .unwrap_or_else(|| panic!("{id} is not listed: {list}"))
    };
    assert_eq!(
        (
            of(&greening)["eligible"].as_bool(),
            of(&greening)["exclusion"].as_str()
        ),
        (Some(false), Some("no_skill"))
    );
    assert_eq!(
        of(&site.tech_id)["exclusion"],
        "no_skill",
        "a plumber is no gas fitter"
    );
    assert_eq!(
        items.last().unwrap()["exclusion"],
        "no_skill",
        "those without the skill come last"
    );
    let listed: Vec<&str> = items
        .iter()
        .map(|c| c["staff_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 3, "technicians only: {list}");
    assert!(
        !listed.contains(&butler.as_str()) && !listed.contains(&site.agent_id.as_str()),
        "no desk staff for field work"
    );

    // Automatic dispatch takes the ranking's first.
    let done = server
        .ok(
            &site.agent,
            &format!("/api/v1/tickets/{id}/auto-dispatch"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(done["ticket"]["assignee_id"], gas.as_str(), "{done}");

    let (status, _) = server
        .get(
            Some(&site.tech),
            &format!("/api/v1/tickets/{id}/candidates"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "technicians do not dispatch");
    let (status, _) = server
        .get(
            Some(&site.agent),
            "/api/v1/tickets/no-such-ticket/candidates",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn unread(server: &Server, token: &str) -> (u64, u64) {
    let (status, body) = server
        .get(Some(token), "/api/v1/me/notifications/unread-count")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["unread"].as_u64().unwrap(),
        body["new_jobs"].as_u64().unwrap(),
    )
}

async fn the_bell_counts_unread_notifications_and_a_dispatch_rings_it(server: Server) {
    let site = server.site("bell").await;
    assert_eq!(unread(&server, &site.tech).await, (0, 0));
    let leak = ticket(
        &server,
        &site,
        &site.agent,
        "repair.water",
        "阳台水管爆裂，水流不止",
        0,
    )
    .await;
    let id = leak["id"].as_str().unwrap();
    let number = leak["number"].as_str().unwrap();

    // A dispatch by hand tells the technician, as an automatic one always did.
    let (status, body) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(unread(&server, &site.tech).await, (1, 1));
    let (_, list) = server
        .get(Some(&site.tech), "/api/v1/me/notifications?unread=true")
        .await;
    let note = &list["items"][0];
    assert_eq!(
        (note["kind"].as_str(), note["ticket_id"].as_str()),
        (Some("job_assigned"), Some(id)),
        "{list}"
    );
    assert_eq!(note["message"], format!("新派单：工单 {number} 已派给您"));

    // The first-contact owner hears of the acceptance in words, not in a code.
    let (status, body) = server
        .act(&site.tech, id, json!({ "action": "accept" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(unread(&server, &site.agent).await, (1, 0));
    let (_, owner) = server
        .get(Some(&site.agent), "/api/v1/me/notifications")
        .await;
    assert_eq!(
        owner["items"][0]["message"],
        format!("进展：您首问的工单 {number} 有新动作（受理）")
    );

    // Reading one counts down; "mark all read" clears the rest, and only the caller's.
    let note_id = note["id"].as_str().unwrap();
    server
        .ok(
            &site.tech,
            &format!("/api/v1/me/notifications/{note_id}/read"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(unread(&server, &site.tech).await, (0, 0));
    let marked = server
        .ok(
            &site.agent,
            "/api/v1/me/notifications/read",
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(marked["marked"], 1);
    assert_eq!(unread(&server, &site.agent).await, (0, 0));
    let again = server
        .ok(
            &site.agent,
            "/api/v1/me/notifications/read",
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(again["marked"], 0, "nothing left to mark");
    let (status, _) = server
        .get(None, "/api/v1/me/notifications/unread-count")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
