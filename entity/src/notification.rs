use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One entry of an account's inbox in the app (`/thong-bao`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: i32,
    pub kind: String,
    pub meeting_id: Option<i32>,
    /// JSON: the values the entry's words are filled with.
    pub facts: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
