//! Delivery end to end: notifications leave through the providers' documented protocols to
//! local stand-ins that check every signature and answer as the providers do, errors included;
//! on SQLite and PostgreSQL.

mod common;
#[path = "delivery/providers.rs"]
mod providers;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use guanjia_channels::{
    AliyunConfig, DeliveryConfig, Robot, Secret, Senders, SmsProvider, TemplateConfig,
    TencentConfig, WecomConfig,
};
use guanjia_storage::entity::{contact_point, delivery, resident};
use guanjia_storage::{DeliverySetup, Store};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use common::{Db, Server, Site};
use providers::Fake;

on_both_databases_given!(
    a_sign_in_code_reaches_the_phone_by_sms_within_seconds,
    tencent_sends_and_a_rate_limited_message_is_tried_again_later,
    a_permanent_refusal_ends_the_delivery_with_the_providers_reason,
    a_wrong_key_is_refused_by_both_sms_providers,
    staff_hear_of_their_jobs_on_the_project_robot,
    quiet_hours_hold_a_residents_message_until_they_end,
    a_resident_preferring_wechat_falls_back_to_sms,
    two_nodes_deliver_each_notification_exactly_once,
);

const PROJECT: &str = "DL01";

/// A server whose store plans deliveries, the three stand-ins, and the senders pointed at them.
struct Rig {
    server: Server,
    aliyun: Fake,
    tencent: Fake,
    wecom: Fake,
    senders: Senders,
    setup: DeliverySetup,
}

struct Options {
    provider: SmsProvider,
    wechat: bool,
    quiet: Option<(String, String)>,
    aliyun_secret: &'static str,
    tencent_key: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            provider: SmsProvider::Aliyun,
            wechat: false,
            // No quiet hours, so that the tests do not depend on the hour they run at.
            quiet: Some(("00:00".into(), "00:00".into())),
            aliyun_secret: providers::ALIYUN_SECRET,
            tencent_key: providers::TENCENT_KEY,
        }
    }
}

fn template(id: &str, params: &[&str]) -> TemplateConfig {
    TemplateConfig {
        id: id.into(),
        params: params.iter().map(|p| (*p).to_owned()).collect(),
    }
}

async fn rig(db: Db, options: Options) -> Rig {
    let (aliyun, tencent, wecom) = (
        providers::aliyun().await,
        providers::tencent().await,
        providers::wecom().await,
    );
    let mut config = DeliveryConfig {
        sms_provider: Some(options.provider),
        aliyun: Some(AliyunConfig {
            endpoint: aliyun.base.clone(),
            access_key_id: providers::ALIYUN_KEY_ID.into(),
            access_key_secret: Secret::new(options.aliyun_secret),
            sign_name: "锦程物业".into(),
            region: "cn-hangzhou".into(),
        }),
        tencent: Some(TencentConfig {
            endpoint: tencent.base.clone(),
            secret_id: providers::TENCENT_ID.into(),
            secret_key: Secret::new(options.tencent_key),
            sms_sdk_app_id: "1400006666".into(),
            sign_name: "锦程物业".into(),
            region: "ap-guangzhou".into(),
        }),
        templates: BTreeMap::from([
            ("sign_in_code".into(), template("SMS_100001", &["code"])),
            (
                "rating_link".into(),
                template("SMS_100002", &["ticket_number", "link"]),
            ),
            (
                "nps_survey".into(),
                template("SMS_100003", &["campaign", "link"]),
            ),
        ]),
        wecom: WecomConfig {
            base_url: wecom.base.clone(),
            robots: vec![Robot {
                project: Some(PROJECT.into()),
                team: None,
                key: Secret::new(providers::ROBOT_KEY),
            }],
        },
        public_url: Some("https://kefu.example.com".into()),
        ..DeliveryConfig::default()
    };
    if let Some((start, end)) = options.quiet {
        config.quiet_start = start;
        config.quiet_end = end;
    }
    let senders = Senders::new(config).expect("senders");
    let mut setup = guanjia_web::delivery_setup(&senders).expect("setup");
    setup.wechat = options.wechat;
    let server = Server::start_with(db, |store| store.with_delivery(setup.clone())).await;
    Rig {
        server,
        aliyun,
        tencent,
        wecom,
        senders,
        setup,
    }
}

impl Rig {
    fn start_worker(&self, store: Store, node: &str) {
        guanjia_web::spawn_delivery(
            store,
            self.senders.clone(),
            node.to_owned(),
            Duration::from_millis(100),
        );
    }

    /// One worker round on this node as of `at`.
    async fn round(&self, at: DateTime<Utc>) -> usize {
        guanjia_web::deliver_due(&self.server.store, &self.senders, "node-test", at)
            .await
            .expect("round")
    }

    /// Every delivery row, read on a connection of its own.
    async fn deliveries(&self) -> Vec<delivery::Model> {
        let db = sea_orm::Database::connect(&self.server.url).await.unwrap();
        delivery::Entity::find().all(&db).await.unwrap()
    }

    async fn site(&self) -> Site {
        self.server.site(PROJECT).await
    }
}

async fn a_sign_in_code_reaches_the_phone_by_sms_within_seconds(db: Db) {
    let rig = rig(db, Options::default()).await;
    rig.start_worker(rig.server.store.clone(), "node-a");
    let site = rig.site().await;
    let phone = &site.residents[0].1;
    let asked = Instant::now();
    let (status, body) = rig
        .server
        .post(
            None,
            "/api/v1/auth/resident/code",
            json!({ "phone": phone }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let got = rig.aliyun.wait_for(1, 5).await;
    let lag = asked.elapsed();
    assert_eq!(got.len(), 1, "the provider received the code");
    assert!(
        lag < Duration::from_secs(3),
        "it left within seconds: {lag:?}"
    );
    let sms = &got[0];
    assert!(sms.accepted);
    assert_eq!(
        (sms.phone.as_str(), sms.template.as_str()),
        (phone.as_str(), "SMS_100001")
    );
    let code = sms.params["code"].as_str().expect("the code").to_owned();
    assert_eq!(code.len(), 6);

    // The code the phone received signs the resident in.
    let (status, body) = rig
        .server
        .post(
            None,
            "/api/v1/auth/resident/login",
            json!({ "phone": phone, "code": code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap();

    // The resident's own list says how it went, with the provider's id of the message.
    let mut delivered = Value::Null;
    for _ in 0..100 {
        let (_, list) = rig
            .server
            .get(Some(token), "/api/v1/me/notifications")
            .await;
        delivered = list["items"][0]["deliveries"][0].clone();
        if delivered["state"] == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(delivered["channel"], "sms", "{delivered}");
    assert_eq!(delivered["state"], "sent", "{delivered}");
    assert_eq!(delivered["provider"], "aliyun");
    assert_eq!(delivered["attempts"], 1);
    assert!(
        delivered["provider_message_id"]
            .as_str()
            .is_some_and(|id| id.ends_with("^0"))
    );
    assert!(
        !delivered["target"].as_str().unwrap().contains(&phone[3..7]),
        "the phone is masked"
    );
    assert_eq!(
        sms.out_id,
        rig.deliveries().await[0].id,
        "OutId names the delivery"
    );
}

async fn tencent_sends_and_a_rate_limited_message_is_tried_again_later(db: Db) {
    let rig = rig(
        db,
        Options {
            provider: SmsProvider::Tencent,
            ..Options::default()
        },
    )
    .await;
    let site = rig.site().await;
    let phone = &site.residents[0].1;
    let now = Utc::now();
    rig.server
        .store
        .issue_sign_in_code(phone, "10.0.0.1", now)
        .await
        .unwrap()
        .expect("registered");
    rig.tencent.answer_next(
        200,
        json!({ "Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "单个手机号30秒内下发短信条数超过设定的上限" }),
    );
    assert_eq!(rig.round(now).await, 1);
    let [d] = rig.deliveries().await.try_into().expect("one delivery");
    assert_eq!(d.state, "pending");
    assert_eq!(d.attempts, 1);
    assert_eq!(
        d.error_code.as_deref(),
        Some("LimitExceeded.PhoneNumberThirtySecondLimit")
    );
    let next = d.next_attempt_at.expect("tried again later");
    assert!(
        next >= now + chrono::Duration::seconds(30),
        "after the provider's window"
    );
    assert_eq!(
        rig.round(now + chrono::Duration::seconds(5)).await,
        0,
        "not before"
    );

    assert_eq!(rig.round(next).await, 1);
    let got = rig.tencent.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].phone, format!("+86{phone}"));
    assert_eq!(got[1].template, "SMS_100001");
    assert_eq!(
        got[1].params.as_array().map(Vec::len),
        Some(1),
        "TemplateParamSet"
    );
    let [d] = rig.deliveries().await.try_into().expect("one delivery");
    assert_eq!((d.state.as_str(), d.attempts), ("sent", 2));
    assert_eq!(d.provider.as_deref(), Some("tencent"));
    assert!(
        d.provider_message_id
            .is_some_and(|id| id.starts_with("5000:"))
    );
    assert_eq!(d.error_code, None);
}

async fn a_permanent_refusal_ends_the_delivery_with_the_providers_reason(db: Db) {
    let rig = rig(db, Options::default()).await;
    let site = rig.site().await;
    let now = Utc::now();
    rig.server
        .store
        .issue_sign_in_code(&site.residents[0].1, "10.0.0.1", now)
        .await
        .unwrap();
    rig.aliyun.answer_next(
        200,
        json!({ "Message": "非法手机号", "RequestId": "r", "Code": "isv.MOBILE_NUMBER_ILLEGAL" }),
    );
    rig.round(now).await;
    let [d] = rig.deliveries().await.try_into().expect("one delivery");
    assert_eq!(d.state, "failed");
    assert_eq!(d.error_code.as_deref(), Some("isv.MOBILE_NUMBER_ILLEGAL"));
    assert_eq!(d.error_reason.as_deref(), Some("非法手机号"));
    assert_eq!(d.next_attempt_at, None);
    assert_eq!(
        rig.round(now + chrono::Duration::hours(3)).await,
        0,
        "never again"
    );
    assert_eq!(rig.aliyun.received().len(), 1);
}

async fn a_wrong_key_is_refused_by_both_sms_providers(db: Db) {
    for provider in [SmsProvider::Aliyun, SmsProvider::Tencent] {
        let rig = rig(
            db,
            Options {
                provider,
                aliyun_secret: "not-the-secret",
                tencent_key: "not-the-key",
                ..Options::default()
            },
        )
        .await;
        let site = rig.site().await;
        let now = Utc::now();
        rig.server
            .store
            .issue_sign_in_code(&site.residents[0].1, "10.0.0.1", now)
            .await
            .unwrap();
        rig.round(now).await;
        let [d] = rig.deliveries().await.try_into().expect("one delivery");
        let expected = match provider {
            SmsProvider::Aliyun => "SignatureDoesNotMatch",
            SmsProvider::Tencent => "AuthFailure.SignatureFailure",
        };
        assert_eq!(d.state, "failed", "{provider:?}");
        assert_eq!(d.error_code.as_deref(), Some(expected));
        let fake = match provider {
            SmsProvider::Aliyun => &rig.aliyun,
            SmsProvider::Tencent => &rig.tencent,
        };
        assert!(!fake.received()[0].accepted);
    }
}

async fn staff_hear_of_their_jobs_on_the_project_robot(db: Db) {
    let rig = rig(db, Options::default()).await;
    rig.start_worker(rig.server.store.clone(), "node-a");
    let site = rig.site().await;
    let server = &rig.server;
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "kind": "repair", "category": "repair.water", "urgency": "normal", "description": "厨房水管漏水", "resident_id": site.residents[0].0 }),
            StatusCode::CREATED,
        )
        .await;
    let id = ticket["id"].as_str().unwrap();
    let (status, body) = server
        .act(
            &site.agent,
            id,
            json!({ "action": "dispatch", "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = rig.wecom.wait_for(1, 5).await;
    let posted = got
        .iter()
        .find(|r| r.params.as_str().is_some_and(|t| t.contains("新派单")))
        .expect("the job reached the project's robot");
    assert!(posted.accepted);
    let text = posted.params.as_str().unwrap();
    assert!(
        text.starts_with(&format!("{PROJECT}-tech：")),
        "names the technician: {text}"
    );
    assert!(text.contains(ticket["number"].as_str().unwrap()), "{text}");
    assert!(
        posted.mentions.is_empty(),
        "no phone on record: nobody to @-mention"
    );

    // The ticket shows what was sent to whom, when and how.
    let mut job = Value::Null;
    for _ in 0..100 {
        let (status, list) = server
            .get(
                Some(&site.agent),
                &format!("/api/v1/tickets/{id}/deliveries"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        job = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "job_assigned")
            .cloned()
            .unwrap_or_default();
        if job["deliveries"][0]["state"] == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(job["recipient"]["id"], site.tech_id.as_str(), "{job}");
    assert_eq!(job["recipient"]["name"], format!("{PROJECT}-tech"));
    assert_eq!(job["deliveries"][0]["channel"], "wecom");
    assert_eq!(job["deliveries"][0]["state"], "sent");
    assert_eq!(job["deliveries"][0]["target"], format!("project:{PROJECT}"));
    assert!(
        !job.to_string().contains(providers::ROBOT_KEY),
        "the key is never shown"
    );
    let (status, _) = server
        .get(
            Some(&site.tech),
            &format!("/api/v1/tickets/{id}/deliveries"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "technicians do not read others' messages"
    );
}

/// Quiet hours around the present moment, in Shanghai time: from an hour ago to an hour on.
fn quiet_now() -> (String, String) {
    let local = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai);
    let hhmm = |t: DateTime<chrono_tz::Tz>| t.format("%H:%M").to_string();
    (
        hhmm(local - chrono::Duration::hours(1)),
        hhmm(local + chrono::Duration::hours(1)),
    )
}

async fn quiet_hours_hold_a_residents_message_until_they_end(db: Db) {
    let rig = rig(
        db,
        Options {
            quiet: Some(quiet_now()),
            ..Options::default()
        },
    )
    .await;
    let site = rig.site().await;
    let server = &rig.server;
    let ticket = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            json!({ "project_id": site.project_id, "channel": "phone", "kind": "inquiry", "description": "物业费怎么交", "resident_id": site.residents[0].0 }),
            StatusCode::CREATED,
        )
        .await;
    let id = ticket["id"].as_str().unwrap();
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已答复" }),
    ] {
        let (status, body) = server.act(&site.agent, id, action).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // A sign-in code is not held.
    let now = Utc::now();
    server
        .store
        .issue_sign_in_code(&site.residents[1].1, "10.0.0.1", now)
        .await
        .unwrap();
    assert_eq!(
        rig.round(Utc::now()).await,
        1,
        "the code leaves, the rating link waits"
    );
    assert_eq!(rig.aliyun.received()[0].template, "SMS_100001");
    let link = rig
        .deliveries()
        .await
        .into_iter()
        .find(|d| d.state == "pending")
        .expect("the rating link waits");
    let release = link.next_attempt_at.unwrap();
    let minutes = (release - now).num_minutes();
    assert!(
        (55..=61).contains(&minutes),
        "held until quiet hours end: {minutes} min"
    );

    // The accepted step and the rating link both waited; this installation has no template
    // for the first, so only the link reaches the provider.
    assert_eq!(rig.round(release).await, 2);
    let got = rig.aliyun.received();
    let sms = got.last().unwrap();
    assert_eq!(sms.template, "SMS_100002");
    assert_eq!(sms.params["ticket_number"], ticket["number"]);
    assert!(
        sms.params["link"]
            .as_str()
            .unwrap()
            .starts_with("https://kefu.example.com/rate/")
    );
}

async fn a_resident_preferring_wechat_falls_back_to_sms(db: Db) {
    let rig = rig(
        db,
        Options {
            wechat: true,
            ..Options::default()
        },
    )
    .await;
    assert!(rig.setup.wechat);
    let site = rig.site().await;
    let conn = sea_orm::Database::connect(&rig.server.url).await.unwrap();
    resident::Entity::update_many()
        .set(resident::ActiveModel {
            preferred_channel: Set("wechat".into()),
            ..Default::default()
        })
        .filter(resident::Column::Id.eq(&site.residents[0].0))
        .exec(&conn)
        .await
        .unwrap();
    // Bound to the official account: the openid is one of the resident's contact points.
    contact_point::ActiveModel {
        company_id: Set(rig.server.company_id.clone()),
        id: Set(guanjia_storage::new_id()),
        resident_id: Set(site.residents[0].0.clone()),
        kind: Set("wechat".into()),
        account: Set("gh_test".into()),
        value: Set("oHh7U5Pn2FcQvxS3-bound".into()),
        created_at: Set(Utc::now()),
    }
    .insert(&conn)
    .await
    .unwrap();
    let closes_at = Utc::now() + chrono::Duration::days(14);
    let campaign = json!({ "name": "四季度满意度调查", "project_id": site.project_id, "closes_at": closes_at });
    rig.server
        .ok(
            &rig.server.admin,
            "/api/v1/nps/campaigns",
            campaign,
            StatusCode::CREATED,
        )
        .await;
    let first: HashMap<String, String> = rig
        .deliveries()
        .await
        .into_iter()
        .map(|d| (d.target, d.channel))
        .collect();
    assert_eq!(
        first.get("wechat").map(String::as_str),
        Some("wechat"),
        "the bound resident: WeChat first"
    );
    assert_eq!(first.len(), 2, "the other resident: SMS at once");

    // WeChat is skipped and SMS planned in its place, due at once: the next round sends it.
    rig.round(Utc::now()).await;
    rig.round(Utc::now()).await;
    let rows = rig.deliveries().await;
    let wechat = rows.iter().find(|d| d.channel == "wechat").unwrap();
    assert_eq!(wechat.state, "skipped");
    assert_eq!(wechat.error_code.as_deref(), Some("no_wechat_account"));
    let sms: Vec<_> = rows.iter().filter(|d| d.channel == "sms").collect();
    assert_eq!(sms.len(), 2, "the fallback took SMS");
    assert!(sms.iter().all(|d| d.state == "sent"), "{sms:?}");
    let phones: Vec<String> = rig.aliyun.received().into_iter().map(|r| r.phone).collect();
    assert!(
        phones.contains(&site.residents[0].1),
        "the WeChat resident got the survey by SMS"
    );
}

async fn two_nodes_deliver_each_notification_exactly_once(db: Db) {
    const N: usize = 40;
    let rig = rig(db, Options::default()).await;
    let site = rig.site().await;
    let second = Store::connect(&rig.server.url)
        .await
        .unwrap()
        .with_delivery(rig.setup.clone());
    rig.start_worker(rig.server.store.clone(), "node-a");
    rig.start_worker(second.clone(), "node-b");
    let mut phones = Vec::new();
    for i in 0..N {
        let phone = format!("1391234{i:04}");
        rig.server
            .ok(
                &rig.server.admin,
                "/api/v1/residents",
                json!({ "name": format!("住户{i}"), "phone": phone, "room_id": site.rooms[i % 2], "role": "family" }),
                StatusCode::CREATED,
            )
            .await;
        phones.push(phone);
    }
    // Written on both nodes, as requests spread over them would be.
    for (i, phone) in phones.iter().enumerate() {
        let store = if i % 2 == 0 {
            &rig.server.store
        } else {
            &second
        };
        store
            .issue_sign_in_code(phone, &format!("10.1.0.{i}"), Utc::now())
            .await
            .unwrap()
            .expect("registered");
        store.wake_deliveries();
    }
    let got = rig.aliyun.wait_for(N, 20).await;
    // Time for any second sending to show.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_after = rig.aliyun.received();
    assert_eq!(got.len(), N);
    assert_eq!(got_after.len(), N, "nothing was sent twice");
    let mut per_delivery: HashMap<String, usize> = HashMap::new();
    for r in &got_after {
        *per_delivery.entry(r.out_id.clone()).or_default() += 1;
    }
    assert_eq!(per_delivery.len(), N);
    let mut sent_phones: Vec<String> = got_after.iter().map(|r| r.phone.clone()).collect();
    sent_phones.sort();
    phones.sort();
    assert_eq!(sent_phones, phones, "each phone got its code once");
    let mut rows = rig.deliveries().await;
    for _ in 0..100 {
        if rows.iter().all(|d| d.state == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        rows = rig.deliveries().await;
    }
    assert_eq!(rows.len(), N);
    assert!(
        rows.iter().all(|d| d.state == "sent" && d.attempts == 1),
        "{rows:?}"
    );
}
