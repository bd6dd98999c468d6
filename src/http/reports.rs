//! A report request's period and filters from the query string, and the report as JSON or as
//! a CSV or xlsx attachment: the API (`GET /api/v1/reports`) and the report page's downloads.

use crate::db::Db;
use crate::domain::reports::{self, Report, ReportFilter};
use crate::domain::settings;
use crate::{Error, Result};
use rocket::http::{ContentType, Header};
use rocket::serde::json::Json;

/// The report in the format asked for.
#[derive(rocket::Responder)]
pub enum ReportAnswer {
    Json(Json<Report>),
    File(Vec<u8>, ContentType, Header<'static>),
}

/// A required `YYYY-MM-DD` query parameter.
fn required_date(field: &str, v: Option<&str>) -> Result<chrono::NaiveDate> {
    super::parse_date(field, v)?
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
