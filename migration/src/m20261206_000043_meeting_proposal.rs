//! A new time proposed to the agency (issue #18 item 2): the office returns a request with a
//! proposed start, end and room; the agency accepts it in one click (`accept_proposal`), which
//! moves the request there and sends it for approval again. Empty when nothing is proposed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["proposed_starts_at", "proposed_ends_at", "proposed_room_id"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds one at a time.
        for col in COLUMNS {
            let def = if col == "proposed_room_id" {
                integer_null(col)
            } else {
                timestamp_with_time_zone_null(col)
            };
            m.alter_table(Table::alter().table("meeting").add_column(def).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(Table::alter().table("meeting").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
