//! Conversations on SQLite and PostgreSQL: the one ingest path (`Store::receive_message`) with
//! repeated deliveries stored once, known and unknown senders, concurrent first messages; the
//! API (list filters and keyset pages, scope, replies delivered on the conversation's channel,
//! tickets opened from a conversation, first-contact ownership); binding an unknown WeChat
//! sender with a code; merging two resident records; bad input; a message's files (kept before
//! the message is stored, removed when it is not; fetched within scope), chat photos, and
//! unread counts cleared by reading.

mod common;

use chrono::{Duration, Utc};
use common::{Server, Site};
use guanjia_domain::conversation::{
    Body, ContactKind, ContactPoint, Event, InboundMessage, ProjectHint,
};
use guanjia_domain::taxonomy::Channel;
use guanjia_storage::{
    Address, DeliverySetup, MessageReceived, NewFile, Principal, Receipt, StorageError, check_photo,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_message_from_a_known_phone_lands_in_the_residents_conversation,
    a_repeated_delivery_is_stored_once_even_when_concurrent,
    an_unknown_wechat_sender_gets_a_conversation_of_their_own,
    concurrent_first_messages_of_one_sender_make_one_conversation,
    bad_inbound_messages_are_refused_naming_the_field,
    the_inbox_lists_filters_and_pages_within_scope,
    a_ticket_opened_from_a_conversation_carries_its_messages_and_owner,
    bad_api_input_is_refused_with_a_stable_code_naming_the_field,
    an_unknown_wechat_sender_binds_with_a_code_and_their_messages_join_them,
    merging_two_resident_records_keeps_all_history,
    the_openapi_document_describes_conversations_as_served,
    a_messages_files_are_fetched_within_scope_and_none_outlives_its_message,
    a_residents_chat_photos_are_seen_on_both_sides,
    reading_a_conversation_clears_its_unread_count,
);

fn wechat(openid: &str) -> ContactPoint {
    ContactPoint::new("sender", ContactKind::Wechat, Some("gh_test"), openid).unwrap()
}

fn phone(number: &str) -> ContactPoint {
    ContactPoint::new("sender", ContactKind::Phone, None, number).unwrap()
}

fn inbound(
    channel: Channel,
    sender: ContactPoint,
    project: ProjectHint,
    external_id: Option<&str>,
    body: Body,
) -> InboundMessage {
    InboundMessage {
        channel,
        external_id: external_id.map(str::to_owned),
        sender,
        project,
        sent_at: Utc::now() - Duration::seconds(5),
        body,
        thread: None,
    }
}

fn text(t: &str) -> Body {
    Body::Text(t.to_owned())
}

async fn receive(server: &Server, message: InboundMessage) -> MessageReceived {
    server
        .store
        .receive_message(&server.company_id, message, Utc::now())
        .await
        .expect("received")
}

async fn a_message_from_a_known_phone_lands_in_the_residents_conversation(server: Server) {
    let site: Site = server.site("kp").await;
    let (resident_id, number) = &site.residents[0];
    let first = receive(
        &server,
        inbound(
            Channel::App,
            phone(number),
            ProjectHint::OfSender,
            None,
            text("厨房水管漏水了"),
        ),
    )
    .await;
    assert_eq!(first.receipt, Receipt::New);
    assert!(!first.unknown_sender);
    let second = receive(
        &server,
        inbound(
            Channel::App,
            phone(number),
            ProjectHint::OfSender,
            None,
            text("麻烦尽快"),
        ),
    )
    .await;
    assert_eq!(
        second.conversation_id, first.conversation_id,
        "one conversation per channel and sender"
    );
    assert_ne!(second.message_id, first.message_id);
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let thread = server
        .store
        .thread(&admin, &first.conversation_id)
        .await
        .unwrap();
    assert_eq!(thread.conversation.resident_id.as_ref(), Some(resident_id));
    assert_eq!(
        thread.conversation.project_id.as_ref(),
        Some(&site.project_id)
    );
    assert_eq!(thread.conversation.unread, 2);
    assert_eq!(thread.conversation.state, "open");
    let texts: Vec<_> = thread
        .messages
        .iter()
        .map(|m| m.text.clone().unwrap())
        .collect();
    assert_eq!(texts, ["厨房水管漏水了", "麻烦尽快"]);
    // Another channel is another conversation with the same resident.
    let other = receive(
        &server,
        inbound(
            Channel::Phone,
            phone(number),
            ProjectHint::OfSender,
            None,
            text("电话里说过的事"),
        ),
    )
    .await;
    assert_ne!(other.conversation_id, first.conversation_id);
}

async fn a_repeated_delivery_is_stored_once_even_when_concurrent(server: Server) {
    let site = server.site("dup").await;
    let message = || {
        inbound(
            Channel::Wechat,
            wechat("oDupSender000000000000000001"),
            ProjectHint::Given(site.project_id.clone()),
            Some("23942394239000001"),
            Body::Voice {
                media_id: "media-1".into(),
                transcript: Some("楼道灯不亮".into()),
            },
        )
    };
    // WeChat retries three times when it does not hear back in time: all at once here.
    let mut tasks = vec![];
    for _ in 0..4 {
        let (store, company, m) = (server.store.clone(), server.company_id.clone(), message());
        tasks.push(tokio::spawn(async move {
            store.receive_message(&company, m, Utc::now()).await
        }));
    }
    let mut receipts = vec![];
    for t in tasks {
        receipts.push(t.await.unwrap().expect("received"));
    }
    let new: Vec<_> = receipts
        .iter()
        .filter(|r| r.receipt == Receipt::New)
        .collect();
    assert_eq!(new.len(), 1, "{receipts:?}");
    assert!(
        receipts
            .iter()
            .all(|r| r.message_id == new[0].message_id
                && r.conversation_id == new[0].conversation_id)
    );
    let again = receive(&server, message()).await;
    assert_eq!(again.receipt, Receipt::Duplicate);
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let thread = server
        .store
        .thread(&admin, &new[0].conversation_id)
        .await
        .unwrap();
    assert_eq!(thread.messages.len(), 1);
    assert_eq!(thread.conversation.unread, 1);
    assert_eq!(thread.messages[0].text.as_deref(), Some("楼道灯不亮"));
    assert_eq!(thread.messages[0].kind, "voice");
    assert_eq!(
        thread.messages[0].attachment.as_ref().unwrap()["media_id"],
        "media-1"
    );
}

async fn an_unknown_wechat_sender_gets_a_conversation_of_their_own(server: Server) {
    let site = server.site("unk").await;
    let openid = "oUnknown00000000000000000001";
    let follow = receive(
        &server,
        inbound(
            Channel::Wechat,
            wechat(openid),
            ProjectHint::Given(site.project_id.clone()),
            Some("oUnknown-subscribe-1"),
            Body::Event(Event::Subscribe),
        ),
    )
    .await;
    assert!(follow.unknown_sender);
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let thread = server
        .store
        .thread(&admin, &follow.conversation_id)
        .await
        .unwrap();
    assert_eq!(thread.conversation.unread, 0, "a follow is not a message");
    let m = receive(
        &server,
        inbound(
            Channel::Wechat,
            wechat(openid),
            ProjectHint::Given(site.project_id.clone()),
            Some("777001"),
            Body::Location {
                lat: 31.23,
                lon: 121.47,
                label: Some("翠湖花园3栋".into()),
            },
        ),
    )
    .await;
    assert_eq!(m.conversation_id, follow.conversation_id);
    assert!(m.unknown_sender);
    let thread = server
        .store
        .thread(&admin, &m.conversation_id)
        .await
        .unwrap();
    assert_eq!(thread.conversation.resident_id, None);
    assert_eq!(thread.conversation.contact_value, openid);
    assert_eq!(thread.conversation.contact_account, "gh_test");
    assert_eq!(thread.conversation.unread, 1);
    assert_eq!(
        thread.messages[1].attachment.as_ref().unwrap()["lat"],
        31.23
    );
}

async fn concurrent_first_messages_of_one_sender_make_one_conversation(server: Server) {
    let site = server.site("cc").await;
    let mut tasks = vec![];
    for i in 0..6 {
        let (store, company) = (server.store.clone(), server.company_id.clone());
        let m = inbound(
            Channel::Wechat,
            wechat("oConcurrent00000000000000001"),
            ProjectHint::Given(site.project_id.clone()),
            Some(&format!("cc-{i}")),
            text(&format!("第{i}条")),
        );
        tasks.push(tokio::spawn(async move {
            store.receive_message(&company, m, Utc::now()).await
        }));
    }
    let mut conversations = std::collections::HashSet::new();
    for t in tasks {
        let r = t.await.unwrap().expect("received");
        assert_eq!(r.receipt, Receipt::New);
        conversations.insert(r.conversation_id);
    }
    assert_eq!(conversations.len(), 1);
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let id = conversations.into_iter().next().unwrap();
    let thread = server.store.thread(&admin, &id).await.unwrap();
    assert_eq!(thread.messages.len(), 6);
    assert_eq!(thread.conversation.unread, 6);
}

async fn bad_inbound_messages_are_refused_naming_the_field(server: Server) {
    let site = server.site("bad").await;
    let refused = |result: Result<MessageReceived, StorageError>| match result {
        Err(StorageError::Validation(v)) => v.0[0].field.clone(),
        other => panic!("expected a validation error, got {other:?}"),
    };
    let blank = inbound(
        Channel::Wechat,
        wechat("oBad0000000000000000000000001"),
        ProjectHint::Given(site.project_id.clone()),
        Some("b-1"),
        text("   "),
    );
    let r = server
        .store
        .receive_message(&server.company_id, blank, Utc::now())
        .await;
    assert_eq!(refused(r), "text");
    let nowhere = inbound(
        Channel::Wechat,
        wechat("oBad0000000000000000000000001"),
        ProjectHint::Given("no-such-project".into()),
        Some("b-2"),
        text("你好"),
    );
    let r = server
        .store
        .receive_message(&server.company_id, nowhere, Utc::now())
        .await;
    assert_eq!(refused(r), "project_id");
    let hidden = inbound(
        Channel::Wechat,
        wechat("oBad0000000000000000000000001"),
        ProjectHint::Given(site.project_id.clone()),
        Some("b\u{0}3"),
        text("你好"),
    );
    let r = server
        .store
        .receive_message(&server.company_id, hidden, Utc::now())
        .await;
    assert_eq!(refused(r), "external_id");
}

/// Answers need a server that can send on WeChat.
mod an_answer_goes_back_on_the_channel_the_resident_wrote_on {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::an_answer_goes_back_on_the_channel_the_resident_wrote_on(super::common::Db::Sqlite)
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs GUANJIA_TEST_POSTGRES_URL"]
    async fn postgres() {
        super::an_answer_goes_back_on_the_channel_the_resident_wrote_on(
            super::common::Db::Postgres,
        )
        .await;
    }
}

/// A resident's message in the H5 chat, through the API.
async fn chat(server: &Server, phone: &str, text: &str) -> Value {
    let token = server.resident_token(phone).await;
    server
        .ok(
            &token,
            "/api/v1/chat/messages",
            json!({ "text": text }),
            StatusCode::CREATED,
        )
        .await
}

async fn list(server: &Server, token: &str, query: &str) -> Value {
    let (status, body) = server
        .get(Some(token), &format!("/api/v1/conversations{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_inbox_lists_filters_and_pages_within_scope(server: Server) {
    let a = server.site("ia").await;
    let b = server.site("ib").await;
    let first = chat(&server, &a.residents[0].1, "门禁卡坏了").await;
    let second = chat(&server, &a.residents[1].1, "请问物业费怎么交").await;
    let wx = receive(
        &server,
        inbound(
            Channel::Wechat,
            wechat("oInbox0000000000000000000001"),
            ProjectHint::Given(a.project_id.clone()),
            Some("ia-1"),
            text("停车场有积水"),
        ),
    )
    .await;
    let theirs = chat(&server, &b.residents[0].1, "别的小区的事").await;

    let all = list(&server, &a.agent, "").await;
    assert_eq!(all["total"], 3, "{all}");
    assert_eq!(
        ids(&all),
        [
            wx.conversation_id.clone(),
            second["conversation_id"].as_str().unwrap().to_owned(),
            first["conversation_id"].as_str().unwrap().to_owned()
        ],
        "newest activity first"
    );
    let masked = all["items"][1]["contact"]["value"].as_str().unwrap();
    assert!(masked.contains("****"), "phones masked in lists: {masked}");
    assert_eq!(all["items"][1]["channel"], "app");
    assert_eq!(all["items"][1]["last_text"], "请问物业费怎么交");

    // Filters.
    let on_wechat = list(&server, &a.agent, "?channel=wechat").await;
    assert_eq!(ids(&on_wechat), [wx.conversation_id.as_str()]);
    let in_project = list(
        &server,
        &server.admin,
        &format!("?project_id={}", b.project_id),
    )
    .await;
    assert_eq!(
        ids(&in_project),
        [theirs["conversation_id"].as_str().unwrap()]
    );
    let first_id = first["conversation_id"].as_str().unwrap();
    server
        .ok(
            &a.agent,
            &format!("/api/v1/conversations/{first_id}/replies"),
            json!({ "text": "已收到，马上安排" }),
            StatusCode::CREATED,
        )
        .await;
    let waiting = list(&server, &a.agent, "?state=waiting").await;
    assert_eq!(ids(&waiting), [first_id]);
    let unread = list(&server, &a.agent, "?unread=true").await;
    assert_eq!(unread["total"], 2);
    let mine = list(&server, &a.agent, &format!("?assignee={}", a.agent_id)).await;
    assert_eq!(ids(&mine), [first_id], "the first to answer has it");

    // Keyset pages: one at a time, the answered one now on top.
    let mut seen = vec![];
    let mut query = "?per_page=1".to_owned();
    loop {
        let page = list(&server, &a.agent, &query).await;
        assert_eq!(page["total"], 3);
        seen.extend(ids(&page));
        match page["next"].as_str() {
            Some(next) => query = format!("?per_page=1&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0], first_id);

    // Scope: another project's agent neither lists nor reads them, nor answers.
    let other = list(&server, &b.agent, "").await;
    assert_eq!(ids(&other), [theirs["conversation_id"].as_str().unwrap()]);
    let (status, _) = server
        .get(Some(&b.agent), &format!("/api/v1/conversations/{first_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .post(
            Some(&b.agent),
            &format!("/api/v1/conversations/{first_id}/replies"),
            json!({ "text": "越权" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A resident sees their own conversation only.
    let token = server.resident_token(&a.residents[1].1).await;
    let own = list(&server, &token, "").await;
    assert_eq!(ids(&own), [second["conversation_id"].as_str().unwrap()]);
    let (status, _) = server
        .get(Some(&token), &format!("/api/v1/conversations/{first_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn an_answer_goes_back_on_the_channel_the_resident_wrote_on(db: common::Db) {
    let mut setup = DeliverySetup::default();
    setup.wechat = true;
    let server = Server::start_with(db, |store| store.with_delivery(setup)).await;
    let site = server.site("ans").await;
    let openid = "oAnswer000000000000000000001";
    let wx = receive(
        &server,
        inbound(
            Channel::Wechat,
            wechat(openid),
            ProjectHint::Given(site.project_id.clone()),
            Some("ans-1"),
            text("电梯困人了吗？"),
        ),
    )
    .await;
    let answer = server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{}/replies", wx.conversation_id),
            json!({ "text": "没有，电梯在例行保养" }),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(answer["direction"], "out");
    assert_eq!(answer["channel"], "wechat");
    assert_eq!(answer["deliveries"][0]["channel"], "wechat");
    assert_eq!(answer["deliveries"][0]["state"], "pending");
    // The worker's claim addresses the openid on the account the resident wrote to.
    let claimed = server
        .store
        .claim_deliveries("node-a", Utc::now(), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].notification.kind, "conversation_reply");
    assert_eq!(claimed[0].notification.details["message_id"], answer["id"]);
    assert_eq!(
        claimed[0].address,
        Address::WechatOpenid {
            account: "gh_test".into(),
            openid: openid.into()
        }
    );
    let (_, thread) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/conversations/{}", wx.conversation_id),
        )
        .await;
    assert_eq!(thread["state"], "waiting");
    assert_eq!(thread["unread"], 0);
    assert_eq!(thread["owner_id"], site.agent_id.as_str());
    assert_eq!(thread["messages"][1]["deliveries"][0]["state"], "sending");

    // The H5 chat: the answer is in the thread the resident reads, nothing to send.
    let phone = &site.residents[0].1;
    let posted = chat(&server, phone, "垃圾没人收").await;
    let id = posted["conversation_id"].as_str().unwrap();
    let answer = server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{id}/replies"),
            json!({ "text": "保洁马上过去" }),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(answer["deliveries"], json!([]));
    let token = server.resident_token(phone).await;
    let (status, mine) = server
        .get(Some(&token), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let texts: Vec<_> = mine["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["direction"].clone(), m["text"].clone()))
        .collect();
    assert_eq!(
        texts,
        [
            (json!("in"), json!("垃圾没人收")),
            (json!("out"), json!("保洁马上过去"))
        ]
    );
    // A new message opens an answered (or closed) conversation again.
    server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{id}/close"),
            json!({}),
            StatusCode::OK,
        )
        .await;
    chat(&server, phone, "还是没人来").await;
    let listed = list(&server, &site.agent, "?unread=true").await;
    assert_eq!(ids(&listed), [id]);
    assert_eq!(listed["items"][0]["unread"], 1);
    let (_, again) = server
        .get(Some(&site.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(again["state"], "open");
    assert_eq!(again["unread"], 0, "read by the agent");
}

async fn a_ticket_opened_from_a_conversation_carries_its_messages_and_owner(server: Server) {
    let site = server.site("tk").await;
    let second_agent = server
        .ok(
            &server.admin,
            "/api/v1/staff",
            common::staff("tk-agent2", "agent", &site.project_id),
            StatusCode::CREATED,
        )
        .await;
    let agent2 = server.login("tk-agent2").await;
    let phone = &site.residents[0].1;
    let posted = chat(&server, phone, "卫生间水管漏水，地上全是水").await;
    let id = posted["conversation_id"].as_str().unwrap();
    // The first to answer owns it, and the ticket opened from it whoever opens it.
    server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{id}/replies"),
            json!({ "text": "请问漏水多久了？" }),
            StatusCode::CREATED,
        )
        .await;
    chat(&server, phone, "一个小时了，楼下也在滴").await;
    let ticket = server
        .ok(
            &agent2,
            &format!("/api/v1/conversations/{id}/ticket"),
            json!({}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(ticket["kind"], "repair", "{ticket}");
    assert_eq!(ticket["category"], "repair.water");
    assert_eq!(ticket["channel"], "app");
    assert_eq!(ticket["resident_id"], site.residents[0].0.as_str());
    assert_eq!(ticket["first_contact_owner_id"], site.agent_id.as_str());
    assert_ne!(second_agent["id"], site.agent_id.as_str());
    let ticket_id = ticket["id"].as_str().unwrap();
    let (_, events) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{ticket_id}/events"),
        )
        .await;
    let actions: Vec<_> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        &actions[..4],
        [
            "conversation_message",
            "conversation_message",
            "conversation_message",
            "create"
        ],
        "the messages come first on the timeline: {actions:?}"
    );
    let (_, c) = server
        .get(Some(&site.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(c["ticket_id"], ticket_id);
    // A second ticket from the same conversation is refused; a link is the way.
    let (status, body) = server
        .post(
            Some(&agent2),
            &format!("/api/v1/conversations/{id}/ticket"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["details"]["fields"]["ticket_id"], "taken",
        "{body}"
    );
    // A word for the resident on the ticket reaches the conversation.
    let (status, body) = server
        .act(
            &site.agent,
            ticket_id,
            json!({ "action": "comment", "body": "师傅20分钟内到", "visibility": "resident" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, c) = server
        .get(Some(&site.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    let last = c["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["direction"].as_str(), last["text"].as_str()),
        (Some("out"), Some("师傅20分钟内到"))
    );

    // Linking another conversation to the ticket.
    let other = chat(&server, &site.residents[1].1, "楼上漏水到我家了").await;
    let other_id = other["conversation_id"].as_str().unwrap();
    let linked = server
        .ok(
            &agent2,
            &format!("/api/v1/conversations/{other_id}/link"),
            json!({ "ticket_id": ticket_id }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(linked["ticket_id"], ticket_id);
}

async fn bad_api_input_is_refused_with_a_stable_code_naming_the_field(server: Server) {
    let site = server.site("bi").await;
    let posted = chat(&server, &site.residents[0].1, "你好").await;
    let id = posted["conversation_id"].as_str().unwrap();
    let field_error = |body: &Value, field: &str| {
        assert_eq!(body["error"]["code"], "validation_failed", "{body}");
        assert!(
            body["error"]["details"]["fields"].get(field).is_some(),
            "{field}: {body}"
        );
    };
    let reply = format!("/api/v1/conversations/{id}/replies");
    let (status, body) = server
        .post(Some(&site.agent), &reply, json!({ "text": "  " }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    field_error(&body, "text");
    let (status, body) = server
        .post(
            Some(&site.agent),
            &reply,
            json!({ "text": "好", "extra": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_request");
    for (query, field) in [
        ("?state=pending", "state"),
        ("?channel=sms", "channel"),
        ("?after=garbage", "after"),
        ("?per_page=0", "per_page"),
        ("?page=2", "page"),
    ] {
        let (status, body) = server
            .get(Some(&site.agent), &format!("/api/v1/conversations{query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        field_error(&body, field);
    }
    let (status, body) = server
        .post(
            Some(&site.agent),
            &format!("/api/v1/conversations/{id}/assign"),
            json!({ "assignee_id": site.tech_id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    field_error(&body, "assignee_id");
    let (status, body) = server
        .post(
            Some(&site.agent),
            &format!("/api/v1/conversations/{id}/link"),
            json!({ "ticket_id": "no-such-ticket" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    field_error(&body, "ticket_id");
    // Technicians have no inbox; residents do not answer.
    let (status, _) = server
        .post(Some(&site.tech), &reply, json!({ "text": "好" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = server.resident_token(&site.residents[0].1).await;
    let (status, _) = server
        .post(Some(&token), &reply, json!({ "text": "好" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .post(Some(&token), "/api/v1/chat/messages", json!({ "text": "" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    field_error(&body, "text");
    let (status, body) = server
        .post(
            Some(&token),
            "/api/v1/chat/messages",
            json!({ "text": "hi", "project_id": "elsewhere" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    field_error(&body, "project_id");
    let (status, _) = server
        .post(
            Some(&site.agent),
            "/api/v1/chat/messages",
            json!({ "text": "hi" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The newest code the outbox holds for `phone` (what the SMS carries).
async fn code_sent_to(server: &Server, phone: &str) -> String {
    use guanjia_storage::entity::notification;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let conn = sea_orm::Database::connect(&server.url).await.unwrap();
    let n = notification::Entity::find()
        .filter(notification::Column::Kind.eq("sign_in_code"))
        .filter(notification::Column::RecipientId.eq(phone))
        .order_by_desc(notification::Column::CreatedAt)
        .one(&conn)
        .await
        .unwrap()
        .expect("a code in the outbox");
    n.details["code"].as_str().unwrap().to_owned()
}

async fn an_unknown_wechat_sender_binds_with_a_code_and_their_messages_join_them(server: Server) {
    let site = server.site("bind").await;
    let (resident_id, phone) = site.residents[0].clone();
    let openid = "oBind0000000000000000000000001";
    let say = |id: &str, words: &str| {
        inbound(
            Channel::Wechat,
            wechat(openid),
            ProjectHint::Given(site.project_id.clone()),
            Some(id),
            text(words),
        )
    };
    let first = receive(&server, say("bind-1", "我是3栋的业主，门口灯坏了")).await;
    assert!(first.unknown_sender);
    let id = first.conversation_id.clone();
    let (status, body) = server
        .post(
            Some(&site.agent),
            &format!("/api/v1/conversations/{id}/bind/code"),
            json!({ "phone": phone }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // One code a minute per phone, as for signing in.
    let (status, body) = server
        .post(
            Some(&site.agent),
            &format!("/api/v1/conversations/{id}/bind/code"),
            json!({ "phone": phone }),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    let code = code_sent_to(&server, &phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bind = format!("/api/v1/conversations/{id}/bind");
    let (status, body) = server
        .post(
            Some(&site.agent),
            &bind,
            json!({ "phone": phone, "code": wrong }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["details"]["fields"]["code"], "invalid",
        "{body}"
    );
    let bound = server
        .ok(
            &site.agent,
            &bind,
            json!({ "phone": phone, "code": code }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(bound["resident_id"], resident_id.as_str());
    // The earlier message is the resident's now; the resident reads it among their own.
    let (_, thread) = server
        .get(Some(&site.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(thread["messages"][0]["text"], "我是3栋的业主，门口灯坏了");
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let t = server.store.thread(&admin, &id).await.unwrap();
    assert_eq!(t.messages[0].sender_id.as_ref(), Some(&resident_id));
    // (Signing in would need another code within the minute: the resident's principal as a
    // session makes it.)
    let home = server
        .store
        .residents_by_phone(&server.company_id, &phone)
        .await
        .unwrap();
    let as_resident = guanjia_storage::Principal::resident(
        &server.company_id,
        &phone,
        "业主",
        vec![home[0].household_id.clone()],
    );
    let mine = server
        .store
        .conversations_after(&as_resident, Default::default(), 10, None)
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);
    assert_eq!(mine.items[0].id, id);
    // Their next message is known at once.
    let next = receive(&server, say("bind-2", "灯还是不亮")).await;
    assert_eq!(next.conversation_id, id);
    assert!(!next.unknown_sender);
    // Bound once: binding again is refused.
    let (status, body) = server
        .post(
            Some(&site.agent),
            &bind,
            json!({ "phone": phone, "code": code }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["fields"]["resident_id"], "taken");
}

async fn merging_two_resident_records_keeps_all_history(server: Server) {
    let site = server.site("merge").await;
    let (keep_id, keep_phone) = site.residents[0].clone();
    let (gone_id, gone_phone) = site.residents[1].clone();
    let posted = chat(&server, &gone_phone, "厨房水管漏水").await;
    let conversation_id = posted["conversation_id"].as_str().unwrap().to_owned();
    let ticket = server
        .ok(
            &site.agent,
            &format!("/api/v1/conversations/{conversation_id}/ticket"),
            json!({}),
            StatusCode::CREATED,
        )
        .await;
    let merge = format!("/api/v1/residents/{keep_id}/merge");
    let (status, _) = server
        .post(
            Some(&site.agent),
            &merge,
            json!({ "from_resident_id": gone_id }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins merge");
    let (status, body) = server
        .post(
            Some(&server.admin),
            &merge,
            json!({ "from_resident_id": keep_id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["details"]["fields"]
            .get("from_resident_id")
            .is_some()
    );
    let merged = server
        .ok(
            &server.admin,
            &merge,
            json!({ "from_resident_id": gone_id }),
            StatusCode::OK,
        )
        .await;
    assert_eq!(merged["resident"]["id"], keep_id.as_str());
    assert_eq!(merged["tickets"], 1, "{merged}");
    assert_eq!(merged["conversations"], 1);
    assert_eq!(
        merged["contact_points"], 1,
        "the old phone is kept as a contact point"
    );
    let (status, _) = server
        .get(Some(&server.admin), &format!("/api/v1/residents/{gone_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, t) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(t["resident_id"], keep_id.as_str());
    let (_, c) = server
        .get(
            Some(&site.agent),
            &format!("/api/v1/conversations/{conversation_id}"),
        )
        .await;
    assert_eq!(c["resident_id"], keep_id.as_str());
    assert_eq!(
        c["messages"][0]["text"], "厨房水管漏水",
        "the messages stay"
    );
    // The old phone still reaches the same person.
    let again = receive(
        &server,
        inbound(
            Channel::Phone,
            phone(&gone_phone),
            ProjectHint::OfSender,
            None,
            text("还在漏"),
        ),
    )
    .await;
    let admin = server
        .store
        .authenticate(&server.admin, Utc::now())
        .await
        .unwrap();
    let thread = server
        .store
        .thread(&admin, &again.conversation_id)
        .await
        .unwrap();
    assert_eq!(thread.conversation.resident_id.as_ref(), Some(&keep_id));
    // Audited, with what moved.
    let trail = server
        .store
        .audit_trail(&admin, "resident", &keep_id)
        .await
        .unwrap();
    let entry = trail.iter().find(|e| e.action == "merge").expect("audited");
    assert_eq!(entry.details["from"]["id"], gone_id.as_str());
    assert_ne!(keep_phone, gone_phone);
}

async fn the_openapi_document_describes_conversations_as_served(server: Server) {
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    for (path, method, statuses) in [
        ("/api/v1/conversations", "get", &["200", "422"][..]),
        ("/api/v1/conversations/{id}", "get", &["200", "404"]),
        (
            "/api/v1/conversations/{id}/messages/{message_id}/files/{file_id}",
            "get",
            &["200", "404"],
        ),
        (
            "/api/v1/conversations/{id}/replies",
            "post",
            &["201", "403", "404", "422"],
        ),
        ("/api/v1/conversations/{id}/assign", "post", &["200", "422"]),
        ("/api/v1/conversations/{id}/close", "post", &["200", "404"]),
        ("/api/v1/conversations/{id}/ticket", "post", &["201", "422"]),
        ("/api/v1/conversations/{id}/link", "post", &["200", "422"]),
        (
            "/api/v1/conversations/{id}/bind/code",
            "post",
            &["202", "429"],
        ),
        ("/api/v1/conversations/{id}/bind", "post", &["200", "422"]),
        ("/api/v1/chat/messages", "post", &["201", "403", "422"]),
        (
            "/api/v1/residents/{id}/merge",
            "post",
            &["200", "403", "422"],
        ),
    ] {
        let responses = &doc["paths"][path][method]["responses"];
        for status in statuses {
            assert!(
                responses.get(*status).is_some(),
                "{method} {path} documents {status}: {responses}"
            );
        }
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["ConversationState"]["enum"],
        json!(["open", "waiting", "closed"])
    );
    assert!(schemas["ThreadView"].is_object());
    assert!(schemas["Attachment"].is_object());
}

/// A file fetched with a token: status, headers, bytes.
async fn fetch(
    server: &Server,
    token: &str,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// The message folders kept for the company.
fn kept_folders(server: &Server) -> usize {
    let root = server.store.message_folder(&server.company_id, "x");
    match std::fs::read_dir(root.parent().unwrap()) {
        Ok(dir) => dir.count(),
        Err(_) => 0,
    }
}

fn a_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(40, 30, image::Rgb([40, 90, 160]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

async fn a_messages_files_are_fetched_within_scope_and_none_outlives_its_message(server: Server) {
    let a = server.site("fa").await;
    let b = server.site("fb").await;
    let mail = |project: ProjectHint, external_id: &str| {
        inbound(
            Channel::Email,
            ContactPoint::new("from", ContactKind::Email, None, "owner@example.com").unwrap(),
            project,
            Some(external_id),
            text("附件是漏水照片和报告"),
        )
    };
    let files = || {
        vec![
            NewFile::new("漏水.png", "image/png", a_png()),
            NewFile::new(
                "报告 \"final\".html",
                "text/html",
                b"<script>alert(1)</script>".to_vec(),
            ),
        ]
    };
    let before = kept_folders(&server);
    let received = server
        .store
        .receive_message_with_files(
            &server.company_id,
            mail(
                ProjectHint::Given(a.project_id.clone()),
                "<fa-1@example.com>",
            ),
            files(),
            vec!["huge.zip".into()],
            Utc::now(),
        )
        .await
        .expect("received");
    assert_eq!(received.receipt, Receipt::New);
    assert_eq!(kept_folders(&server), before + 1);

    // The thread lists them with where to fetch them.
    let id = &received.conversation_id;
    let (status, thread) = server
        .get(Some(&a.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{thread}");
    let listed = thread["messages"][0]["files"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2, "{thread}");
    assert_eq!(listed[0]["name"], "漏水.png");
    assert_eq!(
        thread["messages"][0]["attachments"][0]["left_out"],
        json!(["huge.zip"])
    );
    let picture = listed[0]["url"].as_str().unwrap();
    let page = listed[1]["url"].as_str().unwrap();
    assert_eq!(
        picture,
        format!(
            "/api/v1/conversations/{id}/messages/{}/files/{}",
            received.message_id,
            listed[0]["id"].as_str().unwrap()
        )
    );

    // A picture is shown inline with its type; anything else is a sandboxed download, named
    // safely and exactly.
    let (status, headers, bytes) = fetch(&server, &a.agent, picture).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, a_png());
    assert_eq!(headers["content-type"], "image/png");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("inline; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.ends_with("filename*=UTF-8''%E6%BC%8F%E6%B0%B4%2Epng"),
        "{disposition}"
    );
    let (status, headers, bytes) = fetch(&server, &server.admin, page).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"<script>alert(1)</script>");
    assert_eq!(headers["content-type"], "text/html");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"____final_.html\"; filename*=UTF-8''"),
        "{disposition}"
    );

    // Out of scope, another conversation's message, an unknown file: not found.
    for (token, path) in [
        (&b.agent, picture.to_owned()),
        (
            &server.resident_token(&a.residents[0].1).await,
            picture.to_owned(),
        ),
        (&a.agent, picture.replace(&received.message_id, "nope")),
        (
            &a.agent,
            format!(
                "/api/v1/conversations/{id}/messages/{}/files/..%2F..%2Fetc",
                received.message_id
            ),
        ),
    ] {
        let (status, _, bytes) = fetch(&server, token, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!bytes.starts_with(b"\x89PNG"));
    }
    let other = chat(&server, &a.residents[0].1, "另一件事").await;
    let (status, _, _) = fetch(
        &server,
        &a.agent,
        &picture.replace(id, other["conversation_id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a message of another conversation"
    );

    // The same mail delivered again, or one refused, keeps no file.
    let again = server
        .store
        .receive_message_with_files(
            &server.company_id,
            mail(
                ProjectHint::Given(a.project_id.clone()),
                "<fa-1@example.com>",
            ),
            files(),
            vec![],
            Utc::now(),
        )
        .await
        .expect("received again");
    assert_eq!(again.receipt, Receipt::Duplicate);
    let refused = server
        .store
        .receive_message_with_files(
            &server.company_id,
            mail(
                ProjectHint::Given("no-such-project".into()),
                "<fa-2@example.com>",
            ),
            files(),
            vec![],
            Utc::now(),
        )
        .await;
    assert!(
        matches!(refused, Err(StorageError::Validation(_))),
        "{refused:?}"
    );
    assert_eq!(kept_folders(&server), before + 1, "no file left behind");
}

async fn a_residents_chat_photos_are_seen_on_both_sides(server: Server) {
    let a = server.site("pa").await;
    let phone = &a.residents[0].1;
    let resident = Principal::resident(&server.company_id, phone, "住户", vec![]);
    let photo = check_photo(a_png()).await.expect("a photo");
    let sent = server
        .store
        .post_chat_message(&resident, None, "", vec![photo], Utc::now())
        .await
        .expect("sent");
    let id = &sent.conversation_id;
    let token = server.resident_token(phone).await;
    for who in [&a.agent, &token] {
        let (status, thread) = server
            .get(Some(who), &format!("/api/v1/conversations/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{thread}");
        let m = &thread["messages"][0];
        assert_eq!(m["kind"], "image", "a message of photos alone: {m}");
        assert_eq!(m["text"], Value::Null);
        assert_eq!(m["files"][0]["content_type"], "image/png");
        assert_eq!(m["files"][0]["name"], "photo-1.png");
        let (status, _, bytes) = fetch(&server, who, m["files"][0]["url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, a_png());
    }
    // Words and photos together; too many photos, or something not a photo, are refused.
    let with_words = server
        .store
        .post_chat_message(
            &resident,
            None,
            "楼道灯不亮",
            vec![check_photo(a_png()).await.unwrap()],
            Utc::now(),
        )
        .await
        .expect("sent");
    assert_eq!(&with_words.conversation_id, id);
    let mut four = vec![];
    for _ in 0..4 {
        four.push(check_photo(a_png()).await.unwrap());
    }
    let refused = server
        .store
        .post_chat_message(&resident, None, "多图", four, Utc::now())
        .await;
    assert!(
        matches!(refused, Err(StorageError::Validation(_))),
        "{refused:?}"
    );
    assert!(check_photo(b"not a picture".to_vec()).await.is_err());
    let (_, thread) = server
        .get(Some(&a.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(thread["messages"].as_array().unwrap().len(), 2);
    assert_eq!(thread["messages"][1]["text"], "楼道灯不亮");
    assert_eq!(thread["messages"][1]["kind"], "text");
    assert_eq!(
        thread["messages"][1]["files"][0]["content_type"],
        "image/png"
    );
}

async fn reading_a_conversation_clears_its_unread_count(server: Server) {
    let a = server.site("ua").await;
    let phone = &a.residents[0].1;
    let first = chat(&server, phone, "电梯异响").await;
    chat(&server, phone, "还在响").await;
    let id = first["conversation_id"].as_str().unwrap();
    let unread = |page: &Value| ids(page).contains(&id.to_owned());
    let page = list(&server, &a.agent, "?unread=true").await;
    assert!(unread(&page), "{page}");
    assert_eq!(page["items"][0]["unread"], 2);

    // The resident reading their own thread changes nothing.
    let token = server.resident_token(phone).await;
    let (_, theirs) = server
        .get(Some(&token), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(theirs["unread"], 2);
    assert!(unread(&list(&server, &a.agent, "?unread=true").await));

    // Desk staff reading it have read it.
    let (status, read) = server
        .get(Some(&a.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["unread"], 0);
    assert!(!unread(&list(&server, &a.agent, "?unread=true").await));
    let (_, listed) = server
        .get(Some(&a.agent), "/api/v1/conversations?unread=false")
        .await;
    assert!(ids(&listed).contains(&id.to_owned()));
    assert_eq!(listed["items"][0]["unread"], 0);

    // Another project's agent cannot read it, and so does not clear it.
    chat(&server, phone, "第三条").await;
    let b = server.site("ub").await;
    let (status, _) = server
        .get(Some(&b.agent), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A new message makes it unread again, until it is read again (an admin is desk staff too).
    let page = list(&server, &a.agent, "?unread=true").await;
    assert!(unread(&page));
    assert_eq!(page["items"][0]["unread"], 1);
    let (_, read) = server
        .get(Some(&server.admin), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(read["unread"], 0);
    assert_eq!(list(&server, &a.agent, "?unread=true").await["total"], 0);
}
