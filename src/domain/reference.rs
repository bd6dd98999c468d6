//! The reference data a conflict check, find-a-time, the feeds and the reports consult:
//! agencies, persons (and so each agency's head), rooms with their equipment, equipment,
//! closures, make-up working days, the chosen second National Day days and the accounts'
//! display names. They change a few times a
//! month and are read by every check, so they are kept in memory.
//!
//! Triggers bump a counter (`reference_version`, migration m20261128_000012) in the transaction
//! that changes any of these tables. The copy is tagged with the count it was loaded under and
//! is used only while the count is unchanged: several instances sharing one PostgreSQL database
//! each keep their own copy and read the same count. Reading the count first and the tables
//! after can only tag newer rows with an older count, which costs a spurious reload, never a
//! stale copy.

use crate::db::Db;
use crate::domain::holidays::NationalDaySecond;
use crate::domain::working_days;
use crate::domain::working_days::Calendar;
use crate::Result;
use chrono::NaiveDate;
use entity::{
    account, agency, closure, equipment, national_day_choice, person, room, working_day_exception,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Statement};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// One person as the checks name them.
#[derive(Debug, Clone)]
pub struct Person {
    pub agency_id: i32,
    /// "Full name (position)".
    pub label: String,
}

/// The reference tables, as of `version`.
#[derive(Debug, Default)]
pub struct Reference {
    pub version: i64,
    persons: HashMap<i32, Person>,
    /// Every person, by sort order.
    person_rows: Vec<person::Model>,
    /// Every agency, by sort order.
    agencies: Vec<agency::Model>,
    /// Account → display name (nothing else of an account is kept).
    account_names: HashMap<i32, String>,
    /// agency → its head: its first active person by sort order.
    heads: HashMap<i32, i32>,
    rooms: HashMap<i32, (room::Model, Vec<equipment::Model>)>,
    equipment: HashMap<i32, equipment::Model>,
    closures: Vec<closure::Model>,
    worked: HashSet<NaiveDate>,
    national: HashMap<i32, NationalDaySecond>,
}

impl Reference {
    pub fn person(&self, id: i32) -> Option<&Person> {
        self.persons.get(&id)
    }

    pub fn head_of(&self, agency: i32) -> Option<i32> {
        self.heads.get(&agency).copied()
    }

    /// The agency `person` heads, if any.
    pub fn headed_by(&self, person: i32) -> Option<i32> {
        let agency = self.persons.get(&person)?.agency_id;
        (self.head_of(agency) == Some(person)).then_some(agency)
    }

    /// Every person, by sort order.
    pub fn persons(&self) -> &[person::Model] {
        &self.person_rows
    }

    /// Every agency, by sort order.
    pub fn agencies(&self) -> &[agency::Model] {
        &self.agencies
    }

    pub fn account_name(&self, id: i32) -> Option<&str> {
        self.account_names.get(&id).map(String::as_str)
    }

    /// Every room, by sort order.
    pub fn rooms_in_order(&self) -> Vec<&room::Model> {
        let mut rooms: Vec<&room::Model> = self.rooms.values().map(|(r, _)| r).collect();
        rooms.sort_by_key(|r| (r.sort_order, r.id));
        rooms
    }

    pub fn room(&self, id: i32) -> Option<&(room::Model, Vec<equipment::Model>)> {
        self.rooms.get(&id)
    }

    pub fn rooms(&self) -> impl Iterator<Item = &(room::Model, Vec<equipment::Model>)> {
        self.rooms.values()
    }

    pub fn equipment(&self, id: i32) -> Option<&equipment::Model> {
        self.equipment.get(&id)
    }

    /// Every piece of equipment, by id.
    pub fn equipment_in_order(&self) -> Vec<&equipment::Model> {
        let mut all: Vec<&equipment::Model> = self.equipment.values().collect();
        all.sort_by_key(|e| e.id);
        all
    }

    /// The office calendar over `from..=to`.
    pub fn calendar(&self, from: NaiveDate, to: NaiveDate) -> Calendar {
        let closures = self
            .closures
            .iter()
            .filter(|c| c.starts_on <= to && c.ends_on >= from)
            .cloned()
            .collect();
        let worked = self
            .worked
            .iter()
            .filter(|d| (from..=to).contains(*d))
            .copied()
            .collect();
        Calendar::new(from, to, closures, worked).with_national_days(self.national.clone())
    }

    async fn load<C: ConnectionTrait>(db: &C, version: i64) -> Result<Self> {
        let (persons, agencies, accounts, rooms, equipment, closures, worked, national) = rocket::tokio::try_join!(
            person::Entity::find()
                .order_by_asc(person::Column::SortOrder)
                .order_by_asc(person::Column::Id)
                .all(db),
            agency::Entity::find()
                .order_by_asc(agency::Column::SortOrder)
                .order_by_asc(agency::Column::Id)
                .all(db),
            account::Entity::find()
                .select_only()
                .columns([account::Column::Id, account::Column::DisplayName])
                .into_tuple::<(i32, String)>()
                .all(db),
            room::Entity::find()
                .find_with_related(equipment::Entity)
                .all(db),
            equipment::Entity::find().all(db),
            closure::Entity::find().all(db),
            working_day_exception::Entity::find().all(db),
            national_day_choice::Entity::find().all(db),
        )?;
        let mut heads = HashMap::new();
        for p in persons.iter().filter(|p| p.active) {
            heads.entry(p.agency_id).or_insert(p.id);
        }
        Ok(Reference {
            version,
            persons: persons
                .iter()
                .map(|p| {
                    let label = format!("{} ({})", p.full_name, p.position);
                    (
                        p.id,
                        Person {
                            agency_id: p.agency_id,
                            label,
                        },
                    )
                })
                .collect(),
            heads,
            person_rows: persons,
            agencies,
            account_names: accounts.into_iter().collect(),
            rooms: rooms.into_iter().map(|(r, e)| (r.id, (r, e))).collect(),
            equipment: equipment.into_iter().map(|e| (e.id, e)).collect(),
            closures,
            worked: worked.into_iter().map(|w| w.on_date).collect(),
            national: working_days::national_days(national),
        })
    }
}

/// The copy in memory, shared by the instance's requests.
#[derive(Default)]
pub struct Cache {
    current: RwLock<Option<Arc<Reference>>>,
    /// One reload at a time: concurrent checks after a change wait for it.
    loading: rocket::tokio::sync::Mutex<()>,
}

impl Cache {
    /// The copy as last loaded, not checked against the database: a caller that uses it must
    /// compare its version with [`version`] read in the same request.
    pub fn last(&self) -> Option<Arc<Reference>> {
        self.current.read().ok()?.clone()
    }

    fn keep(&self, r: Arc<Reference>) {
        if let Ok(mut current) = self.current.write() {
            *current = Some(r);
        }
    }
}

/// The counter of changes to the reference tables.
pub async fn version<C: ConnectionTrait>(db: &C) -> Result<i64> {
    let stmt = Statement::from_string(
        db.get_database_backend(),
        "SELECT version FROM reference_version WHERE id = 1",
    );
    Ok(match db.query_one_raw(stmt).await? {
        Some(row) => row.try_get("", "version")?,
        None => 0,
    })
}

/// The copy in memory as it stands (None before the first load), without asking the database.
pub fn kept(db: &Db) -> Option<Arc<Reference>> {
    db.kept::<Cache>().last()
}

/// The reference data as the database holds it now: one statement (the counter) when the copy
/// in memory is current.
pub async fn current(db: &Db) -> Result<Arc<Reference>> {
    let seen = version(db.lookups()).await?;
    match kept(db) {
        Some(r) if r.version == seen => Ok(r),
        _ => reload(db, seen).await,
    }
}

/// Loads the tables again, unless another request already did since the counter read `seen`.
pub async fn reload(db: &Db, seen: i64) -> Result<Arc<Reference>> {
    let cache = db.kept::<Cache>();
    let _one = cache.loading.lock().await;
    if let Some(r) = cache.last().filter(|r| r.version >= seen) {
        return Ok(r);
    }
    // The counter again, under the lock: the tables read next are at least this new.
    let version = version(&db.conn).await?;
    let r = Arc::new(Reference::load(&db.conn, version).await?);
    cache.keep(r.clone());
    Ok(r)
}
