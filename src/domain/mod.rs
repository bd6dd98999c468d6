//! The office's rules, independent of HTTP: they take a connection or plain values and return
//! plain values or an [`crate::Error`].

pub mod clock;
pub mod holidays;
pub mod meetings;
pub mod password;
pub mod recurrence;
pub mod registration;
pub mod workflow;
