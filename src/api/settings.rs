//! `/api/v1/settings`: the office's configurable rules (office hours, buffers, deadlines, …).

use crate::api::json::JsonBody;
use crate::auth::{Admin, Caller};
use crate::db::Db;
use crate::domain::settings::{self, Settings};
use crate::Result;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, put};

#[utoipa::path(tag = "settings", responses((status = 200, description = "the office's settings", body = Settings), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/settings")]
pub async fn read(_by: Caller, db: &State<Db>) -> Result<Json<Settings>> {
    Ok(Json(settings::load(db).await?))
}

/// Replaces the settings; keys left out keep their defaults.
#[utoipa::path(request_body = Settings, tag = "settings", responses((status = 200, description = "saved", body = Settings), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[put("/api/v1/settings", data = "<body>")]
pub async fn write(_by: Admin, db: &State<Db>, body: JsonBody<Settings>) -> Result<Json<Settings>> {
    settings::save(db, &body.0).await?;
    Ok(Json(settings::load(db).await?))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![read, write]
}
