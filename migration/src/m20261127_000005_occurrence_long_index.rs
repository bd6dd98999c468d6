//! A partial index of the long occurrences (more than 12 hours: field trips over several days).
//!
//! An overlap search looks for occurrences that start before a slot ends and end after it starts.
//! On an index by start time the second half bounds nothing, so the search also bounds the start
//! from below by the longest possible occurrence. Ordinary ones last at most 12 hours; the few
//! longer ones (up to 7 days) are found through this small index, so the conflict check reads a
//! few rows per occurrence instead of a week of the calendar. The queries repeat the condition
//! word for word (`domain::conflicts::is_long`): that is how the planner knows it may use it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sql = match m.get_database_backend() {
            DbBackend::Postgres => {
                "CREATE INDEX ix_occurrence_long ON occurrence (starts_at) \
                 WHERE ends_at - starts_at > interval '12 hours'"
            }
            DbBackend::Sqlite => {
                "CREATE INDEX ix_occurrence_long ON occurrence (starts_at) \
                 WHERE julianday(ends_at) - julianday(starts_at) > 0.5"
            }
            other => return Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        };
        m.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ix_occurrence_long")
            .await?;
        Ok(())
    }
}
