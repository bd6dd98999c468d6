//! HTTP handlers of the JSON API. Thin: they parse, call the domain, and shape the answer.
//! Everything under /api/v1/ authenticates with `Authorization: Bearer <token>` only.

pub mod account;
pub mod admin;
pub mod answers;
pub mod availability;
pub mod closures;
pub mod conflicts;
pub mod documents;
pub mod feeds;
pub mod health;
pub mod import;
pub mod json;
pub mod meetings;
pub mod notifications;
pub mod openapi;
pub mod reports;
pub mod schedule;
pub mod settings;
pub mod tokens;
pub mod types;

/// Every API route of this module tree.
pub fn routes() -> Vec<rocket::Route> {
    let mut all = health::routes();
    all.extend(tokens::routes());
    all.extend(account::routes());
    all.extend(admin::routes());
    all.extend(meetings::routes());
    all.extend(answers::routes());
    all.extend(notifications::routes());
    all.extend(schedule::routes());
    all.extend(openapi::routes());
    all.extend(settings::routes());
    all.extend(conflicts::routes());
    all.extend(closures::routes());
    all.extend(availability::routes());
    all.extend(documents::routes());
    all.extend(feeds::routes());
    all.extend(import::routes());
    all.extend(reports::routes());
    all
}
