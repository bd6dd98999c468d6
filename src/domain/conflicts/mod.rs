//! Conflicts (xung đột): everything that stands in a meeting's way, computed before anyone acts.
//! Clerks see them before submitting (`POST /api/v1/conflicts`), the office before deciding
//! (`GET /api/v1/meetings/<id>/conflicts`).
//!
//! **Errors** are what the office cannot approve over: the room or the chair already taken by an
//! approved meeting, and a closed room (its own closure, or an office-wide one). Everything else
//! is a **warning**: pending requests for the same room or chair, the setup buffer, busy
//! attendees, capacity, equipment, holidays not entered as closures, office hours, late
//! registration, documents.
//!
//! A series is checked occurrence by occurrence over its whole span, but with one query per kind
//! over that span (bounded on the indexed `(room_id, starts_at)`, `(chair_id, starts_at)` and
//! `(starts_at)`), never one per occurrence: the check stays well under a millisecond with
//! 100,000 meetings (see `src/bin/bench_conflicts.rs`).
//!
//! "A whole agency's head": an agency's head is its active person with the lowest `sort_order`
//! (then lowest id). Inviting an agency makes its head a required attendee.
//!
//! This file runs the check; the overlap queries are in `queries`, the rules that need no
//! database (room fit, calendar, lateness, who is busy) in `rules`.

pub mod conflict;
mod queries;
mod rules;

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::meetings::{room_object, room_subject, Invitee, NewMeeting};
use crate::domain::recurrence;
use crate::domain::reference::{self, Reference};
use crate::domain::settings::Settings;
use crate::domain::visibility::Viewer;
use crate::error::Msg;
use crate::Result;
use chrono::{DateTime, Duration, NaiveDate, Utc};
pub use conflict::{Conflict, Kind, Named, OtherMeeting, Severity};
use entity::*;
pub use queries::{
    busy_attendees, busy_rooms_and_chairs, windows, Busy, BusyAttendee, HOLDING, SHORT_HOURS,
};
use rules::{
    calendar_conflicts, hm, late_registration, local, near, overlaps, person_conflict, room_fit,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashSet};

/// One occurrence to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
}

impl DraftSlot {
    fn date(&self) -> NaiveDate {
        clock::office_date(self.starts_at)
    }
}

/// What the check needs of a meeting, saved or not.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The meeting itself when it is saved: never collides with itself.
    pub meeting_id: Option<i32>,
    pub kind: MeetingKind,
    pub slots: Vec<DraftSlot>,
    /// Persons invited as required (or chair).
    pub persons: Vec<i32>,
    /// Agencies invited as required (their head attends).
    pub agencies: Vec<i32>,
    pub expected_attendance: Option<i32>,
    pub equipment_ids: Vec<i32>,
    /// When the request was (or would now be) submitted: for late registration.
    pub submitted_at: DateTime<Utc>,
}

impl Draft {
    /// A request not saved yet (or being edited: pass its id to leave it out).
    pub fn from_new(m: &NewMeeting, meeting_id: Option<i32>, now: DateTime<Utc>) -> Result<Self> {
        let tz = m.time_zone.parse().unwrap_or(OFFICE_TZ);
        let slots = recurrence::expand(
            tz,
            m.starts_at,
            m.ends_at - m.starts_at,
            m.rrule.as_deref(),
            &m.exdates,
        )?
        .into_iter()
        .map(|s| DraftSlot {
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            room_id: m.room_id,
            chair_id: m.chair_id,
        })
        .collect();
        let mut persons = Vec::new();
        let mut agencies = Vec::new();
        for a in &m.attendees {
            if a.role == AttendeeRole::Optional {
                continue;
            }
            match a.who {
                Invitee::Person(p) => persons.push(p),
                Invitee::Agency(g) => agencies.push(g),
            }
        }
        Ok(Draft {
            meeting_id,
            kind: m.kind,
            slots,
            persons,
            agencies,
            expected_attendance: m.expected_attendance,
            equipment_ids: m.equipment_ids.clone(),
            submitted_at: now,
        })
    }

    /// A saved request, from its occurrence rows (overrides included, cancelled ones left out).
    pub async fn of_saved<C: ConnectionTrait>(db: &C, m: &meeting::Model) -> Result<Self> {
        let slots = occurrence::Entity::find()
            .filter(occurrence::Column::MeetingId.eq(m.id))
            .filter(occurrence::Column::Status.ne(MeetingStatus::Cancelled))
            .order_by_asc(occurrence::Column::StartsAt)
            .all(db)
            .await?
            .into_iter()
            .map(|o| DraftSlot {
                starts_at: o.starts_at,
                ends_at: o.ends_at,
                room_id: o.room_id,
                chair_id: o.chair_id,
            })
            .collect();
        let attendees = meeting_attendee::Entity::find()
            .filter(meeting_attendee::Column::MeetingId.eq(m.id))
            .filter(meeting_attendee::Column::Role.ne(AttendeeRole::Optional))
            .all(db)
            .await?;
        let equipment_ids = meeting_equipment::Entity::find()
            .filter(meeting_equipment::Column::MeetingId.eq(m.id))
            .all(db)
            .await?
            .into_iter()
            .map(|e| e.equipment_id)
            .collect();
        Ok(Draft {
            meeting_id: Some(m.id),
            kind: m.kind,
            slots,
            persons: attendees.iter().filter_map(|a| a.person_id).collect(),
            agencies: attendees.iter().filter_map(|a| a.agency_id).collect(),
            expected_attendance: m.expected_attendance,
            equipment_ids,
            submitted_at: m.submitted_at.unwrap_or_else(clock::now),
        })
    }
}

/// Searches over at most this many windows run on [`Db::lookups`] (generic plans on
/// PostgreSQL); a long series' search keeps a plan made for its own windows.
const GENERIC_PLAN_WINDOWS: usize = 4;

/// Who a check looks for.
struct Wanted {
    /// The chairs, the required persons and the invited agencies' heads.
    people: Vec<i32>,
    /// The agencies those people head: inviting such an agency elsewhere occupies its head.
    headed: Vec<i32>,
}

impl Wanted {
    fn of(draft: &Draft, chairs: &BTreeSet<i32>, reference: &Reference) -> Self {
        let mut required: BTreeSet<i32> = draft.persons.iter().copied().collect();
        required.extend(draft.agencies.iter().filter_map(|a| reference.head_of(*a)));
        let people: Vec<i32> = required.union(chairs).copied().collect();
        let headed = people
            .iter()
            .filter_map(|p| reference.headed_by(*p))
            .collect();
        Wanted { people, headed }
    }
}

/// The two overlap searches of a check.
struct Searches<'a> {
    rooms: &'a [i32],
    room_windows: &'a [(DateTime<Utc>, DateTime<Utc>)],
    people_windows: &'a [(DateTime<Utc>, DateTime<Utc>)],
    exclude: Option<i32>,
}

impl Searches<'_> {
    /// Both at once, on two pooled connections: each costs more in SQLite page reads than in
    /// the round trip, so one UNION of both took as long as the two one after the other.
    async fn run<C: ConnectionTrait>(
        &self,
        db: &C,
        who: &Wanted,
    ) -> Result<(Vec<Busy>, Vec<BusyAttendee>)> {
        rocket::tokio::try_join!(
            busy_rooms_and_chairs(db, self.rooms, &who.people, self.room_windows, self.exclude),
            busy_attendees(
                db,
                &who.people,
                &who.headed,
                self.people_windows,
                self.exclude
            ),
        )
    }
}

/// Every conflict of `draft`, sorted by date, errors first; the other meetings named as
/// `viewer` may see them.
pub async fn check(
    db: &Db,
    draft: &Draft,
    settings: &Settings,
    viewer: Viewer<'_>,
) -> Result<Vec<Conflict>> {
    let mut out = Vec::new();
    let Some(first) = draft.slots.iter().map(|s| s.starts_at).min() else {
        return Ok(out);
    };
    let last = draft.slots.iter().map(|s| s.ends_at).max().unwrap_or(first);
    let buffer = Duration::minutes(settings.room_buffer_minutes.max(0));
    // Rooms need the buffer around each occurrence; people only the occurrence itself.
    let room_windows = windows(
        draft
            .slots
            .iter()
            .map(|s| (s.starts_at - buffer, s.ends_at + buffer))
            .collect(),
    );
    let people_windows = windows(
        draft
            .slots
            .iter()
            .map(|s| (s.starts_at, s.ends_at))
            .collect(),
    );

    let rooms: Vec<i32> = draft
        .slots
        .iter()
        .filter_map(|s| s.room_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let chairs: BTreeSet<i32> = draft.slots.iter().filter_map(|s| s.chair_id).collect();
    let first_date = clock::office_date(first);
    let last_date = clock::office_date(last);
    let submitted = clock::office_date(draft.submitted_at);
    let searches = Searches {
        rooms: &rooms,
        room_windows: &room_windows,
        people_windows: &people_windows,
        exclude: draft.meeting_id,
    };
    let conn = if room_windows.len().max(people_windows.len()) <= GENERIC_PLAN_WINDOWS {
        db.lookups()
    } else {
        &db.conn
    };
    // The searches need the invited agencies' heads, from the reference data. The copy in
    // memory is used as it stands while the change counter is read alongside the searches, so
    // the check costs one round trip; a change seen there (rare) means reloading and searching
    // again.
    let hit = match reference::kept(db) {
        Some(r) => {
            let who = Wanted::of(draft, &chairs, &r);
            let (seen, found) = rocket::tokio::try_join!(
                reference::version(db.lookups()),
                searches.run(conn, &who)
            )?;
            if seen == r.version {
                Ok((r, who, found))
            } else {
                Err(Some(seen))
            }
        }
        None => Err(None),
    };
    let (reference, who, (mut busy, busy_people)) = match hit {
        Ok(hit) => hit,
        Err(seen) => {
            let r = match seen {
                Some(seen) => reference::reload(db, seen).await?,
                None => reference::current(db).await?,
            };
            let who = Wanted::of(draft, &chairs, &r);
            let found = searches.run(conn, &who).await?;
            (r, who, found)
        }
    };
    let all_people = &who.people;
    let calendar = reference.calendar(submitted.min(first_date) - Duration::days(120), last_date);
    busy.sort_by_key(|b| b.starts_at);

    let room_name = |id: i32| Named {
        id,
        name: reference
            .room(id)
            .map(|(r, _)| r.name.clone())
            .unwrap_or_else(|| format!("#{id}")),
    };

    let fit: Vec<_> = rooms.iter().filter_map(|r| reference.room(*r)).collect();
    room_fit(draft, &fit, &|e| reference.equipment(e), &mut out);

    for slot in &draft.slots {
        let date = slot.date();
        let when = format!("{}–{}", local(slot.starts_at), hm(slot.ends_at));
        // Room: overlap (approved: error; pending: warning), then the setup buffer.
        if let Some(r) = slot.room_id {
            for b in near(&busy, slot, buffer) {
                if b.room_id != Some(r) {
                    continue;
                }
                let rn = room_name(r);
                let (other, named) = b.seen(viewer);
                let at = Msg::both(when.clone());
                let c = if overlaps(slot.starts_at, slot.ends_at, b, Duration::zero()) {
                    if b.status == MeetingStatus::Approved {
                        Conflict::t(
                            Kind::RoomOverlap,
                            Severity::Error,
                            Some(date),
                            "conflicts.room_overlap",
                            &[
                                ("room", &room_object(&rn.name)),
                                ("when", &at),
                                ("meeting", &named),
                            ],
                        )
                    } else {
                        Conflict::t(
                            Kind::RoomPendingOverlap,
                            Severity::Warning,
                            Some(date),
                            "conflicts.room_pending",
                            &[
                                ("room", &room_subject(&rn.name)),
                                ("when", &at),
                                ("meeting", &named),
                            ],
                        )
                    }
                } else if b.status == MeetingStatus::Approved
                    && overlaps(slot.starts_at, slot.ends_at, b, buffer)
                {
                    Conflict::t(
                        Kind::RoomBuffer,
                        Severity::Warning,
                        Some(date),
                        "conflicts.room_buffer",
                        &[
                            ("room", &room_subject(&rn.name)),
                            ("minutes", &Msg::both(buffer.num_minutes().to_string())),
                            ("meeting", &named),
                            ("start", &Msg::both(hm(b.starts_at))),
                            ("end", &Msg::both(hm(b.ends_at))),
                        ],
                    )
                } else {
                    continue;
                };
                let mut c = c;
                c.meeting = Some(other);
                c.room = Some(rn);
                out.push(c);
            }
        }
        // People: the chair in two places at once; required attendees already taken.
        let mut seen: HashSet<(i32, i32)> = HashSet::new();
        for b in near(&busy, slot, Duration::zero()) {
            let Some(p) = b.chair_id.filter(|p| all_people.contains(p)) else {
                continue;
            };
            if !overlaps(slot.starts_at, slot.ends_at, b, Duration::zero())
                || !seen.insert((p, b.meeting_id))
            {
                continue;
            }
            let is_chair = slot.chair_id == Some(p);
            if !is_chair && b.status != MeetingStatus::Approved {
                continue;
            }
            out.push(person_conflict(
                &reference, p, is_chair, b, &when, date, viewer,
            ));
        }
        for BusyAttendee {
            busy: b,
            person_id: p,
            agency_id: a,
        } in &busy_people
        {
            if !overlaps(slot.starts_at, slot.ends_at, b, Duration::zero()) {
                continue;
            }
            let Some(p) = p.or_else(|| a.and_then(|a| reference.head_of(a))) else {
                continue;
            };
            if !all_people.contains(&p) || !seen.insert((p, b.meeting_id)) {
                continue;
            }
            let is_chair = slot.chair_id == Some(p) && b.chair_id == Some(p);
            out.push(person_conflict(
                &reference, p, is_chair, b, &when, date, viewer,
            ));
        }
        calendar_conflicts(&calendar, slot, draft.kind, settings, &room_name, &mut out);
    }

    late_registration(
        &draft.slots,
        &calendar,
        draft.submitted_at,
        settings,
        &mut out,
    );

    out.sort_by_key(|a| (a.date, a.severity, a.kind));
    Ok(out)
}

/// Conflicts of a saved request, as the office sees it before deciding (documents included),
/// with the request as checked.
pub async fn of_meeting(
    db: &Db,
    m: &meeting::Model,
    settings: &Settings,
    viewer: Viewer<'_>,
) -> Result<(Draft, Vec<Conflict>)> {
    let draft = Draft::of_saved(&db.conn, m).await?;
    let mut found = check(db, &draft, settings, viewer).await?;
    if let Some(flag) = crate::domain::documents::due_of(&db.conn, m, settings)
        .await?
        .and_then(|d| d.flag)
    {
        found.push(flag);
        found.sort_by_key(|a| (a.date, a.severity, a.kind));
    }
    Ok((draft, found))
}

/// Conflicts of a request as filled in, without saving it, with the request as checked.
pub async fn of_new(
    db: &Db,
    new: &NewMeeting,
    meeting_id: Option<i32>,
    settings: &Settings,
    viewer: Viewer<'_>,
) -> Result<(Draft, Vec<Conflict>)> {
    let draft = Draft::from_new(new, meeting_id, clock::now())?;
    let found = check(db, &draft, settings, viewer).await?;
    Ok((draft, found))
}

/// A request as filled in (the API's body, the request form), checked without saving: validated
/// as a save would be, then checked. `meeting_id` names the request being edited (which `actor`
/// must be allowed to see), so that it does not collide with itself.
pub async fn of_input(
    db: &crate::db::Db,
    actor: &crate::domain::registration::Actor,
    input: crate::domain::registration::MeetingInput,
    meeting_id: Option<i32>,
    settings: &Settings,
) -> Result<(Draft, Vec<Conflict>)> {
    use crate::domain::registration;
    if let Some(id) = meeting_id {
        registration::get(db, actor, id).await?;
    }
    let new = registration::validate(&db.conn, actor, input).await?;
    of_new(db, &new, meeting_id, settings, Viewer::Signed(actor)).await
}
