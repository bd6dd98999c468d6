//! The weekly work schedule of the province's leaders (lịch công tác tuần), as portals publish
//! it: days Monday to Sunday, each split into Sáng / Chiều / Tối. A row is an approved, public
//! meeting that a leader (a person flagged `is_leader`) chairs or must attend; a meeting of
//! several days is a row on each day it covers. Internal and confidential meetings never reach
//! it. This module builds the live rows (the draft), compares two revisions' rows and arranges
//! rows into days; `domain::publication` stores and serves what was issued.

use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::reference::Reference;
use crate::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use entity::*;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WeeklySchedule {
    pub week_start: NaiveDate,
    /// "Từ ngày 14/07/2025 đến ngày 20/07/2025".
    pub heading: String,
    /// The week's first and last day as printed, "14/07/2025", and its neighbours' Mondays.
    pub from_text: String,
    pub to_text: String,
    pub previous_week: NaiveDate,
    pub next_week: NaiveDate,
    /// Whether any revision of the week was issued; an unpublished week lists nothing.
    pub published: bool,
    /// The live draft shown to the office, not what the public sees.
    pub preview: bool,
    /// The revision shown: 0 for the first issue, N for "Điều chỉnh lần N".
    pub revision: Option<i32>,
    /// The week's latest revision, to say that a newer one exists.
    pub latest_revision: Option<i32>,
    /// "Điều chỉnh lần N" when the revision shown is an adjustment.
    pub revision_label: Option<String>,
    /// "Cập nhật lần cuối: 14:36 17/03/2022".
    pub last_updated: Option<String>,
    /// "14:36 17/03/2022", for pages in other languages.
    pub updated_at_text: Option<String>,
    /// The note the approver gave with the revision.
    pub note: Option<String>,
    /// Rows marked new, changed, postponed or cancelled against the previous revision.
    pub changes: usize,
    pub days: Vec<ScheduleDay>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleDay {
    pub date: NaiveDate,
    /// "Thứ Hai 14/7".
    pub label: String,
    /// 1 = Monday … 7 = Sunday, and "14/7", for pages in other languages.
    pub weekday: u32,
    pub day_month: String,
    /// The day's items split as schedules print them (indexes into `items`).
    pub morning: Vec<usize>,
    pub afternoon: Vec<usize>,
    pub evening: Vec<usize>,
    pub items: Vec<ScheduleItem>,
}

/// How a row differs from the previous revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// "(Mới)": not in the previous revision.
    New,
    /// "(Điều chỉnh)": moved (day, time or place) or another chair.
    Changed,
    /// "(Hoãn)": gone from this week while the meeting stands later.
    Postponed,
    /// "(Hủy)": cancelled, withdrawn or rejected since the previous revision.
    Cancelled,
}

impl Mark {
    /// The mark as the document prints it, in Vietnamese whoever reads it.
    pub fn vi(self) -> String {
        let key = match self {
            Mark::New => "new",
            Mark::Changed => "changed",
            Mark::Postponed => "postponed",
            Mark::Cancelled => "cancelled",
        };
        crate::i18n::vietnamese(&format!("schedule_document.mark.{key}"))
    }

    fn gone(self) -> bool {
        matches!(self, Mark::Postponed | Mark::Cancelled)
    }
}

/// What a changed row said in the previous revision (struck through on the page).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Before {
    /// "14/7" when the day changed.
    pub day_month: Option<String>,
    pub time: Option<String>,
    pub location: Option<String>,
    pub chair: Option<String>,
}

/// One row of the schedule, as stored in a publication's snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleItem {
    /// "meeting/n": the meeting and the n-th of its rows in the week, to follow a row between
    /// revisions when it moves.
    pub key: String,
    pub meeting_id: i32,
    pub date: NaiveDate,
    /// "Sáng", "Chiều" or "Tối", and the same as `morning`, `afternoon` or `evening`.
    pub session: String,
    pub session_key: String,
    pub afternoon: bool,
    /// "7h30"; empty for an all-day row.
    pub time: String,
    /// "(cả ngày)" rows: all-day meetings and the following days of a meeting of several days.
    pub all_day: bool,
    /// "07:30", to keep rows in order.
    pub starts: String,
    pub title: String,
    pub chair: Option<String>,
    /// The leaders the row is about (chair or required attendees), for `?lanh-dao=`.
    pub leaders: Vec<i32>,
    /// Required attendees with their positions, and invited agencies.
    pub attendees: Vec<String>,
    /// "Thành phần khác", free text.
    pub other_attendees: Option<String>,
    pub location: Option<String>,
    pub preparing_agency: Option<String>,
    /// "LĐVP theo dõi".
    pub follower: Option<String>,
    pub note: Option<String>,
    pub mark: Option<Mark>,
    /// The mark as the Vietnamese schedule prints it.
    pub mark_text: Option<String>,
    pub before: Option<Before>,
    /// What the public feed's VEVENT needs (`feeds::published`): the occurrence's start and end
    /// instants, the meeting's UID and SEQUENCE, the occurrence's RECURRENCE-ID when the meeting
    /// is a series, and the chair's id (ATTENDEE). Snapshots stored before they were kept lack
    /// them (serde default): the feed leaves such rows out. Pages and the API do not show the
    /// UID (`publication::view` drops it): it reads like an address ("id@host").
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default)]
    pub sequence: i32,
    #[serde(default)]
    pub recurrence_id: Option<DateTime<Utc>>,
    #[serde(default)]
    pub chair_id: Option<i32>,
}

pub fn weekday_vi(d: Weekday) -> String {
    crate::i18n::vietnamese(&format!("weekday.{}", d.number_from_monday()))
}

/// "7h30", "13h00" — the way schedules write times.
pub fn time_vi(h: u32, m: u32) -> String {
    format!("{h}h{m:02}")
}

/// "Từ ngày 14/07/2025 đến ngày 20/07/2025".
pub fn week_heading_vi(week: NaiveDate) -> String {
    let end = week + Duration::days(6);
    let (from, to) = (week.format("%d/%m/%Y"), end.format("%d/%m/%Y"));
    crate::error::Msg::t(
        "schedule_document.week_range",
        &[("from", &from.to_string()), ("to", &to.to_string())],
    )
    .vi
}

fn day_month(d: NaiveDate) -> String {
    format!("{}/{}", d.day(), d.month())
}

/// Sáng (morning) before noon, Chiều (afternoon) until 18:00, Tối (evening) after.
fn session_of(hour: u32) -> &'static str {
    match hour {
        0..=11 => "morning",
        12..=17 => "afternoon",
        _ => "evening",
    }
}

/// The live rows of the week (the draft): what a publication now would issue.
/// Persons, agencies and rooms are named from `reference` (the instance's copy).
pub async fn draft_rows<C: ConnectionTrait>(
    db: &C,
    reference: &Reference,
    week: NaiveDate,
) -> Result<Vec<ScheduleItem>> {
    let week = clock::week_start(week);
    let from = clock::local_to_utc(OFFICE_TZ, week.and_hms_opt(0, 0, 0).unwrap_or_default())
        .unwrap_or_default();
    let to = from + Duration::days(7);
    let occurrences = occurrence::Entity::find()
        .filter(occurrence::Column::Status.eq(MeetingStatus::Approved))
        .filter(occurrence::Column::StartsAt.lt(to))
        .filter(occurrence::Column::EndsAt.gt(from))
        .order_by_asc(occurrence::Column::StartsAt)
        .all(db)
        .await?;
    let meeting_ids: Vec<i32> = occurrences.iter().map(|o| o.meeting_id).collect();
    let meetings: HashMap<i32, meeting::Model> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(meeting_ids.clone()))
        .filter(meeting::Column::Status.eq(MeetingStatus::Approved))
        .filter(meeting::Column::Visibility.eq(Visibility::Public))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let persons: HashMap<i32, &person::Model> =
        reference.persons().iter().map(|p| (p.id, p)).collect();
    let agencies: HashMap<i32, &agency::Model> =
        reference.agencies().iter().map(|a| (a.id, a)).collect();
    let rooms: HashMap<i32, &room::Model> = reference.rooms().map(|(r, _)| (r.id, r)).collect();
    let attendees = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.is_in(meeting_ids))
        .all(db)
        .await?;
    let is_leader = |id: &i32| persons.get(id).is_some_and(|p| p.is_leader);

    let mut rows = vec![];
    let mut count: HashMap<i32, usize> = HashMap::new();
    for o in occurrences {
        let Some(m) = meetings.get(&o.meeting_id) else {
            continue;
        };
        let chair_id = o.chair_id.or(m.chair_id);
        let mut leaders: Vec<i32> = chair_id.filter(is_leader).into_iter().collect();
        let mut names = vec![];
        for a in attendees.iter().filter(|a| a.meeting_id == m.id) {
            if a.role == AttendeeRole::Chair {
                continue;
            }
            match (a.person_id, a.agency_id) {
                (Some(p), _) if a.role == AttendeeRole::Required => {
                    if is_leader(&p) && !leaders.contains(&p) {
                        leaders.push(p);
                    }
                    if let Some(p) = persons.get(&p) {
                        names.push(format!("{} — {}", p.full_name, p.position));
                    }
                }
                (None, Some(g)) => names.extend(agencies.get(&g).map(|a| a.name.clone())),
                _ => {}
            }
        }
        // Rows are about leaders: other public bookings are not the leaders' schedule.
        if leaders.is_empty() {
            continue;
        }
        let chair = chair_id
            .and_then(|c| persons.get(&c))
            .map(|p| format!("{} {}", short_position(&p.position), p.full_name));
        let location = match o.room_id.and_then(|r| rooms.get(&r)) {
            Some(r) => Some(match &r.floor {
                Some(f) => format!("{}, {}", r.name, f.to_lowercase()),
                None => r.name.clone(),
            }),
            None => m.location.clone(),
        };
        let series = m.rrule.as_deref().is_some_and(|r| !r.trim().is_empty());
        let start = o.starts_at.with_timezone(&OFFICE_TZ);
        // An end at midnight belongs to the day before.
        let last = (o.ends_at - Duration::seconds(1))
            .with_timezone(&OFFICE_TZ)
            .date_naive()
            .max(start.date_naive());
        let mut date = start.date_naive();
        while date <= last {
            let index = (date - week).num_days();
            let first = date == start.date_naive();
            let all_day = m.all_day || !first;
            if (0..7).contains(&index) {
                let n = count.entry(m.id).or_default();
                let session_key = if all_day {
                    "morning"
                } else {
                    session_of(start.hour())
                };
                // The document is Vietnamese whoever reads it.
                let session =
                    crate::i18n::vietnamese(&format!("schedule_document.session.{session_key}"));
                rows.push(ScheduleItem {
                    key: format!("{}/{}", m.id, n),
                    meeting_id: m.id,
                    date,
                    session,
                    session_key: session_key.into(),
                    afternoon: session_key == "afternoon",
                    time: if all_day {
                        String::new()
                    } else {
                        time_vi(start.hour(), start.minute())
                    },
                    all_day,
                    starts: if all_day {
                        "00:00".into()
                    } else {
                        start.format("%H:%M").to_string()
                    },
                    title: m.title.clone(),
                    chair: chair.clone(),
                    leaders: leaders.clone(),
                    attendees: names.clone(),
                    other_attendees: m.other_attendees.clone(),
                    location: location.clone(),
                    preparing_agency: m
                        .preparing_agency_id
                        .and_then(|a| agencies.get(&a))
                        .map(|a| a.name.clone()),
                    follower: m
                        .follower_id
                        .and_then(|f| persons.get(&f))
                        .map(|p| p.full_name.clone()),
                    note: m.note.clone(),
                    mark: None,
                    mark_text: None,
                    before: None,
                    starts_at: Some(o.starts_at),
                    ends_at: Some(o.ends_at),
                    uid: Some(m.uid.clone()),
                    sequence: o.sequence.max(m.sequence),
                    recurrence_id: series.then_some(o.recurrence_id),
                    chair_id,
                });
                *n += 1;
            }
            date += Duration::days(1);
        }
    }
    sort(&mut rows);
    Ok(rows)
}

fn sort(rows: &mut [ScheduleItem]) {
    rows.sort_by(|a, b| (a.date, &a.starts, a.meeting_id).cmp(&(b.date, &b.starts, b.meeting_id)));
}

/// Marks `current` against the previous revision's rows: new, changed (day, time, place or
/// chair, the old value kept to strike through), and rows gone since, added back as postponed
/// (the meeting stands in `later`) or cancelled. Rows already gone in the previous revision are
/// not carried on.
pub fn compare(
    previous: &[ScheduleItem],
    mut current: Vec<ScheduleItem>,
    later: &HashSet<i32>,
) -> Vec<ScheduleItem> {
    let before: HashMap<&str, &ScheduleItem> = previous
        .iter()
        .filter(|r| !r.mark.is_some_and(Mark::gone))
        .map(|r| (r.key.as_str(), r))
        .collect();
    for row in &mut current {
        let (mark, was) = match before.get(row.key.as_str()) {
            None => (Some(Mark::New), None),
            Some(old) => {
                let differs = |a: &Option<String>, b: &Option<String>| (a != b).then(|| b.clone());
                let was = Before {
                    day_month: (old.date != row.date).then(|| day_month(old.date)),
                    time: (old.time != row.time || old.all_day != row.all_day)
                        .then(|| old.time.clone()),
                    location: differs(&row.location, &old.location).flatten(),
                    chair: differs(&row.chair, &old.chair).flatten(),
                };
                let moved = old.date != row.date
                    || old.time != row.time
                    || old.all_day != row.all_day
                    || old.location != row.location
                    || old.chair != row.chair;
                if moved {
                    (Some(Mark::Changed), Some(was))
                } else {
                    (None, None)
                }
            }
        };
        row.mark = mark;
        row.mark_text = mark.map(Mark::vi);
        row.before = was;
    }
    let keys: HashSet<String> = current.iter().map(|r| r.key.clone()).collect();
    for old in before.values() {
        if keys.contains(&old.key) {
            continue;
        }
        let mark = if later.contains(&old.meeting_id) {
            Mark::Postponed
        } else {
            Mark::Cancelled
        };
        let mut gone = (*old).clone();
        gone.mark = Some(mark);
        gone.mark_text = Some(mark.vi());
        gone.before = None;
        current.push(gone);
    }
    sort(&mut current);
    current
}

/// Of the meetings whose rows left the week, those put off rather than cancelled: postponed
/// ("Tạm hoãn", no new time yet), or still approved, with no occurrence of this week
/// cancelled, and standing after the week.
pub async fn standing_later<C: ConnectionTrait>(
    db: &C,
    week: NaiveDate,
    meeting_ids: Vec<i32>,
) -> Result<HashSet<i32>> {
    if meeting_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let at = |d: NaiveDate| {
        clock::local_to_utc(OFFICE_TZ, d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .unwrap_or_default()
    };
    let (from, end) = (at(week), at(week + Duration::days(7)));
    let (postponed, approved): (Vec<meeting::Model>, Vec<meeting::Model>) = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(meeting_ids.clone()))
        .filter(meeting::Column::Status.is_in([MeetingStatus::Approved, MeetingStatus::Postponed]))
        .all(db)
        .await?
        .into_iter()
        .partition(|m| m.status == MeetingStatus::Postponed);
    let approved: HashSet<i32> = approved.into_iter().map(|m| m.id).collect();
    let occurrences = occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.is_in(meeting_ids))
        .all(db)
        .await?;
    let cancelled_here: HashSet<i32> = occurrences
        .iter()
        .filter(|o| o.status == MeetingStatus::Cancelled)
        .filter(|o| o.recurrence_id >= from && o.recurrence_id < end)
        .map(|o| o.meeting_id)
        .collect();
    Ok(occurrences
        .iter()
        .filter(|o| o.status == MeetingStatus::Approved && o.starts_at >= end)
        .map(|o| o.meeting_id)
        .filter(|m| approved.contains(m) && !cancelled_here.contains(m))
        .chain(postponed.into_iter().map(|m| m.id))
        .collect())
}

/// The seven days of the week with their rows, optionally only one leader's.
pub fn arrange(week: NaiveDate, rows: Vec<ScheduleItem>, leader: Option<i32>) -> Vec<ScheduleDay> {
    let mut days: Vec<ScheduleDay> = (0..7)
        .map(|i| {
            let date = week + Duration::days(i);
            ScheduleDay {
                date,
                label: format!("{} {}", weekday_vi(date.weekday()), day_month(date)),
                weekday: date.weekday().number_from_monday(),
                day_month: day_month(date),
                items: vec![],
                morning: vec![],
                afternoon: vec![],
                evening: vec![],
            }
        })
        .collect();
    for row in rows {
        if leader.is_some_and(|l| !row.leaders.contains(&l)) {
            continue;
        }
        let index = (row.date - week).num_days();
        if let Some(day) = usize::try_from(index).ok().and_then(|i| days.get_mut(i)) {
            day.items.push(row);
        }
    }
    for day in &mut days {
        for (i, item) in day.items.iter().enumerate() {
            match item.session_key.as_str() {
                "afternoon" => day.afternoon.push(i),
                "evening" => day.evening.push(i),
                _ => day.morning.push(i),
            }
        }
    }
    days
}

/// "Phó Chủ tịch UBND tỉnh" → "PCT", as the schedule abbreviates leaders' positions.
pub fn short_position(position: &str) -> String {
    let p = position.trim_end_matches(" UBND tỉnh");
    match p {
        "Chủ tịch" => "Chủ tịch".into(),
        "Phó Chủ tịch Thường trực" => "PCTTT".into(),
        "Phó Chủ tịch" => "PCT".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, date: u32, time: &str, place: &str) -> ScheduleItem {
        ScheduleItem {
            key: key.into(),
            meeting_id: key.split('/').next().unwrap().parse().unwrap(),
            date: NaiveDate::from_ymd_opt(2027, 3, date).unwrap(),
            session: "Sáng".into(),
            session_key: "morning".into(),
            afternoon: false,
            time: time.into(),
            all_day: false,
            starts: time.into(),
            title: "Họp".into(),
            chair: Some("Chủ tịch Nguyễn Văn An".into()),
            leaders: vec![1],
            attendees: vec![],
            other_attendees: None,
            location: Some(place.into()),
            preparing_agency: None,
            follower: None,
            note: None,
            mark: None,
            mark_text: None,
            before: None,
            starts_at: None,
            ends_at: None,
            uid: None,
            sequence: 0,
            recurrence_id: None,
            chair_id: None,
        }
    }

    #[test]
    fn a_revision_marks_new_moved_postponed_and_cancelled_rows() {
        let previous = vec![
            row("1/0", 1, "8h00", "Phòng 1"),
            row("2/0", 1, "9h00", "Phòng 2"),
            row("3/0", 2, "8h00", "Phòng 3"),
            row("4/0", 3, "8h00", "Phòng 4"),
        ];
        let current = vec![
            row("1/0", 1, "8h00", "Phòng 1"),
            row("2/0", 2, "9h00", "Phòng 5"),
            row("5/0", 4, "8h00", "Phòng 1"),
        ];
        let later = HashSet::from([3]);
        let marked = compare(&previous, current, &later);
        let marks: Vec<(&str, Option<Mark>)> =
            marked.iter().map(|r| (r.key.as_str(), r.mark)).collect();
        assert_eq!(
            marks,
            vec![
                ("1/0", None),
                ("3/0", Some(Mark::Postponed)),
                ("2/0", Some(Mark::Changed)),
                ("4/0", Some(Mark::Cancelled)),
                ("5/0", Some(Mark::New)),
            ]
        );
        let moved = marked[2].before.clone().unwrap();
        assert_eq!(
            (
                moved.day_month.as_deref(),
                moved.location.as_deref(),
                moved.time
            ),
            (Some("1/3"), Some("Phòng 2"), None)
        );
        // The next revision does not carry the cancelled row again.
        let again = compare(&marked, vec![row("1/0", 1, "8h00", "Phòng 1")], &later);
        assert!(again
            .iter()
            .all(|r| r.key == "1/0" || r.mark == Some(Mark::Cancelled)));
        assert_eq!(again.len(), 3, "2/0 and 5/0 are cancelled now: {again:?}");
    }
}
