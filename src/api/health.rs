//! `GET /healthz`: for load balancers and operators. Public on purpose.

use crate::db::Db;
use rocket::get;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or why the database cannot serve: `read-only`, `unreachable`, `disk-full`,
    /// `timed-out`.
    pub status: &'static str,
    pub database: &'static str,
    /// The newest applied migration; absent when the database does not answer.
    pub schema_version: Option<String>,
    pub version: &'static str,
}

#[utoipa::path(tag = "health", responses(
    (status = 200, description = "the server and its database serve reads and writes", body = Health),
    (status = 503, description = "the database cannot serve (read-only, unreachable, …)", body = Health),
))]
#[get("/healthz")]
pub async fn healthz(db: &State<Db>) -> (Status, Json<Health>) {
    let state = db.health().await;
    let schema_version = match state {
        Ok(()) => crate::db::schema_version(db).await.ok(),
        Err(_) => None,
    };
    let (status, name) = match state {
        Ok(()) => (Status::Ok, "ok"),
        Err(outage) => (Status::ServiceUnavailable, outage.name()),
    };
    let health = Health {
        status: name,
        database: db.kind(),
        schema_version,
        version: crate::VERSION,
    };
    (status, Json(health))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![healthz]
}
