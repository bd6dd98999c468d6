//! Integration tests: the real app on a fresh database (SQLite by default; PostgreSQL when
//! LICHHOP_TEST_DB=postgres), driven over HTTP through Rocket's local client.

mod helpers;

mod availability;
mod cli;
mod conflicts;
mod documents;
mod foundation;
mod race;
mod schedule;
mod workflow;
