//! The office's calendar pages: the week by room (`/lich-phong`), the day timeline of rooms
//! (`/lich-phong/ngay`), the week by leader (`/lich-lanh-dao`) and the months of both
//! (`/lich-phong/thang`, `/lich-lanh-dao/thang`). Server-rendered tables, printable; what each
//! viewer sees of a meeting is decided in [`crate::domain::calendars`]. A free cell of the room
//! calendars is a link to the request form with room, day and time filled in (no script
//! needed); the day view draws the current-time line on the server and a small script
//! (`calendar-day.js`) redraws it every minute.

use super::page::{Page, Viewer};
use crate::auth::{Caller, OfficeStaff};
use crate::db::Db;
use crate::domain::registration::Actor;
use crate::domain::{calendars, clock, publication, settings};
use crate::Result;
use chrono::NaiveDate;
use rocket::get;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

/// The page's answer: the calendar, or (422) today's calendar with the pick field as typed and
/// its error beside it when the asked week or day was refused.
type Shown = std::result::Result<Template, Page>;

/// The date asked for, parsed by `parse`; `fallback` when none. A refused value keeps the page
/// usable: `fallback` is shown and the refusal (what was typed, why) goes beside the pick field.
fn asked(
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<NaiveDate>,
    fallback: NaiveDate,
    viewer: &Viewer,
) -> Result<(NaiveDate, Option<(rocket::http::Status, Value)>)> {
    match value.filter(|t| !t.trim().is_empty()) {
        None => Ok((fallback, None)),
        Some(v) => match parse(v) {
            Ok(d) => Ok((d, None)),
            Err(e) if e.field().is_some() => Ok((
                fallback,
                Some((e.status(), json!({"value": v, "message": viewer.msg(&e)}))),
            )),
            Err(e) => Err(e),
        },
    }
}

fn this_week() -> NaiveDate {
    clock::week_start(clock::office_date(clock::now()))
}

// The "error" is the same page with a 4xx status, not a failure, and `Template` (the Ok side)
// is nearly as large: boxing it would add an allocation and shrink the result by a few bytes.
#[allow(clippy::result_large_err)]
fn shown(page: Template, refused: Option<(rocket::http::Status, Value)>) -> Shown {
    match refused {
        Some((status, _)) => Err((status, page)),
        None => Ok(page),
    }
}

#[get("/lich-phong?<tuan>")]
pub async fn rooms_week(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    tuan: Option<&str>,
) -> Result<Shown> {
    let (week, refused) = asked(
        tuan,
        |t| calendars::parse_week("tuan", t),
        this_week(),
        &viewer,
    )?;
    let s = settings::load(db).await?;
    let calendar = calendars::rooms_week(db, &Actor::from(&caller), week, &s).await?;
    let page = viewer.render(
        "calendar_week.html",
        "calendar.rooms.title",
        json!({
            "calendar": calendar,
            "base": "/lich-phong",
            "by_room": true,
            "row_heading": "calendar.room",
            "office": caller.is_office(),
            "refused": refused.as_ref().map(|r| &r.1),
        }),
    );
    Ok(shown(page, refused))
}

#[get("/lich-lanh-dao?<tuan>")]
pub async fn leaders_week(
    db: &State<Db>,
    staff: OfficeStaff,
    viewer: Viewer,
    tuan: Option<&str>,
) -> Result<Shown> {
    let (week, refused) = asked(
        tuan,
        |t| calendars::parse_week("tuan", t),
        this_week(),
        &viewer,
    )?;
    let calendar = calendars::leaders_week(db, &Actor::from(&staff.0), week).await?;
    // The approver publishes the week from its preview (the first issue or an adjustment).
    let approver = matches!(
        staff.0.role(),
        entity::Role::OfficeApprover | entity::Role::Admin
    );
    let publish = match approver {
        true => Some(json!({
            "week": week,
            "published": publication::latest(&db.conn, week).await?.is_some(),
        })),
        false => None,
    };
    let page = viewer.render(
        "calendar_week.html",
        "calendar.leaders.title",
        json!({
            "calendar": calendar,
            "base": "/lich-lanh-dao",
            "publish": publish,
            "by_room": false,
            "row_heading": "calendar.leader",
            "office": true,
            "refused": refused.as_ref().map(|r| &r.1),
        }),
    );
    Ok(shown(page, refused))
}

#[get("/lich-phong/ngay?<ngay>")]
pub async fn rooms_day(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    ngay: Option<&str>,
) -> Result<Shown> {
    let today = clock::office_date(clock::now());
    let (day, refused) = asked(ngay, |d| calendars::parse_day("ngay", d), today, &viewer)?;
    let s = settings::load(db).await?;
    let timeline = calendars::rooms_day(db, &Actor::from(&caller), day, &s).await?;
    let page = viewer.render(
        "calendar_day.html",
        "calendar.day.title",
        json!({
            "timeline": timeline,
            "script": crate::web::assets::url(DAY_SCRIPT),
            "office": caller.is_office(),
            "refused": refused.as_ref().map(|r| &r.1),
        }),
    );
    Ok(shown(page, refused))
}

/// A month page of rooms or leaders.
async fn month_page(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    thang: Option<&str>,
    of: calendars::MonthOf,
) -> Result<Shown> {
    let today = clock::office_date(clock::now());
    let (first, refused) = asked(thang, |t| calendars::parse_month("thang", t), today, viewer)?;
    let month = calendars::month(db, &Actor::from(caller), first, of).await?;
    let rooms = of == calendars::MonthOf::Rooms;
    let page = viewer.render(
        "calendar_month.html",
        if rooms {
            "calendar.month.rooms_title"
        } else {
            "calendar.month.leaders_title"
        },
        json!({
            "month": month,
            "base": if rooms { "/lich-phong/thang" } else { "/lich-lanh-dao/thang" },
            "week_base": if rooms { "/lich-phong" } else { "/lich-lanh-dao" },
            "by_room": rooms,
            "office": caller.is_office(),
            "refused": refused.as_ref().map(|r| &r.1),
        }),
    );
    Ok(shown(page, refused))
}

#[get("/lich-phong/thang?<thang>")]
pub async fn rooms_month(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    thang: Option<&str>,
) -> Result<Shown> {
    month_page(db, &caller, &viewer, thang, calendars::MonthOf::Rooms).await
}

#[get("/lich-lanh-dao/thang?<thang>")]
pub async fn leaders_month(
    db: &State<Db>,
    staff: OfficeStaff,
    viewer: Viewer,
    thang: Option<&str>,
) -> Result<Shown> {
    month_page(db, &staff.0, &viewer, thang, calendars::MonthOf::Leaders).await
}

/// The day view's script, by its fingerprinted URL.
pub const DAY_SCRIPT: &str = "calendar-day.js";

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        rooms_week,
        leaders_week,
        rooms_day,
        rooms_month,
        leaders_month
    ]
}
