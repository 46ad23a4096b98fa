//! Owner profiles (业主画像) and butlers (管家) end to end: tags by role, one history across
//! channels, important dates and preferences, building and hand-set butlers, who calls back,
//! and one person's data exported and erased (PIPL).

mod common;

use common::{Server, Site, staff};
use guanjia_storage::entity::{audit_entry, contact_point, conversation_message, session, ticket};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases!(
    sensitive_tags_are_hidden_from_the_desk_agent_but_shown_to_butler_and_manager,
    one_history_across_channels_pages_newest_first,
    dates_and_preferences_are_kept_and_bad_input_changes_nothing,
    the_hand_set_butler_wins_over_the_buildings_and_calls_back,
    export_holds_the_persons_data_and_erase_removes_it,
);

async fn database(server: &Server) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(&server.url).await.unwrap()
}

/// A staff member of the site's project: (id, token).
async fn member(server: &Server, site: &Site, username: &str, role: &str) -> (String, String) {
    let body = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff(username, role, &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    (
        body["id"].as_str().unwrap().to_owned(),
        server.login(username).await,
    )
}

async fn household_of(server: &Server, resident_id: &str) -> String {
    let (_, r) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/residents/{resident_id}"),
        )
        .await;
    r["household_id"].as_str().unwrap().to_owned()
}

async fn building_of(server: &Server, site: &Site) -> String {
    let (_, list) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/projects/{}/buildings", site.project_id),
        )
        .await;
    list["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn profile(server: &Server, token: &str, household: &str) -> Value {
    let (status, body) = server
        .get(
            Some(token),
            &format!("/api/v1/households/{household}/profile"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn tag_codes(profile: &Value) -> Vec<String> {
    profile["members"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn put(server: &Server, token: &str, path: &str, body: Value, expected: StatusCode) -> Value {
    let (status, answer) = server.put(token, path, body.clone()).await;
    assert_eq!(status, expected, "PUT {path} {body} → {answer}");
    answer
}

async fn sensitive_tags_are_hidden_from_the_desk_agent_but_shown_to_butler_and_manager(
    server: Server,
) {
    let site = server.site("pt").await;
    let (manager_id, manager) = member(&server, &site, "pt-manager", "manager").await;
    let (_, butler) = member(&server, &site, "pt-butler", "butler").await;
    let household = household_of(&server, &site.residents[0].0).await;
    put(
        &server,
        &manager,
        &format!("/api/v1/residents/{}/tags", site.residents[0].0),
        json!({ "tags": [{ "code": "elderly_alone", "sensitive": true }, { "code": "vip" }] }),
        StatusCode::OK,
    )
    .await;

    let seen_by_agent = profile(&server, &site.agent, &household).await;
    assert_eq!(tag_codes(&seen_by_agent), ["vip"], "{seen_by_agent}");
    let phone = &site.residents[0].1;
    assert_ne!(
        seen_by_agent["members"][0]["phone"],
        phone.as_str(),
        "the desk agent sees the phone masked"
    );
    for token in [&butler, &manager] {
        let seen = profile(&server, token, &household).await;
        assert_eq!(tag_codes(&seen), ["elderly_alone", "vip"], "{seen}");
        let sensitive = &seen["members"][0]["tags"][0];
        assert_eq!(sensitive["consent_by"], manager_id.as_str(), "{seen}");
        assert!(sensitive["consent_at"].is_string());
        assert_eq!(seen["members"][0]["phone"], phone.as_str());
        assert_eq!(seen["members"][0]["role"], "owner");
        assert_eq!(seen["members"][0]["preferred_channel"], "sms");
        assert_eq!(seen["tier"], "basic");
    }
    // The butler may now see and keep the sensitive tag, which still carries its consent.
    let kept = put(
        &server,
        &butler,
        &format!("/api/v1/residents/{}/tags", site.residents[0].0),
        json!({ "tags": [{ "code": "elderly_alone", "sensitive": true }] }),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        kept,
        json!([{ "code": "elderly_alone", "sensitive": true }])
    );
    let seen = profile(&server, &manager, &household).await;
    assert_eq!(
        seen["members"][0]["tags"][0]["consent_by"],
        manager_id.as_str()
    );

    // Residents do not use the profile; the technician neither; another project sees nothing.
    let resident = server.resident_token(phone).await;
    let path = format!("/api/v1/households/{household}/profile");
    let (status, _) = server.get(Some(&resident), &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get(Some(&site.tech), &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = server.site("pt2").await;
    let (status, body) = server.get(Some(&other.agent), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

async fn one_history_across_channels_pages_newest_first(server: Server) {
    let site = server.site("ph").await;
    let (_, manager) = member(&server, &site, "ph-manager", "manager").await;
    let household = household_of(&server, &site.residents[0].0).await;
    let phone = &site.residents[0].1;
    // A ticket opened by phone at the desk, resolved and rated through the link.
    let created = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "category": "repair.water",
                    "description": "厨房水龙头漏水", "resident_id": site.residents[0].0 }),
            StatusCode::CREATED,
        )
        .await;
    let ticket_id = created["id"].as_str().unwrap().to_owned();
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已处理" }),
    ] {
        let (status, body) = server.act(&site.agent, &ticket_id, action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let resident = server.resident_token(phone).await;
    let (_, mine) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    let link = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "rating_link")
        .expect("a rating link");
    let token = link["details"]["token"].as_str().unwrap();
    let (status, rated) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 4 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rated}");
    // A message in the H5 chat.
    server
        .ok(
            &resident,
            "/api/v1/chat/messages",
            json!({ "text": "请问物业费怎么交" }),
            StatusCode::CREATED,
        )
        .await;
    // An announcement read on the notice board.
    let sent = server
        .ok(
            &manager,
            "/api/v1/announcements",
            json!({ "project_id": site.project_id, "title": "停水通知", "body": "明天停水",
                    "category": "outage", "requires_ack": true }),
            StatusCode::CREATED,
        )
        .await;
    let notice = sent["id"].as_str().unwrap();
    server
        .ok(
            &resident,
            &format!("/api/v1/me/announcements/{notice}/acknowledge"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    // Another household's ticket is not in this history.
    server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "category": "repair.water",
                    "description": "邻居家的漏水", "resident_id": site.residents[1].0 }),
            StatusCode::CREATED,
        )
        .await;

    let mut entries: Vec<Value> = vec![];
    let (status, first) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/households/{household}/profile?limit=2"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let mut page = first["history"].clone();
    let mut pages = 1;
    loop {
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        entries.extend(items.iter().cloned());
        let Some(after) = page["next_after"].as_str() else {
            break;
        };
        let (status, body) = server
            .get(
                Some(&site.agent),
                &format!("/api/v1/households/{household}/profile?limit=2&after={after}"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        page = body["history"].clone();
        pages += 1;
    }
    assert_eq!(pages, 2, "four entries, two a page: {entries:?}");
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["announcement", "conversation", "rating", "ticket"],
        "{entries:?}"
    );
    let times: Vec<&str> = entries.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        times.iter().map(|t| t.parse().unwrap()).collect();
    assert!(
        parsed.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    let rating = entries.iter().find(|e| e["kind"] == "rating").unwrap();
    assert_eq!(
        (rating["id"].as_str(), rating["score"].as_i64()),
        (Some(ticket_id.as_str()), Some(4))
    );
    let read = entries
        .iter()
        .find(|e| e["kind"] == "announcement")
        .unwrap();
    assert_eq!(
        (read["title"].as_str(), read["acknowledged"].as_bool()),
        (Some("停水通知"), Some(true))
    );
    // A page of one, then a cursor that is not one.
    let (_, one) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/households/{household}/profile?limit=1"),
        )
        .await;
    assert_eq!(one["history"]["items"].as_array().unwrap().len(), 1);
    assert_eq!(one["history"]["items"][0], entries[0]);
    for query in ["limit=0", "limit=51", "after=nonsense"] {
        let (status, body) = server
            .get(
                Some(&site.agent),
                &format!("/api/v1/households/{household}/profile?{query}"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
}

async fn dates_and_preferences_are_kept_and_bad_input_changes_nothing(server: Server) {
    let site = server.site("pd").await;
    let household = household_of(&server, &site.residents[0].0).await;
    let path = format!("/api/v1/households/{household}/profile");
    let good = json!({
        "important_dates": [
            { "kind": "birthday", "date": "1950-03-08", "resident_id": site.residents[0].0 },
            { "kind": "move_in", "date": "2020-06-01", "label": "交房" },
        ],
        "preferences": { "call_not_before": "09:00" },
    });
    let saved = put(&server, &site.agent, &path, good, StatusCode::OK).await;
    assert_eq!(saved["preferences"]["call_not_before"], "09:00");
    let seen = profile(&server, &site.agent, &household).await;
    assert_eq!(seen["important_dates"], saved["important_dates"]);
    assert_eq!(seen["important_dates"][0]["kind"], "birthday");
    assert_eq!(seen["important_dates"][1]["label"], "交房");
    assert_eq!(seen["preferences"]["call_not_before"], "09:00");

    let refused = [
        (
            json!({ "important_dates": [{ "kind": "wedding", "date": "2020-01-01" }] }),
            "important_dates[0].kind",
            "invalid",
        ),
        (
            json!({ "important_dates": [{ "kind": "other", "date": "2020-02-30" }] }),
            "important_dates[0].date",
            "invalid",
        ),
        (
            json!({ "preferences": { "call_not_before": "9点" } }),
            "preferences.call_not_before",
            "invalid",
        ),
        (
            json!({ "important_dates": [{ "kind": "birthday", "date": "1990-01-01",
                                         "resident_id": site.residents[1].0 }] }),
            "important_dates[0].resident_id",
            "unknown_reference",
        ),
    ];
    for (body, field, code) in refused {
        let answer = put(
            &server,
            &site.agent,
            &path,
            body,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(
            answer["error"]["details"]["fields"][field], code,
            "{answer}"
        );
    }
    let (status, _) = server
        .put(
            &site.agent,
            &path,
            json!({ "important_dates": [], "extra": 1 }),
        )
        .await;
    assert!(status.is_client_error());
    let after = profile(&server, &site.agent, &household).await;
    assert_eq!(after["important_dates"], seen["important_dates"]);
    assert_eq!(after["preferences"], seen["preferences"]);
    // Leaving a part out keeps it.
    put(
        &server,
        &site.agent,
        &path,
        json!({ "preferences": { "call_not_before": null } }),
        StatusCode::OK,
    )
    .await;
    let after = profile(&server, &site.agent, &household).await;
    assert_eq!(after["important_dates"], seen["important_dates"]);
    assert!(after["preferences"]["call_not_before"].is_null());
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("household"))
        .filter(audit_entry::Column::EntityId.eq(&household))
        .filter(audit_entry::Column::Action.eq("set_profile"))
        .count(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(audited, 2);

    let other = server.site("pd2").await;
    let (status, _) = server
        .put(&other.agent, &path, json!({ "preferences": {} }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, _) = server
        .put(&resident, &path, json!({ "preferences": {} }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn the_hand_set_butler_wins_over_the_buildings_and_calls_back(server: Server) {
    let site = server.site("pb").await;
    let (_, manager) = member(&server, &site, "pb-manager", "manager").await;
    let (first_id, _) = member(&server, &site, "pb-butler1", "butler").await;
    let (second_id, _) = member(&server, &site, "pb-butler2", "butler").await;
    let building = building_of(&server, &site).await;
    let household = household_of(&server, &site.residents[0].0).await;
    let neighbour = household_of(&server, &site.residents[1].0).await;
    let building_path = format!("/api/v1/buildings/{building}/butler");
    let household_path = format!("/api/v1/households/{household}/butler");

    put(
        &server,
        &manager,
        &building_path,
        json!({ "butler_id": first_id }),
        StatusCode::OK,
    )
    .await;
    for h in [&household, &neighbour] {
        let seen = profile(&server, &manager, h).await;
        assert_eq!(
            seen["butler"],
            json!({ "id": first_id, "name": "pb-butler1", "source": "building" })
        );
    }
    put(
        &server,
        &manager,
        &household_path,
        json!({ "butler_id": second_id }),
        StatusCode::OK,
    )
    .await;
    let seen = profile(&server, &manager, &household).await;
    assert_eq!(
        (
            seen["butler"]["id"].as_str(),
            seen["butler"]["source"].as_str()
        ),
        (Some(second_id.as_str()), Some("household"))
    );
    let seen = profile(&server, &manager, &neighbour).await;
    assert_eq!(seen["butler"]["id"], first_id.as_str());

    // Only a butler of the project; only managers set a building's; nothing changes otherwise.
    let other = server.site("pb2").await;
    let outsider = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff("pb2-butler", "butler", &other.project_id),
            StatusCode::CREATED,
        )
        .await;
    for id in [
        site.agent_id.as_str(),
        outsider["id"].as_str().unwrap(),
        "nobody",
    ] {
        let answer = put(
            &server,
            &manager,
            &household_path,
            json!({ "butler_id": id }),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(
            answer["error"]["details"]["fields"]["butler_id"], "unknown_reference",
            "{answer}"
        );
    }
    let (status, _) = server
        .put(&site.agent, &building_path, json!({ "butler_id": null }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .put(&other.agent, &household_path, json!({ "butler_id": null }))
        .await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
    let seen = profile(&server, &manager, &household).await;
    assert_eq!(seen["butler"]["id"], second_id.as_str());
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("set_butler"))
        .count(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(audited, 2);

    // A ticket nobody at the desk owns any more is called back by the household's butler.
    let created = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "category": "repair.water",
                    "description": "卫生间漏水", "resident_id": site.residents[0].0 }),
            StatusCode::CREATED,
        )
        .await;
    let id = created["id"].as_str().unwrap();
    for (token, action) in [
        (&site.agent, json!({ "action": "accept" })),
        (
            &site.agent,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        ),
        (&site.tech, json!({ "action": "accept" })),
        (&site.tech, json!({ "action": "arrive" })),
    ] {
        let (status, body) = server.act(token, id, action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // As if the resident had reported it themselves and it went straight to the field.
    ticket::Entity::update_many()
        .col_expr(
            ticket::Column::FirstContactOwnerId,
            Expr::value(Option::<String>::None),
        )
        .filter(ticket::Column::Id.eq(id))
        .exec(&database(&server).await)
        .await
        .unwrap();
    let (status, resolved) = server
        .act(
            &site.tech,
            id,
            json!({ "action": "resolve", "body": "已更换角阀" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    let (_, resolved) = server
        .get(Some(&manager), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(resolved["follow_up_owner_id"], second_id.as_str());

    // The unacknowledged critical notice names each person's butler.
    let sent = server
        .ok(
            &manager,
            "/api/v1/announcements",
            json!({ "project_id": site.project_id, "title": "电梯检修", "body": "周三检修",
                    "category": "works", "requires_ack": true }),
            StatusCode::CREATED,
        )
        .await;
    let (_, owing) = server
        .get(
            Some(&manager),
            &format!(
                "/api/v1/announcements/{}/unacknowledged",
                sent["id"].as_str().unwrap()
            ),
        )
        .await;
    let butler_of = |resident: &str| {
        owing["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["resident_id"] == resident)
            .map(|p| p["butler_id"].clone())
    };
    assert_eq!(
        butler_of(&site.residents[0].0),
        Some(json!(second_id)),
        "{owing}"
    );
    assert_eq!(butler_of(&site.residents[1].0), Some(json!(first_id)));

    // Cleared by hand, the building's butler is theirs again.
    put(
        &server,
        &manager,
        &household_path,
        json!({ "butler_id": null }),
        StatusCode::OK,
    )
    .await;
    let seen = profile(&server, &manager, &household).await;
    assert_eq!(seen["butler"]["source"], "building");
}

async fn export_holds_the_persons_data_and_erase_removes_it(server: Server) {
    let site = server.site("pe").await;
    let (_, manager) = member(&server, &site, "pe-manager", "manager").await;
    let (id, phone) = site.residents[0].clone();
    let household = household_of(&server, &id).await;
    put(
        &server,
        &manager,
        &format!("/api/v1/residents/{id}/tags"),
        json!({ "tags": [{ "code": "disabled", "sensitive": true }] }),
        StatusCode::OK,
    )
    .await;
    put(
        &server,
        &manager,
        &format!("/api/v1/households/{household}/profile"),
        json!({ "important_dates": [{ "kind": "birthday", "date": "1960-05-05", "resident_id": id }] }),
        StatusCode::OK,
    )
    .await;
    let created = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "category": "repair.water",
                    "description": "阳台漏水", "resident_id": id }),
            StatusCode::CREATED,
        )
        .await;
    let ticket_id = created["id"].as_str().unwrap().to_owned();
    let resident = server.resident_token(&phone).await;
    let said = server
        .ok(
            &resident,
            "/api/v1/chat/messages",
            json!({ "text": "我家阳台还在漏水" }),
            StatusCode::CREATED,
        )
        .await;
    let sent = server
        .ok(
            &manager,
            "/api/v1/announcements",
            json!({ "project_id": site.project_id, "title": "缴费提醒", "body": "请按时缴费",
                    "category": "billing" }),
            StatusCode::CREATED,
        )
        .await;

    let export_path = format!("/api/v1/residents/{id}/export");
    let erase_path = format!("/api/v1/residents/{id}/erase");
    for token in [&site.agent, &resident] {
        let (status, _) = server.get(Some(token), &export_path).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = server.post(Some(token), &erase_path, json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, export) = server.get(Some(&manager), &export_path).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["resident"]["phone"], phone.as_str());
    assert_eq!(export["resident"]["name"], "业主0");
    assert_eq!(export["tags"][0]["code"], "disabled");
    assert_eq!(export["tickets"][0]["id"], ticket_id.as_str());
    assert_eq!(export["important_dates"][0]["date"], "1960-05-05");
    assert!(
        export["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"] == "我家阳台还在漏水"),
        "{export}"
    );
    assert_eq!(export["announcements"][0]["id"], sent["id"]);
    let other = server.site("pe2").await;
    let (status, _) = server.get(Some(&other.agent), &export_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, erased) = server.post(Some(&manager), &erase_path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_eq!(erased["tickets"], 1);
    assert!(erased["sessions"].as_u64().unwrap() >= 1);

    let (status, _) = server
        .get(Some(&manager), &format!("/api/v1/residents/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.get(Some(&manager), &export_path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The ticket stays for the company's records, without the name or phone.
    let (status, kept) = server
        .get(Some(&manager), &format!("/api/v1/tickets/{ticket_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert!(kept["resident_id"].is_null(), "{kept}");
    assert!(kept["contact"]["name"].is_null(), "{kept}");
    assert!(kept["contact"]["phone"].is_null(), "{kept}");
    let db = database(&server).await;
    let points = contact_point::Entity::find()
        .filter(contact_point::Column::ResidentId.eq(&id))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(points, 0);
    let sessions = session::Entity::find()
        .filter(session::Column::SubjectId.eq(&phone))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let words = conversation_message::Entity::find()
        .filter(conversation_message::Column::Text.eq("我家阳台还在漏水"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(words, 0, "{said}");
    let (status, _) = server
        .get(Some(&resident), "/api/v1/me/announcements")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let seen = profile(&server, &manager, &household).await;
    assert_eq!(seen["members"].as_array().unwrap().len(), 0);
    assert_eq!(seen["important_dates"], json!([]));
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(&id))
        .filter(audit_entry::Column::Action.is_in(["export", "erase"]))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(audited, 2);
    let (status, _) = server.post(Some(&manager), &erase_path, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
