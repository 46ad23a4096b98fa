//! E-mail through real servers, on SQLite and PostgreSQL: dovecot as the mailbox (mail put in
//! by IMAP APPEND) and aiosmtpd as the SMTP server (mail read from what it kept). New mail
//! becomes a conversation message from the sender's address, a reply in the thread joins its
//! conversation, the same Message-ID is stored once, attachments are kept as files (those over
//! the limit named), automatic replies and bounces are kept as
//! events that nobody answers, an agent's answer leaves by SMTP in the thread, a 550 ends the
//! delivery with the server's reason and a 451 is tried again, two nodes take each mail once.

mod common;

use chrono::Utc;
use common::mail::MailServers;
use common::{Db, Server, Site};
use guanjia_channels::Senders;
use guanjia_storage::DeliverySetup;
use guanjia_storage::entity::{contact_point, conversation_message, delivery};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases_given!(
    mail_becomes_a_conversation_its_thread_joins_it_and_a_repeat_is_stored_once,
    automatic_replies_and_bounces_are_kept_and_open_nothing,
    an_answer_leaves_by_smtp_in_the_thread_and_refusals_are_kept,
    two_nodes_take_each_mail_once,
);

/// A server whose answers to e-mail leave through `mail`'s SMTP server.
async fn rig(db: Db) -> (Server, MailServers, Site) {
    let mail = MailServers::start().await;
    let mut setup = DeliverySetup::default();
    setup.email = true;
    let files = mail.dir().join("files");
    let server =
        Server::start_with(db, |store| store.with_delivery(setup).with_files_dir(files)).await;
    let site = server.site("em").await;
    (server, mail, site)
}

/// Gives the resident `resident_id` the e-mail address `address`.
async fn add_address(server: &Server, resident_id: &str, address: &str) {
    let conn = sea_orm::Database::connect(&server.url).await.unwrap();
    contact_point::ActiveModel {
        company_id: Set(server.company_id.clone()),
        id: Set(guanjia_storage::new_id()),
        resident_id: Set(resident_id.to_owned()),
        kind: Set("email".into()),
        account: Set(String::new()),
        value: Set(address.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(&conn)
    .await
    .unwrap();
}

/// A mail as a client writes it: text/html when `text` is markup, else text/plain.
fn mail(from: &str, id: &str, subject: &str, extra: &str, text: &str) -> String {
    let kind = if text.starts_with('<') {
        "html"
    } else {
        "plain"
    };
    format!(
        "From: {from}\nTo: kefu@wuye.example\nSubject: {subject}\nDate: {}\nMessage-ID: <{id}>\n{extra}\
         MIME-Version: 1.0\nContent-Type: text/{kind}; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}\n",
        Utc::now().to_rfc2822()
    )
}

async fn poll(server: &Server, mail: &MailServers, node: &str) -> usize {
    guanjia_web::read_mailbox(&server.store, &mail.config(Some("em")), node, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("reading the mailbox: {e}\n{}", mail.log()))
}

async fn conversations(server: &Server, token: &str) -> Vec<Value> {
    let (status, list) = server
        .get(Some(token), "/api/v1/conversations?channel=email")
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

async fn thread(server: &Server, token: &str, id: &str) -> Value {
    let (status, thread) = server
        .get(Some(token), &format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{thread}");
    thread
}

async fn mail_becomes_a_conversation_its_thread_joins_it_and_a_repeat_is_stored_once(db: Db) {
    let (server, mail, site) = rig(db).await;
    let (resident_id, _) = &site.residents[0];
    add_address(&server, resident_id, "li.wei@example.com").await;
    // Nothing yet: the first reading finds the mailbox empty.
    assert_eq!(poll(&server, &mail, "node-a").await, 0);
    let first = self::mail(
        "=?UTF-8?B?5p2O5Lyf?= <Li.Wei@Example.com>",
        "a1@example.com",
        "=?UTF-8?B?55S15qKv5Z2P5LqG?=",
        "",
        "3栋2单元电梯不动了，请尽快派人。",
    );
    mail.deliver(&first).await;
    // A colleague copied in answers in the thread, from another address.
    mail.deliver(&self::mail(
        "Zhang <zhang@other.example>",
        "b1@other.example",
        "Re: 电梯坏了",
        "In-Reply-To: <a1@example.com>\nReferences: <a1@example.com>\n",
        "我们楼也是。",
    ))
    .await;
    // The same mail again (a client sent it twice).
    mail.deliver(&first).await;
    mail.deliver(&self::mail(
        "stranger@example.org",
        "c1@example.org",
        "停车位",
        "",
        "<p>想问一下停车位</p>",
    ))
    .await;
    // A photo of the leak, and a file over the limit (64 KiB in these tests).
    let attached = format!(
        "From: li.wei@example.com\nTo: kefu@wuye.example\nSubject: 照片\nDate: {}\n\
         Message-ID: <p1@example.com>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"B\"\n\n\
         --B\nContent-Type: text/plain; charset=utf-8\n\n漏水照片见附件\n\
         --B\nContent-Type: image/png\nContent-Disposition: attachment; filename=\"leak.png\"\n\
         Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n\
         --B\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"big.pdf\"\n\
         Content-Transfer-Encoding: base64\n\n{}\n--B--\n",
        Utc::now().to_rfc2822(),
        "QUFB\n".repeat(30_000)
    );
    mail.deliver(&attached).await;
    assert_eq!(
        poll(&server, &mail, "node-a").await,
        4,
        "the repeat is not new"
    );
    assert_eq!(
        poll(&server, &mail, "node-a").await,
        0,
        "nothing is taken twice"
    );

    let all = conversations(&server, &site.agent).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let known = all
        .iter()
        .find(|c| c["resident_id"] == resident_id.as_str())
        .expect("the resident's conversation");
    assert_eq!(known["contact"]["kind"], "email");
    assert_eq!(known["project_id"], site.project_id.as_str());
    let t = thread(&server, &site.agent, known["id"].as_str().unwrap()).await;
    let texts: Vec<&str> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        texts,
        [
            "3栋2单元电梯不动了，请尽快派人。",
            "我们楼也是。",
            "漏水照片见附件"
        ]
    );
    assert_eq!(known["unread"], 3);
    assert_eq!(t["unread"], 0, "the agent has read them");
    let photo = &t["messages"][2];
    let files = &photo["attachments"][0];
    assert_eq!(files["type"], "files", "{photo}");
    assert_eq!(files["files"][0]["name"], "leak.png");
    assert_eq!(files["files"][0]["content_type"], "image/png");
    assert_eq!(files["files"][0]["size"], 8);
    assert_eq!(files["left_out"], json!(["big.pdf"]));
    let kept = server
        .store
        .message_folder(&server.company_id, photo["id"].as_str().unwrap())
        .join(files["files"][0]["id"].as_str().unwrap());
    // The public document describes the kept files and the e-mail delivery channel.
    let (_, doc) = server.get(None, "/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["KeptFile"]["properties"]["size"].is_object(),
        "{}",
        schemas["Attachment"]
    );
    assert!(schemas["DeliveryChannel"].to_string().contains("\"email\""));
    assert_eq!(
        std::fs::read(kept).expect("the file is kept"),
        b"\x89PNG\r\n\x1a\n"
    );
    let unknown = all
        .iter()
        .find(|c| c["resident_id"].is_null())
        .expect("the stranger's conversation");
    assert_eq!(
        unknown["project_id"],
        site.project_id.as_str(),
        "the mailbox's project"
    );
    assert_eq!(unknown["last_text"], "想问一下停车位", "HTML read as text");
}

async fn automatic_replies_and_bounces_are_kept_and_open_nothing(db: Db) {
    let (server, mail, site) = rig(db).await;
    assert_eq!(poll(&server, &mail, "node-a").await, 0);
    mail.deliver(&self::mail(
        "wang@example.com",
        "ooo1@example.com",
        "自动回复: 休假中",
        "Auto-Submitted: auto-replied\n",
        "我正在休假，3月10日回来。",
    ))
    .await;
    let bounce = format!(
        "From: MAILER-DAEMON@mx.example.com\nTo: kefu@wuye.example\nSubject: Undelivered Mail Returned to Sender\n\
         Date: {}\nMessage-ID: <bounce1@mx.example.com>\nMIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"XX\"\n\n\
         --XX\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not be delivered.\n\
         --XX\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n\
         Final-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1\n--XX--\n",
        Utc::now().to_rfc2822()
    );
    mail.deliver(&bounce).await;
    assert_eq!(poll(&server, &mail, "node-a").await, 2);
    let all = conversations(&server, &site.agent).await;
    assert_eq!(all.len(), 2);
    for c in &all {
        assert_eq!(c["unread"], 0, "nobody is asked to answer a machine: {c}");
        assert!(c["ticket_id"].is_null());
        let t = thread(&server, &site.agent, c["id"].as_str().unwrap()).await;
        let m = &t["messages"][0];
        assert_eq!(m["kind"], "event");
        let event = m["attachments"][0]["event"].as_str().unwrap();
        assert!(["auto_reply", "bounce"].contains(&event), "{m}");
    }
    let (_, tickets) = server.get(Some(&site.agent), "/api/v1/tickets").await;
    assert_eq!(tickets["total"], 0, "no ticket opened: {tickets}");
}

async fn an_answer_leaves_by_smtp_in_the_thread_and_refusals_are_kept(db: Db) {
    let (server, mail, site) = rig(db).await;
    let senders = Senders::new(Default::default())
        .unwrap()
        .with_email(Some(mail.config(Some("em"))))
        .unwrap();
    assert_eq!(poll(&server, &mail, "node-a").await, 0);
    mail.deliver(&self::mail(
        "li.wei@example.com",
        "q1@example.com",
        "电梯坏了",
        "References: <older@example.com>\n",
        "电梯不动了",
    ))
    .await;
    mail.deliver(&self::mail(
        "nobody@example.com",
        "q2@example.com",
        "问一下",
        "",
        "物业费怎么交？",
    ))
    .await;
    mail.deliver(&self::mail(
        "later@example.com",
        "q3@example.com",
        "快递",
        "",
        "快递放哪里？",
    ))
    .await;
    assert_eq!(poll(&server, &mail, "node-a").await, 3);
    let all = conversations(&server, &site.agent).await;
    let by = |address: &str| {
        all.iter()
            .find(|c| c["contact"]["value"] == address)
            .unwrap_or_else(|| panic!("no conversation with {address}: {all:?}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut answers = vec![];
    for (address, text) in [
        ("li.wei@example.com", "师傅十分钟内到。"),
        ("nobody@example.com", "可以在APP上缴纳。"),
        ("later@example.com", "放在门岗。"),
    ] {
        let answer = server
            .ok(
                &site.agent,
                &format!("/api/v1/conversations/{}/replies", by(address)),
                json!({ "text": text }),
                StatusCode::CREATED,
            )
            .await;
        assert_eq!(answer["deliveries"][0]["channel"], "email", "{answer}");
        answers.push(answer["id"].as_str().unwrap().to_owned());
    }
    let claimed = guanjia_web::deliver_due(&server.store, &senders, "node-a", Utc::now())
        .await
        .unwrap();
    assert_eq!(claimed, 3);

    // What the SMTP server received: one mail, a reply in the resident's thread.
    let sent = mail.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let received = guanjia_channels::email::read_mail(sent[0].as_bytes(), 1 << 20).unwrap();
    assert_eq!(received.subject.as_deref(), Some("Re: 电梯坏了"));
    assert_eq!(received.in_reply_to.as_deref(), Some("q1@example.com"));
    assert_eq!(received.references, ["older@example.com", "q1@example.com"]);
    assert_eq!(received.text, "师傅十分钟内到。");
    assert_eq!(received.from.as_deref(), Some("kefu@wuye.example"));
    assert!(sent[0].contains("To: li.wei@example.com"), "{}", sent[0]);
    let ours = received.message_id.clone().unwrap();
    assert_eq!(ours, format!("{}@wuye.example", answers[0]));

    // The refusals: 550 is final with the server's words, 451 is tried again.
    let conn = sea_orm::Database::connect(&server.url).await.unwrap();
    let row = |id: String| {
        let conn = conn.clone();
        async move {
            let m = conversation_message::Entity::find()
                .filter(conversation_message::Column::Id.eq(id))
                .one(&conn)
                .await
                .unwrap()
                .unwrap();
            delivery::Entity::find()
                .filter(delivery::Column::NotificationId.eq(m.notification_id.unwrap()))
                .one(&conn)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let sent_row = row(answers[0].clone()).await;
    assert_eq!(sent_row.state, "sent");
    assert_eq!(sent_row.provider_message_id.as_deref(), Some(ours.as_str()));
    let refused = row(answers[1].clone()).await;
    assert_eq!(refused.state, "failed");
    assert_eq!(refused.error_code.as_deref(), Some("smtp_550"));
    assert!(
        refused
            .error_reason
            .as_deref()
            .unwrap()
            .contains("Recipient address rejected"),
        "{refused:?}"
    );
    let busy = row(answers[2].clone()).await;
    assert_eq!(busy.state, "pending", "{busy:?}");
    assert_eq!(busy.error_code.as_deref(), Some("smtp_451"));
    assert!(busy.next_attempt_at.unwrap() > Utc::now());

    // The resident answers our mail from another address: it joins the thread by our id.
    mail.deliver(&self::mail(
        "li.wei@work.example",
        "q4@work.example",
        "Re: 电梯坏了",
        &format!("In-Reply-To: <{ours}>\nReferences: <q1@example.com> <{ours}>\n"),
        "好的，谢谢",
    ))
    .await;
    assert_eq!(poll(&server, &mail, "node-a").await, 1);
    let t = thread(&server, &site.agent, &by("li.wei@example.com")).await;
    let texts: Vec<(&str, &str)> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["direction"].as_str().unwrap(),
                m["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(texts.contains(&("in", "好的，谢谢")), "{texts:?}");
    assert_eq!(texts.len(), 3);
    assert_eq!(
        conversations(&server, &site.agent).await.len(),
        3,
        "no conversation of its own"
    );
}

async fn two_nodes_take_each_mail_once(db: Db) {
    let (server, mail, site) = rig(db).await;
    let other = guanjia_storage::Store::connect(&server.url).await.unwrap();
    let config = mail.config(Some("em"));
    assert_eq!(poll(&server, &mail, "node-a").await, 0);
    for i in 0..8 {
        mail.deliver(&self::mail(
            &format!("r{i}@example.com"),
            &format!("n{i}@example.com"),
            "报修",
            "",
            &format!("第{i}封"),
        ))
        .await;
    }
    let node = |store: guanjia_storage::Store, name: &'static str| {
        let config = config.clone();
        tokio::spawn(async move {
            let mut taken = 0;
            for _ in 0..5 {
                taken += guanjia_web::read_mailbox(&store, &config, name, Utc::now())
                    .await
                    .unwrap();
            }
            taken
        })
    };
    let a = node(server.store.clone(), "node-a");
    let b = node(other, "node-b");
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, 8, "node-a took {a}, node-b {b}");
    let conn = sea_orm::Database::connect(&server.url).await.unwrap();
    let stored = conversation_message::Entity::find()
        .filter(conversation_message::Column::Channel.eq("email"))
        .all(&conn)
        .await
        .unwrap();
    assert_eq!(stored.len(), 8);
    assert_eq!(conversations(&server, &site.agent).await.len(), 8);
}
