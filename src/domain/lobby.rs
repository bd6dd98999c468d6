//! The lobby screen: today's meetings room by room, for the TV at the office's entrance: what is
//! on now in each room, what comes next, and the rest of the day. Only approved meetings; an
//! internal meeting shows as "Họp nội bộ" and a confidential one as "Bận" (the screen is in a
//! public hall: [`visibility`]'s public viewer), never their content. Meetings already over
//! are left out: the screen shows what a visitor can still go to.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::visibility::{self, Sight, Viewer};
use crate::Result;
use chrono::{DateTime, Duration, Utc};
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct LobbyRoom {
    pub name: String,
    pub place: String,
    /// Under way now.
    pub now: Option<LobbyMeeting>,
    /// The next one today.
    pub next: Option<LobbyMeeting>,
    /// Later today, after the next.
    pub later: Vec<LobbyMeeting>,
}

/// Which of a room's meetings of the day (by start) is on now, which is next, and which come
/// later: indexes into `spans`; meetings that have ended are in none.
pub fn now_and_next(
    spans: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> (Option<usize>, Option<usize>, Vec<usize>) {
    let current = spans.iter().position(|(s, e)| *s <= now && now < *e);
    let mut coming = (0..spans.len()).filter(|i| spans[*i].0 > now);
    let next = coming.next();
    (current, next, coming.collect())
}

#[derive(Debug, Default, Serialize)]
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

/// Today's approved meetings in each bookable room, in the rooms' order, as at `now`.
pub async fn today(db: &Db, now: DateTime<Utc>) -> Result<Vec<LobbyRoom>> {
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
            let mut meetings: Vec<(DateTime<Utc>, DateTime<Utc>, LobbyMeeting)> = occurrences
                .iter()
                .filter(|o| o.room_id == Some(r.id))
                .filter_map(|o| meetings.get(&o.meeting_id).map(|m| (o, m)))
                .map(|(o, m)| {
                    let sight = visibility::of(Viewer::Public, m);
                    let public = sight.detail();
                    let meeting = LobbyMeeting {
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
                    };
                    (o.starts_at, o.ends_at, meeting)
                })
                .collect();
            let spans: Vec<_> = meetings.iter().map(|(s, e, _)| (*s, *e)).collect();
            let (current, next, later) = now_and_next(&spans, now);
            let mut take = |i: usize| std::mem::take(&mut meetings[i].2);
            let current = current.map(&mut take);
            let next = next.map(&mut take);
            let later = later.into_iter().map(&mut take).collect();
            LobbyRoom {
                place: [r.floor.clone().unwrap_or_default(), r.building.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                name: r.name,
                now: current,
                next,
                later,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn now_is_the_meeting_under_way_next_the_first_to_come_and_past_ones_are_gone() {
        let t = |h| Utc.with_ymd_and_hms(2027, 3, 9, h, 0, 0).unwrap();
        let spans = [(t(1), t(2)), (t(2), t(4)), (t(5), t(6)), (t(7), t(8))];
        assert_eq!(now_and_next(&spans, t(3)), (Some(1), Some(2), vec![3]));
        // Between two meetings: nothing now.
        assert_eq!(now_and_next(&spans, t(4)), (None, Some(2), vec![3]));
        assert_eq!(now_and_next(&spans, t(0)), (None, Some(0), vec![1, 2, 3]));
        assert_eq!(now_and_next(&spans, t(9)), (None, None, vec![]));
    }
}
