//! Integration tests: the real app on a fresh database (SQLite by default; PostgreSQL when
//! LICHHOP_TEST_DB=postgres), driven over HTTP through Rocket's local client.

mod helpers;
mod http_client;

mod admin_settings;
mod api_types;
mod auth;
mod authz_matrix;
mod availability;
mod calendars;
mod cli;
mod conflicts;
mod dashboard;
mod dates;
mod document_pages;
mod documents;
mod english;
mod feeds;
mod feeds_page;
mod form_input;
mod foundation;
mod hardening_feeds;
mod hardening_input;
mod import;
mod layers;
mod lobby;
mod meeting_pages;
mod memory_bounds;
mod notifications;
mod openapi;
mod outage;
mod outcomes;
mod pages;
mod privacy;
mod quality_pages;
mod race;
mod reports;
mod request_form;
mod request_form_fields;
mod review;
mod schedule;
mod schedule_document;
mod series;
mod static_files;
mod weekly_page;
mod workflow;
