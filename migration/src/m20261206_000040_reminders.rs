//! Reminders, digests and agendas (issue #17 item 2) and the recipient's language.
//!
//! * `account.lang`: the language the account's messages are written in (vi by default);
//! * `account.digest`: an office account's choice of one digest of new requests a day instead
//!   of a message for each;
//! * `account.secretary_of`: the leader (a person) whose agenda this account, the leader's
//!   secretary, receives each working day;
//! * `job_run`: one row per scheduled job and key (a day, a meeting), inserted in the same
//!   transaction as the messages it writes. The unique key makes a job run once even with several
//!   instances on one database: the second insert fails and its transaction writes nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            string("lang").default("vi").to_owned(),
            boolean("digest").default(false).to_owned(),
            integer_null("secretary_of").to_owned(),
        ] {
            m.alter_table(Table::alter().table("account").add_column(col).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("job_run")
                .col(pk_auto("id"))
                .col(string("kind"))
                .col(string("run_key"))
                .col(timestamp_with_time_zone("ran_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_job_run_kind_key")
                .table("job_run")
                .col("kind")
                .col("run_key")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("job_run").to_owned())
            .await?;
        for col in ["lang", "digest", "secretary_of"] {
            m.alter_table(Table::alter().table("account").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
