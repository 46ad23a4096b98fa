//! `guanjia bench-dispatch`: the time of one automatic dispatch decision (candidates gathered,
//! the pipeline run, the assignment written) among T technicians holding N open jobs, next to a
//! reference measured in the same run on the same database: reading one ticket by id.
//!
//! Jobs are bulk-inserted; technicians share one password hash (hashing 500 would time argon2).
//! By default it runs on a fresh SQLite file in a temporary folder; `--database-url` picks
//! another (empty) database.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use guanjia_domain::place::{ProjectKind, local_date};
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewStaff};
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::{Status, ticket_number};
use guanjia_storage::entity::ticket;
use guanjia_storage::{Principal, Store, hash_password};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, Database, DbBackend, EntityTrait, TransactionTrait,
};

#[derive(clap::Args)]
pub struct BenchDispatchArgs {
    /// Technicians of the project, every one a candidate.
    #[arg(long, default_value_t = 500)]
    technicians: usize,
    /// Open tickets of the project; up to seven jobs per technician are in progress (below the
    /// capacity of eight, so every one stays a candidate), the rest wait or await follow-up.
    #[arg(long, default_value_t = 50_000)]
    tickets: usize,
    /// Decisions timed.
    #[arg(long, default_value_t = 30)]
    samples: usize,
    /// An empty database; default: a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
}

const TIME_ZONE: &str = "Asia/Shanghai";
const INSERT_ROWS: usize = 500;

pub async fn run(args: BenchDispatchArgs) -> anyhow::Result<()> {
    let folder =
        std::env::temp_dir().join(format!("guanjia-bench-dispatch-{}", std::process::id()));
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let store = Store::connect(&url).await.context("connecting")?;
    store.migrate().await?;
    let now = Utc::now();
    let company = store
        .ensure_company("bench-dispatch", "派单压测物业", now)
        .await?;
    let admin = Principal::system(&company.id, "bench-dispatch");
    let project = NewProject {
        code: "bench-dispatch".into(),
        name: "派单压测小区".into(),
        kind: ProjectKind::Residential,
        time_zone: TIME_ZONE.into(),
        address: None,
    };
    let project = store.create_project(&admin, project, now).await?;
    let hash = hash_password("bench-dispatch-password".into()).await?;
    let mut technicians = Vec::with_capacity(args.technicians);
    for n in 0..args.technicians {
        let staff = NewStaff {
            username: format!("tech{n}"),
            password: String::new(),
            name: format!("师傅{n}"),
            role: Role::Technician,
            project_ids: vec![project.id.clone()],
            skills: vec!["repair.water".into(), "repair.electric".into()],
            phone: None,
        };
        technicians.push(
            store
                .insert_staff(None, &company.id, staff, hash.clone(), now)
                .await?
                .staff
                .id,
        );
    }
    // A second connection for the bulk load, which the Store's API does not offer.
    let db = Database::connect(&url).await?;
    let job =
        |n: usize, id: String, assignee: Option<String>, status: Status| ticket::ActiveModel {
            company_id: Set(company.id.clone()),
            id: Set(id),
            number: Set(ticket_number(local_date(TIME_ZONE, now), n as i64 + 1)),
            project_id: Set(project.id.clone()),
            kind: Set(Kind::Repair.into()),
            category: Set(Some("repair.water".into())),
            urgency: Set(Urgency::Normal.into()),
            status: Set(status.into()),
            channel: Set(Channel::Phone.into()),
            title: Set("厨房水管漏水".into()),
            description: Set("厨房水管漏水，请尽快派人维修".into()),
            assignee_id: Set(assignee),
            escalation_level: Set(0),
            escalation_risk: Set(false),
            reopen_count: Set(0),
            paused_seconds: Set(0),
            reported_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
    let loading = Instant::now();
    for from in (0..args.tickets).step_by(INSERT_ROWS) {
        let txn = db.begin().await?;
        let rows = (from..(from + INSERT_ROWS).min(args.tickets)).map(|n| {
            let (lap, who) = (n / technicians.len(), n % technicians.len());
            // Technician k holds k % 8 jobs, so loads differ and least load has a choice.
            if lap < who % 8 {
                job(
                    n,
                    guanjia_storage::new_id(),
                    Some(technicians[who].clone()),
                    Status::InProgress,
                )
            } else {
                job(
                    n,
                    guanjia_storage::new_id(),
                    None,
                    if n % 3 == 0 {
                        Status::Resolved
                    } else {
                        Status::New
                    },
                )
            }
        });
        ticket::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
    }
    let ids: Vec<String> = (0..args.samples)
        .map(|_| guanjia_storage::new_id())
        .collect();
    let waiting = ids
        .iter()
        .enumerate()
        .map(|(n, id)| job(args.tickets + n, id.clone(), None, Status::Accepted));
    ticket::Entity::insert_many(waiting)
        .exec_without_returning(&db)
        .await?;
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    println!(
        "database: {url}\n{} technicians, {} open tickets loaded in {:.1} s",
        args.technicians,
        args.tickets,
        loading.elapsed().as_secs_f64()
    );

    let mut reads = Vec::with_capacity(ids.len());
    let mut decisions = Vec::with_capacity(ids.len());
    for id in &ids {
        let started = Instant::now();
        store.ticket(&admin, id).await?;
        reads.push(started.elapsed());
        let started = Instant::now();
        let done = store.auto_dispatch(&admin, id, Utc::now()).await?;
        decisions.push(started.elapsed());
        anyhow::ensure!(done.assigned, "a decision assigns: {:?}", done.explanation);
    }
    let (read, decision) = (median(&mut reads), median(&mut decisions));
    println!(
        "reference: read one ticket by id     median {:>8.3} ms",
        ms(read)
    );
    println!(
        "auto-dispatch decision (incl. write) median {:>8.3} ms   p95 {:>8.3} ms",
        ms(decision),
        ms(percentile(&mut decisions, 0.95))
    );
    println!(
        "ratio decision / reference: {:.1}",
        decision.as_secs_f64() / read.as_secs_f64().max(1e-9)
    );
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    let at = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples.get(at).copied().unwrap_or_default()
}

fn median(samples: &mut [Duration]) -> Duration {
    percentile(samples, 0.5)
}
