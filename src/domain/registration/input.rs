//! What a request and a decision carry in (the API's body, the form's fields), and who acts.

use chrono::NaiveDate;
use entity::*;
use serde::{Deserialize, Serialize};

/// Who acts, as the domain needs to know it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub account_id: i32,
    pub agency_id: Option<i32>,
    /// Office staff, approvers and admins see every agency.
    pub office: bool,
}

impl Actor {
    pub(super) fn may_see(&self, m: &meeting::Model) -> bool {
        self.office || self.agency_id == Some(m.requesting_agency_id)
    }
}

/// A request as an agency fills it in (JSON body of POST/PATCH /api/v1/meetings).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub title: String,
    #[serde(default)]
    pub agenda: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::codes::MeetingKind>)]
    pub kind: Option<MeetingKind>,
    #[serde(default)]
    pub chair_id: Option<i32>,
    #[serde(default)]
    pub room_id: Option<i32>,
    #[serde(default)]
    pub location: Option<String>,
    /// Local time in `time_zone` ("2026-12-07T08:00") or an instant with offset.
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::codes::Visibility>)]
    pub visibility: Option<Visibility>,
    /// RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;COUNT=6".
    #[serde(default)]
    pub rrule: Option<String>,
    #[serde(default)]
    pub exdates: Vec<NaiveDate>,
    #[serde(default)]
    pub online_link: Option<String>,
    #[serde(default)]
    pub expected_attendance: Option<i32>,
    #[serde(default)]
    pub preparation: Option<String>,
    #[serde(default)]
    pub needs_interpreter: bool,
    #[serde(default)]
    pub preparing_agency_id: Option<i32>,
    /// Thành phần khác, e.g. "Lãnh đạo các sở, ngành liên quan".
    #[serde(default)]
    pub other_attendees: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub attendees: Vec<AttendeeInput>,
    /// Equipment codes (projector, video_conference, …).
    #[serde(default)]
    pub equipment: Vec<String>,
    /// The office may register on behalf of an agency; a clerk always registers for its own.
    #[serde(default)]
    pub requesting_agency_id: Option<i32>,
    /// Send for approval at once instead of keeping a draft.
    #[serde(default)]
    pub submit: bool,
    /// Why the office records a meeting that has already started (required then; agencies
    /// cannot register one). Kept as the note of the audit trail's entry.
    #[serde(default)]
    pub past_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeInput {
    #[serde(default)]
    pub person_id: Option<i32>,
    #[serde(default)]
    pub agency_id: Option<i32>,
    #[serde(default = "required_role")]
    #[schema(value_type = crate::domain::codes::AttendeeRole)]
    pub role: AttendeeRole,
}

fn required_role() -> AttendeeRole {
    AttendeeRole::Required
}

/// What a decision may carry (JSON body of the transition routes).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// Lý do: required to return, reject and cancel.
    #[serde(default)]
    pub reason: Option<String>,
    /// Room to assign (approve, review proposal, reschedule).
    #[serde(default)]
    pub room_id: Option<i32>,
    /// New times (reschedule), local in the meeting's zone or with offset.
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    /// The leader who chairs in the chair's place (change of chair).
    #[serde(default)]
    pub chair_id: Option<i32>,
}
