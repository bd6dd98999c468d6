//! The Last-Modified of each feed generation, kept in the database so that every app instance
//! serves the same date for the same data and a new generation never reuses a date already
//! served: two changes within one second used to leave Last-Modified as it was, and a client
//! revalidating by date got 304 and kept a stale calendar. The date is in whole seconds (as
//! HTTP sends it) and UNIQUE, so two generations never share one.

use crate::m20261127_000002_booking_guarantees::run_all;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &["CREATE TABLE feed_stamp (\
    generation TEXT NOT NULL PRIMARY KEY, \
    last_modified BIGINT NOT NULL UNIQUE)"];
const DOWN: &[&str] = &["DROP TABLE IF EXISTS feed_stamp"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run_all(m, DOWN).await
    }
}
