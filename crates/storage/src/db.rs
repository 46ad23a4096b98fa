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
use tokio::sync::{mpsc, oneshot};

use guanjia_domain::ticket::LoopRules;

use crate::migration::Migrator;
use crate::sla::{ContextCache, move_first_response_default, seed_sla};
use crate::versioned::VersionedCache;
use crate::webhooks::SubscriptionCache;

/// How long a SQLite connection waits on a lock held by another process (a backup, a second
/// server started by mistake). Within one process writers queue for the one writer connection
/// instead, so this is not reached in normal operation.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a write waits its turn for the writer connection before it fails (503): far beyond
/// any queue of short transactions, so only a stuck writer reaches it.
const WRITE_QUEUE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most writes committed together: enough to share one fsync among every client of a
/// storm, few enough that the first of them is not kept long.
const MAX_BATCH: usize = 64;

/// Writes waiting for the SQLite writer's next batch, beyond which callers wait to queue.
const BATCH_QUEUE: usize = 1024;

/// Writes run in a transaction they are given (a savepoint of their batch's).
pub(crate) type Write<'t, T> = BoxFuture<'t, crate::Result<T>>;

type BoxFuture<'t, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 't>>;

/// Tells a queued write how its batch ended: committed, or the error that undid it.
type Answer = Box<dyn FnOnce(Result<(), String>) + Send>;

/// A write queued for the SQLite writer: run in a savepoint, it says whether it succeeded and
/// how to answer its caller once the batch has ended.
type Queued =
    Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, (bool, Answer)> + Send>;

/// Read-only SQLite connections: readers never wait for the writer in WAL mode, and two cores
/// keep four busy.
const SQLITE_READERS: u32 = 4;

/// Where uploaded files go unless configured: beside the default SQLite database.
pub const DEFAULT_FILES_DIR: &str = "data/files";

/// The database behind Guanjia, whichever it is.
#[derive(Clone, Debug)]
pub struct Store {
    /// Where reads go. On SQLite a pool of read-only connections: a write through it fails
    /// loudly instead of competing for the write lock.
    pub(crate) db: DatabaseConnection,
    /// Where every write transaction goes ([`Store::begin_write`]). On SQLite one connection, so
    /// writers queue in order for it in this process (the pool's fair queue) instead of sleeping
    /// in SQLite's busy handler, and a transaction never waits for a connection that a queued
    /// writer holds: reads inside it go to `db`. On PostgreSQL the same pool as `db` (row locks
    /// order writers there).
    pub(crate) writer: DatabaseConnection,
    /// On SQLite, the queue of the task that commits writes in batches (group commit).
    batches: Option<mpsc::Sender<Queued>>,
    /// Each company's SLA configuration, reloaded when its version moves.
    pub(crate) sla_cache: ContextCache,
    /// Each company's compiled vocabulary for message understanding, reloaded when it changes.
    pub(crate) analyzers: VersionedCache<guanjia_intake::Analyzer>,
    /// Each company's active webhook subscriptions, reloaded when they change.
    pub(crate) webhooks: SubscriptionCache,
    /// Each company's published knowledge-base articles indexed for search, rebuilt when they
    /// change.
    pub(crate) kb_shelves: VersionedCache<crate::kb::Shelf>,
    /// The closed loop's thresholds, from configuration.
    pub(crate) loop_rules: LoopRules,
    /// Where uploaded files (photos) are kept.
    pub(crate) files_dir: std::path::PathBuf,
    /// What notifications can be delivered on, from configuration.
    pub(crate) delivery: std::sync::Arc<crate::delivery::DeliverySetup>,
    /// The key secrets are stored under (WeChat accounts' credentials); none: they cannot be.
    pub(crate) secrets: Option<std::sync::Arc<crate::secrets::SecretKey>>,
}

/// Prepared statements each PostgreSQL connection keeps (sqlx's default is 100).
const STATEMENT_CACHE: usize = 24;

impl Store {
    /// Connects to `sqlite://PATH` (created if missing, with its folder) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let (db, writer) = if let Some(path) = url.strip_prefix("sqlite://") {
            connect_sqlite(path).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut options = ConnectOptions::new(url);
            options
                .max_connections(32)
                .min_connections(1)
                .sqlx_logging(false)
                // A prepared statement's generic plan, made while a fresh database's tables were
                // nearly empty and not yet analysed, is kept until the next ANALYZE: its
                // sequential scans cost 300 ms a creation at a thousand tickets for the first
                // minute of a new installation. A plan made for each execution sees the tables'
                // real size; planning these statements costs far less than a bad plan.
                // With plans made per execution, a cached prepared statement saves only its
                // parsing; a short cache bounds what each pooled connection holds (a statement's
                // description per distinct SQL text, and `IN` lists of every length are distinct).
                .map_sqlx_postgres_opts(|o| {
                    o.options([("plan_cache_mode", "force_custom_plan")])
                        .statement_cache_capacity(STATEMENT_CACHE)
                });
            let pool = Database::connect(options).await?;
            (pool.clone(), pool)
        } else {
            return Err(DbErr::Custom(format!(
                "unsupported database URL {url:?}: use sqlite://PATH or postgres://…"
            )));
        };
        // PostgreSQL commits each write in its own transaction: its writers run side by side on
        // row locks, so nothing waits to share a commit.
        let batches = (writer.get_database_backend() == DbBackend::Sqlite)
            .then(|| spawn_group_commit(writer.clone()));
        Ok(Self {
            db,
            writer,
            batches,
            sla_cache: ContextCache::default(),
            analyzers: VersionedCache::default(),
            webhooks: SubscriptionCache::default(),
            kb_shelves: VersionedCache::default(),
            loop_rules: LoopRules::default(),
            files_dir: DEFAULT_FILES_DIR.into(),
            delivery: Default::default(),
            secrets: None,
        })
    }

    /// The store with the closed loop's thresholds from configuration.
    pub fn with_loop_rules(mut self, rules: LoopRules) -> Self {
        self.loop_rules = rules;
        self
    }

    /// The store delivering notifications on the channels `setup` names.
    pub fn with_delivery(mut self, setup: crate::delivery::DeliverySetup) -> Self {
        self.delivery = std::sync::Arc::new(setup);
        self
    }

    /// The store keeping secrets under `key`.
    pub fn with_secret_key(mut self, key: crate::secrets::SecretKey) -> Self {
        self.secrets = Some(std::sync::Arc::new(key));
        self
    }

    /// The store keeping uploaded files under `dir`.
    pub fn with_files_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.files_dir = dir.into();
        self
    }

    /// Where uploaded files are kept (another node's store keeps them in the same place).
    pub fn files_dir(&self) -> &std::path::Path {
        &self.files_dir
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> crate::Result<()> {
        Migrator::up(&self.writer, None).await?;
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
        // ANALYZE writes the statistics tables.
        self.writer.execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// Starts a transaction that will write, once the writer connection is its turn. Code holding
    /// one must not start another or wait for another write: there is one writer on SQLite. On
    /// SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so another process writing to
    /// the file is waited for at the start rather than failing with "database is locked" halfway.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        begin_immediate(&self.writer).await
    }

    /// Whether write transactions run side by side (PostgreSQL) rather than one at a time
    /// through the group commit (SQLite).
    pub(crate) fn writes_in_parallel(&self) -> bool {
        self.batches.is_none()
    }

    /// Runs `write` and answers once it is committed. On SQLite, writes that arrive while the
    /// writer is busy are committed together (one transaction, one fsync), each in its own
    /// savepoint: one that fails is rolled back alone and the others still commit. For writes
    /// that come in crowds (creations); `write` must not start another write.
    pub(crate) async fn write_batched<T, F>(&self, write: F) -> crate::Result<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> Write<'t, T> + Send + 'static,
    {
        let Some(queue) = &self.batches else {
            let txn = self.begin_write().await?;
            let done = write(&txn).await?;
            txn.commit().await?;
            return Ok(done);
        };
        let (answer, answered) = oneshot::channel();
        let queued: Queued = Box::new(move |txn| {
            Box::pin(async move {
                let outcome = write(txn).await;
                let succeeded = outcome.is_ok();
                let answer: Answer = Box::new(move |ended| {
                    let _ = answer.send(match ended {
                        Ok(()) => outcome,
                        Err(e) => Err(DbErr::Custom(e).into()),
                    });
                });
                (succeeded, answer)
            })
        });
        let stopped = || DbErr::Custom("the write's batch could not be written".into());
        queue.send(queued).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

/// Starts the task that commits queued writes in batches; it ends with the last store.
fn spawn_group_commit(writer: DatabaseConnection) -> mpsc::Sender<Queued> {
    let (queue, mut queued) = mpsc::channel::<Queued>(BATCH_QUEUE);
    tokio::spawn(async move {
        while let Some(first) = queued.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH
                && let Ok(next) = queued.try_recv()
            {
                batch.push(next);
            }
            commit_batch(&writer, batch).await;
        }
    });
    queue
}

/// Runs each write of a batch in its own savepoint of one transaction, commits, and only then
/// answers each: a write is acknowledged once it is durable, never before. One that fails is
/// rolled back alone; should the transaction itself fail, nothing of it is committed and every
/// write hears why (a write never run hears it from its dropped answer).
async fn commit_batch(writer: &DatabaseConnection, batch: Vec<Queued>) {
    let mut answers = Vec::with_capacity(batch.len());
    let ended = async {
        let txn = begin_immediate(writer).await?;
        for write in batch {
            let savepoint = txn.begin().await?;
            let (succeeded, answer) = write(&savepoint).await;
            answers.push(answer);
            if succeeded {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
        }
        txn.commit().await
    }
    .await
    .map_err(|e| e.to_string());
    for answer in answers {
        answer(ended.clone());
    }
}

/// A write transaction on `db` (see [`Store::begin_write`]).
async fn begin_immediate(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
    })
    .await
}

async fn connect_sqlite(path: &str) -> Result<(DatabaseConnection, DatabaseConnection), DbErr> {
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
    let cannot_open =
        |e: sea_orm::sqlx::Error| DbErr::Custom(format!("cannot open SQLite database {path}: {e}"));
    // Opened first: it creates the file and switches it to WAL, which the readers rely on.
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(WRITE_QUEUE_TIMEOUT)
        // The connection is in this process and never dropped by a server: no ping per write.
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options.clone())
        .await
        .map_err(cannot_open)?;
    let readers = SqlitePoolOptions::new()
        .max_connections(SQLITE_READERS)
        .min_connections(1)
        .test_before_acquire(false)
        .connect_with(options.read_only(true))
        .await
        .map_err(cannot_open)?;
    Ok((
        SqlxSqliteConnector::from_sqlx_sqlite_pool(readers),
        SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StorageError;
    use crate::entity::counter;
    use sea_orm::{ActiveValue::Set, EntityTrait};

    /// A store on a new SQLite file, migrated, with one company; the folder to remove after.
    async fn sqlite_store() -> (Store, String, std::path::PathBuf) {
        let folder = std::env::temp_dir().join(format!("guanjia-db-test-{}", crate::new_id()));
        let store = Store::connect(&format!("sqlite://{}/test.db", folder.display()))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let company = store
            .ensure_company("test", "测试物业", chrono::Utc::now())
            .await
            .expect("company");
        (store, company.id, folder)
    }

    async fn counter_of(store: &Store, company_id: &str, name: &str) -> Option<i64> {
        counter::Entity::find_by_id((company_id.to_owned(), name.to_owned()))
            .one(&store.db)
            .await
            .expect("read")
            .map(|c| c.value)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_queued_together_commit_together_but_fail_alone() {
        let (store, company_id, folder) = sqlite_store().await;
        // The writer is busy, so the three writes below queue up and go in one batch.
        let busy = store.begin_write().await.expect("writer");
        let write = |name: &'static str, fails: bool| {
            let (store, company_id) = (store.clone(), company_id.clone());
            tokio::spawn(async move {
                let company = company_id.clone();
                store
                    .write_batched(move |txn| {
                        Box::pin(async move {
                            let row = counter::ActiveModel {
                                company_id: Set(company),
                                name: Set(name.to_owned()),
                                value: Set(1),
                            };
                            counter::Entity::insert(row)
                                .exec_without_returning(txn)
                                .await?;
                            if fails {
                                return Err(StorageError::Forbidden);
                            }
                            Ok(())
                        })
                    })
                    .await?;
                // Answered: what it wrote is already durable, so another connection reads it.
                Ok::<_, StorageError>(counter_of(&store, &company_id, name).await)
            })
        };
        let (first, failing, last) = (write("a", false), write("b", true), write("c", false));
        tokio::time::sleep(Duration::from_millis(200)).await;
        // Reads never wait for the writer, even with writes queued behind a busy one.
        let read =
            tokio::time::timeout(Duration::from_secs(1), counter_of(&store, &company_id, "a"))
                .await;
        assert_eq!(read.ok(), Some(None), "a read answers while writes queue");
        busy.commit().await.expect("commit");

        assert_eq!(first.await.expect("task").expect("first"), Some(1));
        assert!(matches!(
            failing.await.expect("task"),
            Err(StorageError::Forbidden)
        ));
        assert_eq!(last.await.expect("task").expect("last"), Some(1));
        assert_eq!(
            counter_of(&store, &company_id, "b").await,
            None,
            "the failed write left nothing behind"
        );
        let _ = std::fs::remove_dir_all(folder);
    }
}
