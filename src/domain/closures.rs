//! Closures (days the office or a room takes no meetings) and make-up working days, as the
//! administrator enters them; Vietnam's public holidays of a year entered in one step; the
//! second National Day day the government chose for a year (1 or 3 September).

use crate::db::Db;
use crate::domain::{clock, holidays};
use crate::{Error, Result};
use chrono::{Duration, NaiveDate};
use entity::{closure, national_day_choice, room, working_day_exception, ClosureKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureInput {
    pub starts_on: NaiveDate,
    /// Inclusive; the same day when left out.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// One room under maintenance; None closes the whole office.
    #[serde(default)]
    pub room_id: Option<i32>,
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::codes::ClosureKind>)]
    pub kind: Option<ClosureKind>,
    pub reason: String,
}

/// Longest closure entered at once.
const MAX_CLOSURE_DAYS: i64 = 366;

pub async fn list(
    db: &Db,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<closure::Model>> {
    let mut q = closure::Entity::find();
    if let Some(f) = from {
        q = q.filter(closure::Column::EndsOn.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(closure::Column::StartsOn.lte(t));
    }
    Ok(q.order_by_asc(closure::Column::StartsOn)
        .order_by_asc(closure::Column::Id)
        .all(&db.conn)
        .await?)
}

fn reason_of(reason: &str) -> Result<String> {
    let r = reason.trim();
    if r.is_empty() || r.chars().count() > 500 {
        return Err(Error::invalid(
            "reason",
            "msg.closures.give_a_reason_at_most_500",
        ));
    }
    Ok(r.to_string())
}

pub async fn create(db: &Db, by: i32, input: ClosureInput) -> Result<closure::Model> {
    let ends_on = input.ends_on.unwrap_or(input.starts_on);
    if ends_on < input.starts_on {
        return Err(Error::invalid(
            "ends_on",
            "msg.closures.the_last_day_must_not_be",
        ));
    }
    if ends_on - input.starts_on > Duration::days(MAX_CLOSURE_DAYS) {
        return Err(Error::invalid_with(
            "ends_on",
            "msg.closures.a_closure_lasts_at_most",
            &[("days", &MAX_CLOSURE_DAYS.to_string())],
        ));
    }
    let reason = reason_of(&input.reason)?;
    if let Some(r) = input.room_id {
        if room::Entity::find_by_id(r).one(&db.conn).await?.is_none() {
            return Err(Error::Validation {
                field: "room_id".to_string(),
                msg: crate::error::Msg::t("msg.closures.no_room_r", &[("r", &r.to_string())]),
            });
        }
    }
    let _w = db.write_guard().await;
    Ok(closure::ActiveModel {
        starts_on: Set(input.starts_on),
        ends_on: Set(ends_on),
        room_id: Set(input.room_id),
        kind: Set(input.kind.unwrap_or(if input.room_id.is_some() {
            ClosureKind::Maintenance
        } else {
            ClosureKind::Other
        })),
        reason: Set(reason),
        created_by: Set(Some(by)),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?)
}

pub async fn delete(db: &Db, id: i32) -> Result<()> {
    let _w = db.write_guard().await;
    let res = closure::Entity::delete_by_id(id).exec(&db.conn).await?;
    if res.rows_affected == 0 {
        return Err(Error::missing("closure"));
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct HolidaysEntered {
    pub year: i32,
    /// Rows created now (none when the year was already entered).
    pub created: Vec<closure::Model>,
    /// Every holiday closure of the year, created now or before.
    pub closures: Vec<closure::Model>,
}

/// Enters Vietnam's public holidays of `year` as office-wide closures, one row per holiday
/// (Tết's five days are one row). Idempotent: a holiday already entered is left as it is.
pub async fn enter_public_holidays(db: &Db, by: i32, year: i32) -> Result<HolidaysEntered> {
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid(
            "year",
            "msg.closures.the_year_must_be_between_2000",
        ));
    }
    // Consecutive days of one holiday become one range.
    let mut ranges: Vec<(NaiveDate, NaiveDate, &'static str)> = Vec::new();
    for h in holidays::public_holidays(year) {
        match ranges.last_mut() {
            Some((_, end, name)) if *name == h.name_vi && *end + Duration::days(1) == h.date => {
                *end = h.date
            }
            Some((_, end, _)) if *end == h.date => {}
            _ => ranges.push((h.date, h.date, h.name_vi)),
        }
    }
    let _w = db.write_guard().await;
    let mut created = Vec::new();
    for (from, to, name) in ranges {
        let exists = closure::Entity::find()
            .filter(closure::Column::StartsOn.eq(from))
            .filter(closure::Column::EndsOn.eq(to))
            .filter(closure::Column::RoomId.is_null())
            .filter(closure::Column::Kind.eq(ClosureKind::Holiday))
            .one(&db.conn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        created.push(
            closure::ActiveModel {
                starts_on: Set(from),
                ends_on: Set(to),
                room_id: Set(None),
                kind: Set(ClosureKind::Holiday),
                reason: Set(name.to_string()),
                created_by: Set(Some(by)),
                created_at: Set(clock::now()),
                ..Default::default()
            }
            .insert(&db.conn)
            .await?,
        );
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    let closures = closure::Entity::find()
        .filter(closure::Column::Kind.eq(ClosureKind::Holiday))
        .filter(closure::Column::RoomId.is_null())
        .filter(closure::Column::StartsOn.gte(first))
        .filter(closure::Column::StartsOn.lte(last))
        .order_by_asc(closure::Column::StartsOn)
        .all(&db.conn)
        .await?;
    Ok(HolidaysEntered {
        year,
        created,
        closures,
    })
}

/// A closure (holiday) read from an all-day VEVENT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportedClosure {
    pub starts_on: NaiveDate,
    /// Inclusive.
    pub ends_on: NaiveDate,
    pub reason: String,
}

/// Closures read from an .ics file become office-wide holiday closures, in one transaction; one
/// already present (same dates and reason) is skipped. Returns (created, skipped).
pub async fn import(
    db: &Db,
    by: i32,
    wanted: Vec<ImportedClosure>,
) -> Result<(Vec<closure::Model>, Vec<ImportedClosure>)> {
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let mut created = Vec::new();
    let mut skipped = Vec::new();
    for c in wanted {
        let exists = closure::Entity::find()
            .filter(closure::Column::StartsOn.eq(c.starts_on))
            .filter(closure::Column::EndsOn.eq(c.ends_on))
            .filter(closure::Column::RoomId.is_null())
            .filter(closure::Column::Reason.eq(c.reason.clone()))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            skipped.push(c);
            continue;
        }
        created.push(
            closure::ActiveModel {
                starts_on: Set(c.starts_on),
                ends_on: Set(c.ends_on),
                room_id: Set(None),
                kind: Set(ClosureKind::Holiday),
                reason: Set(c.reason),
                created_by: Set(Some(by)),
                created_at: Set(clock::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    txn.commit().await?;
    Ok((created, skipped))
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingDayInput {
    pub on_date: NaiveDate,
    pub reason: String,
}

pub async fn working_days(db: &Db) -> Result<Vec<working_day_exception::Model>> {
    Ok(working_day_exception::Entity::find()
        .order_by_asc(working_day_exception::Column::OnDate)
        .all(&db.conn)
        .await?)
}

/// Declares a make-up working day (làm bù).
pub async fn add_working_day(
    db: &Db,
    input: WorkingDayInput,
) -> Result<working_day_exception::Model> {
    let reason = reason_of(&input.reason)?;
    let _w = db.write_guard().await;
    let exists = working_day_exception::Entity::find()
        .filter(working_day_exception::Column::OnDate.eq(input.on_date))
        .one(&db.conn)
        .await?;
    if exists.is_some() {
        return Err(Error::conflict_t(
            "already_declared",
            "refusals.already_a_make_up_day",
            &[
                ("date", &input.on_date.format("%d/%m/%Y").to_string()),
                ("day", &input.on_date.to_string()),
            ],
        ));
    }
    Ok(working_day_exception::ActiveModel {
        on_date: Set(input.on_date),
        reason: Set(reason),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?)
}

pub async fn delete_working_day(db: &Db, id: i32) -> Result<()> {
    let _w = db.write_guard().await;
    let res = working_day_exception::Entity::delete_by_id(id)
        .exec(&db.conn)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::missing("working_day"));
    }
    Ok(())
}

/// The second National Day day of a year: 1 or 3 (September).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalDayInput {
    pub second_day: i32,
}

/// The years whose second National Day day was chosen (the others take 1 September).
pub async fn national_days(db: &Db) -> Result<Vec<national_day_choice::Model>> {
    Ok(national_day_choice::Entity::find()
        .order_by_asc(national_day_choice::Column::Year)
        .all(&db.conn)
        .await?)
}

/// Records the government's choice of the second National Day day of `year`; the calendar
/// (deadlines, find-a-time, lateness, compensatory days) follows it at once.
pub async fn choose_national_day(
    db: &Db,
    year: i32,
    input: NationalDayInput,
) -> Result<national_day_choice::Model> {
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid(
            "year",
            "msg.closures.the_year_must_be_between_2000",
        ));
    }
    if holidays::NationalDaySecond::from_day(input.second_day.max(0) as u32).is_none() {
        return Err(Error::invalid(
            "second_day",
            "msg.closures.the_second_national_day_day_is_1_or_3",
        ));
    }
    let _w = db.write_guard().await;
    let row = national_day_choice::ActiveModel {
        year: Set(year),
        second_day: Set(input.second_day),
    };
    let saved = match national_day_choice::Entity::find_by_id(year)
        .one(&db.conn)
        .await?
    {
        Some(_) => row.update(&db.conn).await?,
        None => row.insert(&db.conn).await?,
    };
    Ok(saved)
}
