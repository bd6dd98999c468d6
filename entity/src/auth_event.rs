use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One sign-in attempt, success, lock or sign-out.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "auth_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: chrono::DateTime<chrono::Utc>,
    pub username: String,
    pub account_id: Option<i32>,
    pub client_ip: Option<String>,
    pub kind: String,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
