use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An official (cán bộ); provincial leaders (`is_leader`) may chair meetings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub full_name: String,
    /// Chức vụ, e.g. "Phó Chủ tịch UBND tỉnh".
    pub position: String,
    pub agency_id: i32,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_leader: bool,
    pub sort_order: i32,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agency::Entity",
        from = "Column::AgencyId",
        to = "super::agency::Column::Id"
    )]
    Agency,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
