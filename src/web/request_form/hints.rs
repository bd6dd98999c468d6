//! What the form shows beside itself: the conflicts of the request as filled in (`check`) and
//! free slots with rooms (`find`), for the page and for the live script.

use super::form::{date, number, page_field, request_input, RequestForm, Target};
use super::view::weekday_en;
use crate::db::Db;
use crate::domain::availability::{self, FreeSlot, SlotWarning};
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::conflicts::{self, Conflict, Severity};
use crate::domain::documents;
use crate::domain::reference;
use crate::domain::registration::{self, Actor};
use crate::domain::settings;
use crate::domain::weekly_schedule::weekday_vi;
use crate::error::{Error, Lang};
use crate::Result;
use chrono::{Datelike, Duration, NaiveTime};
use serde::Serialize;

/// Rooms offered per slot (how many slots, and over how many days: the office's settings).
const ROOMS_PER_SLOT: usize = 4;

/// Days searched when the clerk gives no end of the range.
const RANGE_DAYS: i64 = 14;

#[derive(Debug, Serialize)]
pub struct HintMeeting {
    /// None for a meeting the viewer may not open (its title is then "Bận").
    pub id: Option<i32>,
    pub title: String,
    pub when: String,
}

/// One conflict as the page shows it, in the page's language.
#[derive(Debug, Serialize)]
pub struct Hint {
    /// "error" or "warning" (a class; the label says it in words).
    pub severity: &'static str,
    pub label: String,
    pub message: String,
    pub meeting: Option<HintMeeting>,
    pub room: Option<String>,
    pub person: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Hints {
    pub conflicts: Vec<Hint>,
    pub errors: usize,
    pub warnings: usize,
    /// One sentence saying how it stands.
    pub summary: String,
}

pub(super) fn span(a: chrono::DateTime<chrono::Utc>, b: chrono::DateTime<chrono::Utc>) -> String {
    let (a, b) = (a.with_timezone(&OFFICE_TZ), b.with_timezone(&OFFICE_TZ));
    format!(
        "{}–{} {}",
        a.format("%H:%M"),
        b.format("%H:%M"),
        a.format("%d/%m/%Y")
    )
}

pub fn hints(found: Vec<Conflict>, lang: Lang) -> Hints {
    let tr = crate::web::i18n::translations();
    let errors = found
        .iter()
        .filter(|c| c.severity == Severity::Error)
        .count();
    let warnings = found.len() - errors;
    // Only the counts there are: "0 errors" reads as a fault when there are only notes.
    let summary = match (errors, warnings) {
        (0, 0) => tr.text(lang, "request_form.no_conflicts").to_string(),
        (_, 0) => tr
            .text(lang, "request_form.errors_found")
            .replace("{errors}", &errors.to_string()),
        (0, _) => tr
            .text(lang, "request_form.warnings_found")
            .replace("{warnings}", &warnings.to_string()),
        _ => tr
            .text(lang, "request_form.conflicts_found")
            .replace("{errors}", &errors.to_string())
            .replace("{warnings}", &warnings.to_string()),
    };
    let conflicts = found
        .into_iter()
        .map(|c| {
            let severity = match c.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            Hint {
                severity,
                label: tr
                    .text(lang, &format!("request_form.severity.{severity}"))
                    .to_string(),
                message: match lang {
                    Lang::Vi => c.message_vi,
                    Lang::En => c.message_en,
                },
                meeting: c.meeting.map(|m| HintMeeting {
                    id: m.id,
                    when: span(m.starts_at, m.ends_at),
                    title: m
                        .title
                        .unwrap_or_else(|| tr.text(lang, "privacy.busy").to_string()),
                }),
                room: c.room.map(|r| r.name),
                person: c.person.map(|p| p.name),
            }
        })
        .collect();
    Hints {
        conflicts,
        errors,
        warnings,
        summary,
    }
}

/// The conflicts of the form as filled in (a title is not needed to know them).
pub(super) async fn check(
    db: &Db,
    actor: &Actor,
    f: &RequestForm,
    target: Target,
    lang: Lang,
) -> Result<Hints> {
    let saved = match target.meeting_id() {
        Some(id) => Some(registration::get(db, actor, id).await?),
        None => None,
    };
    let mut input = request_input(f, saved.as_ref())?;
    if input.title.trim().is_empty() {
        input.title = "—".into();
    }
    input.submit = false;
    let kind = input.kind.unwrap_or(entity::MeetingKind::Hop);
    let s = settings::load(db).await?;
    let (_, mut found) = conflicts::of_input(db, actor, input, target.meeting_id(), &s)
        .await
        .map_err(page_field)?;
    // A new request has no documents yet: "no issues" must not hide a deadline already past.
    if target.meeting_id().is_none() {
        if let Some(day) = date("day", &f.day)? {
            let late = documents::late_for_new(&db.conn, kind, day, &s, clock::now()).await?;
            found.extend(late);
        }
    }
    Ok(hints(found, lang))
}

#[derive(Debug, Serialize)]
pub struct SlotRoom {
    pub id: i32,
    pub name: String,
    pub capacity: i32,
    /// Reopens the form with this slot and room (without script).
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct SlotView {
    /// "Thứ Ba 09/03/2027".
    pub label: String,
    /// For the form's fields: "2027-03-09", "08:00", "09:30".
    pub day: String,
    pub start: String,
    pub end: String,
    pub rooms: Vec<SlotRoom>,
    /// Registering for it now is late.
    pub late: bool,
    /// Its warnings in words ("Đăng ký muộn"), when any.
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Slots {
    pub slots: Vec<SlotView>,
    pub summary: String,
}

/// The words of a slot's warning.
pub(super) fn warning_key(w: SlotWarning) -> &'static str {
    match w {
        SlotWarning::Late => "find_time.late",
        SlotWarning::DocumentsDeadline => "find_time.documents_deadline",
    }
}

/// The free slots offered for the form's chair, attendees, capacity and equipment.
pub(super) async fn find(db: &Db, f: &RequestForm, target: Target, lang: Lang) -> Result<Slots> {
    let hm = |v: &str| NaiveTime::parse_from_str(v.trim(), "%H:%M").ok();
    let duration = match f.duration.trim() {
        "" => match (hm(&f.start), hm(&f.end)) {
            (Some(s), Some(e)) if e > s => (e - s).num_minutes(),
            _ => 60,
        },
        d => d
            .parse()
            .map_err(|_| Error::invalid("duration", "msg.hints.enter_a_number_of_minutes"))?,
    };
    let today = clock::office_date(clock::now());
    let from = match date("find_from", &f.find_from)? {
        Some(d) => d,
        None => date("day", &f.day)?
            .filter(|d| *d >= today)
            .unwrap_or(today),
    };
    let to = date("find_to", &f.find_to)?.unwrap_or(from + Duration::days(RANGE_DAYS));
    // The time typed on the form is the one asked: the nearest free slots come first.
    let asked = date("day", &f.day)?
        .zip(hm(&f.start))
        .and_then(|(d, t)| clock::local_to_utc(OFFICE_TZ, d.and_time(t)));
    let mut agencies = vec![];
    for a in &f.agencies {
        agencies.extend(number("agencies", a)?);
    }
    // An invited agency is represented by its head, as in the conflict check.
    let reference = reference::current(db).await?;
    let q = availability::Query {
        from,
        to,
        duration_minutes: duration,
        chair_id: number("chair_id", &f.chair_id)?,
        person_ids: agencies
            .iter()
            .filter_map(|a| reference.head_of(*a))
            .collect(),
        min_capacity: number("expected_attendance", &f.expected_attendance)?,
        equipment: f.equipment.clone(),
        limit: 0,
        exclude_meeting_id: target.meeting_id(),
        asked,
    };
    let s = settings::load(db).await?;
    let found = availability::find(db, &q, &s).await.map_err(page_field)?;
    let tr = crate::web::i18n::translations();
    let summary = if found.is_empty() {
        tr.text(lang, "request_form.no_slots").to_string()
    } else {
        tr.text(lang, "request_form.slots_found").to_string()
    };
    let slots = found
        .into_iter()
        .map(|slot: FreeSlot| {
            let day = slot.date.format("%Y-%m-%d").to_string();
            let weekday = match lang {
                Lang::Vi => weekday_vi(slot.date.weekday()),
                Lang::En => weekday_en(slot.date.weekday()).to_string(),
            };
            // The room already chosen first (when it is free then), then the smallest that fit.
            let mut fitting = slot.rooms.clone();
            fitting.sort_by_key(|r| (r.id.to_string() != f.room_id, r.capacity));
            let rooms = fitting
                .iter()
                .take(ROOMS_PER_SLOT)
                .map(|r| {
                    let chosen = RequestForm {
                        day: day.clone(),
                        start: slot.from.clone(),
                        end: slot.to.clone(),
                        room_id: r.id.to_string(),
                        step: String::new(),
                        ..f.clone()
                    };
                    SlotRoom {
                        id: r.id,
                        name: r.name.clone(),
                        capacity: r.capacity,
                        href: format!("{}?{}&step=check", target.path(), chosen.query()),
                    }
                })
                .collect();
            let note = (!slot.warnings.is_empty()).then(|| {
                slot.warnings
                    .iter()
                    .map(|w| tr.text(lang, warning_key(*w)))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            SlotView {
                label: format!("{weekday} {}", slot.date.format("%d/%m/%Y")),
                day,
                start: slot.from,
                end: slot.to,
                rooms,
                late: slot.late,
                note,
            }
        })
        .collect();
    Ok(Slots { slots, summary })
}

// --- the pages ---
