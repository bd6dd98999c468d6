//! A change counter over the reference data: agencies, persons, rooms, their equipment,
//! equipment, closures and make-up working days. Triggers bump it in the writing transaction, so a reader
//! that sees the new count also sees the change. The app keeps these tables in memory and
//! reloads them only when the count moves (domain::reference); several instances sharing one
//! PostgreSQL database read the same count, so none keeps a stale copy. Feeds count it in
//! their generation, so a renamed room or person reaches subscribers at the next poll.
//!
//! The counter is a row, not a sequence: a sequence moves before the writer commits, and a
//! reader could reload the old rows under the new count and keep them.

use crate::m20261127_000002_booking_guarantees::{run_all, run_on_backend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const TABLES: &[&str] = &[
    "agency",
    "person",
    "room",
    "room_equipment",
    "equipment",
    "closure",
    "working_day_exception",
];

const CREATE: &str = "CREATE TABLE reference_version (\
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), \
    version BIGINT NOT NULL)";
const SEED: &str = "INSERT INTO reference_version (id, version) VALUES (1, 1)";
const BUMP: &str = "UPDATE reference_version SET version = version + 1 WHERE id = 1";

fn sqlite_up() -> Vec<String> {
    let mut all = vec![CREATE.to_string(), SEED.to_string()];
    for t in TABLES {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            let name = format!("reference_bump_{t}_{}", op.to_lowercase());
            all.push(format!(
                "CREATE TRIGGER {name} AFTER {op} ON {t} BEGIN {BUMP}; END"
            ));
        }
    }
    all
}

fn pg_up() -> Vec<String> {
    let mut all = vec![
        CREATE.to_string(),
        SEED.to_string(),
        format!(
            "CREATE FUNCTION reference_bump() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN {BUMP}; RETURN NULL; END $$"
        ),
    ];
    // Once per statement: an import of a thousand persons bumps it once.
    for t in TABLES {
        all.push(format!(
            "CREATE TRIGGER reference_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} \
             FOR EACH STATEMENT EXECUTE FUNCTION reference_bump()"
        ));
    }
    all
}

fn down(backend: DbBackend) -> Vec<String> {
    let mut all = Vec::new();
    for t in TABLES {
        if backend == DbBackend::Postgres {
            all.push(format!("DROP TRIGGER IF EXISTS reference_bump ON {t}"));
        } else {
            for op in ["insert", "update", "delete"] {
                all.push(format!("DROP TRIGGER IF EXISTS reference_bump_{t}_{op}"));
            }
        }
    }
    if backend == DbBackend::Postgres {
        all.push("DROP FUNCTION IF EXISTS reference_bump()".into());
    }
    all.push("DROP TABLE IF EXISTS reference_version".into());
    all
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_on_backend(m, pg_up, sqlite_up).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, &down(m.get_database_backend())).await
    }
}
