use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A publication of one week's schedule: revision 0 is "phát hành", N is "Điều chỉnh lần N".
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "schedule_publication")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The Monday of the week.
    pub week_start: chrono::NaiveDate,
    pub revision: i32,
    pub published_by: i32,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    /// The rows the public saw in this revision, as JSON (see domain::weekly_schedule).
    pub snapshot: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
