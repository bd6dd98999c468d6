//! The office's rules, independent of HTTP: they take a connection or plain values and return
//! plain values or an [`crate::Error`].

pub mod accounts;
pub mod agencies;
pub mod clock;
pub mod meetings;
pub mod password;
pub mod persons;
pub mod rooms;
pub mod validate;
