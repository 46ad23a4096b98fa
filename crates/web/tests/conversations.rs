//! Conversations on SQLite and PostgreSQL: the one ingest path (`Store::receive_message`) with
//! repeated deliveries stored once, known and unknown senders, concurrent first messages; the
//! API (list filters and keyset pages, scope, replies delivered on the conversation's channel,
//! tickets opened from a conversation, first-contact ownership); binding an unknown WeChat
//! sender with a code; merging two resident records; bad input.

mod common;

use chrono::{Duration, Utc};
use common::{Server, Site};
use guanjia_domain::conversation::{
    Body, ContactKind, ContactPoint, Event, InboundMessage, ProjectHint,
};
use guanjia_domain::taxonomy::Channel;
use guanjia_storage::{MessageReceived, Receipt, StorageError};

on_both_databases!(
    a_message_from_a_known_phone_lands_in_the_residents_conversation,
    a_repeated_delivery_is_stored_once_even_when_concurrent,
    an_unknown_wechat_sender_gets_a_conversation_of_their_own,
    concurrent_first_messages_of_one_sender_make_one_conversation,
    bad_inbound_messages_are_refused_naming_the_field,
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
