use crate::MeetingStatus;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One entry of a meeting's audit trail. Append-only: the database refuses UPDATE and DELETE.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "meeting_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub meeting_id: i32,
    pub occurrence_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub action: String,
    pub status_before: Option<MeetingStatus>,
    pub status_after: Option<MeetingStatus>,
    pub note: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
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
