//! Database schema of lichhop, as ordered migrations that run unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_schema;
mod m20261127_000002_booking_guarantees;
mod m20261127_000003_bounded_overlap_triggers;
mod m20261127_000005_occurrence_long_index;
mod m20261127_000010_feed_generation_indexes;
mod m20261128_000011_event_action_index;
mod m20261128_000012_reference_version;
mod m20261128_000013_report_day;
mod m20261206_000020_feed_stamp;
mod m20261206_000021_publication_snapshot;
mod m20261206_000022_other_attendees;
mod m20261206_000025_national_day_choice;
mod m20261206_000028_notifications;
mod m20261206_000033_reference_accounts;
mod m20261206_000038_invitee_answers;
mod m20261206_000040_reminders;
mod m20261206_000042_postponed_status;
mod m20261206_000043_meeting_proposal;
pub use m20261127_000002_booking_guarantees::{CHAIR_OVERLAP, ROOM_OVERLAP};

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_schema::Migration),
            Box::new(m20261127_000002_booking_guarantees::Migration),
            Box::new(m20261127_000003_bounded_overlap_triggers::Migration),
            Box::new(m20261127_000005_occurrence_long_index::Migration),
            Box::new(m20261127_000010_feed_generation_indexes::Migration),
            Box::new(m20261128_000011_event_action_index::Migration),
            Box::new(m20261128_000012_reference_version::Migration),
            Box::new(m20261128_000013_report_day::Migration),
            Box::new(m20261206_000020_feed_stamp::Migration),
            Box::new(m20261206_000021_publication_snapshot::Migration),
            Box::new(m20261206_000022_other_attendees::Migration),
            Box::new(m20261206_000025_national_day_choice::Migration),
            Box::new(m20261206_000028_notifications::Migration),
            Box::new(m20261206_000033_reference_accounts::Migration),
            Box::new(m20261206_000038_invitee_answers::Migration),
            Box::new(m20261206_000040_reminders::Migration),
            Box::new(m20261206_000042_postponed_status::Migration),
            Box::new(m20261206_000043_meeting_proposal::Migration),
        ]
    }
}
