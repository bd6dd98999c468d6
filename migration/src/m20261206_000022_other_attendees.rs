//! "Thành phần khác" (issue 16): free text for those invited beyond the listed persons and
//! agencies, e.g. "Lãnh đạo các sở, ngành liên quan", shown in the schedule's Thành phần column.

use crate::m20261127_000002_booking_guarantees::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &["ALTER TABLE meeting ADD COLUMN other_attendees TEXT"];
const DOWN: &[&str] = &["ALTER TABLE meeting DROP COLUMN other_attendees"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, DOWN).await
    }
}
