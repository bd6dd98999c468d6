//! `/lich-cong-tac`: the public weekly work schedule of leaders, as provincial portals publish it.
//! Public on purpose: it shows the latest published revision of the week (or `?ban=N`), never
//! live data; `?embed=1` drops the page chrome so the portal can frame it; `?lanh-dao=<id>`
//! keeps one leader's rows; office roles add `?xem-truoc=1` to see the live draft, labelled.

use super::csrf::CsrfForm;
use super::page::Viewer;
use crate::auth::Approver;
use crate::db::Db;
use crate::domain::{calendars, clock, publication};
use crate::{Error, Result};
use rocket::form::FromForm;
use rocket::response::Redirect;
use rocket::State;
use rocket::{get, post};
use rocket_dyn_templates::Template;
use serde_json::json;

#[derive(FromForm, Default)]
pub struct WeekQuery {
    tuan: Option<String>,
    embed: Option<String>,
    ban: Option<String>,
    #[field(name = "lanh-dao")]
    lanh_dao: Option<String>,
    #[field(name = "xem-truoc")]
    xem_truoc: Option<String>,
}

fn number(field: &str, value: Option<&str>) -> Result<Option<i32>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| Error::invalid(field, "publication.bad_number")),
    }
}

#[get("/lich-cong-tac?<q..>")]
pub async fn weekly(db: &State<Db>, viewer: Viewer, q: WeekQuery) -> Result<Template> {
    let week = match q.tuan.as_deref().filter(|t| !t.is_empty()) {
        // Any date of the week ("2026-11-25") or its ISO name ("2026-W48"), as the calendars take.
        Some(t) => calendars::parse_week("tuan", t)?,
        None => clock::week_start(clock::office_date(clock::now())),
    };
    let ban = number("ban", q.ban.as_deref())?;
    let leader = number("lanh-dao", q.lanh_dao.as_deref())?;
    let office = viewer.caller.as_ref().is_some_and(|c| c.is_office());
    let approver = viewer
        .caller
        .as_ref()
        .is_some_and(|c| matches!(c.role(), entity::Role::OfficeApprover | entity::Role::Admin));
    let preview = office && q.xem_truoc.as_deref() == Some("1");
    let schedule = if preview {
        publication::preview(db, week, leader).await?
    } else {
        publication::published(db, week, ban, leader).await?
    };
    let revisions: Vec<i32> = match schedule.latest_revision {
        Some(n) => (0..=n).collect(),
        None => vec![],
    };
    // The weekday's name comes from the page's language file.
    let mut schedule = serde_json::to_value(schedule).unwrap_or_default();
    if let Some(days) = schedule["days"].as_array_mut() {
        for day in days {
            day["weekday_key"] = json!(format!("weekday.{}", day["weekday"]));
        }
    }
    let this_week = clock::week_start(clock::office_date(clock::now()));
    let embed = q.embed.as_deref() == Some("1");
    Ok(viewer.render(
        "weekly_schedule.html",
        "schedule.title",
        json!({
            "schedule": schedule,
            "embed": embed,
            "this_week": this_week,
            "is_this_week": week == this_week,
            "office": office,
            "approver": approver,
            "revisions": revisions,
            "leader": leader,
        }),
    ))
}

#[derive(FromForm, Default)]
pub struct PublishForm {
    #[field(default = String::new())]
    tuan: String,
    #[field(default = String::new())]
    note: String,
}

/// "Phát hành lịch tuần" / "Phát hành điều chỉnh" from the dashboard or the preview: the
/// publication row records who issued which revision, when, with the note.
#[post("/lich-cong-tac/phat-hanh", data = "<form>")]
pub async fn publish(
    db: &State<Db>,
    by: Approver,
    form: CsrfForm<PublishForm>,
) -> Result<Redirect> {
    let form = form.0;
    let week = calendars::parse_week("tuan", &form.tuan)?;
    let note = Some(form.note).filter(|n| !n.trim().is_empty());
    let saved = publication::publish(db, by.id(), week, note).await?;
    Ok(Redirect::to(format!(
        "/lich-cong-tac?tuan={}&ban={}",
        saved.week_start, saved.revision
    )))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![weekly, publish]
}
