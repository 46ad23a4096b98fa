//! Progress pushed to residents: each resident-visible step of their request is one notification
//! with its facts, planned on their channel and sent through the SMS provider's documented
//! protocol (a local stand-in of Alibaba Cloud SMS that checks the signature); internal notes send
//! nothing; the staff ticket page and the resident's H5 page show what was sent. SQLite and
//! PostgreSQL.

mod common;
// The delivery tests' stand-ins; these tests use Alibaba Cloud SMS's only.
#[path = "delivery/providers.rs"]
#[allow(dead_code)]
mod providers;

use std::collections::BTreeMap;

use chrono::Utc;
use guanjia_channels::{
    AliyunConfig, DeliveryConfig, Secret, Senders, SmsProvider, TemplateConfig,
};
use guanjia_storage::entity::{audit_entry, contact_point};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};

use common::{Db, Server, Site};
use providers::Fake;

on_both_databases_given!(
    each_step_tells_the_resident_once_by_sms,
    two_steps_in_one_request_are_two_notifications,
    the_pages_show_what_was_sent_to_the_resident,
    the_residents_preferred_channel_carries_their_progress,
);

/// The SMS templates of the progress kinds, as an installation configures them.
const TEMPLATES: [(&str, &str, &[&str]); 4] = [
    ("ticket_accepted", "SMS_200001", &["ticket_number"]),
    (
        "ticket_dispatched",
        "SMS_200002",
        &["ticket_number", "technician"],
    ),
    (
        "technician_arrived",
        "SMS_200003",
        &["technician", "ticket_number"],
    ),
    ("rating_link", "SMS_200004", &["ticket_number", "link"]),
];

struct Rig {
    server: Server,
    aliyun: Fake,
    senders: Senders,
}

async fn rig(db: Db) -> Rig {
    rig_with(db, false).await
}

/// `wechat`: the installation delivers WeChat messages too.
async fn rig_with(db: Db, wechat: bool) -> Rig {
    let aliyun = providers::aliyun().await;
    let config = DeliveryConfig {
        sms_provider: Some(SmsProvider::Aliyun),
        aliyun: Some(AliyunConfig {
            endpoint: aliyun.base.clone(),
            access_key_id: providers::ALIYUN_KEY_ID.into(),
            access_key_secret: Secret::new(providers::ALIYUN_SECRET),
            sign_name: "锦程物业".into(),
            region: "cn-hangzhou".into(),
        }),
        templates: TEMPLATES
            .iter()
            .map(|(kind, id, params)| {
                let template = TemplateConfig {
                    id: (*id).into(),
                    params: params.iter().map(|p| (*p).to_owned()).collect(),
                };
                ((*kind).to_owned(), template)
            })
            .collect::<BTreeMap<_, _>>(),
        public_url: Some("https://kefu.example.com".into()),
        // No quiet hours, so that the tests do not depend on the hour they run at.
        quiet_start: "00:00".into(),
        quiet_end: "00:00".into(),
        ..DeliveryConfig::default()
    };
    let senders = Senders::new(config).expect("senders");
    let mut setup = guanjia_web::delivery_setup(&senders).expect("setup");
    setup.wechat = wechat;
    let server = Server::start_with(db, |store| store.with_delivery(setup)).await;
    Rig {
        server,
        aliyun,
        senders,
    }
}

impl Rig {
    /// One worker round as of now.
    async fn round(&self) -> usize {
        guanjia_web::deliver_due(&self.server.store, &self.senders, "node-test", Utc::now())
            .await
            .expect("round")
    }

    /// What was sent to the ticket's resident, oldest first, as the desk's API lists it.
    async fn to_resident(&self, site: &Site, id: &str) -> Vec<Value> {
        let (status, body) = self
            .server
            .get(
                Some(&site.agent),
                &format!("/api/v1/tickets/{id}/deliveries"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut items: Vec<Value> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["recipient"]["kind"] == "resident")
            .cloned()
            .collect();
        items.reverse();
        items
    }

    async fn ticket(&self, site: &Site) -> Value {
        self.server
            .ok(
                &site.agent,
                "/api/v1/tickets",
                json!({ "project_id": site.project_id, "channel": "phone", "kind": "repair", "category": "repair.water", "urgency": "normal", "description": "厨房水管漏水", "resident_id": site.residents[0].0, "room_id": site.rooms[0] }),
                StatusCode::CREATED,
            )
            .await
    }

    async fn act(&self, token: &str, id: &str, action: Value) {
        let (status, body) = self.server.act(token, id, action.clone()).await;
        assert_eq!(status, StatusCode::OK, "{action} → {body}");
    }
}

fn kinds(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

async fn each_step_tells_the_resident_once_by_sms(db: Db) {
    let rig = rig(db).await;
    let server = &rig.server;
    let site = server.site("PG01").await;
    let phone = site.residents[0].1.clone();
    let ticket = rig.ticket(&site).await;
    let id = ticket["id"].as_str().unwrap();
    let number = ticket["number"].as_str().unwrap();
    assert!(
        rig.to_resident(&site, id).await.is_empty(),
        "a ticket opened at the desk is not news yet"
    );

    // Each step, and what it must have added for the resident; internal ones add nothing.
    let internal = json!({ "action": "comment", "body": "业主家中有老人，注意沟通", "visibility": "internal" });
    let steps: [(&str, Value, Option<&str>); 8] = [
        ("agent", internal.clone(), None),
        (
            "agent",
            json!({ "action": "respond", "body": "已收到，马上安排" }),
            Some("ticket_accepted"),
        ),
        (
            "agent",
            json!({ "action": "escalate", "reason": "业主情绪激动" }),
            None,
        ),
        (
            "agent",
            json!({ "action": "dispatch", "assignee_id": site.tech_id, "note": "带上生料带" }),
            Some("ticket_dispatched"),
        ),
        ("tech", json!({ "action": "accept" }), None),
        (
            "tech",
            json!({ "action": "arrive" }),
            Some("technician_arrived"),
        ),
        ("tech", internal, None),
        (
            "tech",
            json!({ "action": "resolve", "body": "更换角阀，已试水" }),
            Some("rating_link"),
        ),
    ];
    let mut expected: Vec<&str> = vec![];
    for (by, action, news) in steps {
        let token = if by == "agent" {
            &site.agent
        } else {
            &site.tech
        };
        rig.act(token, id, action.clone()).await;
        expected.extend(news);
        let told = rig.to_resident(&site, id).await;
        assert_eq!(kinds(&told), expected, "after {action}");
    }

    // Each carries its facts, is for the resident's phone, and has one SMS delivery planned.
    let told = rig.to_resident(&site, id).await;
    for n in &told {
        assert_eq!(n["recipient"]["name"], common_mask(&phone), "{n}");
        let [d] = n["deliveries"].as_array().unwrap().as_slice() else {
            panic!("one delivery: {n}")
        };
        assert_eq!(d["channel"], "sms", "{n}");
        assert!(
            n["message"].as_str().unwrap().contains(number),
            "the message names the ticket: {n}"
        );
    }
    let tech_name = "PG01-tech";
    assert!(told[1]["message"].as_str().unwrap().contains(tech_name));
    assert!(told[2]["message"].as_str().unwrap().contains(tech_name));

    // The worker sends them through the provider with each template's parameters.
    assert_eq!(rig.round().await, 4);
    let got = rig.aliyun.wait_for(4, 5).await;
    assert_eq!(got.len(), 4);
    assert!(got.iter().all(|r| r.accepted && r.phone == phone));
    let by_template: BTreeMap<&str, &Value> = got
        .iter()
        .map(|r| (r.template.as_str(), &r.params))
        .collect();
    assert_eq!(
        by_template["SMS_200001"],
        &json!({ "ticket_number": number })
    );
    assert_eq!(
        by_template["SMS_200002"],
        &json!({ "ticket_number": number, "technician": tech_name })
    );
    assert_eq!(
        by_template["SMS_200003"],
        &json!({ "technician": tech_name, "ticket_number": number })
    );
    assert!(
        by_template["SMS_200004"]["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://kefu.example.com/rate/"))
    );
    let told = rig.to_resident(&site, id).await;
    assert!(
        told.iter().all(|n| n["deliveries"][0]["state"] == "sent"),
        "{told:?}"
    );

    // The resident reads the same notifications in their own words.
    let resident = server.resident_token(&phone).await;
    let (_, mine) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    let mut own: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["ticket_id"] == id)
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    own.reverse();
    assert_eq!(own, expected);
    let dispatched = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "ticket_dispatched")
        .unwrap();
    assert_eq!(dispatched["details"]["technician"], tech_name);
    assert_eq!(dispatched["details"]["ticket_number"], number);
}

/// The middle digits of a phone hidden, as the API shows residents' phones.
fn common_mask(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

async fn two_steps_in_one_request_are_two_notifications(db: Db) {
    let rig = rig(db).await;
    let server = &rig.server;
    let site = server.site("PG02").await;
    let ticket = rig.ticket(&site).await;
    let id = ticket["id"].as_str().unwrap();
    // A new ticket dispatched at once is taken in and given out in one request: two steps, two
    // notifications, in that order.
    rig.act(
        &site.agent,
        id,
        json!({ "action": "dispatch", "assignee_id": site.tech_id }),
    )
    .await;
    let told = rig.to_resident(&site, id).await;
    assert_eq!(kinds(&told), ["ticket_accepted", "ticket_dispatched"]);
    // A transfer to other hands is news again, naming them.
    let (_, other) = server
        .post(
            Some(&server.admin),
            "/api/v1/staff",
            common::staff("PG02-tech2", "technician", &site.project_id),
        )
        .await;
    rig.act(
        &site.agent,
        id,
        json!({ "action": "transfer", "assignee_id": other["id"], "reason": "原师傅请假" }),
    )
    .await;
    let told = rig.to_resident(&site, id).await;
    assert_eq!(
        kinds(&told),
        ["ticket_accepted", "ticket_dispatched", "ticket_dispatched"]
    );
    assert!(told[2]["message"].as_str().unwrap().contains("PG02-tech2"));
    // Arrive and resolve in a row: one each, the resolve told by its rating link alone.
    let tech2 = server.login("PG02-tech2").await;
    rig.act(&tech2, id, json!({ "action": "arrive" })).await;
    rig.act(&tech2, id, json!({ "action": "resolve", "body": "已修好" }))
        .await;
    let told = rig.to_resident(&site, id).await;
    assert_eq!(
        kinds(&told),
        [
            "ticket_accepted",
            "ticket_dispatched",
            "ticket_dispatched",
            "technician_arrived",
            "rating_link"
        ]
    );
}

async fn the_pages_show_what_was_sent_to_the_resident(db: Db) {
    let rig = rig(db).await;
    let server = &rig.server;
    let site = server.site("PG03").await;
    let phone = site.residents[0].1.clone();
    let ticket = rig.ticket(&site).await;
    let id = ticket["id"].as_str().unwrap();
    rig.act(&site.agent, id, json!({ "action": "respond" }))
        .await;
    rig.act(
        &site.agent,
        id,
        json!({ "action": "dispatch", "assignee_id": site.tech_id }),
    )
    .await;
    rig.act(
        &site.agent,
        id,
        json!({ "action": "comment", "body": "内部备注不外发", "visibility": "internal" }),
    )
    .await;
    rig.round().await;

    // The desk's ticket page lists them under 消息送达, sent by SMS.
    let html = page(server, &site.agent, &format!("/tickets/{id}")).await;
    let section = html
        .split("id=\"deliveries-title\"")
        .nth(1)
        .expect("the 消息送达 section");
    assert!(section.contains("已受理"), "{section}");
    assert!(section.contains("已派给PG03-tech"), "{section}");
    assert!(section.contains("短信"), "{section}");
    assert!(section.contains(&common_mask(&phone)), "{section}");

    // The resident's H5 page lists what was sent to them, and not the internal note.
    let resident = server.resident_token(&phone).await;
    let html = page(server, &resident, &format!("/h5/requests/{id}")).await;
    let section = html
        .split("id=\"sent-title\"")
        .nth(1)
        .expect("发给您的消息");
    assert!(section.contains("发给您的消息"), "{section}");
    assert!(section.contains("已受理"), "{section}");
    assert!(section.contains("已派给PG03-tech"), "{section}");
    assert!(!html.contains("内部备注不外发"));
}

/// A page as the holder of `token` sees it in the browser (the session cookie is the token).
async fn page(server: &Server, token: &str, path: &str) -> String {
    let response = server
        .client
        .get(server.url(path))
        .header("cookie", format!("gj_session={token}"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

async fn the_residents_preferred_channel_carries_their_progress(db: Db) {
    let rig = rig_with(db, true).await;
    let server = &rig.server;
    let site = server.site("PG04").await;
    let (resident_id, phone) = site.residents[0].clone();
    // Bound to the official account (what the WeChat binding writes).
    let conn = sea_orm::Database::connect(&server.url).await.unwrap();
    contact_point::ActiveModel {
        company_id: Set(server.company_id.clone()),
        id: Set(guanjia_storage::new_id()),
        resident_id: Set(resident_id.clone()),
        kind: Set("wechat".into()),
        account: Set("gh_test".into()),
        value: Set("oWx-test-openid".into()),
        created_at: Set(Utc::now()),
    }
    .insert(&conn)
    .await
    .unwrap();

    // The desk sets it, checked as the typed vocabulary.
    let path = format!("/api/v1/residents/{resident_id}/preferred-channel");
    let (status, body) = server
        .put(&site.agent, &path, json!({ "preferred_channel": "email" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["fields"]["preferred_channel"],
        "invalid"
    );
    assert_eq!(
        body["error"]["details"]["allowed"]["preferred_channel"]["codes"],
        json!(["sms", "wechat"])
    );
    let (status, body) = server
        .put(&site.agent, &path, json!({ "preferred_channel": "wechat" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["preferred_channel"], "wechat");
    let (_, listed) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/residents/{resident_id}"),
        )
        .await;
    assert_eq!(listed["preferred_channel"], "wechat");

    let ticket = rig.ticket(&site).await;
    let id = ticket["id"].as_str().unwrap();
    rig.act(&site.agent, id, json!({ "action": "respond" }))
        .await;
    let told = rig.to_resident(&site, id).await;
    assert_eq!(told[0]["deliveries"][0]["channel"], "wechat", "{told:?}");

    // The resident chooses SMS on their own: the next step goes by SMS.
    let token = server.resident_token(&phone).await;
    let (status, mine) = server
        .put(
            &token,
            "/api/v1/me/preferred-channel",
            json!({ "preferred_channel": "sms" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine[0]["preferred_channel"], "sms");
    rig.act(
        &site.agent,
        id,
        json!({ "action": "dispatch", "assignee_id": site.tech_id }),
    )
    .await;
    let told = rig.to_resident(&site, id).await;
    assert_eq!(told[1]["deliveries"][0]["channel"], "sms", "{told:?}");
    // Staff cannot use the resident's own endpoint.
    let (status, _) = server
        .put(
            &site.agent,
            "/api/v1/me/preferred-channel",
            json!({ "preferred_channel": "sms" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Both changes are in the audit trail.
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityId.eq(&resident_id))
        .filter(audit_entry::Column::Action.eq("set_preferred_channel"))
        .order_by_asc(audit_entry::Column::CreatedAt)
        .all(&conn)
        .await
        .unwrap();
    let moves: Vec<(Value, Value)> = entries
        .iter()
        .map(|e| {
            let m = &e.details["preferred_channel"];
            (m["from"].clone(), m["to"].clone())
        })
        .collect();
    assert_eq!(
        moves,
        [
            (json!("sms"), json!("wechat")),
            (json!("wechat"), json!("sms"))
        ]
    );
    assert_eq!(entries[1].actor_id.as_deref(), Some(phone.as_str()));
}
