//! Connecting to SQLite or PostgreSQL, and write transactions that behave the same on both.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use guanjia_domain::ticket::LoopRules;

use crate::migration::Migrator;
use crate::sla::{ContextCache, move_first_response_default, seed_sla};
use crate::versioned::VersionedCache;

/// How long a SQLite writer waits for another before giving up. Writes are short, so this only
/// matters under extreme load; it is what keeps "database is locked" from reaching users.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Where uploaded files go unless configured: beside the default SQLite database.
pub const DEFAULT_FILES_DIR: &str = "data/files";

/// The database behind Guanjia, whichever it is.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// Each company's SLA configuration, reloaded when its version moves.
    pub(crate) sla_cache: ContextCache,
    /// Each company's compiled vocabulary for message understanding, reloaded when it changes.
    pub(crate) analyzers: VersionedCache<guanjia_intake::Analyzer>,
    /// The closed loop's thresholds, from configuration.
    pub(crate) loop_rules: LoopRules,
    /// Where uploaded files (photos) are kept.
    pub(crate) files_dir: std::path::PathBuf,
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing, with its folder) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let db = if let Some(path) = url.strip_prefix("sqlite://") {
            connect_sqlite(path).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut options = ConnectOptions::new(url);
            options
                .max_connections(32)
                .min_connections(1)
                .sqlx_logging(false);
            Database::connect(options).await?
        } else {
            return Err(DbErr::Custom(format!(
                "unsupported database URL {url:?}: use sqlite://PATH or postgres://…"
            )));
        };
        Ok(Self {
            db,
            sla_cache: ContextCache::default(),
            analyzers: VersionedCache::default(),
            loop_rules: LoopRules::default(),
            files_dir: DEFAULT_FILES_DIR.into(),
        })
    }

    /// The store with the closed loop's thresholds from configuration.
    pub fn with_loop_rules(mut self, rules: LoopRules) -> Self {
        self.loop_rules = rules;
        self
    }

    /// The store keeping uploaded files under `dir`.
    pub fn with_files_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.files_dir = dir.into();
        self
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> crate::Result<()> {
        Migrator::up(&self.db, None).await?;
        // Companies made before the SLA engine get its calendars and default policies once.
        for company in self.companies().await? {
            let txn = self.begin_write().await?;
            let now = chrono::Utc::now();
            seed_sla(&txn, &company.id, now).await?;
            let moved = move_first_response_default(&txn, &company.id, now).await?;
            txn.commit().await?;
            if moved {
                self.recompute_clocks(&company.id, now).await?;
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Refreshes the query planner's statistics after a bulk load. Without it PostgreSQL plans
    /// with the empty tables' statistics until autovacuum comes round (lists took seconds for a
    /// minute after the demo loaded); SQLite has none until asked.
    pub async fn analyze(&self) -> crate::Result<()> {
        self.db.execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that two writers queue on the busy timeout instead of one failing
    /// with "database is locked" when it upgrades from reading to writing.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        self.db
            .begin_with_options(TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            })
            .await
    }
}

async fn connect_sqlite(path: &str) -> Result<DatabaseConnection, DbErr> {
    if path != ":memory:"
        && let Some(folder) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", folder.display())))?;
    }
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged write survives a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .min_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| DbErr::Custom(format!("cannot open SQLite database {path}: {e}")))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}
