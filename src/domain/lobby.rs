//! The lobby screen: today's meetings room by room, for the TV at the office's entrance. Only
//! approved meetings; an internal meeting shows as "Họp nội bộ" and a confidential one as "Bận"
//! (the screen is in a public hall: [`visibility`]'s public viewer), never their content.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::visibility::{self, Sight, Viewer};
use crate::Result;
use chrono::Duration;
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct LobbyRoom {
    pub name: String,
    pub place: String,
    pub meetings: Vec<LobbyMeeting>,
}

#[derive(Debug, Serialize)]
pub struct LobbyMeeting {
    /// "08:00–09:30".
    pub time: String,
    /// The title, or None when it may not be shown (then `busy_key` says what to show).
    pub title: Option<String>,
    pub busy_key: Option<&'static str>,
    pub chair: Option<String>,
    /// Under way now.
    pub now: bool,
}

/// Today's approved meetings in each bookable room, in the rooms' order.
pub async fn today(db: &Db) -> Result<Vec<LobbyRoom>> {
    let now = clock::now();
    let day = clock::office_date(now);
    let from =
        clock::local_to_utc(OFFICE_TZ, day.and_hms_opt(0, 0, 0).unwrap_or_default()).unwrap_or(now);
    let to = from + Duration::days(1);
    let reference = crate::domain::reference::current(db).await?;
    let rooms: Vec<room::Model> = reference
        .rooms_in_order()
        .into_iter()
        .filter(|r| r.bookable)
        .cloned()
        .collect();
    let occurrences = occurrence::Entity::find()
        .filter(occurrence::Column::Status.eq(MeetingStatus::Approved))
        .filter(occurrence::Column::StartsAt.lt(to))
        .filter(occurrence::Column::EndsAt.gt(from))
        .filter(occurrence::Column::RoomId.is_not_null())
        .order_by_asc(occurrence::Column::StartsAt)
        .all(&db.conn)
        .await?;
    let ids: Vec<i32> = occurrences.iter().map(|o| o.meeting_id).collect();
    let meetings: HashMap<i32, meeting::Model> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(ids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let persons: HashMap<i32, &person::Model> =
        reference.persons().iter().map(|p| (p.id, p)).collect();
    Ok(rooms
        .into_iter()
        .map(|r| {
            let meetings = occurrences
                .iter()
                .filter(|o| o.room_id == Some(r.id))
                .filter_map(|o| meetings.get(&o.meeting_id).map(|m| (o, m)))
                .map(|(o, m)| {
                    let sight = visibility::of(Viewer::Public, m);
                    let public = sight.detail();
                    LobbyMeeting {
                        time: format!(
                            "{}–{}",
                            o.starts_at.with_timezone(&OFFICE_TZ).format("%H:%M"),
                            o.ends_at.with_timezone(&OFFICE_TZ).format("%H:%M")
                        ),
                        title: public.then(|| m.title.clone()),
                        busy_key: match sight {
                            Sight::Detail => None,
                            Sight::Internal => Some("lobby.internal"),
                            Sight::Busy => Some("lobby.busy"),
                        },
                        chair: public
                            .then(|| o.chair_id.and_then(|c| persons.get(&c)))
                            .flatten()
                            .map(|p| format!("{} {}", p.position, p.full_name)),
                        now: o.starts_at <= now && now < o.ends_at,
                    }
                })
                .collect();
            LobbyRoom {
                place: [r.floor.clone().unwrap_or_default(), r.building.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                name: r.name,
                meetings,
            }
        })
        .collect())
}
