//! `GET /api/v1/availability`: find a time, offered on the request form and in the review queue.

use crate::api::meetings::parse_date;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::availability::{self, FreeSlot, Query};
use crate::domain::{settings, validate};
use crate::{Error, Result};
use rocket::get;
use rocket::serde::json::Json;
use rocket::State;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Availability {
    pub slots: Vec<FreeSlot>,
}

/// "1,2,3" → ids, naming the field when one is not a number.
fn ids(field: &str, v: Option<&str>) -> Result<Vec<i32>> {
    v.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| Error::invalid_with(field, "refusals.not_an_id", &[("value", s)]))
        })
        .collect()
}

fn required<T>(field: &str, v: Option<T>) -> Result<T> {
    v.ok_or_else(|| Error::invalid(field, "msg.availability.this_parameter_is_required"))
}

#[allow(clippy::too_many_arguments)]
#[utoipa::path(tag = "availability", responses((status = 200, description = "done", body = Availability), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/availability?<from>&<to>&<duration_minutes>&<chair_id>&<person_ids>&<min_capacity>&<equipment>&<limit>")]
pub async fn find(
    _caller: Caller,
    db: &State<Db>,
    from: Option<&str>,
    to: Option<&str>,
    duration_minutes: Option<i64>,
    chair_id: Option<i32>,
    person_ids: Option<&str>,
    min_capacity: Option<i32>,
    equipment: Option<&str>,
    limit: Option<usize>,
) -> Result<Json<Availability>> {
    let from = required("from", parse_date("from", from)?)?;
    // A query string is not read by a body guard (PostgreSQL refuses U+0000).
    validate::text("equipment", equipment.unwrap_or(""))?;
    let q = Query {
        from,
        to: parse_date("to", to)?.unwrap_or(from + chrono::Duration::days(30)),
        duration_minutes: required("duration_minutes", duration_minutes)?,
        chair_id,
        person_ids: ids("person_ids", person_ids)?,
        min_capacity,
        equipment: equipment
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        limit: limit.unwrap_or(10),
        exclude_meeting_id: None,
    };
    let s = settings::load(db).await?;
    Ok(Json(Availability {
        slots: availability::find(db, &q, &s).await?,
    }))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![find]
}
