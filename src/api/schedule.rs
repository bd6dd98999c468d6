//! `/api/v1/schedule`: the weekly work schedule (public JSON) and its publication.

use crate::api::json::JsonBody;
use crate::api::types::SchedulePublication;
use crate::auth::Approver;
use crate::db::Db;
use crate::domain::publication;
use crate::domain::weekly_schedule::{self, WeeklySchedule};
use crate::Result;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use serde::Deserialize;

/// Public on purpose: only approved public meetings are in it.
#[utoipa::path(tag = "schedule", responses((status = 200, description = "the weekly work schedule", body = WeeklySchedule), (status = "4XX", description = "refused", body = crate::error::ErrorBody)))]
#[get("/api/v1/schedule/<week>")]
pub async fn week(db: &State<Db>, week: &str) -> Result<Json<WeeklySchedule>> {
    let week = publication::parse_week("week", week)?;
    Ok(Json(weekly_schedule::for_week(db, week).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(request_body = PublishInput, tag = "schedule", responses((status = 201, description = "published", body = SchedulePublication), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/schedule/<week>/publish", data = "<body>")]
pub async fn publish(
    by: Approver,
    db: &State<Db>,
    week: &str,
    body: JsonBody<PublishInput>,
) -> Result<(Status, Json<SchedulePublication>)> {
    let input = body.0;
    let week = publication::parse_week("week", week)?;
    let saved = publication::publish(db, by.id(), week, input.note).await?;
    Ok((Status::Created, Json(saved.into())))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![week, publish]
}
