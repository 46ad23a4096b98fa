//! WeCom group robots managed in the product: admins add, change, test, stop and remove them
//! through the API; staff alerts go to them (before the robots of guanjia.toml), one post per
//! group and notification naming everyone told; a local webhook checks each request as WeCom
//! documents it. On SQLite and PostgreSQL.

mod common;
// The delivery tests' stand-ins; these tests use WeCom's only.
#[path = "delivery/providers.rs"]
#[allow(dead_code)]
mod providers;

use std::time::Duration;

use guanjia_channels::{DeliveryConfig, Robot, Secret, Senders, WecomConfig};
use guanjia_storage::SecretKey;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Db, Server, Site, staff};
use providers::{Fake, GROUP_ROBOT_KEY, ROBOT_KEY};

on_both_databases_given!(
    admins_manage_robots_and_never_read_a_key_back,
    a_test_post_says_what_wecom_answered,
    the_products_robot_wins_over_the_files_until_it_is_stopped,
    one_post_per_group_names_everyone_told,
);

const PROJECT: &str = "RB01";
const SECRET_KEY: &str = "a passphrase of thirty-two characters or more";

struct Rig {
    server: Server,
    wecom: Fake,
    site: Site,
}

/// A server whose deliveries go to the local webhook, with a robot for the project in the file.
async fn rig(db: Db) -> Rig {
    let wecom = providers::wecom().await;
    let config = DeliveryConfig {
        wecom: WecomConfig {
            base_url: wecom.base.clone(),
            robots: vec![Robot {
                project: Some(PROJECT.into()),
                team: None,
                key: Secret::new(ROBOT_KEY),
            }],
        },
        // No quiet hours, so that the tests do not depend on the hour they run at.
        quiet_start: "00:00".into(),
        quiet_end: "00:00".into(),
        ..DeliveryConfig::default()
    };
    let senders = Senders::new(config).expect("senders");
    let setup = guanjia_web::delivery_setup(&senders).expect("setup");
    let key = SecretKey::from_passphrase(SECRET_KEY).unwrap();
    let server = Server::start_sending(
        db,
        |store| store.with_delivery(setup).with_secret_key(key),
        Some(senders.clone()),
    )
    .await;
    guanjia_web::spawn_delivery(
        server.store.clone(),
        senders,
        "node-robots".into(),
        Duration::from_millis(100),
    );
    let site = server.site(PROJECT).await;
    Rig {
        server,
        wecom,
        site,
    }
}

impl Rig {
    async fn add_robot(&self, body: Value) -> Value {
        self.server
            .ok(
                &self.server.admin,
                "/api/v1/wecom-robots",
                body,
                StatusCode::CREATED,
            )
            .await
    }

    /// A ticket dispatched to the technician: a job alert to the robot of the project.
    async fn dispatched_ticket(&self, description: &str, resident: usize) -> String {
        let ticket = self
            .server
            .ok(
                &self.site.agent,
                "/api/v1/tickets",
                json!({ "project_id": self.site.project_id, "channel": "phone", "kind": "repair", "category": "repair.water", "urgency": "normal", "description": description, "resident_id": self.site.residents[resident].0 }),
                StatusCode::CREATED,
            )
            .await;
        let id = ticket["id"].as_str().unwrap().to_owned();
        let (status, body) = self
            .server
            .act(
                &self.site.agent,
                &id,
                json!({ "action": "dispatch", "assignee_id": self.site.tech_id }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        id
    }

    /// The posts the webhook accepted whose text contains `words`, once `count` arrived.
    async fn posts_with(&self, words: &str, count: usize) -> Vec<providers::Received> {
        for _ in 0..100 {
            let posts: Vec<_> = self
                .wecom
                .received()
                .into_iter()
                .filter(|r| r.accepted && r.params.as_str().is_some_and(|t| t.contains(words)))
                .collect();
            if posts.len() >= count {
                return posts;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "fewer than {count} posts with {words}: {:?}",
            self.wecom.received()
        );
    }
}

/// The audit trail of a robot: each entry's action and details.
async fn trail(server: &Server, id: &str) -> Vec<(String, Value)> {
    let admin = server
        .store
        .authenticate(&server.admin, chrono::Utc::now())
        .await
        .unwrap();
    server
        .store
        .audit_trail(&admin, "wecom_robot", id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.details))
        .collect()
}

async fn admins_manage_robots_and_never_read_a_key_back(db: Db) {
    let rig = rig(db).await;
    let (server, site) = (&rig.server, &rig.site);
    let admin = &server.admin;

    // The whole webhook address WeCom shows may be pasted: its key is kept.
    let pasted = format!("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={GROUP_ROBOT_KEY}");
    let robot = rig
        .add_robot(
            json!({ "name": "维修群", "project_id": site.project_id, "webhook_key": pasted }),
        )
        .await;
    let id = robot["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            robot["name"].as_str(),
            robot["active"].as_bool(),
            &robot["team_id"]
        ),
        (Some("维修群"), Some(true), &Value::Null)
    );
    let path = format!("/api/v1/wecom-robots/{id}");
    let (status, list) = server.get(Some(admin), "/api/v1/wecom-robots").await;
    assert_eq!(
        (status, list["total"].as_u64()),
        (StatusCode::OK, Some(1)),
        "{list}"
    );
    let (_, one) = server.get(Some(admin), &path).await;
    for answer in [&robot, &list, &one] {
        assert!(
            !answer.to_string().contains(GROUP_ROBOT_KEY) && answer.get("webhook_key").is_none(),
            "the key is never answered: {answer}"
        );
    }

    // Refusals name the field.
    for (body, field, code) in [
        (
            json!({ "name": "群", "project_id": site.project_id }),
            "webhook_key",
            "required",
        ),
        (
            json!({ "name": "群", "project_id": site.project_id, "webhook_key": "not a key" }),
            "webhook_key",
            "invalid",
        ),
        (
            json!({ "name": " ", "project_id": site.project_id, "webhook_key": GROUP_ROBOT_KEY }),
            "name",
            "required",
        ),
        (
            json!({ "name": "群", "project_id": "0190b5a2-0000-7000-8000-000000000000", "webhook_key": GROUP_ROBOT_KEY }),
            "project_id",
            "unknown_reference",
        ),
        (
            json!({ "name": "群", "project_id": site.project_id, "team_id": "0190b5a2-0000-7000-8000-000000000000", "webhook_key": GROUP_ROBOT_KEY }),
            "team_id",
            "unknown_reference",
        ),
    ] {
        let (status, refused) = server.post(Some(admin), "/api/v1/wecom-robots", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let fields = refused["error"]["details"]["fields"].to_string();
        assert!(
            fields.contains(field) && fields.contains(code),
            "{field} {code}: {refused}"
        );
    }
    // A team of another project does not fit.
    let other = server.site("RB02").await;
    let team = server
        .ok(admin, "/api/v1/teams", json!({ "project_id": other.project_id, "name": "维修班", "kind": "engineering", "member_ids": [other.tech_id] }), StatusCode::CREATED)
        .await;
    let (status, refused) = server
        .post(Some(admin), "/api/v1/wecom-robots", json!({ "name": "群", "project_id": site.project_id, "team_id": team["id"], "webhook_key": GROUP_ROBOT_KEY }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("mismatch"), "{refused}");

    // Staff who are not admins neither manage nor read robots.
    let (status, _) = server.get(Some(&site.agent), "/api/v1/wecom-robots").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get(Some(&site.agent), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/wecom-robots",
            json!({ "name": "群", "project_id": site.project_id, "webhook_key": GROUP_ROBOT_KEY }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A change without a key keeps it; the trail says a key changed, never which.
    let (status, renamed) = server
        .put(
            admin,
            &path,
            json!({ "name": "工程部群", "project_id": site.project_id }),
        )
        .await;
    assert_eq!(
        (status, renamed["name"].as_str()),
        (StatusCode::OK, Some("工程部群")),
        "{renamed}"
    );
    let (_, tested) = server
        .post(Some(admin), &format!("{path}/test"), json!({}))
        .await;
    assert_eq!(tested["sent"], true, "the key was kept: {tested}");
    let (status, _) = server
        .put(
            admin,
            &path,
            json!({ "name": "工程部群", "project_id": site.project_id, "webhook_key": ROBOT_KEY }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, stopped) = server
        .put(admin, &format!("{path}/active"), json!({ "active": false }))
        .await;
    assert_eq!(
        (status, stopped["active"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let entries = trail(server, &id).await;
    let actions: Vec<&str> = entries.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "update", "update", "deactivate"],
        "{entries:?}"
    );
    assert_eq!(entries[2].1["webhook_key"], json!({ "changed": true }));
    let written = format!("{entries:?}");
    assert!(
        !written.contains(ROBOT_KEY) && !written.contains(GROUP_ROBOT_KEY),
        "{written}"
    );

    // Removed, it is gone; the trail stays.
    let (status, _) = server.delete(admin, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get(Some(admin), &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(trail(server, &id).await.last().unwrap().0, "delete");
}

async fn a_test_post_says_what_wecom_answered(db: Db) {
    let rig = rig(db).await;
    let (server, site) = (&rig.server, &rig.site);
    let admin = &server.admin;
    let robot = rig
        .add_robot(json!({ "name": "客服群", "project_id": site.project_id, "webhook_key": GROUP_ROBOT_KEY }))
        .await;
    let path = format!("/api/v1/wecom-robots/{}", robot["id"].as_str().unwrap());
    let (status, tested) = server
        .post(Some(admin), &format!("{path}/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{tested}");
    assert_eq!(
        tested,
        json!({ "sent": true, "errcode": 0, "errmsg": "ok" })
    );
    let post = rig.posts_with("管家测试消息", 1).await.remove(0);
    assert_eq!(
        (post.template.as_str(), post.out_id.as_str()),
        ("text", GROUP_ROBOT_KEY)
    );

    // A key WeCom does not know: its errcode and errmsg, as it answered them.
    let (status, _) = server
        .put(admin, &path, json!({ "name": "客服群", "project_id": site.project_id, "webhook_key": "0a0b0c0d-dead-beef-0000-000000000000" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, refused) = server
        .post(Some(admin), &format!("{path}/test"), json!({}))
        .await;
    assert_eq!(
        (refused["sent"].as_bool(), refused["errcode"].as_i64()),
        (Some(false), Some(93000)),
        "{refused}"
    );
    assert!(
        refused["errmsg"]
            .as_str()
            .unwrap()
            .contains("invalid webhook url"),
        "{refused}"
    );

    // WeCom out of reach: no errcode, and what went wrong.
    let (status, unknown) = server
        .post(
            Some(admin),
            "/api/v1/wecom-robots/0190b5a2-0000-7000-8000-000000000000/test",
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
    let (status, _) = server
        .post(Some(&site.agent), &format!("{path}/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins test");
}

async fn the_products_robot_wins_over_the_files_until_it_is_stopped(db: Db) {
    let rig = rig(db).await;
    let (server, site) = (&rig.server, &rig.site);
    let robot = rig
        .add_robot(json!({ "name": "维修群", "project_id": site.project_id, "webhook_key": GROUP_ROBOT_KEY }))
        .await;
    let robot_id = robot["id"].as_str().unwrap();
    let first = rig.dispatched_ticket("厨房水管漏水", 0).await;
    let posts = rig.posts_with("新派单", 1).await;
    assert_eq!(
        posts[0].out_id, GROUP_ROBOT_KEY,
        "the product's robot posted"
    );
    let (_, sent) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{first}/deliveries"),
        )
        .await;
    let job = sent["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "job_assigned")
        .cloned()
        .unwrap();
    assert_eq!(job["deliveries"][0]["target"], format!("robot:{robot_id}"));

    // Stopped, the robot of the file posts again.
    let (status, _) = server
        .put(
            &server.admin,
            &format!("/api/v1/wecom-robots/{robot_id}/active"),
            json!({ "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    rig.dispatched_ticket("卫生间地漏堵塞返水", 1).await;
    let posts = rig.posts_with("新派单", 2).await;
    assert_eq!(
        posts[1].out_id, ROBOT_KEY,
        "the file's robot posted: {posts:?}"
    );
}

async fn one_post_per_group_names_everyone_told(db: Db) {
    let rig = rig(db).await;
    let (server, site) = (&rig.server, &rig.site);
    let admin = &server.admin;
    rig.add_robot(
        json!({ "name": "主管群", "project_id": site.project_id, "webhook_key": GROUP_ROBOT_KEY }),
    )
    .await;
    let mut phones = vec![];
    for (name, phone) in [("RB01-sup1", "13800138001"), ("RB01-sup2", "13800138002")] {
        let mut body = staff(name, "supervisor", &site.project_id);
        body["phone"] = json!(phone);
        server
            .ok(admin, "/api/v1/staff", body, StatusCode::CREATED)
            .await;
        phones.push(phone.to_owned());
    }
    let id = rig.dispatched_ticket("厨房水管漏水", 0).await;
    rig.posts_with("新派单", 1).await;
    // Returned by the technician: both supervisors are told (待派), in one post.
    let (status, body) = server
        .act(
            &site.tech,
            &id,
            json!({ "action": "return", "reason": "需要更换整段管道" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let posts = rig.posts_with("待派", 1).await;
    // Give a second post time to arrive, were one planned.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let posts_now = rig.posts_with("待派", 1).await;
    assert_eq!(posts_now.len(), 1, "one post for the group: {posts_now:?}");
    let post = &posts[0];
    let mut mentioned = post.mentions.clone();
    mentioned.sort();
    assert_eq!(
        mentioned, phones,
        "both supervisors' mobiles are @-mentioned"
    );
    let text = post.params.as_str().unwrap();
    assert!(
        text.starts_with("RB01-sup1、RB01-sup2：") || text.starts_with("RB01-sup2、RB01-sup1："),
        "{text}"
    );
    // Each supervisor still has the notification in the app.
    for name in ["RB01-sup1", "RB01-sup2"] {
        let token = server.login(name).await;
        let (_, mine) = server.get(Some(&token), "/api/v1/me/notifications").await;
        assert!(
            mine.to_string().contains("dispatch_queued"),
            "{name}: {mine}"
        );
    }
}
