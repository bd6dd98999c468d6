//! Publishing the weekly work schedule (lịch công tác tuần): the first publication of a week is
//! "phát hành"; every later change to an approved meeting of a published week is recorded as
//! "Điều chỉnh lần N" with its time, as provincial portals show it.

use crate::db::Db;
use crate::domain::clock;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{schedule_publication, MeetingStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};

/// The Monday of `date`'s week, refusing any other day so that a week has one name.
pub fn parse_week(field: &str, value: &str) -> Result<NaiveDate> {
    let date: NaiveDate = value.trim().parse().map_err(|_| {
        Error::validation(
            field,
            format!("Ngày «{value}» không hợp lệ (dạng 2026-12-07)."),
            format!("Invalid date {value:?} (expected 2026-12-07)."),
        )
    })?;
    Ok(clock::week_start(date))
}

/// The latest publication of a week, if it was published.
pub async fn latest<C: ConnectionTrait>(
    db: &C,
    week: NaiveDate,
) -> Result<Option<schedule_publication::Model>> {
    Ok(schedule_publication::Entity::find()
        .filter(schedule_publication::Column::WeekStart.eq(week))
        .order_by_desc(schedule_publication::Column::Revision)
        .one(db)
        .await?)
}

async fn append<C: ConnectionTrait>(
    db: &C,
    week: NaiveDate,
    by: i32,
    note: Option<String>,
) -> Result<schedule_publication::Model> {
    let revision = latest(db, week).await?.map(|p| p.revision + 1).unwrap_or(0);
    schedule_publication::ActiveModel {
        week_start: Set(week),
        revision: Set(revision),
        published_by: Set(by),
        published_at: Set(clock::now()),
        note: Set(note),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        // Two publications of one week at the same instant: the other one won.
        Some(SqlErr::UniqueConstraintViolation(_)) => Error::conflict(
            "publication_busy",
            "Lịch tuần vừa được người khác cập nhật; hãy thử lại.",
            "The week was just updated by someone else; try again.",
        ),
        _ => Error::from(e),
    })
}

/// Publishes the week (phát hành), or records an adjustment when it was published already.
pub async fn publish(
    db: &Db,
    by: i32,
    week: NaiveDate,
    note: Option<String>,
) -> Result<schedule_publication::Model> {
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let saved = append(&txn, week, by, note).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Called inside a decision's transaction: every published week the change touches gets its
/// next "Điều chỉnh lần N".
pub async fn record_adjustments<C: ConnectionTrait>(
    db: &C,
    by: i32,
    touched: &[(DateTime<Utc>, MeetingStatus)],
    note: &str,
) -> Result<()> {
    let mut weeks: Vec<NaiveDate> = touched
        .iter()
        .map(|(t, _)| clock::week_start(clock::office_date(*t)))
        .collect();
    weeks.sort();
    weeks.dedup();
    for week in weeks {
        if latest(db, week).await?.is_some() {
            append(db, week, by, Some(note.to_string())).await?;
        }
    }
    Ok(())
}

/// "Từ ngày 14/07/2025 đến ngày 20/07/2025".
pub fn week_heading_vi(week: NaiveDate) -> String {
    let end = week + Duration::days(6);
    format!(
        "Từ ngày {} đến ngày {}",
        week.format("%d/%m/%Y"),
        end.format("%d/%m/%Y")
    )
}
