//! Publishing the weekly work schedule (lịch công tác tuần). Revision 0 is the first issue
//! ("phát hành"); each later publication is "Điều chỉnh lần N". A publication stores a snapshot
//! of exactly the rows the public sees, marked against the previous revision, so the public
//! page, its embed and the API serve what was issued, and every revision stays readable.
//! Decisions change the live draft only; the office sees the difference as unpublished changes.

use crate::db::Db;
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::reference::{self, Reference};
use crate::domain::weekly_schedule::{
    self as schedule, week_heading_vi, ScheduleItem, WeeklySchedule,
};
use crate::error::Msg;
use crate::{Error, Result};
use chrono::{Duration, NaiveDate};
use entity::schedule_publication;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
};

/// The Monday of `date`'s week, refusing any other day so that a week has one name.
pub fn parse_week(field: &str, value: &str) -> Result<NaiveDate> {
    let date: NaiveDate = value.trim().parse().map_err(|_| {
        Error::invalid_with(field, "refusals.week_date_invalid", &[("value", value)])
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

/// Every publication of a week, first issue first.
pub async fn revisions(db: &Db, week: NaiveDate) -> Result<Vec<schedule_publication::Model>> {
    Ok(schedule_publication::Entity::find()
        .filter(schedule_publication::Column::WeekStart.eq(week))
        .order_by_asc(schedule_publication::Column::Revision)
        .all(&db.conn)
        .await?)
}

/// The latest publication of every week from `from` on, with its rows, earliest week first: what
/// the public feed serves. Two small queries: the weeks' latest revisions, then those rows.
pub async fn latest_of_weeks_from(
    db: &Db,
    from: NaiveDate,
) -> Result<Vec<(schedule_publication::Model, Vec<ScheduleItem>)>> {
    let newest: Vec<(NaiveDate, Option<i32>)> = schedule_publication::Entity::find()
        .select_only()
        .column(schedule_publication::Column::WeekStart)
        .column_as(schedule_publication::Column::Revision.max(), "revision")
        .filter(schedule_publication::Column::WeekStart.gte(from))
        .group_by(schedule_publication::Column::WeekStart)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut which = Condition::any();
    for (week, revision) in &newest {
        which = which.add(
            Condition::all()
                .add(schedule_publication::Column::WeekStart.eq(*week))
                .add(schedule_publication::Column::Revision.eq(revision.unwrap_or_default())),
        );
    }
    if newest.is_empty() {
        return Ok(vec![]);
    }
    let shown = schedule_publication::Entity::find()
        .filter(which)
        .order_by_asc(schedule_publication::Column::WeekStart)
        .all(&db.conn)
        .await?;
    shown
        .into_iter()
        .map(|p| rows_of(&p).map(|rows| (p, rows)))
        .collect()
}

fn rows_of(p: &schedule_publication::Model) -> Result<Vec<ScheduleItem>> {
    match &p.snapshot {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| Error::Internal(format!("snapshot of publication {}: {e}", p.id))),
        None => Ok(vec![]),
    }
}

/// The draft marked against the latest revision: what publishing now would issue.
async fn next_rows<C: ConnectionTrait>(
    db: &C,
    reference: &Reference,
    week: NaiveDate,
    previous: Option<&schedule_publication::Model>,
) -> Result<Vec<ScheduleItem>> {
    let draft = schedule::draft_rows(db, reference, week).await?;
    let Some(previous) = previous else {
        // The first issue has nothing to differ from.
        return Ok(draft);
    };
    let old = rows_of(previous)?;
    let gone: Vec<i32> = old
        .iter()
        .filter(|r| !draft.iter().any(|d| d.key == r.key))
        .map(|r| r.meeting_id)
        .collect();
    let later = schedule::standing_later(db, week, gone).await?;
    Ok(schedule::compare(&old, draft, &later))
}

const BUSY: &str = "publication_busy";

/// Publishes the week: the first time revision 0, later the next "Điều chỉnh lần N". Two
/// publications at once both read revision N-1; the unique (week, revision) index lets one
/// insert N and the other fails, then reads again and inserts N+1.
pub async fn publish(
    db: &Db,
    by: i32,
    week: NaiveDate,
    note: Option<String>,
) -> Result<schedule_publication::Model> {
    let week = clock::week_start(week);
    let note = crate::domain::validate::optional("note", note.as_deref(), 2000)?;
    // Names of persons, agencies and rooms: the instance's copy, fresh as of this request.
    let names = reference::current(db).await?;
    let mut tries = 0;
    loop {
        let outcome = db
            .write(|| async {
                let txn = db.begin_write().await?;
                let previous = latest(&txn, week).await?;
                let rows = next_rows(&txn, &names, week, previous.as_ref()).await?;
                let snapshot = serde_json::to_string(&rows)
                    .map_err(|e| Error::Internal(format!("snapshot: {e}")))?;
                let saved = schedule_publication::ActiveModel {
                    week_start: Set(week),
                    revision: Set(previous.map_or(0, |p| p.revision + 1)),
                    published_by: Set(by),
                    published_at: Set(clock::now()),
                    note: Set(note.clone()),
                    snapshot: Set(Some(snapshot)),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(|e| match e.sql_err() {
                    Some(SqlErr::UniqueConstraintViolation(_)) => {
                        Error::conflict_t(BUSY, "refusals.week_just_published", &[])
                    }
                    _ => Error::from(e),
                })?;
                txn.commit().await?;
                Ok(saved)
            })
            .await;
        match outcome {
            Err(e) if e.code() == BUSY && tries < 5 => tries += 1,
            outcome => return outcome,
        }
    }
}

/// What the public sees of a week: the latest revision (or revision `ban`), never live data.
pub async fn published(
    db: &Db,
    week: NaiveDate,
    ban: Option<i32>,
    leader: Option<i32>,
) -> Result<WeeklySchedule> {
    let week = clock::week_start(week);
    let newest = latest(&db.conn, week).await?;
    let shown = match ban {
        Some(n) if newest.as_ref().is_some_and(|p| p.revision != n) => {
            schedule_publication::Entity::find()
                .filter(schedule_publication::Column::WeekStart.eq(week))
                .filter(schedule_publication::Column::Revision.eq(n))
                .one(&db.conn)
                .await?
        }
        Some(_) if newest.is_none() => None,
        _ => newest.clone(),
    };
    if ban.is_some() && shown.is_none() {
        return Err(Error::NotFound(crate::error::Msg::t(
            "publication.no_revision",
            &[],
        )));
    }
    let rows = match &shown {
        Some(p) => rows_of(p)?,
        None => vec![],
    };
    Ok(view(
        week,
        rows,
        shown.as_ref(),
        newest.map(|p| p.revision),
        leader,
        false,
    ))
}

/// The live draft marked against the latest revision, for the office only.
pub async fn preview(db: &Db, week: NaiveDate, leader: Option<i32>) -> Result<WeeklySchedule> {
    let week = clock::week_start(week);
    let newest = latest(&db.conn, week).await?;
    let names = reference::current(db).await?;
    let rows = next_rows(&db.conn, &names, week, newest.as_ref()).await?;
    let revision = newest.as_ref().map(|p| p.revision);
    Ok(view(week, rows, newest.as_ref(), revision, leader, true))
}

/// How many rows publishing now would mark (0 when the week was never issued).
pub async fn unpublished_changes(db: &Db, week: NaiveDate) -> Result<usize> {
    let Some(newest) = latest(&db.conn, week).await? else {
        return Ok(0);
    };
    let names = reference::current(db).await?;
    Ok(next_rows(&db.conn, &names, week, Some(&newest))
        .await?
        .iter()
        .filter(|r| r.mark.is_some())
        .count())
}

fn view(
    week: NaiveDate,
    mut rows: Vec<ScheduleItem>,
    shown: Option<&schedule_publication::Model>,
    latest_revision: Option<i32>,
    leader: Option<i32>,
    preview: bool,
) -> WeeklySchedule {
    let changes = rows.iter().filter(|r| r.mark.is_some()).count();
    for row in &mut rows {
        row.uid = None;
    }
    let when = |p: &schedule_publication::Model| {
        p.published_at
            .with_timezone(&OFFICE_TZ)
            .format("%H:%M %d/%m/%Y")
            .to_string()
    };
    WeeklySchedule {
        week_start: week,
        heading: week_heading_vi(week),
        from_text: week.format("%d/%m/%Y").to_string(),
        to_text: (week + Duration::days(6)).format("%d/%m/%Y").to_string(),
        previous_week: week - Duration::days(7),
        next_week: week + Duration::days(7),
        published: latest_revision.is_some(),
        preview,
        revision: shown.map(|p| p.revision),
        latest_revision,
        revision_label: shown
            .filter(|p| p.revision > 0)
            .map(|p| Msg::t("schedule.revision_label", &[("n", &p.revision.to_string())]).vi),
        updated_at_text: shown.map(when),
        last_updated: shown.map(|p| Msg::t("schedule.last_updated", &[("when", &when(p))]).vi),
        note: shown.and_then(|p| p.note.clone()),
        changes,
        days: schedule::arrange(week, rows, leader),
    }
}
