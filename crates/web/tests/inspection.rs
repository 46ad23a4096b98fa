//! Quality inspection (质检) end to end: a weekly sampling round takes each person's share of
//! their closed tickets, every low-rated complaint and every breached ticket, once; an inspector
//! scores against a sheet (a red line gives 0); the person inspected sees it and appeals once;
//! a supervisor decides; scores per person and team follow; other projects see nothing.

mod common;

use chrono::Utc;
use common::{Server, Site, staff};
use guanjia_domain::inspection::week_of;
use guanjia_domain::place::{DEFAULT_TIME_ZONE, local_date};
use guanjia_storage::entity::{audit_entry, sla_clock, ticket};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

on_both_databases!(
    a_round_takes_the_share_low_rated_complaints_and_breaches_once,
    the_inspected_agent_appeals_once_and_the_supervisor_overturns,
);

async fn database(server: &Server) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(&server.url).await.unwrap()
}

/// A staff member of the project: (id, token).
async fn member(server: &Server, project_id: &str, username: &str, role: &str) -> (String, String) {
    let body = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff(username, role, project_id),
            StatusCode::CREATED,
        )
        .await;
    (
        body["id"].as_str().unwrap().to_owned(),
        server.login(username).await,
    )
}

/// An inquiry the caller takes and closes at first contact: closed now, theirs.
async fn closed_inquiry(server: &Server, site: &Site, token: &str, text: &str) -> String {
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": "inquiry", "category": "inquiry.fee",
        "urgency": "normal", "description": text, "resident_id": site.residents[0].0,
    });
    let id = server
        .ok(token, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = server.act(token, &id, json!({ "action": "close" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

/// This week's Monday in the project's time zone (the default), as the round names it.
fn this_week() -> String {
    week_of(local_date(DEFAULT_TIME_ZONE, Utc::now())).to_string()
}

async fn round(server: &Server, token: &str, project_id: &str) -> Value {
    server
        .ok(
            token,
            "/api/v1/inspection/rounds",
            json!({ "project_id": project_id, "week": this_week() }),
            StatusCode::OK,
        )
        .await
}

async fn inspections(server: &Server, token: &str, query: &str) -> Value {
    let (status, body) = server
        .get(Some(token), &format!("/api/v1/inspections?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn sheet() -> Value {
    json!({
        "name": "客服标准质检表",
        "items": [
            { "kind": "opening_words", "weight": 20, "max_score": 10 },
            { "kind": "ownership", "weight": 30, "max_score": 10 },
            { "kind": "attitude", "weight": 50, "max_score": 5 },
        ],
        "red_lines": [{ "name": "与业主争吵" }],
    })
}

async fn a_round_takes_the_share_low_rated_complaints_and_breaches_once(server: Server) {
    let site = server.site("isa").await;
    let (_, other) = member(&server, &site.project_id, "isa-agent2", "agent").await;
    let (_, supervisor) = member(&server, &site.project_id, "isa-sup", "supervisor").await;
    // The agent closes 20 inquiries: 5% of them is one.
    let mut agents = vec![];
    for i in 0..20 {
        agents
            .push(closed_inquiry(&server, &site, &site.agent, &format!("物业费怎么交 {i}")).await);
    }
    // The other agent closes three: a complaint rated 2, one rated 3, one that breached a clock.
    let low = closed_inquiry(&server, &site, &other, "投诉保安态度差").await;
    let fair = closed_inquiry(&server, &site, &other, "投诉保洁不及时").await;
    let late = closed_inquiry(&server, &site, &other, "发票什么时候开").await;
    let db = database(&server).await;
    for (id, rating) in [(&low, 2), (&fair, 3)] {
        ticket::Entity::update_many()
            .col_expr(ticket::Column::Kind, Expr::value("complaint"))
            .col_expr(ticket::Column::Satisfaction, Expr::value(rating))
            .filter(ticket::Column::Id.eq(id.as_str()))
            .exec(&db)
            .await
            .unwrap();
    }
    let clocks = sla_clock::Entity::update_many()
        .col_expr(sla_clock::Column::State, Expr::value("breached"))
        .filter(sla_clock::Column::TicketId.eq(late.as_str()))
        .exec(&db)
        .await
        .unwrap();
    assert!(clocks.rows_affected > 0, "an inquiry has SLA clocks");

    // Bad input is refused by field and changes nothing.
    let (status, body) = server
        .post(
            Some(&supervisor),
            "/api/v1/inspection/rounds",
            json!({ "project_id": site.project_id, "week": "2026-12-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["week"], "invalid");
    let rules = format!("/api/v1/inspection/rules/{}", site.project_id);
    let (status, body) = server
        .put(
            &server.admin,
            &rules,
            json!({ "share_percent": 101, "complaints_rated_below": 3, "every_breached": true }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["share_percent"],
        "out_of_range"
    );
    let (status, body) = server
        .put(
            &supervisor,
            &rules,
            json!({ "share_percent": 5, "complaints_rated_below": 3, "every_breached": true }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, kept) = server.get(Some(&supervisor), &rules).await;
    assert_eq!(
        kept,
        json!({ "share_percent": 5, "complaints_rated_below": 3, "every_breached": true })
    );
    assert_eq!(inspections(&server, &supervisor, "").await["total"], 0);

    let first = round(&server, &supervisor, &site.project_id).await;
    let all = inspections(&server, &supervisor, "per_page=200").await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(first["created"], items.len() as u64, "{first}");
    let reason_of = |id: &str| {
        items
            .iter()
            .find(|i| i["ticket_id"] == id)
            .map(|i| i["reason"].as_str().unwrap().to_owned())
    };
    // The agent's share: exactly one of their twenty.
    let of_agent: Vec<&Value> = items
        .iter()
        .filter(|i| i["staff_id"] == site.agent_id.as_str())
        .collect();
    assert_eq!(of_agent.len(), 1, "{all}");
    assert_eq!(of_agent[0]["reason"], "share");
    assert!(
        agents
            .iter()
            .any(|a| of_agent[0]["ticket_id"] == a.as_str())
    );
    // Every low-rated complaint and every breached ticket; a rating of 3 is not below 3 and is
    // taken only as the other agent's share (one of three).
    assert_eq!(reason_of(&low).as_deref(), Some("low_rated_complaint"));
    assert_eq!(reason_of(&late).as_deref(), Some("sla_breached"));
    assert!(matches!(reason_of(&fair).as_deref(), None | Some("share")));
    assert!((3..=4).contains(&items.len()), "{all}");
    assert!(
        items
            .iter()
            .all(|i| i["state"] == "pending" && i["week"] == this_week())
    );

    // A rerun takes nothing new, and the same tickets are chosen.
    let again = round(&server, &supervisor, &site.project_id).await;
    assert_eq!(again["created"], 0);
    assert_eq!(again["chosen"], first["chosen"]);
    assert_eq!(
        inspections(&server, &supervisor, "").await["total"],
        items.len() as u64
    );
    // The scheduler's run is for last week, on a round of its own.
    server
        .store
        .sweep_inspection_rounds(Utc::now())
        .await
        .unwrap();
    assert_eq!(
        inspections(&server, &supervisor, "").await["total"],
        items.len() as u64
    );
    assert_eq!(
        server
            .store
            .sweep_inspection_rounds(Utc::now())
            .await
            .unwrap(),
        0
    );
}

async fn the_inspected_agent_appeals_once_and_the_supervisor_overturns(server: Server) {
    let site = server.site("isb").await;
    let elsewhere = server.site("isc").await;
    let (_, supervisor) = member(&server, &site.project_id, "isb-sup", "supervisor").await;
    let (_, colleague) = member(&server, &site.project_id, "isb-agent2", "agent").await;
    let (_, stranger) = member(&server, &elsewhere.project_id, "isc-sup", "supervisor").await;
    let (_, manager) = member(&server, &site.project_id, "isb-mgr", "manager").await;
    let handled = closed_inquiry(&server, &site, &site.agent, "停车月卡怎么办").await;
    let team = json!({ "project_id": site.project_id, "name": "客服班", "kind": "customer_service", "member_ids": [site.agent_id] });
    let team = server
        .ok(&server.admin, "/api/v1/teams", team, StatusCode::CREATED)
        .await;

    // Score sheets: managers write them, supervisors read them, bad ones are refused by field.
    let (status, _) = server
        .post(Some(&supervisor), "/api/v1/inspection/sheets", sheet())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut bad = sheet();
    bad["items"][1]["weight"] = json!(0);
    bad["items"][2] = json!({ "kind": "custom", "weight": 10, "max_score": 5 });
    let (status, body) = server
        .post(Some(&manager), "/api/v1/inspection/sheets", bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["items[1].weight"],
        "out_of_range"
    );
    assert_eq!(
        body["error"]["details"]["fields"]["items[2].name"],
        "required"
    );
    let created = server
        .ok(
            &manager,
            "/api/v1/inspection/sheets",
            sheet(),
            StatusCode::CREATED,
        )
        .await;
    let sheet_id = created["id"].as_str().unwrap().to_owned();
    let (_, listed) = server
        .get(Some(&supervisor), "/api/v1/inspection/sheets")
        .await;
    assert_eq!(listed["total"], 1);

    round(&server, &supervisor, &site.project_id).await;
    let queue = inspections(&server, &supervisor, "state=pending").await;
    assert_eq!(queue["total"], 1, "{queue}");
    let id = queue["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(queue["items"][0]["ticket_id"], handled.as_str());
    assert_eq!(queue["items"][0]["staff_id"], site.agent_id.as_str());
    let path = |what: &str| format!("/api/v1/inspections/{id}{what}");

    // Another project's supervisor sees nothing of it; the agent may not score; a colleague
    // does not see it.
    let (status, _) = server.get(Some(&stranger), &path("")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(inspections(&server, &stranger, "").await["total"], 0);
    assert_eq!(inspections(&server, &colleague, "").await["total"], 0);
    let scores = json!({ "sheet_id": sheet_id, "items": [{ "score": 10 }, { "score": 10 }, { "score": 5 }], "red_lines": [0], "comment": "与业主争吵" });
    let (status, _) = server
        .put(&site.agent, &path("/score"), scores.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.put(&stranger, &path("/score"), scores.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An item over its most is refused by field and changes nothing.
    let mut over = scores.clone();
    over["items"][2]["score"] = json!(6);
    let (status, body) = server.put(&supervisor, &path("/score"), over).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["items[2].score"],
        "out_of_range"
    );
    assert_eq!(
        inspections(&server, &supervisor, "state=pending").await["total"],
        1
    );

    // Full marks but a red line: 0.
    let (status, scored) = server
        .put(&supervisor, &path("/score"), scores.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    assert_eq!(
        (scored["state"].clone(), scored["score"].clone()),
        (json!("scored"), json!(0))
    );
    assert_eq!(scored["facts"]["red_lines"][0]["name"], "与业主争吵");
    assert_eq!(scored["facts"]["items"][1]["kind"], "ownership");
    let (status, body) = server.put(&supervisor, &path("/score"), scores).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "invalid_inspection_state");

    // The agent sees the result and appeals, once; nobody else appeals for them.
    let mine = inspections(&server, &site.agent, "").await;
    assert_eq!(
        (mine["total"].clone(), mine["items"][0]["score"].clone()),
        (json!(1), json!(0))
    );
    let (status, _) = server
        .post(
            Some(&supervisor),
            &path("/appeal"),
            json!({ "reason": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .post(
            Some(&site.agent),
            &path("/appeal"),
            json!({ "reason": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["reason"], "required");
    let (status, body) = server
        .post(
            Some(&site.agent),
            &path("/appeal"),
            json!({ "reason": "录音里没有争吵，是业主情绪激动" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "appealed");
    let (status, body) = server
        .post(
            Some(&site.agent),
            &path("/appeal"),
            json!({ "reason": "再申诉" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_appealed");

    // The supervisor overturns with a new score; a decision without one is refused.
    let (status, body) = server
        .post(
            Some(&supervisor),
            &path("/decision"),
            json!({ "upheld": false, "comment": "复听录音属实" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["score"], "required");
    let (status, _) = server
        .post(
            Some(&stranger),
            &path("/decision"),
            json!({ "upheld": false, "score": 85, "comment": "复听录音属实" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            Some(&site.agent),
            &path("/decision"),
            json!({ "upheld": false, "score": 100, "comment": "我说了算" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, decided) = server
        .post(
            Some(&supervisor),
            &path("/decision"),
            json!({ "upheld": false, "score": 85, "comment": "复听录音属实" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(
        (
            decided["state"].clone(),
            decided["score"].clone(),
            decided["inspector_score"].clone()
        ),
        (json!("overturned"), json!(85), json!(0))
    );

    // The score per person and per team reflects the decision.
    let (status, by_staff) = server
        .get(Some(&supervisor), "/api/v1/inspection/scores?by=staff")
        .await;
    assert_eq!(status, StatusCode::OK, "{by_staff}");
    let group = &by_staff["groups"][0];
    assert_eq!(group["key"], site.agent_id.as_str());
    assert_eq!(
        (group["inspections"].clone(), group["average"].clone()),
        (json!(1), json!(85.0))
    );
    assert_eq!(group["week"], this_week());
    let (_, by_team) = server
        .get(Some(&supervisor), "/api/v1/inspection/scores?by=team")
        .await;
    assert_eq!(by_team["groups"][0]["key"], team["id"]);
    assert_eq!(by_team["groups"][0]["average"], json!(85.0));
    let (_, own) = server
        .get(Some(&site.agent), "/api/v1/inspection/scores?by=staff")
        .await;
    assert_eq!(own["groups"].as_array().unwrap().len(), 1);
    let (_, theirs) = server
        .get(Some(&colleague), "/api/v1/inspection/scores?by=staff")
        .await;
    assert_eq!(theirs["groups"], json!([]));
    let (_, none) = server
        .get(Some(&stranger), "/api/v1/inspection/scores?by=staff")
        .await;
    assert_eq!(none["groups"], json!([]));
    let (status, body) = server
        .get(Some(&supervisor), "/api/v1/inspection/scores?by=grid")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["by"], "invalid");

    // Every change is in the audit trail.
    let db = database(&server).await;
    let actions: Vec<String> = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("inspection"))
        .filter(audit_entry::Column::EntityId.eq(id.as_str()))
        .order_by_asc(audit_entry::Column::CreatedAt)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["score", "appeal", "decide"]);
    let sheet_audits = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("inspection_sheet"))
        .filter(audit_entry::Column::EntityId.eq(sheet_id.as_str()))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(sheet_audits.len(), 1);
    let rounds = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("run_inspection_round"))
        .filter(audit_entry::Column::EntityId.eq(site.project_id.as_str()))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(rounds.len(), 1);

    // A sheet scored on is in use: it can be withdrawn but not deleted.
    let (status, body) = server
        .delete(&manager, &format!("/api/v1/inspection/sheets/{sheet_id}"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "in_use");
}
