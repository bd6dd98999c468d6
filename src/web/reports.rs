//! `/bao-cao`: the report page for the office, with bar charts drawn as SVG by the server and
//! the same figures as `GET /api/v1/reports`, and links to download them as CSV or xlsx.
//! Printable: the stylesheet's print rules hide the menu and the period form.

use super::page::Viewer;
use crate::api::reports::{answer, ReportAnswer, ReportQuery};
use crate::auth::OfficeStaff;
use crate::db::Db;
use crate::domain::reports::{self, Count};
use crate::domain::{clock, settings};
use crate::Result;
use chrono::Datelike;
use rocket::get;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

/// Width of the longest bar, in SVG user units.
const BAR: i64 = 300;

/// One chart: bars scaled to the largest count; `key_prefix` names the locale key of each
/// bar's label ("status.", "kind.") or None when the label is a name from the data.
fn chart(title: &str, counts: &[Count], key_prefix: Option<&str>) -> Value {
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let bars: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "label": c.label,
                "label_key": key_prefix.map(|p| format!("{p}{}", c.key)),
                "count": c.count,
                "y": i * 22,
                "text_y": i * 22 + 14,
                "width": c.count * BAR / max,
            })
        })
        .collect();
    json!({"title": title, "bars": bars, "height": counts.len() * 22})
}

#[get("/bao-cao?<q..>")]
pub async fn page(
    _staff: OfficeStaff,
    db: &State<Db>,
    viewer: Viewer,
    q: ReportQuery<'_>,
) -> Result<Template> {
    // Without a period: this year so far.
    let today = clock::office_date(clock::now());
    let year_start = today.with_ordinal(1).unwrap_or(today).to_string();
    let today_text = today.to_string();
    let q = ReportQuery {
        from: Some(q.from.filter(|v| !v.is_empty()).unwrap_or(&year_start)),
        to: Some(q.to.filter(|v| !v.is_empty()).unwrap_or(&today_text)),
        ..q
    };
    let filter = q.filter()?;
    let s = settings::load(db).await?;
    let r = reports::compute(db, &filter, &s).await?;
    let charts = vec![
        chart("report.by_status", &r.by_status, Some("status.")),
        chart("report.by_kind", &r.by_kind, Some("kind.")),
        chart("report.by_agency", &r.by_agency, None),
        chart("report.by_chair", &r.by_chair, None),
        chart("report.by_room", &r.by_room, None),
    ];
    let monthly: Vec<Value> = r
        .utilisation_monthly
        .iter()
        .map(|u| {
            json!({
                "room": u.room,
                "month": u.period_start.format("%m/%Y").to_string(),
                "share": format!("{:.1}%", u.share * 100.0),
                "width": (u.share * BAR as f64).round() as i64,
            })
        })
        .collect();
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.1}")).unwrap_or_else(|| "–".into());
    Ok(viewer.render(
        "reports.html",
        "report.title",
        json!({
            "from": filter.from,
            "to": filter.to,
            "from_text": filter.from.format("%d/%m/%Y").to_string(),
            "to_text": filter.to.format("%d/%m/%Y").to_string(),
            "report": r,
            "charts": charts,
            "monthly": monthly,
            "median": hours(r.lead_time.median_hours),
            "p90": hours(r.lead_time.p90_hours),
            "bar": BAR,
        }),
    ))
}

/// The page's figures as a file (`dinh_dang` csv or xlsx), with the session of the page: the
/// API itself takes Bearer tokens only.
#[get("/bao-cao/tai-ve?<dinh_dang>&<q..>")]
pub async fn download(
    _staff: OfficeStaff,
    db: &State<Db>,
    q: ReportQuery<'_>,
    dinh_dang: Option<&str>,
) -> Result<ReportAnswer> {
    answer(db, &q.filter()?, dinh_dang.unwrap_or("csv")).await
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page, download]
}
