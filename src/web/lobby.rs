//! `/man-hinh`: the lobby screen for the TV at the entrance: a clock, and for each room what is
//! on now and what comes next. Public on purpose: only approved meetings, internal and
//! confidential ones as busy. It fills the screen in landscape (1920×1080) and portrait
//! (1080×1920) with a grid whose columns are chosen here from the number of rooms, and keeps
//! itself fresh with `lobby.js` (which fetches this page again, retrying with backoff while the
//! server is away, and keeps showing the last answer). No visible control: a key pauses.

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

/// Seconds between two refreshes.
pub const REFRESH_SECONDS: u32 = 60;

/// Columns of the rooms' grid for `rooms` cards on a screen `wide` units wide and `high` high:
/// the count whose cells come nearest to the screen's shape, so that no half stays empty.
pub fn columns(rooms: usize, wide: f64, high: f64) -> usize {
    let n = rooms.max(1) as f64;
    ((n * wide / high).sqrt().round() as usize).clamp(1, rooms.max(1))
}

#[get("/man-hinh")]
pub async fn screen(db: &State<Db>, viewer: Viewer) -> Result<Template> {
    let now = clock::now();
    let local = now.with_timezone(&OFFICE_TZ);
    let today = local.date_naive();
    let weekday = format!("weekday.{}", today.weekday().number_from_monday());
    let tr = super::i18n::translations();
    let rooms = lobby::today(db, now).await?;
    let n = rooms.len();
    Ok(viewer.render(
        "lobby.html",
        "lobby.title",
        json!({
            "today": format!("{} {}", tr.text(viewer.lang, &weekday), today.format("%d/%m/%Y")),
            "clock": local.format("%H:%M").to_string(),
            "cols_landscape": columns(n, 16.0, 9.0),
            "cols_portrait": columns(n, 9.0, 16.0),
            "rooms": rooms,
            "embed": true,
            "refresh": REFRESH_SECONDS,
            "lobby": true,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![screen]
}

#[cfg(test)]
mod tests {
    use super::columns;

    #[test]
    fn the_grid_follows_the_screen_shape() {
        // Six rooms: 3 × 2 on a landscape TV, 2 × 3 on a portrait one.
        assert_eq!(columns(6, 16.0, 9.0), 3);
        assert_eq!(columns(6, 9.0, 16.0), 2);
        assert_eq!(columns(1, 16.0, 9.0), 1);
        assert_eq!(columns(0, 16.0, 9.0), 1);
        assert_eq!(columns(12, 16.0, 9.0), 5);
    }
}
