//! Moving a decided meeting (reschedule, change of chair): what the move would collide with,
//! checked before it is taken. Taking it is `registration::decide`; the database refuses a
//! double booking whatever this check said.

use crate::db::Db;
use crate::domain::conflicts::{self, Conflict, Draft};
use crate::domain::settings::Settings;
use crate::domain::visibility::Viewer;
use crate::Result;
use chrono::{DateTime, Utc};
use entity::meeting;

/// Where and when a meeting would be after the move.
#[derive(Debug, Clone, Copy)]
pub struct Moved {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
}

/// The conflicts of `m` moved as `to`, as the office sees them (every meeting named). Each of
/// its standing occurrences shifts by the move of the first (a series keeps its rhythm), takes
/// the new length and, when the move names them, the new room and chair.
pub async fn check(
    db: &Db,
    m: &meeting::Model,
    to: Moved,
    settings: &Settings,
) -> Result<Vec<Conflict>> {
    let mut draft = Draft::of_saved(&db.conn, m).await?;
    let shift = to.starts_at - m.starts_at;
    let length = to.ends_at - to.starts_at;
    for slot in &mut draft.slots {
        slot.starts_at += shift;
        slot.ends_at = slot.starts_at + length;
        if to.room_id != m.room_id {
            slot.room_id = to.room_id;
        }
        if to.chair_id != m.chair_id {
            slot.chair_id = to.chair_id;
        }
    }
    if let (Some(new), old) = (to.chair_id, m.chair_id) {
        draft.persons.retain(|p| Some(*p) != old);
        if !draft.persons.contains(&new) {
            draft.persons.push(new);
        }
    }
    let mut found = conflicts::check(db, &draft, settings, Viewer::Office).await?;
    found.sort_by_key(|c| c.severity);
    Ok(found)
}

/// Moves one occurrence of a series from the meeting's page ("Chỉ buổi này"): as the API's
/// occurrence reschedule, and like every move from the page, with a reason.
pub async fn reschedule_one(
    db: &Db,
    actor: &crate::domain::registration::Actor,
    id: i32,
    date: Option<chrono::NaiveDate>,
    change: crate::domain::series::OccurrenceChange,
) -> Result<entity::occurrence::Model> {
    let date = from_the_page(date, &change)?;
    crate::domain::series::reschedule_occurrence(db, actor, id, date, change).await
}

/// Moves an occurrence of a series and the following ones from the meeting's page ("Từ buổi
/// này trở đi"): the series is split there and its tail moved, in one transaction.
pub async fn reschedule_following(
    db: &Db,
    actor: &crate::domain::registration::Actor,
    id: i32,
    date: Option<chrono::NaiveDate>,
    change: crate::domain::series::OccurrenceChange,
) -> Result<()> {
    let date = from_the_page(date, &change)?;
    crate::domain::series::reschedule_following(db, actor, id, date, change)
        .await
        .map(|_| ())
}

/// What a move of occurrences from the page needs first: a reason, then the occurrence chosen.
fn from_the_page(
    date: Option<chrono::NaiveDate>,
    change: &crate::domain::series::OccurrenceChange,
) -> Result<chrono::NaiveDate> {
    if change.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(crate::Error::invalid(
            "reason",
            "msg.decide.a_reason_is_required",
        ));
    }
    date.ok_or_else(|| crate::Error::invalid("date", "msg.moves.choose_an_occurrence"))
}
