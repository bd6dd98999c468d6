//! "Tạm hoãn": a meeting and its occurrences may be `postponed`. The no-overlap guarantees
//! (m20261127_000002, narrowed by m20261127_000003) hold for `status = 'approved'` rows only,
//! so a postponed meeting frees its room and chair exactly as a cancelled one does; only the
//! CHECK constraints naming the allowed statuses change here.
//!
//! PostgreSQL: the CHECK constraints are dropped and added again with the longer list.
//! SQLite cannot alter a CHECK constraint. Its documented way to drop or loosen a constraint
//! without rebuilding the table (sqlite.org/lang_altertable.html, "making other kinds of table
//! schema changes", the simpler procedure) edits the stored CREATE TABLE text under
//! `writable_schema` and bumps `schema_version`, so every other connection reads the schema
//! again. Widening the list cannot make a stored row invalid, which is what makes it safe;
//! rebuilding `meeting` would mean turning foreign keys off for eight referencing tables.
//! Migrations run on one connection of their own (`db::migrate`), so the steps see each other.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BEFORE: &str = "'draft', 'pending', 'reviewed', 'returned', 'approved', 'rejected', \
                      'cancelled', 'withdrawn'";
const AFTER: &str = "'draft', 'pending', 'reviewed', 'returned', 'approved', 'rejected', \
                     'cancelled', 'withdrawn', 'postponed'";
const TABLES: [&str; 2] = ["meeting", "occurrence"];

fn pg(list: &str) -> Vec<String> {
    let mut all = Vec::new();
    for table in TABLES {
        // The constraint was created unnamed; find it by what it says.
        all.push(format!(
            "DO $$ DECLARE c text; BEGIN \
             FOR c IN SELECT conname FROM pg_constraint \
             WHERE conrelid = '{table}'::regclass AND contype = 'c' \
             AND pg_get_constraintdef(oid) LIKE '%''withdrawn''%' LOOP \
             EXECUTE format('ALTER TABLE {table} DROP CONSTRAINT %I', c); \
             END LOOP; END $$"
        ));
        all.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {table}_status_check CHECK (status IN ({list}))"
        ));
    }
    all
}

async fn sqlite(m: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    let version: i64 = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA schema_version",
        ))
        .await?
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .ok_or_else(|| DbErr::Migration("no schema_version".into()))?;
    let (from, to) = (from.replace('\'', "''"), to.replace('\'', "''"));
    let tables = TABLES.map(|t| format!("'{t}'")).join(", ");
    let edit = [
        "PRAGMA writable_schema = ON".to_string(),
        format!(
            "UPDATE sqlite_schema SET sql = replace(sql, 'status IN ({from})', \
             'status IN ({to})') WHERE type = 'table' AND name IN ({tables})"
        ),
        format!("PRAGMA schema_version = {}", version + 1),
        "PRAGMA writable_schema = OFF".to_string(),
    ];
    for sql in edit {
        db.execute_unprepared(&sql).await?;
    }
    // Proof that both lists changed: the stored text now names the new list in each table.
    let changed = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ({tables}) \
                 AND instr(sql, 'status IN ({to})') > 0"
            ),
        ))
        .await?
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or(0);
    if changed != TABLES.len() as i64 {
        return Err(DbErr::Migration(format!(
            "the status CHECK of {tables} was not found as expected ({changed} changed)"
        )));
    }
    db.execute_unprepared("PRAGMA integrity_check").await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Postgres => {
                crate::m20261127_000002_booking_guarantees::run_all(m, &pg(AFTER)).await
            }
            DbBackend::Sqlite => sqlite(m, BEFORE, AFTER).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        // A postponed meeting goes back to approved: the nearest status the old list knows.
        for table in TABLES {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET status = 'approved' WHERE status = 'postponed'"
            ))
            .await?;
        }
        match m.get_database_backend() {
            DbBackend::Postgres => {
                crate::m20261127_000002_booking_guarantees::run_all(m, &pg(BEFORE)).await
            }
            DbBackend::Sqlite => sqlite(m, AFTER, BEFORE).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }
}
