//! Every workflow action on a request (submit, review, return, approve, reject, reschedule,
//! cancel, withdraw): the step, its audit entry, the times an approver adjusts, and the collision
//! that refuses an approval.

use super::input::{Actor, DecisionInput};
use super::queries::{collisions_among, Collision};
use super::save::{get, stale};
use super::validate::{check_span, must_exist, parse_time, text, MAX_TEXT};
use crate::db::Db;
use crate::domain::clock;
use crate::domain::meetings::{self, record_event};
use crate::domain::notifications;
use crate::domain::workflow::{self, Action};
use crate::{Error, Result};
use entity::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

/// The outcome of a decision: the meeting as it now is, and the pending requests it collides with.
#[derive(Debug, Serialize)]
pub struct Decision {
    pub meeting: meeting::Model,
    pub collisions: Vec<Collision>,
}

/// The checks of a decision that need no write (the action from this status, the reason, the
/// time): the meeting, the status it goes to and the reason.
async fn ready(
    db: &Db,
    actor: &Actor,
    id: i32,
    action: Action,
    reason: Option<String>,
) -> Result<(meeting::Model, MeetingStatus, Option<String>)> {
    let current = get(db, actor, id).await?;
    let target = workflow::next_status(current.status, action)?;
    let reason = text("reason", reason, MAX_TEXT)?;
    // Withdrawing an approved meeting undoes what the office announced: it says why, like the
    // office's own decisions against a request.
    let undoes_approval = action == Action::Withdraw
        && matches!(
            current.status,
            MeetingStatus::Approved | MeetingStatus::Postponed
        );
    if (action.needs_reason() || undoes_approval) && reason.is_none() {
        return Err(Error::invalid("reason", "msg.decide.a_reason_is_required"));
    }
    // An agency may withdraw its request at any time before the meeting starts.
    if action == Action::Withdraw && current.starts_at <= clock::now() {
        return Err(Error::conflict_t(
            "already_started",
            "refusals.already_started",
            &[],
        ));
    }
    Ok((current, target, reason))
}

/// Whether `decide` would get past its first checks: the pages ask before a destructive
/// decision only when it can be taken as typed, so a refusal comes at once.
pub async fn may_decide(
    db: &Db,
    actor: &Actor,
    id: i32,
    action: Action,
    input: &DecisionInput,
) -> Result<()> {
    ready(db, actor, id, action, input.reason.clone())
        .await
        .map(|_| ())
}

/// Applies one transition of the state machine, with its audit entry, in one transaction.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i32,
    action: Action,
    input: DecisionInput,
) -> Result<Decision> {
    let (current, target, reason) = ready(db, actor, id, action, input.reason.clone()).await?;
    // The office returns with a proposed time (and room): the request keeps its own until the
    // agency accepts the proposal.
    let proposing = action == Action::Return && input.starts_at.is_some();
    let room_id = match input.room_id {
        Some(r) if proposing => {
            must_exist::<_, room::Entity>(&db.conn, "room_id", r).await?;
            current.room_id
        }
        Some(r) => {
            let room = must_exist::<_, room::Entity>(&db.conn, "room_id", r).await?;
            if !room.bookable {
                return Err(Error::Validation {
                    field: "room_id".to_string(),
                    msg: crate::error::Msg::t_each(
                        "refusals.room_not_bookable",
                        &[("room", &meetings::room_subject(&room.name))],
                    ),
                });
            }
            Some(r)
        }
        None => current.room_id,
    };
    if action == Action::Approve && room_id.is_none() && current.location.is_none() {
        return Err(Error::invalid(
            "room_id",
            "msg.decide.assign_a_room_or_the_request",
        ));
    }
    let tz = meetings::zone_of(&current);
    let (starts_at, ends_at) = if proposing {
        (current.starts_at, current.ends_at)
    } else if action == Action::AcceptProposal {
        match (current.proposed_starts_at, current.proposed_ends_at) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                return Err(Error::conflict_t(
                    "no_proposal",
                    "msg.moves.no_proposal",
                    &[],
                ))
            }
        }
    } else if action == Action::Reschedule {
        let s = input
            .starts_at
            .as_deref()
            .map(|v| parse_time("starts_at", v, tz))
            .transpose()?;
        let e = input
            .ends_at
            .as_deref()
            .map(|v| parse_time("ends_at", v, tz))
            .transpose()?;
        // A postponed meeting may come back at its old time; an approved one must move.
        let unchanged = s.is_none() && e.is_none() && input.room_id.is_none();
        if unchanged && current.status != MeetingStatus::Postponed {
            return Err(Error::invalid(
                "starts_at",
                "msg.decide.give_a_new_time_or_a",
            ));
        }
        let s = s.unwrap_or(current.starts_at);
        let e = e.unwrap_or(s + (current.ends_at - current.starts_at));
        check_span(s, e)?;
        (s, e)
    } else {
        (current.starts_at, current.ends_at)
    };

    let room_id = if action == Action::AcceptProposal {
        current.proposed_room_id.or(room_id)
    } else {
        room_id
    };
    // What the return proposes: (start, end, room); None clears a proposal once the agency
    // sends its request again, accepted or not.
    let proposal = if proposing {
        let s = parse_time(
            "starts_at",
            input.starts_at.as_deref().unwrap_or_default(),
            tz,
        )?;
        let e = match input.ends_at.as_deref() {
            Some(v) => parse_time("ends_at", v, tz)?,
            None => s + (current.ends_at - current.starts_at),
        };
        check_span(s, e)?;
        Some(Some((s, e, input.room_id.or(current.room_id))))
    } else if matches!(action, Action::Submit | Action::AcceptProposal) {
        Some(None)
    } else {
        None
    };

    let chair_id = if action == Action::ChangeChair {
        Some(new_chair(db, &current, input.chair_id).await?)
    } else {
        current.chair_id
    };

    let now = clock::now();
    let bump = matches!(
        action,
        Action::Approve
            | Action::Reschedule
            | Action::Cancel
            | Action::Withdraw
            | Action::Reject
            | Action::Postpone
            | Action::ChangeChair
    );
    let actor_id = actor.account_id;
    let attempt = || async {
        let reason = reason.clone();
        let txn = db.begin_write().await?;
        // Compare-and-set on the status: of two concurrent decisions on one request, one applies.
        let mut update = meeting::Entity::update_many()
            .col_expr(meeting::Column::Status, Expr::value(target.code()))
            .col_expr(meeting::Column::RoomId, Expr::value(room_id))
            .col_expr(meeting::Column::ChairId, Expr::value(chair_id))
            .col_expr(meeting::Column::StartsAt, Expr::value(starts_at))
            .col_expr(meeting::Column::EndsAt, Expr::value(ends_at))
            .col_expr(
                meeting::Column::Version,
                Expr::col(meeting::Column::Version).add(1),
            )
            .col_expr(meeting::Column::UpdatedAt, Expr::value(now));
        if bump {
            update = update.col_expr(
                meeting::Column::Sequence,
                Expr::col(meeting::Column::Sequence).add(1),
            );
        }
        if matches!(action, Action::Approve | Action::Reject) {
            update = update.col_expr(meeting::Column::DecidedAt, Expr::value(now));
        }
        if matches!(action, Action::Submit | Action::AcceptProposal) {
            update = update.col_expr(meeting::Column::SubmittedAt, Expr::value(now));
        }
        if let Some(p) = proposal {
            update = update
                .col_expr(
                    meeting::Column::ProposedStartsAt,
                    Expr::value(p.map(|p| p.0)),
                )
                .col_expr(meeting::Column::ProposedEndsAt, Expr::value(p.map(|p| p.1)))
                .col_expr(
                    meeting::Column::ProposedRoomId,
                    Expr::value(p.and_then(|p| p.2)),
                );
        }
        if reason.is_some() {
            update = update.col_expr(meeting::Column::DecisionNote, Expr::value(reason.clone()));
        }
        // RETURNING: the row as updated, without reading it again.
        let updated = update
            .filter(meeting::Column::Id.eq(id))
            .filter(meeting::Column::Status.eq(current.status))
            .exec_with_returning(&txn)
            .await?;
        let Some(saved) = updated.into_iter().next() else {
            let now_status = meeting::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .map(|m| m.status)
                .unwrap_or(current.status);
            return Err(workflow::next_status(now_status, action)
                .err()
                .unwrap_or_else(|| stale(current.version, current.version + 1)));
        };
        if action == Action::ChangeChair {
            meetings::replace_chair_attendee(&txn, id, chair_id).await?;
        }
        // The rows are read once; the sync returns what they are now (for the collisions).
        let existing = meetings::occurrences_of(&txn, id).await?;
        let after = match meetings::sync_occurrences_from(&txn, &saved, bump, existing).await {
            Ok(rows) => rows,
            Err(Error::Conflict { code, msg })
                if code == "room_overlap" || code == "chair_overlap" =>
            {
                txn.rollback().await?;
                return Err(name_the_collision(db, &saved, code, msg).await);
            }
            Err(e) => return Err(e),
        };
        record_event(
            &txn,
            id,
            Some(actor_id),
            action.code(),
            Some(current.status),
            Some(target),
            reason.clone(),
        )
        .await?;
        notifications::tell(
            db,
            &txn,
            &saved,
            action.code(),
            current.status,
            reason.as_deref(),
        )
        .await?;
        let collisions = if target == MeetingStatus::Approved {
            let found = collisions_among(
                &txn,
                &saved,
                &after,
                &[MeetingStatus::Pending, MeetingStatus::Reviewed],
            )
            .await?;
            for c in &found {
                record_event(
                    &txn,
                    c.meeting_id,
                    Some(actor_id),
                    "conflict_flagged",
                    Some(c.status),
                    Some(c.status),
                    Some(
                        crate::error::Msg::t(
                            if c.on == "room" {
                                "events.conflict_flagged_room"
                            } else {
                                "events.conflict_flagged_chair"
                            },
                            &[("id", &saved.id.to_string()), ("title", &saved.title)],
                        )
                        .vi,
                    ),
                )
                .await?;
            }
            found
        } else {
            vec![]
        };
        txn.commit().await?;
        Ok(Decision {
            meeting: saved,
            collisions,
        })
    };
    let decision = db.write(attempt).await?;
    notifications::wake(db);
    Ok(decision)
}

/// The leader named to chair in the chair's place: a leader, active, not the chair already.
/// Whether they are free is the database's answer (the chair's no-overlap guarantee).
async fn new_chair(db: &Db, current: &meeting::Model, chair_id: Option<i32>) -> Result<i32> {
    let chair_id =
        chair_id.ok_or_else(|| Error::invalid("chair_id", "msg.moves.choose_a_leader"))?;
    let person = must_exist::<_, person::Entity>(&db.conn, "chair_id", chair_id).await?;
    if !person.is_leader || !person.active {
        return Err(Error::invalid(
            "chair_id",
            "msg.moves.chair_must_be_a_leader",
        ));
    }
    if current.chair_id == Some(chair_id) {
        return Err(Error::invalid("chair_id", "msg.moves.already_the_chair"));
    }
    Ok(chair_id)
}

/// After the database refused a booking: find the approved meetings it collides with, and on
/// which days, and say so.
pub(crate) async fn name_the_collision(
    db: &Db,
    m: &meeting::Model,
    code: &'static str,
    msg: crate::error::Msg,
) -> Error {
    let found = match planned_occurrences(&db.conn, m).await {
        Ok(rows) => collisions_among(&db.conn, m, &rows, &[MeetingStatus::Approved])
            .await
            .unwrap_or_default(),
        Err(_) => vec![],
    };
    collision_error(&found, code, msg)
}

/// The rows `m`'s occurrences would have had if the refused write had gone through (the
/// transaction was rolled back): its slots with its room and chair, the rows changed on their
/// own as they are, as [`meetings::sync_occurrences_from`] writes them.
async fn planned_occurrences<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
) -> Result<Vec<occurrence::Model>> {
    let tz = meetings::zone_of(m);
    let existing = meetings::occurrences_of(db, m.id).await?;
    let slots = crate::domain::recurrence::expand(
        tz,
        m.starts_at,
        m.ends_at - m.starts_at,
        m.rrule.as_deref(),
        &meetings::exdates_of(m),
    )?;
    let now = clock::now();
    Ok(slots
        .into_iter()
        .map(|slot| {
            let own = existing
                .iter()
                .find(|o| o.recurrence_id.with_timezone(&tz).date_naive() == slot.original_date);
            match own {
                Some(o) if o.is_override => o.clone(),
                _ => occurrence::Model {
                    id: own.map_or(0, |o| o.id),
                    meeting_id: m.id,
                    recurrence_id: slot.starts_at,
                    starts_at: slot.starts_at,
                    ends_at: slot.ends_at,
                    room_id: m.room_id,
                    chair_id: m.chair_id,
                    status: m.status,
                    is_override: false,
                    sequence: m.sequence,
                    updated_at: now,
                },
            }
        })
        .collect())
}

/// Most days a refusal's message lists for one meeting (the JSON `dates` has them all).
const NAMED_DAYS: usize = 10;

/// The 409 for a refused booking, naming the approved meetings it collides with and the days
/// when known (a series' refusal names the occurrences at fault).
pub(crate) fn collision_error(
    found: &[Collision],
    code: &'static str,
    msg: crate::error::Msg,
) -> Error {
    let on = if code == "room_overlap" {
        "room"
    } else {
        "chair"
    };
    let mut named: Vec<&Collision> = found.iter().filter(|c| c.on == on).collect();
    if named.is_empty() {
        named.extend(found.first());
    }
    if named.is_empty() {
        return Error::Conflict { code, msg };
    }
    let (mut vi, mut en) = (msg.vi, msg.en);
    let mut dates = Vec::new();
    for c in named {
        let days: Vec<String> = c
            .dates
            .iter()
            .take(NAMED_DAYS)
            .map(|d| d.format("%d/%m/%Y").to_string())
            .collect();
        let days = days.join(", ");
        let line = |more: &str| {
            crate::error::Msg::t(
                "collision.with",
                &[
                    ("id", &c.meeting_id.to_string()),
                    ("title", &c.title),
                    ("dates", &format!("{days}{more}")),
                ],
            )
        };
        let (line_vi, line_en) = match c.dates.len().checked_sub(NAMED_DAYS + 1) {
            Some(rest) => {
                let more =
                    crate::error::Msg::t("collision.more_days", &[("n", &(rest + 1).to_string())]);
                (
                    line(&format!(" {}", more.vi)).vi,
                    line(&format!(" {}", more.en)).en,
                )
            }
            None => {
                let l = line("");
                (l.vi, l.en)
            }
        };
        vi = format!("{vi} {line_vi}");
        en = format!("{en} {line_en}");
        dates.extend(c.dates.iter().copied());
    }
    dates.sort();
    dates.dedup();
    Error::Collision {
        code,
        msg: crate::error::Msg { vi, en },
        dates,
    }
}
