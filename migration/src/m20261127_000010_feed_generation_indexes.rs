//! Indexes that make a feed's "generation" a few index look-ups instead of a table scan: the
//! feed server asks for MAX(updated_at) of meetings and occurrences on every request to know
//! whether its cached bytes are still current (see src/feeds/cache.rs).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(table: &'static str, col: &'static str) -> IndexCreateStatement {
    Index::create()
        .name(format!("ix_{table}_{col}"))
        .table(table)
        .col(col)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("meeting", "updated_at")).await?;
        m.create_index(index("occurrence", "updated_at")).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in [("meeting", "updated_at"), ("occurrence", "updated_at")] {
            m.drop_index(
                Index::drop()
                    .name(format!("ix_{table}_{col}"))
                    .table(table)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
