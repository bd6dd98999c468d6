//! Find a time (tìm giờ họp): slots when the chair and the required attendees are free, each
//! with the rooms that fit (capacity, equipment) and are free with the setup buffer, inside
//! office hours and outside the lunch break, on working days, outside closures, never in the past.
//!
//! Candidates lie on a 30-minute grid from the office's opening time. A room is taken by approved,
//! pending and reviewed meetings alike (proposing it would only create a new conflict); a person
//! by the meetings they chair (same statuses) and the approved meetings they must attend.
//! Loads everything with a handful of queries over the range, then works in memory.
//!
//! What is offered (`pick`, without the database): the candidates of the first `find_days`
//! working days that have any, at most `find_per_day` a day and none overlapping another of the
//! same day, ranked by fewest warnings (late registration, documents deadline passed), then by
//! closeness to the time asked. So a clerk sees a few real choices over the week, not eight
//! starts 30 minutes apart on one morning.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::conflicts::{busy_attendees, busy_rooms_and_chairs, Draft};
use crate::domain::reference::{self, Reference};
use crate::domain::registration::MAX_DAYS;
use crate::domain::settings::Settings;
use crate::domain::working_days::{late_from, Calendar};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
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
    /// At most this many slots (after the spread over days); 0 = `find_days` × `find_per_day`.
    pub limit: usize,
    /// A saved request looking for another time: its own occurrences do not count.
    pub exclude_meeting_id: Option<i32>,
    /// The start asked for (the form's day and time); candidates nearer to it rank first. None:
    /// the office's opening on `from`.
    pub asked: Option<DateTime<Utc>>,
}

/// Why a free slot is not a clean choice (it is still free).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlotWarning {
    /// Registering now for this day is late (`working_days::late_from`: lead days or cut-off).
    Late,
    /// The documents deadline (`documents_lead_working_days` before) has already passed.
    DocumentsDeadline,
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
    /// Registering for this slot now is late.
    pub late: bool,
    /// Everything that makes the slot less good, fewest first in the ranking.
    pub warnings: Vec<SlotWarning>,
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
            "msg.find_time.range_at_most",
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

/// The free slots offered for `q` (see [`pick`]).
pub async fn find(db: &Db, q: &Query, settings: &Settings) -> Result<Vec<FreeSlot>> {
    validate(q, settings)?;
    let needed = crate::domain::registration::equipment_by_code(&db.conn, &q.equipment).await?;
    let reference = reference::current(db).await?;
    find_with(db, &reference, q, &needed, settings).await
}

/// Other times for a request that conflicts: from its date on, nearest first, same length,
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
        asked: Some(slot.starts_at),
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

    // Lateness and the documents deadline look back from each day: load the calendar wider.
    let calendar = reference.calendar(q.from - Duration::days(120), q.to);
    let now = clock::now();
    let duration = Duration::minutes(q.duration_minutes);
    let step = Duration::minutes(GRID_MINUTES);
    let today = clock::office_date(now);
    let mut candidates = Vec::new();
    let mut days_with_slots = 0;
    for d in q.from.iter_days().take_while(|d| *d <= q.to) {
        if days_with_slots >= settings.find_days.max(1) {
            break;
        }
        if d < today || !calendar.is_working_day(d) {
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
        let warnings = day_warnings(&calendar, d, now, today, settings);
        let before = candidates.len();
        let mut s = opens;
        while s + duration <= closes {
            let e = s + duration;
            let local = |t: DateTime<Utc>| t.with_timezone(&OFFICE_TZ).time();
            if s >= now
                && keeps_lunch(local(s), local(e), settings)
                && clear(&people_busy, s, e, Duration::zero())
            {
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
                    candidates.push(FreeSlot {
                        starts_at: s,
                        ends_at: e,
                        date: d,
                        from: local(s).format("%H:%M").to_string(),
                        to: local(e).format("%H:%M").to_string(),
                        rooms: fits,
                        late: warnings.contains(&SlotWarning::Late),
                        warnings: warnings.clone(),
                    });
                }
            }
            s += step;
        }
        if candidates.len() > before {
            days_with_slots += 1;
        }
    }
    let asked = q.asked.unwrap_or_else(|| {
        clock::local_to_utc(OFFICE_TZ, q.from.and_time(settings.office_opens)).unwrap_or(now)
    });
    let limit = match q.limit {
        0 => settings.find_days.max(1) * settings.find_per_day.max(1),
        n => n,
    }
    .clamp(1, MAX_LIMIT);
    Ok(pick(
        candidates,
        asked,
        settings.find_days.max(1),
        settings.find_per_day.max(1),
        limit,
    ))
}

/// What is wrong with any slot on day `d`, seen at `now`.
fn day_warnings(
    cal: &Calendar,
    d: NaiveDate,
    now: DateTime<Utc>,
    today: NaiveDate,
    settings: &Settings,
) -> Vec<SlotWarning> {
    let mut out = vec![];
    if late_from(cal, d, settings).is_some_and(|(from, _)| now >= from) {
        out.push(SlotWarning::Late);
    }
    let lead = settings.documents_lead_working_days;
    if lead > 0 && cal.deadline(d, lead) < today {
        out.push(SlotWarning::DocumentsDeadline);
    }
    out
}

/// Whether a slot from `s` to `e` (office-local) respects the lunch break: a meeting that fits
/// in the morning or the afternoon session stays inside one; a longer one (a whole-day
/// conference) holds the whole break, never starting or ending inside it.
pub fn keeps_lunch(s: NaiveTime, e: NaiveTime, settings: &Settings) -> bool {
    let (ls, le) = (settings.lunch_starts, settings.lunch_ends);
    if le <= ls {
        return true;
    }
    let longest = (ls - settings.office_opens).max(settings.office_closes - le);
    if e - s <= longest {
        e <= ls || s >= le
    } else {
        s <= ls && e >= le
    }
}

/// The slots offered, from every free candidate (in time order): the first `days` days that
/// have candidates; on each, at most `per_day`, none overlapping another, best first; then
/// all of them ranked by fewest warnings, then by closeness to `asked` (the nearest day, then
/// the nearest time of day: on another day the same hour is the natural offer), at most
/// `limit`.
pub fn pick(
    candidates: Vec<FreeSlot>,
    asked: DateTime<Utc>,
    days: usize,
    per_day: usize,
    limit: usize,
) -> Vec<FreeSlot> {
    // Closeness: first the day (the day asked, then the next ones), then the time of day.
    let asked = asked.with_timezone(&OFFICE_TZ);
    let rank = |c: &FreeSlot| {
        let at = c.starts_at.with_timezone(&OFFICE_TZ);
        (
            c.warnings.len(),
            (at.date_naive() - asked.date_naive()).num_days().abs(),
            (at.time() - asked.time()).num_seconds().abs(),
            c.starts_at,
        )
    };
    let mut by_day: Vec<(NaiveDate, Vec<FreeSlot>)> = vec![];
    for c in candidates {
        match by_day.last_mut() {
            Some((d, list)) if *d == c.date => list.push(c),
            _ => by_day.push((c.date, vec![c])),
        }
    }
    by_day.sort_by_key(|(d, _)| *d);
    let mut out: Vec<FreeSlot> = vec![];
    for (_, mut list) in by_day.into_iter().take(days) {
        list.sort_by_key(rank);
        let mut chosen: Vec<FreeSlot> = vec![];
        for c in list {
            if chosen.len() >= per_day {
                break;
            }
            if chosen
                .iter()
                .all(|x| c.ends_at <= x.starts_at || x.ends_at <= c.starts_at)
            {
                chosen.push(c);
            }
        }
        out.extend(chosen);
    }
    out.sort_by_key(rank);
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike};

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

    fn slot(day: u32, h: u32, m: u32, minutes: i64, warnings: &[SlotWarning]) -> FreeSlot {
        let s = Utc.with_ymd_and_hms(2027, 3, day, h, m, 0).unwrap();
        FreeSlot {
            starts_at: s,
            ends_at: s + Duration::minutes(minutes),
            date: NaiveDate::from_ymd_opt(2027, 3, day).unwrap(),
            from: String::new(),
            to: String::new(),
            rooms: vec![],
            late: warnings.contains(&SlotWarning::Late),
            warnings: warnings.to_vec(),
        }
    }

    /// Every 30 minutes from 00:30 to 09:00 UTC (07:30–16:00 in the office) on each day.
    fn grid(days: &[u32], warnings: &[SlotWarning]) -> Vec<FreeSlot> {
        days.iter()
            .flat_map(|d| (1..=18).map(move |i| slot(*d, i / 2, (i % 2) * 30, 60, warnings)))
            .collect()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn no_slot_starts_ends_or_sits_in_the_lunch_break() {
        let s = Settings::default(); // 07:30–17:00, lunch 11:30–13:30
        assert!(keeps_lunch(hm(10, 30), hm(11, 30), &s));
        assert!(keeps_lunch(hm(13, 30), hm(15, 30), &s));
        assert!(!keeps_lunch(hm(11, 30), hm(13, 30), &s), "the break itself");
        assert!(!keeps_lunch(hm(12, 0), hm(14, 0), &s), "across its end");
        assert!(!keeps_lunch(hm(11, 0), hm(12, 0), &s), "into it");
        assert!(
            !keeps_lunch(hm(10, 0), hm(14, 0), &s),
            "a 4-hour meeting fits a morning"
        );
        // Longer than either session (a whole-day conference): it holds the whole break.
        assert!(keeps_lunch(hm(7, 30), hm(16, 30), &s));
        assert!(!keeps_lunch(hm(12, 0), hm(17, 0), &s));
        let no_break = Settings {
            lunch_ends: s.lunch_starts,
            ..s
        };
        assert!(keeps_lunch(hm(12, 0), hm(14, 0), &no_break));
    }

    #[test]
    fn a_few_apart_per_day_over_the_first_days_nearest_the_asked_time_first() {
        let asked = Utc.with_ymd_and_hms(2027, 3, 9, 2, 0, 0).unwrap(); // 09:00 on the 9th
        let got = pick(grid(&[9, 10, 11, 12], &[]), asked, 3, 3, 50);
        // Three days of candidates, three a day.
        let days: BTreeSet<u32> = got.iter().map(|s| s.date.day0() + 1).collect();
        assert_eq!(days, BTreeSet::from([9, 10, 11]));
        assert_eq!(got.len(), 9);
        // None of one day overlaps another of that day.
        for a in &got {
            for b in &got {
                if a != b && a.date == b.date {
                    assert!(a.ends_at <= b.starts_at || b.ends_at <= a.starts_at);
                }
            }
        }
        // The asked time first, then its neighbours an hour away, then the next day.
        assert_eq!(got[0].starts_at, asked);
        assert_eq!(
            (got[1].starts_at - asked).num_minutes().abs(),
            60,
            "{:?}",
            got[1]
        );
        assert_eq!(got[3].date, NaiveDate::from_ymd_opt(2027, 3, 10).unwrap());
        // Ranked by the day, then the time of day nearest the time asked.
        let distance: Vec<(u32, i64)> = got
            .iter()
            .map(|s| {
                let minutes = i64::from(s.starts_at.hour() * 60 + s.starts_at.minute());
                (s.date.day(), (minutes - 120).abs())
            })
            .collect();
        assert!(distance.windows(2).all(|w| w[0] <= w[1]), "{distance:?}");
        assert_eq!(got[3].starts_at.hour(), 2, "the same hour the next day");
        assert_eq!(pick(grid(&[9, 10], &[]), asked, 5, 3, 4).len(), 4, "limit");
    }

    #[test]
    fn fewer_warnings_rank_before_closeness() {
        let asked = Utc.with_ymd_and_hms(2027, 3, 9, 2, 0, 0).unwrap();
        let mut all = grid(&[9], &[SlotWarning::Late, SlotWarning::DocumentsDeadline]);
        all.extend(grid(&[10], &[SlotWarning::Late]));
        all.extend(grid(&[11], &[]));
        let got = pick(all, asked, 5, 2, 50);
        let order: Vec<(u32, usize)> = got
            .iter()
            .map(|s| (s.date.day0() + 1, s.warnings.len()))
            .collect();
        assert_eq!(
            order,
            vec![(11, 0), (11, 0), (10, 1), (10, 1), (9, 2), (9, 2)]
        );
        assert!(got[2].late && !got[0].late);
    }
}
