//! Storing meetings with their occurrences, attendees and audit trail, always in one transaction.

use crate::domain::clock;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use entity::{
    meeting, meeting_attendee, meeting_equipment, meeting_event, occurrence, AttendeeRole,
    MeetingKind, MeetingStatus, Participation, Visibility,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// A meeting as registered, before it has an id.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub uid: Option<String>,
    pub title: String,
    pub agenda: Option<String>,
    pub requesting_agency_id: i32,
    pub created_by: i32,
    pub kind: MeetingKind,
    pub chair_id: Option<i32>,
    pub room_id: Option<i32>,
    pub location: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub status: MeetingStatus,
    pub visibility: Visibility,
    pub online_link: Option<String>,
    pub expected_attendance: Option<i32>,
    pub preparation: Option<String>,
    pub needs_interpreter: bool,
    pub preparing_agency_id: Option<i32>,
    pub follower_id: Option<i32>,
    pub other_attendees: Option<String>,
    pub note: Option<String>,
    pub attendees: Vec<NewAttendee>,
    pub equipment_ids: Vec<i32>,
    /// RFC 5545 RRULE value (without "RRULE:"), None for a single meeting.
    pub rrule: Option<String>,
    /// Original local dates left out of the series.
    pub exdates: Vec<chrono::NaiveDate>,
    /// Why the office records a meeting already under way: the note of the "create" (or
    /// "edit") entry of the audit trail.
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Invitee {
    Person(i32),
    Agency(i32),
}

#[derive(Debug, Clone)]
pub struct NewAttendee {
    pub who: Invitee,
    pub role: AttendeeRole,
}

/// A fresh iCalendar UID: random, stable for the meeting's life.
/// A room named in a Vietnamese sentence: "Phòng họp số 1" and "Hội trường A" already say what
/// they are and stand as they are; a bare name ("A3") becomes "phòng A3". Writing "Phòng {name}"
/// gave "Phòng Phòng khách quốc tế".
/// The words that say what a room is, and the phrase, are the locale's (`rooms.*`).
pub fn room_vi(name: &str) -> String {
    let lower = name.trim_start().to_lowercase();
    let says_what = crate::i18n::vietnamese("rooms.names_that_say_what")
        .split('|')
        .any(|k| lower.starts_with(k));
    if says_what {
        name.to_string()
    } else {
        crate::error::Msg::t("rooms.named", &[("name", name)]).vi
    }
}

/// A room at the start of a message: [`room_vi_subject`] in Vietnamese, its name in English
/// (the English texts say "Room {room}").
pub fn room_subject(name: &str) -> crate::error::Msg {
    crate::error::Msg {
        vi: room_vi_subject(name),
        en: name.to_string(),
    }
}

/// A room inside a message: [`room_vi`] in Vietnamese, its name in English.
pub fn room_object(name: &str) -> crate::error::Msg {
    crate::error::Msg {
        vi: room_vi(name),
        en: name.to_string(),
    }
}

/// [`room_vi`] at the start of a sentence.
pub fn room_vi_subject(name: &str) -> String {
    let named = room_vi(name);
    let mut chars = named.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => named,
    }
}

pub fn new_uid() -> String {
    format!("{}@lichhop", uuid::Uuid::new_v4())
}

/// Inserts the meeting, its occurrences, attendees and equipment, and the "create" entry of its
/// audit trail. Call inside a transaction.
pub async fn insert<C: ConnectionTrait>(db: &C, m: NewMeeting) -> Result<meeting::Model> {
    insert_then(db, m, None).await
}

/// A transition recorded right after "create", e.g. the clerk's "submit" of a request
/// registered and sent at once: (actor, action, status before).
pub type FollowingEvent<'a> = (i32, &'a str, MeetingStatus);

/// [`insert`], with `then` appended to the audit trail after "create" (one statement for both).
pub async fn insert_then<C: ConnectionTrait>(
    db: &C,
    m: NewMeeting,
    then: Option<FollowingEvent<'_>>,
) -> Result<meeting::Model> {
    use sea_orm::EntityTrait;
    let now = clock::now();
    let reason = m.reason.clone();
    let starts_at = clock::whole_seconds(m.starts_at);
    let ends_at = clock::whole_seconds(m.ends_at);
    let saved = meeting::ActiveModel {
        uid: Set(m.uid.unwrap_or_else(new_uid)),
        title: Set(m.title),
        agenda: Set(m.agenda),
        requesting_agency_id: Set(m.requesting_agency_id),
        created_by: Set(m.created_by),
        kind: Set(m.kind),
        chair_id: Set(m.chair_id),
        room_id: Set(m.room_id),
        location: Set(m.location),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        time_zone: Set(m.time_zone),
        all_day: Set(false),
        status: Set(m.status),
        visibility: Set(m.visibility),
        rrule: Set(m.rrule.clone()),
        exdates: Set(exdates_json(&m.exdates)),
        online_link: Set(m.online_link),
        expected_attendance: Set(m.expected_attendance),
        preparation: Set(m.preparation),
        needs_interpreter: Set(m.needs_interpreter),
        preparing_agency_id: Set(m.preparing_agency_id),
        follower_id: Set(m.follower_id),
        other_attendees: Set(m.other_attendees),
        note: Set(m.note),
        decision_note: Set(None),
        proposed_starts_at: Set(None),
        proposed_ends_at: Set(None),
        proposed_room_id: Set(None),
        sequence: Set(0),
        version: Set(1),
        submitted_at: Set((m.status != MeetingStatus::Draft).then_some(now)),
        decided_at: Set(
            matches!(m.status, MeetingStatus::Approved | MeetingStatus::Rejected).then_some(now),
        ),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;

    // A new meeting has no occurrence rows yet: nothing to read.
    sync_occurrences_from(db, &saved, false, Vec::new()).await?;

    for a in m.attendees {
        let (person_id, agency_id) = match a.who {
            Invitee::Person(id) => (Some(id), None),
            Invitee::Agency(id) => (None, Some(id)),
        };
        meeting_attendee::ActiveModel {
            meeting_id: Set(saved.id),
            person_id: Set(person_id),
            agency_id: Set(agency_id),
            role: Set(a.role),
            participation: Set(Participation::NeedsAction),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for equipment_id in m.equipment_ids {
        meeting_equipment::ActiveModel {
            meeting_id: Set(saved.id),
            equipment_id: Set(equipment_id),
        }
        .insert(db)
        .await?;
    }
    let mut events = vec![event_row(
        saved.id,
        None,
        Some(saved.created_by),
        "create",
        None,
        Some(saved.status),
        reason,
    )];
    if let Some((actor, action, before)) = then {
        events.push(event_row(
            saved.id,
            None,
            Some(actor),
            action,
            Some(before),
            Some(saved.status),
            None,
        ));
    }
    meeting_event::Entity::insert_many(events)
        .exec_without_returning(db)
        .await?;
    Ok(saved)
}

/// The chair's attendee row follows a change of chair: the old chair's row goes, the new
/// chair gets one unless already invited (then their own row stands, as at registration).
pub async fn replace_chair_attendee<C: ConnectionTrait>(
    db: &C,
    meeting_id: i32,
    chair_id: Option<i32>,
) -> Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    meeting_attendee::Entity::delete_many()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting_id))
        .filter(meeting_attendee::Column::Role.eq(AttendeeRole::Chair))
        .exec(db)
        .await?;
    let Some(chair) = chair_id else {
        return Ok(());
    };
    let listed = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting_id))
        .filter(meeting_attendee::Column::PersonId.eq(chair))
        .count(db)
        .await?;
    if listed == 0 {
        meeting_attendee::ActiveModel {
            meeting_id: Set(meeting_id),
            person_id: Set(Some(chair)),
            agency_id: Set(None),
            role: Set(AttendeeRole::Chair),
            participation: Set(Participation::NeedsAction),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Appends one entry to a meeting's audit trail.
pub async fn record_event<C: ConnectionTrait>(
    db: &C,
    meeting_id: i32,
    actor_id: Option<i32>,
    action: &str,
    before: Option<MeetingStatus>,
    after: Option<MeetingStatus>,
    note: Option<String>,
) -> Result<()> {
    append_event(db, meeting_id, None, actor_id, action, before, after, note).await
}

/// Appends an audit entry about one occurrence of a series.
pub async fn record_occurrence_event<C: ConnectionTrait>(
    db: &C,
    meeting_id: i32,
    occurrence_id: i32,
    actor_id: i32,
    action: &str,
    status: MeetingStatus,
    note: Option<String>,
) -> Result<()> {
    let s = Some(status);
    append_event(
        db,
        meeting_id,
        Some(occurrence_id),
        Some(actor_id),
        action,
        s,
        s,
        note,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn append_event<C: ConnectionTrait>(
    db: &C,
    meeting_id: i32,
    occurrence_id: Option<i32>,
    actor_id: Option<i32>,
    action: &str,
    before: Option<MeetingStatus>,
    after: Option<MeetingStatus>,
    note: Option<String>,
) -> Result<()> {
    use sea_orm::EntityTrait;
    // Nothing is read back: an insert without RETURNING is the cheapest statement.
    meeting_event::Entity::insert(event_row(
        meeting_id,
        occurrence_id,
        actor_id,
        action,
        before,
        after,
        note,
    ))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn event_row(
    meeting_id: i32,
    occurrence_id: Option<i32>,
    actor_id: Option<i32>,
    action: &str,
    before: Option<MeetingStatus>,
    after: Option<MeetingStatus>,
    note: Option<String>,
) -> meeting_event::ActiveModel {
    meeting_event::ActiveModel {
        meeting_id: Set(meeting_id),
        occurrence_id: Set(occurrence_id),
        actor_id: Set(actor_id),
        action: Set(action.to_string()),
        status_before: Set(before),
        status_after: Set(after),
        note: Set(note),
        at: Set(clock::now()),
        ..Default::default()
    }
}

/// Turns the database's no-overlap refusal (SQLite trigger or PostgreSQL exclusion constraint)
/// into a 409; every other error passes through.
pub fn booking_error(e: DbErr) -> Error {
    let text = e.to_string();
    if text.contains(migration::ROOM_OVERLAP) {
        Error::conflict_t("room_overlap", "msg.meetings.room_overlap", &[])
    } else if text.contains(migration::CHAIR_OVERLAP) {
        Error::conflict_t("chair_overlap", "msg.meetings.chair_overlap", &[])
    } else {
        Error::from(e)
    }
}

pub fn exdates_json(dates: &[chrono::NaiveDate]) -> String {
    serde_json::to_string(&dates.iter().map(|d| d.to_string()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

pub fn exdates_of(m: &meeting::Model) -> Vec<chrono::NaiveDate> {
    serde_json::from_str::<Vec<String>>(&m.exdates)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect()
}

pub fn zone_of(m: &meeting::Model) -> chrono_tz::Tz {
    m.time_zone.parse().unwrap_or(clock::OFFICE_TZ)
}

/// Makes the meeting's occurrence rows match its series: one row per slot, keyed by original
/// local date. Rows changed on their own (`is_override`) keep their time, room and chair;
/// cancelled ones stay cancelled; dates that left the series lose their row. Every row that
/// changes gets a higher sequence when `bump` is set.
pub async fn sync_occurrences<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    bump: bool,
) -> Result<()> {
    let existing = occurrences_of(db, m.id).await?;
    sync_occurrences_from(db, m, bump, existing).await?;
    Ok(())
}

/// The meeting's occurrence rows.
pub async fn occurrences_of<C: ConnectionTrait>(
    db: &C,
    meeting_id: i32,
) -> Result<Vec<occurrence::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?)
}

/// [`sync_occurrences`] from rows the caller has read already (`existing`: every row of the
/// meeting). Returns the rows as they now are, so that the caller need not read them again.
pub async fn sync_occurrences_from<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    bump: bool,
    existing: Vec<occurrence::Model>,
) -> Result<Vec<occurrence::Model>> {
    use sea_orm::EntityTrait;
    let tz = zone_of(m);
    let slots = crate::domain::recurrence::expand(
        tz,
        m.starts_at,
        m.ends_at - m.starts_at,
        m.rrule.as_deref(),
        &exdates_of(m),
    )?;
    let now = clock::now();
    let mut by_date: std::collections::HashMap<chrono::NaiveDate, occurrence::Model> = existing
        .into_iter()
        .map(|o| (o.recurrence_id.with_timezone(&tz).date_naive(), o))
        .collect();
    // Occurrences that leave the series or the booking first, so that a moved series never
    // collides with its own old rows.
    let wanted: std::collections::HashSet<_> = slots.iter().map(|s| s.original_date).collect();
    let gone: Vec<_> = by_date
        .keys()
        .filter(|d| !wanted.contains(d))
        .copied()
        .collect();
    for d in gone {
        if let Some(o) = by_date.remove(&d) {
            occurrence::Entity::delete_by_id(o.id).exec(db).await?;
        }
    }
    let mut now_rows = Vec::with_capacity(slots.len());
    let mut new_rows = Vec::new();
    for slot in slots {
        match by_date.remove(&slot.original_date) {
            Some(o) => {
                let status = if o.status == MeetingStatus::Cancelled && o.is_override {
                    MeetingStatus::Cancelled
                } else {
                    m.status
                };
                let (starts_at, ends_at, room_id, chair_id) = if o.is_override {
                    (o.starts_at, o.ends_at, o.room_id, o.chair_id)
                } else {
                    (slot.starts_at, slot.ends_at, m.room_id, m.chair_id)
                };
                let unchanged = o.recurrence_id == slot.starts_at
                    && o.starts_at == starts_at
                    && o.ends_at == ends_at
                    && o.room_id == room_id
                    && o.chair_id == chair_id
                    && o.status == status;
                if unchanged {
                    now_rows.push(o);
                    continue;
                }
                let sequence = if bump { o.sequence + 1 } else { o.sequence };
                let mut a: occurrence::ActiveModel = o.into();
                a.recurrence_id = Set(slot.starts_at);
                a.starts_at = Set(starts_at);
                a.ends_at = Set(ends_at);
                a.room_id = Set(room_id);
                a.chair_id = Set(chair_id);
                a.status = Set(status);
                a.sequence = Set(sequence);
                a.updated_at = Set(now);
                now_rows.push(a.update(db).await.map_err(booking_error)?);
            }
            None => {
                new_rows.push(occurrence::ActiveModel {
                    meeting_id: Set(m.id),
                    recurrence_id: Set(slot.starts_at),
                    starts_at: Set(slot.starts_at),
                    ends_at: Set(slot.ends_at),
                    room_id: Set(m.room_id),
                    chair_id: Set(m.chair_id),
                    status: Set(m.status),
                    is_override: Set(false),
                    sequence: Set(m.sequence),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    // New slots in one statement (the no-overlap trigger or constraint still checks each row).
    if !new_rows.is_empty() {
        now_rows.extend(
            occurrence::Entity::insert_many(new_rows)
                .exec_with_returning(db)
                .await
                .map_err(booking_error)?,
        );
    }
    Ok(now_rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_room_is_named_once() {
        assert_eq!(super::room_vi("Phòng khách quốc tế"), "Phòng khách quốc tế");
        assert_eq!(super::room_vi("Hội trường A"), "Hội trường A");
        assert_eq!(super::room_vi("A3"), "phòng A3");
        assert_eq!(super::room_vi_subject("A3"), "Phòng A3");
    }
}
