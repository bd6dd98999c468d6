//! Find a time (tìm giờ họp): the earliest slots when the chair and the required attendees are
//! free, each with the rooms that fit (capacity, equipment) and are free with the setup buffer,
//! inside office hours, on working days, outside closures.
//!
//! Candidates lie on a 30-minute grid from the office's opening time. A room is taken by approved,
//! pending and reviewed meetings alike (proposing it would only create a new conflict); a person
//! by the meetings they chair (same statuses) and the approved meetings they must attend.
//! Loads everything with a handful of queries over the range, then works in memory.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::conflicts::{busy_attendees, busy_rooms_and_chairs, Draft};
use crate::domain::reference::{self, Reference};
use crate::domain::registration::MAX_DAYS;
use crate::domain::settings::Settings;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::room;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Longest range searched at once.
pub const MAX_RANGE_DAYS: i64 = 62;
pub const MAX_LIMIT: usize = 50;
pub const GRID_MINUTES: i64 = 30;

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub duration_minutes: i64,
    pub chair_id: Option<i32>,
    pub person_ids: Vec<i32>,
    pub min_capacity: Option<i32>,
    /// Equipment codes every proposed room must have.
    pub equipment: Vec<String>,
    pub limit: usize,
    /// A saved request looking for another time: its own occurrences do not count.
    pub exclude_meeting_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoomFit {
    pub id: i32,
    pub name: String,
    pub capacity: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FreeSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Office-local date and times, for display ("2027-03-09", "08:00", "09:30").
    pub date: NaiveDate,
    pub from: String,
    pub to: String,
    pub rooms: Vec<RoomFit>,
}

type Span = (DateTime<Utc>, DateTime<Utc>);

/// Is `[s, e)` widened by `pad` clear of every interval? `busy` is sorted by start and no
/// interval lasts more than MAX_DAYS.
fn clear(busy: &[Span], s: DateTime<Utc>, e: DateTime<Utc>, pad: Duration) -> bool {
    let lo = busy.partition_point(|b| b.0 < s - pad - Duration::days(MAX_DAYS));
    let hi = busy.partition_point(|b| b.0 < e + pad);
    busy[lo..hi.max(lo)]
        .iter()
        .all(|b| !(b.0 < e + pad && s - pad < b.1))
}

fn validate(q: &Query, settings: &Settings) -> Result<()> {
    if q.to < q.from {
        return Err(Error::invalid(
            "to",
            "msg.availability.to_must_not_be_before_from",
        ));
    }
    if q.to - q.from > Duration::days(MAX_RANGE_DAYS) {
        return Err(Error::invalid_with(
            "to",
            "refusals.search_at_most_days",
            &[("days", &MAX_RANGE_DAYS.to_string())],
        ));
    }
    let day = (settings.office_closes - settings.office_opens).num_minutes();
    if q.duration_minutes < 5 || q.duration_minutes > day {
        return Err(Error::Validation {
            field: "duration_minutes".to_string(),
            msg: crate::error::Msg::t(
                "msg.availability.the_duration_must_be_5_to",
                &[("day", &day.to_string())],
            ),
        });
    }
    Ok(())
}

/// The earliest free slots, at most `q.limit`.
pub async fn find(db: &Db, q: &Query, settings: &Settings) -> Result<Vec<FreeSlot>> {
    validate(q, settings)?;
    let needed = crate::domain::registration::equipment_by_code(&db.conn, &q.equipment).await?;
    let reference = reference::current(db).await?;
    find_with(db, &reference, q, &needed, settings).await
}

/// Other times for a request that conflicts: the next two weeks from its date, same length,
/// same chair, required persons and agencies' heads, capacity and equipment. Only for a single
/// meeting (a series is moved occurrence by occurrence) that fits in office hours.
pub async fn alternatives(db: &Db, draft: &Draft, settings: &Settings) -> Result<Vec<FreeSlot>> {
    let [slot] = draft.slots.as_slice() else {
        return Ok(vec![]);
    };
    let reference = reference::current(db).await?;
    let mut persons = draft.persons.clone();
    persons.extend(draft.agencies.iter().filter_map(|a| reference.head_of(*a)));
    let from = clock::office_date(slot.starts_at);
    let q = Query {
        from,
        to: from + Duration::days(14),
        duration_minutes: (slot.ends_at - slot.starts_at).num_minutes(),
        chair_id: slot.chair_id,
        person_ids: persons,
        min_capacity: draft.expected_attendance,
        equipment: vec![],
        limit: 5,
        exclude_meeting_id: draft.meeting_id,
    };
    if validate(&q, settings).is_err() {
        return Ok(vec![]);
    }
    find_with(db, &reference, &q, &draft.equipment_ids, settings).await
}

async fn find_with(
    db: &Db,
    reference: &Reference,
    q: &Query,
    needed: &[i32],
    settings: &Settings,
) -> Result<Vec<FreeSlot>> {
    let limit = q.limit.clamp(1, MAX_LIMIT);
    // Rooms that fit, smallest first.
    let mut rooms: Vec<&room::Model> = reference
        .rooms()
        .filter(|(r, kit)| {
            r.bookable
                && r.capacity >= q.min_capacity.unwrap_or(1)
                && needed.iter().all(|e| kit.iter().any(|k| k.id == *e))
        })
        .map(|(r, _)| r)
        .collect();
    rooms.sort_by_key(|r| (r.capacity, r.sort_order, r.id));
    if rooms.is_empty() {
        return Ok(vec![]);
    }
    let room_ids: Vec<i32> = rooms.iter().map(|r| r.id).collect();

    // Who must be free: the chair, the persons, and for agencies they head, nothing more.
    let persons: Vec<i32> = q
        .chair_id
        .into_iter()
        .chain(q.person_ids.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let buffer = Duration::minutes(settings.room_buffer_minutes.max(0));
    let day_start = |d: NaiveDate| {
        clock::local_to_utc(OFFICE_TZ, d.and_time(chrono::NaiveTime::MIN))
            .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc())
    };
    let range = [(
        day_start(q.from) - buffer,
        day_start(q.to + Duration::days(1)) + buffer,
    )];
    let conn = &db.conn;
    let busy =
        busy_rooms_and_chairs(conn, &room_ids, &persons, &range, q.exclude_meeting_id).await?;
    let mut by_room: HashMap<i32, Vec<Span>> = HashMap::new();
    let mut people_busy: Vec<Span> = Vec::new();
    for b in &busy {
        if let Some(r) = b.room_id.filter(|r| room_ids.contains(r)) {
            by_room.entry(r).or_default().push((b.starts_at, b.ends_at));
        }
        if b.chair_id.is_some_and(|c| persons.contains(&c)) {
            people_busy.push((b.starts_at, b.ends_at));
        }
    }
    if !persons.is_empty() {
        let headed: Vec<i32> = persons
            .iter()
            .filter_map(|p| reference.headed_by(*p))
            .collect();
        for a in busy_attendees(conn, &persons, &headed, &range, q.exclude_meeting_id).await? {
            people_busy.push((a.busy.starts_at, a.busy.ends_at));
        }
    }
    people_busy.sort();
    for v in by_room.values_mut() {
        v.sort();
    }

    let calendar = reference.calendar(q.from, q.to);
    let now = clock::now();
    let duration = Duration::minutes(q.duration_minutes);
    let step = Duration::minutes(GRID_MINUTES);
    let mut out = Vec::new();
    for d in q.from.iter_days().take_while(|d| *d <= q.to) {
        if !calendar.is_working_day(d) {
            continue;
        }
        let open: Vec<&room::Model> = rooms
            .iter()
            .copied()
            .filter(|r| calendar.closures_on(d, Some(r.id)).next().is_none())
            .collect();
        let (Some(opens), Some(closes)) = (
            clock::local_to_utc(OFFICE_TZ, d.and_time(settings.office_opens)),
            clock::local_to_utc(OFFICE_TZ, d.and_time(settings.office_closes)),
        ) else {
            continue;
        };
        let mut s = opens;
        while s + duration <= closes {
            let e = s + duration;
            if s >= now && clear(&people_busy, s, e, Duration::zero()) {
                let fits: Vec<RoomFit> = open
                    .iter()
                    .filter(|r| {
                        by_room
                            .get(&r.id)
                            .is_none_or(|busy| clear(busy, s, e, buffer))
                    })
                    .map(|r| RoomFit {
                        id: r.id,
                        name: r.name.clone(),
                        capacity: r.capacity,
                    })
                    .collect();
                if !fits.is_empty() {
                    let local =
                        |t: DateTime<Utc>| t.with_timezone(&OFFICE_TZ).format("%H:%M").to_string();
                    out.push(FreeSlot {
                        starts_at: s,
                        ends_at: e,
                        date: d,
                        from: local(s),
                        to: local(e),
                        rooms: fits,
                    });
                    if out.len() >= limit {
                        return Ok(out);
                    }
                }
            }
            s += step;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 9, h, m, 0).unwrap()
    }

    #[test]
    fn clear_respects_the_buffer_on_both_sides() {
        let busy = vec![(t(2, 0), t(3, 0))];
        let pad = Duration::minutes(15);
        assert!(clear(&busy, t(3, 15), t(4, 0), pad));
        assert!(!clear(&busy, t(3, 0), t(4, 0), pad));
        assert!(!clear(&busy, t(1, 0), t(1, 50), pad));
        assert!(clear(&busy, t(1, 0), t(1, 45), pad));
        assert!(clear(&busy, t(3, 0), t(4, 0), Duration::zero()));
    }
}
