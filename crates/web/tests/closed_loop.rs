//! The closed loop through the real HTTP API, on SQLite and on PostgreSQL: follow-up calls and
//! their outcomes, rating links (used, reused, expired, forged), rectification, the automatic
//! close, repeat complaints, suggestions, and the service figures.

mod common;

use chrono::{Duration, Utc};
use common::{Server, Site};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_staff_follow_up_records_the_call_and_closes_or_sends_back,
    the_resident_rates_once_through_the_link,
    a_complaint_waits_for_a_real_call_and_others_close_themselves,
    repeat_complaints_are_linked_and_the_supervisor_told,
    suggestions_are_adopted_or_declined,
    the_figures_follow_their_definitions,
    an_nps_campaign_reaches_its_segment_and_counts_each_answer_once,
    praise_is_credited_to_the_staff_it_names,
    residents_rate_and_answer_on_small_pages_without_signing_in,
);

async fn ticket(
    server: &Server,
    site: &Site,
    kind: &str,
    category: &str,
    description: &str,
) -> String {
    let body = json!({
        "project_id": site.project_id, "channel": "phone", "kind": kind, "category": category, "urgency": "normal",
        "description": description, "resident_id": site.residents[0].0,
    });
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Takes a ticket to resolved, the way the desk does.
async fn resolve(server: &Server, site: &Site, id: &str) -> Value {
    for action in [
        json!({ "action": "accept" }),
        json!({ "action": "resolve", "body": "已处理" }),
    ] {
        let (status, body) = server.act(&site.agent, id, action.clone()).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (_, ticket) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    ticket
}

async fn act_ok(server: &Server, token: &str, id: &str, action: Value) -> Value {
    let (status, body) = server.act(token, id, action.clone()).await;
    assert_eq!(status, StatusCode::OK, "{action}: {body}");
    body
}

/// The rating link the resident was sent for the ticket, from their notifications.
async fn rating_token(server: &Server, site: &Site, id: &str) -> String {
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, list) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let link = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "rating_link" && n["ticket_id"] == id)
        .expect("a rating link");
    link["details"]["token"].as_str().unwrap().to_owned()
}

async fn a_staff_follow_up_records_the_call_and_closes_or_sends_back(server: Server) {
    let site = server.site("fu").await;
    let id = ticket(&server, &site, "repair", "repair.water", "厨房水龙头漏水").await;
    let resolved = resolve(&server, &site, &id).await;
    assert_eq!(
        resolved["follow_up_owner_id"],
        site.agent_id.as_str(),
        "the first-contact owner calls back"
    );
    assert_eq!(resolved["follow_up_policy"], "unless_rated");
    let (_, mine) = server.get(Some(&site.agent), "/api/v1/me/follow-ups").await;
    assert_eq!(mine["items"][0]["id"], id.as_str(), "{mine}");

    // Three calls nobody answers, then it may close as unreachable — not before.
    let missed = json!({ "action": "follow_up", "outcome": "not_reached" });
    let unreachable = json!({ "action": "close_unreachable", "reason": "三次电话均未接通" });
    for attempt in 1..=3 {
        let (status, body) = server.act(&site.agent, &id, unreachable.clone()).await;
        assert_eq!(
            (status, body["error"]["details"]["reason"].as_str()),
            (StatusCode::CONFLICT, Some("too_few_attempts"))
        );
        let after = act_ok(&server, &site.agent, &id, missed.clone()).await;
        assert_eq!(
            (
                after["status"].as_str(),
                after["follow_up_attempts"].as_i64()
            ),
            (Some("resolved"), Some(attempt))
        );
    }
    let (status, _) = server
        .act(
            &site.agent,
            &id,
            json!({ "action": "follow_up", "outcome": "not_reached", "satisfaction": 4 }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nobody answered, so nobody rated"
    );
    let closed = act_ok(&server, &site.agent, &id, unreachable).await;
    assert_eq!(
        (
            closed["status"].as_str(),
            closed["follow_up_result"].as_str()
        ),
        (Some("closed"), Some("unreachable"))
    );
    let (_, mine) = server.get(Some(&site.agent), "/api/v1/me/follow-ups").await;
    assert_eq!(mine["total"], 0);

    // A call that reaches an unhappy resident sends the work back (整改) with its own clock, and
    // the supervisor hears of it.
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("fu-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("fu-sup").await;
    let id = ticket(&server, &site, "repair", "repair.electric", "客厅插座没电").await;
    resolve(&server, &site, &id).await;
    let back = act_ok(&server, &site.agent, &id, json!({ "action": "follow_up", "satisfaction": 2, "timeliness": 1, "attitude": 4, "comment": "还是没电" })).await;
    assert_eq!(
        (
            back["status"].as_str(),
            back["reopen_count"].as_i64(),
            back["timeliness"].as_i64()
        ),
        (Some("reopened"), Some(1), Some(1))
    );
    let clocks: Vec<&str> = back["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(clocks.contains(&"rectification"), "{clocks:?}");
    let (_, told) = server.get(Some(&sup), "/api/v1/me/notifications").await;
    assert_eq!(
        (told["total"].as_u64(), told["items"][0]["kind"].as_str()),
        (Some(1), Some("rectification"))
    );
    let first_resolution = back["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "resolution")
        .unwrap();
    assert_eq!(first_resolution["state"], "met", "the first resolve stands");
    act_ok(
        &server,
        &site.agent,
        &id,
        json!({ "action": "resolve", "body": "更换插座" }),
    )
    .await;
    let done = act_ok(
        &server,
        &site.agent,
        &id,
        json!({ "action": "follow_up", "satisfaction": 5 }),
    )
    .await;
    assert_eq!(
        (done["status"].as_str(), done["follow_up_result"].as_str()),
        (Some("closed"), Some("reached"))
    );
    let rectification = done["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "rectification")
        .unwrap();
    assert_eq!(rectification["state"], "met");
}

async fn the_resident_rates_once_through_the_link(server: Server) {
    let site = server.site("link").await;
    let id = ticket(&server, &site, "repair", "repair.water", "卫生间地漏堵塞").await;
    resolve(&server, &site, &id).await;
    let token = rating_token(&server, &site, &id).await;

    let (status, info) = server.get(None, &format!("/api/v1/ratings/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert!(info["ticket_number"].as_str().unwrap().starts_with("GJ-"));
    // A forged signature is not found; a bad rating is refused and leaves the link usable.
    let (nonce, _) = token.split_once('.').unwrap();
    let (status, _) = server
        .get(None, &format!("/api/v1/ratings/{nonce}.{}", "0".repeat(64)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 9 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 5, "tip": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, rated) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 5, "timeliness": 4, "attitude": 5, "comment": "师傅很专业" }),
        )
        .await;
    assert_eq!(
        (status, rated["status"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{rated}"
    );
    let (_, after) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        (
            after["satisfaction"].as_i64(),
            after["follow_up_result"].as_str()
        ),
        (Some(5), Some("rated"))
    );

    // Used once: the second try is refused and changes nothing.
    let (status, body) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 1 }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("link_used"))
    );
    let (_, again) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        (again["status"].as_str(), again["satisfaction"].as_i64()),
        (Some("closed"), Some(5))
    );

    // Expired: past its date the link is refused, and the ticket stays as it was.
    let id = ticket(
        &server,
        &site,
        "repair",
        "repair.door_access",
        "单元门禁刷卡没反应",
    )
    .await;
    resolve(&server, &site, &id).await;
    let token = rating_token(&server, &site, &id).await;
    let later = Utc::now() + Duration::days(8);
    let refused = server
        .store
        .rate_by_link(
            &token,
            serde_json::from_value(json!({ "overall": 5 })).unwrap(),
            later,
        )
        .await;
    assert!(
        matches!(refused, Err(guanjia_storage::StorageError::LinkExpired)),
        "{refused:?}"
    );
    let (_, still) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        (still["status"].as_str(), still["satisfaction"].as_i64()),
        (Some("resolved"), None)
    );
    // A link for a resolve that is over (the desk reopened the ticket) has lapsed too.
    act_ok(
        &server,
        &site.agent,
        &id,
        json!({ "action": "reopen", "reason": "业主来电说门禁又坏了" }),
    )
    .await;
    let (status, body) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 5 }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::GONE, Some("link_expired"))
    );
}

async fn a_complaint_waits_for_a_real_call_and_others_close_themselves(server: Server) {
    let site = server.site("cmp").await;
    let complaint = ticket(
        &server,
        &site,
        "complaint",
        "complaint.noise",
        "楼上每天半夜装修，严重扰民",
    )
    .await;
    let resolved = resolve(&server, &site, &complaint).await;
    assert_eq!(resolved["follow_up_policy"], "always");
    let token = rating_token(&server, &site, &complaint).await;
    let (_, rated) = server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 4 }),
        )
        .await;
    assert_eq!(
        rated["status"], "resolved",
        "a complaint closes only after staff call back"
    );
    let (status, body) = server
        .act(&site.agent, &complaint, json!({ "action": "close" }))
        .await;
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (StatusCode::CONFLICT, Some("follow_up_required"))
    );

    // Nobody rates the repair: a week later the scheduler closes it; the complaint it leaves alone.
    let repair = ticket(
        &server,
        &site,
        "repair",
        "repair.public_facility",
        "楼道灯不亮",
    )
    .await;
    resolve(&server, &site, &repair).await;
    // Six days on, only the overdue follow-ups' warnings and escalations fire.
    server
        .store
        .sweep_sla("node-a", Utc::now() + Duration::days(6), 100)
        .await
        .unwrap();
    let (_, waiting) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{repair}"))
        .await;
    assert_eq!(waiting["status"], "resolved");
    server
        .store
        .sweep_sla(
            "node-a",
            Utc::now() + Duration::days(7) + Duration::minutes(1),
            100,
        )
        .await
        .unwrap();
    let (_, repair) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{repair}"))
        .await;
    assert_eq!(repair["status"], "closed");
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{}/events", repair["id"].as_str().unwrap()),
        )
        .await;
    let last = events["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["actor_id"].as_str()),
        (Some("close"), Some("scheduler"))
    );
    assert_eq!(
        last["details"]["step"], "auto_close",
        "the entry keeps why as a fact, not a sentence: {last}"
    );
    let (_, complaint) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{complaint}"))
        .await;
    assert_eq!(complaint["status"], "resolved");
    act_ok(
        &server,
        &site.agent,
        complaint["id"].as_str().unwrap(),
        json!({ "action": "follow_up", "satisfaction": 4, "comment": "已与业主电话确认" }),
    )
    .await;
}

async fn repeat_complaints_are_linked_and_the_supervisor_told(server: Server) {
    let site = server.site("rep").await;
    server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("rep-sup", "supervisor", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let sup = server.login("rep-sup").await;
    let first = ticket(
        &server,
        &site,
        "complaint",
        "complaint.sanitation",
        "垃圾桶三天没清运，臭味很大",
    )
    .await;
    let other = ticket(
        &server,
        &site,
        "complaint",
        "complaint.parking",
        "有车堵住消防通道",
    )
    .await;
    let body = json!({
        "project_id": site.project_id, "channel": "wechat", "kind": "complaint", "category": "complaint.sanitation", "urgency": "normal",
        "description": "垃圾又没人清理！", "resident_id": site.residents[0].0,
    });
    let second = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            body.clone(),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(second["repeat_of"], first.as_str());
    assert_eq!(
        second["escalation_risk"], false,
        "a second time is a repeat, not yet a risk"
    );
    let (_, told) = server.get(Some(&sup), "/api/v1/me/notifications").await;
    let kinds: Vec<&str> = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["repeat_complaint"]);
    let third = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    assert_eq!(third["repeat_of"], second["id"], "linked to the latest");
    assert_eq!(
        third["escalation_risk"], true,
        "the third time is an escalation risk"
    );
    // Another household, or a repair, is no repeat.
    let mut neighbour = json!({
        "project_id": site.project_id, "channel": "phone", "kind": "complaint", "category": "complaint.sanitation", "urgency": "normal",
        "description": "垃圾桶满了", "resident_id": site.residents[1].0,
    });
    let theirs = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            neighbour.clone(),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(theirs["repeat_of"], Value::Null);
    neighbour["kind"] = json!("repair");
    neighbour["category"] = json!("repair.water");
    neighbour["resident_id"] = json!(site.residents[0].0);
    let repair = server
        .ok(
            &site.agent,
            "/api/v1/tickets",
            neighbour,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(repair["repeat_of"], Value::Null);
    assert_ne!(other, first);
}

async fn suggestions_are_adopted_or_declined(server: Server) {
    let site = server.site("sug").await;
    let adopted = ticket(
        &server,
        &site,
        "suggestion",
        "suggestion.general",
        "建议在小区门口增加快递柜",
    )
    .await;
    let declined = ticket(
        &server,
        &site,
        "suggestion",
        "suggestion.general",
        "建议把草坪改成停车位",
    )
    .await;
    let (status, body) = server
        .act(
            &site.agent,
            &declined,
            json!({ "action": "review", "adopted": false }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a decline says why: {body}"
    );
    let done = act_ok(
        &server,
        &site.agent,
        &declined,
        json!({ "action": "review", "adopted": false, "reason": "绿地率须符合规划要求" }),
    )
    .await;
    assert_eq!(
        (done["status"].as_str(), done["adopted"].as_bool()),
        (Some("closed"), Some(false))
    );
    let done = act_ok(
        &server,
        &site.agent,
        &adopted,
        json!({ "action": "review", "adopted": true, "reason": "下月安装" }),
    )
    .await;
    assert_eq!(done["adopted"], true);
    let repair = ticket(&server, &site, "repair", "repair.water", "水管漏水").await;
    let (status, body) = server
        .act(
            &site.agent,
            &repair,
            json!({ "action": "review", "adopted": true }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (StatusCode::CONFLICT, Some("not_a_suggestion"))
    );
}

async fn the_figures_follow_their_definitions(server: Server) {
    let site = server.site("fig").await;
    let from = Utc::now() - Duration::hours(1);
    // Complaints: one closed after a satisfied call, one sent back and closed after re-work, one
    // still open, one a repeat; repairs: one rated through the link, one left unrated.
    let c1 = ticket(
        &server,
        &site,
        "complaint",
        "complaint.noise",
        "夜间施工噪音",
    )
    .await;
    resolve(&server, &site, &c1).await;
    act_ok(
        &server,
        &site.agent,
        &c1,
        json!({ "action": "follow_up", "satisfaction": 5 }),
    )
    .await;
    let c2 = ticket(
        &server,
        &site,
        "complaint",
        "complaint.greening",
        "绿化带长期无人修剪",
    )
    .await;
    resolve(&server, &site, &c2).await;
    act_ok(
        &server,
        &site.agent,
        &c2,
        json!({ "action": "follow_up", "satisfaction": 2 }),
    )
    .await;
    act_ok(
        &server,
        &site.agent,
        &c2,
        json!({ "action": "resolve", "body": "已修剪" }),
    )
    .await;
    act_ok(
        &server,
        &site.agent,
        &c2,
        json!({ "action": "follow_up", "satisfaction": 4 }),
    )
    .await;
    ticket(
        &server,
        &site,
        "complaint",
        "complaint.parking",
        "小区外来车辆乱停",
    )
    .await;
    ticket(
        &server,
        &site,
        "complaint",
        "complaint.noise",
        "又是夜间施工",
    )
    .await; // repeats c1
    let r1 = ticket(&server, &site, "repair", "repair.water", "阳台水管漏水").await;
    resolve(&server, &site, &r1).await;
    let token = rating_token(&server, &site, &r1).await;
    server
        .post(
            None,
            &format!("/api/v1/ratings/{token}"),
            json!({ "overall": 3 }),
        )
        .await;
    let r2 = ticket(
        &server,
        &site,
        "repair",
        "repair.public_facility",
        "地库灯坏了",
    )
    .await;
    resolve(&server, &site, &r2).await;
    let cancelled = ticket(&server, &site, "repair", "repair.door_access", "门坏了").await;
    act_ok(
        &server,
        &site.agent,
        &cancelled,
        json!({ "action": "cancel", "reason": "业主已自行修好" }),
    )
    .await;
    let s1 = ticket(
        &server,
        &site,
        "suggestion",
        "suggestion.general",
        "增加儿童游乐设施",
    )
    .await;
    act_ok(
        &server,
        &site.agent,
        &s1,
        json!({ "action": "review", "adopted": true }),
    )
    .await;

    let to = Utc::now() + Duration::hours(1);
    let query = |from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>| {
        format!(
            "/api/v1/metrics/service?project_id={}&from={}&to={}",
            site.project_id,
            from.format("%Y-%m-%dT%H:%M:%SZ"),
            to.format("%Y-%m-%dT%H:%M:%SZ")
        )
    };
    let (status, f) = server.get(Some(&site.agent), &query(from, to)).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(
        (f["tickets"].as_u64(), f["complaints"].as_u64()),
        (Some(7), Some(4))
    );
    assert_eq!(f["closed_loop_rate"], 0.5, "c1 and c2 of four complaints");
    // Resolved at least once: c1, c2, r1, r2 (s1 was reviewed, not resolved); followed up: c1,
    // c2, r1 (rated).
    assert_eq!(f["follow_up_coverage"], 0.75);
    // Ratings as they stand: c1 5, c2 4, r1 3.
    assert_eq!(f["csat_average"], 4.0);
    assert_eq!(f["csat_satisfied_share"], 1.0);
    // Closed: c1, c2 (reopened once), r1, s1.
    assert_eq!(f["one_time_resolution_rate"], 0.75);
    assert_eq!(f["reopen_rate"], 0.25);
    assert_eq!(f["repeat_complaint_rate"], 0.25);
    assert_eq!(f["suggestion_adoption_rate"], 1.0);
    // An empty period counts nothing; a reversed one is refused; residents may not read figures.
    let (_, empty) = server
        .get(
            Some(&site.agent),
            &query(from - Duration::days(3), from - Duration::days(2)),
        )
        .await;
    assert_eq!(
        (empty["tickets"].as_u64(), &empty["csat_average"]),
        (Some(0), &Value::Null)
    );
    let (status, _) = server.get(Some(&site.agent), &query(to, from)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let resident = server.resident_token(&site.residents[0].1).await;
    let (status, _) = server.get(Some(&resident), &query(from, to)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn an_nps_campaign_reaches_its_segment_and_counts_each_answer_once(server: Server) {
    let site = server.site("nps").await;
    let from = Utc::now() - Duration::hours(1);
    let closes_at = Utc::now() + Duration::days(14);
    let campaign = json!({ "name": "四季度业主满意度调查", "project_id": site.project_id, "closes_at": closes_at });
    let (status, _) = server
        .post(Some(&site.agent), "/api/v1/nps/campaigns", campaign.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agents do not run surveys");
    let created = server
        .ok(
            &server.admin,
            "/api/v1/nps/campaigns",
            campaign,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(created["invited"], 2, "both residents of the site");
    let (status, body) = server
        .post(Some(&server.admin), "/api/v1/nps/campaigns", json!({ "name": "x", "project_id": site.project_id, "tier": "gold", "closes_at": "2020-01-01T00:00:00Z" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Each resident finds the invitation among their notifications and answers once.
    let mut tokens = vec![];
    for (_, phone) in &site.residents {
        let resident = server.resident_token(phone).await;
        let (_, list) = server
            .get(Some(&resident), "/api/v1/me/notifications")
            .await;
        let invitation = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "nps_survey")
            .expect("an invitation")
            .clone();
        tokens.push(invitation["details"]["token"].as_str().unwrap().to_owned());
    }
    let (status, survey) = server
        .get(None, &format!("/api/v1/surveys/{}", tokens[0]))
        .await;
    assert_eq!(
        (status, survey["campaign"].as_str()),
        (StatusCode::OK, Some("四季度业主满意度调查"))
    );
    let (status, _) = server
        .post(
            None,
            &format!("/api/v1/surveys/{}", tokens[0]),
            json!({ "score": 11 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            None,
            &format!("/api/v1/surveys/{}", tokens[0]),
            json!({ "score": 10, "reason": "管家很负责" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = server
        .post(
            None,
            &format!("/api/v1/surveys/{}", tokens[0]),
            json!({ "score": 0 }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("link_used"))
    );
    let (status, _) = server
        .post(
            None,
            &format!("/api/v1/surveys/{}", tokens[1]),
            json!({ "score": 5 }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (nonce, _) = tokens[1].split_once('.').unwrap();
    let (status, _) = server
        .get(
            None,
            &format!("/api/v1/surveys/{nonce}.{}", "ab".repeat(32)),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a forged link");

    // One promoter and one detractor: NPS 0, in the campaign and in the period's figures.
    let (_, list) = server.get(Some(&site.agent), "/api/v1/nps/campaigns").await;
    let summary = &list["items"][0]["summary"];
    assert_eq!(
        (
            summary["responses"].as_u64(),
            summary["promoters"].as_u64(),
            summary["detractors"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(summary["score"], 0.0);
    let to = Utc::now() + Duration::hours(1);
    let path = format!(
        "/api/v1/metrics/service?project_id={}&from={}&to={}",
        site.project_id,
        from.format("%Y-%m-%dT%H:%M:%SZ"),
        to.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let (_, f) = server.get(Some(&site.agent), &path).await;
    assert_eq!(
        (f["nps"]["responses"].as_u64(), f["nps"]["score"].as_f64()),
        (Some(2), Some(0.0))
    );

    // After the campaign closes, a link no longer works.
    let late = server.ok(&server.admin, "/api/v1/nps/campaigns", json!({ "name": "短期调查", "project_id": site.project_id, "closes_at": Utc::now() + Duration::seconds(2) }), StatusCode::CREATED).await;
    assert_eq!(late["invited"], 2);
    let resident = server.resident_token(&site.residents[0].1).await;
    let (_, list) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    let token = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["details"]["campaign"] == "短期调查")
        .unwrap()["details"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = server
        .store
        .answer_survey(
            &token,
            serde_json::from_value(json!({ "score": 9 })).unwrap(),
            Utc::now() + Duration::minutes(1),
        )
        .await;
    assert!(
        matches!(refused, Err(guanjia_storage::StorageError::LinkExpired)),
        "{refused:?}"
    );
}

async fn praise_is_credited_to_the_staff_it_names(server: Server) {
    let site = server.site("prs").await;
    let from = Utc::now() - Duration::hours(1);
    let tech = json!({ "username": "prs-wang", "password": common::PASSWORD, "name": "王建国", "role": "technician", "project_ids": [site.project_id] });
    let wang = server
        .ok(&server.admin, "/api/v1/staff", tech, StatusCode::CREATED)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let praise = ticket(
        &server,
        &site,
        "praise",
        "praise.general",
        "感谢王师傅半夜上门修好了水管，非常负责！",
    )
    .await;
    let (status, credited) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{praise}/praise"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        credited["staff_ids"],
        json!([wang]),
        "王师傅 is the one technician named 王"
    );
    let wang_token = server.login("prs-wang").await;
    let (_, told) = server
        .get(Some(&wang_token), "/api/v1/me/notifications")
        .await;
    assert_eq!(told["items"][0]["kind"], "praise");

    // The agent adds the colleague the resident forgot to name; unknown staff are refused.
    let both = json!({ "staff_ids": [wang, site.agent_id] });
    let (status, body) = send_put(
        &server,
        &site.agent,
        &format!("/api/v1/tickets/{praise}/praise"),
        json!({ "staff_ids": ["nobody"] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = send_put(
        &server,
        &site.agent,
        &format!("/api/v1/tickets/{praise}/praise"),
        both,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, told) = server
        .get(Some(&wang_token), "/api/v1/me/notifications")
        .await;
    assert_eq!(told["total"], 1, "already credited: not told twice");
    let repair = ticket(&server, &site, "repair", "repair.water", "水管漏水").await;
    let (status, _) = send_put(
        &server,
        &site.agent,
        &format!("/api/v1/tickets/{repair}/praise"),
        json!({ "staff_ids": [wang] }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only praise is credited"
    );

    ticket(
        &server,
        &site,
        "praise",
        "praise.general",
        "王建国师傅手艺好",
    )
    .await;
    let to = Utc::now() + Duration::hours(1);
    let path = format!(
        "/api/v1/metrics/praise?project_id={}&from={}&to={}",
        site.project_id,
        from.format("%Y-%m-%dT%H:%M:%SZ"),
        to.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let (status, counts) = server.get(Some(&site.agent), &path).await;
    assert_eq!(status, StatusCode::OK, "{counts}");
    assert_eq!(
        counts["items"][0],
        json!({ "staff_id": wang, "name": "王建国", "count": 2 })
    );
    assert_eq!(counts["items"][1]["count"], 1);
}

async fn send_put(server: &Server, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = server
        .client
        .put(server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn page(server: &Server, path: &str, form: Option<&[(&str, &str)]>) -> (StatusCode, String) {
    let request = match form {
        Some(fields) => server
            .client
            .post(server.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap()),
        None => server.client.get(server.url(path)),
    };
    let response = request.send().await.expect("request");
    (response.status(), response.text().await.unwrap_or_default())
}

async fn residents_rate_and_answer_on_small_pages_without_signing_in(server: Server) {
    let site = server.site("h5").await;
    let id = ticket(&server, &site, "repair", "repair.water", "洗手盆下水慢").await;
    let resolved = resolve(&server, &site, &id).await;
    let token = rating_token(&server, &site, &id).await;
    let path = format!("/rate/{token}");
    let (status, html) = page(&server, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(resolved["number"].as_str().unwrap()) && html.contains("总体满意度"),
        "{html}"
    );
    let (_, html) = page(&server, &path, Some(&[("comment", "忘了选分")])).await;
    assert!(
        html.contains("role=\"alert\""),
        "a rating without the overall score is shown again: {html}"
    );
    let (_, html) = page(
        &server,
        &path,
        Some(&[("overall", "5"), ("attitude", "5"), ("comment", "很快")]),
    )
    .await;
    assert!(html.contains("感谢您的评价"), "{html}");
    let (_, after) = server
        .get(Some(&site.agent), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        (after["status"].as_str(), after["attitude"].as_i64()),
        (Some("closed"), Some(5))
    );
    let (_, html) = page(&server, &path, Some(&[("overall", "1")])).await;
    assert!(html.contains("此链接已使用过"), "{html}");
    let (_, html) = page(&server, "/rate/nonsense", None).await;
    assert!(html.contains("链接无效"), "{html}");

    let campaign = json!({ "name": "年度调查", "project_id": site.project_id, "closes_at": Utc::now() + Duration::days(7) });
    server
        .ok(
            &server.admin,
            "/api/v1/nps/campaigns",
            campaign,
            StatusCode::CREATED,
        )
        .await;
    let resident = server.resident_token(&site.residents[0].1).await;
    let (_, list) = server
        .get(Some(&resident), "/api/v1/me/notifications")
        .await;
    let invitation = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "nps_survey")
        .unwrap()
        .clone();
    let path = format!(
        "/survey/{}",
        invitation["details"]["token"].as_str().unwrap()
    );
    let (_, html) = page(&server, &path, None).await;
    assert!(
        html.contains("年度调查") && html.contains("value=\"10\""),
        "{html}"
    );
    let (_, html) = page(
        &server,
        &path,
        Some(&[("score", "9"), ("comment", "服务好")]),
    )
    .await;
    assert!(html.contains("感谢您的反馈"), "{html}");
}
