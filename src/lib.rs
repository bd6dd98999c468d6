//! lichhop — meeting scheduling and room booking for a provincial People's Committee office.
//!
//! Layers: `domain` (rules, no HTTP), `api` and `web` (thin Rocket handlers), `db` (connection),
//! `app` (assembles the Rocket instance used by `main` and by the tests).

pub mod api;
pub mod app;
pub mod auth;
pub mod body;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod db;
pub mod deadline;
pub mod demo;
pub mod domain;
pub mod error;
pub mod feeds;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod shutdown;
pub mod web;

pub use error::{Error, Result};

/// The application's version, as shown by /healthz.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
