//! Agencies (đơn vị): the reference data behind requests and clerks' accounts.

use super::{clock, validate};
use crate::db::Db;
use crate::{Error, Result};
use entity::{agency, AgencyKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;

/// Everything an agency is made of, as entered.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    pub name: String,
    pub short_name: String,
    #[schema(value_type = crate::domain::codes::AgencyKind)]
    pub kind: AgencyKind,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub sort_order: i32,
}

fn yes() -> bool {
    true
}

impl From<agency::Model> for AgencyInput {
    fn from(a: agency::Model) -> Self {
        AgencyInput {
            name: a.name,
            short_name: a.short_name,
            kind: a.kind,
            email: a.email,
            active: a.active,
            sort_order: a.sort_order,
        }
    }
}

pub async fn list(db: &Db) -> Result<Vec<agency::Model>> {
    Ok(agency::Entity::find()
        .order_by_asc(agency::Column::SortOrder)
        .order_by_asc(agency::Column::Name)
        .all(&db.conn)
        .await?)
}

pub async fn get(db: &Db, id: i32) -> Result<agency::Model> {
    agency::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("agency"))
}

/// Creates (`id` None) or replaces an agency after checking the input.
pub async fn save(db: &Db, id: Option<i32>, input: AgencyInput) -> Result<agency::Model> {
    let name = validate::required("name", &input.name, 200)?;
    let short_name = validate::required("short_name", &input.short_name, 60)?;
    let email = validate::email("email", input.email.as_deref())?;
    let sort_order = validate::in_range("sort_order", input.sort_order, -100_000, 100_000)?;
    let _w = db.write_guard().await;
    let same_name = agency::Entity::find()
        .filter(agency::Column::Name.eq(name.as_str()))
        .one(&db.conn)
        .await?;
    if same_name.is_some_and(|a| Some(a.id) != id) {
        return Err(validate::taken("name"));
    }
    let mut active = match id {
        Some(id) => agency::ActiveModel::from(get(db, id).await?),
        None => agency::ActiveModel {
            created_at: Set(clock::now()),
            ..Default::default()
        },
    };
    active.name = Set(name);
    active.short_name = Set(short_name);
    active.kind = Set(input.kind);
    active.email = Set(email);
    active.active = Set(input.active);
    active.sort_order = Set(sort_order);
    let saved = match id {
        Some(_) => active.update(&db.conn).await,
        None => active.insert(&db.conn).await,
    };
    saved.map_err(|e| validate::unique_violation(e, "name"))
}
