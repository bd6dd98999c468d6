//! The office's calendar pages: the week by room (`/lich-phong`), the day timeline of rooms
//! (`/lich-phong/ngay`) and the week by leader (`/lich-lanh-dao`). Server-rendered tables,
//! printable; what each viewer sees of a meeting is decided in [`crate::domain::calendars`].

use super::page::Viewer;
use crate::auth::{Caller, OfficeStaff};
use crate::db::Db;
use crate::domain::registration::Actor;
use crate::domain::{calendars, clock, settings};
use crate::Result;
use rocket::get;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::json;

/// The week asked for (`tuan`), this week when none.
fn week_of(tuan: Option<&str>) -> Result<chrono::NaiveDate> {
    match tuan.filter(|t| !t.trim().is_empty()) {
        Some(t) => calendars::parse_week("tuan", t),
        None => Ok(clock::week_start(clock::office_date(clock::now()))),
    }
}

#[get("/lich-phong?<tuan>")]
pub async fn rooms_week(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    tuan: Option<&str>,
) -> Result<Template> {
    let week = week_of(tuan)?;
    let calendar = calendars::rooms_week(db, &Actor::from(&caller), week).await?;
    Ok(viewer.render(
        "calendar_week.html",
        "calendar.rooms.title",
        json!({
            "calendar": calendar,
            "base": "/lich-phong",
            "by_room": true,
            "row_heading": "calendar.room",
            "office": caller.is_office(),
        }),
    ))
}

#[get("/lich-lanh-dao?<tuan>")]
pub async fn leaders_week(
    db: &State<Db>,
    staff: OfficeStaff,
    viewer: Viewer,
    tuan: Option<&str>,
) -> Result<Template> {
    let week = week_of(tuan)?;
    let calendar = calendars::leaders_week(db, &Actor::from(&staff.0), week).await?;
    Ok(viewer.render(
        "calendar_week.html",
        "calendar.leaders.title",
        json!({
            "calendar": calendar,
            "base": "/lich-lanh-dao",
            "by_room": false,
            "row_heading": "calendar.leader",
            "office": true,
        }),
    ))
}

#[get("/lich-phong/ngay?<ngay>")]
pub async fn rooms_day(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    ngay: Option<&str>,
) -> Result<Template> {
    let day = match ngay.filter(|d| !d.trim().is_empty()) {
        Some(d) => calendars::parse_day("ngay", d)?,
        None => clock::office_date(clock::now()),
    };
    let s = settings::load(db).await?;
    let timeline = calendars::rooms_day(db, &Actor::from(&caller), day, &s).await?;
    Ok(viewer.render(
        "calendar_day.html",
        "calendar.day.title",
        json!({ "timeline": timeline, "office": caller.is_office() }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![rooms_week, leaders_week, rooms_day]
}
