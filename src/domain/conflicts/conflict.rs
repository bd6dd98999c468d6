//! One conflict: its kind, its severity, its messages and what it names. Its own module so
//! that the rules that find conflicts elsewhere (a meeting's documents, `domain::documents`)
//! name them without importing the check.

use crate::error::Msg;
use chrono::{DateTime, NaiveDate, Utc};
use entity::MeetingStatus;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    RoomOverlap,
    RoomPendingOverlap,
    RoomBuffer,
    ChairOverlap,
    AttendeeBusy,
    Capacity,
    EquipmentMissing,
    Closure,
    Holiday,
    OutsideHours,
    LateRegistration,
    DocumentsMissing,
    DocumentsLate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// The other meeting a conflict names, as the viewer may see it ([`visibility`](crate::domain::visibility)): a meeting
/// the viewer may not open is only "Bận" (busy), without its id or title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OtherMeeting {
    pub id: Option<i32>,
    pub title: Option<String>,
    /// Shown only as "Bận": `id` and `title` are withheld.
    pub busy: bool,
    #[schema(value_type = crate::domain::codes::MeetingStatus)]
    pub status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Named {
    pub id: i32,
    pub name: String,
}

/// One problem, naming what collides so the user can act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    pub kind: Kind,
    pub severity: Severity,
    /// Office-local date of the occurrence concerned (None for the request as a whole).
    pub date: Option<NaiveDate>,
    /// What the message says, as its locale key (e.g. `conflicts.late_lead` or
    /// `conflicts.late_cutoff`): for code that must tell two conflicts of one kind apart,
    /// which never reads the message's words.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    pub meeting: Option<OtherMeeting>,
    pub room: Option<Named>,
    pub person: Option<Named>,
    /// A closure's id (closure, holiday).
    pub closure_id: Option<i32>,
}

impl Conflict {
    /// A conflict whose message is the locale text `key` filled with `args` (each in the
    /// language of the text, see [`Msg::t_each`]); `key` is its [`code`](Conflict::code).
    pub fn t(
        kind: Kind,
        severity: Severity,
        date: Option<NaiveDate>,
        key: &str,
        args: &[(&str, &Msg)],
    ) -> Self {
        let msg = Msg::t_each(key, args);
        Conflict {
            code: key.to_string(),
            ..Conflict::new(kind, severity, date, msg.vi, msg.en)
        }
    }

    pub fn new(
        kind: Kind,
        severity: Severity,
        date: Option<NaiveDate>,
        vi: String,
        en: String,
    ) -> Self {
        Conflict {
            kind,
            severity,
            date,
            code: String::new(),
            message_vi: vi,
            message_en: en,
            meeting: None,
            room: None,
            person: None,
            closure_id: None,
        }
    }
}
