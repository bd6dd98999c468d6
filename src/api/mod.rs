//! HTTP handlers of the JSON API. Thin: they parse, call the domain, and shape the answer.
//! Everything under /api/v1/ authenticates with `Authorization: Bearer <token>` only.

pub mod account;
pub mod admin;
pub mod health;
pub mod json;
pub mod meetings;
pub mod openapi;
pub mod schedule;
pub mod tokens;
