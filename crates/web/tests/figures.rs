//! The seeds' service figures and their breakdowns through the real HTTP API, on SQLite and on
//! PostgreSQL, on a small set of tickets whose every figure is worked out by hand below.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    every_seed_figure_follows_its_definition,
    figures_break_down_by_each_dimension,
    the_previous_period_is_beside_and_bad_asks_are_refused,
    kept_days_agree_with_the_tickets,
    the_trend_adds_up_month_by_month,
);

async fn ticket(
    server: &Server,
    site: &Site,
    kind: &str,
    category: &str,
    channel: &str,
    reported_at: DateTime<Utc>,
) -> String {
    ticket_in(server, site, 0, kind, category, channel, reported_at).await
}

/// A ticket of the resident of `room` (the other room's: not read as the same problem).
async fn ticket_in(
    server: &Server,
    site: &Site,
    room: usize,
    kind: &str,
    category: &str,
    channel: &str,
    reported_at: DateTime<Utc>,
) -> String {
    let body = json!({
        "project_id": site.project_id, "channel": channel, "kind": kind, "category": category,
        "urgency": "normal", "description": words(category),
        "room_id": site.rooms[room], "resident_id": site.residents[room].0,
        "reported_at": reported_at.to_rfc3339(),
    });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn act(server: &Server, token: &str, id: &str, action: Value) {
    let (status, body) = server.act(token, id, action.clone()).await;
    assert_eq!(status, StatusCode::OK, "{action}: {body}");
}

/// Accepted, resolved and followed up with a rating: closed.
async fn close(server: &Server, site: &Site, id: &str, satisfaction: i64) {
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已处理" }),
        json!({ "action": "follow_up", "satisfaction": satisfaction }),
    ] {
        act(server, &site.agent, id, action).await;
    }
}

/// What a resident would say about each category: texts far apart, so none reads as another's
/// duplicate.
fn words(category: &str) -> &'static str {
    match category {
        "complaint.noise" => "楼上装修电钻声从早到晚，休息日也不停",
        "complaint.greening" => "绿化带杂草一人高好几个月没人修剪",
        "repair.water" => "厨房水槽下面的水管接口一直在滴水",
        "inquiry.fee" => "想问一下今年物业费可以在微信上交吗",
        "repair.door_access" => "单元门禁刷卡没有反应进不了楼",
        "complaint.parking" => "外来车辆天天停在消防通道上",
        other => panic!("no words for {other}"),
    }
}

fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn near(value: &Value, expected: f64, tolerance: f64, what: &str) {
    let v = value.as_f64().unwrap_or_else(|| panic!("{what}: {value}"));
    assert!(
        (v - expected).abs() <= tolerance,
        "{what}: {v} ≠ {expected}"
    );
}

/// Site A: five tickets over three days; site B one. Returns them with the period asked for.
struct Data {
    a: Site,
    b: Site,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    escalated: String,
}

async fn data(server: &Server) -> Data {
    let now = Utc::now();
    let a = server.site("fa").await;
    let b = server.site("fb").await;
    // a1: a complaint on WeChat reported 2 h ago, closed now: within 24 h.
    let a1 = ticket(
        server,
        &a,
        "complaint",
        "complaint.noise",
        "wechat",
        now - Duration::hours(2),
    )
    .await;
    close(server, &a, &a1, 5).await;
    // a2: a complaint by phone reported 30 h ago, closed now: not within 24 h.
    let a2 = ticket(
        server,
        &a,
        "complaint",
        "complaint.greening",
        "phone",
        now - Duration::hours(30),
    )
    .await;
    close(server, &a, &a2, 4).await;
    // a3: a repair on the web, reported now, accepted at once (first response in time),
    // dispatched to the technician, escalated.
    let a3 = ticket(server, &a, "repair", "repair.water", "web", now).await;
    act(server, &a.agent, &a3, json!({ "action": "accept" })).await;
    act(
        server,
        &a.agent,
        &a3,
        json!({ "action": "dispatch", "assignee_id": a.tech_id }),
    )
    .await;
    act(
        server,
        &a.agent,
        &a3,
        json!({ "action": "escalate", "reason": "业主情绪激动" }),
    )
    .await;
    // a4: an inquiry on WeChat, a duplicate of a3 (an internal step: no response seen).
    let a4 = ticket(
        server,
        &a,
        "inquiry",
        "inquiry.fee",
        "wechat",
        now - Duration::hours(1),
    )
    .await;
    act(
        server,
        &a.agent,
        &a4,
        json!({ "action": "link_duplicate", "original_id": a3 }),
    )
    .await;
    // a5: a repair at the front desk, left alone; a6 cancelled: never counted.
    ticket_in(
        server,
        &a,
        1,
        "repair",
        "repair.door_access",
        "front_desk",
        now - Duration::hours(3),
    )
    .await;
    let a6 = ticket(server, &a, "repair", "repair.door_access", "wechat", now).await;
    act(
        server,
        &a.agent,
        &a6,
        json!({ "action": "cancel", "reason": "业主已自行修好" }),
    )
    .await;
    // b1: site B's complaint by phone, open.
    ticket(
        server,
        &b,
        "complaint",
        "complaint.parking",
        "phone",
        now - Duration::hours(1),
    )
    .await;
    Data {
        a,
        b,
        from: now - Duration::days(3),
        to: now,
        escalated: a3,
    }
}

fn path(project: Option<&str>, from: DateTime<Utc>, to: DateTime<Utc>, extra: &str) -> String {
    let project = project
        .map(|p| format!("project_id={p}&"))
        .unwrap_or_default();
    format!(
        "/api/v1/metrics/service?{project}from={}&to={}{extra}",
        at(from),
        at(to)
    )
}

async fn every_seed_figure_follows_its_definition(server: Server) {
    let d = data(&server).await;
    let to = d.to + Duration::minutes(1);
    let (status, f) = server
        .get(
            Some(&d.a.agent),
            &path(Some(&d.a.project_id), d.from, to, ""),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    // Site A: a1–a5 (a6 cancelled).
    assert_eq!(
        (f["tickets"].as_u64(), f["complaints"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(f["complaints_closed_in_24h_share"], 0.5, "a1 of a1 and a2");
    // Closed 2 h and 30 h after their reports: the middle of the two is 16 h.
    near(
        &f["complaint_close_median_hours"],
        16.0,
        0.1,
        "complaint median",
    );
    // Only a3 was answered within 15 minutes: a1 and a2 hours after, a4 and a5 never.
    assert_eq!(f["first_response_in_15min_share"], 0.2);
    // First updates: a1 after 2 h, a2 after 30 h, a3 at once: the middle is 2 h.
    near(
        &f["first_update_median_minutes"],
        120.0,
        2.0,
        "first update median",
    );
    assert_eq!(f["escalation_rate"], 0.2, "a3");
    assert_eq!(f["duplicate_rate"], 0.2, "a4");
    // WeChat a1, a4; web a3; phone a2; front desk a5: online 3 of 5.
    assert_eq!(f["online_share"], 0.6);
    let channels = f["channels"].as_array().unwrap();
    let of = |code: &str| {
        channels
            .iter()
            .find(|c| c["channel"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            of("wechat")["tickets"].as_u64(),
            of("wechat")["share"].as_f64()
        ),
        (Some(2), Some(0.4))
    );
    assert_eq!(of("iot")["tickets"], 0);
    // One assigned ticket (a3), one assignee, over the period's days.
    let days = (to - d.from).num_seconds() as f64 / 86_400.0;
    near(
        &f["handled_per_agent_day"],
        1.0 / days,
        1e-6,
        "per person per day",
    );
    assert_eq!(
        f["repeat_complaint_change"],
        Value::Null,
        "no comparison asked for"
    );
    assert!(
        f.get("groups").is_none() && f.get("previous").is_none(),
        "{f}"
    );
    // The earlier figures are still there.
    assert_eq!(f["one_time_resolution_rate"], 1.0);
    assert_eq!(f["csat_average"], 4.5);
    let (_, ticket) = server
        .get(
            Some(&d.a.agent),
            &format!("/api/v1/tickets/{}", d.escalated),
        )
        .await;
    assert_eq!(ticket["assignee_id"], d.a.tech_id.as_str());
}

async fn figures_break_down_by_each_dimension(server: Server) {
    let d = data(&server).await;
    let to = d.to + Duration::minutes(1);
    let admin = server.admin.clone();
    let get = |extra: &'static str, lang: &'static str| {
        let server = &server;
        let admin = admin.clone();
        let url = server.url(&path(None, d.from, to, extra));
        async move {
            let response = server
                .client
                .get(url)
                .bearer_auth(&admin)
                .header("Accept-Language", lang)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
    };
    // By project: A's five first, B's one; the whole beside them.
    let f = get("&by=project", "zh-CN").await;
    assert_eq!(f["tickets"], 6);
    let groups = f["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{f}");
    assert_eq!(
        (groups[0]["key"].as_str(), groups[0]["name"].as_str()),
        (Some(d.a.project_id.as_str()), Some("fa小区"))
    );
    assert_eq!(
        (groups[0]["tickets"].as_u64(), groups[1]["tickets"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(groups[0]["online_share"], 0.6);
    assert_eq!(
        groups[1]["complaints_closed_in_24h_share"], 0.0,
        "B's complaint is open"
    );
    // By channel, named in the reader's language.
    let f = get("&by=channel", "en").await;
    let groups = f["groups"].as_array().unwrap();
    let phone = groups.iter().find(|g| g["key"] == "phone").unwrap();
    assert_eq!(
        (phone["name"].as_str(), phone["tickets"].as_u64()),
        (Some("Phone"), Some(2))
    );
    assert_eq!(phone["complaints"], 2, "a2 and b1");
    let f = get("&by=channel", "zh-CN").await;
    assert!(
        f["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "微信" && g["tickets"] == 2)
    );
    // Each group's count is the tickets the list gives for the same period and group.
    let counted = "new,accepted,dispatched,in_progress,resolved,closed,suspended,reopened";
    let list = |filter: String| {
        let server = &server;
        let admin = admin.clone();
        let url = format!(
            "/api/v1/tickets?status={counted}&reported_from={}&reported_to={}&{filter}",
            at(d.from),
            at(to)
        );
        async move {
            let (status, body) = server.get(Some(&admin), &url).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body["total"].as_u64().unwrap()
        }
    };
    assert_eq!(list("channel=phone".into()).await, 2);
    assert_eq!(
        list(format!("first_contact_owner_id={}", d.a.agent_id)).await,
        5
    );
    assert_eq!(list(format!("project_id={}", d.a.project_id)).await, 5);
    let early = format!(
        "/api/v1/tickets?project_id={}&reported_to={}",
        d.a.project_id,
        at(Utc::now() - Duration::hours(29))
    );
    let (_, before) = server.get(Some(&admin), &early).await;
    assert_eq!(
        before["total"], 1,
        "a2 alone was reported 30 h ago: {before}"
    );
    // By technician: a3 with A's technician; by agent: nobody else holds a ticket.
    let f = get("&by=technician", "zh-CN").await;
    let groups = f["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{f}");
    assert_eq!(
        (
            groups[0]["key"].as_str(),
            groups[0]["escalation_rate"].as_f64()
        ),
        (Some(d.a.tech_id.as_str()), Some(1.0))
    );
    let f = get("&by=agent", "zh-CN").await;
    assert_eq!(f["groups"], json!([]));
    // By first-contact owner: the agents who took them, each project's own.
    let f = get("&by=first_contact_owner", "zh-CN").await;
    let groups = f["groups"].as_array().unwrap();
    let owner_a = groups
        .iter()
        .find(|g| g["key"] == d.a.agent_id.as_str())
        .expect("A's agent");
    assert_eq!(owner_a["tickets"], 5);
    // By category: labels from the taxonomy; a complaint category's own figures.
    let f = get("&by=category", "zh-CN").await;
    let noise = f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "complaint.noise")
        .unwrap()
        .clone();
    assert_eq!(
        (
            noise["tickets"].as_u64(),
            noise["complaints_closed_in_24h_share"].as_f64()
        ),
        (Some(1), Some(1.0))
    );
    assert!(
        noise["name"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{noise}"
    );
    // By team: none of these tickets is with a team.
    let f = get("&by=team", "zh-CN").await;
    let groups = f["groups"].as_array().unwrap();
    assert_eq!(
        (
            groups.len(),
            groups[0]["key"].clone(),
            groups[0]["name"].as_str()
        ),
        (1, Value::Null, Some("（未指定）"))
    );
    // By grid before any grid is drawn: every ticket is in none.
    let f = get("&by=grid", "zh-CN").await;
    assert_eq!(f["groups"].as_array().unwrap().len(), 1, "{f}");
    assert_eq!(
        (
            f["groups"][0]["key"].clone(),
            f["groups"][0]["tickets"].as_u64()
        ),
        (Value::Null, Some(6))
    );
    // By grid: A's building has a grid; B has none, so its ticket is in no grid.
    let (_, buildings) = server
        .get(
            Some(&admin),
            &format!("/api/v1/projects/{}/buildings", d.a.project_id),
        )
        .await;
    let building = buildings["items"][0]["id"].as_str().unwrap().to_owned();
    let team = server
        .ok(&admin, "/api/v1/teams", json!({ "project_id": d.a.project_id, "name": "维修班", "kind": "engineering", "member_ids": [d.a.tech_id] }), StatusCode::CREATED)
        .await;
    server
        .ok(&admin, "/api/v1/grids", json!({ "project_id": d.a.project_id, "name": "3栋网格", "team_id": team["id"], "building_ids": [building] }), StatusCode::CREATED)
        .await;
    let f = get("&by=grid", "zh-CN").await;
    let groups = f["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{f}");
    assert_eq!(
        (groups[0]["name"].as_str(), groups[0]["tickets"].as_u64()),
        (Some("3栋网格"), Some(5))
    );
    assert_eq!(
        (groups[1]["key"].clone(), groups[1]["tickets"].as_u64()),
        (Value::Null, Some(1))
    );
    // An agent of B asking for a breakdown sees only B.
    let (_, f) = server
        .get(Some(&d.b.agent), &path(None, d.from, to, "&by=project"))
        .await;
    assert_eq!(f["groups"].as_array().unwrap().len(), 1, "{f}");
    assert_eq!(f["groups"][0]["key"], d.b.project_id.as_str());
}

async fn the_previous_period_is_beside_and_bad_asks_are_refused(server: Server) {
    let d = data(&server).await;
    let to = d.to + Duration::minutes(1);
    let p = &d.a.project_id;
    // The period before holds one complaint on noise, reported four days ago and left open.
    let now = Utc::now();
    let earlier = ticket(
        &server,
        &d.a,
        "complaint",
        "complaint.noise",
        "phone",
        now - Duration::days(4),
    )
    .await;
    let (_, f) = server
        .get(
            Some(&d.a.agent),
            &path(Some(p), d.from, to, "&compare=previous&by=channel"),
        )
        .await;
    let previous = &f["previous"];
    assert_eq!(
        (
            previous["tickets"].as_u64(),
            previous["complaints"].as_u64()
        ),
        (Some(1), Some(1)),
        "{f}"
    );
    assert_eq!(
        previous["from"].as_str().map(|s| s.to_owned()),
        Some((d.from - (to - d.from)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    );
    assert_eq!(previous["groups"][0]["key"], "phone");
    // Neither period has a repeat complaint: the earlier one came first, and a1 was reported
    // before it was logged. A rate of 0 before leaves nothing to compare with.
    assert_eq!(previous["repeat_complaint_rate"], 0.0);
    assert_eq!(f["repeat_complaint_rate"], 0.0);
    assert_eq!(f["repeat_complaint_change"], Value::Null);
    let (_, logged) = server
        .get(Some(&d.a.agent), &format!("/api/v1/tickets/{earlier}"))
        .await;
    assert_eq!(logged["repeat_of"], Value::Null);

    for (extra, field) in [("&by=building", "by"), ("&compare=next", "compare")] {
        let (status, body) = server
            .get(Some(&d.a.agent), &path(Some(p), d.from, to, extra))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{extra}: {body}");
        assert_eq!(body["error"]["code"], "invalid_request");
        assert!(
            body["error"]["details"]["reason"]
                .as_str()
                .unwrap()
                .contains(field),
            "{body}"
        );
    }
    let (status, body) = server
        .get(Some(&d.b.agent), &path(Some(p), d.from, to, "&by=project"))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another project's: {body}"
    );
    // A period that starts before 2000 or lasts over ten years, whose previous period would
    // reach back past year 1, is refused naming `from`.
    let long_ago: DateTime<Utc> = "0205-08-07T19:20:37Z".parse().unwrap();
    for from in [long_ago, to - Duration::days(3661)] {
        let (status, body) = server
            .get(
                Some(&d.a.agent),
                &path(Some(p), from, to, "&compare=previous"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{from}: {body}");
        assert_eq!(body["error"]["details"]["fields"]["from"], "out_of_range");
    }
}

/// Sums the changed days until none is left, as the scheduler does; answers the days summed.
async fn refresh(server: &Server) -> usize {
    let mut days = 0;
    loop {
        let done = server
            .store
            .refresh_ticket_days(Utc::now())
            .await
            .expect("refresh");
        days += done.days;
        if !done.more {
            return days;
        }
    }
}

/// The figures read from the kept day facts are those counted from the tickets: before any day
/// is kept, after, and right after a ticket of a kept day changes.
async fn kept_days_agree_with_the_tickets(server: Server) {
    let d = data(&server).await;
    // A ticket two days back: on a day the period covers whole.
    let earlier = ticket_in(
        &server,
        &d.a,
        1,
        "inquiry",
        "inquiry.fee",
        "app",
        d.to - Duration::days(2),
    )
    .await;
    let figures = |by: &'static str| {
        let to = d.to + Duration::minutes(1);
        let server = &server;
        let manager = server.admin.clone();
        let (from, project) = (d.from - Duration::days(4), d.a.project_id.clone());
        async move {
            let mut out = Vec::new();
            for project in [None, Some(project.as_str())] {
                let (status, f) = server
                    .get(
                        Some(&manager),
                        &path(project, from, to, &format!("&by={by}&compare=previous")),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{f}");
                out.push(f);
            }
            out
        }
    };
    let from_tickets = figures("project").await;
    assert_eq!(from_tickets[1]["tickets"], 6, "a1–a5 and the earlier one");
    let summed = refresh(&server).await;
    assert!(summed >= 3, "three days or more of site A and B: {summed}");
    assert_eq!(refresh(&server).await, 0, "nothing changed since");
    assert_eq!(figures("project").await, from_tickets, "kept days");
    assert_eq!(
        figures("channel").await[1]["tickets"],
        from_tickets[1]["tickets"],
        "a breakdown counted from the tickets has the same whole"
    );

    // The earlier ticket, on a kept day, is answered, solved and rated 1.
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已答复" }),
        json!({ "action": "follow_up", "satisfaction": 1 }),
    ] {
        act(&server, &d.a.agent, &earlier, action).await;
    }
    let changed = figures("project").await;
    assert_ne!(
        changed, from_tickets,
        "the change shows before its day is summed"
    );
    let before = &from_tickets[1];
    let after = &changed[1];
    let rated = |f: &Value| {
        // Mean rating × its count is the sum: 5 + 4 before, + 1 after.
        f["csat_average"].as_f64().unwrap()
    };
    near(&json!(rated(before)), 4.5, 1e-9, "a1 and a2's ratings");
    near(
        &json!(rated(after)),
        10.0 / 3.0,
        1e-9,
        "with the earlier one's 1",
    );
    assert!(
        after["first_update_median_minutes"] != before["first_update_median_minutes"],
        "the earlier one's first answer counts among the first updates"
    );
    assert!(refresh(&server).await >= 1, "its day is summed again");
    assert_eq!(figures("project").await, changed, "and reads the same");
}

/// The trend's months hold the tickets reported in them, the same whole as the service figures
/// of those months, whether the days are kept yet or not; it exports; bad asks are refused.
async fn the_trend_adds_up_month_by_month(server: Server) {
    let d = data(&server).await;
    // One more ticket 29 days back (the oldest a report may be): this month or the last.
    ticket_in(
        &server,
        &d.a,
        1,
        "inquiry",
        "inquiry.fee",
        "app",
        d.to - Duration::days(29),
    )
    .await;
    let trend = format!(
        "/api/v1/metrics/trend?project_id={}&months=3",
        d.a.project_id
    );
    let (status, t) = server.get(Some(&d.a.agent), &trend).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let months = t["months"].as_array().unwrap();
    assert_eq!(months.len(), 3);
    let first: DateTime<Utc> = months[0]["from"].as_str().unwrap().parse().unwrap();
    let last_to: DateTime<Utc> = months[2]["to"].as_str().unwrap().parse().unwrap();
    assert!(
        last_to <= Utc::now() && last_to > d.to,
        "this month ends now"
    );
    for pair in months.windows(2) {
        assert_eq!(pair[0]["to"], pair[1]["from"], "months follow each other");
    }
    let month = months[2]["month"].as_str().unwrap();
    assert_eq!(month.len(), 7, "YYYY-MM: {month}");
    let sum: u64 = months.iter().map(|m| m["tickets"].as_u64().unwrap()).sum();
    assert_eq!(sum, 6, "a1–a5 and the one 29 days back");
    let (_, whole) = server
        .get(
            Some(&d.a.agent),
            // The path's times are in whole seconds: the second that holds `last_to` included.
            &path(
                Some(&d.a.project_id),
                first,
                last_to + Duration::seconds(1),
                "",
            ),
        )
        .await;
    assert_eq!(whole["tickets"], 6);
    // Kept days read the same.
    refresh(&server).await;
    let (_, kept) = server.get(Some(&d.a.agent), &trend).await;
    assert_eq!(kept["months"].as_array().unwrap().len(), 3);
    for (was, is) in months.iter().zip(kept["months"].as_array().unwrap()) {
        assert_eq!(was["tickets"], is["tickets"]);
        assert_eq!(was["csat_average"], is["csat_average"]);
    }
    // As a spreadsheet, a row a month and the total.
    let response = server
        .client
        .get(format!("{}{trend}&format=xlsx", server.base))
        .bearer_auth(&d.a.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx file");
    for bad in ["months=0", "months=25", "months=x"] {
        let (status, body) = server
            .get(Some(&d.a.agent), &format!("/api/v1/metrics/trend?{bad}"))
            .await;
        assert!(status.is_client_error(), "{bad}: {status} {body}");
    }
    let (status, _) = server
        .get(
            Some(&d.b.agent),
            &format!("/api/v1/metrics/trend?project_id={}", d.a.project_id),
        )
        .await;
    assert!(status.is_client_error(), "another project's agent");
}
