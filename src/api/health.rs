//! `GET /healthz`: for load balancers and operators. Public on purpose.

use crate::db::Db;
use crate::Result;
use rocket::get;
use rocket::serde::json::Json;
use rocket::State;
use sea_orm::ConnectionTrait;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub schema_version: String,
    pub version: &'static str,
}

#[utoipa::path(tag = "health", responses((status = 200, description = "the server and its database answer", body = Health)))]
#[get("/healthz")]
pub async fn healthz(db: &State<Db>) -> Result<Json<Health>> {
    // A round trip proves the pool can reach the database now, not just at start.
    db.conn.execute_unprepared("SELECT 1").await?;
    Ok(Json(Health {
        status: "ok",
        database: db.kind(),
        schema_version: crate::db::schema_version(db).await?,
        version: crate::VERSION,
    }))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![healthz]
}
