//! 12345 hotline orders over HTTP, on SQLite and PostgreSQL: the webhook opens one ticket per
//! order number (also under concurrent arrivals), the platform's deadlines are clocks the
//! scheduler watches, the reply step is checked, the spreadsheet comes in and goes out, and the
//! on-time figure counts.

mod common;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    an_order_opens_a_hotline_ticket_and_again_updates_it,
    concurrent_arrivals_open_one_ticket,
    bad_orders_are_refused_naming_each_field,
    orders_stay_within_their_project,
    the_platform_deadlines_are_clocks_the_scheduler_watches,
    the_reply_is_checked_and_answers_the_order,
    the_platforms_spreadsheet_comes_in_and_goes_out,
);

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn order(site: &Site, order_no: &str) -> Value {
    let now = Utc::now();
    json!({
        "project_id": site.project_id,
        "order_no": order_no,
        "received_at": at(now - Duration::minutes(30)),
        "caller_name": "王女士",
        "caller_phone": "13900139000",
        "content": "市民反映：小区3栋楼下垃圾多日未清运，气味很大，要求物业尽快处理。",
        "accept_by": at(now + Duration::hours(2)),
        "finish_by": at(now + Duration::days(3)),
    })
}

fn deadline<'a>(ticket: &'a Value, name: &str) -> &'a Value {
    ticket["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no {name} clock in {ticket}"))
}

fn same_instant(a: &Value, b: &Value) -> bool {
    let parse = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    parse(a) == parse(b)
}

async fn an_order_opens_a_hotline_ticket_and_again_updates_it(server: Server) {
    let site = server.site("hl1").await;
    let sent = order(&site, "GD20261201000123");
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/hotline/orders",
            sent.clone(),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(ticket["channel"], "hotline_12345");
    assert_eq!(ticket["escalation_risk"], true);
    assert_eq!(ticket["hotline_order"]["order_no"], "GD20261201000123");
    assert_eq!(ticket["contact"]["phone"], "13900139000");
    assert!(same_instant(
        &deadline(&ticket, "hotline_accept")["due_at"],
        &sent["accept_by"]
    ));
    assert!(same_instant(
        &deadline(&ticket, "hotline_finish")["due_at"],
        &sent["finish_by"]
    ));
    assert_eq!(deadline(&ticket, "hotline_finish")["state"], "running");

    // The platform extends the deadline and adds to the request: the same ticket, updated.
    let extended = at(Utc::now() + Duration::days(5));
    let mut again = sent.clone();
    again["finish_by"] = json!(extended);
    again["content"] = json!("市民再次反映：3栋楼下垃圾仍未清运，要求物业尽快处理并回复。");
    let (status, updated) = server
        .post(Some(&site.agent), "/api/v1/hotline/orders", again)
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["id"], ticket["id"]);
    assert!(same_instant(
        &deadline(&updated, "hotline_finish")["due_at"],
        &json!(extended)
    ));
    assert!(
        updated["description"]
            .as_str()
            .unwrap()
            .contains("再次反映")
    );
    let id = ticket["id"].as_str().unwrap();
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    let update = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "hotline_update")
        .expect("the update is on the timeline");
    assert!(update["details"]["changes"]["finish_by"].is_object());
    assert_eq!(update["visibility"], "internal");
    let (_, list) = server
        .get(
            Some(&site.agent),
            &format!(
                "/api/v1/tickets?channel=hotline_12345&project_id={}",
                site.project_id
            ),
        )
        .await;
    assert_eq!(list["total"], 1, "{list}");
    // The same order sent unchanged changes nothing but its count of arrivals.
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/hotline/orders", sent)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, orders) = server
        .get(Some(&site.agent), "/api/v1/hotline/orders")
        .await;
    assert_eq!(orders["total"], 1);
    assert_eq!(orders["items"][0]["arrivals"], 3);
    assert_eq!(orders["items"][0]["caller_phone"], "139****9000");
}

async fn concurrent_arrivals_open_one_ticket(server: Server) {
    let site = server.site("hl2").await;
    let body = order(&site, "GD-RACE-1");
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = server
            .client
            .post(server.url("/api/v1/hotline/orders"))
            .bearer_auth(&site.agent)
            .json(&body);
        sends.spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let ticket: Value = response.json().await.unwrap();
            (status, ticket["id"].as_str().unwrap_or_default().to_owned())
        });
    }
    let answers = sends.join_all().await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(answers.iter().all(|(s, _)| s.is_success()), "{answers:?}");
    assert!(
        answers.iter().all(|(_, id)| *id == answers[0].1),
        "{answers:?}"
    );
    let (_, list) = server
        .get(
            Some(&site.agent),
            &format!(
                "/api/v1/tickets?channel=hotline_12345&project_id={}",
                site.project_id
            ),
        )
        .await;
    assert_eq!(list["total"], 1, "{list}");
}

async fn bad_orders_are_refused_naming_each_field(server: Server) {
    let site = server.site("hl3").await;
    let now = Utc::now();
    let (status, body) = server
        .post(
            Some(&site.agent),
            "/api/v1/hotline/orders",
            json!({
                "project_id": site.project_id,
                "order_no": "",
                "received_at": "昨天下午",
                "caller_phone": "12",
                "content": "",
                "finish_by": at(now - Duration::days(1)),
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    let fields = &body["error"]["details"]["fields"];
    for field in ["order_no", "received_at", "caller_phone", "content"] {
        assert!(fields[field].is_string(), "{field}: {body}");
    }
    let mut early = order(&site, "GD-EARLY");
    early["finish_by"] = json!(at(now - Duration::hours(1)));
    let (status, body) = server
        .post(Some(&site.agent), "/api/v1/hotline/orders", early)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["finish_by"], "mismatch");
    let mut unknown = order(&site, "GD-X");
    unknown["priority"] = json!("high");
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/hotline/orders", unknown)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server
        .post(None, "/api/v1/hotline/orders", order(&site, "GD-Y"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The contract as documented: both answers of the webhook, both forms of the list.
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    let orders = &doc["paths"]["/api/v1/hotline/orders"];
    for status in ["200", "201", "422"] {
        assert!(
            orders["post"]["responses"][status].is_object(),
            "{status}: {orders}"
        );
    }
    let list = &orders["get"]["responses"]["200"]["content"];
    assert!(list["application/json"].is_object(), "{list}");
    assert!(
        list["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"].is_object(),
        "{list}"
    );
    for path in [
        "/api/v1/hotline/orders/import",
        "/api/v1/tickets/{id}/hotline-reply",
        "/api/v1/metrics/hotline",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

async fn orders_stay_within_their_project(server: Server) {
    let site = server.site("hl4").await;
    let other = server.site("hl5").await;
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/hotline/orders",
            order(&site, "GD-SCOPE"),
            StatusCode::CREATED,
        )
        .await;
    let id = ticket["id"].as_str().unwrap();
    // Another project's agent neither opens tickets in this project nor touches its order.
    let (status, body) = server
        .post(
            Some(&other.agent),
            "/api/v1/hotline/orders",
            order(&site, "GD-NEW"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["project_id"],
        "unknown_reference"
    );
    let (status, _) = server
        .post(
            Some(&other.agent),
            "/api/v1/hotline/orders",
            order(&other, "GD-SCOPE"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            Some(&other.agent),
            &format!("/api/v1/tickets/{id}/hotline-reply"),
            json!({ "result": "垃圾已全部清运完毕，并已电话联系诉求人告知结果。" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, theirs) = server
        .get(Some(&other.agent), "/api/v1/hotline/orders")
        .await;
    assert_eq!(theirs["total"], 0);
    // A technician does not take orders in.
    let (status, _) = server
        .post(
            Some(&site.tech),
            "/api/v1/hotline/orders",
            order(&site, "GD-TECH"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get(Some(&site.tech), "/api/v1/hotline/orders").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn the_platform_deadlines_are_clocks_the_scheduler_watches(server: Server) {
    let site = server.site("hl6").await;
    let now = Utc::now();
    let mut late = order(&site, "GD-LATE");
    late["received_at"] = json!(at(now - Duration::hours(3)));
    late["accept_by"] = json!(at(now - Duration::hours(1)));
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/hotline/orders",
            late,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(deadline(&ticket, "hotline_accept")["state"], "breached");
    let id = ticket["id"].as_str().unwrap();
    let (_, queue) = server
        .get(Some(&site.agent), "/api/v1/tickets?sla_state=breached")
        .await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id),
        "{queue}"
    );
    server
        .store
        .sweep_sla("node-a", Utc::now(), 100)
        .await
        .unwrap();
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    let escalated = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "sla_escalation" && e["details"]["clock"] == "hotline_accept");
    assert!(escalated, "{events}");
    // Signing for it (the first answer to the caller) stops the 签收 clock.
    let (status, body) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "respond", "body": "您好，您反映的问题已收到，我们马上安排处理。" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, now_ticket) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(deadline(&now_ticket, "hotline_accept")["state"], "breached");
    assert!(deadline(&now_ticket, "hotline_accept")["remaining_seconds"].is_null());
    // The 办结 clock is warned about ahead of time, like any other clock.
    let (_, warned) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(deadline(&warned, "hotline_finish")["state"], "running");
    let fired = server
        .store
        .sweep_sla(
            "node-a",
            Utc::now() + Duration::days(2) + Duration::hours(12),
            100,
        )
        .await
        .unwrap();
    assert!(fired > 0);
    let (_, events) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}/events"))
        .await;
    let warned = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "sla_warning" && e["details"]["clock"] == "hotline_finish");
    assert!(warned, "{events}");
}

const REPLY: &str =
    "经核实，3栋楼下垃圾已于当日全部清运，并增加每日清运一次；已电话联系王女士告知处理结果。";

async fn resolve(server: &Server, site: &Site, id: &str) {
    for action in [
        json!({ "action": "respond", "body": "已收到，马上安排。" }),
        json!({ "action": "resolve", "body": "垃圾已清运" }),
    ] {
        let (status, body) = server.act(&site.agent, id, action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

async fn the_reply_is_checked_and_answers_the_order(server: Server) {
    let site = server.site("hl7").await;
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/hotline/orders",
            order(&site, "GD-REPLY"),
            StatusCode::CREATED,
        )
        .await;
    let id = ticket["id"].as_str().unwrap();
    let path = format!("/api/v1/tickets/{id}/hotline-reply");
    // Before the work is done, and without saying what was done: both named at once.
    let (status, body) = server
        .post(
            Some(&site.agent),
            &path,
            json!({ "result": "物业公司高度重视，感谢市民的监督和支持。" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &body["error"]["details"]["fields"];
    assert_eq!(fields["result"], "no_action_stated");
    assert_eq!(fields["status"], "not_resolved");
    resolve(&server, &site, id).await;
    let (status, body) = server
        .post(
            Some(&site.agent),
            &path,
            json!({ "result": "垃圾已全部清运完毕，并增加了每日巡查。" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["details"]["fields"]["result"],
        "caller_not_told"
    );
    assert!(
        body["error"]["details"]["messages"]["result"].is_string(),
        "{body}"
    );
    let answered = server
        .ok(
            &site.agent,
            &path,
            json!({ "result": REPLY }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(answered["reply"], REPLY);
    assert_eq!(answered["answered_in_time"], true);
    let (_, now_ticket) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(deadline(&now_ticket, "hotline_finish")["state"], "met");
    assert!(now_ticket["hotline_order"]["answered_at"].is_string());

    // A second order left past its deadline: half the decided orders were on time.
    let now = Utc::now();
    let mut overdue = order(&site, "GD-OVERDUE");
    overdue["received_at"] = json!(at(now - Duration::hours(5)));
    overdue["accept_by"] = json!(null);
    overdue["finish_by"] = json!(at(now - Duration::hours(1)));
    server
        .ok(
            &site.agent,
            "/api/v1/hotline/orders",
            overdue,
            StatusCode::CREATED,
        )
        .await;
    let (from, to) = (at(now - Duration::days(1)), at(now + Duration::days(1)));
    let (status, figures) = server
        .get(
            Some(&site.agent),
            &format!(
                "/api/v1/metrics/hotline?project_id={}&from={from}&to={to}",
                site.project_id
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    assert_eq!(figures["orders"], 2);
    assert_eq!(figures["answered"], 1);
    assert_eq!(figures["answered_in_time"], 1);
    assert_eq!(figures["overdue"], 1);
    assert_eq!(figures["on_time_rate"], 0.5);
    let (_, waiting) = server
        .get(Some(&site.agent), "/api/v1/hotline/orders?answered=false")
        .await;
    assert_eq!(waiting["total"], 1);
    assert_eq!(waiting["items"][0]["order_no"], "GD-OVERDUE");
}

/// An .xlsx of `rows` under `headers`, as the platform exports it (a title row first).
fn workbook(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "12345政务服务便民热线工单导出")
        .unwrap();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 2, c as u16, value).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn upload(
    server: &Server,
    token: &str,
    project_id: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url(&format!(
            "/api/v1/hotline/orders/import?project_id={project_id}"
        )))
        .bearer_auth(token)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn the_platforms_spreadsheet_comes_in_and_goes_out(server: Server) {
    let site = server.site("hl8").await;
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&shanghai)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let now = Utc::now();
    // The platform's columns in its own order, not ours.
    let headers = [
        "诉求内容",
        "所属街道",
        "办理时限",
        "工单编号",
        "诉求人",
        "来电时间",
        "联系电话",
    ];
    let good = |no: &str| {
        vec![
            "小区南门路灯不亮已经一周，晚上出行不便".to_owned(),
            "翠湖街道".to_owned(),
            local(now + Duration::days(3)),
            no.to_owned(),
            "李先生".to_owned(),
            local(now - Duration::hours(1)),
            "13700137000".to_owned(),
        ]
    };
    let mut bad = good("GD-XLSX-3");
    bad[2] = "下周".to_owned();
    let (status, body) = upload(
        &server,
        &site.agent,
        &site.project_id,
        workbook(&headers, &[good("GD-XLSX-1"), good("GD-XLSX-2"), bad]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problems = body["error"]["details"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{body}");
    assert_eq!(problems[0]["row"], 5);
    assert_eq!(problems[0]["column"], "办理时限");
    assert_eq!(problems[0]["code"], "invalid");
    let (_, none) = server
        .get(Some(&site.agent), "/api/v1/hotline/orders")
        .await;
    assert_eq!(none["total"], 0, "a file with a bad row takes nothing in");

    let file = workbook(&headers, &[good("GD-XLSX-1"), good("GD-XLSX-2")]);
    let (status, body) = upload(&server, &site.agent, &site.project_id, file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["created"].as_u64(), body["updated"].as_u64()),
        (Some(2), Some(0))
    );
    let (_, body) = upload(&server, &site.agent, &site.project_id, file).await;
    assert_eq!(
        (body["created"].as_u64(), body["updated"].as_u64()),
        (Some(0), Some(2))
    );
    let (status, body) = upload(
        &server,
        &site.agent,
        &site.project_id,
        b"order_no,content".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["file"], "invalid");

    // Answer one and export: the platform's columns with our result.
    let (_, orders) = server
        .get(Some(&site.agent), "/api/v1/hotline/orders")
        .await;
    let first = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["order_no"] == "GD-XLSX-1")
        .unwrap();
    let id = first["ticket_id"].as_str().unwrap();
    resolve(&server, &site, id).await;
    let reply = "南门路灯已于今日更换灯泡并修复线路，已电话告知李先生处理结果。";
    server
        .ok(
            &site.agent,
            &format!("/api/v1/tickets/{id}/hotline-reply"),
            json!({ "result": reply }),
            StatusCode::OK,
        )
        .await;
    let response = server
        .client
        .get(server.url(&format!(
            "/api/v1/hotline/orders?format=xlsx&project_id={}",
            site.project_id
        )))
        .bearer_auth(&site.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = response.bytes().await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][0], "工单编号");
    assert_eq!(rows[0][8], "办理结果");
    let answered = rows.iter().find(|r| r[0] == "GD-XLSX-1").unwrap();
    assert_eq!(answered[8], reply);
    assert_eq!(answered[10], "是");
    assert_eq!(answered[3], "13700137000");
}
