//! An index of the audit trail by action: a report counts the reschedules of the meetings it
//! covers by reading only the reschedule entries (each then asks its meeting's occurrences),
//! not the whole trail, which grows by several entries per meeting.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_meeting_event_action_meeting_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table("meeting_event")
                .col("action")
                .col("meeting_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table("meeting_event").to_owned())
            .await
    }
}
