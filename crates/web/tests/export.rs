//! `format=xlsx` on the API's lists and figures, on SQLite and PostgreSQL: the ticket list's
//! every page under its filters, opened with calamine — Chinese titles, exactly the JSON's rows,
//! phones masked, the caller's projects only, audited; the service figures; errors stay JSON.

mod common;

use std::collections::BTreeSet;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use common::{Server, Site};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE};
use serde_json::{Value, json};

on_both_databases!(
    the_ticket_list_exports_every_page_under_its_filters,
    figures_export_and_errors_stay_json
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Opens `count` tickets of `kind` in the site's project, ten at a time.
async fn open_tickets(server: &Server, site: &Site, kind: &str, count: usize) {
    let mut done = 0;
    while done < count {
        let mut batch = tokio::task::JoinSet::new();
        for i in done..(done + 10).min(count) {
            let request = server
                .client
                .post(server.url("/api/v1/tickets"))
                .bearer_auth(&site.agent)
                .json(&json!({
                    "project_id": site.project_id,
                    "channel": "phone",
                    "kind": kind,
                    "room_id": site.rooms[i % 2],
                    "title": format!("{kind} {i}"),
                    "description": format!("第{i}号：{}", if kind == "repair" { "厨房水龙头滴水" } else { "夜间施工噪音扰民" }),
                    "contact": { "name": format!("住户{i}"), "phone": format!("139{:08}", 10_000 + i) },
                }));
            batch.spawn(async move { request.send().await.unwrap().status() });
        }
        while let Some(status) = batch.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::CREATED);
        }
        done = (done + 10).min(count);
    }
}

/// Every ticket of `query` as the JSON pages give them, by the `next` cursor.
async fn json_pages(server: &Server, token: &str, query: &str) -> Vec<Value> {
    let mut all = vec![];
    let mut path = format!("/api/v1/tickets?{query}&per_page=200");
    loop {
        let (status, page) = server.get(Some(token), &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/tickets?{query}&per_page=200&after={next}"),
            None => return all,
        }
    }
}

/// The answer to a GET with `headers`: status, headers and body.
async fn fetch(
    server: &Server,
    token: Option<&str>,
    path: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> reqwest::Response {
    let mut request = server.client.get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(name.clone(), *value);
    }
    request.send().await.unwrap()
}

/// The first sheet's rows as text, as a reader sees them.
async fn sheet(response: reqwest::Response) -> Vec<Vec<Data>> {
    let bytes = response.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn column(rows: &[Vec<Data>], title: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| *c == title)
        .unwrap_or_else(|| panic!("no column {title}: {:?}", rows[0]))
}

async fn the_ticket_list_exports_every_page_under_its_filters(server: Server) {
    let ours = server.site("exa").await;
    let theirs = server.site("exb").await;
    // More than two pages of 200 under the filter, and tickets the filter leaves out.
    open_tickets(&server, &ours, "repair", 450).await;
    open_tickets(&server, &ours, "complaint", 6).await;
    open_tickets(&server, &theirs, "repair", 3).await;

    let expected = json_pages(&server, &ours.agent, "kind=repair").await;
    assert_eq!(expected.len(), 450);
    let response = fetch(
        &server,
        Some(&ours.agent),
        "/api/v1/tickets?kind=repair&format=xlsx",
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], XLSX);
    let disposition = response.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"tickets-")
            && disposition.ends_with(".xlsx\""),
        "{disposition}"
    );
    let rows = sheet(response).await;
    assert_eq!(rows.len(), 451, "a header and one row per ticket");
    // The columns in the order the API declares the fields.
    assert_eq!(
        rows[0][..3].iter().map(Data::to_string).collect::<Vec<_>>(),
        ["编号", "工单号", "类型"]
    );
    let (number, status, kind, phone, reported) = (
        column(&rows, "工单号"),
        column(&rows, "状态"),
        column(&rows, "类型"),
        column(&rows, "联系人·电话"),
        column(&rows, "报事时间"),
    );
    let exported: BTreeSet<String> = rows[1..].iter().map(|r| r[number].to_string()).collect();
    let listed: BTreeSet<String> = expected
        .iter()
        .map(|t| t["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(exported, listed);
    for row in &rows[1..] {
        let ticket = expected
            .iter()
            .find(|t| t["number"] == row[number].to_string())
            .unwrap();
        // The phone as the list gives it: masked, never unmasked by the export.
        let masked = ticket["contact"]["phone"].as_str().unwrap();
        assert!(masked.contains('*'), "{masked}");
        assert_eq!(row[phone].to_string(), masked);
        assert_eq!(row[status].to_string(), "待受理");
        assert_eq!(row[kind].to_string(), "报修");
        assert!(
            matches!(row[reported], Data::DateTime(_)),
            "{:?}",
            row[reported]
        );
    }

    // Another project's agent exports only their project's tickets.
    let response = fetch(
        &server,
        Some(&theirs.agent),
        "/api/v1/tickets?format=xlsx",
        &[("accept-language".parse().unwrap(), "en")],
    )
    .await;
    let rows = sheet(response).await;
    assert_eq!(rows.len(), 4, "{:?}", rows.first());
    let number = column(&rows, "Ticket number");
    assert!(
        rows[1..]
            .iter()
            .all(|r| !listed.contains(&r[number].to_string()))
    );
    assert_eq!(rows[1][column(&rows, "Status")].to_string(), "New");

    // The export is a read of personal data: audited with its filters and rows.
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let trail = server
        .store
        .audit_trail(&admin, "export", "/api/v1/tickets")
        .await
        .unwrap();
    let first = trail
        .iter()
        .find(|e| e.actor_id.as_deref() == Some(ours.agent_id.as_str()))
        .unwrap();
    assert_eq!(first.action, "export");
    assert_eq!(first.details["rows"], 450);
    assert_eq!(first.details["filters"], json!({ "kind": "repair" }));
}

async fn figures_export_and_errors_stay_json(server: Server) {
    let site = server.site("exf").await;
    open_tickets(&server, &site, "repair", 3).await;
    let from = (Utc::now() - Duration::days(1)).to_rfc3339();
    let to = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let query = query_of(&[
        ("from", &from),
        ("to", &to),
        ("project_id", &site.project_id),
    ]);
    let (status, figures) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/metrics/service?{query}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let response = fetch(
        &server,
        Some(&server.admin),
        &format!("/api/v1/metrics/service?{query}&format=xlsx"),
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("metrics-service-"), "{disposition}");
    let rows = sheet(response).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0].to_string(), "范围");
    assert_eq!(rows[1][0].to_string(), "本期");
    let tickets = column(&rows, "工单数");
    assert_eq!(
        rows[1][tickets],
        Data::Float(figures["tickets"].as_f64().unwrap())
    );
    assert_eq!(figures["tickets"], 3);
    column(&rows, "机器人·回答率");

    // The page's link carries the session cookie rather than a bearer token: the same answer.
    let cookie = format!("gj_session={}", server.admin);
    let response = fetch(
        &server,
        None,
        &format!("/api/v1/metrics/service?{query}&format=xlsx"),
        &[(COOKIE, &cookie), (ACCEPT_LANGUAGE, "en")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let rows = sheet(response).await;
    assert_eq!(rows[0][0].to_string(), "Scope");
    assert_eq!(rows[1][0].to_string(), "This period");

    // Only xlsx; the error names the field.
    let (status, body) = server
        .get(Some(&site.agent), "/api/v1/tickets?format=csv")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["format"], "invalid",
        "{body}"
    );
    // The handler's own errors are the JSON endpoint's, as JSON.
    let (status, body) = server
        .get(
            Some(&site.agent),
            "/api/v1/tickets?format=xlsx&status=bogus",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["status"], "invalid",
        "{body}"
    );
    let (status, body) = server.get(None, "/api/v1/tickets?format=xlsx").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated", "{body}");
    // Not a list: the parameter is unknown there, as before.
    let (status, _) = server
        .get(Some(&site.agent), "/api/v1/tickets/nope?format=xlsx")
        .await;
    assert!(status.is_client_error());
}

fn query_of(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}
