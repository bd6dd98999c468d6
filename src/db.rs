//! The database connection: SQLite (embedded default) or PostgreSQL (production).

use crate::config::{ensure_dir, may_write, DbTimeouts};
use crate::error::Outage;
use crate::{Error, Result};
use migration::{Migrator, MigratorTrait};
use rocket::tokio::sync::Mutex;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The connection plus what the app needs to know about it.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// PostgreSQL only: a few connections whose sessions run statements on generic plans, for
    /// the lookups of [`Db::lookups`].
    generic: Option<DatabaseConnection>,
    url: String,
    /// The SQLite file, whose writability `/healthz` checks (None on PostgreSQL).
    sqlite_file: Option<std::path::PathBuf>,
    /// SQLite admits one writer at a time; write transactions take this lock first so that they
    /// queue in the app instead of failing with SQLITE_BUSY. PostgreSQL needs no such lock.
    write_lock: Option<Arc<Mutex<()>>>,
    /// What the layers above keep in memory for this database ([`Db::kept`]).
    kept: Kept,
}

/// Values the layers above keep in memory beside this database — the domain's copies of the
/// reference data and of the report's days — one of each type, shared by every clone of the
/// [`Db`]. Held here without naming their types, so that the database layer imports nothing
/// from the domain (the domain's modules own their caches and ask for them by type, as Rocket's
/// managed state does).
#[derive(Clone, Default)]
struct Kept(Arc<RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>);

impl Db {
    /// The value of type `T` kept in memory for this database, made with `T::default()` the
    /// first time it is asked for.
    pub fn kept<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let key = TypeId::of::<T>();
        let found = self
            .kept
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let value = match found {
            Some(value) => value,
            None => self
                .kept
                .0
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key)
                .or_insert_with(|| Arc::new(T::default()))
                .clone(),
        };
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("a value is kept under its own type"))
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// "sqlite" or "postgres", as /healthz reports it.
    pub fn kind(&self) -> &'static str {
        match self.backend() {
            DbBackend::Postgres => "postgres",
            DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    /// Connections for short lookups of a fixed shape (the conflict check of one meeting). On
    /// PostgreSQL, a small pool whose sessions run prepared statements on their generic plan:
    /// the planner otherwise plans the check's OR of index ranges again at every execution, and
    /// planning it costs 0.6–0.7 ms against 0.17 ms to run it, where the generic plan is the
    /// same plan, made once per connection (EXPLAIN ANALYZE on the bench database). Other
    /// queries keep custom plans: a 52-week series' search ran 5× slower on its generic plan.
    pub fn lookups(&self) -> &DatabaseConnection {
        self.generic.as_ref().unwrap_or(&self.conn)
    }

    /// Runs one write transaction (`attempt`) under the write lock, and runs it again (three
    /// tries in all) when PostgreSQL aborted it to break a deadlock or a serialization failure:
    /// two approvals writing overlapping bookings can wait on each other's exclusion check, and
    /// the one PostgreSQL aborts has written nothing, so a new try sees the other's outcome (a
    /// 409 naming it, or success). SQLite has one writer, so the lock alone serializes.
    pub async fn write<T, F, Fut>(&self, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let mut tries = 1;
        loop {
            let outcome = {
                let _write = self.write_guard().await;
                attempt().await
            };
            match outcome {
                Err(e) if tries < 3 && e.is_transient() => {
                    tracing::warn!(error = %e, tries, "write transaction aborted; trying again");
                    tries += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`, which takes the file's
    /// write lock at once and waits for it (busy_timeout) if another connection holds it: a
    /// deferred transaction that has read first gets SQLITE_BUSY without waiting when it has to
    /// upgrade, e.g. while sqlx still flushes a dropped transaction's rollback on a connection
    /// that went back to the pool, or while another app instance writes.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend() == DbBackend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.conn.begin_with_options(options).await?)
    }

    /// Whether the database serves reads and writes now, as `/healthz` reports it: a round
    /// trip proves it answers; a read-only file or directory (SQLite) or a read-only server
    /// (a PostgreSQL standby) is read-only.
    pub async fn health(&self) -> std::result::Result<(), Outage> {
        let outage = |e: sea_orm::DbErr| Outage::of(&e).unwrap_or(Outage::Unreachable);
        if self.backend() == DbBackend::Postgres {
            let row = self
                .conn
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT current_setting('transaction_read_only') AS read_only",
                ))
                .await
                .map_err(outage)?;
            let read_only = row
                .and_then(|r| r.try_get::<String>("", "read_only").ok())
                .is_some_and(|v| v == "on");
            return if read_only {
                Err(Outage::ReadOnly)
            } else {
                Ok(())
            };
        }
        self.conn
            .execute_unprepared("SELECT 1")
            .await
            .map_err(outage)?;
        match &self.sqlite_file {
            Some(file) if !sqlite_writable(file) => Err(Outage::ReadOnly),
            _ => Ok(()),
        }
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.conn.clone().close().await.ok();
        if let Some(generic) = &self.generic {
            generic.clone().close().await.ok();
        }
    }

    /// Held for the duration of a write transaction (a no-op guard on PostgreSQL).
    pub async fn write_guard(&self) -> Option<rocket::tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}

/// Bytes of a SQLite database file read through a memory map (256 MiB).
const MMAP_SIZE: u64 = 256 * 1024 * 1024;

/// Connects with the default time limits (see [`connect_with`]).
pub async fn connect(url: &str, pool_size: u32) -> Result<Db> {
    connect_with(url, pool_size, DbTimeouts::default()).await
}

/// Connects, creating the SQLite file and its directory when needed. A zero statement limit
/// means none (migrations).
pub async fn connect_with(url: &str, pool_size: u32, timeouts: DbTimeouts) -> Result<Db> {
    let is_sqlite = url.starts_with("sqlite:");
    let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_sqlite && !is_postgres {
        return Err(Error::Config(format!(
            "DATABASE_URL must start with sqlite:// or postgres:// (got {:?})",
            redact(url)
        )));
    }
    if let Some(file) = sqlite_file(url).filter(|_| is_sqlite) {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            ensure_dir(dir)?;
        }
        // Refused here, in one line, rather than by a 500 at every write after a start that
        // looked fine.
        if !sqlite_writable(file) {
            return Err(Error::Config(format!(
                "database {} is read-only: lichhop writes the file and creates its journal \
                 beside it, so both the file and its directory must be writable",
                file.display()
            )));
        }
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(pool_size.max(1))
        .min_connections(1)
        .connect_timeout(timeouts.acquire)
        .acquire_timeout(timeouts.acquire)
        // Every statement to the log (target sqlx, level info) only when asked: it costs time.
        .sqlx_logging(std::env::var_os("LICHHOP_LOG_SQL").is_some());
    if is_sqlite {
        // A SQLite connection is a file handle in this process: it cannot go stale, and the
        // ping sqlx sends on every checkout is one more hop to the connection's thread.
        options.test_before_acquire(false);
    } else {
        // A server connection can die while idle (restart, firewall): only those are pinged.
        options.test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    // SQLite has no statement timeout; a write waits this long for another process's lock.
    let busy_timeout = match timeouts.statement {
        Duration::ZERO => Duration::from_secs(60),
        limit => limit,
    };
    // PostgreSQL ends a statement that runs longer (0: no limit), so no query holds a
    // connection and its locks through an outage of the client's patience.
    let statement_timeout = timeouts.statement.as_millis().to_string();
    if is_sqlite {
        options
            .map_sqlx_sqlite_pool_opts(|pool| pool.after_release(discard_if_left_in_transaction));
        options.map_sqlx_sqlite_opts(move |o: SqliteConnectOptions| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(busy_timeout)
                // Reads through a memory map of the file (shared by every connection, served
                // from the OS page cache) instead of a read call per page missing from each
                // connection's own small cache: reports and conflict checks read many pages.
                .pragma("mmap_size", MMAP_SIZE.to_string())
        });
    } else {
        // No JIT: PostgreSQL compiles any plan estimated above jit_above_cost (100,000), and the
        // report's join of the occurrences to the days of the period is estimated at millions
        // of rows; compiling it took 2.3 s of a 2.9 s query (EXPLAIN ANALYZE on the report
        // benchmark's database). This application's queries never win back that cost.
        let statement_timeout = statement_timeout.clone();
        options.map_sqlx_postgres_opts(move |o: PgConnectOptions| {
            o.options([("jit", "off"), ("statement_timeout", &statement_timeout)])
        });
    }
    let cannot_open = |e: sea_orm::DbErr| {
        Error::Config(format!(
            "cannot open database {}: {}",
            redact(url),
            one_line(&e.to_string())
        ))
    };
    let generic = if is_postgres {
        let mut generic = options.clone();
        // As many as the main pool: a check runs its statements at once. Opened on demand.
        generic
            .min_connections(0)
            // Replaces the main pool's function: both settings are stated here.
            .map_sqlx_postgres_opts(move |o: PgConnectOptions| {
                o.options([
                    ("jit", "off"),
                    ("plan_cache_mode", "force_generic_plan"),
                    ("statement_timeout", &statement_timeout),
                ])
            });
        Some(Database::connect(generic).await.map_err(cannot_open)?)
    } else {
        None
    };
    let conn = Database::connect(options).await.map_err(cannot_open)?;
    if is_postgres {
        let read_only = conn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT current_setting('transaction_read_only') AS read_only",
            ))
            .await
            .map_err(cannot_open)?
            .and_then(|r| r.try_get::<String>("", "read_only").ok());
        if read_only.as_deref() == Some("on") {
            return Err(Error::Config(format!(
                "database {} is read-only (a standby server?): lichhop needs a primary",
                redact(url)
            )));
        }
    }
    Ok(Db {
        conn,
        generic,
        url: url.to_string(),
        sqlite_file: sqlite_file(url).map(Path::to_path_buf),
        write_lock: is_sqlite.then(|| Arc::new(Mutex::new(()))),
        kept: Kept::default(),
    })
}

/// Keeps a SQLite connection for reuse only when it is out of every transaction.
///
/// When a COMMIT fails (a full disk: SQLITE_FULL), SQLite has already rolled the transaction
/// back, so the ROLLBACK sent when it is dropped fails too, and sqlx still counts the
/// connection as inside a transaction. Reused, it would wrap the next "transaction" in a
/// SAVEPOINT of that phantom one: writes answered as committed that never reach the file, and
/// a write lock held until a restart. Such a connection is closed instead; the pool opens a new
/// one. The check is free for the usual release (no transaction open); a dropped transaction
/// waits for its queued ROLLBACK (`ping` runs after it on the connection's worker) first.
fn discard_if_left_in_transaction(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    _: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + '_>,
> {
    use sea_orm::sqlx::Connection;
    Box::pin(async move {
        if !conn.is_in_transaction() {
            return Ok(true);
        }
        conn.ping().await?;
        let clean = !conn.is_in_transaction();
        if !clean {
            tracing::warn!("closing a database connection its failed transaction left open");
        }
        Ok(clean)
    })
}

/// Brings the schema up to date.
pub async fn migrate(db: &Db) -> Result<()> {
    let failed = |e: sea_orm::DbErr| {
        Error::Config(format!("migrations failed: {}", one_line(&e.to_string())))
    };
    // Schema changes on one connection of their own, with no statement time limit (a
    // migration may rewrite a large table): on SQLite a pooled connection could otherwise run
    // a statement against the schema as it was before the previous statement.
    let unbounded = DbTimeouts {
        statement: Duration::ZERO,
        ..DbTimeouts::default()
    };
    let single = connect_with(&db.url, 1, unbounded).await?;
    let result = Migrator::up(&single.conn, None).await;
    single.conn.close().await.ok();
    result.map_err(failed)
}

/// Name of the newest applied migration, or "none".
pub async fn schema_version(db: &Db) -> Result<String> {
    let applied = Migrator::get_applied_migrations(&db.conn).await?;
    Ok(applied
        .last()
        .map(|m| m.name().to_string())
        .unwrap_or_else(|| "none".into()))
}

/// Whether this process may write the SQLite file (when it exists) and create files beside it.
fn sqlite_writable(file: &Path) -> bool {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    may_write(dir) && (!file.exists() || may_write(file))
}

fn sqlite_file(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
