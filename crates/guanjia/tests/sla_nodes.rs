//! Two `guanjia serve` processes on one PostgreSQL database: every due SLA step fires exactly once
//! between them, and a step that fell due while no server ran fires when one starts again.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use guanjia_domain::place::ProjectKind;
use guanjia_domain::role::Role;
use guanjia_domain::setup::{NewProject, NewStaff};
use guanjia_domain::ticket::TicketInput;
use guanjia_storage::entity::{notification, sla_step, ticket, ticket_event};
use guanjia_storage::test_database::fresh_postgres_database;
use guanjia_storage::{Principal, Store, Understanding, staff_principal};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};

/// Enough tickets that each node's first claim (200 steps) leaves work for the other.
const TICKETS: usize = 150;
/// Tickets created while no server runs.
const MISSED: usize = 5;
/// The first-response steps due two hours after an inquiry is reported on the 24×7 calendar;
/// level 3 (four hours after the breach) and the resolution clock's steps are still ahead.
const DUE: [&str; 4] = ["warning:50", "warning:80", "escalation:1", "escalation:2"];
const CLOCK: &str = "first_response";
/// Bounds every wait, so that a broken scheduler fails the test instead of hanging it.
const PATIENCE: StdDuration = StdDuration::from_secs(60);

/// (ticket id, clock, step)
type StepKey = (String, String, String);

/// A running `guanjia serve`; killed when dropped, so a failing test leaves no server behind.
struct Node {
    child: Child,
    base: String,
    /// Its log's warnings and errors, for the failure message.
    troubles: Arc<Mutex<Vec<String>>>,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `guanjia serve` sweeping every second and waits for its `listening on` line.
fn serve(url: &str) -> Node {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guanjia"))
        .arg("serve")
        .env("GUANJIA_DATABASE_URL", url)
        .env("GUANJIA_LISTEN", "127.0.0.1:0")
        .env("GUANJIA_SLA_SWEEP_SECONDS", "1")
        .env("GUANJIA_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start guanjia");
    let mut lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("guanjia exited before listening")
            .expect("read log");
        if let Some(at) = line.find("listening on http://") {
            break line[at + "listening on ".len()..].trim().to_owned();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    let troubles = Arc::new(Mutex::new(Vec::new()));
    let kept = troubles.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.contains(" WARN ") || line.contains(" ERROR ") {
                kept.lock().expect("log lines").push(line);
            }
        }
    });
    Node {
        child,
        base,
        troubles,
    }
}

impl Node {
    /// The warnings and errors it logged so far.
    fn troubles(&self) -> Vec<String> {
        self.troubles.lock().expect("log lines").clone()
    }

    /// How many steps this process fired, from its Prometheus counter.
    async fn fired(&self) -> u64 {
        let text = reqwest::get(format!("{}/metrics", self.base))
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics body");
        text.lines()
            .find_map(|line| line.strip_prefix("guanjia_sla_steps_fired_total "))
            .map_or(0, |value| value.trim().parse().expect("a counter value"))
    }
}

/// Each node's count of fired steps, once they add up to `total` (a node counts a round only
/// after its last step committed, so its counter may trail the database for a moment).
async fn fired_by(nodes: &[Node], total: usize) -> Vec<u64> {
    let started = Instant::now();
    loop {
        let mut counts = Vec::with_capacity(nodes.len());
        for node in nodes {
            counts.push(node.fired().await);
        }
        if counts.iter().sum::<u64>() >= total as u64 || started.elapsed() > PATIENCE {
            return counts;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// The people the steps address, and the agent who takes the calls.
struct Company {
    id: String,
    project_id: String,
    agent: Principal,
    supervisor_id: String,
    manager_id: String,
    admin_id: String,
}

async fn staff(
    store: &Store,
    company_id: &str,
    admin: Option<&Principal>,
    username: &str,
    role: Role,
    project_ids: Vec<String>,
) -> Principal {
    let input = NewStaff {
        username: username.into(),
        password: "nodes-password-1".into(),
        name: username.into(),
        role,
        project_ids,
        skills: vec![],
        phone: None,
    };
    staff_principal(
        store
            .create_staff(admin, company_id, input, Utc::now())
            .await
            .expect(username),
    )
}

/// A company with a project on the 24×7 calendar (so that deadlines are wall-clock arithmetic
/// whatever the time of day), its agent and supervisor, and a company-wide manager.
async fn company(store: &Store) -> Company {
    let company = store
        .ensure_company("nodes", "双节点物业", Utc::now())
        .await
        .expect("company");
    let admin = staff(store, &company.id, None, "admin", Role::Admin, vec![]).await;
    let project = NewProject {
        code: "nodes".into(),
        name: "双节点小区".into(),
        kind: ProjectKind::Residential,
        time_zone: "Asia/Shanghai".into(),
        address: None,
    };
    let project = store
        .create_project(&admin, project, Utc::now())
        .await
        .expect("project");
    let always_open = store
        .calendars(&admin)
        .await
        .expect("calendars")
        .into_iter()
        .find(|c| c.preset.as_deref() == Some("always_open"))
        .expect("the seeded 24×7 calendar");
    store
        .set_project_calendar(&admin, &project.id, Some(always_open.id), Utc::now())
        .await
        .expect("project calendar");
    let agent = staff(
        store,
        &company.id,
        Some(&admin),
        "agent",
        Role::Agent,
        vec![project.id.clone()],
    )
    .await;
    let supervisor = staff(
        store,
        &company.id,
        Some(&admin),
        "supervisor",
        Role::Supervisor,
        vec![project.id.clone()],
    )
    .await;
    let manager = staff(
        store,
        &company.id,
        Some(&admin),
        "manager",
        Role::Manager,
        vec![],
    )
    .await;
    Company {
        id: company.id,
        project_id: project.id,
        agent,
        supervisor_id: supervisor.id,
        manager_id: manager.id,
        admin_id: admin.id,
    }
}

/// Creates `count` inquiries reported two hours ago, as the agent; returns their ids.
async fn late_inquiries(store: &Store, company: &Company, count: usize) -> Vec<String> {
    let now = Utc::now();
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let input = TicketInput {
            project_id: company.project_id.clone(),
            channel: "phone".into(),
            description: format!("物业费发票怎么开？（{i}）"),
            title: Some("物业费发票".into()),
            kind: Some("inquiry".into()),
            category: Some("inquiry.fee".into()),
            urgency: Some("normal".into()),
            reported_at: Some((now - Duration::hours(2)).to_rfc3339()),
            ..TicketInput::default()
        };
        ids.push(
            store
                .open_ticket(&company.agent, input, now, Understanding::AsGiven)
                .await
                .expect("ticket")
                .ticket
                .id,
        );
    }
    ids
}

/// The steps due now, checked to be exactly the four expected of each of `tickets`.
async fn due_steps(
    db: &DatabaseConnection,
    company: &Company,
    tickets: &[String],
) -> HashSet<StepKey> {
    let due: HashSet<StepKey> = sla_step::Entity::find()
        .filter(sla_step::Column::CompanyId.eq(&company.id))
        .filter(sla_step::Column::FireAt.lte(Utc::now()))
        .all(db)
        .await
        .expect("read steps")
        .into_iter()
        .map(|s| (s.ticket_id, s.clock, s.step))
        .collect();
    let expected: HashSet<StepKey> = tickets
        .iter()
        .flat_map(|t| {
            DUE.iter()
                .map(move |step| (t.clone(), CLOCK.to_owned(), (*step).to_owned()))
        })
        .collect();
    assert_eq!(
        due.len(),
        expected.len(),
        "each ticket has exactly {} due steps",
        DUE.len()
    );
    assert_eq!(due, expected);
    due
}

async fn fired_count(db: &DatabaseConnection, company: &Company) -> u64 {
    sla_step::Entity::find()
        .filter(sla_step::Column::CompanyId.eq(&company.id))
        .filter(sla_step::Column::FiredAt.is_not_null())
        .count(db)
        .await
        .expect("count fired steps")
}

/// Waits until `expected` steps have fired, or fails after `PATIENCE`.
async fn wait_until_fired(db: &DatabaseConnection, company: &Company, expected: usize) {
    let started = Instant::now();
    loop {
        let fired = fired_count(db, company).await;
        if fired >= expected as u64 {
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "only {fired} of {expected} steps fired within {PATIENCE:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
}

/// Each due step fired once: its row is fired and unleased, the timeline has one entry for it,
/// and its one audience got one notification; nothing else fired or was told.
async fn assert_fired_exactly_once(
    db: &DatabaseConnection,
    company: &Company,
    due: &HashSet<StepKey>,
) {
    let steps = sla_step::Entity::find()
        .filter(sla_step::Column::CompanyId.eq(&company.id))
        .all(db)
        .await
        .expect("read steps");
    let fired: HashSet<StepKey> = steps
        .iter()
        .filter(|s| s.fired_at.is_some())
        .map(|s| (s.ticket_id.clone(), s.clock.clone(), s.step.clone()))
        .collect();
    assert_eq!(&fired, due, "exactly the due steps fired");
    let leased: Vec<&sla_step::Model> = steps
        .iter()
        .filter(|s| s.lease_owner.is_some() || s.lease_until.is_some())
        .collect();
    assert!(leased.is_empty(), "steps left leased: {leased:?}");

    let events = ticket_event::Entity::find()
        .filter(ticket_event::Column::CompanyId.eq(&company.id))
        .filter(ticket_event::Column::Action.is_in([
            "sla_warning",
            "sla_escalation",
            "escalation_risk",
        ]))
        .all(db)
        .await
        .expect("read timeline");
    let mut per_step: BTreeMap<StepKey, usize> = BTreeMap::new();
    for e in &events {
        let field = |name: &str| e.details[name].as_str().unwrap_or_default().to_owned();
        *per_step
            .entry((e.ticket_id.clone(), field("clock"), field("step")))
            .or_default() += 1;
    }
    let twice: Vec<_> = per_step.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        twice.is_empty(),
        "steps on the timeline more than once: {twice:?}"
    );
    assert_eq!(
        per_step.keys().cloned().collect::<HashSet<_>>(),
        *due,
        "one timeline entry per due step"
    );

    // Warnings go to the agent who took the call, level 1 to the project's supervisor, level 2
    // to the manager (none in the project: the company-wide one).
    let audience = |step: &str| match step {
        "escalation:1" => company.supervisor_id.clone(),
        "escalation:2" => company.manager_id.clone(),
        _ => company.agent.id.clone(),
    };
    let expected: BTreeMap<(String, String, String), usize> = due
        .iter()
        .map(|(t, _, step)| ((audience(step), t.clone(), step.clone()), 1))
        .collect();
    let notices = notification::Entity::find()
        .filter(notification::Column::CompanyId.eq(&company.id))
        .all(db)
        .await
        .expect("read notifications");
    let mut told: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for n in notices {
        let step = n.details["step"].as_str().unwrap_or_default().to_owned();
        *told
            .entry((n.recipient_id, n.ticket_id.unwrap_or_default(), step))
            .or_default() += 1;
    }
    assert_eq!(told, expected, "one notification per step, to its audience");
    let per_recipient = |id: &str| {
        told.iter()
            .filter(|((r, _, _), _)| r == id)
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    let tickets = due.len() / DUE.len();
    assert_eq!(per_recipient(&company.agent.id), 2 * tickets);
    assert_eq!(per_recipient(&company.supervisor_id), tickets);
    assert_eq!(per_recipient(&company.manager_id), tickets);
    assert_eq!(per_recipient(&company.admin_id), 0);

    let levels: Vec<i32> = ticket::Entity::find()
        .filter(ticket::Column::CompanyId.eq(&company.id))
        .all(db)
        .await
        .expect("read tickets")
        .into_iter()
        .map(|t| t.escalation_level)
        .collect();
    assert!(
        levels.iter().all(|&l| l == 2),
        "every ticket climbed to level 2: {levels:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs GUANJIA_TEST_POSTGRES_URL"]
async fn two_server_processes_fire_each_step_exactly_once() {
    let url = fresh_postgres_database("gj_nodes").await;
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let company = company(&store).await;
    let db = sea_orm::Database::connect(&url).await.expect("connect");

    let tickets = late_inquiries(&store, &company, TICKETS).await;
    let mut due = due_steps(&db, &company, &tickets).await;

    // Hold both nodes at their first claim until both stand there, so that they really sweep
    // at the same time: the claim's row locks need a ROW SHARE lock on the table, which an
    // EXCLUSIVE lock holds back (plain reads still pass).
    let gate = db.begin().await.expect("begin");
    gate.execute_unprepared("LOCK TABLE sla_steps IN EXCLUSIVE MODE")
        .await
        .expect("lock sla_steps");
    let nodes = [serve(&url), serve(&url)];
    let started = Instant::now();
    loop {
        let waiting = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
                 WHERE d.datname = current_database() AND l.relation = 'sla_steps'::regclass AND NOT l.granted",
            ))
            .await
            .expect("read pg_locks")
            .and_then(|row| row.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        if waiting == 2 {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "both nodes should reach their first sweep ({waiting} waiting)"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    gate.commit().await.expect("open the gate");
    wait_until_fired(&db, &company, due.len()).await;
    let by_node = fired_by(&nodes, due.len()).await;
    assert_eq!(
        by_node.iter().sum::<u64>(),
        due.len() as u64,
        "fired per node: {by_node:?}; their warnings: {:?}",
        nodes.iter().map(Node::troubles).collect::<Vec<_>>()
    );
    assert!(
        by_node.iter().all(|&n| n > 0),
        "both nodes took part: {by_node:?}"
    );
    drop(nodes);
    assert_fired_exactly_once(&db, &company, &due).await;

    // Steps that fall due while no server runs fire as soon as one starts.
    let missed = late_inquiries(&store, &company, MISSED).await;
    let missed_due = due_steps(&db, &company, &missed).await;
    due.extend(missed_due);
    let node = [serve(&url)];
    wait_until_fired(&db, &company, due.len()).await;
    assert_eq!(
        fired_by(&node, MISSED * DUE.len()).await,
        [(MISSED * DUE.len()) as u64],
        "the restarted node fired only the missed steps; its warnings: {:?}",
        node[0].troubles()
    );
    drop(node);
    assert_fired_exactly_once(&db, &company, &due).await;
}
