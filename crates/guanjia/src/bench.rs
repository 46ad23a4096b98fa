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

use crate::load::{phase, serve_in_process};

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
    /// A mixed soak instead of creation alone: creations (some answered at once), queue and
    /// list reads, searches and ticket pages together; fails on any error or a p99 over 1 s.
    #[arg(long, conflicts_with = "read")]
    soak: bool,
    /// Measures delivery lag instead: notifications from the outbox to a local SMS provider
    /// (see --notifications, --per-second, --poll-millis).
    #[arg(long, conflicts_with_all = ["read", "soak"])]
    delivery: bool,
    #[command(flatten)]
    read_args: crate::bench_read::ReadArgs,
    #[command(flatten)]
    delivery_args: crate::bench_delivery::DeliveryArgs,
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
    if args.delivery {
        return crate::bench_delivery::run(
            args.clients,
            args.seconds,
            args.database_url,
            args.delivery_args,
        )
        .await;
    }
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
    let base = serve_in_process(store).await?;
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
    // A soak is long; its reference needs only a few seconds to be steady.
    let reference_time = if args.soak {
        duration.min(Duration::from_secs(10))
    } else {
        duration
    };
    let reference = phase(args.clients, reference_time, {
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
    if args.soak {
        let mixed = phase(args.clients, duration, move |n| {
            soak_request(
                client.clone(),
                base.clone(),
                token.clone(),
                project_id.clone(),
                n,
            )
        })
        .await;
        mixed.print(
            "mixed: create, answer, queue, list, search, page",
            Some(&reference),
        );
        print_memory("after the soak");
        anyhow::ensure!(
            mixed.failures() == 0,
            "the soak had {} failed requests",
            mixed.failures()
        );
        anyhow::ensure!(
            mixed.percentile(0.99) < SOAK_P99,
            "the soak's p99 is {:?}, over {SOAK_P99:?}",
            mixed.percentile(0.99)
        );
        return Ok(());
    }
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

/// The slowest a soak's 99th percentile may be.
const SOAK_P99: Duration = Duration::from_secs(1);

/// The `n`th request of the soak's mix, true when it was answered as expected: of ten, three
/// creations, one creation answered at once (two writes), two queue pages by deadline, two lists
/// of new tickets, a search by phone and a ticket page found by number.
async fn soak_request(
    client: reqwest::Client,
    base: String,
    token: String,
    project_id: String,
    n: usize,
) -> bool {
    let phone = format!("139{:08}", n % 5_000);
    let create = || {
        client
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&json!({
                "project_id": project_id, "channel": CHANNELS[n % CHANNELS.len()],
                "description": message(n), "contact": { "name": "李女士", "phone": phone },
            }))
            .send()
    };
    let get = |path: String| {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .send()
    };
    let ok = |r: reqwest::Result<reqwest::Response>, status: u16| {
        r.is_ok_and(|r| r.status().as_u16() == status)
    };
    match n % 10 {
        0..=2 => ok(create().await, 201),
        3 => {
            let Ok(created) = create().await else {
                return false;
            };
            let Ok(ticket) = created.json::<serde_json::Value>().await else {
                return false;
            };
            let Some(id) = ticket["id"].as_str() else {
                return false;
            };
            let answer = client
                .post(format!("{base}/api/v1/tickets/{id}/actions"))
                .bearer_auth(&token)
                .json(&json!({ "action": "respond", "body": "已收到，师傅马上联系您" }))
                .send()
                .await;
            ok(answer, 200)
        }
        4 | 5 => ok(
            get("/api/v1/tickets?sort=due&per_page=20".into()).await,
            200,
        ),
        6 | 7 => ok(
            get("/api/v1/tickets?status=new&per_page=20".into()).await,
            200,
        ),
        8 => ok(get(format!("/api/v1/tickets?q={phone}")).await, 200),
        _ => {
            let Ok(found) = get("/api/v1/tickets?per_page=1".into()).await else {
                return false;
            };
            let Ok(page) = found.json::<serde_json::Value>().await else {
                return false;
            };
            match page["items"][0]["id"].as_str() {
                Some(id) => ok(get(format!("/api/v1/tickets/{id}")).await, 200),
                None => true,
            }
        }
    }
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
