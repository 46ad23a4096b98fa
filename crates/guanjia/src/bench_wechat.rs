//! `guanjia bench --wechat`: the time from WeChat POSTing a follower's message to the account's
//! callback to the message being visible in the inbox, next to `/healthz` measured in the same
//! run. An admin registers an official account through the API (plaintext mode); `clients`
//! senders then POST text messages signed as WeChat signs them (SHA-1 over the Token, timestamp
//! and nonce; XML body; distinct `MsgId`s, a hundred followers' openids), and after each POST the
//! sender reads the inbox's list (`GET /api/v1/conversations`, newest activity first) as the
//! agent's page does until the conversation shows the message as its last words.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use guanjia_domain::role::Role;
use guanjia_domain::setup::NewStaff;
use guanjia_storage::{Principal, SecretKey, Store};
use serde_json::{Value, json};

use crate::estate::{PASSWORD, fixtures, login, message};
use crate::load::{Outcome, reference, serve_in_process};

#[derive(clap::Args, Debug, Clone)]
pub struct WechatArgs {
    /// Messages POSTed to the callback (with --wechat).
    #[arg(long, default_value_t = 1000)]
    messages: usize,
}

/// The account's Token, which signs every call to its callback.
const TOKEN: &str = "guanjiabench2026";
/// Followers writing: each message comes from one of them in turn.
const FOLLOWERS: usize = 100;
/// How long one message may take to show before the run fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// The server, the account's callback, and the agent's bearer token.
struct Rig {
    base: String,
    callback: String,
    agent: String,
}

async fn rig(store: Store) -> anyhow::Result<Rig> {
    let username = format!("bench{}", std::process::id());
    let project_id = fixtures(&store, &username).await?;
    let company = store
        .ensure_company("bench", "压测物业", Utc::now())
        .await?;
    let admin = NewStaff {
        username: format!("{username}admin"),
        password: PASSWORD.into(),
        name: "压测管理员".into(),
        role: Role::Admin,
        project_ids: vec![],
        skills: vec![],
        phone: None,
    };
    let system = Principal::system(&company.id, "bench");
    store
        .create_staff(Some(&system), &company.id, admin, Utc::now())
        .await?;
    let base = serve_in_process(store).await?;
    let client = reqwest::Client::new();
    let admin = login(&client, &base, &format!("{username}admin")).await?;
    let account: Value = client
        .post(format!("{base}/api/v1/channels/wechat"))
        .bearer_auth(&admin)
        .json(&json!({
            "name": "压测服务号", "app_id": "wx0123456789abcdef",
            "app_secret": "0123456789abcdef0123456789abcdef", "token": TOKEN,
            "project_id": project_id,
        }))
        .send()
        .await?
        .error_for_status()
        .context("registering the official account")?
        .json()
        .await?;
    let callback = account["callback_path"]
        .as_str()
        .context("the account's callback_path")?
        .to_owned();
    let agent = login(&client, &base, &username).await?;
    Ok(Rig {
        base,
        callback,
        agent,
    })
}

/// A text message from `openid` as WeChat pushes it (明文模式).
fn push(openid: &str, msg_id: u64, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_bench000001]]></ToUserName>\
         <FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{}</CreateTime>\
         <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>\
         <MsgId>{msg_id}</MsgId></xml>",
        Utc::now().timestamp()
    )
}

/// Whether the inbox's first page shows `openid`'s conversation with `text` as its last words.
async fn visible(client: &reqwest::Client, rig: &Rig, openid: &str, text: &str) -> bool {
    let Ok(response) = client
        .get(format!(
            "{}/api/v1/conversations?channel=wechat&per_page=20",
            rig.base
        ))
        .bearer_auth(&rig.agent)
        .send()
        .await
    else {
        return false;
    };
    let Ok(list) = response.json::<Value>().await else {
        return false;
    };
    list["items"].as_array().is_some_and(|items| {
        items
            .iter()
            .any(|c| c["contact"]["value"] == openid && c["last_text"] == text)
    })
}

/// One message: the POST's latency and the time until the inbox shows it, or why not.
async fn one(client: &reqwest::Client, rig: &Rig, n: usize) -> Result<(Duration, Duration), ()> {
    let openid = format!("oBench{:022}", n % FOLLOWERS);
    let text = format!("#{n} {}", message(n));
    let (timestamp, nonce) = (Utc::now().timestamp().to_string(), n.to_string());
    let signature = guanjia_channels::wechat::signature(TOKEN, &timestamp, &nonce);
    let sent = Instant::now();
    let answer = client
        .post(format!(
            "{}{}?signature={signature}&timestamp={timestamp}&nonce={nonce}",
            rig.base, rig.callback
        ))
        .header("content-type", "text/xml")
        .body(push(&openid, 7_000_000_000_000_000_000 + n as u64, &text))
        .send()
        .await;
    let posted = sent.elapsed();
    match answer {
        Ok(r) if r.status().is_success() => {}
        _ => return Err(()),
    }
    while sent.elapsed() < PATIENCE {
        if visible(client, rig, &openid, &text).await {
            return Ok((posted, sent.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Err(())
}

pub async fn run(
    clients: usize,
    seconds: u64,
    database_url: Option<String>,
    args: WechatArgs,
) -> anyhow::Result<()> {
    let folder = std::env::temp_dir().join(format!("guanjia-bench-wechat-{}", std::process::id()));
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let key = SecretKey::from_passphrase("a passphrase only this benchmark uses, never stored")
        .map_err(anyhow::Error::msg)?;
    let store = Store::connect(&url).await?.with_secret_key(key);
    store.migrate().await?;
    let rig = Arc::new(rig(store).await?);
    println!(
        "database: {url}\nmessages: {} from {FOLLOWERS} followers, {clients} senders at once",
        args.messages
    );
    let client = reqwest::Client::new();
    let reference = reference(&client, &rig.base, clients, Duration::from_secs(seconds)).await;

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut senders = Vec::new();
    for _ in 0..clients.max(1) {
        let (client, rig, next, total) = (client.clone(), rig.clone(), next.clone(), args.messages);
        senders.push(tokio::spawn(async move {
            let (mut posts, mut shown, mut failed) = (Vec::new(), Vec::new(), 0);
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return (posts, shown, failed);
                }
                match one(&client, &rig, n).await {
                    Ok((post, show)) => {
                        posts.push(post);
                        shown.push(show);
                    }
                    Err(()) => failed += 1,
                }
            }
        }));
    }
    let (mut posts, mut shown, mut failed) = (Vec::new(), Vec::new(), 0);
    for sender in senders {
        let (p, s, f) = sender.await?;
        posts.extend(p);
        shown.extend(s);
        failed += f;
    }
    let elapsed = started.elapsed();
    let post = Outcome::of(posts, failed, elapsed);
    let inbox = Outcome::of(shown, failed, elapsed);
    post.print("POST /wechat/callback (answered)", Some(&reference));
    inbox.print("WeChat POST → visible in the inbox", Some(&reference));
    let ratio =
        |o: &Outcome, p: f64| o.percentile(p).as_secs_f64() / reference.percentile(p).as_secs_f64();
    println!(
        "visible in the inbox: p50 {:.1}× and p95 {:.1}× the /healthz p50 and p95",
        ratio(&inbox, 0.5),
        ratio(&inbox, 0.95)
    );
    anyhow::ensure!(
        failed == 0,
        "{failed} messages were refused or not visible within {} s",
        PATIENCE.as_secs()
    );
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}
