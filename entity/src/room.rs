use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A meeting room (phòng họp) of the office.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "room")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub building: String,
    pub floor: Option<String>,
    pub capacity: i32,
    pub bookable: bool,
    pub notes: Option<String>,
    pub sort_order: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl Related<super::equipment::Entity> for Entity {
    fn to() -> RelationDef {
        super::room_equipment::Relation::Equipment.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::room_equipment::Relation::Room.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
