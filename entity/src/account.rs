use crate::Role;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A sign-in account. Officials who only subscribe to feeds need none.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub role: Role,
    pub agency_id: Option<i32>,
    pub person_id: Option<i32>,
    pub disabled: bool,
    pub session_epoch: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where e-mail goes; else the linked person's address.
    pub email: Option<String>,
    /// The account's choice: e-mail on, or the inbox in the app only.
    pub email_notifications: bool,
    /// The language of the account's messages: "vi" (default) or "en".
    pub lang: String,
    /// An office account's choice: one digest of new requests a day instead of one each.
    pub digest: bool,
    /// The leader (person) whose agenda this account, the leader's secretary, receives.
    pub secretary_of: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
