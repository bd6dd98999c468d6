use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Equipment a meeting needs (preparation).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "meeting_equipment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub equipment_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
