//! The WeChat official account end to end: accounts registered through the API, WeChat's calls
//! to the callback (verification, plaintext and safe-mode pushes, WeChat's own documented
//! encrypted sample, retries, bad signatures), and notifications and replies sent through a
//! local stand-in of WeChat's API that checks the documented requests and answers as WeChat
//! does; on SQLite and PostgreSQL.

#[path = "wechat/api.rs"]
mod api;
mod common;

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use guanjia_channels::wechat::AesKey;
use guanjia_channels::{DeliveryConfig, Senders, WechatConfig};
use guanjia_storage::entity::{
    contact_point, conversation, conversation_message, delivery, resident, wechat_media_fetch,
};
use guanjia_storage::{SecretKey, Store};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use common::{Db, Server};

on_both_databases_given!(
    accounts_are_checked_and_their_secrets_never_answered,
    the_server_url_is_verified_by_its_signature,
    plaintext_pushes_are_stored_once_and_forged_ones_not_at_all,
    the_documented_encrypted_sample_is_received_and_replies_are_sealed,
    a_notification_leaves_once_as_a_template_message_with_two_nodes,
    an_expired_token_is_replaced_and_replies_go_as_customer_service_messages,
    pictures_and_recordings_are_fetched_once_after_the_answer_with_two_nodes,
);

const SECRET_KEY: &str = "a test passphrase that is long enough to seal";
/// WeChat's sample account (消息加解密 sample code).
const TOKEN: &str = "spamtest";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

struct Rig {
    server: Server,
    wechat: api::WechatApi,
    senders: Senders,
    secret: SecretKey,
}

async fn rig(db: Db) -> Rig {
    let wechat = api::start().await;
    let config = DeliveryConfig {
        wechat: WechatConfig {
            base_url: wechat.base.clone(),
        },
        public_url: Some("https://kefu.example.com".into()),
        // No quiet hours, so that the tests do not depend on the hour they run at.
        quiet_start: "00:00".into(),
        quiet_end: "00:00".into(),
        ..DeliveryConfig::default()
    };
    let senders = Senders::new(config).expect("senders");
    let setup = guanjia_web::delivery_setup(&senders).expect("setup");
    let secret = SecretKey::from_passphrase(SECRET_KEY).unwrap();
    let key = secret.clone();
    let server = Server::start_with(db, move |store| {
        store.with_delivery(setup).with_secret_key(key)
    })
    .await;
    Rig {
        server,
        wechat,
        senders,
        secret,
    }
}

fn account_input(project_id: Option<&str>) -> Value {
    json!({
        "name": "锦程服务号", "app_id": api::APP_ID, "app_secret": api::APP_SECRET,
        "token": TOKEN, "encoding_aes_key": AES_KEY, "project_id": project_id,
        "templates": { "nps_survey": { "template_id": "TPL_nps_0001",
            "fields": { "first": "message", "keyword1": "campaign", "remark": "link" } } },
    })
}

impl Rig {
    /// Registers the account; answers its callback path.
    async fn account(&self, project_id: Option<&str>) -> String {
        let created = self
            .server
            .ok(
                &self.server.admin,
                "/api/v1/channels/wechat",
                account_input(project_id),
                StatusCode::CREATED,
            )
            .await;
        created["callback_path"].as_str().unwrap().to_owned()
    }

    async fn conn(&self) -> sea_orm::DatabaseConnection {
        sea_orm::Database::connect(&self.server.url).await.unwrap()
    }

    async fn messages(&self) -> Vec<conversation_message::Model> {
        conversation_message::Entity::find()
            .all(&self.conn().await)
            .await
            .unwrap()
    }

    /// POSTs a push signed as WeChat signs it.
    async fn push(&self, path: &str, query: &str, body: String) -> (StatusCode, String) {
        let response = self
            .server
            .client
            .post(self.server.url(&format!("{path}?{query}")))
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

/// WeChat's `signature`, computed here from the documentation (sorted, joined, SHA-1).
fn sign(parts: &[&str]) -> String {
    let mut parts = parts.to_vec();
    parts.sort_unstable();
    hex::encode(Sha1::digest(parts.concat().as_bytes()))
}

fn signed_query(timestamp: &str, nonce: &str) -> String {
    format!(
        "signature={}&timestamp={timestamp}&nonce={nonce}",
        sign(&[TOKEN, timestamp, nonce])
    )
}

fn text_push(from: &str, msg_id: &str, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>",
        Utc::now().timestamp()
    )
}

async fn accounts_are_checked_and_their_secrets_never_answered(db: Db) {
    let rig = rig(db).await;
    let admin = &rig.server.admin;
    let (status, body) = rig
        .server
        .post(
            Some(admin),
            "/api/v1/channels/wechat",
            json!({ "name": "号", "app_id": "wx123", "app_secret": "x", "token": "a b", "encoding_aes_key": "short" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &body["error"]["details"]["fields"];
    for field in ["app_id", "app_secret", "token", "encoding_aes_key"] {
        assert!(fields.get(field).is_some(), "{field} named: {body}");
    }
    let (status, body) = rig
        .server
        .post(
            Some(admin),
            "/api/v1/channels/wechat",
            json!({ "name": "号", "app_id": api::APP_ID, "app_secret": api::APP_SECRET, "token": TOKEN, "extra": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown fields: {body}");

    let created = rig
        .server
        .ok(
            admin,
            "/api/v1/channels/wechat",
            account_input(None),
            StatusCode::CREATED,
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let path = created["callback_path"].as_str().unwrap();
    assert!(
        path.starts_with("/wechat/callback/") && path.len() > 40,
        "{path}"
    );
    let (status, read) = rig
        .server
        .get(Some(admin), &format!("/api/v1/channels/wechat/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["app_secret_set"], true);
    assert_eq!(read["encoding_aes_key_set"], true);
    let (_, list) = rig.server.get(Some(admin), "/api/v1/channels/wechat").await;
    assert_eq!(list["total"], 1);
    for text in [read.to_string(), list.to_string(), created.to_string()] {
        for secret in [api::APP_SECRET, TOKEN, AES_KEY] {
            assert!(!text.contains(secret), "a secret was answered: {text}");
        }
    }
    let row = guanjia_storage::entity::wechat_account::Entity::find()
        .one(&rig.conn().await)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.app_secret.contains(api::APP_SECRET) && !row.token.contains(TOKEN));
    let system = guanjia_storage::Principal::system(&rig.server.company_id, "test");
    let trail = rig
        .server
        .store
        .audit_trail(&system, "wechat_account", id)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1, "the registration is audited");

    // The same AppID twice is taken; a change keeps the secrets it leaves out.
    let (status, body) = rig
        .server
        .post(Some(admin), "/api/v1/channels/wechat", account_input(None))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["app_id"], "taken");
    let changed = rig
        .server
        .put(
            admin,
            &format!("/api/v1/channels/wechat/{id}"),
            json!({ "name": "锦程服务号（新）", "app_id": api::APP_ID }),
        )
        .await;
    assert_eq!(changed.0, StatusCode::OK, "{}", changed.1);
    assert_eq!(changed.1["token_set"], true);
    let trail = rig
        .server
        .store
        .audit_trail(&system, "wechat_account", id)
        .await
        .unwrap();
    assert_eq!(trail.len(), 2);
    for entry in &trail {
        let details = entry.details.to_string();
        assert!(
            !details.contains(api::APP_SECRET) && !details.contains(AES_KEY),
            "{details}"
        );
    }

    // Staff who are not admins may neither register nor read accounts.
    let site = rig.server.site("WX01").await;
    let (status, _) = rig
        .server
        .post(
            Some(&site.agent),
            "/api/v1/channels/wechat",
            account_input(None),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = rig
        .server
        .get(Some(&site.agent), &format!("/api/v1/channels/wechat/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_server_url_is_verified_by_its_signature(db: Db) {
    let rig = rig(db).await;
    let path = rig.account(None).await;
    let get = |query: String| {
        let url = rig.server.url(&format!("{path}?{query}"));
        let client = rig.server.client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, body) = get(format!(
        "{}&echostr=4731028471048",
        signed_query("1714037059", "486452656")
    ))
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "4731028471048"));
    let forged = "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656&echostr=1";
    let (status, body) = get(forged.into()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.contains("\"1\""));
    let (status, _) = get("echostr=1".into()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let unknown = rig
        .server
        .client
        .get(
            rig.server
                .url("/wechat/callback/00000000000000000000000000000000?echostr=1"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

async fn plaintext_pushes_are_stored_once_and_forged_ones_not_at_all(db: Db) {
    let rig = rig(db).await;
    let path = rig.account(None).await;
    let openid = "oyORnuP8q7ou2gfYjqLzSIWZf0rs";
    let query = signed_query("1409735669", "1320562132");
    // WeChat tries three times when it does not hear back in time.
    for _ in 0..3 {
        let (status, body) = rig
            .push(
                &path,
                &query,
                text_push(openid, "6054768590064713728", "3栋2单元水管漏水了"),
            )
            .await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "success"));
    }
    let messages = rig.messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].text.as_deref(), Some("3栋2单元水管漏水了"));
    assert_eq!(messages[0].channel, "wechat");
    let conversations = conversation::Entity::find()
        .all(&rig.conn().await)
        .await
        .unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].contact_value, openid);
    assert_eq!(conversations[0].contact_account, api::APP_ID);

    // A forged signature, or none: refused, and nothing is stored.
    let forged =
        "signature=0000000000000000000000000000000000000000&timestamp=1409735669&nonce=1320562132";
    let (status, _) = rig
        .push(
            &path,
            forged,
            text_push(openid, "6054768590064713999", "伪造"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = rig
        .push(
            &path,
            "timestamp=1&nonce=2",
            text_push(openid, "6054768590064713998", "伪造"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Signed but not WeChat's XML: refused, nothing stored.
    let (status, _) = rig.push(&path, &query, "<html>hi</html>".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(rig.messages().await.len(), 1);

    // A voice message keeps WeChat's transcript; following the account is an event, answered
    // with a welcome.
    let voice = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_voice_1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[电梯又坏了]]></Recognition><MsgId>6054768590064713730</MsgId></xml>",
        Utc::now().timestamp()
    );
    let (status, _) = rig.push(&path, &query, voice).await;
    assert_eq!(status, StatusCode::OK);
    let follower = "oNewFollower000000000000001x";
    let subscribe = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[{follower}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>",
        Utc::now().timestamp()
    );
    for _ in 0..2 {
        let (status, reply) = rig.push(&path, &query, subscribe.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            reply.contains(&format!("<ToUserName><![CDATA[{follower}]]></ToUserName>"))
                && reply.contains("<MsgType><![CDATA[text]]></MsgType>")
                && reply.contains("欢迎关注锦程服务号"),
            "{reply}"
        );
    }
    let messages = rig.messages().await;
    assert_eq!(messages.len(), 3, "the event once, though pushed twice");
    let voice = messages.iter().find(|m| m.kind == "voice").expect("voice");
    let attachment = voice.attachment.clone().unwrap_or_default().to_string();
    assert!(
        voice.text.as_deref() == Some("电梯又坏了") || attachment.contains("电梯又坏了"),
        "{voice:?}"
    );
    assert!(messages.iter().any(|m| m.kind == "event"));
}

async fn the_documented_encrypted_sample_is_received_and_replies_are_sealed(db: Db) {
    let rig = rig(db).await;
    let path = rig.account(None).await;
    // WeChat's own sample: Token spamtest, this timestamp and nonce, this msg_signature.
    let (timestamp, nonce) = ("1409735669", "1320562132");
    let encrypted = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    );
    let safe = |msg_signature: &str| {
        format!(
            "{}&encrypt_type=aes&msg_signature={msg_signature}",
            signed_query(timestamp, nonce)
        )
    };
    let (status, _) = rig
        .push(
            &path,
            &safe("5d197aaffba7e9b25a30732f161a50dee96bd5fb"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a wrong msg_signature");
    assert!(rig.messages().await.is_empty(), "nothing stored");
    for _ in 0..2 {
        let (status, answer) = rig
            .push(
                &path,
                &safe("5d197aaffba7e9b25a30732f161a50dee96bd5fa"),
                body.clone(),
            )
            .await;
        assert_eq!((status, answer.as_str()), (StatusCode::OK, "success"));
    }
    let messages = rig.messages().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(
        messages[0].external_id.as_deref(),
        Some("6054768590064713728")
    );

    // A follower in safe mode gets the welcome sealed: decrypted with the account's key, signed
    // over the reply's own timestamp and nonce.
    let key = AesKey::from_encoding_aes_key(AES_KEY).unwrap();
    let subscribe = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oSafeFollower00000000000001]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>",
        Utc::now().timestamp()
    );
    let sealed = key.encrypt(&subscribe, api::APP_ID, *b"0123456789abcdef");
    let msg_signature = sign(&[TOKEN, timestamp, nonce, &sealed]);
    let (status, answer) = rig
        .push(
            &path,
            &safe(&msg_signature),
            format!("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{sealed}]]></Encrypt></xml>"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let field = |name: &str| {
        let open = format!("<{name}>");
        let start = answer.find(&open).unwrap() + open.len();
        let end = answer.find(&format!("</{name}>")).unwrap();
        answer[start..end]
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .to_owned()
    };
    let (reply_encrypt, reply_ts, reply_nonce) =
        (field("Encrypt"), field("TimeStamp"), field("Nonce"));
    assert_eq!(
        field("MsgSignature"),
        sign(&[TOKEN, &reply_ts, &reply_nonce, &reply_encrypt])
    );
    let reply = key.decrypt(&reply_encrypt, api::APP_ID).unwrap();
    assert!(
        reply.contains("oSafeFollower00000000000001") && reply.contains("欢迎关注"),
        "{reply}"
    );
    let _ = &rig.secret;
}

/// A resident of a new project who prefers WeChat and follows the account.
async fn bound_resident(rig: &Rig, code: &str, openid: &str) -> common::Site {
    let site = rig.server.site(code).await;
    let conn = rig.conn().await;
    resident::Entity::update_many()
        .set(resident::ActiveModel {
            preferred_channel: Set("wechat".into()),
            ..Default::default()
        })
        .filter(resident::Column::Id.eq(&site.residents[0].0))
        .exec(&conn)
        .await
        .unwrap();
    contact_point::ActiveModel {
        company_id: Set(rig.server.company_id.clone()),
        id: Set(guanjia_storage::new_id()),
        resident_id: Set(site.residents[0].0.clone()),
        kind: Set("wechat".into()),
        account: Set(api::APP_ID.into()),
        value: Set(openid.into()),
        created_at: Set(Utc::now()),
    }
    .insert(&conn)
    .await
    .unwrap();
    site
}

async fn deliveries(rig: &Rig) -> Vec<delivery::Model> {
    delivery::Entity::find()
        .all(&rig.conn().await)
        .await
        .unwrap()
}

async fn a_notification_leaves_once_as_a_template_message_with_two_nodes(db: Db) {
    let rig = rig(db).await;
    let openid = "oHh7U5Pn2FcQvxS3TemplateMsg1";
    let site = bound_resident(&rig, "WX02", openid).await;
    rig.account(Some(&site.project_id)).await;
    let second = Store::connect(&rig.server.url)
        .await
        .unwrap()
        .with_delivery(guanjia_web::delivery_setup(&rig.senders).unwrap())
        .with_secret_key(rig.secret.clone());
    for (store, node) in [(rig.server.store.clone(), "node-a"), (second, "node-b")] {
        guanjia_web::spawn_delivery(
            store,
            rig.senders.clone(),
            node.into(),
            Duration::from_millis(50),
        );
    }
    let closes_at = Utc::now() + chrono::Duration::days(14);
    rig.server
        .ok(
            &rig.server.admin,
            "/api/v1/nps/campaigns",
            json!({ "name": "四季度满意度调查", "project_id": site.project_id, "closes_at": closes_at }),
            StatusCode::CREATED,
        )
        .await;
    let sent = rig.wechat.wait_for(1, 10).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let sent_after = rig.wechat.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent_after.len(), 1, "sent once: {sent_after:?}");
    let body = &sent_after[0].body;
    assert_eq!(sent_after[0].api, "template");
    assert_eq!(body["touser"], openid);
    assert_eq!(body["template_id"], "TPL_nps_0001");
    assert_eq!(body["data"]["keyword1"]["value"], "四季度满意度调查");
    assert!(
        body["data"]["first"]["value"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "zh-CN: {body}"
    );
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .starts_with("https://kefu.example.com/"),
        "{body}"
    );
    assert_eq!(rig.wechat.tokens_issued(), 1, "one token for both nodes");
    let rows = deliveries(&rig).await;
    let wechat: Vec<_> = rows.iter().filter(|d| d.channel == "wechat").collect();
    assert_eq!(wechat.len(), 1);
    for _ in 0..50 {
        if deliveries(&rig)
            .await
            .iter()
            .any(|d| d.channel == "wechat" && d.state == "sent")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let row = deliveries(&rig)
        .await
        .into_iter()
        .find(|d| d.channel == "wechat")
        .unwrap();
    assert_eq!((row.state.as_str(), row.attempts), ("sent", 1), "{row:?}");
    assert!(row.provider_message_id.is_some());
}

async fn an_expired_token_is_replaced_and_replies_go_as_customer_service_messages(db: Db) {
    let rig = rig(db).await;
    let path = rig.account(None).await;
    let query = signed_query("1409735669", "1320562132");
    let mut conversations = HashMap::new();
    for (openid, msg_id) in [
        ("oWithinTheWindow000000000001", "7000000000000000001"),
        ("oOutsideTheWindow00000000001", "7000000000000000002"),
    ] {
        let (status, _) = rig
            .push(
                &path,
                &query,
                text_push(openid, msg_id, "请问物业费怎么交？"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let c = conversation::Entity::find()
            .filter(conversation::Column::ContactValue.eq(openid))
            .one(&rig.conn().await)
            .await
            .unwrap()
            .unwrap();
        conversations.insert(openid, c.id);
    }
    // The answering agent is a real staff member (the conversation's owner from then on).
    let admin_id = guanjia_storage::entity::staff::Entity::find()
        .filter(guanjia_storage::entity::staff::Column::Username.eq("admin"))
        .one(&rig.conn().await)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut admin = guanjia_storage::Principal::system(&rig.server.company_id, &admin_id);
    admin.name = "管理员".into();
    let reply = |id: String, text: &'static str| {
        let store = rig.server.store.clone();
        let admin = admin.clone();
        async move { store.reply(&admin, &id, text, Utc::now()).await.unwrap() }
    };
    reply(
        conversations["oWithinTheWindow000000000001"].clone(),
        "您好，可在服务号菜单缴费。",
    )
    .await;
    let node = "node-test";
    guanjia_web::deliver_due(&rig.server.store, &rig.senders, node, Utc::now())
        .await
        .unwrap();
    let sent = rig.wechat.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].api, "custom");
    assert_eq!(sent[0].body["touser"], "oWithinTheWindow000000000001");
    assert_eq!(
        sent[0].body["text"]["content"],
        "您好，可在服务号菜单缴费。"
    );
    assert_eq!(rig.wechat.tokens_issued(), 1);

    // WeChat says the token expired: a new one is fetched and the message goes at once.
    rig.wechat.expire_current_token();
    reply(
        conversations["oWithinTheWindow000000000001"].clone(),
        "已为您登记。",
    )
    .await;
    guanjia_web::deliver_due(&rig.server.store, &rig.senders, node, Utc::now())
        .await
        .unwrap();
    assert_eq!(rig.wechat.refused(42001), 1);
    assert_eq!(rig.wechat.tokens_issued(), 2, "refreshed once");
    assert_eq!(rig.wechat.sent().len(), 2);

    // Outside the 48-hour window (45015): failed for good, with WeChat's reason.
    reply(
        conversations["oOutsideTheWindow00000000001"].clone(),
        "您好？",
    )
    .await;
    guanjia_web::deliver_due(&rig.server.store, &rig.senders, node, Utc::now())
        .await
        .unwrap();
    let rows = deliveries(&rig).await;
    let failed: Vec<_> = rows.iter().filter(|d| d.state == "failed").collect();
    assert_eq!(failed.len(), 1, "{rows:?}");
    assert_eq!(failed[0].error_code.as_deref(), Some("45015"));
    assert!(
        failed[0]
            .error_reason
            .as_deref()
            .unwrap()
            .contains("out of time limit")
    );
    assert_eq!(rows.iter().filter(|d| d.state == "sent").count(), 2);
}

fn media_push(from: &str, msg_id: &str, kind: &str, media_id: &str) -> String {
    let extra = match kind {
        "image" => "<PicUrl><![CDATA[http://mmbiz.qpic.cn/mmbiz_jpg/x/0]]></PicUrl>".to_owned(),
        _ => "<Format><![CDATA[amr]]></Format><Recognition><![CDATA[电梯又坏了]]></Recognition>"
            .to_owned(),
    };
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{extra}<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{msg_id}</MsgId></xml>",
        Utc::now().timestamp()
    )
}

async fn media_fetches(rig: &Rig) -> Vec<wechat_media_fetch::Model> {
    wechat_media_fetch::Entity::find()
        .all(&rig.conn().await)
        .await
        .unwrap()
}

async fn pictures_and_recordings_are_fetched_once_after_the_answer_with_two_nodes(db: Db) {
    let rig = rig(db).await;
    let path = rig.account(None).await;
    let openid = "oMediaSender000000000000001";
    let query = signed_query("1409735669", "1320562132");
    let pushes = [
        ("6054768590064720001", "image", "media_image_1"),
        ("6054768590064720002", "voice", "media_voice_1"),
        ("6054768590064720003", "image", "media_expired_1"),
        ("6054768590064720004", "image", "media_busy_1"),
    ];
    for (msg_id, kind, media_id) in pushes {
        // WeChat's retry of the same push queues nothing more.
        for _ in 0..2 {
            let (status, body) = rig
                .push(&path, &query, media_push(openid, msg_id, kind, media_id))
                .await;
            assert_eq!((status, body.as_str()), (StatusCode::OK, "success"));
        }
    }
    // Answered without asking WeChat for anything: the fetches wait in the queue.
    for (_, _, media_id) in pushes {
        assert_eq!(rig.wechat.media_asked(media_id), 0);
    }
    assert_eq!(media_fetches(&rig).await.len(), 4);

    // Two nodes fetch side by side: each file is asked for once.
    let second = Store::connect(&rig.server.url)
        .await
        .unwrap()
        .with_secret_key(rig.secret.clone())
        .with_files_dir(rig.server.store.files_dir());
    let now = Utc::now();
    let (a, b) = tokio::join!(
        guanjia_web::fetch_wechat_media_due(&rig.server.store, &rig.senders, "node-a", now),
        guanjia_web::fetch_wechat_media_due(&second, &rig.senders, "node-b", now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 4, "every fetch claimed once");
    for (_, _, media_id) in pushes {
        assert_eq!(rig.wechat.media_asked(media_id), 1, "{media_id}");
    }
    assert_eq!(rig.wechat.tokens_issued(), 1, "one token for both nodes");
    let state = |rows: &[wechat_media_fetch::Model], media_id: &str| {
        let row = rows.iter().find(|r| r.media_id == media_id).unwrap();
        (row.state.clone(), row.attempts, row.error_code.clone())
    };
    let rows = media_fetches(&rig).await;
    assert_eq!(state(&rows, "media_image_1"), ("fetched".into(), 1, None));
    assert_eq!(state(&rows, "media_voice_1"), ("fetched".into(), 1, None));
    assert_eq!(
        state(&rows, "media_expired_1"),
        ("failed".into(), 1, Some("40007".into())),
        "WeChat's invalid media_id is final"
    );
    assert_eq!(
        state(&rows, "media_busy_1"),
        ("pending".into(), 1, Some("-1".into())),
        "a busy WeChat is asked again later"
    );
    let busy = rows.iter().find(|r| r.media_id == "media_busy_1").unwrap();
    let wait = busy.next_attempt_at - now;
    assert!(
        wait >= chrono::Duration::seconds(29) && wait <= chrono::Duration::seconds(40),
        "{wait}"
    );

    // Nothing is due until the backoff has passed; then the busy one is fetched, the others
    // never again.
    let again = guanjia_web::fetch_wechat_media_due(&second, &rig.senders, "node-b", Utc::now())
        .await
        .unwrap();
    assert_eq!(again, 0);
    let later = Utc::now() + chrono::Duration::seconds(45);
    let again = guanjia_web::fetch_wechat_media_due(&second, &rig.senders, "node-b", later)
        .await
        .unwrap();
    assert_eq!(again, 1);
    assert_eq!(rig.wechat.media_asked("media_busy_1"), 2);
    assert_eq!(rig.wechat.media_asked("media_expired_1"), 1);
    assert_eq!(
        state(&media_fetches(&rig).await, "media_busy_1"),
        ("fetched".into(), 2, None)
    );

    // An expired token is replaced and the fetch made again.
    rig.wechat.expire_current_token();
    let (status, _) = rig
        .push(
            &path,
            &query,
            media_push(openid, "6054768590064720005", "image", "media_image_2"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let fetched =
        guanjia_web::fetch_wechat_media_due(&rig.server.store, &rig.senders, "node-a", Utc::now())
            .await
            .unwrap();
    assert_eq!(fetched, 1);
    assert_eq!(rig.wechat.refused(42001), 1);
    assert_eq!(rig.wechat.tokens_issued(), 2);
    // The stand-in counts a media id once the token is accepted: once, with the new token.
    assert_eq!(rig.wechat.media_asked("media_image_2"), 1);
    assert_eq!(
        state(&media_fetches(&rig).await, "media_image_2"),
        ("fetched".into(), 1, None)
    );

    // The inbox's staff read each file through the files route: the picture as WeChat served
    // it, the recording beside its transcript.
    let messages = rig.messages().await;
    let file_of = |kind: &str, media_id: &str| {
        let m = messages
            .iter()
            .find(|m| m.kind == kind && m.attachment.as_ref().unwrap()["media_id"] == media_id)
            .unwrap();
        let a = m.attachment.clone().unwrap();
        (m.clone(), a["file"].clone())
    };
    for (kind, media_id, content_type, bytes) in [
        ("image", "media_image_1", "image/png", api::PICTURE),
        ("voice", "media_voice_1", "audio/amr", api::RECORDING),
        ("image", "media_busy_1", "image/png", api::PICTURE),
    ] {
        let (m, file) = file_of(kind, media_id);
        assert_eq!(file["content_type"], content_type, "{file}");
        let extension = content_type.rsplit('/').next().unwrap();
        assert_eq!(file["name"], format!("{media_id}.{extension}"));
        let response = rig
            .server
            .client
            .get(rig.server.url(&format!(
                "/api/v1/conversations/{}/messages/{}/files/{}",
                m.conversation_id,
                m.id,
                file["id"].as_str().unwrap()
            )))
            .bearer_auth(&rig.server.admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            content_type
        );
        assert_eq!(response.bytes().await.unwrap().as_ref(), bytes);
        if kind == "voice" {
            assert_eq!(m.text.as_deref(), Some("电梯又坏了"));
        }
    }
    let (_, none) = file_of("image", "media_expired_1");
    assert!(none.is_null(), "nothing kept of a refused media id");
    // The inbox page shows the picture from the files route and the recording to play.
    let (m, file) = file_of("image", "media_image_1");
    let page = rig
        .server
        .client
        .get(rig.server.url(&format!("/inbox?c={}", m.conversation_id)))
        .header("cookie", format!("gj_session={}", rig.server.admin))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let picture = format!(
        "<img src=\"/inbox/{}/files/{}/{}\"",
        m.conversation_id,
        m.id,
        file["id"].as_str().unwrap()
    );
    assert!(page.contains(&picture), "{page}");
    assert!(page.contains("<audio controls"), "{page}");
}
