//! `/api/v1/schedule`: the weekly work schedule as published (public JSON), its revisions, the
//! office's preview of the draft, and publishing.

use crate::api::json::JsonBody;
use crate::api::types::{SchedulePublication, ScheduleRevision};
use crate::auth::{Approver, OfficeStaff};
use crate::db::Db;
use crate::domain::publication;
use crate::domain::weekly_schedule::WeeklySchedule;
use crate::feeds::cache::FeedCache;
use crate::Result;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use serde::Deserialize;

/// Public on purpose: the latest published revision of the week (or revision `ban`), never
/// live data; an unpublished week has `published: false` and no rows.
#[utoipa::path(tag = "schedule", params(("week" = String, Path, description = "any date of the week"), ("ban" = Option<i32>, Query, description = "a revision of the week")), responses((status = 200, description = "the weekly work schedule as published", body = WeeklySchedule), (status = "4XX", description = "refused", body = crate::error::ErrorBody)))]
#[get("/api/v1/schedule/<week>?<ban>")]
pub async fn week(db: &State<Db>, week: &str, ban: Option<i32>) -> Result<Json<WeeklySchedule>> {
    let week = publication::parse_week("week", week)?;
    Ok(Json(publication::published(db, week, ban, None).await?))
}

/// Public: every revision of the week, first issue first.
#[utoipa::path(tag = "schedule", responses((status = 200, description = "the week's revisions", body = Vec<ScheduleRevision>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)))]
#[get("/api/v1/schedule/<week>/revisions")]
pub async fn revisions(db: &State<Db>, week: &str) -> Result<Json<Vec<ScheduleRevision>>> {
    let week = publication::parse_week("week", week)?;
    let all = publication::revisions(db, week).await?;
    Ok(Json(all.into_iter().map(ScheduleRevision::from).collect()))
}

/// The office's preview: the live draft marked against the latest revision.
#[utoipa::path(tag = "schedule", responses((status = 200, description = "what publishing now would issue", body = WeeklySchedule), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/schedule/<week>/draft")]
pub async fn draft(
    _staff: OfficeStaff,
    db: &State<Db>,
    week: &str,
) -> Result<Json<WeeklySchedule>> {
    let week = publication::parse_week("week", week)?;
    Ok(Json(publication::preview(db, week, None).await?))
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
    feeds: &State<FeedCache>,
    week: &str,
    body: JsonBody<PublishInput>,
) -> Result<(Status, Json<SchedulePublication>)> {
    let input = body.0;
    let week = publication::parse_week("week", week)?;
    let saved = publication::publish(db, by.id(), week, input.note).await?;
    // This instance sees the new generation at once (the public page and feed); others within
    // `feed_recheck_ms`.
    feeds.forget_probes();
    Ok((Status::Created, Json(saved.into())))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![week, revisions, draft, publish]
}
