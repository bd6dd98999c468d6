//! Each publication of the weekly schedule keeps what the public saw (issue 16): the rows as
//! JSON, so the public page, its embed, the API and every older revision are served from what
//! was issued rather than from live data. Publications made before this step have none.

use crate::m20261127_000002_booking_guarantees::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &["ALTER TABLE schedule_publication ADD COLUMN snapshot TEXT"];
const DOWN: &[&str] = &["ALTER TABLE schedule_publication DROP COLUMN snapshot"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, DOWN).await
    }
}
