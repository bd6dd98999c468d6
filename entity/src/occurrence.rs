use crate::MeetingStatus;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One occurrence of a meeting: the row conflict checks, the no-overlap guarantee, feeds and
/// reports read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "occurrence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub meeting_id: i32,
    /// The original start (RFC 5545 RECURRENCE-ID).
    pub recurrence_id: chrono::DateTime<chrono::Utc>,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
    pub status: MeetingStatus,
    pub is_override: bool,
    pub sequence: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
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
