//! Moving a decided meeting from its page (issue #18 item 2): the fields a reschedule and a
//! change of chair add to their decision forms, the leaders one may name to chair, and the
//! check of a move before it is taken. The forms and their routes are the meeting page's
//! (`super::meetings`); the rules are `domain::workflow` and `registration::decide`.

use super::request_form::{hints, Hints};
use crate::db::Db;
use crate::domain::meetings::zone_of;
use crate::domain::registration::{self, Actor, DecisionInput};
use crate::domain::workflow::{self, Action};
use crate::domain::{moves, reference, settings};
use crate::error::Lang;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use entity::room;
use serde_json::{json, Value};

/// A move checked, not taken: what was typed (`F`, the page's form) and what the check found.
pub struct Checked<F> {
    pub action: Action,
    pub form: F,
    pub hints: Hints,
}

/// Leaders who may chair in the chair's place: active leaders other than the chair, by the
/// reference data's order, as (id, "Name — position").
pub async fn leader_choices(db: &Db, chair: Option<i32>) -> Result<Vec<(i32, String)>> {
    let r = reference::current(db).await?;
    Ok(r.persons()
        .iter()
        .filter(|p| p.is_leader && p.active && Some(p.id) != chair)
        .map(|p| (p.id, format!("{} — {}", p.full_name, p.position)))
        .collect())
}

/// `datetime-local` text of an instant in the meeting's zone.
fn local(m: &entity::meeting::Model, t: DateTime<Utc>) -> String {
    t.with_timezone(&zone_of(m))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// What a decision's form adds for a move: the new time (reschedule) with the check's hints
/// and the find-a-time link, or the leaders to choose from (change of chair). `typed` is what
/// was typed (start, end, chair), kept across a refusal or a check.
pub fn fields(
    action: Action,
    m: &entity::meeting::Model,
    typed: Option<(&str, &str, &str)>,
    leaders: &[(i32, String)],
    hints: Option<&Hints>,
    field_error: &dyn Fn(&str) -> Option<String>,
) -> Value {
    match action {
        Action::Reschedule => {
            let (starts, ends) = typed
                .map(|(s, e, _)| (s.to_string(), e.to_string()))
                .unwrap_or_else(|| (local(m, m.starts_at), local(m, m.ends_at)));
            json!({
                "time": true,
                "starts_at": starts,
                "ends_at": ends,
                "starts_error": field_error("starts_at"),
                "ends_error": field_error("ends_at"),
                "hints": hints,
                "find_href": format!("/cuoc-hop/{}/tim-gio", m.id),
            })
        }
        // A return may carry a proposed time (and room, the form's room) for the agency.
        Action::Return => {
            let (starts, ends) = typed
                .map(|(s, e, _)| (s.to_string(), e.to_string()))
                .unwrap_or_default();
            json!({
                "time": true,
                "proposal": true,
                "starts_at": starts,
                "ends_at": ends,
                "starts_error": field_error("starts_at"),
                "ends_error": field_error("ends_at"),
            })
        }
        Action::ChangeChair => {
            let chosen = typed.and_then(|(_, _, c)| c.trim().parse::<i32>().ok());
            let choices: Vec<Value> = leaders
                .iter()
                .map(|(id, label)| json!({"value": id, "label": label, "selected": Some(*id) == chosen}))
                .collect();
            json!({
                "chair": true,
                "leaders": choices,
                "chair_error": field_error("chair_id"),
            })
        }
        _ => Value::Null,
    }
}

/// What a reschedule as typed would collide with, as the reviewer's page lists it (every
/// meeting named, errors first); nothing is written. The move's own refusals (a time that does
/// not parse, a room that does not exist, a meeting that cannot move) come as errors naming the
/// field, as the move itself would give them.
pub async fn check(
    db: &Db,
    actor: &Actor,
    id: i32,
    input: &DecisionInput,
    lang: Lang,
) -> Result<Hints> {
    let m = registration::get(db, actor, id).await?;
    workflow::next_status(m.status, Action::Reschedule)?;
    let tz = zone_of(&m);
    let time = |field: &str, v: &Option<String>| {
        v.as_deref()
            .map(|v| registration::parse_time(field, v, tz))
            .transpose()
    };
    let starts_at = time("starts_at", &input.starts_at)?.unwrap_or(m.starts_at);
    let ends_at = time("ends_at", &input.ends_at)?.unwrap_or(starts_at + (m.ends_at - m.starts_at));
    if ends_at <= starts_at {
        return Err(Error::invalid("ends_at", "msg.moves.ends_before_it_starts"));
    }
    if let Some(r) = input.room_id {
        registration::must_exist::<_, room::Entity>(&db.conn, "room_id", r).await?;
    }
    let to = moves::Moved {
        starts_at,
        ends_at,
        room_id: input.room_id.or(m.room_id),
        chair_id: m.chair_id,
    };
    let settings = settings::load(db).await?;
    let found = moves::check(db, &m, to, &settings).await?;
    Ok(hints::hints(found, lang))
}
