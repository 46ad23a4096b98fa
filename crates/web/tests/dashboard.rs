//! The managers' dashboard figures, counted by the database on SQLite and PostgreSQL alike.

mod common;

use chrono::{Duration, Utc};
use common::Server;
use guanjia_domain::ticket::Status;
use guanjia_storage::{DashboardQuery, Principal, StorageError};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    the_dashboard_counts_what_happened,
    the_dashboard_is_for_managers,
    open_late_clocks_count_beside_the_met_ones
);

async fn the_dashboard_counts_what_happened(server: Server) {
    let site = server.site("dash").await;
    let mut ids = vec![];
    for text in ["厨房水管漏水", "楼道灯不亮了", "电梯异响"] {
        let body = json!({ "project_id": site.project_id, "channel": "phone", "description": text, "kind": "repair", "category": "repair.water", "urgency": "normal", "room_id": site.rooms[0] });
        let ticket = server
            .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
            .await;
        ids.push(ticket["id"].as_str().unwrap().to_owned());
    }
    // One answered at once (its first-response clock met), resolved and rated 4; one cancelled.
    for action in [
        json!({ "action": "respond", "body": "马上安排" }),
        json!({ "action": "resolve" }),
        json!({ "action": "follow_up", "satisfaction": 4 }),
    ] {
        let (status, body) = server.act(&site.agent, &ids[0], action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, _) = server
        .act(
            &site.agent,
            &ids[2],
            json!({ "action": "cancel", "reason": "误报" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let manager = Principal::system(&server.company_id, "dashboard-test");
    let now = Utc::now();
    let query = DashboardQuery {
        project_id: Some(site.project_id.clone()),
        from: now - Duration::days(30),
        to: now + Duration::minutes(1),
        zone: chrono_tz::Asia::Shanghai,
    };
    let data = server.store.dashboard(&manager, &query).await.unwrap();
    assert!(
        data.reported_by_day.len() >= 30,
        "every day of the period, zeros included"
    );
    let reported: u64 = data.reported_by_day.iter().map(|(_, n)| n).sum();
    assert_eq!(
        (reported, data.total.reported),
        (2, 2),
        "the cancelled ticket is left out"
    );
    assert_eq!(data.open_by_status, vec![(Status::New, 1)]);
    assert_eq!(data.total.open, 1);
    let first_response = data
        .sla_by_clock
        .iter()
        .find(|(name, _)| name == "first_response")
        .map(|(_, c)| *c)
        .expect("a finished first-response clock");
    assert_eq!((first_response.met, first_response.finished), (1, 1));
    assert_eq!(data.total.first_response_seconds.count, 1);
    assert_eq!(
        (data.total.csat.value(), data.total.csat.count),
        (Some(4.0), 1)
    );
    let rated_weeks: u64 = data.csat_by_week.iter().map(|(_, m)| m.count).sum();
    assert_eq!(rated_weeks, 1);
    assert_eq!(data.projects.len(), 1);
    assert_eq!(data.projects[&site.project_id], data.total);

    // Once the days are summed and kept, the dashboard reads them and shows the same.
    loop {
        let done = server.store.refresh_ticket_days(Utc::now()).await.unwrap();
        if !done.more {
            break;
        }
    }
    let kept = server.store.dashboard(&manager, &query).await.unwrap();
    assert_eq!(kept, data);
}

async fn the_dashboard_is_for_managers(server: Server) {
    let site = server.site("dash2").await;
    let now = Utc::now();
    let query = DashboardQuery {
        project_id: None,
        from: now - Duration::days(7),
        to: now,
        zone: chrono_tz::Asia::Shanghai,
    };
    let agent = server.store.authenticate(&site.agent, now).await.unwrap();
    assert!(matches!(
        server.store.dashboard(&agent, &query).await,
        Err(StorageError::Forbidden)
    ));
}

/// An open ticket already past its deadline is shown beside the finished clocks and counts
/// against compliance: a desk that answers nobody is not 100% on time.
async fn open_late_clocks_count_beside_the_met_ones(server: Server) {
    let site = server.site("dash3").await;
    let now = Utc::now();
    let ticket = |text: &str, reported_at| json!({ "project_id": site.project_id, "channel": "phone", "description": text, "kind": "inquiry", "category": "inquiry.fee", "urgency": "normal", "reported_at": reported_at });
    server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            ticket("物业费怎么交", now - Duration::hours(2)),
            StatusCode::CREATED,
        )
        .await;
    let answered = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            ticket("停车费怎么交", now),
            StatusCode::CREATED,
        )
        .await;
    let (status, body) = server
        .act(
            &site.agent,
            answered["id"].as_str().unwrap(),
            json!({ "action": "respond", "body": "可在小程序缴费" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let manager = Principal::system(&server.company_id, "dashboard-test");
    let query = DashboardQuery {
        project_id: Some(site.project_id.clone()),
        from: now - Duration::days(7),
        to: Utc::now(),
        zone: chrono_tz::Asia::Shanghai,
    };
    let data = server.store.dashboard(&manager, &query).await.unwrap();
    let first_response = data
        .sla_by_clock
        .iter()
        .find(|(name, _)| name == "first_response")
        .map(|(_, c)| *c)
        .unwrap();
    assert_eq!(
        (
            first_response.met,
            first_response.finished,
            first_response.open_late
        ),
        (1, 1, 1)
    );
    assert_eq!(first_response.share(), Some(0.5));
    assert_eq!(
        data.total.sla.open_late, 1,
        "the inquiries' resolution is not due yet"
    );
}
