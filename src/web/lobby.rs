//! `/man-hinh`: the lobby screen (today's meetings per room, large type, refreshing itself every
//! minute unless paused). Public on purpose: only approved meetings, internal and confidential ones as busy.

use super::page::Viewer;
use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::lobby;
use crate::Result;
use chrono::Datelike;
use rocket::get;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::json;

#[get("/man-hinh")]
pub async fn screen(db: &State<Db>, viewer: Viewer) -> Result<Template> {
    let today = clock::now().with_timezone(&OFFICE_TZ).date_naive();
    let weekday = format!("weekday.{}", today.weekday().number_from_monday());
    let tr = super::i18n::translations();
    Ok(viewer.render(
        "lobby.html",
        "lobby.title",
        json!({
            "rooms": lobby::today(db).await?,
            "today": format!("{} {}", tr.text(viewer.lang, &weekday), today.format("%d/%m/%Y")),
            "embed": true,
            "refresh": 60,
            "lobby": true,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![screen]
}
