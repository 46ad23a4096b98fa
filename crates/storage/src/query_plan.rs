//! For tests: how SQLite would run a statement (`EXPLAIN QUERY PLAN`), one line per step, on a
//! new migrated database. SQLite plans without statistics until `ANALYZE`, by the indexes' shapes
//! alone, as a database that has grown from empty does; a test asks that a hot statement finds
//! its rows by the index meant for it, not by walking a table that grows.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::db::Store;

/// The plan of `statement` (built for SQLite), as `EXPLAIN QUERY PLAN` words each step.
pub(crate) async fn sqlite_plan(statement: Statement) -> Vec<String> {
    let folder = std::env::temp_dir().join(format!("guanjia-plan-{}", crate::new_id()));
    let store = Store::connect(&format!("sqlite://{}/plan.db", folder.display()))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let explain = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        format!("EXPLAIN QUERY PLAN {}", statement.sql),
        statement.values.map(|v| v.0).unwrap_or_default(),
    );
    let steps = store
        .db
        .query_all_raw(explain)
        .await
        .expect("explain")
        .iter()
        .map(|row| row.try_get::<String>("", "detail").expect("detail"))
        .collect();
    let _ = std::fs::remove_dir_all(folder);
    steps
}
