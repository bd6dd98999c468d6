//! Integration tests: the real app on a fresh database (SQLite by default; PostgreSQL when
//! LICHHOP_TEST_DB=postgres), driven over HTTP through Rocket's local client.

mod helpers;
mod http_client;

mod cli;
mod foundation;
mod openapi;
mod race;
mod schedule;
mod series;
mod workflow;
