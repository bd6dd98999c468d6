//! The office's calendars: the week by room (lịch phòng họp), the week by leader (lịch lãnh đạo)
//! and the day timeline of rooms. Approved meetings are firm; pending and reviewed requests are
//! tentative. Closures and public holidays are marked on their day.
//!
//! What a viewer sees of a meeting: the office sees everything; an agency's clerk sees the rooms'
//! occupancy, its own agency's meetings in detail, and other agencies' meetings only as "Bận"
//! (busy) — the rule of [`crate::domain::visibility`].

mod day;
mod month;

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::persons;
use crate::domain::reference;
use crate::domain::registration::{self, Actor, MeetingFilter};
use crate::domain::settings::Settings;
use crate::domain::visibility::{self, Viewer};
use crate::domain::weekly_schedule::short_position;
use crate::domain::working_days::Calendar;
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;

/// The statuses a calendar shows: firm (approved) and tentative (pending, reviewed).
pub const SHOWN: [MeetingStatus; 3] = [
    MeetingStatus::Approved,
    MeetingStatus::Reviewed,
    MeetingStatus::Pending,
];

/// Minutes of one column of the day timeline.
pub const SLOT_MINUTES: i64 = 30;

/// Years a calendar page may ask for: far enough for any plan, near enough for date arithmetic.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2200;

fn bad_week(field: &str, value: &str) -> Error {
    Error::invalid_with(field, "msg.calendars.invalid_week", &[("value", value)])
}

/// The Monday of a week named "2026-W48" (ISO 8601) or by any of its dates ("2026-11-25").
pub fn parse_week(field: &str, value: &str) -> Result<NaiveDate> {
    let v = value.trim();
    let monday = match v.split_once(['W', 'w']) {
        Some((year, week)) => {
            let year: i32 = year
                .trim_end_matches('-')
                .parse()
                .map_err(|_| bad_week(field, value))?;
            let week: u32 = week.parse().map_err(|_| bad_week(field, value))?;
            if !YEARS.contains(&year) {
                return Err(bad_week(field, value));
            }
            NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
                .ok_or_else(|| bad_week(field, value))?
        }
        None => {
            let d: NaiveDate = v.parse().map_err(|_| bad_week(field, value))?;
            if !YEARS.contains(&d.year()) {
                return Err(bad_week(field, value));
            }
            clock::week_start(d)
        }
    };
    Ok(monday)
}

/// A day as "2026-11-25".
pub fn parse_day(field: &str, value: &str) -> Result<NaiveDate> {
    let bad = || Error::invalid_with(field, "msg.calendars.invalid_day", &[("value", value)]);
    let d: NaiveDate = value.trim().parse().map_err(|_| bad())?;
    if !YEARS.contains(&d.year()) {
        return Err(bad());
    }
    Ok(d)
}

/// The ISO 8601 name of the week holding `date`: "2026-W48".
pub fn week_name(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    clock::local_to_utc(OFFICE_TZ, d.and_time(NaiveTime::MIN)).unwrap_or_default()
}

fn hm(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ).format("%H:%M").to_string()
}

/// One meeting in a calendar cell, as the viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// None for a busy block: the viewer may not open it.
    pub meeting_id: Option<i32>,
    /// "08:00–09:30" (the part of the day when the meeting spans several days).
    pub time: String,
    pub title: Option<String>,
    pub chair: Option<String>,
    pub room: Option<String>,
    /// Translation key of the status ("status.pending").
    pub status_key: String,
    /// Not approved yet (pending or reviewed).
    pub tentative: bool,
    /// Shown only as "Bận".
    pub busy: bool,
    /// In the leader calendar: attended as a required attendee rather than chaired.
    pub attending: bool,
    #[serde(skip)]
    pub starts_at: DateTime<Utc>,
    #[serde(skip)]
    pub ends_at: DateTime<Utc>,
}

/// The meetings, people and rooms (in the office's order) a calendar names, loaded once.
pub(crate) struct Names {
    pub meetings: HashMap<i32, meeting::Model>,
    pub persons: HashMap<i32, person::Model>,
    pub rooms: Vec<room::Model>,
}

impl Names {
    pub async fn load(db: &Db, occurrences: &[occurrence::Model]) -> Result<Self> {
        let ids: Vec<i32> = occurrences.iter().map(|o| o.meeting_id).collect();
        let meetings = meeting::Entity::find()
            .filter(meeting::Column::Id.is_in(ids))
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let reference = reference::current(db).await?;
        let persons = reference
            .persons()
            .iter()
            .map(|p| (p.id, p.clone()))
            .collect();
        let rooms = reference.rooms_in_order().into_iter().cloned().collect();
        Ok(Names {
            meetings,
            persons,
            rooms,
        })
    }

    /// The entry of `o` on `day` (its part of that day), as `actor` may see it.
    fn entry(&self, actor: &Actor, o: &occurrence::Model, day: NaiveDate) -> Option<Entry> {
        let m = self.meetings.get(&o.meeting_id)?;
        let detail = visibility::of(Viewer::Signed(actor), m).detail();
        let (from, to) = (day_start(day), day_start(day + Duration::days(1)));
        let start = o.starts_at.max(from);
        let end = o.ends_at.min(to);
        let end_text = if end == to && o.ends_at >= to {
            "24:00".to_string()
        } else {
            hm(end)
        };
        let room = o
            .room_id
            .and_then(|r| self.rooms.iter().find(|x| x.id == r))
            .map(|r| r.name.clone())
            .or_else(|| m.location.clone().filter(|_| detail));
        Some(Entry {
            meeting_id: detail.then_some(m.id),
            time: format!("{}–{}", hm(start), end_text),
            title: detail.then(|| m.title.clone()),
            chair: o
                .chair_id
                .filter(|_| detail)
                .and_then(|c| self.persons.get(&c))
                .map(|p| format!("{} {}", short_position(&p.position), p.full_name)),
            room,
            status_key: format!("status.{}", o.status.code()),
            tentative: o.status != MeetingStatus::Approved,
            busy: !detail,
            attending: false,
            starts_at: start,
            ends_at: end,
        })
    }
}

/// Occurrences shown in `from..to`, every agency's: the calendars show rooms' occupancy, and
/// [`visibility::of`] decides per viewer what each one reveals.
async fn shown_between(
    db: &Db,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<occurrence::Model>> {
    let everyone = Actor {
        agency_id: None,
        office: true,
        ..*actor
    };
    let filter = MeetingFilter {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    Ok(registration::occurrences_between(db, &everyone, &filter)
        .await?
        .into_iter()
        .filter(|o| SHOWN.contains(&o.status))
        .collect())
}

/// A day's heading: weekday, date, and why it is not a working day.
#[derive(Debug, Clone, Serialize)]
pub struct DayHead {
    pub date: NaiveDate,
    /// 1 = Monday … 7 = Sunday, and its key in the language files ("weekday.1").
    pub weekday: u32,
    pub weekday_key: String,
    /// "14/07".
    pub day_month: String,
    /// "14/07/2026".
    pub date_text: String,
    pub today: bool,
    pub working: bool,
    pub holiday_vi: Option<&'static str>,
    pub holiday_en: Option<&'static str>,
    /// Reasons of the office-wide closures on that day (nghỉ bù, …).
    pub closures: Vec<String>,
}

fn day_head(cal: &Calendar, d: NaiveDate, today: NaiveDate) -> DayHead {
    let holiday = cal.holiday(d);
    let closures = cal
        .closures_on(d, None)
        .map(|c| c.reason.clone())
        // Holidays entered as closures would otherwise show twice.
        .filter(|r| holiday.as_ref().is_none_or(|h| h.name_vi != r.as_str()))
        .collect();
    DayHead {
        date: d,
        weekday: d.weekday().number_from_monday(),
        weekday_key: format!("weekday.{}", d.weekday().number_from_monday()),
        day_month: d.format("%d/%m").to_string(),
        date_text: d.format("%d/%m/%Y").to_string(),
        today: d == today,
        working: cal.is_working_day(d),
        holiday_vi: holiday.as_ref().map(|h| h.name_vi),
        holiday_en: holiday.as_ref().map(|h| h.name_en),
        closures,
    }
}

/// A week's heading and navigation.
#[derive(Debug, Clone, Serialize)]
pub struct WeekHead {
    pub week_start: NaiveDate,
    /// "2026-W48", and the neighbours' and the current week's names for links.
    pub name: String,
    pub previous: String,
    pub next: String,
    pub this_week: String,
    pub is_this_week: bool,
    /// "23/11/2026" and "29/11/2026".
    pub from_text: String,
    pub to_text: String,
    pub days: Vec<DayHead>,
}

async fn week_head(db: &Db, week: NaiveDate) -> Result<(WeekHead, Calendar)> {
    let week = clock::week_start(week);
    let end = week + Duration::days(6);
    let cal = Calendar::load(&db.conn, week, end).await?;
    let today = clock::office_date(clock::now());
    let this_week = clock::week_start(today);
    let head = WeekHead {
        week_start: week,
        name: week_name(week),
        previous: week_name(week - Duration::days(7)),
        next: week_name(week + Duration::days(7)),
        this_week: week_name(this_week),
        is_this_week: week == this_week,
        from_text: week.format("%d/%m/%Y").to_string(),
        to_text: end.format("%d/%m/%Y").to_string(),
        days: (0..7)
            .map(|i| day_head(&cal, week + Duration::days(i), today))
            .collect(),
    };
    Ok((head, cal))
}

/// One cell: a row's day.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub date: NaiveDate,
    /// Closures of this room on that day (maintenance…), beyond the office-wide ones.
    pub closures: Vec<String>,
    pub entries: Vec<Entry>,
    /// In the room calendar: the first free hour of a bookable room on a working day that is
    /// not past, which the cell offers to book.
    pub book: Option<Book>,
}

/// A free time a calendar offers to book: the request form opened with room, day and time.
#[derive(Debug, Clone, Serialize)]
pub struct Book {
    pub day: String,
    /// "08:00", "09:00".
    pub start: String,
    pub end: String,
    pub room_id: i32,
    pub room_name: String,
    /// "07/12/2026".
    pub date_text: String,
}

/// Minutes a booking link from a calendar asks for.
pub const BOOK_MINUTES: i64 = 60;

/// The first free stretch of [`BOOK_MINUTES`] (less when only less is left before the next
/// meeting, at least one [`SLOT_MINUTES`]) on the day's grid from the office's opening, not
/// before `now`, outside `taken` and the lunch break.
fn first_free(
    day: NaiveDate,
    taken: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
    settings: &Settings,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |t: NaiveTime| clock::local_to_utc(OFFICE_TZ, day.and_time(t));
    let (opens, closes) = (at(settings.office_opens)?, at(settings.office_closes)?);
    let lunch = (at(settings.lunch_starts)?, at(settings.lunch_ends)?);
    let step = Duration::minutes(SLOT_MINUTES);
    let free = |a: DateTime<Utc>, b: DateTime<Utc>| {
        b <= closes
            && (lunch.1 <= lunch.0 || b <= lunch.0 || a >= lunch.1)
            && taken.iter().all(|(s, e)| b <= *s || *e <= a)
    };
    let mut s = opens;
    while s + step <= closes {
        if s >= now && free(s, s + step) {
            let long = s + Duration::minutes(BOOK_MINUTES);
            return Some((s, if free(s, long) { long } else { s + step }));
        }
        s += step;
    }
    None
}

fn book(room: &room::Model, day: NaiveDate, start: DateTime<Utc>, end: DateTime<Utc>) -> Book {
    Book {
        day: day.to_string(),
        start: hm(start),
        end: hm(end),
        room_id: room.id,
        room_name: room.name.clone(),
        date_text: day.format("%d/%m/%Y").to_string(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: i32,
    pub name: String,
    /// "Tầng 2, Trụ sở" for a room; the position for a leader.
    pub detail: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekCalendar {
    pub head: WeekHead,
    pub rows: Vec<Row>,
}

fn place(r: &room::Model) -> String {
    [r.floor.clone().unwrap_or_default(), r.building.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The days of `week` an occurrence touches (a field trip may span several).
fn days_of(o: &occurrence::Model, week: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let first = clock::office_date(o.starts_at);
    // An end at midnight belongs to the day before.
    let last = clock::office_date(o.ends_at - Duration::seconds(1)).max(first);
    (0..7)
        .map(move |i| week + Duration::days(i))
        .filter(move |d| first <= *d && *d <= last)
}

/// A week's heading and calendar, and the occurrences shown in it with what they name.
async fn week_data(
    db: &Db,
    actor: &Actor,
    week: NaiveDate,
) -> Result<(WeekHead, Calendar, Vec<occurrence::Model>, Names)> {
    let (head, cal) = week_head(db, week).await?;
    let monday = head.week_start;
    let occurrences = shown_between(
        db,
        actor,
        day_start(monday),
        day_start(monday + Duration::days(7)),
    )
    .await?;
    let names = Names::load(db, &occurrences).await?;
    Ok((head, cal, occurrences, names))
}

/// The week by room: every room of the office, in its order, each day's meetings in it.
pub async fn rooms_week(
    db: &Db,
    actor: &Actor,
    week: NaiveDate,
    settings: &Settings,
) -> Result<WeekCalendar> {
    let (head, cal, occurrences, names) = week_data(db, actor, week).await?;
    let week = head.week_start;
    let now = clock::now();
    let rows = names
        .rooms
        .iter()
        .map(|r| {
            let cells = (0..7)
                .map(|i| {
                    let date = week + Duration::days(i);
                    let entries: Vec<Entry> = occurrences
                        .iter()
                        .filter(|o| o.room_id == Some(r.id))
                        .filter(|o| days_of(o, week).any(|d| d == date))
                        .filter_map(|o| names.entry(actor, o, date))
                        .collect();
                    let closed = cal.closures_on(date, Some(r.id)).next().is_some();
                    let book = (r.bookable && !closed && cal.is_working_day(date))
                        .then(|| {
                            let taken: Vec<_> =
                                entries.iter().map(|e| (e.starts_at, e.ends_at)).collect();
                            first_free(date, &taken, now, settings)
                        })
                        .flatten()
                        .map(|(a, b)| book(r, date, a, b));
                    Cell {
                        date,
                        closures: cal
                            .closures_on(date, Some(r.id))
                            .filter(|c| c.room_id.is_some())
                            .map(|c| c.reason.clone())
                            .collect(),
                        entries,
                        book,
                    }
                })
                .collect();
            Row {
                id: r.id,
                name: r.name.clone(),
                detail: place(r),
                cells,
            }
        })
        .collect();
    Ok(WeekCalendar { head, rows })
}

/// The active leaders, and the (meeting, person) pairs of required attendees among the meetings
/// `names` knows: who is on a leaders' calendar and where they must attend.
async fn leaders_and_required(
    db: &Db,
    names: &Names,
) -> Result<(Vec<person::Model>, Vec<(i32, i32)>)> {
    let leaders: Vec<person::Model> = persons::list(db, true)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .collect();
    let ids: Vec<i32> = names.meetings.keys().copied().collect();
    let required = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.is_in(ids))
        .filter(meeting_attendee::Column::Role.eq(AttendeeRole::Required))
        .filter(meeting_attendee::Column::PersonId.is_not_null())
        .all(&db.conn)
        .await?
        .into_iter()
        .filter_map(|a| a.person_id.map(|p| (a.meeting_id, p)))
        .collect();
    Ok((leaders, required))
}

/// The week by leader: each active leader, the meetings they chair and, marked as attending,
/// those they are required to attend.
pub async fn leaders_week(db: &Db, actor: &Actor, week: NaiveDate) -> Result<WeekCalendar> {
    let (head, _, occurrences, names) = week_data(db, actor, week).await?;
    let week = head.week_start;
    let (leaders, required) = leaders_and_required(db, &names).await?;
    let rows = leaders
        .iter()
        .map(|p| {
            let cells = (0..7)
                .map(|i| {
                    let date = week + Duration::days(i);
                    let entries = occurrences
                        .iter()
                        .filter(|o| days_of(o, week).any(|d| d == date))
                        .filter_map(|o| {
                            let chairs = o.chair_id == Some(p.id);
                            let attends = !chairs && required.contains(&(o.meeting_id, p.id));
                            if !chairs && !attends {
                                return None;
                            }
                            let mut e = names.entry(actor, o, date)?;
                            e.attending = attends;
                            // The row already names the chair.
                            if chairs {
                                e.chair = None;
                            }
                            Some(e)
                        })
                        .collect();
                    Cell {
                        date,
                        closures: vec![],
                        entries,
                        book: None,
                    }
                })
                .collect();
            Row {
                id: p.id,
                name: p.full_name.clone(),
                detail: p.position.clone(),
                cells,
            }
        })
        .collect();
    Ok(WeekCalendar { head, rows })
}

pub use day::*;
pub use month::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_named_the_iso_way_or_by_a_date() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_week("tuan", "2026-W48").unwrap(), monday);
        assert_eq!(parse_week("tuan", "2026w48").unwrap(), monday);
        assert_eq!(parse_week("tuan", "2026-11-27").unwrap(), monday);
        assert_eq!(week_name(monday), "2026-W48");
        assert_eq!(
            week_name(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            "2026-W53"
        );
        for bad in [
            "2026-W54",
            "2026-W0",
            "tuần này",
            "",
            "99999-01-01",
            "2026-Wx",
        ] {
            let e = parse_week("tuan", bad).unwrap_err();
            assert_eq!(e.field(), Some("tuan"), "{bad}");
        }
        assert!(parse_day("ngay", "2026-02-30").is_err());
    }

    #[test]
    fn the_first_free_hour_skips_meetings_the_past_and_lunch() {
        let s = Settings::default();
        let day = NaiveDate::from_ymd_opt(2027, 3, 9).unwrap();
        let at = |h, m| clock::local_to_utc(OFFICE_TZ, day.and_hms_opt(h, m, 0).unwrap()).unwrap();
        let long_ago = at(0, 0) - Duration::days(30);
        let free = |taken: &[(DateTime<Utc>, DateTime<Utc>)], now| {
            first_free(day, taken, now, &s).map(|(a, b)| (hm(a), hm(b)))
        };
        assert_eq!(free(&[], long_ago), Some(("07:30".into(), "08:30".into())));
        // Half an hour before the next meeting is offered as half an hour.
        assert_eq!(
            free(&[(at(8, 0), at(11, 0))], long_ago),
            Some(("07:30".into(), "08:00".into()))
        );
        // Busy all morning: after lunch, not at 11:00–11:30's neighbour 11:30.
        assert_eq!(
            free(&[(at(7, 30), at(11, 0))], long_ago),
            Some(("11:00".into(), "11:30".into()))
        );
        assert_eq!(
            free(&[(at(7, 30), at(11, 30))], long_ago),
            Some(("13:30".into(), "14:30".into()))
        );
        // Not before now; nothing once the day is over.
        assert_eq!(free(&[], at(9, 10)), Some(("09:30".into(), "10:30".into())));
        assert_eq!(free(&[], at(16, 45)), None);
    }
}
