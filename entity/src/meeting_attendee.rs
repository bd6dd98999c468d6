use crate::{AttendeeRole, Participation};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Thành phần: a person or a whole agency invited to a meeting.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "meeting_attendee")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub meeting_id: i32,
    pub person_id: Option<i32>,
    pub agency_id: Option<i32>,
    pub role: AttendeeRole,
    pub participation: Participation,
    /// Vắng: why, as the invitee said (issue #17 item 4).
    pub answer_reason: Option<String>,
    /// Cử người dự thay: who comes instead, and their position.
    pub deputy_name: Option<String>,
    pub deputy_position: Option<String>,
    /// When the invitee last answered through their link.
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::meeting::Entity",
        from = "Column::MeetingId",
        to = "super::meeting::Column::Id"
    )]
    Meeting,
}

impl Related<super::meeting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Meeting.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
