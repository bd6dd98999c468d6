//! `GET /api/v1/reports`: the figures the office reports upward, as JSON, CSV or xlsx.

use crate::auth::OfficeStaff;
use crate::db::Db;
use crate::domain::reports::{self, Report, ReportFilter};
use crate::domain::settings;
use crate::{Error, Result};
use rocket::get;
use rocket::http::{ContentType, Header};
use rocket::serde::json::Json;
use rocket::State;

/// The report in the format asked for.
#[derive(rocket::Responder)]
pub enum ReportAnswer {
    Json(Json<Report>),
    File(Vec<u8>, ContentType, Header<'static>),
}

/// A required `YYYY-MM-DD` query parameter.
fn required_date(field: &str, v: Option<&str>) -> Result<chrono::NaiveDate> {
    crate::api::meetings::parse_date(field, v)?
        .ok_or_else(|| Error::invalid(field, "msg.reports.a_date_is_required_e_g"))
}

/// The period and filters of a report request, from the query string.
#[derive(Debug, rocket::FromForm)]
pub struct ReportQuery<'r> {
    pub from: Option<&'r str>,
    pub to: Option<&'r str>,
    pub agency_id: Option<i32>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
}

impl ReportQuery<'_> {
    /// Parses and checks the period (422 naming `from` or `to`).
    pub fn filter(&self) -> Result<ReportFilter> {
        ReportFilter::new(
            required_date("from", self.from)?,
            required_date("to", self.to)?,
            self.agency_id,
            self.room_id,
            self.chair_id,
        )
    }
}

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

/// The report over `filter` as JSON or as a CSV or xlsx attachment: for the API and the page's
/// download links.
pub async fn answer(db: &Db, filter: &ReportFilter, format: &str) -> Result<ReportAnswer> {
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(Error::invalid(
            "format",
            "msg.reports.the_format_must_be_json_csv",
        ));
    }
    let s = settings::load(db).await?;
    let report = reports::compute(db, filter, &s).await?;
    let name = format!("bao-cao-{}-{}", filter.from, filter.to);
    Ok(match format {
        "csv" => ReportAnswer::File(
            reports::to_csv(&report).into_bytes(),
            ContentType::new("text", "csv").with_params(("charset", "utf-8")),
            Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ),
        "xlsx" => ReportAnswer::File(
            reports::to_xlsx(&report)?,
            ContentType::new(
                "application",
                "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{name}.xlsx\""),
            ),
        ),
        _ => ReportAnswer::Json(Json(report)),
    })
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![report]
}
