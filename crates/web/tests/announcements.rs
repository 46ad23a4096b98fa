//! Announcements end to end: targeting by segment, sending, the residents' notice board, read
//! and acknowledgement figures, the reminder sent once across nodes, and resident tags.

mod common;

use chrono::{Duration, Utc};
use common::{Db, Server, Site, staff};
use guanjia_storage::SecretKey;
use guanjia_storage::entity::{notification, webhook_delivery};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// A second building of the site: a shop (premium tenant) and a flat in 1单元.
struct Extra {
    building_a: String,
    building_b: String,
    shop_phone: String,
    shop_resident: String,
}

async fn buildings_of(server: &Server, site: &Site) -> Extra {
    let admin = &server.admin;
    let (_, list) = server
        .get(
            Some(admin),
            &format!("/api/v1/projects/{}/buildings", site.project_id),
        )
        .await;
    let building_a = list["items"][0]["id"].as_str().unwrap().to_owned();
    let b = server
        .ok(
            admin,
            &format!("/api/v1/projects/{}/buildings", site.project_id),
            json!({ "name": "商业楼" }),
            StatusCode::CREATED,
        )
        .await;
    let building_b = b["id"].as_str().unwrap().to_owned();
    let shop = server
        .ok(
            admin,
            &format!("/api/v1/buildings/{building_b}/rooms"),
            json!({ "unit": "1单元", "number": "L1-01", "kind": "shop" }),
            StatusCode::CREATED,
        )
        .await;
    let shop_phone = "13912340001".to_owned();
    let r = server
        .ok(
            admin,
            "/api/v1/residents",
            json!({ "name": "商户", "phone": shop_phone, "room_id": shop["id"], "role": "merchant", "tier": "premium" }),
            StatusCode::CREATED,
        )
        .await;
    Extra {
        building_a,
        building_b,
        shop_phone,
        shop_resident: r["id"].as_str().unwrap().to_owned(),
    }
}

async fn database(server: &Server) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(&server.url).await.unwrap()
}

async fn put_ok(server: &Server, token: &str, path: &str, body: Value) -> Value {
    let (status, answer) = server.put(token, path, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

async fn manager(server: &Server, site: &Site, name: &str) -> String {
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff(name, "manager", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    server.login(name).await
}

async fn preview(server: &Server, token: &str, project_id: &str, audience: Value) -> u64 {
    let body = server
        .ok(
            token,
            "/api/v1/announcements/preview",
            json!({ "project_id": project_id, "audience": audience }),
            StatusCode::OK,
        )
        .await;
    body["recipients"].as_u64().unwrap()
}

fn notice(project_id: &str, audience: Value, requires_ack: bool) -> Value {
    json!({ "project_id": project_id, "title": "停水通知", "body": "明天 **9:00-12:00** 停水",
            "category": "outage", "audience": audience, "requires_ack": requires_ack })
}

async fn targeting_by_segment(server: Server) {
    let site = server.site("tg").await;
    let extra = buildings_of(&server, &site).await;
    let boss = manager(&server, &site, "tg-manager").await;
    let p = &site.project_id;
    assert_eq!(preview(&server, &boss, p, json!({})).await, 3);
    assert_eq!(
        preview(
            &server,
            &boss,
            p,
            json!({ "building_ids": [extra.building_a] })
        )
        .await,
        2
    );
    assert_eq!(
        preview(
            &server,
            &boss,
            p,
            json!({ "room_kinds": ["shop", "office"] })
        )
        .await,
        1
    );
    assert_eq!(
        preview(&server, &boss, p, json!({ "tiers": ["premium"] })).await,
        1
    );
    assert_eq!(
        preview(
            &server,
            &boss,
            p,
            json!({ "units": [{ "building_id": extra.building_a, "unit": "2单元" }] })
        )
        .await,
        2
    );
    assert_eq!(
        preview(
            &server,
            &boss,
            p,
            json!({ "units": [{ "building_id": extra.building_b, "unit": "2单元" }] })
        )
        .await,
        0
    );
    // Tags: only the tagged resident, and lists combine as "and".
    let (status, _) = server
        .put(
            &boss,
            &format!("/api/v1/residents/{}/tags", site.residents[0].0),
            json!({ "tags": [{ "code": "elderly_alone", "sensitive": true }, { "code": "dog" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        preview(&server, &boss, p, json!({ "tags": ["elderly_alone"] })).await,
        1
    );
    assert_eq!(
        preview(
            &server,
            &boss,
            p,
            json!({ "tags": ["dog"], "building_ids": [extra.building_b] })
        )
        .await,
        0
    );
    // A building of another project is refused, naming the field.
    let other = server.site("tg2").await;
    let (_, theirs) = server
        .get(
            Some(&server.admin),
            &format!("/api/v1/projects/{}/buildings", other.project_id),
        )
        .await;
    let (status, body) = server
        .post(
            Some(&boss),
            "/api/v1/announcements",
            notice(
                p,
                json!({ "building_ids": [theirs["items"][0]["id"]] }),
                false,
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["audience.building_ids"], "unknown_reference",
        "{body}"
    );
    // Sent to the shops: exactly the merchant is told, on the notice board and in the outbox.
    let sent = server
        .ok(
            &boss,
            "/api/v1/announcements",
            notice(p, json!({ "room_kinds": ["shop"] }), false),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(sent["state"], "sent");
    assert_eq!(sent["recipients"], 1);
    let shop = server.resident_token(&extra.shop_phone).await;
    let (_, board) = server.get(Some(&shop), "/api/v1/me/announcements").await;
    assert_eq!(board["total"], 1, "{board}");
    let flat = server.resident_token(&site.residents[0].1).await;
    let (_, board) = server.get(Some(&flat), "/api/v1/me/announcements").await;
    assert_eq!(board["total"], 0);
    let told = notification::Entity::find()
        .filter(notification::Column::Kind.eq("announcement"))
        .all(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].recipient_id, extra.shop_phone);
    assert!(!extra.shop_resident.is_empty());
}

async fn read_and_acknowledgement_figures(server: Server) {
    let site = server.site("ack").await;
    let extra = buildings_of(&server, &site).await;
    let boss = manager(&server, &site, "ack-manager").await;
    let p = &site.project_id;
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/announcements",
            notice(p, json!({}), true),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "agents do not write announcements"
    );
    let a = server
        .ok(
            &boss,
            "/api/v1/announcements",
            notice(p, json!({ "building_ids": [extra.building_a] }), true),
            StatusCode::CREATED,
        )
        .await;
    let id = a["id"].as_str().unwrap();
    assert_eq!(a["recipients"], 2);
    assert_eq!(a["read"], 0);
    assert_eq!(a["read_rate"], 0.0);
    // The first resident sees it unread, opens it and acknowledges it.
    let (phone, resident) = (&site.residents[0].1, &site.residents[0].0);
    let me = server.resident_token(phone).await;
    let (_, unread) = server
        .get(Some(&me), "/api/v1/me/announcements/unread-count")
        .await;
    assert_eq!(unread["unread"], 1);
    let opened = server
        .ok(
            &me,
            &format!("/api/v1/me/announcements/{id}/read"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(opened["title"], "停水通知");
    assert!(opened["read_at"].is_string());
    assert!(opened["acknowledged_at"].is_null());
    let (_, unread) = server
        .get(Some(&me), "/api/v1/me/announcements/unread-count")
        .await;
    assert_eq!(unread["unread"], 0);
    let acked = server
        .ok(
            &me,
            &format!("/api/v1/me/announcements/{id}/acknowledge"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    assert!(acked["acknowledged_at"].is_string());
    // Twice is the same.
    server
        .ok(
            &me,
            &format!("/api/v1/me/announcements/{id}/acknowledge"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    // Its notification is read too, and once its delivery is taken by a provider it counts.
    let mine = notification::Entity::find()
        .filter(notification::Column::RecipientId.eq(phone.as_str()))
        .filter(notification::Column::Kind.eq("announcement"))
        .one(&database(&server).await)
        .await
        .unwrap()
        .unwrap();
    assert!(mine.read_at.is_some());
    notification::Entity::update_many()
        .col_expr(notification::Column::DeliveredAt, Expr::value(Utc::now()))
        .filter(notification::Column::Id.eq(mine.id))
        .exec(&database(&server).await)
        .await
        .unwrap();
    let figures = server
        .get(Some(&boss), &format!("/api/v1/announcements/{id}"))
        .await
        .1;
    assert_eq!(
        (
            &figures["recipients"],
            &figures["delivered"],
            &figures["read"],
            &figures["acknowledged"],
            &figures["read_rate"]
        ),
        (&json!(2), &json!(1), &json!(1), &json!(1), &json!(0.5)),
        "{figures}"
    );
    let (_, list) = server
        .get(
            Some(&boss),
            &format!("/api/v1/announcements?project_id={p}"),
        )
        .await;
    assert_eq!(list["items"][0]["acknowledged"], 1, "{list}");
    // The other one is to call, phone masked; the one who acknowledged is not.
    let (_, to_call) = server
        .get(
            Some(&boss),
            &format!("/api/v1/announcements/{id}/unacknowledged"),
        )
        .await;
    let items = to_call["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{to_call}");
    assert_eq!(items[0]["resident_id"], site.residents[1].0.as_str());
    assert!(items[0]["phone"].as_str().unwrap().contains("****"));
    assert_eq!(items[0]["room"], "2单元 1602");
    assert_ne!(items[0]["resident_id"], resident.as_str());
    // A resident not told sees nothing of it; staff of another project neither.
    let shop = server.resident_token(&extra.shop_phone).await;
    let (status, _) = server
        .post(
            Some(&shop),
            &format!("/api/v1/me/announcements/{id}/read"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = server.site("ack2").await;
    let (status, _) = server
        .get(Some(&other.agent), &format!("/api/v1/announcements/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A notice that asks for no acknowledgement refuses one.
    let plain = server
        .ok(
            &boss,
            "/api/v1/announcements",
            notice(p, json!({}), false),
            StatusCode::CREATED,
        )
        .await;
    let (status, body) = server
        .post(
            Some(&me),
            &format!(
                "/api/v1/me/announcements/{}/acknowledge",
                plain["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Withdrawn, it leaves the board.
    server
        .ok(
            &boss,
            &format!(
                "/api/v1/announcements/{}/withdraw",
                plain["id"].as_str().unwrap()
            ),
            json!({}),
            StatusCode::OK,
        )
        .await;
    let (_, board) = server.get(Some(&me), "/api/v1/me/announcements").await;
    assert_eq!(board["total"], 1, "{board}");
    // Bad input names its fields.
    let (status, body) = server
        .post(
            Some(&boss),
            "/api/v1/announcements",
            json!({ "project_id": p, "title": "", "body": "x", "category": "gossip" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn scheduled_send_and_reminder_once(db: Db) {
    // Webhook secrets are sealed under the installation's key.
    let key = SecretKey::from_passphrase("announcement-tests-secret-key-0123456789").unwrap();
    let server = Server::start_with(db, move |store| store.with_secret_key(key)).await;
    let site = server.site("rm").await;
    let boss = manager(&server, &site, "rm-manager").await;
    let p = &site.project_id;
    // A webhook that hears of announcements.
    server
        .ok(
            &server.admin,
            "/api/v1/webhooks",
            json!({ "url": "http://127.0.0.1:9/hook", "events": ["announcement.sent"] }),
            StatusCode::CREATED,
        )
        .await;
    let now = Utc::now();
    let mut body = notice(p, json!({}), false);
    body["send_at"] = json!(now + Duration::hours(1));
    body["remind_after_hours"] = json!(2);
    let a = server
        .ok(&boss, "/api/v1/announcements", body, StatusCode::CREATED)
        .await;
    let id = a["id"].as_str().unwrap();
    assert_eq!(a["state"], "scheduled");
    assert_eq!(a["recipients"], 0);
    // Not yet due: nothing happens.
    let done = server
        .store
        .sweep_announcements("node-a", now)
        .await
        .unwrap();
    assert_eq!(done.sent, 0);
    // Due: two nodes sweep at once, and it goes out once.
    let later = now + Duration::minutes(61);
    let (a1, b1) = tokio::join!(
        server.store.sweep_announcements("node-a", later),
        server.store.sweep_announcements("node-b", later)
    );
    assert_eq!(a1.unwrap().sent + b1.unwrap().sent, 1);
    let (_, sent) = server
        .get(Some(&boss), &format!("/api/v1/announcements/{id}"))
        .await;
    assert_eq!(sent["state"], "sent");
    assert_eq!(sent["recipients"], 2);
    let hooks = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Event.eq("announcement.sent"))
        .all(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].data["announcement"]["id"], id);
    // One resident reads it; after the delay only the other is reminded, once, however many
    // nodes sweep however often.
    let me = server.resident_token(&site.residents[0].1).await;
    server
        .ok(
            &me,
            &format!("/api/v1/me/announcements/{id}/read"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    let remind = later + Duration::hours(2) + Duration::minutes(1);
    let (a2, b2) = tokio::join!(
        server.store.sweep_announcements("node-a", remind),
        server.store.sweep_announcements("node-b", remind)
    );
    assert_eq!(a2.unwrap().reminded + b2.unwrap().reminded, 1);
    let again = server
        .store
        .sweep_announcements("node-a", remind + Duration::days(3))
        .await
        .unwrap();
    assert_eq!(again.reminded, 0);
    let reminders = notification::Entity::find()
        .filter(notification::Column::Kind.eq("announcement_reminder"))
        .all(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].recipient_id, site.residents[1].1);
    let (_, figures) = server
        .get(Some(&boss), &format!("/api/v1/announcements/{id}"))
        .await;
    assert_eq!(figures["reminded"], 1);
    assert!(figures["reminded_at"].is_string());
    // The resident's notification list words it.
    let other = server.resident_token(&site.residents[1].1).await;
    let (_, mine) = server.get(Some(&other), "/api/v1/me/notifications").await;
    let messages: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"提醒：请查看物业公告《停水通知》"),
        "{messages:?}"
    );
    assert!(messages.contains(&"物业公告：停水通知"), "{messages:?}");
    let withdrawn_count = notification::Entity::find()
        .filter(notification::Column::Kind.eq("announcement"))
        .count(&database(&server).await)
        .await
        .unwrap();
    assert_eq!(withdrawn_count, 2);
}

async fn sensitive_tags_only_for_managers(server: Server) {
    let site = server.site("tag").await;
    let boss = manager(&server, &site, "tag-manager").await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            staff("tag-supervisor", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("tag-supervisor").await;
    let path = format!("/api/v1/residents/{}/tags", site.residents[0].0);
    let set = put_ok(
        &server,
        &boss,
        &path,
        json!({ "tags": [{ "code": "elderly_alone", "sensitive": true }, { "code": "vip" }] }),
    )
    .await;
    assert_eq!(set.as_array().unwrap().len(), 2);
    let (_, seen) = server.get(Some(&sup), &path).await;
    assert_eq!(seen, json!([{ "code": "vip", "sensitive": false }]));
    let (status, _) = server
        .put(
            &sup,
            &path,
            json!({ "tags": [{ "code": "disabled", "sensitive": true }] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The supervisor clears what they see; the sensitive tag stays.
    let cleared = put_ok(&server, &sup, &path, json!({ "tags": [] })).await;
    assert_eq!(cleared, json!([]));
    let (_, kept) = server.get(Some(&boss), &path).await;
    assert_eq!(
        kept,
        json!([{ "code": "elderly_alone", "sensitive": true }])
    );
    let (status, body) = server
        .put(&boss, &path, json!({ "tags": [{ "code": "Bad Code" }] }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = server.put(&site.tech, &path, json!({ "tags": [] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both_databases!(
    targeting_by_segment,
    read_and_acknowledgement_figures,
    sensitive_tags_only_for_managers,
);

mod given {
    use super::*;
    on_both_databases_given!(scheduled_send_and_reminder_once);
}
