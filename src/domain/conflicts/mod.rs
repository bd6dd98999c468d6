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

pub mod conflict;

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::meetings::{Invitee, NewMeeting};
use crate::domain::recurrence;
use crate::domain::reference::{self, Reference};
use crate::domain::registration::MAX_DAYS;
use crate::domain::settings::Settings;
use crate::domain::visibility::{self, Viewer};
use crate::domain::working_days::Calendar;
use crate::error::Msg;
use crate::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
pub use conflict::{Conflict, Kind, Named, OtherMeeting, Severity};
use entity::*;
use sea_orm::sea_query::{Condition, Expr, JoinType, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
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

/// dd/mm/yyyy HH:MM in the office's zone.
fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

fn hm(t: DateTime<Utc>) -> String {
    t.with_timezone(&OFFICE_TZ).format("%H:%M").to_string()
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

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
    /// The meeting as `viewer` may see it, and how messages name it (Vietnamese, English):
    /// `#12 «title»`, or `«Bận»` when the viewer may not see it.
    fn seen(&self, viewer: Viewer) -> (OtherMeeting, String, String) {
        let detail = visibility::sight(viewer, self.requesting_agency_id, self.visibility).detail();
        let other = OtherMeeting {
            id: detail.then_some(self.meeting_id),
            title: detail.then(|| self.title.clone()),
            busy: !detail,
            status: self.status,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        };
        let (vi, en) = if detail {
            (
                format!("#{} «{}»", self.meeting_id, self.title),
                format!("#{} \"{}\"", self.meeting_id, self.title),
            )
        } else {
            let busy = Msg::t("privacy.busy", &[]);
            (format!("«{}»", busy.vi), format!("\"{}\"", busy.en))
        };
        (other, vi, en)
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

fn overlaps(a_start: DateTime<Utc>, a_end: DateTime<Utc>, b: &Busy, pad: Duration) -> bool {
    b.starts_at < a_end + pad && a_start - pad < b.ends_at
}

/// The busy rows that may overlap `slot` (widened by `pad`): rows are sorted by start and start
/// at most MAX_DAYS before they end, so a binary search bounds the scan.
fn near<'a>(busy: &'a [Busy], slot: &DraftSlot, pad: Duration) -> &'a [Busy] {
    let lo =
        busy.partition_point(|b| b.starts_at < slot.starts_at - pad - Duration::days(MAX_DAYS));
    let hi = busy.partition_point(|b| b.starts_at < slot.ends_at + pad);
    &busy[lo..hi.max(lo)]
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

    room_fit(draft, &rooms, &reference, &mut out);

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
                let (other, name_vi, name_en) = b.seen(viewer);
                let (kind, severity, vi, en) = if overlaps(
                    slot.starts_at,
                    slot.ends_at,
                    b,
                    Duration::zero(),
                ) {
                    if b.status == MeetingStatus::Approved {
                        (
                            Kind::RoomOverlap,
                            Severity::Error,
                            format!("Lịch họp này đã trùng với phòng họp {} ({when}): cuộc họp đã duyệt {name_vi}.", rn.name),
                            format!("Room {} is taken ({when}) by approved meeting {name_en}.", rn.name),
                        )
                    } else {
                        (
                            Kind::RoomPendingOverlap,
                            Severity::Warning,
                            format!(
                                "Phòng họp {} ({when}) đã có đăng ký đang chờ duyệt {name_vi}.",
                                rn.name
                            ),
                            format!(
                                "Room {} ({when}) is also requested by pending meeting {name_en}.",
                                rn.name
                            ),
                        )
                    }
                } else if b.status == MeetingStatus::Approved
                    && overlaps(slot.starts_at, slot.ends_at, b, buffer)
                {
                    (
                        Kind::RoomBuffer,
                        Severity::Warning,
                        format!("Phòng họp {} cần {} phút chuẩn bị giữa hai cuộc họp; cuộc họp {name_vi} ({}–{}) sát giờ.", rn.name, buffer.num_minutes(), hm(b.starts_at), hm(b.ends_at)),
                        format!("Room {} needs {} minutes of setup between meetings; meeting {name_en} ({}–{}) is too close.", rn.name, buffer.num_minutes(), hm(b.starts_at), hm(b.ends_at)),
                    )
                } else {
                    continue;
                };
                let mut c = Conflict::new(kind, severity, Some(date), vi, en);
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

    // Late registration: submitted after the deadline of an occurrence.
    let lead = settings.registration_lead_working_days;
    if lead > 0 {
        for slot in &draft.slots {
            let date = slot.date();
            let deadline = calendar.deadline(date, lead);
            if submitted <= deadline {
                break; // later occurrences have later deadlines
            }
            out.push(Conflict::new(
                Kind::LateRegistration,
                Severity::Warning,
                Some(date),
                format!("Đăng ký muộn: cuộc họp ngày {} phải đăng ký trước ít nhất {lead} ngày làm việc (hạn chót {}).", dmy(date), dmy(deadline)),
                format!("Late registration: the meeting on {} had to be registered at least {lead} working days before (deadline {}).", dmy(date), dmy(deadline)),
            ));
        }
    }

    out.sort_by_key(|a| (a.date, a.severity, a.kind));
    Ok(out)
}

fn person_conflict(
    reference: &Reference,
    p: i32,
    is_chair: bool,
    b: &Busy,
    when: &str,
    date: NaiveDate,
    viewer: Viewer,
) -> Conflict {
    let (other, name_vi, name_en) = b.seen(viewer);
    let who = Named {
        id: p,
        name: reference
            .person(p)
            .map(|x| x.label.clone())
            .unwrap_or_else(|| format!("#{p}")),
    };
    let state_vi = if b.status == MeetingStatus::Approved {
        "đã duyệt"
    } else {
        "đang chờ duyệt"
    };
    let state_en = if b.status == MeetingStatus::Approved {
        "approved"
    } else {
        "pending"
    };
    let mut c = if is_chair {
        Conflict::new(
            Kind::ChairOverlap,
            if b.status == MeetingStatus::Approved {
                Severity::Error
            } else {
                Severity::Warning
            },
            Some(date),
            format!(
                "Người chủ trì {} đã có cuộc họp {state_vi} {name_vi} trùng thời gian ({when}).",
                who.name
            ),
            format!(
                "The chair {} already has {state_en} meeting {name_en} at that time ({when}).",
                who.name
            ),
        )
    } else {
        Conflict::new(
            Kind::AttendeeBusy,
            Severity::Warning,
            Some(date),
            format!(
                "Thành phần {} đã dự cuộc họp đã duyệt {name_vi} trùng thời gian ({when}).",
                who.name
            ),
            format!(
                "Attendee {} is already in approved meeting {name_en} at that time ({when}).",
                who.name
            ),
        )
    };
    c.meeting = Some(other);
    c.person = Some(who);
    c
}

/// Capacity and equipment of each room the meeting uses.
fn room_fit(draft: &Draft, rooms: &[i32], reference: &Reference, out: &mut Vec<Conflict>) {
    let rooms: Vec<&(room::Model, Vec<equipment::Model>)> =
        rooms.iter().filter_map(|r| reference.room(*r)).collect();
    for (r, _) in rooms.iter().copied() {
        if let Some(n) = draft.expected_attendance.filter(|n| *n > r.capacity) {
            let mut c = Conflict::new(
                Kind::Capacity,
                Severity::Warning,
                None,
                format!(
                    "Phòng {} chỉ có {} chỗ, dự kiến {n} người dự.",
                    r.name, r.capacity
                ),
                format!("Room {} seats {}, {n} are expected.", r.name, r.capacity),
            );
            c.room = Some(Named {
                id: r.id,
                name: r.name.clone(),
            });
            out.push(c);
        }
    }
    let has: HashSet<(i32, i32)> = rooms
        .iter()
        .flat_map(|(r, kit)| kit.iter().map(move |e| (r.id, e.id)))
        .collect();
    let mut missing: Vec<(&room::Model, i32)> = Vec::new();
    for (r, _) in rooms.iter().copied() {
        for e in &draft.equipment_ids {
            if !has.contains(&(r.id, *e)) {
                missing.push((r, *e));
            }
        }
    }
    for (r, e) in missing {
        let (vi, en) = reference
            .equipment(e)
            .map(|e| (e.name_vi.clone(), e.name_en.clone()))
            .unwrap_or_else(|| (format!("#{e}"), format!("#{e}")));
        let mut c = Conflict::new(
            Kind::EquipmentMissing,
            Severity::Warning,
            None,
            format!("Phòng {} không có thiết bị: {vi}.", r.name),
            format!("Room {} lacks: {en}.", r.name),
        );
        c.room = Some(Named {
            id: r.id,
            name: r.name.clone(),
        });
        out.push(c);
    }
}

/// Closures, public holidays, weekends and office hours for one occurrence.
fn calendar_conflicts(
    cal: &Calendar,
    slot: &DraftSlot,
    kind: MeetingKind,
    settings: &Settings,
    room_name: &dyn Fn(i32) -> Named,
    out: &mut Vec<Conflict>,
) {
    let first = slot.date();
    let last = clock::office_date(slot.ends_at - Duration::seconds(1)).max(first);
    for date in first.iter_days().take_while(|d| *d <= last) {
        let mut closed = false;
        for c in cal.closures_on(date, slot.room_id) {
            closed = true;
            let holiday = c.kind == ClosureKind::Holiday;
            // A closed room cannot be used; without a room, a closed office is a warning.
            let severity = if slot.room_id.is_some() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let (vi, en) = match c.room_id {
                Some(r) => {
                    let rn = room_name(r).name;
                    (
                        format!(
                            "Phòng họp {rn} tạm dừng sử dụng ngày {}: {}.",
                            dmy(date),
                            c.reason
                        ),
                        format!("Room {rn} is closed on {}: {}.", dmy(date), c.reason),
                    )
                }
                None => (
                    format!("Ngày {} cơ quan nghỉ: {}.", dmy(date), c.reason),
                    format!("The office is closed on {}: {}.", dmy(date), c.reason),
                ),
            };
            let mut x = Conflict::new(
                if holiday {
                    Kind::Holiday
                } else {
                    Kind::Closure
                },
                severity,
                Some(date),
                vi,
                en,
            );
            x.closure_id = Some(c.id);
            x.room = c.room_id.map(room_name);
            out.push(x);
        }
        if cal.is_make_up_day(date) {
            continue;
        }
        if !closed {
            if let Some(h) = cal.holiday(date) {
                out.push(Conflict::new(
                    Kind::Holiday,
                    Severity::Warning,
                    Some(date),
                    format!("Ngày {} là ngày nghỉ lễ: {}.", dmy(date), h.name_vi),
                    format!("{} is a public holiday: {}.", dmy(date), h.name_en),
                ));
                continue;
            }
        }
        if kind != MeetingKind::CongTac && matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(Conflict::new(
                Kind::OutsideHours,
                Severity::Warning,
                Some(date),
                format!(
                    "Ngày {} là {}, ngoài ngày làm việc.",
                    dmy(date),
                    crate::domain::weekly_schedule::weekday_vi(date.weekday())
                ),
                format!("{} is a {}, not a working day.", dmy(date), date.weekday()),
            ));
        }
    }
    // Field trips (đi công tác) occupy a leader beyond office hours: no office-hours warning.
    if kind == MeetingKind::CongTac {
        return;
    }
    let s = slot.starts_at.with_timezone(&OFFICE_TZ);
    let e = slot.ends_at.with_timezone(&OFFICE_TZ);
    if s.time() < settings.office_opens
        || e.time() > settings.office_closes
        || e.date_naive() != s.date_naive()
    {
        let (o, c) = (
            settings.office_opens.format("%H:%M"),
            settings.office_closes.format("%H:%M"),
        );
        out.push(Conflict::new(
            Kind::OutsideHours,
            Severity::Warning,
            Some(first),
            format!(
                "Cuộc họp {}–{} ngoài giờ làm việc ({o}–{c}).",
                local(slot.starts_at),
                hm(slot.ends_at)
            ),
            format!(
                "The meeting {}–{} is outside office hours ({o}–{c}).",
                local(slot.starts_at),
                hm(slot.ends_at)
            ),
        ));
    }
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
