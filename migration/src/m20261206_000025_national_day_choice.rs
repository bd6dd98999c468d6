//! The second day of the National Day holiday chosen for a year (Bộ luật Lao động 2019, art.
//! 112: 2 September and 1 or 3 September, as the government decides each year). A year without
//! a row takes 1 September. It is reference data of the calendar, so the reference counter's
//! triggers (m20261128_000012) bump on its changes too, and every instance reloads it.

use crate::m20261127_000002_booking_guarantees::{run_all, run_on_backend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CREATE: &str = "CREATE TABLE national_day_choice (\
    year INTEGER NOT NULL PRIMARY KEY, \
    second_day INTEGER NOT NULL CHECK (second_day IN (1, 3)))";
const BUMP: &str = "UPDATE reference_version SET version = version + 1 WHERE id = 1";

fn sqlite_up() -> Vec<String> {
    let mut all = vec![CREATE.to_string()];
    for op in ["INSERT", "UPDATE", "DELETE"] {
        all.push(format!(
            "CREATE TRIGGER reference_bump_national_day_choice_{} AFTER {op} ON national_day_choice \
             BEGIN {BUMP}; END",
            op.to_lowercase()
        ));
    }
    all
}

fn pg_up() -> Vec<String> {
    vec![
        CREATE.to_string(),
        "CREATE TRIGGER reference_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
         ON national_day_choice FOR EACH STATEMENT EXECUTE FUNCTION reference_bump()"
            .to_string(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_on_backend(m, pg_up, sqlite_up).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Dropping the table drops its triggers on both databases.
        run_all(m, &["DROP TABLE IF EXISTS national_day_choice"]).await
    }
}
