//! Importing rooms and residents in bulk, on SQLite and PostgreSQL: one transaction, all or
//! nothing, duplicates skipped, a phone conflict refusing the whole file.

mod common;

use chrono::Utc;
use common::Server;
use guanjia_domain::place::RoomKind;
use guanjia_domain::resident::{ResidentRole, ServiceTier};
use guanjia_domain::setup::NewRoom;
use guanjia_storage::{PlaceRow, Principal, ResidentRow, StorageError};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    a_file_imports_once_and_again_changes_nothing,
    a_conflict_or_a_dry_run_writes_nothing,
    only_admins_import
);

fn row(line: u32, building: &str, number: &str, resident: Option<(&str, &str)>) -> PlaceRow {
    PlaceRow {
        line,
        building: building.into(),
        room: NewRoom {
            unit: "1单元".into(),
            number: number.into(),
            kind: RoomKind::Residential,
            floor: None,
            area_m2: Some(89.5),
        },
        resident: resident.map(|(name, phone)| ResidentRow {
            name: name.into(),
            phone: phone.into(),
            role: ResidentRole::Owner,
            tier: ServiceTier::Basic,
        }),
    }
}

async fn project(server: &Server, code: &str) -> String {
    let body = server
        .ok(
            &server.admin,
            "/api/v1/projects",
            json!({ "code": code, "name": code }),
            StatusCode::CREATED,
        )
        .await;
    body["id"].as_str().unwrap().to_owned()
}

async fn a_file_imports_once_and_again_changes_nothing(server: Server) {
    let admin = Principal::system(&server.company_id, "import-test");
    let project_id = project(&server, "imp1").await;
    // An existing building is reused, not created again.
    server
        .ok(
            &server.admin,
            &format!("/api/v1/projects/{project_id}/buildings"),
            json!({ "name": "1栋" }),
            StatusCode::CREATED,
        )
        .await;
    let rows = vec![
        row(2, "1栋", "101", Some(("张伟", "13800138001"))),
        row(3, "1栋", "101", Some(("李娜", "13800138002"))),
        row(4, "2栋", "201", None),
        // The same row twice in one file: the second is a duplicate.
        row(5, "2栋", "202", Some(("王芳", "13800138003"))),
        row(6, "2栋", "202", Some(("王芳", "13800138003"))),
    ];
    let report = server
        .store
        .import_places(&admin, &project_id, &rows, false, Utc::now())
        .await
        .unwrap();
    assert!(report.committed && report.conflicts.is_empty());
    assert_eq!(
        (
            report.buildings_created,
            report.rooms_created,
            report.rooms_existing
        ),
        (1, 3, 2)
    );
    assert_eq!(
        (report.residents_created, report.residents_existing),
        (3, 1)
    );

    let (_, buildings) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/projects/{project_id}/buildings"),
        )
        .await;
    assert_eq!(buildings["total"], 2);
    let (_, residents) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/residents?project_id={project_id}"),
        )
        .await;
    assert_eq!(residents["total"], 3);
    let (_, household) = server
        .get(Some(&server.admin), "/api/v1/residents?phone=13800138002")
        .await;
    let (_, same) = server
        .get(Some(&server.admin), "/api/v1/residents?phone=13800138001")
        .await;
    assert_eq!(
        household["items"][0]["room_id"], same["items"][0]["room_id"],
        "one household per room"
    );

    let again = server
        .store
        .import_places(&admin, &project_id, &rows, false, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (
            again.buildings_created,
            again.rooms_created,
            again.residents_created
        ),
        (0, 0, 0)
    );
    assert_eq!((again.rooms_existing, again.residents_existing), (5, 4));
}

async fn a_conflict_or_a_dry_run_writes_nothing(server: Server) {
    let admin = Principal::system(&server.company_id, "import-test");
    let project_id = project(&server, "imp2").await;
    let first = vec![row(2, "5栋", "501", Some(("赵敏", "13900139001")))];
    let dry = server
        .store
        .import_places(&admin, &project_id, &first, true, Utc::now())
        .await
        .unwrap();
    assert!(!dry.committed);
    assert_eq!(
        (
            dry.buildings_created,
            dry.rooms_created,
            dry.residents_created
        ),
        (1, 1, 1),
        "a check says what importing would do"
    );
    let (_, buildings) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/projects/{project_id}/buildings"),
        )
        .await;
    assert_eq!(buildings["total"], 0, "and does nothing");

    server
        .store
        .import_places(&admin, &project_id, &first, false, Utc::now())
        .await
        .unwrap();
    let clash = vec![
        row(2, "6栋", "601", None),
        row(3, "5栋", "501", Some(("赵小敏", "13900139001"))),
    ];
    let refused = server
        .store
        .import_places(&admin, &project_id, &clash, false, Utc::now())
        .await
        .unwrap();
    assert!(!refused.committed);
    assert_eq!(refused.conflicts.len(), 1);
    assert_eq!(
        (
            refused.conflicts[0].line,
            refused.conflicts[0].registered_name.as_str()
        ),
        (3, "赵敏")
    );
    let (_, buildings) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/projects/{project_id}/buildings"),
        )
        .await;
    assert_eq!(
        buildings["total"], 1,
        "the clean row of a refused file is not imported either"
    );
}

async fn only_admins_import(server: Server) {
    let site = server.site("imp3").await;
    let who = server
        .store
        .authenticate(&site.agent, Utc::now())
        .await
        .unwrap();
    let refused = server
        .store
        .import_places(
            &who,
            &site.project_id,
            &[row(2, "9栋", "901", None)],
            false,
            Utc::now(),
        )
        .await;
    assert!(
        matches!(refused, Err(StorageError::Forbidden)),
        "{refused:?}"
    );
}
