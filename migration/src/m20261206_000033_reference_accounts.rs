//! Accounts join the reference data kept in memory (domain::reference): their display names
//! name uploaders and deciders on the pages. Triggers bump `reference_version` when an account
//! is added or removed or one of the columns shown or checked of it changes; a sign-in (its
//! time, the session epoch) or a new password does not, so signing in reloads nothing.

use crate::m20261127_000002_booking_guarantees::{run_all, run_on_backend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str = "display_name, role, agency_id, person_id, disabled";
const BUMP: &str = "UPDATE reference_version SET version = version + 1 WHERE id = 1";

fn sqlite_up() -> Vec<String> {
    ["INSERT", "DELETE", &format!("UPDATE OF {COLUMNS}")]
        .iter()
        .zip(["insert", "delete", "update"])
        .map(|(event, name)| {
            format!(
                "CREATE TRIGGER reference_bump_account_{name} AFTER {event} ON account \
                 BEGIN {BUMP}; END"
            )
        })
        .collect()
}

fn pg_up() -> Vec<String> {
    // reference_bump() is the function of m20261128_000012; once per statement.
    vec![format!(
        "CREATE TRIGGER reference_bump AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF {COLUMNS} \
         ON account FOR EACH STATEMENT EXECUTE FUNCTION reference_bump()"
    )]
}

fn down(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres => vec!["DROP TRIGGER IF EXISTS reference_bump ON account".into()],
        _ => ["insert", "delete", "update"]
            .iter()
            .map(|op| format!("DROP TRIGGER IF EXISTS reference_bump_account_{op}"))
            .collect(),
    }
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
