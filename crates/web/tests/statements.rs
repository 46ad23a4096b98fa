//! How many SQL statements opening a ticket runs, counted from the statements the database
//! driver logs. Every statement is a round trip to the database's worker thread and, on
//! SQLite, a share of the one writer: the count is a budget that creation's speed depends on.
//!
//! SQLite only: its driver logs each statement it runs; the PostgreSQL connections are opened
//! with statement logging off (it would cost every query in production), and they run the same
//! code path, the day's number taken in a statement of its own rather than in the transaction.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Db, Server};
use reqwest::StatusCode;
use serde_json::json;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The most statements one creation through `POST /api/v1/tickets` may run once the company's
/// caches are warm: reading the caller (session, staff, projects), the versions of the
/// company's cached settings, the category, project and resident, the duplicate candidates, and
/// writing the number, row, problem keys, timeline entry, clocks and steps, the queue's
/// deadline and the call it may belong to. Measured at 20 when the budget was set.
const BUDGET: usize = 20;

/// Counts the statements the SQL driver reports, on every thread.
struct Statements(AtomicUsize);

static STATEMENTS: Statements = Statements(AtomicUsize::new(0));

impl Subscriber for &'static Statements {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "sqlx::query"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn opening_a_ticket_runs_a_bounded_number_of_statements() {
    tracing::subscriber::set_global_default(&STATEMENTS).expect("the only subscriber");
    let server = Server::start(Db::Sqlite).await;
    let site = server.site("count").await;
    let create = |description: &str| {
        json!({
            "project_id": site.project_id, "channel": "phone", "category": "repair.water",
            "description": description, "resident_id": site.residents[0].0,
        })
    };
    // The first creation fills the company's caches (vocabulary, SLA settings, subscriptions).
    let body = create("3栋2单元1502卫生间天花板漏水");
    server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    let before = STATEMENTS.0.load(Ordering::SeqCst);
    let body = create("5栋1单元803厨房下水道堵了");
    let ticket = server
        .ok(&site.agent, "/api/v1/tickets", body, StatusCode::CREATED)
        .await;
    let ran = STATEMENTS.0.load(Ordering::SeqCst) - before;
    println!("one creation ran {ran} statements (budget {BUDGET})");
    assert_eq!(ticket["status"], "new");
    assert!(
        ran > 5,
        "the driver's statement log was not counted ({ran})"
    );
    assert!(
        ran <= BUDGET,
        "one creation ran {ran} statements, over {BUDGET}"
    );
}
