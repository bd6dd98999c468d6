//! The public weekly work schedule of leaders (lịch công tác tuần), as portals publish it:
//! days Monday to Sunday, each split into morning (Sáng) and afternoon (Chiều). Only approved,
//! public meetings: internal and confidential ones never reach it.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::publication;
use crate::Result;
use chrono::{Datelike, Duration, NaiveDate, Timelike, Weekday};
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

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
    pub published: bool,
    /// 0 for the first publication, N for "Điều chỉnh lần N".
    pub revision: Option<i32>,
    /// "Điều chỉnh lần N" when adjusted after publication.
    pub revision_label: Option<String>,
    /// "Cập nhật lần cuối: 14:36 17/03/2022".
    pub last_updated: Option<String>,
    /// "14:36 17/03/2022", for pages in other languages.
    pub updated_at_text: Option<String>,
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
    /// The day's items split as schedules print them.
    pub morning: Vec<usize>,
    pub afternoon: Vec<usize>,
    pub items: Vec<ScheduleItem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleItem {
    pub meeting_id: i32,
    /// "Sáng" or "Chiều".
    pub session: &'static str,
    pub afternoon: bool,
    /// "7h30".
    pub time: String,
    pub title: String,
    pub chair: Option<String>,
    pub attendees: Vec<String>,
    pub location: Option<String>,
    pub preparing_agency: Option<String>,
    pub note: Option<String>,
}

pub fn weekday_vi(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

/// "7h30", "13h00" — the way schedules write times.
pub fn time_vi(h: u32, m: u32) -> String {
    format!("{h}h{m:02}")
}

pub async fn for_week(db: &Db, week: NaiveDate) -> Result<WeeklySchedule> {
    let week = clock::week_start(week);
    let from = clock::local_to_utc(OFFICE_TZ, week.and_hms_opt(0, 0, 0).unwrap_or_default())
        .unwrap_or_default();
    let to = from + Duration::days(7);
    let occurrences = occurrence::Entity::find()
        .filter(occurrence::Column::Status.eq(MeetingStatus::Approved))
        .filter(occurrence::Column::StartsAt.lt(to))
        .filter(occurrence::Column::EndsAt.gt(from))
        .order_by_asc(occurrence::Column::StartsAt)
        .all(&db.conn)
        .await?;
    let meeting_ids: Vec<i32> = occurrences.iter().map(|o| o.meeting_id).collect();
    let meetings: HashMap<i32, meeting::Model> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(meeting_ids.clone()))
        .filter(meeting::Column::Visibility.eq(Visibility::Public))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let persons: HashMap<i32, person::Model> = person::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let agencies: HashMap<i32, agency::Model> = agency::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let rooms: HashMap<i32, room::Model> = room::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let attendees = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.is_in(meeting_ids))
        .all(&db.conn)
        .await?;

    let mut days: Vec<ScheduleDay> = (0..7)
        .map(|i| {
            let date = week + Duration::days(i);
            ScheduleDay {
                date,
                label: format!(
                    "{} {}/{}",
                    weekday_vi(date.weekday()),
                    date.day(),
                    date.month()
                ),
                weekday: date.weekday().number_from_monday(),
                day_month: format!("{}/{}", date.day(), date.month()),
                items: vec![],
                morning: vec![],
                afternoon: vec![],
            }
        })
        .collect();
    for o in occurrences {
        let Some(m) = meetings.get(&o.meeting_id) else {
            continue;
        };
        let local = o.starts_at.with_timezone(&OFFICE_TZ);
        let index = (local.date_naive() - week).num_days();
        let Some(day) = usize::try_from(index).ok().and_then(|i| days.get_mut(i)) else {
            continue;
        };
        let chair = o
            .chair_id
            .and_then(|c| persons.get(&c))
            .map(|p| format!("{} {}", short_position(&p.position), p.full_name));
        let names = attendees
            .iter()
            .filter(|a| a.meeting_id == m.id && a.role != AttendeeRole::Chair)
            .filter_map(|a| match (a.person_id, a.agency_id) {
                (Some(p), _) => persons
                    .get(&p)
                    .map(|p| format!("{} — {}", p.full_name, p.position)),
                (_, Some(g)) => agencies.get(&g).map(|a| a.name.clone()),
                _ => None,
            })
            .collect();
        let location = match o.room_id.and_then(|r| rooms.get(&r)) {
            Some(r) => Some(match &r.floor {
                Some(f) => format!("{}, {}", r.name, f.to_lowercase()),
                None => r.name.clone(),
            }),
            None => m.location.clone(),
        };
        day.items.push(ScheduleItem {
            meeting_id: m.id,
            afternoon: local.hour() >= 12,
            session: if local.hour() < 12 {
                "Sáng"
            } else {
                "Chiều"
            },
            time: time_vi(local.hour(), local.minute()),
            title: m.title.clone(),
            chair,
            attendees: names,
            location,
            preparing_agency: m
                .preparing_agency_id
                .and_then(|a| agencies.get(&a))
                .map(|a| a.name.clone()),
            note: m.note.clone(),
        });
    }
    for day in &mut days {
        for (i, item) in day.items.iter().enumerate() {
            if item.afternoon {
                day.afternoon.push(i);
            } else {
                day.morning.push(i);
            }
        }
    }
    let latest = publication::latest(&db.conn, week).await?;
    Ok(WeeklySchedule {
        week_start: week,
        heading: publication::week_heading_vi(week),
        from_text: week.format("%d/%m/%Y").to_string(),
        to_text: (week + Duration::days(6)).format("%d/%m/%Y").to_string(),
        previous_week: week - Duration::days(7),
        next_week: week + Duration::days(7),
        published: latest.is_some(),
        revision: latest.as_ref().map(|p| p.revision),
        revision_label: latest
            .as_ref()
            .filter(|p| p.revision > 0)
            .map(|p| format!("Điều chỉnh lần {}", p.revision)),
        updated_at_text: latest.as_ref().map(|p| {
            p.published_at
                .with_timezone(&OFFICE_TZ)
                .format("%H:%M %d/%m/%Y")
                .to_string()
        }),
        last_updated: latest.as_ref().map(|p| {
            let t = p.published_at.with_timezone(&OFFICE_TZ);
            format!("Cập nhật lần cuối: {}", t.format("%H:%M %d/%m/%Y"))
        }),
        days,
    })
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
