use crate::ClosureKind;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Days when the office, or one room, takes no meetings (holiday, maintenance).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "closure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub starts_on: chrono::NaiveDate,
    /// Inclusive.
    pub ends_on: chrono::NaiveDate,
    pub room_id: Option<i32>,
    pub kind: ClosureKind,
    pub reason: String,
    pub created_by: Option<i32>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
