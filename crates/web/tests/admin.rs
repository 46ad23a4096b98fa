//! The admin updates the pages brought to the API, on SQLite and on PostgreSQL: deactivating a
//! staff account, changing a team's members, and editing and deleting every part of the set-up.

mod common;

use common::{Server, staff};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_deactivated_account_cannot_sign_in_or_act_until_reactivated,
    a_teams_members_are_replaced,
    places_are_edited_and_deleted_only_while_unused,
    residents_are_corrected_and_kept_once_they_reported,
    staff_are_edited_and_deleted_only_without_history,
    a_password_reset_ends_the_accounts_sessions,
    teams_and_grids_are_edited_and_deleted,
);

async fn delete(server: &Server, token: &str, path: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .delete(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The audit trail of one object: each entry's action and details.
async fn trail(server: &Server, entity: &str, id: &str) -> Vec<(String, Value)> {
    let admin = server
        .store
        .authenticate(&server.admin, chrono::Utc::now())
        .await
        .unwrap();
    server
        .store
        .audit_trail(&admin, entity, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.details))
        .collect()
}

async fn a_deactivated_account_cannot_sign_in_or_act_until_reactivated(server: Server) {
    let site = server.site("adm").await;
    let path = format!("/api/v1/staff/{}/active", site.agent_id);
    let (status, _) = server
        .put(&site.agent, &path, json!({ "active": false }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins");
    let (status, body) = server
        .put(&server.admin, &path, json!({ "active": "no" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, body) = server
        .put(&server.admin, &path, json!({ "active": false }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let (status, _) = server.get(Some(&site.agent), "/api/v1/tickets").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the open session stops at once"
    );
    let (status, _) = server
        .post(
            None,
            "/api/v1/auth/login",
            json!({ "username": "adm-agent", "password": common::PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and no new one starts");
    let (_, listed) = server
        .get(Some(&server.admin), "/api/v1/staff?per_page=200")
        .await;
    let agent = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == site.agent_id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(agent["active"], false);

    let (status, body) = server
        .put(&server.admin, &path, json!({ "active": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], true);
    let again = server.login("adm-agent").await;
    assert_eq!(
        server.get(Some(&again), "/api/v1/tickets").await.0,
        StatusCode::OK,
        "signs in and works again"
    );
    let (_, admin) = server.get(Some(&server.admin), "/api/v1/me").await;
    let (status, body) = server
        .put(
            &server.admin,
            &format!("/api/v1/staff/{}/active", admin["id"].as_str().unwrap()),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["active"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "an admin cannot lock themselves out"
    );
    let (status, _) = server
        .put(
            &server.admin,
            "/api/v1/staff/0190b5a2-0000-7000-8000-000000000000/active",
            json!({ "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_teams_members_are_replaced(server: Server) {
    let site = server.site("tms").await;
    let second = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff("tms-tech2", "technician", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let second = second["id"].as_str().unwrap().to_owned();
    let team = json!({ "project_id": site.project_id, "name": "维修班", "kind": "engineering", "member_ids": [site.tech_id] });
    let team = server
        .ok(&server.admin, "/api/v1/teams", team, StatusCode::CREATED)
        .await;
    let path = format!("/api/v1/teams/{}/members", team["id"].as_str().unwrap());

    let (status, _) = server
        .put(&site.agent, &path, json!({ "member_ids": [second] }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .put(
            &server.admin,
            &path,
            json!({ "member_ids": [second, "0190b5a2-0000-7000-8000-000000000000"] }),
        )
        .await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["member_ids"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference")),
        "{body}"
    );
    let (_, listed) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/teams?project_id={}", site.project_id),
        )
        .await;
    assert_eq!(
        listed["items"][0]["member_ids"],
        json!([site.tech_id]),
        "a refusal changes nothing"
    );

    let (status, body) = server
        .put(
            &server.admin,
            &path,
            json!({ "member_ids": [second, site.tech_id, second] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["member_ids"],
        json!([second, site.tech_id]),
        "each once, in the order given"
    );
    let (_, listed) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/teams?project_id={}", site.project_id),
        )
        .await;
    let mut members: Vec<String> =
        serde_json::from_value(listed["items"][0]["member_ids"].clone()).unwrap();
    members.sort();
    let mut expected = vec![second.clone(), site.tech_id.clone()];
    expected.sort();
    assert_eq!(members, expected);
    let (status, body) = server
        .put(&server.admin, &path, json!({ "member_ids": [] }))
        .await;
    assert_eq!(
        (status, body["member_ids"].clone()),
        (StatusCode::OK, json!([]))
    );
    let (status, _) = server
        .put(
            &server.admin,
            "/api/v1/teams/0190b5a2-0000-7000-8000-000000000000/members",
            json!({ "member_ids": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn places_are_edited_and_deleted_only_while_unused(server: Server) {
    let site = server.site("plc").await;
    let project = format!("/api/v1/projects/{}", site.project_id);
    let edit = json!({ "code": "plc2", "name": "翠湖花园二期", "time_zone": "Asia/Urumqi", "address": "湖滨路 8 号" });
    assert_eq!(
        server.put(&site.agent, &project, edit.clone()).await.0,
        StatusCode::FORBIDDEN,
        "only admins edit set-up"
    );

    let (status, body) = server
        .put(
            &server.admin,
            &project,
            json!({ "code": "翠 湖", "name": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"],
        json!({ "code": "invalid", "name": "required" })
    );
    assert_eq!(
        body["error"]["details"]["messages"]["code"],
        "格式不正确，只能用字母、数字、- 和 _，1–64 位",
        "says what is allowed"
    );
    let (status, body) = server
        .put(
            &server.admin,
            &project,
            json!({ "code": "plc2", "name": "x", "colour": "red" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request")),
        "unknown fields"
    );
    let (_, unchanged) = server.get(Some(&server.admin), &project).await;
    assert_eq!(
        (unchanged["code"].as_str(), unchanged["name"].as_str()),
        (Some("plc"), Some("plc小区")),
        "a refusal changes nothing"
    );

    let (status, body) = server.put(&server.admin, &project, edit).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["code"].as_str(),
            body["name"].as_str(),
            body["time_zone"].as_str()
        ),
        (Some("plc2"), Some("翠湖花园二期"), Some("Asia/Urumqi"))
    );
    let entries = trail(&server, "project", &site.project_id).await;
    let (action, details) = entries.last().unwrap();
    assert_eq!(action, "update");
    assert_eq!(
        details["name"],
        json!({ "from": "plc小区", "to": "翠湖花园二期" })
    );
    assert!(details.get("kind").is_none(), "only what moved: {details}");

    let (status, body) = delete(&server, &server.admin, &project).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("in_use")),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["dependents"]["buildings"], 1);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1 栋楼"),
        "{body}"
    );

    let (_, buildings) = server
        .get(Some(&server.admin), &format!("{project}/buildings"))
        .await;
    let building = format!(
        "/api/v1/buildings/{}",
        buildings["items"][0]["id"].as_str().unwrap()
    );
    let (status, body) = delete(&server, &server.admin, &building).await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["dependents"]["rooms"].as_u64()
        ),
        (StatusCode::CONFLICT, Some(2)),
        "{body}"
    );
    let spare = server
        .ok(
            &server.admin,
            &format!("{project}/buildings"),
            json!({ "name": "9栋" }),
            StatusCode::CREATED,
        )
        .await;
    let spare = format!("/api/v1/buildings/{}", spare["id"].as_str().unwrap());
    let (status, body) = server
        .put(&server.admin, &spare, json!({ "name": "3栋" }))
        .await;
    assert_eq!(
        (status, body["error"]["details"]["fields"]["name"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("taken")),
        "{body}"
    );
    let (status, body) = server
        .put(&server.admin, &spare, json!({ "name": "10栋" }))
        .await;
    assert_eq!(
        (status, body["name"].as_str()),
        (StatusCode::OK, Some("10栋")),
        "{body}"
    );
    assert_eq!(
        delete(&server, &site.agent, &spare).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(&server, &server.admin, &spare).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, buildings) = server
        .get(Some(&server.admin), &format!("{project}/buildings"))
        .await;
    assert_eq!(buildings["total"], 1, "the unused building is gone");
    let spare_id = spare.rsplit('/').next().unwrap();
    let actions: Vec<String> = trail(&server, "building", spare_id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);

    let room = format!("/api/v1/rooms/{}", site.rooms[0]);
    let (status, body) = server
        .put(
            &server.admin,
            &room,
            json!({ "unit": "2单元", "number": "1503", "floor": 400 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["allowed"]["floor"],
        json!({ "rule": "range", "min": -10, "max": 300 })
    );
    let (status, body) = server
        .put(
            &server.admin,
            &room,
            json!({ "unit": "2单元", "number": "1503", "kind": "office", "floor": 15 }),
        )
        .await;
    assert_eq!(
        (status, body["number"].as_str(), body["kind"].as_str()),
        (StatusCode::OK, Some("1503"), Some("office")),
        "{body}"
    );
    let (status, body) = delete(&server, &server.admin, &room).await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["dependents"]["residents"].as_u64()
        ),
        (StatusCode::CONFLICT, Some(1)),
        "{body}"
    );
    let empty = server
        .ok(
            &server.admin,
            &format!("{building}/rooms"),
            json!({ "number": "0101" }),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        delete(
            &server,
            &server.admin,
            &format!("/api/v1/rooms/{}", empty["id"].as_str().unwrap())
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(
            &server,
            &server.admin,
            "/api/v1/rooms/0190b5a2-0000-7000-8000-000000000000"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    let (_, doc) = server.get(None, "/api/openapi.json").await;
    for (path, method) in [
        ("/api/v1/projects/{id}", "put"),
        ("/api/v1/projects/{id}", "delete"),
        ("/api/v1/buildings/{id}", "put"),
        ("/api/v1/rooms/{id}", "delete"),
        ("/api/v1/residents/{id}", "put"),
        ("/api/v1/staff/{id}", "put"),
        ("/api/v1/staff/{id}/password", "post"),
        ("/api/v1/teams/{id}", "delete"),
        ("/api/v1/grids/{id}", "put"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }

    let lonely = server
        .ok(
            &server.admin,
            "/api/v1/projects",
            json!({ "code": "plc-empty", "name": "空项目" }),
            StatusCode::CREATED,
        )
        .await;
    let lonely = format!("/api/v1/projects/{}", lonely["id"].as_str().unwrap());
    assert_eq!(
        delete(&server, &server.admin, &lonely).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.get(Some(&server.admin), &lonely).await.0,
        StatusCode::NOT_FOUND
    );
}

async fn residents_are_corrected_and_kept_once_they_reported(server: Server) {
    let site = server.site("rsd").await;
    let (first, _) = site.residents[0].clone();
    let path = format!("/api/v1/residents/{first}");
    let moved = json!({ "name": "王五", "phone": "139 0013 9000", "room_id": site.rooms[1], "role": "tenant", "tier": "premium" });
    assert_eq!(
        server.put(&site.agent, &path, moved.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = server
        .put(
            &server.admin,
            &path,
            json!({ "name": "王五", "phone": "123", "room_id": site.rooms[1], "role": "tenant" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"]["fields"]["phone"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "{body}"
    );
    assert!(
        body["error"]["details"]["messages"]["phone"]
            .as_str()
            .unwrap()
            .contains("11 位手机号"),
        "{body}"
    );
    let (_, kept) = server.get(Some(&server.admin), &path).await;
    assert_eq!(
        (kept["name"].as_str(), kept["room_id"].as_str()),
        (Some("业主0"), Some(site.rooms[0].as_str()))
    );

    let (status, body) = server.put(&server.admin, &path, moved).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["name"].as_str(),
            body["phone"].as_str(),
            body["room_id"].as_str(),
            body["tier"].as_str()
        ),
        (
            Some("王五"),
            Some("13900139000"),
            Some(site.rooms[1].as_str()),
            Some("premium")
        )
    );
    let (_, listed) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/residents?room_id={}", site.rooms[1]),
        )
        .await;
    assert_eq!(listed["total"], 2, "moved into the other room's household");
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["phone"] == "139****9000"),
        "phones stay masked in lists"
    );

    let (second, _) = site.residents[1].clone();
    let ticket = json!({ "project_id": site.project_id, "channel": "phone", "description": "厨房水管漏水", "resident_id": second });
    server
        .ok(&site.agent, "/api/v1/tickets", ticket, StatusCode::CREATED)
        .await;
    let (status, body) = delete(
        &server,
        &server.admin,
        &format!("/api/v1/residents/{second}"),
    )
    .await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["dependents"]["tickets"].as_u64()
        ),
        (StatusCode::CONFLICT, Some(1)),
        "{body}"
    );
    assert_eq!(
        delete(&server, &server.admin, &path).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.get(Some(&server.admin), &path).await.0,
        StatusCode::NOT_FOUND
    );
    let actions: Vec<String> = trail(&server, "resident", &first)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);
}

async fn staff_are_edited_and_deleted_only_without_history(server: Server) {
    let site = server.site("stf").await;
    let path = format!("/api/v1/staff/{}", site.tech_id);
    let edit = json!({ "name": "张师傅", "role": "supervisor", "project_ids": [site.project_id], "skills": ["repair"], "phone": "13800138000" });
    assert_eq!(
        server.put(&site.agent, &path, edit.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = server.put(&server.admin,
        &path,
        json!({ "name": "张师傅", "role": "supervisor", "project_ids": [], "skills": ["bogus"] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"],
        json!({ "project_ids": "required", "skills[0]": "invalid" })
    );
    let (status, body) = server
        .put(
            &server.admin,
            &path,
            json!({ "name": "张师傅", "role": "supervisor", "username": "x" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the username is not edited: {body}"
    );
    let (_, listed) = server
        .get(Some(&server.admin), "/api/v1/staff?per_page=200")
        .await;
    let tech = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == site.tech_id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        (tech["role"].as_str(), tech["name"].as_str()),
        (Some("technician"), Some("stf-tech")),
        "a refusal changes nothing"
    );

    let (status, body) = server.put(&server.admin, &path, edit).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["role"].as_str(),
            body["name"].as_str(),
            body["skills"].clone(),
            body["phone"].as_str()
        ),
        (
            Some("supervisor"),
            Some("张师傅"),
            json!(["repair"]),
            Some("13800138000")
        )
    );
    let (_, me) = server.get(Some(&site.tech), "/api/v1/me").await;
    assert_eq!(me["role"], "supervisor", "the new role holds at once");
    let (_, details) = trail(&server, "staff", &site.tech_id).await.pop().unwrap();
    assert_eq!(
        details["role"],
        json!({ "from": "technician", "to": "supervisor" })
    );

    let (_, admin) = server.get(Some(&server.admin), "/api/v1/me").await;
    let own = format!("/api/v1/staff/{}", admin["id"].as_str().unwrap());
    let (status, body) = server
        .put(
            &server.admin,
            &own,
            json!({ "name": "管理员", "role": "agent", "project_ids": [site.project_id] }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"]["fields"]["role"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "no admin demotes themselves"
    );
    assert_eq!(
        delete(&server, &server.admin, &own).await.0,
        StatusCode::FORBIDDEN
    );

    let ticket =
        json!({ "project_id": site.project_id, "channel": "phone", "description": "电梯异响" });
    server
        .ok(&site.agent, "/api/v1/tickets", ticket, StatusCode::CREATED)
        .await;
    let (status, body) = delete(
        &server,
        &server.admin,
        &format!("/api/v1/staff/{}", site.agent_id),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("in_use")),
        "{body}"
    );
    assert!(
        body["error"]["details"]["dependents"]["tickets"]
            .as_u64()
            .unwrap()
            >= 1,
        "{body}"
    );
    assert_eq!(
        server.get(Some(&site.agent), "/api/v1/tickets").await.0,
        StatusCode::OK,
        "kept, and still working"
    );

    let spare = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("stf-spare", "agent", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let spare_id = spare["id"].as_str().unwrap().to_owned();
    let token = server.login("stf-spare").await;
    assert_eq!(
        delete(&server, &site.agent, &format!("/api/v1/staff/{spare_id}"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(&server, &server.admin, &format!("/api/v1/staff/{spare_id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.get(Some(&token), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "its session is gone"
    );
    let actions: Vec<String> = trail(&server, "staff", &spare_id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(actions, ["create", "delete"]);
}

async fn a_password_reset_ends_the_accounts_sessions(server: Server) {
    let site = server.site("pwd").await;
    let path = format!("/api/v1/staff/{}/password", site.agent_id);
    let (status, _) = server
        .post(
            Some(&site.tech),
            &path,
            json!({ "password": "brand-new-pass" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .post(Some(&server.admin), &path, json!({ "password": "short" }))
        .await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["password"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_short")),
        "{body}"
    );
    assert_eq!(
        body["error"]["details"]["allowed"]["password"],
        json!({ "rule": "length", "min": 8, "max": 200 })
    );
    assert_eq!(
        server.get(Some(&site.agent), "/api/v1/me").await.0,
        StatusCode::OK,
        "a refusal changes nothing"
    );

    let (status, body) = server
        .post(
            Some(&server.admin),
            &path,
            json!({ "password": "brand-new-pass" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        server.get(Some(&site.agent), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the old session ended"
    );
    let (status, _) = server
        .post(
            None,
            "/api/v1/auth/login",
            json!({ "username": "pwd-agent", "password": common::PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let (status, body) = server
        .post(
            None,
            "/api/v1/auth/login",
            json!({ "username": "pwd-agent", "password": "brand-new-pass" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        server.get(Some(&site.tech), "/api/v1/me").await.0,
        StatusCode::OK,
        "other accounts keep theirs"
    );
    let (action, details) = trail(&server, "staff", &site.agent_id).await.pop().unwrap();
    assert_eq!(action, "set_password");
    assert!(
        !details.to_string().contains("brand-new-pass"),
        "the trail never holds a password"
    );
}

async fn teams_and_grids_are_edited_and_deleted(server: Server) {
    let site = server.site("tgr").await;
    let team = json!({ "project_id": site.project_id, "name": "维修班", "kind": "engineering", "member_ids": [site.tech_id] });
    let team = server
        .ok(&server.admin, "/api/v1/teams", team, StatusCode::CREATED)
        .await;
    let team_id = team["id"].as_str().unwrap().to_owned();
    let grid = json!({ "project_id": site.project_id, "name": "全区", "team_id": team_id });
    let grid = server
        .ok(&server.admin, "/api/v1/grids", grid, StatusCode::CREATED)
        .await;
    let grid_path = format!("/api/v1/grids/{}", grid["id"].as_str().unwrap());
    let team_path = format!("/api/v1/teams/{team_id}");

    assert_eq!(
        server
            .put(
                &site.agent,
                &team_path,
                json!({ "name": "工程部", "kind": "engineering" })
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = server
        .put(
            &server.admin,
            &team_path,
            json!({ "name": "工程部", "kind": "plumbing" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"]["fields"]["kind"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "{body}"
    );
    let (status, body) = server
        .put(
            &server.admin,
            &team_path,
            json!({ "name": "工程部", "kind": "engineering" }),
        )
        .await;
    assert_eq!(
        (status, body["name"].as_str(), body["member_ids"].clone()),
        (StatusCode::OK, Some("工程部"), json!([site.tech_id])),
        "{body}"
    );

    let (status, body) = delete(&server, &server.admin, &team_path).await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["dependents"]["grids"].as_u64()
        ),
        (StatusCode::CONFLICT, Some(1)),
        "{body}"
    );
    let unknown = json!({ "project_id": site.project_id, "name": "北区", "team_id": team_id, "building_ids": ["0190b5a2-0000-7000-8000-000000000000"] });
    let (status, body) = server.put(&server.admin, &grid_path, unknown).await;
    assert_eq!(
        (
            status,
            body["error"]["details"]["fields"]["building_ids"].as_str()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference")),
        "{body}"
    );
    let (status, body) = server
        .put(
            &server.admin,
            &grid_path,
            json!({ "project_id": site.project_id, "name": "北区", "team_id": team_id }),
        )
        .await;
    assert_eq!(
        (status, body["name"].as_str()),
        (StatusCode::OK, Some("北区")),
        "{body}"
    );
    assert_eq!(
        delete(&server, &site.agent, &grid_path).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(&server, &server.admin, &grid_path).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(&server, &server.admin, &team_path).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, teams) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/teams?project_id={}", site.project_id),
        )
        .await;
    assert_eq!(teams["total"], 0);
    let actions: Vec<String> = trail(&server, "team", &team_id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);
}
