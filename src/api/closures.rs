//! `/api/v1/closures`, `/api/v1/working-days` and `/api/v1/national-days`: the office's calendar. Anyone signed in reads
//! it (forms and find-a-time use it); only the administrator changes it.

use crate::api::json::JsonBody;
use crate::api::meetings::parse_date;
use crate::api::types::{all, Closure, HolidaysEntered, NationalDayChoice, WorkingDayException};
use crate::auth::{Admin, Caller};
use crate::db::Db;
use crate::domain::closures::{self, ClosureInput, NationalDayInput, WorkingDayInput};
use crate::Result;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{delete, get, post, put};

#[utoipa::path(tag = "closures", responses((status = 200, description = "done", body = Vec<Closure>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/closures?<from>&<to>")]
pub async fn list(
    _caller: Caller,
    db: &State<Db>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Json<Vec<Closure>>> {
    let from = parse_date("from", from)?;
    let to = parse_date("to", to)?;
    Ok(Json(all(closures::list(db, from, to).await?)))
}

#[utoipa::path(request_body = ClosureInput, tag = "closures", responses((status = 201, description = "done", body = Closure), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/closures", data = "<body>")]
pub async fn create(
    by: Admin,
    db: &State<Db>,
    body: JsonBody<ClosureInput>,
) -> Result<(Status, Json<Closure>)> {
    let c = closures::create(db, by.id(), body.0).await?;
    Ok((Status::Created, Json(c.into())))
}

#[utoipa::path(tag = "closures", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[delete("/api/v1/closures/<id>")]
pub async fn delete(_by: Admin, db: &State<Db>, id: i32) -> Result<Status> {
    closures::delete(db, id).await?;
    Ok(Status::NoContent)
}

/// Enters Vietnam's public holidays of `year` (lunar ones included) as closures; idempotent.
#[utoipa::path(tag = "closures", responses((status = 200, description = "done", body = HolidaysEntered), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/closures/holidays/<year>")]
pub async fn holidays(by: Admin, db: &State<Db>, year: i32) -> Result<Json<HolidaysEntered>> {
    Ok(Json(
        closures::enter_public_holidays(db, by.id(), year)
            .await?
            .into(),
    ))
}

#[utoipa::path(tag = "closures", responses((status = 200, description = "done", body = Vec<WorkingDayException>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/working-days")]
pub async fn working_days(
    _caller: Caller,
    db: &State<Db>,
) -> Result<Json<Vec<WorkingDayException>>> {
    Ok(Json(all(closures::working_days(db).await?)))
}

#[utoipa::path(request_body = WorkingDayInput, tag = "closures", responses((status = 201, description = "done", body = WorkingDayException), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/working-days", data = "<body>")]
pub async fn add_working_day(
    _by: Admin,
    db: &State<Db>,
    body: JsonBody<WorkingDayInput>,
) -> Result<(Status, Json<WorkingDayException>)> {
    let d = closures::add_working_day(db, body.0).await?;
    Ok((Status::Created, Json(d.into())))
}

#[utoipa::path(tag = "closures", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[delete("/api/v1/working-days/<id>")]
pub async fn delete_working_day(_by: Admin, db: &State<Db>, id: i32) -> Result<Status> {
    closures::delete_working_day(db, id).await?;
    Ok(Status::NoContent)
}

/// The years whose second National Day day was chosen; any other year takes 1 September.
#[utoipa::path(tag = "closures", responses((status = 200, description = "done", body = Vec<NationalDayChoice>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/national-days")]
pub async fn national_days(
    _caller: Caller,
    db: &State<Db>,
) -> Result<Json<Vec<NationalDayChoice>>> {
    Ok(Json(all(closures::national_days(db).await?)))
}

/// The government's choice of the second National Day day of `year` (1 or 3 September).
#[utoipa::path(request_body = NationalDayInput, tag = "closures", params(("year" = i32, Path)), responses((status = 200, description = "done", body = NationalDayChoice), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[put("/api/v1/national-days/<year>", data = "<body>")]
pub async fn choose_national_day(
    _by: Admin,
    db: &State<Db>,
    year: i32,
    body: JsonBody<NationalDayInput>,
) -> Result<Json<NationalDayChoice>> {
    Ok(Json(
        closures::choose_national_day(db, year, body.0)
            .await?
            .into(),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list,
        create,
        delete,
        holidays,
        working_days,
        add_working_day,
        delete_working_day,
        national_days,
        choose_national_day
    ]
}
