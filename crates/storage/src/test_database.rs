//! A fresh PostgreSQL database for each test, on the server `GUANJIA_TEST_POSTGRES_URL` names
//! (a superuser URL such as `postgres://USER@HOST:PORT/postgres`). The PostgreSQL tests are
//! marked `#[ignore = "needs GUANJIA_TEST_POSTGRES_URL"]`, so a plain `cargo test` lists them as
//! ignored; `scripts/test` runs them with `--include-ignored` when it has a server.

use sea_orm::ConnectionTrait;

/// The variable naming the test server.
pub const SERVER_VARIABLE: &str = "GUANJIA_TEST_POSTGRES_URL";

/// Creates an empty database named `{prefix}_{unique id}` and returns its URL. Fails the test
/// when no server is named: a PostgreSQL test asked to run must not pass without running.
pub async fn fresh_postgres_database(prefix: &str) -> String {
    let admin_url = std::env::var(SERVER_VARIABLE).unwrap_or_else(|_| {
        panic!(
            "{SERVER_VARIABLE} is not set: this PostgreSQL test needs a server \
             (scripts/test starts one; plain `cargo test` leaves these tests ignored)"
        )
    });
    let name = format!("{prefix}_{}", crate::new_id().replace('-', ""));
    sea_orm::Database::connect(&admin_url)
        .await
        .expect("connect to the PostgreSQL test server")
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("a server URL ending in a database name");
    format!("{base}/{name}")
}

/// Files every ticket's problem keys again from scratch, as migration m0014 does for tickets
/// stored before them, reading `page` tickets at a time; answers how many tickets were read.
pub async fn refile_problem_keys(store: &crate::Store, page: u64) -> u64 {
    use sea_orm::EntityTrait;
    let txn = store.begin_write().await.expect("a write transaction");
    crate::entity::ticket_problem_key::Entity::delete_many()
        .exec(&txn)
        .await
        .expect("forget the problem keys");
    let read = crate::tickets::refile_in_pages(&txn, page)
        .await
        .expect("file the tickets again");
    txn.commit().await.expect("commit the keys");
    read
}
