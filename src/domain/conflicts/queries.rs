//! The overlap queries of the conflict check: other meetings' occurrences in the same rooms,
//! with the same chairs or the same required attendees, each term on its own index range.

use super::conflict::OtherMeeting;
use crate::domain::registration::MAX_DAYS;
use crate::domain::visibility::{self, Viewer};
use crate::error::Msg;
use crate::Result;
use chrono::{DateTime, Duration, Utc};
use entity::*;
use sea_orm::sea_query::{Condition, Expr, JoinType, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, RelationTrait,
};

/// An occurrence of another meeting, as the overlap queries return it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Busy {
    pub meeting_id: i32,
    pub title: String,
    pub status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
    /// Who may see what of it ([`visibility::sight`]).
    pub requesting_agency_id: i32,
    pub visibility: Visibility,
}

/// A busy occurrence through one of its required attendees.
#[derive(Debug, Clone, FromQueryResult)]
pub struct BusyAttendee {
    #[sea_orm(nested)]
    pub busy: Busy,
    pub person_id: Option<i32>,
    pub agency_id: Option<i32>,
}

impl Busy {
    /// The meeting as `viewer` may see it, and how messages name it: `#12 «title»`, or
    /// `«Bận»` when the viewer may not see it.
    pub(super) fn seen(&self, viewer: Viewer) -> (OtherMeeting, Msg) {
        let detail = visibility::sight(viewer, self.requesting_agency_id, self.visibility).detail();
        let other = OtherMeeting {
            id: detail.then_some(self.meeting_id),
            title: detail.then(|| self.title.clone()),
            busy: !detail,
            status: self.status,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        };
        let named = if detail {
            Msg::t(
                "conflicts.meeting",
                &[("id", &self.meeting_id.to_string()), ("title", &self.title)],
            )
        } else {
            Msg::t_each(
                "conflicts.meeting_busy",
                &[("busy", &Msg::t("privacy.busy", &[]))],
            )
        };
        (other, named)
    }
}

/// Statuses that hold a room or a person: approved for sure, pending and reviewed as a warning.
pub const HOLDING: [MeetingStatus; 3] = [
    MeetingStatus::Approved,
    MeetingStatus::Pending,
    MeetingStatus::Reviewed,
];

/// Occurrences of meetings other than `exclude`, with the columns of [`Busy`].
fn busy_select(exclude: Option<i32>) -> sea_orm::Select<occurrence::Entity> {
    let q = occurrence::Entity::find()
        .select_only()
        .column(occurrence::Column::MeetingId)
        .column(meeting::Column::Title)
        .column(occurrence::Column::Status)
        .column(occurrence::Column::StartsAt)
        .column(occurrence::Column::EndsAt)
        .column(occurrence::Column::RoomId)
        .column(occurrence::Column::ChairId)
        .column(meeting::Column::RequestingAgencyId)
        .column(meeting::Column::Visibility)
        .join(JoinType::InnerJoin, occurrence::Relation::Meeting.def());
    match exclude {
        Some(id) => q.filter(occurrence::Column::MeetingId.ne(id)),
        None => q,
    }
}

/// Occurrences longer than this are "long" (field trips over several days, at most MAX_DAYS):
/// the partial index `ix_occurrence_long` finds them, so that the search for an overlap needs to
/// look only this far back among the ordinary ones.
pub const SHORT_HOURS: i64 = 12;

/// The condition the partial index `ix_occurrence_long` is built with (same text, so that the
/// planner uses it; see migration m20261127_000005).
fn is_long(backend: DbBackend) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => {
            Expr::cust("occurrence.ends_at - occurrence.starts_at > interval '12 hours'")
        }
        _ => Expr::cust("julianday(occurrence.ends_at) - julianday(occurrence.starts_at) > 0.5"),
    }
}

/// Most windows one query carries; more are merged (a superset, still correct), which keeps the
/// SQL well below SQLite's expression depth limit for a 260-occurrence series.
const MAX_WINDOWS: usize = 64;

/// The time windows `[start, end)` an overlap search covers: one per slot, merged where they
/// touch, at most MAX_WINDOWS.
pub fn windows(
    mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    spans.sort();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    if merged.len() > MAX_WINDOWS {
        let per = merged.len().div_ceil(MAX_WINDOWS);
        merged = merged
            .chunks(per)
            .map(|c| (c[0].0, c.iter().map(|w| w.1).max().unwrap_or(c[0].1)))
            .collect();
    }
    merged
}

/// Occurrences overlapping one of `windows`, each window an index range on `starts_at` (from
/// SHORT_HOURS before it; the long ones through their partial index), with `extra` (the room or
/// chair; its argument says whether the term is the long ones') in every term so that each term
/// is one index range.
fn overlapping(
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    extra: impl Fn(bool) -> Condition,
    backend: DbBackend,
) -> Condition {
    let mut any = Condition::any();
    for (s, e) in windows {
        let short_from = *s - Duration::hours(SHORT_HOURS);
        any = any
            .add(
                extra(false)
                    .add(occurrence::Column::StartsAt.gte(short_from))
                    .add(occurrence::Column::StartsAt.lt(*e))
                    .add(occurrence::Column::EndsAt.gt(*s)),
            )
            .add(
                extra(true)
                    .add(is_long(backend))
                    .add(occurrence::Column::StartsAt.gte(*s - Duration::days(MAX_DAYS)))
                    .add(occurrence::Column::StartsAt.lt(short_from))
                    .add(occurrence::Column::EndsAt.gt(*s)),
            );
    }
    any
}

/// `column IN (ids)`. In the term of the long occurrences it is written `+column`, which keeps
/// the planner on their small partial index: on the (room or chair, start) index that term reads
/// a week of the room's or chair's occurrences and filters them by length (SQLite: a third of the
/// query's time; PostgreSQL: execution 0.71 -> 0.38 ms, EXPLAIN ANALYZE on the bench database).
fn among(column: occurrence::Column, ids: &[i32], long: bool) -> SimpleExpr {
    let ids = ids.iter().copied();
    if long {
        use sea_orm::{sea_query::ExprTrait, IdenStatic};
        Expr::cust(format!("+\"occurrence\".\"{}\"", column.as_str())).is_in(ids)
    } else {
        column.is_in(ids)
    }
}

/// Occurrences of other meetings in `rooms` or chaired by `chairs` that overlap `windows`;
/// None when there is nothing to look for. Each term of the OR runs on its own index range.
fn holding_select(
    rooms: &[i32],
    chairs: &[i32],
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    exclude: Option<i32>,
    backend: DbBackend,
) -> Option<sea_orm::Select<occurrence::Entity>> {
    if (rooms.is_empty() && chairs.is_empty()) || windows.is_empty() {
        return None;
    }
    let mut who = Condition::any();
    for (column, ids) in [
        (occurrence::Column::RoomId, rooms),
        (occurrence::Column::ChairId, chairs),
    ] {
        if !ids.is_empty() {
            who = who.add(overlapping(
                windows,
                |long| Condition::all().add(among(column, ids, long)),
                backend,
            ));
        }
    }
    Some(
        busy_select(exclude)
            .filter(who)
            .filter(occurrence::Column::Status.is_in(HOLDING)),
    )
}

/// Approved occurrences of other meetings overlapping `windows` whose required attendees
/// include one of `persons` or one of `agencies`, with the attendee's columns; None when there
/// is nothing to look for.
fn attending_select(
    persons: &[i32],
    agencies: &[i32],
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    exclude: Option<i32>,
    backend: DbBackend,
) -> Option<sea_orm::Select<occurrence::Entity>> {
    if (persons.is_empty() && agencies.is_empty()) || windows.is_empty() {
        return None;
    }
    let mut who = Condition::any();
    if !persons.is_empty() {
        let ids = persons.iter().copied();
        // Written `+person_id` on SQLite, which keeps the search on the windows' index ranges:
        // when no agency is asked for, SQLite otherwise starts from the attendee index of the
        // person (ten thousand rows for a busy official over the years, each checked against
        // every window): 0.4-0.6 s instead of 10 ms for a 52-week series (bench_conflicts).
        who = who.add(if backend == DbBackend::Sqlite {
            use sea_orm::sea_query::ExprTrait;
            Expr::cust("+\"meeting_attendee\".\"person_id\"").is_in(ids)
        } else {
            meeting_attendee::Column::PersonId.is_in(ids)
        });
    }
    if !agencies.is_empty() {
        who = who.add(meeting_attendee::Column::AgencyId.is_in(agencies.iter().copied()));
    }
    Some(
        busy_select(exclude)
            .column(meeting_attendee::Column::PersonId)
            .column(meeting_attendee::Column::AgencyId)
            .join(JoinType::InnerJoin, meeting::Relation::Attendee.def())
            .filter(overlapping(windows, |_| Condition::all(), backend))
            .filter(occurrence::Column::Status.eq(MeetingStatus::Approved))
            .filter(meeting_attendee::Column::Role.ne(AttendeeRole::Optional))
            .filter(who),
    )
}

/// Occurrences of other meetings in `rooms` or chaired by `chairs` that overlap `windows`.
pub async fn busy_rooms_and_chairs<C: ConnectionTrait>(
    db: &C,
    rooms: &[i32],
    chairs: &[i32],
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    exclude: Option<i32>,
) -> Result<Vec<Busy>> {
    match holding_select(rooms, chairs, windows, exclude, db.get_database_backend()) {
        Some(q) => Ok(q.into_model::<Busy>().all(db).await?),
        None => Ok(vec![]),
    }
}

/// Approved occurrences of other meetings overlapping `windows` whose required attendees
/// include one of `persons` or one of `agencies`.
pub async fn busy_attendees<C: ConnectionTrait>(
    db: &C,
    persons: &[i32],
    agencies: &[i32],
    windows: &[(DateTime<Utc>, DateTime<Utc>)],
    exclude: Option<i32>,
) -> Result<Vec<BusyAttendee>> {
    match attending_select(
        persons,
        agencies,
        windows,
        exclude,
        db.get_database_backend(),
    ) {
        Some(q) => Ok(q.into_model::<BusyAttendee>().all(db).await?),
        None => Ok(vec![]),
    }
}
