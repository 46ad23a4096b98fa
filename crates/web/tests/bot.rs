//! The FAQ bot over the API, on SQLite and PostgreSQL: a resident's colloquial question answered
//! from a published article and rated; repairs, emergencies, requests for a person and questions
//! no article answers handed off; every question recorded; reach and bad input refused.

mod common;

use common::Server;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_residents_question_is_answered_and_rated,
    what_no_article_answers_or_a_person_must_take_is_handed_off,
    reach_and_bad_input_are_refused
);

/// A small FAQ, published.
async fn faq(server: &Server) -> Vec<String> {
    let mut ids = Vec::new();
    for (title, body) in [
        (
            "物业费有哪些缴纳方式？",
            "目前支持以下几种方式缴纳物业费：微信公众号生活缴费、App 在线支付、服务中心柜台刷卡，以及银行代扣，每月 5 日自动扣款。",
        ),
        (
            "停车月卡怎么办理？",
            "业主带行驶证、身份证和房产证明到服务中心办理停车月卡，地库月卡每月 300 元。",
        ),
        (
            "装修押金交多少，什么时候退？",
            "装修前交装修押金 3000 元，完工验收合格后 30 天内退还到原支付账户。",
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
        let id = created["id"].as_str().unwrap().to_owned();
        server
            .ok(
                &server.admin,
                &format!("/api/v1/kb/articles/{id}/publish"),
                json!({}),
                StatusCode::OK,
            )
            .await;
        ids.push(id);
    }
    ids
}

async fn ask(server: &Server, token: &str, project: &str, text: &str) -> (StatusCode, Value) {
    server
        .post(
            Some(token),
            "/api/v1/bot/ask",
            json!({ "text": text, "channel": "app", "project_id": project }),
        )
        .await
}

async fn a_residents_question_is_answered_and_rated(server: Server) {
    let site = server.site("bot1").await;
    let ids = faq(&server).await;
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, reply) = ask(&server, &resident, &site.project_id, "物业废能用微信交吗").await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["handoff"], false, "{reply}");
    assert_eq!(reply["answer"]["article_id"], ids[0].as_str(), "{reply}");
    assert_eq!(reply["answer"]["title"], "物业费有哪些缴纳方式？");
    assert!(
        reply["answer"]["text"]
            .as_str()
            .unwrap()
            .contains("微信公众号")
    );
    let confidence = reply["answer"]["confidence"].as_f64().unwrap();
    assert!(confidence > 0.0 && confidence <= 1.0, "{reply}");
    assert_eq!(reply["suggestions"][0]["article_id"], ids[0].as_str());
    // The resident says it helped; someone else cannot speak for them.
    let id = reply["id"].as_str().unwrap();
    let path = format!("/api/v1/bot/answers/{id}/feedback");
    let rated = server
        .ok(&resident, &path, json!({ "helpful": true }), StatusCode::OK)
        .await;
    assert_eq!(rated["helpful"], true);
    let other = server.resident_token(&site.residents[1].1).await;
    let (status, _) = server
        .post(Some(&other), &path, json!({ "helpful": false }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Staff of the project ask too, in the desk's own words.
    let (status, reply) = ask(
        &server,
        &site.agent,
        &site.project_id,
        "装修押进交多少 啥时候退给我",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["answer"]["article_id"], ids[2].as_str(), "{reply}");
}

async fn what_no_article_answers_or_a_person_must_take_is_handed_off(server: Server) {
    let site = server.site("bot2").await;
    faq(&server).await;
    let resident = server.resident_token(&site.residents[0].1).await;
    for (text, reason) in [
        ("转人工", "asked_for_person"),
        ("楼道里一股很大的煤气味 快来人", "emergency"),
        ("附近有啥好吃的火锅推荐一下", "not_known"),
    ] {
        let (status, reply) = ask(&server, &resident, &site.project_id, text).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        assert_eq!(
            (
                &reply["handoff"],
                &reply["handoff_reason"],
                &reply["answer"]
            ),
            (&json!(true), &json!(reason), &Value::Null),
            "{text}: {reply}"
        );
        // A hand-off answered nothing: there is nothing to rate.
        let id = reply["id"].as_str().unwrap();
        let (status, body) = server
            .post(
                Some(&resident),
                &format!("/api/v1/bot/answers/{id}/feedback"),
                json!({ "helpful": true }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"]["fields"]["helpful"], "invalid");
    }
}

async fn reach_and_bad_input_are_refused(server: Server) {
    let site = server.site("bot3").await;
    let elsewhere = server.site("bot4").await;
    faq(&server).await;
    // Out of reach reads as not found: staff of another project, a resident of another estate.
    let (status, _) = ask(&server, &elsewhere.agent, &site.project_id, "物业费怎么交").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let resident = server.resident_token(&elsewhere.residents[0].1).await;
    let (status, _) = ask(&server, &resident, &site.project_id, "物业费怎么交").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ask(&server, &server.admin, "nope", "物业费怎么交").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Bad input names every field and records nothing.
    let (status, body) = server
        .post(
            Some(&server.admin),
            "/api/v1/bot/ask",
            json!({ "text": " ", "channel": "pigeon", "project_id": site.project_id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &body["error"]["details"]["fields"];
    assert_eq!(fields["text"], "required", "{body}");
    assert_eq!(fields["channel"], "invalid", "{body}");
    let (status, body) = ask(&server, &server.admin, &site.project_id, &"问".repeat(501)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["text"], "too_long");
    let (status, _) = server
        .post(
            Some(&server.admin),
            "/api/v1/bot/answers/nope/feedback",
            json!({ "helpful": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Without signing in, nothing.
    let (status, _) = server
        .post(
            None,
            "/api/v1/bot/ask",
            json!({ "text": "物业费怎么交", "channel": "app", "project_id": site.project_id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
