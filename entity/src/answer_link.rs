use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A personal link `/tra-loi/<token>` for one invited person to answer one meeting's
/// invitation; only the token's SHA-256 is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "answer_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub meeting_id: i32,
    pub person_id: i32,
    #[serde(skip_serializing)]
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
