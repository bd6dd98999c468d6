//! The guarantees the database itself enforces, whatever the application does or how many
//! instances race: no two approved occurrences overlap in one room or with one chair, and the
//! audit trail is append-only.
//!
//! PostgreSQL: exclusion constraints over half-open time ranges (`[start, end)`, so back-to-back
//! meetings do not collide), with btree_gist for the `=` on the id.
//! SQLite: BEFORE INSERT/UPDATE triggers. SQLite runs one writer at a time and a trigger runs inside
//! the writing statement, so the check and the write cannot interleave with another writer.
//! Timestamps are stored by the app as uniform RFC 3339 UTC text, so text order is time order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Error texts the application recognises (SQLite RAISE messages, PostgreSQL constraint names).
pub const ROOM_OVERLAP: &str = "occurrence_room_no_overlap";
pub const CHAIR_OVERLAP: &str = "occurrence_chair_no_overlap";

const PG_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE occurrence ADD CONSTRAINT occurrence_room_no_overlap \
     EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&) \
     WHERE (status = 'approved' AND room_id IS NOT NULL)",
    "ALTER TABLE occurrence ADD CONSTRAINT occurrence_chair_no_overlap \
     EXCLUDE USING gist (chair_id WITH =, tstzrange(starts_at, ends_at) WITH &&) \
     WHERE (status = 'approved' AND chair_id IS NOT NULL)",
    "CREATE FUNCTION meeting_event_append_only() RETURNS trigger LANGUAGE plpgsql AS \
     $$ BEGIN RAISE EXCEPTION 'meeting_event is append-only'; END $$",
    "CREATE TRIGGER meeting_event_append_only BEFORE UPDATE OR DELETE ON meeting_event \
     FOR EACH ROW EXECUTE FUNCTION meeting_event_append_only()",
];

const PG_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS meeting_event_append_only ON meeting_event",
    "DROP FUNCTION IF EXISTS meeting_event_append_only()",
    "ALTER TABLE occurrence DROP CONSTRAINT IF EXISTS occurrence_chair_no_overlap",
    "ALTER TABLE occurrence DROP CONSTRAINT IF EXISTS occurrence_room_no_overlap",
];

/// The overlap test of one trigger: `who` is room_id or chair_id; `self_filter` excludes the row
/// being updated from its own check; `window` adds a lower bound on `o.starts_at` so the check
/// reads a slice of the (who, starts_at) index instead of every earlier row.
fn sqlite_overlap_check(who: &str, message: &str, self_filter: &str, window: &str) -> String {
    format!(
        "SELECT RAISE(ABORT, '{message}') WHERE NEW.{who} IS NOT NULL AND EXISTS (\
         SELECT 1 FROM occurrence o WHERE o.status = 'approved' AND o.{who} = NEW.{who} \
         {window}AND o.starts_at < NEW.ends_at AND NEW.starts_at < o.ends_at{self_filter});"
    )
}

/// The no-overlap triggers; `window` as in [`sqlite_overlap_check`] ("" for none).
pub(crate) fn sqlite_triggers(window: &str) -> Vec<String> {
    let insert_body = format!(
        "{} {}",
        sqlite_overlap_check("room_id", ROOM_OVERLAP, "", window),
        sqlite_overlap_check("chair_id", CHAIR_OVERLAP, "", window)
    );
    let update_body = format!(
        "{} {}",
        sqlite_overlap_check("room_id", ROOM_OVERLAP, " AND o.id <> NEW.id", window),
        sqlite_overlap_check("chair_id", CHAIR_OVERLAP, " AND o.id <> NEW.id", window)
    );
    vec![
        format!(
            "CREATE TRIGGER occurrence_no_overlap_insert BEFORE INSERT ON occurrence \
             WHEN NEW.status = 'approved' BEGIN {insert_body} END"
        ),
        format!(
            "CREATE TRIGGER occurrence_no_overlap_update \
             BEFORE UPDATE OF status, starts_at, ends_at, room_id, chair_id ON occurrence \
             WHEN NEW.status = 'approved' BEGIN {update_body} END"
        ),
    ]
}

fn sqlite_up() -> Vec<String> {
    let mut all = sqlite_triggers("");
    all.extend([
        "CREATE TRIGGER meeting_event_no_update BEFORE UPDATE ON meeting_event \
         BEGIN SELECT RAISE(ABORT, 'meeting_event is append-only'); END"
            .into(),
        "CREATE TRIGGER meeting_event_no_delete BEFORE DELETE ON meeting_event \
         BEGIN SELECT RAISE(ABORT, 'meeting_event is append-only'); END"
            .into(),
    ]);
    all
}

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS meeting_event_no_delete",
    "DROP TRIGGER IF EXISTS meeting_event_no_update",
    "DROP TRIGGER IF EXISTS occurrence_no_overlap_update",
    "DROP TRIGGER IF EXISTS occurrence_no_overlap_insert",
];

pub(crate) async fn run_all<S: AsRef<str>>(
    m: &SchemaManager<'_>,
    statements: &[S],
) -> Result<(), DbErr> {
    let db = m.get_connection();
    for sql in statements {
        db.execute_unprepared(sql.as_ref()).await?;
    }
    Ok(())
}

/// Runs the statements of the database in use: PostgreSQL's one by one, SQLite's in one batch,
/// so that every statement runs on one connection of the pool (see m20261127_000003).
pub(crate) async fn run_on_backend(
    m: &SchemaManager<'_>,
    postgres: impl FnOnce() -> Vec<String>,
    sqlite: impl FnOnce() -> Vec<String>,
) -> Result<(), DbErr> {
    match m.get_database_backend() {
        DbBackend::Postgres => run_all(m, &postgres()).await,
        DbBackend::Sqlite => run_all(m, &[sqlite().join(";\n")]).await,
        other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Postgres => run_all(m, PG_UP).await,
            DbBackend::Sqlite => run_all(m, &sqlite_up()).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Postgres => run_all(m, PG_DOWN).await,
            DbBackend::Sqlite => run_all(m, SQLITE_DOWN).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }
}
