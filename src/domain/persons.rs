//! Persons (cán bộ): officials who chair, attend or follow meetings. Leaders may chair.

use super::{agencies, clock, validate};
use crate::db::Db;
use crate::{Error, Result};
use entity::person;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    pub full_name: String,
    /// Chức vụ.
    pub position: String,
    pub agency_id: i32,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub is_leader: bool,
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl From<person::Model> for PersonInput {
    fn from(p: person::Model) -> Self {
        PersonInput {
            full_name: p.full_name,
            position: p.position,
            agency_id: p.agency_id,
            email: p.email,
            phone: p.phone,
            is_leader: p.is_leader,
            sort_order: p.sort_order,
            active: p.active,
        }
    }
}

/// Every person, or only the leaders (who may chair), in the office's order.
pub async fn list(db: &Db, leaders_only: bool) -> Result<Vec<person::Model>> {
    let mut q = person::Entity::find();
    if leaders_only {
        q = q.filter(person::Column::IsLeader.eq(true));
    }
    Ok(q.order_by_asc(person::Column::SortOrder)
        .order_by_asc(person::Column::FullName)
        .all(&db.conn)
        .await?)
}

pub async fn get(db: &Db, id: i32) -> Result<person::Model> {
    person::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("person"))
}

pub async fn save(db: &Db, id: Option<i32>, input: PersonInput) -> Result<person::Model> {
    let full_name = validate::required("full_name", &input.full_name, 200)?;
    let position = validate::required("position", &input.position, 200)?;
    let email = validate::email("email", input.email.as_deref())?;
    let phone = validate::optional("phone", input.phone.as_deref(), 40)?;
    let sort_order = validate::in_range("sort_order", input.sort_order, -100_000, 100_000)?;
    if agencies::get(db, input.agency_id).await.is_err() {
        return Err(Error::invalid("agency_id", "msg.persons.no_such_agency"));
    }
    let _w = db.write_guard().await;
    let mut active = match id {
        Some(id) => person::ActiveModel::from(get(db, id).await?),
        None => person::ActiveModel {
            created_at: Set(clock::now()),
            ..Default::default()
        },
    };
    active.full_name = Set(full_name);
    active.position = Set(position);
    active.agency_id = Set(input.agency_id);
    active.email = Set(email);
    active.phone = Set(phone);
    active.is_leader = Set(input.is_leader);
    active.sort_order = Set(sort_order);
    active.active = Set(input.active);
    Ok(match id {
        Some(_) => active.update(&db.conn).await?,
        None => active.insert(&db.conn).await?,
    })
}
