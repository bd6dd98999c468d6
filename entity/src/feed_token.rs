use crate::FeedScope;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A revocable secret URL of an iCalendar feed; only its SHA-256 is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "feed_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub scope: FeedScope,
    pub person_id: Option<i32>,
    pub room_id: Option<i32>,
    pub agency_id: Option<i32>,
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub label: String,
    pub include_tentative: bool,
    pub created_by: Option<i32>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
