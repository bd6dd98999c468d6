//! Changing part of a recurring series: one occurrence (moved, other room, cancelled), or every
//! occurrence from a date on (the series is split in two, as calendar clients do).

use crate::db::Db;
use crate::domain::clock;
use crate::domain::meetings::{self, exdates_json, record_event, sync_occurrences, zone_of};
use crate::domain::recurrence;
use crate::domain::registration::{self, must_exist, parse_time, Actor};
use crate::error::Msg;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;

/// A change to one occurrence (JSON body of the occurrence routes).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceChange {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub room_id: Option<i32>,
}

async fn occurrence_on<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    date: NaiveDate,
) -> Result<occurrence::Model> {
    let tz = zone_of(m);
    occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .find(|o| o.recurrence_id.with_timezone(&tz).date_naive() == date)
        .ok_or_else(|| {
            let date = date.to_string();
            Error::NotFound(Msg::t("msg.not_found.occurrence_on", &[("date", &date)]))
        })
}

/// Bumps the meeting's sequence and version so feeds and editors see the change.
async fn touch_meeting<C: ConnectionTrait>(db: &C, id: i32) -> Result<()> {
    meeting::Entity::update_many()
        .col_expr(
            meeting::Column::Sequence,
            Expr::col(meeting::Column::Sequence).add(1),
        )
        .col_expr(
            meeting::Column::Version,
            Expr::col(meeting::Column::Version).add(1),
        )
        .col_expr(meeting::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(meeting::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// What every change to one occurrence also does: the meeting's sequence and version go up (feeds
/// and editors see it) and the audit trail records it. A published week changes only when the
/// office publishes its next revision.
async fn after_occurrence_change<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    m: &meeting::Model,
    o: &occurrence::Model,
    action: &str,
    note: Option<String>,
) -> Result<()> {
    touch_meeting(db, m.id).await?;
    meetings::record_occurrence_event(db, m.id, o.id, actor.account_id, action, m.status, note)
        .await?;
    Ok(())
}

/// A cancelled occurrence is neither cancelled again nor moved.
fn not_cancelled(o: &occurrence::Model) -> Result<()> {
    if o.status == MeetingStatus::Cancelled {
        return Err(Error::conflict_t(
            "already_cancelled",
            "msg.series.already_cancelled",
            &[],
        ));
    }
    Ok(())
}

/// Cancels one occurrence of a series; the others stay as they are.
pub async fn cancel_occurrence(
    db: &Db,
    actor: &Actor,
    id: i32,
    date: NaiveDate,
    change: OccurrenceChange,
) -> Result<occurrence::Model> {
    let m = registration::get(db, actor, id).await?;
    let reason = change
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Error::invalid("reason", "msg.series.a_reason_is_required"))?;
    // Under the write lock, and again if PostgreSQL aborted it to break a deadlock (two moves
    // into one slot wait on each other's exclusion check), as a decision is.
    let saved = db
        .write(|| async {
            let txn = db.begin_write().await?;
            let o = occurrence_on(&txn, &m, date).await?;
            not_cancelled(&o)?;
            let mut a: occurrence::ActiveModel = o.clone().into();
            a.status = Set(MeetingStatus::Cancelled);
            a.is_override = Set(true);
            a.sequence = Set(o.sequence + 1);
            a.updated_at = Set(clock::now());
            let saved = a.update(&txn).await?;
            after_occurrence_change(
                &txn,
                actor,
                &m,
                &o,
                "cancel_occurrence",
                Some(format!("{date}: {reason}")),
            )
            .await?;
            crate::domain::notifications::tell_occurrence(
                db,
                &txn,
                &m,
                &saved,
                false,
                Some(&reason),
            )
            .await?;
            txn.commit().await?;
            Ok(saved)
        })
        .await?;
    crate::domain::notifications::wake(db);
    Ok(saved)
}

/// What a move asks for, read before the write lock: the new start and end when given (in the
/// meeting's zone); the room must exist, and a move gives a new time or a room.
async fn new_times(
    db: &Db,
    m: &meeting::Model,
    change: &OccurrenceChange,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    let tz = zone_of(m);
    if let Some(r) = change.room_id {
        must_exist::<_, room::Entity>(&db.conn, "room_id", r).await?;
    }
    if change.starts_at.is_none() && change.room_id.is_none() {
        return Err(Error::invalid(
            "starts_at",
            "msg.series.give_a_new_time_or_a",
        ));
    }
    let time = |field: &str, v: &Option<String>| {
        v.as_deref().map(|v| parse_time(field, v, tz)).transpose()
    };
    Ok((
        time("starts_at", &change.starts_at)?,
        time("ends_at", &change.ends_at)?,
    ))
}

/// Moves one occurrence (new time and/or room); the database still refuses any double booking.
pub async fn reschedule_occurrence(
    db: &Db,
    actor: &Actor,
    id: i32,
    date: NaiveDate,
    change: OccurrenceChange,
) -> Result<occurrence::Model> {
    let m = registration::get(db, actor, id).await?;
    // The input is read before the write lock is taken; only the defaults need the occurrence.
    let (new_start, new_end) = new_times(db, &m, &change).await?;
    // Under the write lock, and again if PostgreSQL aborted it to break a deadlock (two moves
    // into one slot wait on each other's exclusion check), as a decision is.
    let saved = db
        .write(|| async {
            let txn = db.begin_write().await?;
            let o = occurrence_on(&txn, &m, date).await?;
            not_cancelled(&o)?;
            let starts_at = new_start.unwrap_or(o.starts_at);
            let ends_at = new_end.unwrap_or(starts_at + (o.ends_at - o.starts_at));
            registration::check_span(starts_at, ends_at)?;
            let mut a: occurrence::ActiveModel = o.clone().into();
            a.starts_at = Set(starts_at);
            a.ends_at = Set(ends_at);
            a.room_id = Set(change.room_id.or(o.room_id));
            a.is_override = Set(true);
            a.sequence = Set(o.sequence + 1);
            a.updated_at = Set(clock::now());
            let attempted = occurrence::Model {
                starts_at,
                ends_at,
                room_id: change.room_id.or(o.room_id),
                ..o.clone()
            };
            let saved = match a.update(&txn).await {
                Ok(s) => s,
                Err(e) => {
                    // Rolled back before the look-up, as a decision does (registration::decide).
                    txn.rollback().await?;
                    return Err(match meetings::booking_error(e) {
                        Error::Conflict { code, msg } => {
                            let mut found = vec![];
                            registration::collisions_at(
                                &db.conn,
                                m.id,
                                &attempted,
                                &[MeetingStatus::Approved],
                                &mut found,
                            )
                            .await?;
                            registration::collision_error(&found, code, msg)
                        }
                        other => other,
                    });
                }
            };
            after_occurrence_change(
                &txn,
                actor,
                &m,
                &o,
                "reschedule_occurrence",
                change.reason.clone(),
            )
            .await?;
            crate::domain::notifications::tell_occurrence(
                db,
                &txn,
                &m,
                &saved,
                true,
                change.reason.as_deref(),
            )
            .await?;
            txn.commit().await?;
            Ok(saved)
        })
        .await?;
    crate::domain::notifications::wake(db);
    Ok(saved)
}

/// Splits a series at `from`: the original keeps the earlier occurrences, a new meeting (new UID,
/// same content, same status) takes `from` and the later ones with their own changes. The new
/// meeting can then be edited as a whole — "this and following occurrences".
pub async fn split(db: &Db, actor: &Actor, id: i32, from: NaiveDate) -> Result<meeting::Model> {
    let m = registration::get(db, actor, id).await?;
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let tail = split_in(&txn, actor.account_id, &m, from).await?;
    txn.commit().await?;
    Ok(tail)
}

/// The split itself, inside the caller's transaction: the tail meeting as inserted.
async fn split_in<C: ConnectionTrait>(
    txn: &C,
    actor_id: i32,
    m: &meeting::Model,
    from: NaiveDate,
) -> Result<meeting::Model> {
    let Some(rule) = m.rrule.clone() else {
        return Err(Error::invalid(
            "from",
            "msg.series.this_meeting_does_not_repeat",
        ));
    };
    let tz = zone_of(m);
    let (head_rule, tail_rule, tail_start) = recurrence::split_rule(tz, m.starts_at, &rule, from)?;
    let duration = m.ends_at - m.starts_at;
    let exdates = meetings::exdates_of(m);
    let (head_ex, tail_ex): (Vec<NaiveDate>, Vec<NaiveDate>) =
        exdates.into_iter().partition(|d| *d < from);
    let now = clock::now();
    let tail = meeting::ActiveModel {
        id: sea_orm::NotSet,
        uid: Set(meetings::new_uid()),
        starts_at: Set(tail_start),
        ends_at: Set(tail_start + duration),
        rrule: Set(Some(tail_rule)),
        exdates: Set(exdates_json(&tail_ex)),
        sequence: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..meeting::ActiveModel::from(m.clone())
    }
    .insert(txn)
    .await?;
    // The tail's occurrences move with their overrides; then both sides are re-synced.
    occurrence::Entity::update_many()
        .col_expr(occurrence::Column::MeetingId, Expr::value(tail.id))
        .filter(occurrence::Column::MeetingId.eq(m.id))
        .filter(occurrence::Column::RecurrenceId.gte(tail_start))
        .exec(txn)
        .await?;
    for a in meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(m.id))
        .all(txn)
        .await?
    {
        meeting_attendee::ActiveModel {
            id: sea_orm::NotSet,
            meeting_id: Set(tail.id),
            ..a.into()
        }
        .insert(txn)
        .await?;
    }
    for e in meeting_equipment::Entity::find()
        .filter(meeting_equipment::Column::MeetingId.eq(m.id))
        .all(txn)
        .await?
    {
        meeting_equipment::ActiveModel {
            meeting_id: Set(tail.id),
            equipment_id: Set(e.equipment_id),
        }
        .insert(txn)
        .await?;
    }
    meeting::Entity::update_many()
        .col_expr(meeting::Column::Rrule, Expr::value(Some(head_rule)))
        .col_expr(
            meeting::Column::Exdates,
            Expr::value(exdates_json(&head_ex)),
        )
        .col_expr(
            meeting::Column::Sequence,
            Expr::col(meeting::Column::Sequence).add(1),
        )
        .col_expr(
            meeting::Column::Version,
            Expr::col(meeting::Column::Version).add(1),
        )
        .col_expr(meeting::Column::UpdatedAt, Expr::value(now))
        .filter(meeting::Column::Id.eq(m.id))
        .exec(txn)
        .await?;
    let head = meeting::Entity::find_by_id(m.id)
        .one(txn)
        .await?
        .ok_or_else(|| Error::missing("meeting"))?;
    sync_occurrences(txn, &head, true).await?;
    sync_occurrences(txn, &tail, true).await?;
    // The history is kept in Vietnamese, the office's record.
    let note = Msg::t(
        "msg.series.split_note",
        &[
            ("from", &from.format("%d/%m/%Y").to_string()),
            ("id", &tail.id.to_string()),
        ],
    )
    .vi;
    record_event(
        txn,
        m.id,
        Some(actor_id),
        "split",
        Some(m.status),
        Some(m.status),
        Some(note),
    )
    .await?;
    record_event(
        txn,
        tail.id,
        Some(actor_id),
        "split_from",
        None,
        Some(tail.status),
        Some(Msg::t("msg.series.split_from_note", &[("id", &m.id.to_string())]).vi),
    )
    .await?;
    Ok(tail)
}

/// "This and following" (issue #18 item 2): the series is split at `date` and the tail — the
/// occurrence of `date` and every later one — moves to the new time and/or room, all in one
/// transaction. The original keeps the earlier occurrences (its rule now ends before `date`);
/// the tail is a new meeting with its own UID whose sequence goes up with the move. The database
/// refuses a double booking (409) and then nothing is written. Like every move, with a reason.
pub async fn reschedule_following(
    db: &Db,
    actor: &Actor,
    id: i32,
    date: NaiveDate,
    change: OccurrenceChange,
) -> Result<meeting::Model> {
    let m = registration::get(db, actor, id).await?;
    let reason = change
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::invalid("reason", "msg.decide.a_reason_is_required"))?;
    crate::domain::workflow::next_status(m.status, crate::domain::workflow::Action::Reschedule)?;
    if m.rrule.is_none() {
        return Err(Error::invalid(
            "date",
            "msg.series.this_meeting_does_not_repeat",
        ));
    }
    let (new_start, new_end) = new_times(db, &m, &change).await?;
    let actor_id = actor.account_id;
    let moved = db
        .write(|| async {
            let txn = db.begin_write().await?;
            let tail = split_in(&txn, actor_id, &m, date).await?;
            let starts_at = new_start.unwrap_or(tail.starts_at);
            let ends_at = new_end.unwrap_or(starts_at + (tail.ends_at - tail.starts_at));
            registration::check_span(starts_at, ends_at)?;
            let moved = meeting::Entity::update_many()
                .col_expr(meeting::Column::StartsAt, Expr::value(starts_at))
                .col_expr(meeting::Column::EndsAt, Expr::value(ends_at))
                .col_expr(
                    meeting::Column::RoomId,
                    Expr::value(change.room_id.or(tail.room_id)),
                )
                .col_expr(
                    meeting::Column::Sequence,
                    Expr::col(meeting::Column::Sequence).add(1),
                )
                .col_expr(
                    meeting::Column::Version,
                    Expr::col(meeting::Column::Version).add(1),
                )
                .col_expr(
                    meeting::Column::DecisionNote,
                    Expr::value(Some(reason.clone())),
                )
                .filter(meeting::Column::Id.eq(tail.id))
                .exec_with_returning(&txn)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| Error::missing("meeting"))?;
            let existing = meetings::occurrences_of(&txn, moved.id).await?;
            if let Err(e) = meetings::sync_occurrences_from(&txn, &moved, true, existing).await {
                // Refused by the database: nothing of the split or the move stays.
                txn.rollback().await?;
                return Err(e);
            }
            record_event(
                &txn,
                moved.id,
                Some(actor_id),
                "reschedule_following",
                Some(m.status),
                Some(moved.status),
                Some(format!("{date}: {reason}")),
            )
            .await?;
            crate::domain::notifications::tell(
                db,
                &txn,
                &moved,
                "reschedule",
                m.status,
                Some(&reason),
            )
            .await?;
            txn.commit().await?;
            Ok(moved)
        })
        .await?;
    crate::domain::notifications::wake(db);
    Ok(moved)
}
