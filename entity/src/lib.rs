//! sea-orm entities of lichhop: one module per table, shape only, no logic.

pub mod account;
pub mod agency;
pub mod answer_link;
pub mod api_token;
pub mod auth_event;
pub mod closure;
pub mod document;
pub mod enums;
pub mod equipment;
pub mod feed_token;
pub mod job_run;
pub mod meeting;
pub mod meeting_attendee;
pub mod meeting_equipment;
pub mod meeting_event;
pub mod national_day_choice;
pub mod notification;
pub mod occurrence;
pub mod outbox;
pub mod person;
pub mod room;
pub mod room_equipment;
pub mod schedule_publication;
pub mod setting;
pub mod working_day_exception;

pub use enums::*;
