//! Which meetings a feed holds, by scope, and how much of each it may show.
//!
//! Rules (issue 6):
//! * person: meetings they chair or are invited to; approved, plus pending/reviewed as
//!   TENTATIVE when the token says so;
//! * room: meetings in the room; same status rule as a person;
//! * agency: the agency's own requests in every status (drafts and returned ones TENTATIVE);
//! * office: approved plus pending/reviewed as TENTATIVE;
//! * public: approved public meetings only.
//!
//! Cancelled, withdrawn and rejected meetings stay in a feed that could have shown them, as
//! STATUS:CANCELLED, for `cancelled_in_feeds_days` after their last change, so that subscribed
//! clients remove them. A confidential meeting shows as a busy block in every feed but its
//! owner's (the requesting agency's).

use crate::db::Db;
use crate::domain::reference;
use crate::domain::settings::Settings;
use crate::domain::visibility::{self, Viewer};
use crate::error::Msg;
use crate::Result;
use chrono::{DateTime, Duration, Utc};
use entity::{
    agency, meeting, meeting_attendee, occurrence, person, room, FeedScope, MeetingStatus,
    Visibility,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// How far back a feed reaches: meetings whose last occurrence ended earlier are left out.
pub const PAST_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Person(i32),
    Room(i32),
    Agency(i32),
    Office,
    Public,
}

impl Scope {
    /// The scope a stored feed token opens; None when its id column is missing.
    pub fn of_token(
        scope: FeedScope,
        person: Option<i32>,
        room: Option<i32>,
        agency: Option<i32>,
    ) -> Option<Scope> {
        match scope {
            FeedScope::Person => person.map(Scope::Person),
            FeedScope::Room => room.map(Scope::Room),
            FeedScope::Agency => agency.map(Scope::Agency),
            FeedScope::Office => Some(Scope::Office),
        }
    }
}

/// What a feed is: its scope and whether it shows requests not yet approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeedSpec {
    pub scope: Scope,
    pub include_tentative: bool,
}

/// RFC 5545 §3.8.1.11 STATUS of a VEVENT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Confirmed,
    Tentative,
    Cancelled,
}

impl Shown {
    pub fn ical(self) -> &'static str {
        match self {
            Shown::Confirmed => "CONFIRMED",
            Shown::Tentative => "TENTATIVE",
            Shown::Cancelled => "CANCELLED",
        }
    }
}

/// How a meeting in `status` appears in the feed, or None when it does not.
pub fn shown(spec: &FeedSpec, status: MeetingStatus) -> Option<Shown> {
    use MeetingStatus::*;
    let tentative = match spec.scope {
        Scope::Office | Scope::Agency(_) => true,
        Scope::Person(_) | Scope::Room(_) => spec.include_tentative,
        Scope::Public => false,
    };
    match status {
        Approved => Some(Shown::Confirmed),
        Pending | Reviewed if tentative => Some(Shown::Tentative),
        Draft | Returned if matches!(spec.scope, Scope::Agency(_)) => Some(Shown::Tentative),
        // Postponed: STATUS:CANCELLED with the bumped SEQUENCE, as a cancellation is. Every
        // client understands a cancelled event (Outlook and Google strike or drop it, Apple
        // marks it), while an event that vanishes from a subscription is dropped silently by
        // some and kept stale by others; the reschedule brings it back CONFIRMED with a higher
        // SEQUENCE under the same UID.
        Cancelled | Withdrawn | Postponed => Some(Shown::Cancelled),
        Rejected if tentative => Some(Shown::Cancelled),
        _ => None,
    }
}

fn statuses(spec: &FeedSpec) -> Vec<MeetingStatus> {
    MeetingStatus::ALL
        .iter()
        .copied()
        .filter(|s| shown(spec, *s).is_some())
        .collect()
}

/// One meeting of a feed with everything rendering needs.
#[derive(Debug, Clone)]
pub struct Item {
    pub meeting: meeting::Model,
    pub shown: Shown,
    /// Confidential and not the owner's feed: times only ("Bận").
    pub busy_only: bool,
    /// All occurrences, by original start.
    pub occurrences: Vec<occurrence::Model>,
    pub attendees: Vec<meeting_attendee::Model>,
}

/// Names of the people, rooms and agencies items refer to.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub persons: HashMap<i32, person::Model>,
    pub rooms: HashMap<i32, room::Model>,
    pub agencies: HashMap<i32, agency::Model>,
}

#[derive(Debug, Clone)]
pub struct FeedData {
    pub spec: FeedSpec,
    /// Calendar name (X-WR-CALNAME / NAME).
    pub name: String,
    pub items: Vec<Item>,
    pub directory: Directory,
    /// Latest change among what the feed shows (Last-Modified).
    pub last_modified: DateTime<Utc>,
}

/// Meetings of `spec`'s scope, before the status and time filters.
fn scope_condition(scope: Scope) -> Condition {
    match scope {
        Scope::Person(p) => Condition::any()
            .add(meeting::Column::ChairId.eq(p))
            .add(
                meeting::Column::Id.in_subquery(
                    Query::select()
                        .column(meeting_attendee::Column::MeetingId)
                        .from(meeting_attendee::Entity)
                        .and_where(meeting_attendee::Column::PersonId.eq(p))
                        .to_owned(),
                ),
            )
            .add(
                meeting::Column::Id.in_subquery(
                    Query::select()
                        .column(occurrence::Column::MeetingId)
                        .from(occurrence::Entity)
                        .and_where(occurrence::Column::ChairId.eq(p))
                        .to_owned(),
                ),
            ),
        Scope::Room(r) => Condition::any().add(meeting::Column::RoomId.eq(r)).add(
            meeting::Column::Id.in_subquery(
                Query::select()
                    .column(occurrence::Column::MeetingId)
                    .from(occurrence::Entity)
                    .and_where(occurrence::Column::RoomId.eq(r))
                    .to_owned(),
            ),
        ),
        Scope::Agency(a) => Condition::all().add(meeting::Column::RequestingAgencyId.eq(a)),
        Scope::Office => Condition::all(),
        Scope::Public => Condition::all().add(meeting::Column::Visibility.eq(Visibility::Public)),
    }
}

/// The calendar's display name, in Vietnamese (a feed is one file for every reader).
pub(super) async fn feed_name(db: &Db, scope: Scope) -> Result<String> {
    let named = |key: &str, args: &[(&str, &str)]| Msg::t(key, args).vi;
    Ok(match scope {
        Scope::Person(p) => match person::Entity::find_by_id(p).one(&db.conn).await? {
            // One pass (`t_each`), so that a name holding `{position}` stays as typed.
            Some(p) => {
                Msg::t_each(
                    "feeds.ics.name.person",
                    &[
                        ("name", &Msg::both(p.full_name)),
                        ("position", &Msg::both(p.position)),
                    ],
                )
                .vi
            }
            None => named("feeds.ics.name.person_unknown", &[]),
        },
        Scope::Room(r) => match room::Entity::find_by_id(r).one(&db.conn).await? {
            Some(r) => named("feeds.ics.name.room", &[("name", &r.name)]),
            None => named("feeds.ics.name.room_unknown", &[]),
        },
        Scope::Agency(a) => match agency::Entity::find_by_id(a).one(&db.conn).await? {
            Some(a) => named("feeds.ics.name.agency", &[("name", &a.name)]),
            None => named("feeds.ics.name.agency_unknown", &[]),
        },
        Scope::Office => named("feeds.ics.name.office", &[]),
        Scope::Public => named("feeds.ics.name.public", &[]),
    })
}

/// Everything one feed shows, as of `now`: callers pass the start of the office day, so that
/// every instance (and every rebuild that day) selects the same meetings and renders the same
/// bytes.
pub async fn select(
    db: &Db,
    spec: FeedSpec,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<FeedData> {
    let past = now - Duration::days(PAST_DAYS);
    let cancelled_since = now - Duration::days(settings.cancelled_in_feeds_days);
    let meetings = meeting::Entity::find()
        .filter(scope_condition(spec.scope))
        .filter(meeting::Column::Status.is_in(statuses(&spec)))
        .filter(
            meeting::Column::Id.in_subquery(
                Query::select()
                    .column(occurrence::Column::MeetingId)
                    .from(occurrence::Entity)
                    .and_where(occurrence::Column::EndsAt.gt(past))
                    .to_owned(),
            ),
        )
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(&db.conn)
        .await?;
    let meetings: Vec<_> = meetings
        .into_iter()
        .filter_map(|m| {
            let s = shown(&spec, m.status)?;
            (s != Shown::Cancelled || m.updated_at >= cancelled_since).then_some((m, s))
        })
        .collect();

    let ids: Vec<i32> = meetings.iter().map(|(m, _)| m.id).collect();
    let mut occurrences: HashMap<i32, Vec<occurrence::Model>> = HashMap::new();
    let mut attendees: HashMap<i32, Vec<meeting_attendee::Model>> = HashMap::new();
    // Bounded IN lists: SQLite caps the number of bound parameters.
    for chunk in ids.chunks(500) {
        for o in occurrence::Entity::find()
            .filter(occurrence::Column::MeetingId.is_in(chunk.iter().copied()))
            .order_by_asc(occurrence::Column::RecurrenceId)
            .all(&db.conn)
            .await?
        {
            occurrences.entry(o.meeting_id).or_default().push(o);
        }
        for a in meeting_attendee::Entity::find()
            .filter(meeting_attendee::Column::MeetingId.is_in(chunk.iter().copied()))
            .order_by_asc(meeting_attendee::Column::Id)
            .all(&db.conn)
            .await?
        {
            attendees.entry(a.meeting_id).or_default().push(a);
        }
    }

    let owner = match spec.scope {
        Scope::Agency(a) => Some(a),
        _ => None,
    };
    // Last-Modified: the latest change of any meeting, occurrence or setting (a meeting that
    // left this feed changed too), and no earlier than `now`, the start of the office day at
    // which the windows above rolled. Index look-ups (m20261127_000010).
    let mut last_modified = settings_changed(db)
        .await?
        .unwrap_or(DateTime::UNIX_EPOCH)
        .max(now);
    let newest_meeting = newest::<meeting::Entity>(db, meeting::Column::UpdatedAt).await?;
    let newest_occurrence = newest::<occurrence::Entity>(db, occurrence::Column::UpdatedAt).await?;
    for t in [newest_meeting, newest_occurrence].into_iter().flatten() {
        last_modified = last_modified.max(t);
    }
    let mut items = Vec::with_capacity(meetings.len());
    for (m, s) in meetings {
        let occ = occurrences.remove(&m.id).unwrap_or_default();
        let busy_only = !visibility::of(Viewer::Feed { agency: owner }, &m).detail();
        items.push(Item {
            attendees: attendees.remove(&m.id).unwrap_or_default(),
            occurrences: occ,
            shown: s,
            busy_only,
            meeting: m,
        });
    }

    // The directory: the reference data kept in memory (domain::reference).
    let r = reference::current(db).await?;
    let directory = Directory {
        persons: r.persons().iter().map(|p| (p.id, p.clone())).collect(),
        rooms: r.rooms().map(|(room, _)| (room.id, room.clone())).collect(),
        agencies: r.agencies().iter().map(|a| (a.id, a.clone())).collect(),
    };
    Ok(FeedData {
        spec,
        name: feed_name(db, spec.scope).await?,
        items,
        directory,
        last_modified,
    })
}

/// One meeting with everything its invitation shows, in full (its invitees see a confidential
/// meeting's details); None when it is gone.
pub async fn one_meeting<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<FeedData>> {
    let Some(m) = meeting::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let occurrences = occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.eq(id))
        .order_by_asc(occurrence::Column::RecurrenceId)
        .all(db)
        .await?;
    let attendees = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(id))
        .order_by_asc(meeting_attendee::Column::Id)
        .all(db)
        .await?;
    let mut person_ids: Vec<i32> = attendees.iter().filter_map(|a| a.person_id).collect();
    person_ids.extend(m.chair_id);
    person_ids.extend(occurrences.iter().filter_map(|o| o.chair_id));
    let mut agency_ids: Vec<i32> = attendees.iter().filter_map(|a| a.agency_id).collect();
    agency_ids.push(m.requesting_agency_id);
    agency_ids.extend(m.preparing_agency_id);
    let mut room_ids: Vec<i32> = occurrences.iter().filter_map(|o| o.room_id).collect();
    room_ids.extend(m.room_id);
    let directory = Directory {
        persons: by_id(
            person::Entity::find().filter(person::Column::Id.is_in(person_ids)),
            db,
            |p: &person::Model| p.id,
        )
        .await?,
        rooms: by_id(
            room::Entity::find().filter(room::Column::Id.is_in(room_ids)),
            db,
            |r: &room::Model| r.id,
        )
        .await?,
        agencies: by_id(
            agency::Entity::find().filter(agency::Column::Id.is_in(agency_ids)),
            db,
            |a: &agency::Model| a.id,
        )
        .await?,
    };
    let last_modified = m.updated_at;
    Ok(Some(FeedData {
        spec: FeedSpec {
            scope: Scope::Office,
            include_tentative: true,
        },
        name: m.title.clone(),
        items: vec![Item {
            meeting: m,
            shown: Shown::Confirmed,
            busy_only: false,
            occurrences,
            attendees,
        }],
        directory,
        last_modified,
    }))
}

async fn by_id<E: EntityTrait, C: ConnectionTrait>(
    q: sea_orm::Select<E>,
    db: &C,
    id: impl Fn(&E::Model) -> i32,
) -> Result<HashMap<i32, E::Model>> {
    Ok(q.all(db).await?.into_iter().map(|x| (id(&x), x)).collect())
}

/// MAX of a timestamp column (an index look-up when the column is indexed).
async fn newest<E: EntityTrait>(db: &Db, col: E::Column) -> Result<Option<DateTime<Utc>>> {
    let found: Option<Option<DateTime<Utc>>> = E::find()
        .select_only()
        .column_as(col.max(), "newest")
        .into_tuple()
        .one(&db.conn)
        .await?;
    Ok(found.flatten())
}

async fn settings_changed(db: &Db) -> Result<Option<DateTime<Utc>>> {
    Ok(entity::setting::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|s| s.updated_at)
        .max())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules_per_scope() {
        use MeetingStatus::*;
        let spec = |scope, include_tentative| FeedSpec {
            scope,
            include_tentative,
        };
        let public = spec(Scope::Public, true);
        assert_eq!(shown(&public, Approved), Some(Shown::Confirmed));
        assert_eq!(shown(&public, Pending), None);
        assert_eq!(shown(&public, Cancelled), Some(Shown::Cancelled));
        assert_eq!(shown(&public, Rejected), None);
        let person = spec(Scope::Person(1), false);
        assert_eq!(shown(&person, Pending), None);
        assert_eq!(
            shown(&spec(Scope::Person(1), true), Reviewed),
            Some(Shown::Tentative)
        );
        let office = spec(Scope::Office, false);
        assert_eq!(shown(&office, Pending), Some(Shown::Tentative));
        assert_eq!(shown(&office, Draft), None);
        let agency = spec(Scope::Agency(1), false);
        assert_eq!(shown(&agency, Draft), Some(Shown::Tentative));
        assert_eq!(shown(&agency, Returned), Some(Shown::Tentative));
        assert_eq!(shown(&agency, Rejected), Some(Shown::Cancelled));
    }
}
