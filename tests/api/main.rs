//! Integration tests: the real app on a fresh database (SQLite by default; PostgreSQL when
//! LICHHOP_TEST_DB=postgres), driven over HTTP through Rocket's local client.

mod helpers;

mod cli;
mod feeds;
mod foundation;
mod import;
mod race;
mod schedule;
mod workflow;
