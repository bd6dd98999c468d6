//! Meeting rooms (phòng họp) with their equipment.

use super::{clock, validate};
use crate::db::Db;
use crate::{Error, Result};
use entity::{equipment, room, room_equipment};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomInput {
    pub name: String,
    pub building: String,
    #[serde(default)]
    pub floor: Option<String>,
    pub capacity: i32,
    #[serde(default = "yes")]
    pub bookable: bool,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub sort_order: i32,
    /// Equipment codes (`projector`, `video_conference`, …).
    #[serde(default)]
    pub equipment: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A room as shown: its row plus its equipment codes.
#[derive(Debug, Clone, Serialize)]
pub struct RoomView {
    #[serde(flatten)]
    pub room: room::Model,
    pub equipment: Vec<String>,
}

impl From<RoomView> for RoomInput {
    fn from(v: RoomView) -> Self {
        RoomInput {
            name: v.room.name,
            building: v.room.building,
            floor: v.room.floor,
            capacity: v.room.capacity,
            bookable: v.room.bookable,
            notes: v.room.notes,
            sort_order: v.room.sort_order,
            equipment: v.equipment,
        }
    }
}

/// The kinds of equipment a room may have.
pub async fn equipment(db: &Db) -> Result<Vec<equipment::Model>> {
    Ok(equipment::Entity::find()
        .order_by_asc(equipment::Column::Code)
        .all(&db.conn)
        .await?)
}

async fn with_equipment(db: &Db, rooms: Vec<room::Model>) -> Result<Vec<RoomView>> {
    let kinds = equipment(db).await?;
    let links = room_equipment::Entity::find().all(&db.conn).await?;
    Ok(rooms
        .into_iter()
        .map(|room| {
            let mut codes: Vec<String> = links
                .iter()
                .filter(|l| l.room_id == room.id)
                .filter_map(|l| kinds.iter().find(|k| k.id == l.equipment_id))
                .map(|k| k.code.clone())
                .collect();
            codes.sort();
            RoomView {
                room,
                equipment: codes,
            }
        })
        .collect())
}

pub async fn list(db: &Db) -> Result<Vec<RoomView>> {
    let rooms = room::Entity::find()
        .order_by_asc(room::Column::SortOrder)
        .order_by_asc(room::Column::Name)
        .all(&db.conn)
        .await?;
    with_equipment(db, rooms).await
}

pub async fn get(db: &Db, id: i32) -> Result<RoomView> {
    let room = room::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("room"))?;
    let mut views = with_equipment(db, vec![room]).await?;
    views.pop().ok_or_else(|| Error::missing("room"))
}

/// Creates or replaces a room and its equipment, in one transaction.
pub async fn save(db: &Db, id: Option<i32>, input: RoomInput) -> Result<RoomView> {
    let name = validate::required("name", &input.name, 200)?;
    let building = validate::required("building", &input.building, 200)?;
    let floor = validate::optional("floor", input.floor.as_deref(), 60)?;
    let notes = validate::optional("notes", input.notes.as_deref(), 2000)?;
    let capacity = validate::in_range("capacity", input.capacity, 1, 100_000)?;
    let sort_order = validate::in_range("sort_order", input.sort_order, -100_000, 100_000)?;
    let kinds = equipment(db).await?;
    let mut equipment_ids = Vec::new();
    for code in &input.equipment {
        match kinds.iter().find(|k| k.code == code.trim()) {
            Some(k) if !equipment_ids.contains(&k.id) => equipment_ids.push(k.id),
            Some(_) => {}
            None => {
                return Err(Error::Validation {
                    field: "equipment".to_string(),
                    msg: crate::error::Msg::t(
                        "msg.rooms.no_equipment_with_code_code",
                        &[("code", &code.to_string())],
                    ),
                })
            }
        }
    }
    let existing = match id {
        Some(id) => Some(get(db, id).await?.room),
        None => None,
    };
    let _w = db.write_guard().await;
    let same_name = room::Entity::find()
        .filter(room::Column::Name.eq(name.as_str()))
        .one(&db.conn)
        .await?;
    if same_name.is_some_and(|r| Some(r.id) != id) {
        return Err(validate::taken("name"));
    }
    let txn = db.begin_write().await?;
    let mut active = match existing {
        Some(r) => room::ActiveModel::from(r),
        None => room::ActiveModel {
            created_at: Set(clock::now()),
            ..Default::default()
        },
    };
    active.name = Set(name);
    active.building = Set(building);
    active.floor = Set(floor);
    active.capacity = Set(capacity);
    active.bookable = Set(input.bookable);
    active.notes = Set(notes);
    active.sort_order = Set(sort_order);
    let saved = match id {
        Some(_) => active.update(&txn).await,
        None => active.insert(&txn).await,
    }
    .map_err(|e| validate::unique_violation(e, "name"))?;
    room_equipment::Entity::delete_many()
        .filter(room_equipment::Column::RoomId.eq(saved.id))
        .exec(&txn)
        .await?;
    for equipment_id in equipment_ids {
        room_equipment::ActiveModel {
            room_id: Set(saved.id),
            equipment_id: Set(equipment_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    drop(_w);
    get(db, saved.id).await
}
