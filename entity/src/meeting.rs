use crate::{MeetingKind, MeetingStatus, Visibility};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A meeting (cuộc họp) as registered by an agency: one meeting or a recurring series.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable iCalendar UID.
    #[sea_orm(unique)]
    pub uid: String,
    /// Nội dung.
    pub title: String,
    pub agenda: Option<String>,
    pub requesting_agency_id: i32,
    pub created_by: i32,
    pub kind: MeetingKind,
    pub chair_id: Option<i32>,
    pub room_id: Option<i32>,
    /// An outside place when no room of the office is used.
    pub location: Option<String>,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    /// IANA zone the times were entered in (Asia/Ho_Chi_Minh by default).
    pub time_zone: String,
    pub all_day: bool,
    pub status: MeetingStatus,
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
    /// Thành phần khác: invited beyond the listed persons and agencies, free text.
    pub other_attendees: Option<String>,
    /// Ghi chú, e.g. "(Giấy mời riêng)".
    pub note: Option<String>,
    pub decision_note: Option<String>,
    /// A new time the office proposes with a return; the agency may accept it in one click.
    pub proposed_starts_at: Option<chrono::DateTime<chrono::Utc>>,
    pub proposed_ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub proposed_room_id: Option<i32>,
    pub sequence: i32,
    pub version: i32,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::occurrence::Entity")]
    Occurrence,
    #[sea_orm(has_many = "super::meeting_attendee::Entity")]
    Attendee,
    #[sea_orm(has_many = "super::meeting_event::Entity")]
    Event,
}

impl Related<super::occurrence::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Occurrence.def()
    }
}

impl Related<super::meeting_attendee::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attendee.def()
    }
}

impl Related<super::meeting_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
