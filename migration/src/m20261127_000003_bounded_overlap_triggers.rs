//! SQLite's no-overlap triggers read only the slice of the (room_id|chair_id, starts_at) index
//! that can overlap: an occurrence lasts at most a week (the domain refuses longer ones), so an
//! approved occurrence that starts more than 8 days before the new one cannot overlap it. The
//! first version scanned every earlier occurrence of the room, which grows with the years.
//! PostgreSQL's exclusion constraints use a GiST index and need no change.

use crate::m20261127_000002_booking_guarantees::{run_all, sqlite_triggers};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Longest occurrence (7 days, `domain::registration::MAX_DAYS`) plus a day of margin.
const WINDOW: &str =
    "AND o.starts_at > strftime('%Y-%m-%dT%H:%M:%S+00:00', NEW.starts_at, '-8 days') ";

const DROP: &[&str] = &[
    "DROP TRIGGER IF EXISTS occurrence_no_overlap_insert",
    "DROP TRIGGER IF EXISTS occurrence_no_overlap_update",
];

/// Drops and recreates the triggers in one batch, so that every statement runs on one connection
/// of the pool (a second connection could still see the old schema).
async fn replace_triggers(m: &SchemaManager<'_>, window: &str) -> Result<(), DbErr> {
    let mut batch: Vec<String> = DROP.iter().map(|s| String::from(*s)).collect();
    batch.extend(sqlite_triggers(window));
    run_all(m, &[batch.join(";\n")]).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        replace_triggers(m, WINDOW).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        replace_triggers(m, "").await
    }
}
