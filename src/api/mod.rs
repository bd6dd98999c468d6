//! HTTP handlers. Thin: they parse, call the domain, and shape the answer.

pub mod availability;
pub mod closures;
pub mod conflicts;
pub mod documents;
pub mod health;
pub mod json;
pub mod meetings;
pub mod schedule;
