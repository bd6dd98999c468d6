//! The office's rules, independent of HTTP: they take a connection or plain values and return
//! plain values or an [`crate::Error`].

pub mod accounts;
pub mod agencies;
pub mod answers;
pub mod auth_events;
pub mod availability;
pub mod calendars;
pub mod clock;
pub mod closures;
pub mod codes;
pub mod conflicts;
pub mod dashboard;
pub mod documents;
pub mod follower;
pub mod holidays;
pub mod lobby;
pub mod meetings;
pub mod moves;
pub mod notifications;
pub mod password;
pub mod persons;
pub mod publication;
pub mod recurrence;
pub mod reference;
pub mod registration;
pub mod reminders;
pub mod reports;
pub mod rooms;
pub mod schedule_document;
pub mod series;
pub mod settings;
pub mod validate;
pub mod visibility;
pub mod weekly_schedule;
pub mod workflow;
pub mod working_days;
