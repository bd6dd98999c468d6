//! Telling people (issue #17): the outbox of e-mail a decision writes in its own transaction,
//! the in-app inbox (`/thong-bao`), and each account's own address and e-mail choice.
//!
//! The outbox row keeps what the message says (subject and facts) as the decision saw it, and a
//! Message-ID fixed at that moment, so a message sent again after a crash is the same message.
//! `claimed_until` is the lease of the instance sending it: on PostgreSQL rows are claimed with
//! `FOR UPDATE SKIP LOCKED`, on SQLite by the single writer; a lease that runs out (the instance
//! died) makes the row due again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("outbox")
                .col(pk_auto("id"))
                .col(string_uniq("message_id"))
                .col(string("recipient_email"))
                .col(string("recipient_name"))
                .col(string("lang"))
                .col(string("kind"))
                .col(integer_null("meeting_id"))
                .col(integer_null("account_id"))
                .col(text("subject"))
                .col(text("facts"))
                .col(string_null("ics_method"))
                .col(text_null("ics"))
                .col(string("status"))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(text_null("last_answer"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .check(Expr::col("status").is_in(["queued", "sending", "sent", "failed"]))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_due")
                .table("outbox")
                .col("status")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notification")
                .col(pk_auto("id"))
                .col(integer("account_id"))
                .col(string("kind"))
                .col(integer_null("meeting_id"))
                .col(text("facts"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("notification", "account_id")
                        .to("account", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notification_account")
                .table("notification")
                .col("account_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        m.alter_table(
            Table::alter()
                .table("account")
                .add_column(string_null("email"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("account")
                .add_column(boolean("email_notifications").default(true))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["email_notifications", "email"] {
            m.alter_table(Table::alter().table("account").drop_column(col).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table("notification").to_owned())
            .await?;
        m.drop_table(Table::drop().table("outbox").to_owned()).await
    }
}
