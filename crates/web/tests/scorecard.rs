//! Monthly scorecards (考核) end to end: on a small month worked out by hand — two agents, a
//! technician and a team — every measure, points, total and rank; a changed scheme moves an open
//! month; a lock stores the cards and later ratings or schemes leave them be; a bad scheme is
//! refused by field; an agent sees only their own card and another project's staff none of ours;
//! the league table exports to .xlsx with Chinese titles and the same totals.

mod common;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use common::{Server, staff};
use guanjia_domain::inspection::{InspectionState, SampleReason};
use guanjia_domain::place::{DEFAULT_TIME_ZONE, local_date};
use guanjia_domain::scorecard::Month;
use guanjia_storage::Code;
use guanjia_storage::entity::{audit_entry, inspection, praise_credit, sla_clock, ticket};
use reqwest::StatusCode;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases!(
    a_month_scored_by_hand_then_rescored_locked_and_exported,
    bad_schemes_are_refused_and_cards_are_seen_only_in_reach,
);

/// Last month in the company's zone: the month every test ticket is reported in.
fn last_month() -> Month {
    Month::of(local_date(DEFAULT_TIME_ZONE, Utc::now())).previous()
}

/// Local noon of a day of last month, plus `minutes`.
fn at(day: u32, minutes: i64) -> DateTime<Utc> {
    let first = last_month().first_day();
    let noon = first.with_day(day).unwrap().and_hms_opt(12, 0, 0).unwrap();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&noon)
        .unwrap()
        .with_timezone(&Utc)
        + Duration::minutes(minutes)
}

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

/// An inquiry the caller takes: they are its first-contact owner.
async fn taken(server: &Server, project_id: &str, token: &str, text: &str) -> String {
    let body = json!({
        "project_id": project_id, "channel": "phone", "kind": "inquiry", "category": "inquiry.fee",
        "urgency": "normal", "description": text,
    });
    server
        .ok(token, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A ticket's facts as the month's figures read them.
struct Facts<'a> {
    status: &'a str,
    reopened: i32,
    rating: Option<i32>,
    /// Minutes from report to first response.
    responded_after: Option<i64>,
    assignee: Option<&'a str>,
    team: Option<&'a str>,
}

async fn set(db: &sea_orm::DatabaseConnection, id: &str, day: u32, f: Facts<'_>) {
    let columns: Vec<(ticket::Column, SimpleExpr)> = vec![
        (ticket::Column::ReportedAt, Expr::value(at(day, 0))),
        (ticket::Column::Status, Expr::value(f.status)),
        (ticket::Column::ReopenCount, Expr::value(f.reopened)),
        (ticket::Column::Satisfaction, Expr::value(f.rating)),
        (
            ticket::Column::FirstRespondedAt,
            Expr::value(f.responded_after.map(|m| at(day, m))),
        ),
        (
            ticket::Column::ClosedAt,
            Expr::value((f.status == "closed").then(|| at(day, 600))),
        ),
        (ticket::Column::AssigneeId, Expr::value(f.assignee)),
        (ticket::Column::TeamId, Expr::value(f.team)),
    ];
    let mut update = ticket::Entity::update_many();
    for (column, value) in columns {
        update = update.col_expr(column, value);
    }
    update
        .filter(ticket::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();
}

async fn cards(server: &Server, token: &str, role: &str) -> Value {
    let (status, body) = server
        .get(
            Some(token),
            &format!("/api/v1/scorecards?month={}&role={role}", last_month()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// (name, total, rank) of each card, best first.
fn table(body: &Value) -> Vec<(String, f64, u64)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["total_score"].as_f64().unwrap(),
                c["rank"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A card's measures: code → (value, points).
fn measures(card: &Value) -> Vec<(String, Option<f64>, Option<f64>)> {
    card["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["measure"].as_str().unwrap().to_owned(),
                m["value"].as_f64(),
                m["points"].as_f64(),
            )
        })
        .collect()
}

fn card<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no card of {name}: {body}"))
}

fn m(code: &str, value: Option<f64>, points: Option<f64>) -> (String, Option<f64>, Option<f64>) {
    (code.to_owned(), value, points)
}

async fn a_month_scored_by_hand_then_rescored_locked_and_exported(server: Server) {
    let site = server.site("sca").await;
    let (_, agent_b) = member(&server, &site.project_id, "sca-agent-b", "agent").await;
    let (_, manager) = member(&server, &site.project_id, "sca-mgr", "manager").await;
    let team = server
        .ok(
            &server.admin,
            "/api/v1/teams",
            json!({ "project_id": site.project_id, "name": "维修班", "kind": "engineering",
                    "member_ids": [site.tech_id, site.agent_id] }),
            StatusCode::CREATED,
        )
        .await;
    let team_id = team["id"].as_str().unwrap().to_owned();
    let (tech, team) = (site.tech_id.as_str(), team_id.as_str());

    // Agent A (sca-agent) took t1–t3, agent B t5 and t6; the technician was given t1, t2 and t5;
    // the team t1, t2, t5 and t6.
    let t1 = taken(&server, &site.project_id, &site.agent, "物业费怎么交").await;
    let t2 = taken(&server, &site.project_id, &site.agent, "停车费怎么交").await;
    let t3 = taken(&server, &site.project_id, &site.agent, "表扬保安小王").await;
    let t5 = taken(&server, &site.project_id, &agent_b, "水费怎么交").await;
    let t6 = taken(&server, &site.project_id, &agent_b, "电费怎么交").await;
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    let closed = |rating, responded_after, assignee, team| Facts {
        status: "closed",
        reopened: 0,
        rating: Some(rating),
        responded_after: Some(responded_after),
        assignee,
        team,
    };
    set(&db, &t1, 10, closed(5, 5, Some(tech), Some(team))).await;
    set(
        &db,
        &t2,
        11,
        Facts {
            reopened: 1,
            ..closed(2, 30, Some(tech), Some(team))
        },
    )
    .await;
    set(
        &db,
        &t3,
        12,
        Facts {
            status: "new",
            reopened: 0,
            rating: None,
            responded_after: None,
            assignee: None,
            team: None,
        },
    )
    .await;
    set(&db, &t5, 13, closed(5, 1, Some(tech), Some(team))).await;
    set(&db, &t6, 14, closed(4, 2, None, Some(team))).await;
    // t3 is a praise of agent A.
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Kind, Expr::value("praise"))
        .filter(ticket::Column::Id.eq(t3.as_str()))
        .exec(&db)
        .await
        .unwrap();
    praise_credit::ActiveModel {
        company_id: Set(server.company_id.clone()),
        ticket_id: Set(t3.clone()),
        staff_id: Set(site.agent_id.clone()),
        source: Set("agent".into()),
        created_at: Set(at(12, 0)),
    }
    .insert(&db)
    .await
    .unwrap();
    // The clocks, exactly: first response met on t1, t5, t6 and breached on t2; arrival met on
    // t1 and t2, breached on t5; resolution met on t1 and t5, breached on t2.
    let template = sla_clock::Entity::find()
        .filter(sla_clock::Column::TicketId.eq(t1.as_str()))
        .one(&db)
        .await
        .unwrap()
        .expect("a ticket has SLA clocks");
    let ours = [&t1, &t2, &t3, &t5, &t6].map(|t| t.to_string());
    sla_clock::Entity::delete_many()
        .filter(sla_clock::Column::TicketId.is_in(ours.clone()))
        .exec(&db)
        .await
        .unwrap();
    for (t, name, state) in [
        (&t1, "first_response", "met"),
        (&t2, "first_response", "breached"),
        (&t5, "first_response", "met"),
        (&t6, "first_response", "met"),
        (&t1, "arrival", "met"),
        (&t2, "arrival", "met"),
        (&t5, "arrival", "breached"),
        (&t1, "resolution", "met"),
        (&t2, "resolution", "breached"),
        (&t5, "resolution", "met"),
    ] {
        let clock = sla_clock::Model {
            ticket_id: t.to_string(),
            name: name.into(),
            state: state.into(),
            ..template.clone()
        };
        sla_clock::ActiveModel::from(clock)
            .insert(&db)
            .await
            .unwrap();
    }
    // Agent A's one scored inspection of the month: 81.
    let first_monday = {
        let mut d: NaiveDate = last_month().first_day();
        while d.weekday() != Weekday::Mon {
            d = d.succ_opt().unwrap();
        }
        d
    };
    inspection::ActiveModel {
        company_id: Set(server.company_id.clone()),
        id: Set(guanjia_storage::new_id()),
        project_id: Set(site.project_id.clone()),
        ticket_id: Set(t1.clone()),
        staff_id: Set(site.agent_id.clone()),
        week: Set(first_monday),
        reason: Set(Code::new(SampleReason::Share)),
        state: Set(Code::new(InspectionState::Scored)),
        sheet_id: Set(None),
        facts: Set(None),
        score: Set(Some(81)),
        inspector_score: Set(Some(81)),
        inspector_id: Set(None),
        scored_at: Set(Some(at(20, 0))),
        appeal_reason: Set(None),
        appealed_at: Set(None),
        decided_by: Set(None),
        decision_comment: Set(None),
        decided_at: Set(None),
        created_at: Set(at(20, 0)),
        updated_at: Set(at(20, 0)),
    }
    .insert(&db)
    .await
    .unwrap();

    // The agents on the default scheme (volume 10 for 300, first-response clock 15 for 95%,
    // first response 15 for 90%, one-time resolution 20 for 96%, satisfaction 20 for 4.5,
    // complaints 10 for none, praise 5 for 2, quality 5 for 90).
    let agents = cards(&server, &manager, "agent").await;
    // A: 3 tickets → 10 × 3/300 = 0.1; clock 1 of 2 = 50% → 15 × 50/95 = 7.89; answered in time
    // 1 of 2 = 50% → 15 × 50/90 = 8.33; closed without reopening 1 of 2 → 20 × 50/96 = 10.42;
    // ratings 5 and 2 = 3.5 → 20 × 3.5/4.5 = 15.56; one rating below 3 → 10 × 1/2 = 5; one
    // praise → 5 × 1/2 = 2.5; quality 81 → 5 × 81/90 = 4.5. All measured: 54.30 → 54.3.
    assert_eq!(
        measures(card(&agents, "sca-agent")),
        [
            m("volume", Some(3.0), Some(0.1)),
            m("sla_met.first_response", Some(50.0), Some(7.89)),
            m("first_response", Some(50.0), Some(8.33)),
            m("one_time_resolution", Some(50.0), Some(10.42)),
            m("satisfaction", Some(3.5), Some(15.56)),
            m("complaints", Some(1.0), Some(5.0)),
            m("praise", Some(1.0), Some(2.5)),
            m("quality", Some(81.0), Some(4.5)),
        ]
    );
    // B: 2 tickets → 0.07; every clock, answer and closing in time → 15 + 15 + 20; ratings 5 and
    // 4 = 4.5 → 20; no complaint → 10; no praise → 0; no inspection: quality leaves the base.
    // 80.07 of 95 → 84.28 → 84.3.
    assert_eq!(
        measures(card(&agents, "sca-agent-b")),
        [
            m("volume", Some(2.0), Some(0.07)),
            m("sla_met.first_response", Some(100.0), Some(15.0)),
            m("first_response", Some(100.0), Some(15.0)),
            m("one_time_resolution", Some(100.0), Some(20.0)),
            m("satisfaction", Some(4.5), Some(20.0)),
            m("complaints", Some(0.0), Some(10.0)),
            m("praise", Some(0.0), Some(0.0)),
            m("quality", None, None),
        ]
    );
    assert_eq!(
        table(&agents),
        [
            ("sca-agent-b".to_owned(), 84.3, 1),
            ("sca-agent".to_owned(), 54.3, 2)
        ]
    );
    assert_eq!(agents["total"], 2);
    assert_eq!(card(&agents, "sca-agent")["locked"], false);

    // The technician (volume 15 for 120, arrival 15 and resolution 20 for 95%, one-time 20 for
    // 96%, satisfaction 15 for 4.5, complaints 10 for none, praise 5 for 2): t1, t2, t5.
    // 3/120 → 0.375; arrival 2 of 3 → 15 × 66.67/95 = 10.53; resolution 2 of 3 → 14.04; one-time
    // 2 of 3 → 20 × 66.67/96 = 13.89; ratings 5, 2, 5 = 4 → 15 × 4/4.5 = 13.33; one complaint →
    // 5; no praise → 0. 57.16 → 57.2.
    let technicians = cards(&server, &manager, "technician").await;
    let t = card(&technicians, "sca-tech");
    assert_eq!(
        measures(t),
        [
            m("volume", Some(3.0), Some(0.38)),
            m("sla_met.arrival", Some(66.67), Some(10.53)),
            m("sla_met.resolution", Some(66.67), Some(14.04)),
            m("one_time_resolution", Some(66.67), Some(13.89)),
            m("satisfaction", Some(4.0), Some(13.33)),
            m("complaints", Some(1.0), Some(5.0)),
            m("praise", Some(0.0), Some(0.0)),
        ]
    );
    assert_eq!(
        (t["total_score"].as_f64(), t["rank"].as_u64()),
        (Some(57.2), Some(1))
    );

    // The team (volume 10 for 500, first-response clock 10 and resolution 20 for 95%, one-time
    // 20 for 96%, satisfaction 20 for 4.5, complaints 10 for none, quality 10 for 90): t1, t2,
    // t5, t6. 4/500 → 0.08; first response 3 of 4 → 10 × 75/95 = 7.89; resolution 2 of 3 →
    // 14.04; one-time 3 of 4 → 20 × 75/96 = 15.63; ratings 5, 2, 5, 4 = 4 → 17.78; one complaint
    // → 5; its member A's inspection 81 → 9. 69.41 → 69.4.
    let teams = cards(&server, &manager, "team").await;
    let x = card(&teams, "维修班");
    assert_eq!(
        measures(x),
        [
            m("volume", Some(4.0), Some(0.08)),
            m("sla_met.first_response", Some(75.0), Some(7.89)),
            m("sla_met.resolution", Some(66.67), Some(14.04)),
            m("one_time_resolution", Some(75.0), Some(15.63)),
            m("satisfaction", Some(4.0), Some(17.78)),
            m("complaints", Some(1.0), Some(5.0)),
            m("quality", Some(81.0), Some(9.0)),
        ]
    );
    assert_eq!(x["total_score"].as_f64(), Some(69.4));

    // One card by its id, the same as in the table.
    let id = card(&agents, "sca-agent")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, one) = server
        .get(Some(&manager), &format!("/api/v1/scorecards/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(&one, card(&agents, "sca-agent"));

    // A new agent scheme moves the open month at once: satisfaction 50 for 5, volume 50 for 3.
    // A: 50 × 3.5/5 = 35 + 50 × 3/3 = 50 → 85; B: 45 + 50 × 2/3 = 33.33 → 78.3.
    let scheme = json!({ "terms": [
        { "measure": "satisfaction", "weight": 50, "target": 5.0 },
        { "measure": "volume", "weight": 50, "target": 3.0 },
    ] });
    let (status, saved) = server
        .put(&manager, "/api/v1/scorecards/schemes/agent", scheme.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["terms"], scheme["terms"]);
    let rescored = cards(&server, &manager, "agent").await;
    assert_eq!(
        table(&rescored),
        [
            ("sca-agent".to_owned(), 85.0, 1),
            ("sca-agent-b".to_owned(), 78.3, 2)
        ]
    );

    // A month not ended yet cannot be locked.
    let (status, body) = server
        .post(
            Some(&manager),
            "/api/v1/scorecards/lock",
            json!({ "month": last_month().next().to_string() }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["month"], "in_future");
    // Locking by hand stores the cards, once; the scheduler then finds nothing to lock.
    let month = last_month().to_string();
    let locked = server
        .ok(
            &manager,
            "/api/v1/scorecards/lock",
            json!({ "month": month }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(locked["locked_now"], true, "{locked}");
    let again = server
        .ok(
            &manager,
            "/api/v1/scorecards/lock",
            json!({ "month": month }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(again["locked_now"], false);
    assert_eq!(again["locked_at"], locked["locked_at"]);
    assert_eq!(
        server
            .store
            .sweep_scorecard_months(Utc::now())
            .await
            .unwrap(),
        0
    );
    let audits = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("scorecard_month"))
        .filter(audit_entry::Column::Action.eq("lock"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(audits.len(), 1);

    // A late rating and another scheme change nothing locked.
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Satisfaction, Expr::value(1))
        .filter(ticket::Column::Id.eq(t6.as_str()))
        .exec(&db)
        .await
        .unwrap();
    let (status, body) = server
        .put(
            &manager,
            "/api/v1/scorecards/schemes/agent",
            json!({ "terms": [{ "measure": "complaints", "weight": 100, "target": 0 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let kept = cards(&server, &manager, "agent").await;
    assert_eq!(table(&kept), table(&rescored));
    assert!(
        kept["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["locked"] == true && c["locked_at"] == locked["locked_at"])
    );
    assert_eq!(card(&kept, "sca-agent")["id"], id.as_str());
    let (_, technicians_kept) = server
        .get(
            Some(&manager),
            &format!("/api/v1/scorecards?month={month}&role=technician"),
        )
        .await;
    assert_eq!(table(&technicians_kept), table(&technicians));

    // The export: Chinese titles, the same totals and ranks.
    let response = server
        .client
        .get(server.url(&format!(
            "/api/v1/scorecards?month={month}&role=agent&format=xlsx"
        )))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let rows: Vec<Vec<Data>> = book
        .worksheet_range(&name)
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    let column = |title: &str| {
        rows[0]
            .iter()
            .position(|c| *c == title)
            .unwrap_or_else(|| panic!("no column {title}: {:?}", rows[0]))
    };
    let (who, total, rank) = (column("名称"), column("总分"), column("排名"));
    column("考核指标");
    let exported: Vec<(String, f64, u64)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[who].to_string(),
                r[total].as_f64().unwrap(),
                r[rank].as_f64().unwrap() as u64,
            )
        })
        .collect();
    assert_eq!(exported, table(&kept));
}

async fn bad_schemes_are_refused_and_cards_are_seen_only_in_reach(server: Server) {
    let ours = server.site("scb").await;
    let theirs = server.site("scc").await;
    let (_, agent_b) = member(&server, &ours.project_id, "scb-agent-b", "agent").await;
    let (_, their_manager) = member(&server, &theirs.project_id, "scc-mgr", "manager").await;
    let path = "/api/v1/scorecards/schemes/agent";
    let (_, before) = server.get(Some(&server.admin), path).await;
    assert_eq!(before["role"], "agent");

    // Weights not summing to 100, a target out of range, an unknown measure: each named.
    for (terms, field, code) in [
        (
            json!([{ "measure": "volume", "weight": 50, "target": 10 },
                   { "measure": "praise", "weight": 40, "target": 1 }]),
            "terms",
            "mismatch",
        ),
        (
            json!([{ "measure": "satisfaction", "weight": 100, "target": 6 }]),
            "terms[0].target",
            "out_of_range",
        ),
        (
            json!([{ "measure": "volume", "weight": 50, "target": 10 },
                   { "measure": "sla_met.lunch", "weight": 50, "target": 90 }]),
            "terms[1].measure",
            "invalid",
        ),
    ] {
        let (status, body) = server
            .put(&server.admin, path, json!({ "terms": terms }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"]["fields"][field], code, "{body}");
    }
    let (status, body) = server
        .get(Some(&server.admin), "/api/v1/scorecards/schemes/cook")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, after) = server.get(Some(&server.admin), path).await;
    assert_eq!(after, before, "nothing changed");
    // Only managers and admins set or read schemes.
    let (status, _) = server.get(Some(&ours.agent), path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .put(
            &ours.agent,
            path,
            json!({ "terms": [{ "measure": "volume", "weight": 100, "target": 1 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .post(
            Some(&ours.agent),
            "/api/v1/scorecards/lock",
            json!({ "month": last_month().to_string() }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An agent sees their own card only; another's is 404.
    let mine = cards(&server, &ours.agent, "agent").await;
    assert_eq!(table(&mine).len(), 1, "{mine}");
    assert_eq!(mine["items"][0]["name"], "scb-agent");
    let b = cards(&server, &agent_b, "agent").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = server
        .get(Some(&ours.agent), &format!("/api/v1/scorecards/{b}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(table(&cards(&server, &ours.agent, "team").await).len(), 0);
    // Another project's manager sees their project's people only, and none of ours.
    let theirs_table = table(&cards(&server, &their_manager, "agent").await);
    assert_eq!(
        theirs_table
            .iter()
            .map(|(n, _, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["scc-agent"]
    );
    let (status, _) = server
        .get(Some(&their_manager), &format!("/api/v1/scorecards/{b}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server
        .get(
            Some(&their_manager),
            &format!(
                "/api/v1/scorecards?month={}&role=agent&project_id={}",
                last_month(),
                ours.project_id
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The admin narrows to a project.
    let (_, only_ours) = server
        .get(
            Some(&server.admin),
            &format!(
                "/api/v1/scorecards?month={}&role=agent&project_id={}",
                last_month(),
                ours.project_id
            ),
        )
        .await;
    let mut names: Vec<String> = table(&only_ours).into_iter().map(|(n, _, _)| n).collect();
    names.sort();
    assert_eq!(names, ["scb-agent", "scb-agent-b"]);
    // A bad month is refused by field.
    let (status, body) = server
        .get(
            Some(&server.admin),
            "/api/v1/scorecards?month=2026-13&role=agent",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["month"], "invalid");
}
