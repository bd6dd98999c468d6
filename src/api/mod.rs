//! HTTP handlers. Thin: they parse, call the domain, and shape the answer.

pub mod feeds;
pub mod health;
pub mod import;
pub mod json;
pub mod meetings;
pub mod schedule;
