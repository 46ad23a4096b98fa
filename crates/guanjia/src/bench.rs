//! `guanjia bench`: tickets created per second over HTTP by concurrent clients, with p50/p95/p99
//! and the slowest request, next to the same figures for a trivial handler (`/healthz`) measured in
//! the same run. Each ticket is a different Chinese message about one of 30 buildings and one of
//! many problems, with kind and category left to the server, so understanding and the duplicate
//! check do their real work. By default it serves a fresh SQLite database in-process;
//! `--database-url` picks another.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use guanjia_domain::place::ProjectKind;
use guanjia_domain::place::RoomKind;
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewRoom, NewStaff};
use guanjia_storage::{Principal, Store};
use serde_json::json;

use crate::load::phase;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds per measured phase.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Database to serve; default: a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// Measures reads on a database of many tickets instead of creation (see --tickets).
    #[arg(long)]
    read: bool,
    #[command(flatten)]
    read_args: crate::bench_read::ReadArgs,
}

const PASSWORD: &str = "bench-password";

/// Buildings of the bench's estate, each with these units and rooms.
const BUILDINGS: usize = 30;
const UNITS: [&str; 2] = ["1", "2"];
const ROOMS: [&str; 4] = ["101", "502", "1203", "1801"];

/// What residents say, over many categories: `{b}` building, `{u}` unit, `{r}` room.
const MESSAGES: [&str; 14] = [
    "{b}栋{u}单元电梯停了，按了没反应",
    "{b}栋{u}单元{r}卫生间天花板漏水，应该是楼上渗下来的",
    "{b}栋{u}单元{r}家里突然停电了，别的楼有电",
    "{b}栋{u}单元{r}楼上每天晚上装修，噪音太大了",
    "请问{b}栋的物业费怎么交？能开发票吗",
    "{b}栋楼下的垃圾桶满了没人清理，很臭",
    "{b}栋{u}单元门禁刷卡没反应，进不了门",
    "地下车库{b}号车位被别人的车占了",
    "感谢{b}栋的维修师傅，修得又快又好",
    "建议在{b}栋门口加装电动车充电桩",
    "{b}栋{u}单元楼道灯坏了，晚上很黑",
    "{b}栋{u}单元{r}下水道堵了，马桶冲不下去",
    "{b}栋{u}单元{r}家里没水了，水龙头一滴都不出",
    "{b}栋门口有人遛狗不牵绳，吓到小孩了",
];
const CHANNELS: [&str; 3] = ["phone", "app", "wechat"];

/// The `n`th message of the mix: its words, building, unit and room vary independently.
fn message(n: usize) -> String {
    let mix = n.wrapping_mul(2_654_435_761);
    MESSAGES[n % MESSAGES.len()]
        .replace("{b}", &(mix % BUILDINGS + 1).to_string())
        .replace("{u}", UNITS[(mix / BUILDINGS) % UNITS.len()])
        .replace("{r}", ROOMS[(mix / 7) % ROOMS.len()])
}

/// This process's resident memory in MB, where the system says (Linux).
fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn print_memory(when: &str) {
    if let Some(mb) = resident_mb() {
        println!("RSS {when}: {mb:.1} MB (server and load generator in one process)");
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.read {
        return crate::bench_read::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.read_args,
        )
        .await;
    }
    let folder = std::env::temp_dir().join(format!("guanjia-bench-{}", std::process::id()));
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let username = format!("bench{}", std::process::id());
    let project_id = fixtures(&store, &username).await?;
    print_memory("idle");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        axum::serve(
            listener,
            guanjia_web::app(store, guanjia_web::Settings::default()),
        )
        .await
    });
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"].as_str().context("login failed")?.to_owned();
    let duration = Duration::from_secs(args.seconds);
    println!(
        "database: {url}\nclients: {}, {} s per phase",
        args.clients, args.seconds
    );
    let reference = phase(args.clients, duration, {
        let (client, base) = (client.clone(), base.clone());
        move |_| {
            let request = client.get(format!("{base}/healthz"));
            async move {
                request
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        }
    })
    .await;
    reference.print("GET /healthz (reference)", None);
    let created = phase(args.clients, duration, move |n| {
        let body = json!({
            "project_id": project_id, "channel": CHANNELS[n % CHANNELS.len()],
            "description": message(n),
            "contact": { "name": "王先生", "phone": format!("138{:08}", n % 100_000_000) },
        });
        let request = client
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            request
                .send()
                .await
                .map(|r| r.status().as_u16() == 201)
                .unwrap_or(false)
        }
    })
    .await;
    created.print("POST /api/v1/tickets", Some(&reference));
    print_memory("after the create load");
    println!(
        "ratio: ticket creation runs at {:.3} of the reference rate",
        created.rate() / reference.rate()
    );
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}

/// A company, a project and an agent to create tickets as.
async fn fixtures(store: &Store, username: &str) -> anyhow::Result<String> {
    let now = Utc::now();
    let company = store.ensure_company("bench", "压测物业", now).await?;
    let admin = Principal::system(&company.id, "bench");
    let project = NewProject {
        code: username.to_owned(),
        name: "压测小区".into(),
        kind: ProjectKind::Residential,
        time_zone: "Asia/Shanghai".into(),
        address: None,
    };
    let project = store.create_project(&admin, project, now).await?;
    for b in 1..=BUILDINGS {
        let building = store
            .create_building(&admin, &project.id, format!("{b}栋"), now)
            .await?;
        for unit in UNITS {
            for number in ROOMS {
                let room = NewRoom {
                    unit: unit.into(),
                    number: number.into(),
                    kind: RoomKind::Residential,
                    floor: None,
                    area_m2: None,
                };
                store.create_room(&admin, &building.id, room, now).await?;
            }
        }
    }
    let agent = NewStaff {
        username: username.to_owned(),
        password: PASSWORD.into(),
        name: "压测客服".into(),
        role: Role::Agent,
        project_ids: vec![project.id.clone()],
        skills: vec![],
        phone: None,
    };
    store
        .create_staff(Some(&admin), &company.id, agent, now)
        .await?;
    Ok(project.id)
}
