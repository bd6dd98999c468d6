//! `/lich-cong-tac`: the public weekly work schedule of leaders, as provincial portals publish it.
//! Public on purpose (only approved public meetings are in it); `?embed=1` drops the page chrome
//! so the portal can frame it; printable.

use super::page::Viewer;
use crate::db::Db;
use crate::domain::{calendars, clock, schedule_document, weekly_schedule};
use crate::Result;
use rocket::get;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::json;

#[get("/lich-cong-tac?<tuan>&<embed>")]
pub async fn weekly(
    db: &State<Db>,
    viewer: Viewer,
    tuan: Option<&str>,
    embed: Option<&str>,
) -> Result<Template> {
    let week = match tuan.filter(|t| !t.is_empty()) {
        // Any date of the week ("2026-11-25") or its ISO name ("2026-W48"), as the calendars take.
        Some(t) => calendars::parse_week("tuan", t)?,
        None => clock::week_start(clock::office_date(clock::now())),
    };
    let schedule = weekly_schedule::for_week(db, week).await?;
    // The official heading and signature block, for the print view (as in the .docx).
    let document = schedule_document::issued_today(db, &schedule, viewer.lang).await?;
    // The weekday's name comes from the page's language file.
    let mut schedule = serde_json::to_value(schedule).unwrap_or_default();
    if let Some(days) = schedule["days"].as_array_mut() {
        for day in days {
            day["weekday_key"] = json!(format!("weekday.{}", day["weekday"]));
        }
    }
    let this_week = clock::week_start(clock::office_date(clock::now()));
    let embed = embed == Some("1");
    Ok(viewer.render(
        "weekly_schedule.html",
        "schedule.title",
        json!({
            "schedule": schedule,
            "embed": embed,
            "this_week": this_week,
            "is_this_week": week == this_week,
            "document": document,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![weekly]
}
