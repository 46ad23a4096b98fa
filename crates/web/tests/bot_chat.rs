//! The FAQ bot answering first in conversations, on SQLite and PostgreSQL: a resident's question
//! in the H5 chat answered in the thread (the conversation then waits for the resident, not for
//! agents); a repair, a request for a person and an answer that did not help handed to the
//! agents' inbox, after which the bot stays out until the conversation is closed; an agent's
//! answer keeps it out too; and a WeChat follower's question answered by a customer-service
//! message through the local stand-in of WeChat's API, the callback answering at once.

// The WeChat tests' stand-in; this file uses only its customer-service side.
#[path = "wechat/api.rs"]
#[allow(dead_code)]
mod api;
mod common;

use chrono::Utc;
use guanjia_channels::{DeliveryConfig, Senders, WechatConfig};
use guanjia_storage::SecretKey;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use common::{Db, Server, Site};

on_both_databases_given!(
    an_answerable_chat_question_is_answered_in_the_thread,
    a_repair_is_handed_to_the_inbox_and_the_bot_stays_out_until_closed,
    asking_for_a_person_hands_off_and_an_agents_answer_keeps_the_bot_out,
    an_answer_that_did_not_help_hands_off,
    a_wechat_question_is_answered_by_a_customer_service_message,
);

/// The company's FAQ, published.
async fn faq(server: &Server) {
    for (title, body) in [
        (
            "物业费有哪些缴纳方式？",
            "目前支持以下几种方式缴纳物业费：\n\n- **微信公众号**生活缴费\n- App 在线支付\n- 服务中心柜台刷卡\n- 银行代扣，每月 5 日自动扣款",
        ),
        (
            "停车月卡怎么办理？",
            "业主带行驶证、身份证和房产证明到服务中心办理停车月卡，地库月卡每月 300 元。",
        ),
    ] {
        let created = server
            .ok(
                &server.admin,
                "/api/v1/kb/articles",
                json!({ "title": title, "body": body }),
                StatusCode::CREATED,
            )
            .await;
        let id = created["id"].as_str().unwrap();
        server
            .ok(
                &server.admin,
                &format!("/api/v1/kb/articles/{id}/publish"),
                json!({}),
                StatusCode::OK,
            )
            .await;
    }
}

/// A site with the FAQ published, and its first resident's token.
async fn chat_site(server: &Server, code: &str) -> (Site, String) {
    let site = server.site(code).await;
    faq(server).await;
    let token = server.resident_token(&site.residents[0].1).await;
    (site, token)
}

/// The resident writes in the H5 chat; answers the conversation's id.
async fn say(server: &Server, token: &str, text: &str) -> String {
    let posted = server
        .ok(
            token,
            "/api/v1/chat/messages",
            json!({ "text": text }),
            StatusCode::CREATED,
        )
        .await;
    posted["conversation_id"].as_str().unwrap().to_owned()
}

/// The conversation as `token` reads it.
async fn thread(server: &Server, token: &str, id: &str) -> Value {
    let (status, body) = server
        .get(Some(token), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The bot's messages of a thread.
fn from_bot(thread: &Value) -> Vec<Value> {
    thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sender"] == "bot")
        .cloned()
        .collect()
}

/// The ids of the conversations the agents' inbox lists as needing a person (to answer).
async fn needing_a_person(server: &Server, agent: &str) -> Vec<String> {
    let (status, list) = server
        .get(Some(agent), "/api/v1/conversations?state=open")
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_answerable_chat_question_is_answered_in_the_thread(db: Db) {
    let server = Server::start(db).await;
    let (site, token) = chat_site(&server, "bc1").await;
    let id = say(&server, &token, "物业废能用微信交吗").await;
    let seen = thread(&server, &token, &id).await;
    let messages = seen["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{seen}");
    assert_eq!(messages[0]["direction"], "in");
    let answer = &messages[1];
    assert_eq!(
        (&answer["direction"], &answer["sender"], &answer["handoff"]),
        (&json!("out"), &json!("bot"), &Value::Null),
        "{seen}"
    );
    assert!(
        answer["text"].as_str().unwrap().contains("微信公众号"),
        "{answer}"
    );
    // Answered: the conversation waits for the resident, not for agents.
    assert_eq!(seen["state"], "waiting", "{seen}");
    assert_eq!(seen["unread"], 0);
    assert!(!needing_a_person(&server, &site.agent).await.contains(&id));
    // The agents see the bot's answer in the thread too.
    let desk = thread(&server, &site.agent, &id).await;
    assert_eq!(from_bot(&desk).len(), 1, "{desk}");
}

async fn a_repair_is_handed_to_the_inbox_and_the_bot_stays_out_until_closed(db: Db) {
    let server = Server::start(db).await;
    let (site, token) = chat_site(&server, "bc2").await;
    let id = say(
        &server,
        &token,
        "卫生间水龙头坏了，关不紧，麻烦派师傅来修一下",
    )
    .await;
    let seen = thread(&server, &token, &id).await;
    let bot = from_bot(&seen);
    assert_eq!(bot.len(), 1, "{seen}");
    assert_eq!(bot[0]["handoff"], "repair", "{seen}");
    let note = bot[0]["text"].as_str().unwrap();
    assert!(
        note.contains("已为您转人工客服") && note.contains("报修工单"),
        "{note}"
    );
    assert_eq!(seen["state"], "open");
    assert!(needing_a_person(&server, &site.agent).await.contains(&id));
    // In English for a reader who asks for it.
    let (_, english) = {
        let response = server
            .client
            .get(server.url(&format!("/api/v1/conversations/{id}")))
            .bearer_auth(&token)
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    let note = from_bot(&english)[0]["text"].as_str().unwrap().to_owned();
    assert!(note.contains("repair ticket"), "{note}");

    // Handed off: a question the bot could answer is left to the person.
    say(&server, &token, "物业费能用微信交吗").await;
    let seen = thread(&server, &token, &id).await;
    assert_eq!(from_bot(&seen).len(), 1, "the bot stays out: {seen}");
    assert_eq!(seen["state"], "open");
    assert_eq!(seen["unread"], 2);

    // Closed by the agent: the resident's next question is the bot's again.
    server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{id}/close"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    say(&server, &token, "停车月卡怎么办").await;
    let seen = thread(&server, &token, &id).await;
    let bot = from_bot(&seen);
    assert_eq!(bot.len(), 2, "{seen}");
    assert!(
        bot[1]["text"].as_str().unwrap().contains("停车月卡"),
        "{seen}"
    );
    assert_eq!(seen["state"], "waiting");
}

async fn asking_for_a_person_hands_off_and_an_agents_answer_keeps_the_bot_out(db: Db) {
    let server = Server::start(db).await;
    let (site, token) = chat_site(&server, "bc3").await;
    let id = say(&server, &token, "转人工").await;
    let seen = thread(&server, &token, &id).await;
    let bot = from_bot(&seen);
    assert_eq!(bot.len(), 1, "{seen}");
    assert_eq!(bot[0]["handoff"], "asked_for_person");
    assert_eq!(bot[0]["text"], "已为您转人工客服，请稍候。");
    assert!(needing_a_person(&server, &site.agent).await.contains(&id));

    // Another resident is answered by the bot, then by an agent: the bot then stays out.
    let other = server.resident_token(&site.residents[1].1).await;
    let theirs = say(&server, &other, "物业费能用微信交吗").await;
    assert_eq!(from_bot(&thread(&server, &other, &theirs).await).len(), 1);
    server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{theirs}/replies"),
            json!({ "text": "您好，也可以到服务中心柜台缴费。" }),
            StatusCode::CREATED,
        )
        .await;
    say(&server, &other, "停车月卡怎么办").await;
    let seen = thread(&server, &other, &theirs).await;
    assert_eq!(from_bot(&seen).len(), 1, "the agent has it: {seen}");
    assert_eq!(seen["state"], "open");
    assert!(
        needing_a_person(&server, &site.agent)
            .await
            .contains(&theirs)
    );
}

async fn an_answer_that_did_not_help_hands_off(db: Db) {
    let server = Server::start(db).await;
    let (site, token) = chat_site(&server, "bc4").await;
    let id = say(&server, &token, "停车月卡怎么办理").await;
    let seen = thread(&server, &token, &id).await;
    let answer = from_bot(&seen)[0].clone();
    let answer_id = answer["sender_id"].as_str().expect("the recorded answer");
    let rated = server
        .ok(
            &token,
            &format!("/api/v1/bot/answers/{answer_id}/feedback"),
            json!({ "helpful": false }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(rated["helpful"], false);
    let seen = thread(&server, &token, &id).await;
    let bot = from_bot(&seen);
    assert_eq!(bot.len(), 2, "{seen}");
    assert_eq!(bot[1]["handoff"], "not_helpful");
    assert_eq!(bot[1]["text"], "已为您转人工客服，请稍候。");
    assert_eq!(seen["state"], "open");
    assert!(needing_a_person(&server, &site.agent).await.contains(&id));
    // Saying so again changes nothing more.
    server
        .ok(
            &token,
            &format!("/api/v1/bot/answers/{answer_id}/feedback"),
            json!({ "helpful": false }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(from_bot(&thread(&server, &token, &id).await).len(), 2);
}

const TOKEN: &str = "spamtest";

/// WeChat's `signature` (sorted, joined, SHA-1), as the documentation computes it.
fn signed_query(timestamp: &str, nonce: &str) -> String {
    let mut parts = [TOKEN, timestamp, nonce];
    parts.sort_unstable();
    let signature = hex::encode(Sha1::digest(parts.concat().as_bytes()));
    format!("signature={signature}&timestamp={timestamp}&nonce={nonce}")
}

fn text_push(from: &str, msg_id: &str, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>",
        Utc::now().timestamp()
    )
}

async fn a_wechat_question_is_answered_by_a_customer_service_message(db: Db) {
    let wechat = api::start().await;
    let config = DeliveryConfig {
        wechat: WechatConfig {
            base_url: wechat.base.clone(),
        },
        // No quiet hours, so that the test does not depend on the hour it runs at.
        quiet_start: "00:00".into(),
        quiet_end: "00:00".into(),
        ..DeliveryConfig::default()
    };
    let senders = Senders::new(config).expect("senders");
    let setup = guanjia_web::delivery_setup(&senders).expect("setup");
    let key = SecretKey::from_passphrase("a test passphrase that is long enough to seal").unwrap();
    let server = Server::start_with(db, move |store| {
        store.with_delivery(setup).with_secret_key(key)
    })
    .await;
    let site = server.site("bc5").await;
    faq(&server).await;
    // The project's own official account: its followers write about this project.
    let account = server
        .ok(
            &server.admin,
            "/api/v1/channels/wechat",
            json!({ "name": "锦程服务号", "app_id": api::APP_ID, "app_secret": api::APP_SECRET,
                "token": TOKEN, "project_id": site.project_id }),
            StatusCode::CREATED,
        )
        .await;
    let path = account["callback_path"].as_str().unwrap();
    let query = signed_query("1409735669", "1320562132");
    let openid = "oFollowerAskingAboutFees0001";
    for (msg_id, text) in [
        ("7100000000000000001", "物业费能用微信交吗"),
        ("7100000000000000002", "转人工"),
    ] {
        let before = wechat.sent().len();
        let response = server
            .client
            .post(server.url(&format!("{path}?{query}")))
            .header("content-type", "text/xml")
            .body(text_push(openid, msg_id, text))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        // WeChat is answered at once; nothing went out to WeChat inside the callback.
        assert_eq!(response.text().await.unwrap(), "success");
        assert_eq!(wechat.sent().len(), before, "{:?}", wechat.sent());
        guanjia_web::deliver_due(&server.store, &senders, "node-test", Utc::now())
            .await
            .unwrap();
    }
    let sent = wechat.sent();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent.iter()
            .all(|s| s.api == "custom" && s.body["touser"] == openid)
    );
    let answer = sent[0].body["text"]["content"].as_str().unwrap();
    // The article's Markdown leaves as plain text: WeChat shows no markup.
    assert!(answer.contains("· 微信公众号生活缴费\n"), "{answer}");
    assert!(!answer.contains("**"), "{answer}");
    assert_eq!(
        sent[1].body["text"]["content"],
        "已为您转人工客服，请稍候。"
    );
    // The desk sees the conversation as needing a person, with what was asked and answered.
    let (_, list) = server
        .get(Some(&site.agent), "/api/v1/conversations?channel=wechat")
        .await;
    let c = &list["items"][0];
    assert_eq!(c["state"], "open", "{list}");
    let desk = thread(&server, &site.agent, c["id"].as_str().unwrap()).await;
    let texts: Vec<&str> = desk["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(texts.len(), 4, "{desk}");
    assert_eq!(texts[0], "物业费能用微信交吗");
    assert!(texts[1].contains("微信公众号"));
    assert_eq!(texts[2], "转人工");
    assert_eq!(texts[3], "已为您转人工客服，请稍候。");
}
