use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "room_equipment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub room_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub equipment_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::room::Entity",
        from = "Column::RoomId",
        to = "super::room::Column::Id"
    )]
    Room,
    #[sea_orm(
        belongs_to = "super::equipment::Entity",
        from = "Column::EquipmentId",
        to = "super::equipment::Column::Id"
    )]
    Equipment,
}

impl ActiveModelBehavior for ActiveModel {}
