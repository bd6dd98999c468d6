//! The API's own response types. Each is built from a database row (`From<entity::…::Model>`),
//! so a change of the schema does not change the public contract by accident, and a column that
//! must never leave the server (a password hash, a token hash, the session epoch) has no field
//! here at all. The OpenAPI document describes these types, not the entities.

use crate::domain::codes;
use crate::domain::registration::{self, Collision};
use crate::domain::{closures, rooms};
use crate::feeds::tokens;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{AgencyKind, ClosureKind, FeedScope, MeetingKind, MeetingStatus, Role, Visibility};
use serde::Serialize;

/// Converts every row of a list.
pub fn all<T, U: From<T>>(rows: Vec<T>) -> Vec<U> {
    rows.into_iter().map(U::from).collect()
}

/// A sign-in account. Officials who only subscribe to feeds need none.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Account {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = codes::Role)]
    pub role: Role,
    pub agency_id: Option<i32>,
    pub person_id: Option<i32>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Where its e-mail goes (else its person's address).
    pub email: Option<String>,
    /// E-mail on, or the inbox in the app only.
    pub email_notifications: bool,
    /// The language of its messages: "vi" or "en".
    pub lang: String,
    /// One digest of new requests a day instead of a message each.
    pub digest: bool,
    /// The leader (person) whose next-day agenda it receives as secretary.
    pub secretary_of: Option<i32>,
}

impl From<entity::account::Model> for Account {
    fn from(m: entity::account::Model) -> Self {
        Account {
            id: m.id,
            username: m.username,
            display_name: m.display_name,
            role: m.role,
            agency_id: m.agency_id,
            person_id: m.person_id,
            disabled: m.disabled,
            created_at: m.created_at,
            last_sign_in_at: m.last_sign_in_at,
            email: m.email,
            email_notifications: m.email_notifications,
            lang: m.lang,
            digest: m.digest,
            secretary_of: m.secretary_of,
        }
    }
}

/// An agency (đơn vị): a sở, ban, ngành, or the UBND of a commune, ward or special zone.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Agency {
    pub id: i32,
    pub name: String,
    pub short_name: String,
    #[schema(value_type = codes::AgencyKind)]
    pub kind: AgencyKind,
    pub email: Option<String>,
    pub active: bool,
    pub sort_order: i32,
    pub created_at: DateTime<Utc>,
}

impl From<entity::agency::Model> for Agency {
    fn from(m: entity::agency::Model) -> Self {
        Agency {
            id: m.id,
            name: m.name,
            short_name: m.short_name,
            kind: m.kind,
            email: m.email,
            active: m.active,
            sort_order: m.sort_order,
            created_at: m.created_at,
        }
    }
}

/// An official (cán bộ); provincial leaders (`is_leader`) may chair meetings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: i32,
    pub full_name: String,
    /// Chức vụ, e.g. "Phó Chủ tịch UBND tỉnh".
    pub position: String,
    pub agency_id: i32,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_leader: bool,
    pub sort_order: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<entity::person::Model> for Person {
    fn from(m: entity::person::Model) -> Self {
        Person {
            id: m.id,
            full_name: m.full_name,
            position: m.position,
            agency_id: m.agency_id,
            email: m.email,
            phone: m.phone,
            is_leader: m.is_leader,
            sort_order: m.sort_order,
            active: m.active,
            created_at: m.created_at,
        }
    }
}

/// A meeting room (phòng họp) of the office.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Room {
    pub id: i32,
    pub name: String,
    pub building: String,
    pub floor: Option<String>,
    pub capacity: i32,
    pub bookable: bool,
    pub notes: Option<String>,
    pub sort_order: i32,
    pub created_at: DateTime<Utc>,
}

impl From<entity::room::Model> for Room {
    fn from(m: entity::room::Model) -> Self {
        Room {
            id: m.id,
            name: m.name,
            building: m.building,
            floor: m.floor,
            capacity: m.capacity,
            bookable: m.bookable,
            notes: m.notes,
            sort_order: m.sort_order,
            created_at: m.created_at,
        }
    }
}

/// A room as shown: its row plus its equipment codes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomView {
    #[serde(flatten)]
    pub room: Room,
    pub equipment: Vec<String>,
}

impl From<rooms::RoomView> for RoomView {
    fn from(v: rooms::RoomView) -> Self {
        RoomView {
            room: v.room.into(),
            equipment: v.equipment,
        }
    }
}

/// A meeting (cuộc họp) as registered by an agency: one meeting or a recurring series.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i32,
    /// Stable iCalendar UID.
    pub uid: String,
    /// Nội dung.
    pub title: String,
    pub agenda: Option<String>,
    pub requesting_agency_id: i32,
    pub created_by: i32,
    #[schema(value_type = codes::MeetingKind)]
    pub kind: MeetingKind,
    pub chair_id: Option<i32>,
    pub room_id: Option<i32>,
    /// An outside place when no room of the office is used.
    pub location: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// IANA zone the times were entered in (Asia/Ho_Chi_Minh by default).
    pub time_zone: String,
    pub all_day: bool,
    #[schema(value_type = codes::MeetingStatus)]
    pub status: MeetingStatus,
    #[schema(value_type = codes::Visibility)]
    pub visibility: Visibility,
    pub rrule: Option<String>,
    /// JSON array of excluded original local dates ("2026-12-14"): see domain::recurrence.
    pub exdates: String,
    pub online_link: Option<String>,
    pub expected_attendance: Option<i32>,
    pub preparation: Option<String>,
    pub needs_interpreter: bool,
    pub preparing_agency_id: Option<i32>,
    /// LĐVP theo dõi.
    pub follower_id: Option<i32>,
    /// Thành phần khác, free text.
    pub other_attendees: Option<String>,
    /// Ghi chú, e.g. "(Giấy mời riêng)".
    pub note: Option<String>,
    pub decision_note: Option<String>,
    /// A new time the office proposed with its return (`accept-proposal` takes it).
    pub proposed_starts_at: Option<DateTime<Utc>>,
    pub proposed_ends_at: Option<DateTime<Utc>>,
    pub proposed_room_id: Option<i32>,
    pub sequence: i32,
    /// Sent back as the ETag; an edit names it in If-Match.
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The invitees' answers (issue #17 item 4): in the detail of one meeting only, to those
    /// who may see its attendees (office roles, the requesting agency).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<MeetingAnswers>,
}

/// "Đã xác nhận 12/15 · Vắng 1 · Cử người thay 2": the invitees' answers to a meeting.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingAnswers {
    /// Invited persons and agencies (the chair's own row excepted).
    pub invited: u32,
    /// Those who answered, whatever the answer.
    pub answered: u32,
    pub attending: u32,
    pub absent: u32,
    /// Those sending a deputy.
    pub deputy: u32,
    pub attendees: Vec<AttendeeAnswer>,
}

/// One invitee's answer, given through the personal link of the invitation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendeeAnswer {
    pub attendee_id: i32,
    pub person_id: Option<i32>,
    pub agency_id: Option<i32>,
    #[schema(value_type = codes::Participation)]
    pub participation: entity::Participation,
    /// Vắng: the reason given.
    pub reason: Option<String>,
    /// Cử người dự thay: who comes instead, and their position.
    pub deputy_name: Option<String>,
    pub deputy_position: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// Which invited person a new answer link is for.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerLinkInput {
    pub person_id: i32,
}

/// A personal answer link, shown once: whoever holds it answers for that person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnswerLink {
    pub person_id: i32,
    /// Absolute, from `public_url`.
    pub url: String,
    /// `/tra-loi/<token>`.
    pub path: String,
}

impl MeetingAnswers {
    pub fn of(
        (s, rows): (
            crate::domain::answers::Summary,
            Vec<crate::domain::answers::AttendeeAnswer>,
        ),
    ) -> Self {
        MeetingAnswers {
            invited: s.invited,
            answered: s.answered,
            attending: s.attending,
            absent: s.absent,
            deputy: s.deputy,
            attendees: rows
                .into_iter()
                .map(|a| AttendeeAnswer {
                    attendee_id: a.attendee_id,
                    person_id: a.person_id,
                    agency_id: a.agency_id,
                    participation: a.participation,
                    reason: a.reason,
                    deputy_name: a.deputy_name,
                    deputy_position: a.deputy_position,
                    answered_at: a.answered_at,
                })
                .collect(),
        }
    }
}

impl From<entity::meeting::Model> for Meeting {
    fn from(m: entity::meeting::Model) -> Self {
        Meeting {
            id: m.id,
            uid: m.uid,
            title: m.title,
            agenda: m.agenda,
            requesting_agency_id: m.requesting_agency_id,
            created_by: m.created_by,
            kind: m.kind,
            chair_id: m.chair_id,
            room_id: m.room_id,
            location: m.location,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            time_zone: m.time_zone,
            all_day: m.all_day,
            status: m.status,
            visibility: m.visibility,
            rrule: m.rrule,
            exdates: m.exdates,
            online_link: m.online_link,
            expected_attendance: m.expected_attendance,
            preparation: m.preparation,
            needs_interpreter: m.needs_interpreter,
            preparing_agency_id: m.preparing_agency_id,
            follower_id: m.follower_id,
            other_attendees: m.other_attendees,
            note: m.note,
            decision_note: m.decision_note,
            proposed_starts_at: m.proposed_starts_at,
            proposed_ends_at: m.proposed_ends_at,
            proposed_room_id: m.proposed_room_id,
            sequence: m.sequence,
            version: m.version,
            submitted_at: m.submitted_at,
            decided_at: m.decided_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
            answers: None,
        }
    }
}

/// One entry of a meeting's audit trail.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingEvent {
    pub id: i32,
    pub meeting_id: i32,
    pub occurrence_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub action: String,
    #[schema(value_type = Option<codes::MeetingStatus>)]
    pub status_before: Option<MeetingStatus>,
    #[schema(value_type = Option<codes::MeetingStatus>)]
    pub status_after: Option<MeetingStatus>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<entity::meeting_event::Model> for MeetingEvent {
    fn from(m: entity::meeting_event::Model) -> Self {
        MeetingEvent {
            id: m.id,
            meeting_id: m.meeting_id,
            occurrence_id: m.occurrence_id,
            actor_id: m.actor_id,
            action: m.action,
            status_before: m.status_before,
            status_after: m.status_after,
            note: m.note,
            at: m.at,
        }
    }
}

/// One occurrence of a meeting.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Occurrence {
    pub id: i32,
    pub meeting_id: i32,
    /// The original start (RFC 5545 RECURRENCE-ID).
    pub recurrence_id: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
    #[schema(value_type = codes::MeetingStatus)]
    pub status: MeetingStatus,
    pub is_override: bool,
    pub sequence: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<entity::occurrence::Model> for Occurrence {
    fn from(m: entity::occurrence::Model) -> Self {
        Occurrence {
            id: m.id,
            meeting_id: m.meeting_id,
            recurrence_id: m.recurrence_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            room_id: m.room_id,
            chair_id: m.chair_id,
            status: m.status,
            is_override: m.is_override,
            sequence: m.sequence,
            updated_at: m.updated_at,
        }
    }
}

/// The outcome of a decision: the meeting as it now is, and the pending requests it collides with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub meeting: Meeting,
    pub collisions: Vec<Collision>,
}

impl From<registration::Decision> for Decision {
    fn from(d: registration::Decision) -> Self {
        Decision {
            meeting: d.meeting.into(),
            collisions: d.collisions,
        }
    }
}

/// Days when the office, or one room, takes no meetings (holiday, maintenance).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Closure {
    pub id: i32,
    pub starts_on: NaiveDate,
    /// Inclusive.
    pub ends_on: NaiveDate,
    pub room_id: Option<i32>,
    #[schema(value_type = codes::ClosureKind)]
    pub kind: ClosureKind,
    pub reason: String,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<entity::closure::Model> for Closure {
    fn from(m: entity::closure::Model) -> Self {
        Closure {
            id: m.id,
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            room_id: m.room_id,
            kind: m.kind,
            reason: m.reason,
            created_by: m.created_by,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HolidaysEntered {
    pub year: i32,
    /// Rows created now (none when the year was already entered).
    pub created: Vec<Closure>,
    /// Every holiday closure of the year, created now or before.
    pub closures: Vec<Closure>,
}

impl From<closures::HolidaysEntered> for HolidaysEntered {
    fn from(h: closures::HolidaysEntered) -> Self {
        HolidaysEntered {
            year: h.year,
            created: all(h.created),
            closures: all(h.closures),
        }
    }
}

/// A make-up working day (làm bù) on a day that is normally off.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkingDayException {
    pub id: i32,
    pub on_date: NaiveDate,
    pub reason: String,
}

impl From<entity::working_day_exception::Model> for WorkingDayException {
    fn from(m: entity::working_day_exception::Model) -> Self {
        WorkingDayException {
            id: m.id,
            on_date: m.on_date,
            reason: m.reason,
        }
    }
}

/// The second National Day day the government chose for a year (1 or 3 September).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NationalDayChoice {
    pub year: i32,
    pub second_day: i32,
}

impl From<entity::national_day_choice::Model> for NationalDayChoice {
    fn from(m: entity::national_day_choice::Model) -> Self {
        NationalDayChoice {
            year: m.year,
            second_day: m.second_day,
        }
    }
}

/// A publication of one week's schedule: revision 0 is "phát hành", N is "Điều chỉnh lần N".
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SchedulePublication {
    pub id: i32,
    /// The Monday of the week.
    pub week_start: NaiveDate,
    pub revision: i32,
    pub published_by: i32,
    pub published_at: DateTime<Utc>,
    pub note: Option<String>,
}

impl From<entity::schedule_publication::Model> for SchedulePublication {
    fn from(m: entity::schedule_publication::Model) -> Self {
        SchedulePublication {
            id: m.id,
            week_start: m.week_start,
            revision: m.revision,
            published_by: m.published_by,
            published_at: m.published_at,
            note: m.note,
        }
    }
}

/// One revision of a week as the public may list it: 0 is the first issue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleRevision {
    pub revision: i32,
    /// "Điều chỉnh lần N" for an adjustment.
    pub label: Option<String>,
    pub published_at: DateTime<Utc>,
    pub note: Option<String>,
}

impl From<entity::schedule_publication::Model> for ScheduleRevision {
    fn from(m: entity::schedule_publication::Model) -> Self {
        ScheduleRevision {
            revision: m.revision,
            label: (m.revision > 0).then(|| format!("Điều chỉnh lần {}", m.revision)),
            published_at: m.published_at,
            note: m.note,
        }
    }
}

/// A meeting document (tài liệu họp).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: i32,
    pub meeting_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content (hex): clients may check a download against it.
    pub sha256: String,
    pub uploaded_by: i32,
    pub uploaded_at: DateTime<Utc>,
}

impl From<entity::document::Model> for Document {
    fn from(m: entity::document::Model) -> Self {
        Document {
            id: m.id,
            meeting_id: m.meeting_id,
            file_name: m.file_name,
            content_type: m.content_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            uploaded_by: m.uploaded_by,
            uploaded_at: m.uploaded_at,
        }
    }
}

/// A revocable secret URL of an iCalendar feed (never with its secret or its hash).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedToken {
    pub id: i32,
    #[schema(value_type = codes::FeedScope)]
    pub scope: FeedScope,
    pub person_id: Option<i32>,
    pub room_id: Option<i32>,
    pub agency_id: Option<i32>,
    pub label: String,
    pub include_tentative: bool,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<entity::feed_token::Model> for FeedToken {
    fn from(m: entity::feed_token::Model) -> Self {
        FeedToken {
            id: m.id,
            scope: m.scope,
            person_id: m.person_id,
            room_id: m.room_id,
            agency_id: m.agency_id,
            label: m.label,
            include_tentative: m.include_tentative,
            created_by: m.created_by,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// A token as listed (never with its secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedTokenView {
    #[serde(flatten)]
    pub token: FeedToken,
    pub revoked: bool,
}

impl From<tokens::FeedTokenView> for FeedTokenView {
    fn from(v: tokens::FeedTokenView) -> Self {
        FeedTokenView {
            token: v.token.into(),
            revoked: v.revoked,
        }
    }
}

/// One sign-in attempt, success, lock or sign-out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthEvent {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub username: String,
    pub account_id: Option<i32>,
    pub client_ip: Option<String>,
    pub kind: String,
    pub detail: Option<String>,
}

impl From<entity::auth_event::Model> for AuthEvent {
    fn from(m: entity::auth_event::Model) -> Self {
        AuthEvent {
            id: m.id,
            at: m.at,
            username: m.username,
            account_id: m.account_id,
            client_ip: m.client_ip,
            kind: m.kind,
            detail: m.detail,
        }
    }
}

/// One entry of the caller's inbox: what happened to which meeting, worded in both languages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i32,
    /// received, return, approve, reject, reschedule, cancel, new_request, invitation, …
    pub kind: String,
    pub meeting_id: Option<i32>,
    /// The sentence in Vietnamese.
    pub text: String,
    pub text_en: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<entity::notification::Model> for Notification {
    fn from(n: entity::notification::Model) -> Self {
        let facts: crate::domain::notifications::Facts =
            serde_json::from_str(&n.facts).unwrap_or_default();
        let key = format!("notify.lead.{}", n.kind);
        Notification {
            text: facts.text(&key, crate::error::Lang::Vi),
            text_en: facts.text(&key, crate::error::Lang::En),
            id: n.id,
            kind: n.kind,
            meeting_id: n.meeting_id,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// The caller's inbox, newest first (at most 200), and how many entries are unread.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub unread: u64,
    pub items: Vec<Notification>,
}

/// How many entries a mark-as-read changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}
