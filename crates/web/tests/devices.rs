//! A device's alarm history (keyset pages, newest first, within the caller's projects) and the
//! alarms' retention (removed in bounded batches by housekeeping, safely from two nodes at once),
//! on SQLite and PostgreSQL.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::Server;
use guanjia_storage::Store;
use guanjia_storage::entity::device_alarm;
use reqwest::StatusCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

on_both_databases!(
    a_devices_alarms_are_read_newest_first_by_keyset_pages_within_scope,
    housekeeping_removes_alarms_past_retention_in_batches_from_two_nodes,
);

async fn device(server: &Server, project_id: &str, device_id: &str) -> String {
    let d = server
        .ok(
            &server.admin,
            "/api/v1/devices",
            json!({ "project_id": project_id, "device_id": device_id, "type": "smoke_detector" }),
            StatusCode::CREATED,
        )
        .await;
    d["id"].as_str().unwrap().to_owned()
}

async fn a_devices_alarms_are_read_newest_first_by_keyset_pages_within_scope(server: Server) {
    let site = server.site("dev-a").await;
    let other = server.site("dev-b").await;
    let id = device(&server, &site.project_id, "SD-7").await;
    let elsewhere = device(&server, &other.project_id, "SD-8").await;
    let mut sent = vec![];
    for (i, state) in ["alarm", "alarm", "recovered", "alarm", "alarm"]
        .iter()
        .enumerate()
    {
        let at = (Utc::now() - Duration::seconds(60 - i as i64 * 10))
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let (status, body) = server
            .post(
                Some(&site.agent),
                "/api/v1/iot/alarms",
                json!({ "device_id": "SD-7", "type": "smoke", "state": state, "at": at }),
            )
            .await;
        assert!(status.is_success(), "{status} {body}");
        sent.push((at, *state));
    }

    // Two at a time, following the cursor: every alarm once, the last received first.
    let path = format!("/api/v1/devices/{id}/alarms");
    let mut seen: Vec<Value> = vec![];
    let mut next = None::<String>;
    let mut pages = 0;
    loop {
        let url = match &next {
            Some(after) => format!("{path}?per_page=2&after={after}"),
            None => format!("{path}?per_page=2"),
        };
        let (status, page) = server.get(Some(&site.agent), &url).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 5);
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        pages += 1;
        match page["next"].as_str() {
            Some(after) => next = Some(after.to_owned()),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (3, 5), "{seen:?}");
    let states: Vec<&str> = seen.iter().map(|a| a["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["alarm", "alarm", "recovered", "alarm", "alarm"]);
    let times: Vec<&str> = seen.iter().map(|a| a["at"].as_str().unwrap()).collect();
    let mut newest_first: Vec<&str> = sent.iter().map(|(at, _)| at.as_str()).collect();
    newest_first.reverse();
    let parse = |t: &str| t.parse::<chrono::DateTime<Utc>>().unwrap();
    assert_eq!(
        times.iter().map(|t| parse(t)).collect::<Vec<_>>(),
        newest_first.iter().map(|t| parse(t)).collect::<Vec<_>>()
    );
    assert_eq!(seen[4]["outcome"], "opened");
    assert!(seen[4]["ticket_id"].is_string());
    assert_eq!(seen[0]["alarm_type"], "smoke");

    // Out of scope is not found; a made-up cursor is refused on its field.
    let (status, _) = server.get(Some(&other.agent), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/devices/{elsewhere}/alarms"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, refused) = server
        .get(Some(&site.agent), &format!("{path}?after=yesterday"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("after"), "{refused}");
    let (_, empty) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/devices/{elsewhere}/alarms"),
        )
        .await;
    assert_eq!(empty["error"]["code"], "not_found");

    // The document describes it as served.
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    let names: Vec<&str> = doc["paths"]["/api/v1/devices/{id}/alarms"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["after", "per_page", "id", "format"], "{names:?}");
}

/// Alarms of `device_ref` received `days_ago`, written straight to the table (as months of
/// alarms would have been).
async fn old_alarms(
    db: &DatabaseConnection,
    company_id: &str,
    device_ref: &str,
    days_ago: i64,
    count: usize,
) {
    let received = Utc::now() - Duration::days(days_ago);
    let rows: Vec<device_alarm::ActiveModel> = (0..count)
        .map(|i| device_alarm::ActiveModel {
            company_id: Set(company_id.to_owned()),
            id: Set(guanjia_storage::new_id()),
            device_ref: Set(device_ref.to_owned()),
            alarm_type: Set("smoke".into()),
            state: Set("alarm".into()),
            at: Set(received - Duration::seconds(i as i64)),
            ticket_id: Set(None),
            outcome: Set("opened".into()),
            received_by: Set("mqtt".into()),
            received_at: Set(received - Duration::seconds(i as i64)),
        })
        .collect();
    for chunk in rows.chunks(100) {
        device_alarm::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .unwrap();
    }
}

async fn housekeeping_removes_alarms_past_retention_in_batches_from_two_nodes(server: Server) {
    let site = server.site("dev-r").await;
    let id = device(&server, &site.project_id, "SD-R").await;
    let store = &server.store;
    let db = sea_orm::Database::connect(&server.url).await.unwrap();
    // Over two batches past 180 days, a few within them.
    old_alarms(&db, &server.company_id, &id, 200, 1_100).await;
    old_alarms(&db, &server.company_id, &id, 179, 3).await;
    let count = || async {
        device_alarm::Entity::find()
            .filter(device_alarm::Column::DeviceRef.eq(&id))
            .count(&db)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 1_103);

    // Two nodes at once: each row goes once, neither fails.
    let other_node = Store::connect(&server.url).await.unwrap();
    let now = Utc::now();
    let (a, b) = tokio::join!(
        guanjia_web::forget_old_alarms(store, 180, now),
        guanjia_web::forget_old_alarms(&other_node, 180, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1_100);
    assert_eq!(count().await, 3, "the recent alarms stay");
    let (_, page) = server
        .get(Some(&site.agent), &format!("/api/v1/devices/{id}/alarms"))
        .await;
    assert_eq!(page["total"], 3);

    // 0 keeps them forever.
    assert_eq!(
        guanjia_web::forget_old_alarms(store, 0, now + Duration::days(3650))
            .await
            .unwrap(),
        0
    );
    assert_eq!(count().await, 3);
}
