//! `guanjia bench --read`: the reads staff make all day, over HTTP by concurrent clients, on a
//! database of a million tickets: the agent's queue (first page and a deep page), a ticket page
//! and its timeline, search by phone and by number, and the service figures. Each prints
//! p50/p95/p99/max next to `/healthz` measured in the same run.
//!
//! The tickets are bulk-inserted (through the API a million would take hours): a year of them
//! over several projects, most closed with their finished clocks, the last week's open; the open
//! ones get their clocks and steps from the real recompute. By default the data lives in a SQLite
//! file in a temporary folder; `--keep` keeps it, and a later run with the same `--tickets`
//! serves it again instead of loading it anew.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::FollowUpResult;
use guanjia_domain::place::{ProjectKind, local_date};
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewStaff};
use guanjia_domain::sla::{ClockName, ClockState, Target};
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::ticket::{Status, Visibility, ticket_number};
use guanjia_storage::entity::{sla_clock, ticket, ticket_event};
use guanjia_storage::{Principal, Store};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::{Value, json};

use crate::bench_sla::MIX;
use crate::load::{Outcome, phase, serve_in_process};
use crate::memory::Memory;

#[derive(clap::Args)]
pub struct ReadArgs {
    /// Tickets in the database read (with --read).
    #[arg(long, default_value_t = 1_000_000, requires = "read")]
    tickets: usize,
    /// Keeps the generated SQLite file, and serves it again on the next run with the same --tickets.
    #[arg(long, requires = "read")]
    keep: bool,
}

const COMPANY: &str = "bench-read";
const USERNAME: &str = "read-agent";
const PASSWORD: &str = "bench-read-password";
const TIME_ZONE: &str = "Asia/Shanghai";
/// Projects of the company; the agent works in the first two.
const PROJECTS: usize = 4;
/// Tickets per resident, on average: each phone reported about this many times in the year.
const TICKETS_PER_RESIDENT: usize = 5;
/// A year of tickets; those of the last week are still open.
const SPREAD_SECONDS: i64 = 365 * 24 * 3600;
const OPEN_SECONDS: i64 = 7 * 24 * 3600;
/// Rows per INSERT (every column bound: under both databases' parameter limits) and per transaction.
const INSERT_ROWS: usize = 400;
const LOAD_ROWS: usize = 20_000;
/// Open statuses in rotation; resolved ones wait for their follow-up.
const OPEN: [Status; 5] = [
    Status::New,
    Status::Accepted,
    Status::Dispatched,
    Status::InProgress,
    Status::Resolved,
];
const CHANNELS: [Channel; 4] = [
    Channel::Phone,
    Channel::Wechat,
    Channel::App,
    Channel::FrontDesk,
];
/// Tickets whose page, timeline, phone and number are read, spread over the whole year.
const SAMPLES: usize = 200;
/// The deep page of the queue read.
const DEEP: usize = 40;

pub async fn run(
    clients: usize,
    seconds: u64,
    database_url: Option<String>,
    args: ReadArgs,
) -> anyhow::Result<()> {
    ensure!(
        args.tickets >= SAMPLES,
        "--tickets must be at least {SAMPLES}"
    );
    let folder = std::env::temp_dir().join("guanjia-bench-read");
    let file = folder.join(format!("{}.db", args.tickets));
    if database_url.is_none() && !args.keep {
        let _ = std::fs::remove_file(&file);
    }
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", file.display()));
    let store = Store::connect(&url).await?;
    let started = Instant::now();
    store.migrate().await?;
    println!(
        "database: {url} (schema up to date in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    // The bulk load goes around the Store, which offers no way to write tickets in bulk.
    let mut options = sea_orm::ConnectOptions::new(url.as_str());
    options.sqlx_logging(false);
    let db = sea_orm::Database::connect(options)
        .await
        .context("connecting for the bulk load")?;
    let site = Site::open(&store, &db, args.tickets).await?;
    // The day facts the scheduler keeps, summed before the reads as a running server has them.
    let started = Instant::now();
    let mut days = 0;
    loop {
        let done = store.refresh_ticket_days(Utc::now()).await?;
        days += done.days;
        if !done.more {
            break;
        }
    }
    println!(
        "day facts: {days} project days summed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let base = serve_in_process(store).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": USERNAME, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"].as_str().context("login failed")?.to_owned();
    let api = Api {
        client,
        base,
        token,
    };
    let phases = site.phases(&api, args.tickets).await?;
    println!(
        "{} tickets, {clients} clients, {seconds} s per phase\n",
        args.tickets
    );
    let duration = Duration::from_secs(seconds);
    let reference = measure(&api, clients, duration, vec!["/healthz".into()]).await;
    reference.print("GET /healthz (reference)", None);
    for (label, paths) in phases {
        let outcome = measure(&api, clients, duration, paths).await;
        outcome.print(label, Some(&reference));
    }
    if let Some(memory) = Memory::of_self() {
        println!("memory of the process: {memory} (the load included)");
    }
    if database_url.is_none() && !args.keep {
        let _ = std::fs::remove_file(&file);
    }
    Ok(())
}

/// The agent's view of the generated company.
struct Site {
    project_ids: Vec<String>,
}

impl Site {
    /// The company of an earlier run with the same number of tickets, or a new one loaded now.
    async fn open(store: &Store, db: &DatabaseConnection, tickets: usize) -> anyhow::Result<Site> {
        let now = Utc::now();
        let company = store.ensure_company(COMPANY, "读取压测物业", now).await?;
        let admin = Principal::system(&company.id, COMPANY);
        let existing = store
            .projects(
                &admin,
                guanjia_storage::PageRequest {
                    page: 1,
                    per_page: PROJECTS as u64,
                },
            )
            .await?
            .items;
        if !existing.is_empty() {
            let count = ticket::Entity::find()
                .filter(ticket::Column::CompanyId.eq(&company.id))
                .count(db)
                .await?;
            if count != tickets as u64 {
                bail!(
                    "the database holds {count} bench tickets, not {tickets}: use another --database-url or the same --tickets"
                );
            }
            println!("reusing the {count} tickets loaded earlier");
            return Ok(Site {
                project_ids: existing.into_iter().map(|p| p.id).collect(),
            });
        }
        let mut project_ids = Vec::new();
        for p in 0..PROJECTS {
            let project = NewProject {
                code: format!("read-{p}"),
                name: format!("读取压测{p}期"),
                kind: ProjectKind::Residential,
                time_zone: TIME_ZONE.into(),
                address: None,
            };
            project_ids.push(store.create_project(&admin, project, now).await?.id);
        }
        let mut staff_ids = Vec::new();
        for (username, role, projects) in [
            (USERNAME, Role::Agent, &project_ids[..2]),
            ("read-tech", Role::Technician, &project_ids[..]),
        ] {
            let staff = NewStaff {
                username: username.into(),
                password: PASSWORD.into(),
                name: username.into(),
                role,
                project_ids: projects.to_vec(),
                skills: vec![],
                phone: None,
            };
            staff_ids.push(
                store
                    .create_staff(Some(&admin), &company.id, staff, now)
                    .await?
                    .staff
                    .id,
            );
        }
        let policy_id = store
            .sla_policies(&admin)
            .await?
            .into_iter()
            .next()
            .context("the seeded SLA policies")?
            .id;
        let calendar_id = store
            .calendars(&admin)
            .await?
            .into_iter()
            .next()
            .context("the seeded calendars")?
            .id;
        let generator = Generator {
            company_id: company.id.clone(),
            project_ids: project_ids.clone(),
            agent_id: staff_ids[0].clone(),
            technician_id: staff_ids[1].clone(),
            policy_id,
            calendar_id,
            tickets,
            now,
        };
        let started = Instant::now();
        let rows = generator.load(db).await?;
        let loaded = started.elapsed();
        let started = Instant::now();
        let open = store.recompute_clocks(&company.id, now).await?;
        println!(
            "loaded {tickets} tickets ({rows} rows with their timelines and finished clocks) in {:.1} s; clocks and steps of the {open} open ones by recompute in {:.1} s",
            loaded.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        if db.get_database_backend() == DbBackend::Postgres {
            // What autovacuum does on a live system: planner statistics for the new rows.
            db.execute_unprepared("VACUUM ANALYZE").await?;
        } else {
            db.execute_unprepared("ANALYZE").await?;
        }
        Ok(Site { project_ids })
    }

    /// What each phase requests, in turn: paths picked over the whole year and the agent's
    /// projects. Phones and numbers are read from the sample tickets' pages.
    async fn phases(
        &self,
        api: &Api,
        tickets: usize,
    ) -> anyhow::Result<Vec<(&'static str, Vec<String>)>> {
        let open = OPEN[..4]
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let queue = format!("/api/v1/tickets?status={open}&sort=due&per_page=50");
        let queues: Vec<String> = self.project_ids[..2]
            .iter()
            .map(|p| format!("{queue}&project_id={p}"))
            .chain([queue.clone()])
            .collect();
        let numbered: Vec<String> = queues.iter().map(|q| format!("{q}&page={DEEP}")).collect();
        let mut deep = Vec::new();
        for q in &queues {
            deep.push(format!("{q}&after={}", api.cursor_before(q, DEEP).await?));
        }
        let samples: Vec<usize> = (0..SAMPLES)
            .map(|i| (i * tickets / SAMPLES + i) % tickets)
            .filter(|n| n % PROJECTS < 2)
            .collect();
        let mut pages = Vec::new();
        let (mut phones, mut numbers) = (Vec::new(), Vec::new());
        for n in &samples {
            let path = format!("/api/v1/tickets/{}", ticket_id(*n));
            let shown = api.get(&path).await?;
            numbers.push(format!(
                "/api/v1/tickets?q={}",
                shown["number"].as_str().context("a number")?
            ));
            phones.push(format!(
                "/api/v1/tickets?q={}",
                shown["contact"]["phone"].as_str().context("a phone")?
            ));
            pages.push(path);
        }
        let events = pages.iter().map(|p| format!("{p}/events")).collect();
        let now = Utc::now();
        let month = now - chrono::Duration::days(30);
        let figures = [
            format!("&project_id={}", self.project_ids[0]),
            String::new(),
        ]
        .into_iter()
        .map(|p| {
            format!(
                "/api/v1/metrics/service?from={}&to={}{p}",
                month.format("%Y-%m-%dT%H:%M:%SZ"),
                now.format("%Y-%m-%dT%H:%M:%SZ")
            )
        })
        .collect();
        let year = now - chrono::Duration::days(365);
        let yearly = [String::new(), "&by=project&compare=previous".to_owned()]
            .into_iter()
            .map(|extra| {
                format!(
                    "/api/v1/metrics/service?from={}&to={}{extra}",
                    year.format("%Y-%m-%dT%H:%M:%SZ"),
                    now.format("%Y-%m-%dT%H:%M:%SZ")
                )
            })
            .collect();
        let breakdowns = ["project", "channel", "grid"]
            .iter()
            .map(|by| {
                format!(
                    "/api/v1/metrics/service?from={}&to={}&by={by}&compare=previous",
                    month.format("%Y-%m-%dT%H:%M:%SZ"),
                    now.format("%Y-%m-%dT%H:%M:%SZ")
                )
            })
            .collect();
        Ok(vec![
            ("queue by deadline: first page", queues),
            ("queue by deadline: page 40 (or last) by cursor", deep),
            ("queue by deadline: page 40 by number", numbered),
            ("ticket page: GET /tickets/{id}", pages),
            ("ticket timeline: GET /tickets/{id}/events", events),
            ("search by phone (?q=13900001234)", phones),
            ("search by number (?q=GJ-…)", numbers),
            ("service figures, last 30 days", figures),
            (
                "service figures, last 365 days (whole, and by project with the year before)",
                yearly,
            ),
            (
                "service figures by project, channel or grid, with the 30 days before",
                breakdowns,
            ),
        ])
    }
}

/// The `n`th generated ticket's id: shaped like the UUIDs the server makes, and known again
/// on a later run without reading the database.
fn ticket_id(n: usize) -> String {
    format!("00000000-0000-7000-8000-{n:012x}")
}

/// Everything the generated rows refer to.
struct Generator {
    company_id: String,
    project_ids: Vec<String>,
    agent_id: String,
    technician_id: String,
    policy_id: String,
    calendar_id: String,
    tickets: usize,
    now: DateTime<Utc>,
}

/// One generated ticket with its timeline and its finished clocks.
struct Rows {
    ticket: ticket::ActiveModel,
    events: Vec<ticket_event::ActiveModel>,
    clocks: Vec<sla_clock::ActiveModel>,
}

impl Generator {
    /// Inserts every ticket, in big transactions of multi-row INSERTs; returns the rows written.
    async fn load(&self, db: &DatabaseConnection) -> anyhow::Result<usize> {
        let mut written = 0;
        for from in (0..self.tickets).step_by(LOAD_ROWS) {
            let to = (from + LOAD_ROWS).min(self.tickets);
            let txn = db.begin().await?;
            for chunk in (from..to).step_by(INSERT_ROWS) {
                let (mut tickets, mut events, mut clocks) = (Vec::new(), Vec::new(), Vec::new());
                for n in chunk..(chunk + INSERT_ROWS).min(to) {
                    let rows = self.rows(n);
                    tickets.push(rows.ticket);
                    events.extend(rows.events);
                    clocks.extend(rows.clocks);
                }
                written += tickets.len() + events.len() + clocks.len();
                ticket::Entity::insert_many(tickets)
                    .exec_without_returning(&txn)
                    .await?;
                for events in events.chunks(INSERT_ROWS) {
                    ticket_event::Entity::insert_many(events.iter().cloned())
                        .exec_without_returning(&txn)
                        .await?;
                }
                for clocks in clocks.chunks(INSERT_ROWS) {
                    sla_clock::Entity::insert_many(clocks.iter().cloned())
                        .exec_without_returning(&txn)
                        .await?;
                }
            }
            txn.commit().await?;
        }
        Ok(written)
    }

    /// The `n`th ticket: kinds and channels rotate over the projects; ticket `tickets - 1` is
    /// the newest. Those of the last week are open (their clocks come from the recompute), the
    /// others closed (one in 25 cancelled), most answered in time, most rated.
    fn rows(&self, n: usize) -> Rows {
        let (kind, category, urgency, title, description) = MIX[n % MIX.len()];
        let age = (self.tickets - 1 - n) as i64 * SPREAD_SECONDS / self.tickets as i64;
        let reported_at = self.now - chrono::Duration::seconds(age);
        let after = |minutes: i64| reported_at + chrono::Duration::minutes(minutes);
        let status = if age < OPEN_SECONDS {
            OPEN[n % OPEN.len()]
        } else if n.is_multiple_of(25) {
            Status::Cancelled
        } else {
            Status::Closed
        };
        let handled = !matches!(status, Status::New | Status::Cancelled);
        let resolved = matches!(status, Status::Resolved | Status::Closed);
        let closed = status == Status::Closed;
        let rated = closed && !n.is_multiple_of(5);
        let late = n.is_multiple_of(10);
        let id = ticket_id(n);
        let residents = (self.tickets / TICKETS_PER_RESIDENT).max(1);
        let resident = (n * 7919) % residents;
        let ticket = ticket::ActiveModel {
            company_id: Set(self.company_id.clone()),
            id: Set(id.clone()),
            number: Set(ticket_number(
                local_date(TIME_ZONE, reported_at),
                n as i64 + 1,
            )),
            project_id: Set(self.project_ids[n % PROJECTS].clone()),
            contact_name: Set(Some(format!("业主{}", resident % 997))),
            contact_phone: Set(Some(format!("139{resident:08}"))),
            kind: Set(kind.into()),
            category: Set(Some(category.to_owned())),
            urgency: Set(urgency.into()),
            status: Set(status.into()),
            channel: Set(CHANNELS[n % CHANNELS.len()].into()),
            title: Set(title.to_owned()),
            description: Set(format!(
                "{}栋{}单元{}室：{description}",
                resident % 30 + 1,
                resident % 4 + 1,
                resident % 2000 + 101
            )),
            first_contact_owner_id: Set(Some(self.agent_id.clone())),
            assignee_id: Set(matches!(
                status,
                Status::Dispatched | Status::InProgress | Status::Resolved | Status::Closed
            )
            .then(|| self.technician_id.clone())),
            escalation_level: Set(0),
            escalation_risk: Set(false),
            satisfaction: Set(rated.then_some(3 + (n % 3) as i32)),
            reopen_count: Set(i32::from(closed && n % 20 == 1)),
            paused_seconds: Set(0),
            reported_at: Set(reported_at),
            created_at: Set(reported_at),
            updated_at: Set(reported_at),
            first_responded_at: Set(handled.then(|| after(if late { 30 } else { 8 }))),
            resolved_at: Set(resolved.then(|| after(240))),
            first_resolved_at: Set(resolved.then(|| after(240))),
            closed_at: Set(closed.then(|| after(1440))),
            follow_up_attempts: Set(0),
            follow_up_result: Set(closed.then(|| {
                if rated {
                    FollowUpResult::Rated
                } else {
                    FollowUpResult::Reached
                }
                .into()
            })),
            followed_up_at: Set(closed.then(|| after(1440))),
            open_subtasks: Set(0),
            created_by: Set(Some(self.agent_id.clone())),
            ..Default::default()
        };
        let event =
            |k: usize, action: &str, to: Status, at: DateTime<Utc>| ticket_event::ActiveModel {
                company_id: Set(self.company_id.clone()),
                id: Set(format!("00000000-0000-7000-9000-{:012x}", n * 2 + k)),
                ticket_id: Set(id.clone()),
                actor_id: Set(Some(self.agent_id.clone())),
                actor_role: Set(Role::Agent.as_str().to_owned()),
                action: Set(action.to_owned()),
                from_status: Set((k > 0).then(|| Status::New.into())),
                to_status: Set(Some(to.into())),
                visibility: Set(Visibility::Resident.into()),
                details: Set(json!({ "title": title })),
                created_at: Set(at),
            };
        let mut events = vec![event(0, "create", Status::New, reported_at)];
        if status != Status::New {
            events.push(event(1, "update", status, after(10)));
        }
        let clock = |name: ClockName, target: Target, due: i64, finished: i64, met: bool| {
            sla_clock::ActiveModel {
                company_id: Set(self.company_id.clone()),
                ticket_id: Set(id.clone()),
                name: Set(name.as_str().to_owned()),
                policy_id: Set(self.policy_id.clone()),
                calendar_id: Set(self.calendar_id.clone()),
                target: Set(json!(target)),
                started_at: Set(reported_at),
                due_at: Set(after(due)),
                warn_at: Set(Some(after(due * 4 / 5))),
                state: Set(if met {
                    ClockState::Met
                } else {
                    ClockState::Breached
                }
                .as_str()
                .to_owned()),
                finished_at: Set(Some(after(finished))),
            }
        };
        let clocks = if closed {
            vec![
                clock(
                    ClockName::FirstResponse,
                    Target::Minutes(15),
                    15,
                    if late { 30 } else { 8 },
                    !late,
                ),
                clock(
                    ClockName::Resolution,
                    Target::BusinessDays(2),
                    2880,
                    240,
                    true,
                ),
            ]
        } else {
            vec![]
        };
        Rows {
            ticket,
            events,
            clocks,
        }
    }
}

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        ensure!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        Ok(response.json().await?)
    }

    /// The cursor that opens page `page` of `list` (or its last page, if it has fewer), found
    /// by following `next` from the first.
    async fn cursor_before(&self, list: &str, page: usize) -> anyhow::Result<String> {
        let mut cursor: Option<String> = None;
        for _ in 1..page {
            let path = match &cursor {
                Some(c) => format!("{list}&after={c}"),
                None => list.to_owned(),
            };
            match self.get(&path).await?["next"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        cursor.with_context(|| format!("{list} has one page only"))
    }
}

/// Runs `clients` loops for `duration`, each request the next of `paths` in turn; a request
/// counts when it answers 200 with its whole body read.
async fn measure(api: &Api, clients: usize, duration: Duration, paths: Vec<String>) -> Outcome {
    let paths = Arc::new(paths);
    let (http, base, token) = (api.client.clone(), api.base.clone(), api.token.clone());
    phase(clients, duration, move |n| {
        let request = http
            .get(format!("{base}{}", paths[n % paths.len()]))
            .bearer_auth(&token);
        async move {
            match request.send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            }
        }
    })
    .await
}
