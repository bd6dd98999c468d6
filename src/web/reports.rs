//! `/bao-cao`: the report page for the office, with bar charts drawn as SVG by the server and
//! the same figures as `GET /api/v1/reports`, and links to download them as CSV or xlsx.
//! Printable: the stylesheet's print rules hide the menu and the period form.

use super::page::{choices, Choice, Page, Viewer};
use crate::auth::OfficeStaff;
use crate::db::Db;
use crate::domain::reports::{self, Count, ReportFilter, Utilisation};
use crate::domain::{clock, reference, settings};
use crate::http::reports::{answer, ReportAnswer, ReportQuery};
use crate::Result;
use chrono::{Datelike, Months, NaiveDate};
use entity::agency;
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

/// Rows of a utilisation table: `label` formats the period's first day.
fn utilisation_rows(rows: &[Utilisation], label: impl Fn(NaiveDate) -> String) -> Vec<Value> {
    rows.iter()
        .map(|u| {
            json!({
                "room": u.room,
                "period": label(u.period_start),
                "share": format!("{:.1}%", u.share * 100.0),
                "width": (u.share * BAR as f64).round() as i64,
            })
        })
        .collect()
}

/// The periods the office reports on, as of `today`: (label key, first day, last day).
fn presets(today: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let year = today.year();
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(today);
    let month_start = today.with_day(1).unwrap_or(today);
    let month_end = |start: NaiveDate, months: u32| {
        start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(start)
    };
    let quarter_start = day(today.month0() / 3 * 3 + 1, 1);
    let last_month = month_start
        .checked_sub_months(Months::new(1))
        .unwrap_or(month_start);
    vec![
        (
            "report.preset.month",
            month_start,
            month_end(month_start, 1),
        ),
        (
            "report.preset.last_month",
            last_month,
            month_end(last_month, 1),
        ),
        (
            "report.preset.quarter",
            quarter_start,
            month_end(quarter_start, 3),
        ),
        ("report.preset.nine_months", day(1, 1), day(9, 30)),
        ("report.preset.year", day(1, 1), day(12, 31)),
    ]
}

/// The query string of a report with this filter (for the presets and the downloads), already
/// escaped for an HTML attribute: it holds only dates and numbers, so the template may print it
/// raw (handlebars would otherwise write every `=` as `&#x3D;`).
fn query_of(f: &ReportFilter, from: NaiveDate, to: NaiveDate) -> String {
    let mut q = format!("from={from}&amp;to={to}");
    for (name, v) in [
        ("agency_id", f.agency_id),
        ("room_id", f.room_id),
        ("chair_id", f.chair_id),
    ] {
        if let Some(v) = v {
            q.push_str(&format!("&amp;{name}={v}"));
        }
    }
    q
}

/// The filter's choices: every agency, room and leader, the chosen one selected.
async fn filter_choices(db: &Db, f: &ReportQuery<'_>) -> Result<Value> {
    let pick = |v: Option<i32>| v.map(|v| vec![v.to_string()]).unwrap_or_default();
    let r = reference::current(db).await?;
    let mut agencies: Vec<&agency::Model> = r.agencies().iter().collect();
    agencies.sort_by(|a, b| a.name.cmp(&b.name));
    let agencies: Vec<Choice> = choices(
        agencies.into_iter().map(|a| (a.id, a.name.clone())),
        &pick(f.agency_id),
    );
    let rooms: Vec<Choice> = choices(
        r.rooms_in_order()
            .into_iter()
            .map(|r| (r.id, r.name.clone())),
        &pick(f.room_id),
    );
    let leaders: Vec<Choice> = choices(
        r.persons()
            .iter()
            .filter(|p| p.is_leader)
            .map(|p| (p.id, format!("{} – {}", p.full_name, p.position))),
        &pick(f.chair_id),
    );
    Ok(json!({"agencies": agencies, "rooms": rooms, "leaders": leaders}))
}

#[get("/bao-cao?<q..>")]
pub async fn page(
    _staff: OfficeStaff,
    db: &State<Db>,
    viewer: Viewer,
    q: ReportQuery<'_>,
) -> Result<std::result::Result<Template, Page>> {
    // Without a period: this year so far.
    let today = clock::office_date(clock::now());
    let year_start = today.with_ordinal(1).unwrap_or(today).to_string();
    let today_text = today.to_string();
    let q = ReportQuery {
        from: Some(q.from.filter(|v| !v.is_empty()).unwrap_or(&year_start)),
        to: Some(q.to.filter(|v| !v.is_empty()).unwrap_or(&today_text)),
        ..q
    };
    let filter = match q.filter() {
        Ok(f) => f,
        // A refused period shows the filter again as typed, the error beside its field.
        Err(e) if e.field().is_some() => {
            let field = e.field().unwrap_or_default().to_string();
            let page = viewer.render(
                "reports.html",
                "report.title",
                json!({
                    "refused": {"message": viewer.msg(&e), "from": field == "from", "to": field == "to"},
                    "from": q.from,
                    "to": q.to,
                    "choices": filter_choices(db, &q).await?,
                }),
            );
            return Ok(Err((e.status(), page)));
        }
        Err(e) => return Err(e),
    };
    let s = settings::load(db).await?;
    let r = reports::compute(db, &filter, &s).await?;
    let charts = vec![
        chart("report.by_status", &r.by_status, Some("status.")),
        chart("report.by_kind", &r.by_kind, Some("kind.")),
        chart("report.by_agency", &r.by_agency, None),
        chart("report.by_chair", &r.by_chair, None),
        chart("report.by_room", &r.by_room, None),
    ];
    let monthly = utilisation_rows(&r.utilisation_monthly, |d| d.format("%m/%Y").to_string());
    let weekly = utilisation_rows(&r.utilisation_weekly, |d| d.format("%d/%m/%Y").to_string());
    let presets: Vec<Value> = presets(today)
        .into_iter()
        .map(|(key, from, to)| {
            json!({
                "key": key,
                "query": query_of(&filter, from, to),
                "current": from == filter.from && to == filter.to,
            })
        })
        .collect();
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.1}")).unwrap_or_else(|| "–".into());
    Ok(Ok(viewer.render(
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
            "weekly": weekly,
            "presets": presets,
            "query": query_of(&filter, filter.from, filter.to),
            "choices": filter_choices(db, &q).await?,
            "median": hours(r.lead_time.median_hours),
            "p90": hours(r.lead_time.p90_hours),
            "bar": BAR,
        }),
    )))
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
