//! `GET /api/v1/reports`: the figures the office reports upward, as JSON, CSV or xlsx.

use crate::auth::OfficeStaff;
use crate::db::Db;
use crate::domain::reports::Report;
use crate::http::reports::{answer, ReportAnswer, ReportQuery};
use crate::Result;
use rocket::get;
use rocket::State;

/// Meetings by status, agency, chair, room and kind, room utilisation, approval lead time, late
/// registrations and documents, cancellations and reschedules over `from..=to` (office-local
/// dates, at most 2 years). Counts are per occurrence: a series counts once per meeting held.
/// `format=csv` (UTF-8 with BOM, CRLF) or `format=xlsx` for a file. For the office.
#[utoipa::path(tag = "reports", params(("from" = String, Query, description = "first day, YYYY-MM-DD"), ("to" = String, Query, description = "last day, YYYY-MM-DD"), ("agency_id" = Option<i32>, Query, description = "requesting agency"), ("room_id" = Option<i32>, Query), ("chair_id" = Option<i32>, Query), ("format" = Option<String>, Query, description = "json (default), csv or xlsx")), responses((status = 200, description = "the report", body = Report), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/reports?<format>&<q..>")]
pub async fn report(
    _staff: OfficeStaff,
    db: &State<Db>,
    q: ReportQuery<'_>,
    format: Option<&str>,
) -> Result<ReportAnswer> {
    answer(db, &q.filter()?, format.unwrap_or("json")).await
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![report]
}
