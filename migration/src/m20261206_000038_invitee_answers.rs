//! Invitees answer without an account (issue #17 item 4).
//!
//! `answer_link` holds the personal links `/tra-loi/<token>` sent with invitations: only the
//! SHA-256 of the token is stored, tied to one meeting and one invited person; `revoked_at`
//! ends a link (the meeting called off, the person no longer invited). The answer itself lives
//! on the attendee row (`participation` already says accepted / declined / delegated, which the
//! iTIP PARTSTAT shows): the reason of an absence, the deputy's name and position, and when.
//! `outbox.person_id` names the invited person an invitation goes to, so that the sender can
//! mint that person's link when it builds the message (the token exists in clear only there).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("answer_link")
                .col(pk_auto("id"))
                .col(integer("meeting_id"))
                .col(integer("person_id"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("answer_link", "meeting_id")
                        .to("meeting", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_answer_link_meeting")
                .table("answer_link")
                .col("meeting_id")
                .col("person_id")
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for col in [
            text_null("answer_reason"),
            string_null("deputy_name"),
            string_null("deputy_position"),
            timestamp_with_time_zone_null("answered_at"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("meeting_attendee")
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("outbox")
                .add_column(integer_null("person_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("outbox")
                .drop_column("person_id")
                .to_owned(),
        )
        .await?;
        for col in [
            "answered_at",
            "deputy_position",
            "deputy_name",
            "answer_reason",
        ] {
            m.alter_table(
                Table::alter()
                    .table("meeting_attendee")
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table("answer_link").to_owned())
            .await
    }
}
