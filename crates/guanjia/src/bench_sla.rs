//! `guanjia bench-sla`: what the SLA engine costs at scale, each figure next to a reference
//! measured in the same run on the same database:
//!
//! - (a) recomputing the deadlines of N open tickets (what a policy or calendar change does),
//!   against reading the same rows in the same batches;
//! - (b) the scheduler among M open tickets: a sweep with nothing due and the cost of each step
//!   fired, against a database round trip (`ping`), and from them the cost per minute.
//!
//! Tickets are bulk-inserted (creating them one by one through the API would take hours);
//! their clocks and steps are made by the real recompute. By default it runs on a fresh SQLite
//! file in a temporary folder; `--database-url` picks another (empty) database.

use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Utc};
use guanjia_domain::place::{ProjectKind, local_date};
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewStaff};
use guanjia_domain::sla::{Criteria, Target, default_policies};
use guanjia_domain::taxonomy::{Channel, Kind, Urgency};
use guanjia_domain::ticket::{Status, ticket_number};
use guanjia_storage::entity::{sla_clock, sla_step, ticket};
use guanjia_storage::{Principal, Store};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

#[derive(clap::Args)]
pub struct BenchSlaArgs {
    /// Open tickets whose deadlines are recomputed, for (a).
    #[arg(long, default_value_t = 100_000)]
    tickets: usize,
    /// Open tickets the sweep runs among, for (b); at least --tickets.
    #[arg(long, default_value_t = 1_000_000)]
    sweep_tickets: usize,
    /// Steps made due to measure what firing one costs.
    #[arg(long, default_value_t = 1_000)]
    fire: usize,
    /// Idle sweeps (and pings) timed.
    #[arg(long, default_value_t = 60)]
    sweeps: usize,
    /// Steps due per open ticket and day, for the cost per minute.
    #[arg(long, default_value_t = 5.0)]
    steps_per_ticket_day: f64,
    /// An empty database; default: a new SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
}

/// The scheduler's claim size (`guanjia_web::scheduler`), so sweeps here are the same queries.
const SWEEP_BATCH: u64 = 200;
/// The recompute's batch size, so the reference read fetches rows the same way.
const READ_BATCH: u64 = 500;
/// Rows per INSERT: with every column bound, still under SQLite's (32,766) and PostgreSQL's (65,535)
/// parameter limits.
const INSERT_ROWS: usize = 500;
/// Rows per transaction while loading.
const LOAD_ROWS: usize = 10_000;
/// How far back tickets were reported.
const SPREAD_SECONDS: i64 = 3 * 24 * 3600;
/// The scheduler's default interval.
const SWEEPS_PER_MINUTE: f64 = 12.0;
const TIME_ZONE: &str = "Asia/Shanghai";
/// The standard policy's new targets in the policy change (the seeded ones: 15 minutes, 2 days).
const CHANGED_RESPONSE_MINUTES: u32 = 20;
const CHANGED_RESOLUTION_DAYS: u32 = 3;

/// A property desk's usual mix: kind, category, urgency, title, description.
pub(crate) const MIX: [(Kind, &str, Urgency, &str, &str); 10] = [
    (
        Kind::Repair,
        "repair.water",
        Urgency::Normal,
        "厨房水管漏水",
        "3栋2单元1502室厨房水管漏水，请尽快派人维修",
    ),
    (
        Kind::Repair,
        "repair.electric",
        Urgency::Normal,
        "楼道灯不亮",
        "5栋1单元12楼楼道灯不亮，晚上回家看不见",
    ),
    (
        Kind::Repair,
        "repair.elevator",
        Urgency::Urgent,
        "电梯异响",
        "2栋1号电梯运行时有异响，请尽快检查",
    ),
    (
        Kind::Repair,
        "repair.water",
        Urgency::Emergency,
        "水管爆裂",
        "地下车库B区水管爆裂，水流很大",
    ),
    (
        Kind::Repair,
        "repair.door_access",
        Urgency::Normal,
        "单元门禁失灵",
        "7栋单元门禁刷卡没反应",
    ),
    (
        Kind::Complaint,
        "complaint.noise",
        Urgency::Normal,
        "夜间装修噪音",
        "楼上晚上十点后还在装修，噪音很大",
    ),
    (
        Kind::Complaint,
        "complaint.parking",
        Urgency::Normal,
        "车位被占",
        "我的固定车位被别人的车占了",
    ),
    (
        Kind::Inquiry,
        "inquiry.fee",
        Urgency::Normal,
        "物业费缴纳",
        "物业费可以在哪里缴纳？能开发票吗？",
    ),
    (
        Kind::Inquiry,
        "inquiry.delivery",
        Urgency::Normal,
        "快递代收",
        "快递放在哪里领取？",
    ),
    (
        Kind::Service,
        "service.access_card",
        Urgency::Normal,
        "办理门禁卡",
        "想给家里老人再办一张门禁卡",
    ),
];

/// Open statuses, new ones twice as common as the others.
const STATUSES: [Status; 6] = [
    Status::New,
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

pub async fn run(args: BenchSlaArgs) -> anyhow::Result<()> {
    ensure!(
        args.tickets > 0 && args.sweep_tickets >= args.tickets,
        "--sweep-tickets must be at least --tickets (> 0)"
    );
    ensure!(
        args.fire > 0 && args.sweeps > 0,
        "--fire and --sweeps must be positive"
    );
    let folder = std::env::temp_dir().join(format!("guanjia-bench-sla-{}", std::process::id()));
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", folder.display()));
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    // The bulk load goes around the Store, which offers no way to write tickets in bulk.
    let mut options = sea_orm::ConnectOptions::new(url.as_str());
    options.sqlx_logging(false);
    let db = sea_orm::Database::connect(options)
        .await
        .context("connecting for the bulk load")?;
    ensure!(
        ticket::Entity::find().count(&db).await? == 0,
        "bench-sla needs an empty database"
    );
    let site = Site::create(&store).await?;
    println!("database: {url}");
    let bench = Bench { store, db, site };
    bench.recompute(args.tickets).await?;
    bench.sweep(&args).await?;
    drop(bench);
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    Ok(())
}

struct Bench {
    store: Store,
    db: DatabaseConnection,
    site: Site,
}

impl Bench {
    /// (a) Loads `tickets` open tickets and recomputes their deadlines: the first time creates
    /// every clock and step, the second finds nothing to change, the third follows a policy
    /// change.
    async fn recompute(&self, tickets: usize) -> anyhow::Result<()> {
        let (store, db, company_id) = (&self.store, &self.db, &self.site.company_id);
        let now = Utc::now();
        let loaded = load_tickets(db, &self.site, 0, tickets, now).await?;
        println!(
            "loaded {tickets} open tickets in {:.1} s",
            loaded.as_secs_f64()
        );
        settle(db).await?;
        let started = Instant::now();
        let read = read_open(db, company_id).await?;
        let read_time = started.elapsed();
        ensure!(read == tickets, "read {read} of {tickets} tickets");
        let started = Instant::now();
        let visited = store.recompute_clocks(company_id, now).await?;
        let first_time = started.elapsed();
        ensure!(
            visited == tickets as u64,
            "recomputed {visited} of {tickets} tickets"
        );
        let (clocks, steps) = (
            sla_clock::Entity::find().count(db).await?,
            sla_step::Entity::find().count(db).await?,
        );
        settle(db).await?;
        let started = Instant::now();
        store.recompute_clocks(company_id, now).await?;
        let again_time = started.elapsed();
        let started = Instant::now();
        self.change_standard_policy(now).await?;
        let change_time = started.elapsed();

        let rate = |d: Duration| tickets as f64 / d.as_secs_f64();
        println!(
            "\n(a) recompute the deadlines of {tickets} open tickets (batches of {READ_BATCH})"
        );
        println!(
            "  {:<42} {:>8.2} s {:>9.0} tickets/s",
            "reference: read the same rows",
            read_time.as_secs_f64(),
            rate(read_time)
        );
        let rows = [
            ("recompute (creates clocks and steps)", first_time),
            ("recompute again (nothing to change)", again_time),
            ("policy change (its clocks and steps move)", change_time),
        ];
        for (label, time) in rows {
            println!(
                "  {label:<42} {:>8.2} s {:>9.0} tickets/s   ratio {:.4} of the read rate ({:.0}× its time)",
                time.as_secs_f64(),
                rate(time),
                read_time.as_secs_f64() / time.as_secs_f64(),
                time.as_secs_f64() / read_time.as_secs_f64()
            );
        }
        println!(
            "  created {clocks} clocks and {steps} steps ({:.1} steps per ticket)",
            steps as f64 / tickets as f64
        );
        println!(
            "  policy change: the standard policy answers in {CHANGED_RESPONSE_MINUTES} minutes instead of 15 and resolves in {CHANGED_RESOLUTION_DAYS} business days instead of 2"
        );
        Ok(())
    }

    /// What an admin's edit costs: the standard (catch-all) policy gets new targets, and every
    /// open ticket's clocks follow at once.
    async fn change_standard_policy(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let admin = Principal::system(&self.site.company_id, "bench-sla");
        let always_open = self
            .store
            .calendars(&admin)
            .await?
            .into_iter()
            .find(|c| c.preset.as_deref() == Some("always_open"))
            .context("the seeded 24×7 calendar")?;
        let mut spec = default_policies(&always_open.id)
            .into_iter()
            .find(|p| p.criteria == Criteria::default() && p.calendar_id.is_none())
            .context("the standard policy among the defaults")?;
        let stored = self
            .store
            .sla_policies(&admin)
            .await?
            .into_iter()
            .find(|p| p.name == spec.name)
            .context("the standard policy")?;
        spec.targets.first_response = Some(Target::Minutes(CHANGED_RESPONSE_MINUTES));
        spec.targets.resolution = Some(Target::BusinessDays(CHANGED_RESOLUTION_DAYS));
        self.store
            .update_sla_policy(&admin, &stored.id, spec, now)
            .await?;
        Ok(())
    }

    /// (b) Brings the open tickets up to `--sweep-tickets`, then times idle sweeps, pings, and
    /// sweeps that fire `--fire` steps.
    async fn sweep(&self, args: &BenchSlaArgs) -> anyhow::Result<()> {
        let (store, db) = (&self.store, &self.db);
        let now = Utc::now();
        if args.sweep_tickets > args.tickets {
            let more = args.sweep_tickets - args.tickets;
            let loaded = load_tickets(db, &self.site, args.tickets, more, now).await?;
            settle(db).await?;
            let started = Instant::now();
            store.recompute_clocks(&self.site.company_id, now).await?;
            let made = started.elapsed();
            println!(
                "\nloaded {more} more open tickets in {:.1} s; their clocks and steps by recompute in {:.1} s",
                loaded.as_secs_f64(),
                made.as_secs_f64()
            );
        }
        // Steady state: what fell due before now has fired on earlier sweeps.
        let marked = sla_step::Entity::update_many()
            .col_expr(sla_step::Column::FiredAt, Expr::value(now))
            .col_expr(
                sla_step::Column::FireAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(sla_step::Column::FireAt.lte(now))
            .exec(db)
            .await?
            .rows_affected;
        settle(db).await?;
        let steps = sla_step::Entity::find().count(db).await?;
        let pending = sla_step::Entity::find()
            .filter(sla_step::Column::FireAt.is_not_null())
            .count(db)
            .await?;
        let next_day = sla_step::Entity::find()
            .filter(sla_step::Column::FireAt.lte(now + chrono::Duration::days(1)))
            .count(db)
            .await?;

        // Taken in turns, so that the reference meets the same caches and background work.
        let (mut pings, mut idle) = (
            Vec::with_capacity(args.sweeps),
            Vec::with_capacity(args.sweeps),
        );
        for _ in 0..args.sweeps {
            let started = Instant::now();
            ensure!(store.ping().await, "the database does not answer");
            pings.push(started.elapsed());
            let started = Instant::now();
            let fired = store.sweep_sla("bench-sla", now, SWEEP_BATCH).await?;
            idle.push(started.elapsed());
            if fired != 0 {
                bail!("an idle sweep fired {fired} steps");
            }
        }
        // Sweeping at the moment the next `--fire` steps are due fires exactly those (and any
        // tied with the last), in rounds as the scheduler does them.
        let last = sla_step::Entity::find()
            .filter(sla_step::Column::FireAt.is_not_null())
            .order_by_asc(sla_step::Column::FireAt)
            .offset(args.fire as u64 - 1)
            .one(db)
            .await?
            .and_then(|s| s.fire_at)
            .with_context(|| format!("fewer than {} pending steps", args.fire))?;
        let started = Instant::now();
        let mut fired = 0;
        loop {
            let round = store.sweep_sla("bench-sla", last, SWEEP_BATCH).await?;
            fired += round;
            if (round as u64) < SWEEP_BATCH {
                break;
            }
        }
        let firing = started.elapsed();
        ensure!(
            fired >= args.fire,
            "fired {fired} of {} due steps",
            args.fire
        );

        let ping = Stats::of(&mut pings);
        let idle = Stats::of(&mut idle);
        let in_pings = |seconds: f64| seconds / ping.mean.as_secs_f64();
        let per_step = firing.as_secs_f64() / fired as f64;
        println!(
            "\n(b) sweep among {} open tickets: {steps} steps, {marked} marked fired as due before now, {pending} pending",
            args.sweep_tickets
        );
        println!(
            "  {:<36} {:>5} × mean {:>8.3} ms  p95 {:>8.3} ms",
            "reference: ping",
            args.sweeps,
            ping.mean_ms(),
            ping.p95_ms()
        );
        println!(
            "  {:<36} {:>5} × mean {:>8.3} ms  p95 {:>8.3} ms   ratio {:.1} pings",
            "sweep, nothing due",
            args.sweeps,
            idle.mean_ms(),
            idle.p95_ms(),
            in_pings(idle.mean.as_secs_f64())
        );
        println!(
            "  {:<36} {fired} steps in {:.2} s: {:.3} ms per step   ratio {:.1} pings",
            "sweep, firing due steps",
            firing.as_secs_f64(),
            per_step * 1000.0,
            in_pings(per_step)
        );
        let due_per_minute = args.sweep_tickets as f64 * args.steps_per_ticket_day / (24.0 * 60.0);
        let idle_cost = SWEEPS_PER_MINUTE * idle.mean.as_secs_f64();
        let cost = idle_cost + due_per_minute * per_step;
        println!(
            "  cost per minute at a 5 s sweep interval, assuming {due_per_minute:.0} steps due per minute ({} tickets × {} steps / 24 h; this data set has {:.0} per minute over the next 24 h):",
            args.sweep_tickets,
            args.steps_per_ticket_day,
            next_day as f64 / (24.0 * 60.0)
        );
        println!(
            "    {SWEEPS_PER_MINUTE} × {:.3} ms + {due_per_minute:.0} × {:.3} ms = {cost:.2} s of work per minute ({:.1}% of the minute), {:.0} pings",
            idle.mean_ms(),
            per_step * 1000.0,
            cost / 60.0 * 100.0,
            in_pings(cost)
        );
        println!(
            "    of which idle sweeps {idle_cost:.4} s ({:.0} pings)",
            in_pings(idle_cost)
        );
        Ok(())
    }
}

/// Mean and 95th percentile of a series of timings.
struct Stats {
    mean: Duration,
    p95: Duration,
}

impl Stats {
    fn of(samples: &mut [Duration]) -> Stats {
        samples.sort();
        let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
        let index = ((samples.len() as f64 * 0.95).ceil() as usize).saturating_sub(1);
        Stats {
            mean,
            p95: samples[index],
        }
    }

    fn mean_ms(&self) -> f64 {
        self.mean.as_secs_f64() * 1000.0
    }

    fn p95_ms(&self) -> f64 {
        self.p95.as_secs_f64() * 1000.0
    }
}

/// The company, project and staff the tickets belong to, made through the Store so that the
/// seeded calendars and policies exist. The project keeps the default (working-hours, holidays)
/// calendar: the costlier arithmetic.
struct Site {
    company_id: String,
    project_id: String,
    agent_id: String,
    technician_id: String,
}

impl Site {
    async fn create(store: &Store) -> anyhow::Result<Site> {
        let now = Utc::now();
        let company = store
            .ensure_company("bench-sla", "时限压测物业", now)
            .await?;
        let admin = Principal::system(&company.id, "bench-sla");
        let project = NewProject {
            code: "bench-sla".into(),
            name: "时限压测小区".into(),
            kind: ProjectKind::Residential,
            time_zone: TIME_ZONE.into(),
            address: None,
        };
        let project = store.create_project(&admin, project, now).await?;
        let mut ids = Vec::new();
        // The audiences of warnings and of each rung of the default ladder.
        for (username, role) in [
            ("sla-agent", Role::Agent),
            ("sla-tech", Role::Technician),
            ("sla-supervisor", Role::Supervisor),
            ("sla-manager", Role::Manager),
        ] {
            let project_ids = if role == Role::Manager {
                vec![]
            } else {
                vec![project.id.clone()]
            };
            let staff = NewStaff {
                username: username.into(),
                password: "bench-sla-password".into(),
                name: username.into(),
                role,
                project_ids,
                skills: vec![],
                phone: None,
            };
            ids.push(
                store
                    .create_staff(Some(&admin), &company.id, staff, now)
                    .await?
                    .staff
                    .id,
            );
        }
        Ok(Site {
            company_id: company.id,
            project_id: project.id,
            agent_id: ids.remove(0),
            technician_id: ids.remove(0),
        })
    }

    /// The `n`th ticket: kinds, statuses and channels rotate; reporting times spread evenly over
    /// the last three days (7919 is prime to the spread, so every second is hit once).
    fn ticket(&self, n: usize, now: DateTime<Utc>) -> ticket::ActiveModel {
        let (kind, category, urgency, title, description) = MIX[n % MIX.len()];
        let status = STATUSES[(n / MIX.len()) % STATUSES.len()];
        let reported_at = now - chrono::Duration::seconds((n as i64 * 7919 + 13) % SPREAD_SECONDS);
        let after = |minutes: i64| (reported_at + chrono::Duration::minutes(minutes)).min(now);
        let handled = status != Status::New;
        let on_site = matches!(
            status,
            Status::Dispatched | Status::InProgress | Status::Resolved
        );
        let first_responded_at = handled.then(|| after(10));
        let arrived_at = (kind == Kind::Repair
            && matches!(status, Status::InProgress | Status::Resolved))
        .then(|| after(90));
        let resolved_at = (status == Status::Resolved).then(|| after(240));
        let updated_at = resolved_at
            .or(arrived_at)
            .or(first_responded_at)
            .unwrap_or(reported_at);
        // Left out: what a phone call from an unregistered caller has none of (room, household,
        // resident, team, links to other tickets, pauses, rating), so NULL or the column default.
        ticket::ActiveModel {
            company_id: Set(self.company_id.clone()),
            id: Set(guanjia_storage::new_id()),
            number: Set(ticket_number(
                local_date(TIME_ZONE, reported_at),
                n as i64 + 1,
            )),
            project_id: Set(self.project_id.clone()),
            contact_name: Set(Some(format!("业主{}", n % 997))),
            contact_phone: Set(Some(format!("138{:08}", n % 100_000_000))),
            kind: Set(kind.into()),
            category: Set(Some(category.to_owned())),
            urgency: Set(urgency.into()),
            status: Set(status.into()),
            channel: Set(CHANNELS[n % CHANNELS.len()].into()),
            title: Set(title.to_owned()),
            description: Set(description.to_owned()),
            first_contact_owner_id: Set(Some(self.agent_id.clone())),
            assignee_id: Set(on_site.then(|| self.technician_id.clone())),
            escalation_level: Set(0),
            escalation_risk: Set(false),
            reopen_count: Set(0),
            paused_seconds: Set(0),
            reported_at: Set(reported_at),
            created_at: Set(reported_at),
            updated_at: Set(updated_at),
            first_responded_at: Set(first_responded_at),
            arrived_at: Set(arrived_at),
            resolved_at: Set(resolved_at),
            created_by: Set(Some(self.agent_id.clone())),
            ..Default::default()
        }
    }
}

/// On PostgreSQL, what autovacuum does on a live system: current planner statistics, and no dead
/// index entries left by mass updates. Measuring right after a bulk change would measure their
/// absence rather than the engine: a first idle sweep of seconds after the mass update, and
/// sequential scans planned for the clock and step tables the first recompute just filled.
async fn settle(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    Ok(())
}

/// Inserts tickets `first..first + count`; returns how long it took.
async fn load_tickets(
    db: &DatabaseConnection,
    site: &Site,
    first: usize,
    count: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let end = first + count;
    for from in (first..end).step_by(LOAD_ROWS) {
        let txn = db.begin().await?;
        for chunk in (from..(from + LOAD_ROWS).min(end)).step_by(INSERT_ROWS) {
            let rows = (chunk..(chunk + INSERT_ROWS).min(end)).map(|n| site.ticket(n, now));
            ticket::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    Ok(started.elapsed())
}

/// Reads every open ticket of the company as the recompute does: in id order, batch by batch.
async fn read_open(db: &DatabaseConnection, company_id: &str) -> anyhow::Result<usize> {
    let open: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| !s.is_final())
        .map(|s| s.as_str())
        .collect();
    let mut after = String::new();
    let mut read = 0;
    loop {
        let batch = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company_id))
            .filter(ticket::Column::Status.is_in(open.clone()))
            .filter(ticket::Column::Id.gt(after.clone()))
            .order_by_asc(ticket::Column::Id)
            .limit(READ_BATCH)
            .all(db)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(read);
        };
        after = last.id.clone();
        read += batch.len();
    }
}
