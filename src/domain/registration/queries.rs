//! Reading requests: the list with its filters, one request's history and occurrences, and the
//! approved occurrences a request would collide with.

use super::input::Actor;
use super::save::get;
use super::validate::MAX_DAYS;
use crate::db::Db;
use crate::domain::clock;
use crate::domain::meetings;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

/// A meeting another decision now collides with.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Collision {
    pub meeting_id: i32,
    pub title: String,
    #[schema(value_type = crate::domain::codes::MeetingStatus)]
    pub status: MeetingStatus,
    /// "room" or "chair".
    pub on: &'static str,
    /// The days (office time) on which this meeting's occurrences meet the other one.
    pub dates: Vec<NaiveDate>,
}

/// Other meetings in `statuses` whose occurrences overlap `m`'s in the same room or with the
/// same chair.
pub async fn collisions_of<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    statuses: &[MeetingStatus],
) -> Result<Vec<Collision>> {
    let mine = meetings::occurrences_of(db, m.id).await?;
    collisions_among(db, m, &mine, statuses).await
}

/// [`collisions_of`] over rows of `m` the caller holds already (cancelled ones are skipped).
pub async fn collisions_among<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    mine: &[occurrence::Model],
    statuses: &[MeetingStatus],
) -> Result<Vec<Collision>> {
    let mut found: Vec<Collision> = Vec::new();
    for o in mine.iter().filter(|o| o.status != MeetingStatus::Cancelled) {
        collisions_at(db, m.id, o, statuses, &mut found).await?;
    }
    Ok(found)
}

/// Adds to `found` the meetings (other than `own`) in `statuses` whose occurrences overlap the
/// slot `o` in its room or with its chair.
pub async fn collisions_at<C: ConnectionTrait>(
    db: &C,
    own: i32,
    o: &occurrence::Model,
    statuses: &[MeetingStatus],
    found: &mut Vec<Collision>,
) -> Result<()> {
    for (on, col, value) in [
        ("room", occurrence::Column::RoomId, o.room_id),
        ("chair", occurrence::Column::ChairId, o.chair_id),
    ] {
        let Some(value) = value else { continue };
        let others = occurrence::Entity::find()
            .filter(col.eq(value))
            .filter(occurrence::Column::MeetingId.ne(own))
            .filter(occurrence::Column::Status.is_in(statuses.iter().copied()))
            .filter(occurrence::Column::StartsAt.lt(o.ends_at))
            .filter(occurrence::Column::EndsAt.gt(o.starts_at))
            // No occurrence lasts longer than MAX_DAYS: this bound keeps the index scan short.
            .filter(occurrence::Column::StartsAt.gt(o.starts_at - Duration::days(MAX_DAYS + 1)))
            .select_only()
            .column(occurrence::Column::MeetingId)
            .into_tuple::<i32>()
            .all(db)
            .await?;
        let day = clock::office_date(o.starts_at);
        for other in others {
            if let Some(c) = found
                .iter_mut()
                .find(|c| c.meeting_id == other && c.on == on)
            {
                if !c.dates.contains(&day) {
                    c.dates.push(day);
                }
                continue;
            }
            if let Some(om) = meeting::Entity::find_by_id(other).one(db).await? {
                found.push(Collision {
                    meeting_id: om.id,
                    title: om.title,
                    status: om.status,
                    on,
                    dates: vec![day],
                });
            }
        }
    }
    Ok(())
}

/// Occurrences in a period the actor may see (every agency's for the office), by start: what
/// calendars by room and by leader read.
pub async fn occurrences_between(
    db: &Db,
    actor: &Actor,
    f: &MeetingFilter,
) -> Result<Vec<occurrence::Model>> {
    let (Some(from), Some(to)) = (f.from, f.to) else {
        return Err(Error::invalid(
            "from",
            "msg.queries.give_the_period_from_to",
        ));
    };
    if to - from > Duration::days(366) {
        return Err(Error::invalid(
            "to",
            "msg.queries.the_period_is_at_most_one",
        ));
    }
    let mut q = occurrence::Entity::find()
        .filter(occurrence::Column::StartsAt.lt(to))
        .filter(occurrence::Column::EndsAt.gt(from))
        .filter(occurrence::Column::StartsAt.gt(from - Duration::days(MAX_DAYS + 1)));
    if let Some(r) = f.room_id {
        q = q.filter(occurrence::Column::RoomId.eq(r));
    }
    if let Some(c) = f.chair_id {
        q = q.filter(occurrence::Column::ChairId.eq(c));
    }
    if let Some(s) = f.status {
        q = q.filter(occurrence::Column::Status.eq(s));
    }
    let agency = if actor.office {
        f.agency_id
    } else {
        Some(actor.agency_id.unwrap_or(-1))
    };
    if let Some(a) = agency {
        q = q.filter(
            occurrence::Column::MeetingId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(meeting::Column::Id)
                    .from(meeting::Entity)
                    .and_where(meeting::Column::RequestingAgencyId.eq(a))
                    .to_owned(),
            ),
        );
    }
    Ok(q.order_by_asc(occurrence::Column::StartsAt)
        .limit(5000)
        .all(&db.conn)
        .await?)
}

/// Filters of the meeting list.
#[derive(Debug, Default, Clone)]
pub struct MeetingFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub agency_id: Option<i32>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
    pub status: Option<MeetingStatus>,
    pub page: u64,
    pub per_page: u64,
}

/// One page of meetings the actor may see, by start time, and the total count.
pub async fn list(db: &Db, actor: &Actor, f: &MeetingFilter) -> Result<(Vec<meeting::Model>, u64)> {
    let mut q = meeting::Entity::find();
    if !actor.office {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(actor.agency_id.unwrap_or(-1)));
    }
    if let Some(a) = f.agency_id {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(a));
    }
    if let Some(r) = f.room_id {
        q = q.filter(meeting::Column::RoomId.eq(r));
    }
    if let Some(c) = f.chair_id {
        q = q.filter(meeting::Column::ChairId.eq(c));
    }
    if let Some(s) = f.status {
        q = q.filter(meeting::Column::Status.eq(s));
    }
    if let Some(from) = f.from {
        // A series may start before `from` and still have occurrences after it.
        q = q.filter(
            meeting::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(occurrence::Column::MeetingId)
                    .from(occurrence::Entity)
                    .and_where(occurrence::Column::EndsAt.gt(from))
                    .to_owned(),
            ),
        );
    }
    if let Some(to) = f.to {
        q = q.filter(meeting::Column::StartsAt.lt(to));
    }
    let per_page = f.per_page.clamp(1, 200);
    let paginator = q
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .paginate(&db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(f.page).await?;
    Ok((items, total))
}

/// The audit trail of a meeting, oldest first.
pub async fn history(db: &Db, actor: &Actor, id: i32) -> Result<Vec<meeting_event::Model>> {
    get(db, actor, id).await?;
    Ok(meeting_event::Entity::find()
        .filter(meeting_event::Column::MeetingId.eq(id))
        .order_by_asc(meeting_event::Column::Id)
        .all(&db.conn)
        .await?)
}

pub async fn occurrences(db: &Db, actor: &Actor, id: i32) -> Result<Vec<occurrence::Model>> {
    get(db, actor, id).await?;
    Ok(occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.eq(id))
        .order_by_asc(occurrence::Column::StartsAt)
        .all(&db.conn)
        .await?)
}

/// What approving would do, before anyone confirms it: approved meetings it cannot coexist
/// with, and pending requests it would collide with.
pub async fn approval_preview(db: &Db, actor: &Actor, id: i32) -> Result<Vec<Collision>> {
    let m = get(db, actor, id).await?;
    collisions_of(
        &db.conn,
        &m,
        &[
            MeetingStatus::Approved,
            MeetingStatus::Pending,
            MeetingStatus::Reviewed,
        ],
    )
    .await
}
