//! Registering and editing a request: one transaction each, under the app's write lock.

use super::input::{Actor, MeetingInput};
use super::validate::validate;
use crate::db::Db;
use crate::domain::clock;
use crate::domain::meetings::{
    self, exdates_json, record_event, sync_occurrences, Invitee, NewMeeting,
};
use crate::domain::notifications;
use crate::domain::workflow::{self, Action};
use crate::error::Msg;
use crate::{Error, Result};
use entity::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Registers a request (draft, or pending when `submit`).
pub async fn create(db: &Db, actor: &Actor, input: MeetingInput) -> Result<meeting::Model> {
    let new = validate(&db.conn, actor, input).await?;
    let submitted = new.status == MeetingStatus::Pending;
    let then = submitted.then_some((actor.account_id, "submit", MeetingStatus::Draft));
    // A pending request holds no booking: no exclusion check to wait on, nothing to retry.
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let saved = meetings::insert_then(&txn, new, then).await?;
    if submitted {
        let draft = MeetingStatus::Draft;
        notifications::tell(db, &txn, &saved, "submit", draft, None).await?;
    }
    txn.commit().await?;
    notifications::wake(db);
    Ok(saved)
}

/// The meeting if `actor` may see it; another agency's request answers 404, not 403, so that
/// its existence does not leak.
pub async fn get(db: &Db, actor: &Actor, id: i32) -> Result<meeting::Model> {
    match meeting::Entity::find_by_id(id).one(&db.conn).await? {
        Some(m) if actor.may_see(&m) => Ok(m),
        _ => Err(Error::missing("meeting")),
    }
}

/// Replaces the request's content. `expected_version` must match (lost updates are refused).
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i32,
    expected_version: Option<i32>,
    input: MeetingInput,
) -> Result<meeting::Model> {
    let current = get(db, actor, id).await?;
    // The version being edited (If-Match), so that a concurrent change is never overwritten.
    let expected_version = expected_version.ok_or_else(|| {
        Error::PreconditionRequired(crate::error::Msg::t(
            "msg.save.if_match_is_required_the_version",
            &[],
        ))
    })?;
    must_be_editable(&current)?;
    let submit = input.submit;
    let mut new = validate(&db.conn, actor, input).await?;
    new.requesting_agency_id = current.requesting_agency_id;
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    // Compare-and-set on the version: a concurrent edit makes this touch no row.
    let status = if submit && current.status != MeetingStatus::Pending {
        workflow::next_status(current.status, Action::Submit)?
    } else {
        current.status
    };
    let res = meeting::Entity::update_many()
        .col_expr(meeting::Column::Title, Expr::value(new.title.clone()))
        .col_expr(meeting::Column::Agenda, Expr::value(new.agenda.clone()))
        .col_expr(meeting::Column::Kind, Expr::value(new.kind.code()))
        .col_expr(meeting::Column::ChairId, Expr::value(new.chair_id))
        .col_expr(meeting::Column::RoomId, Expr::value(new.room_id))
        .col_expr(meeting::Column::Location, Expr::value(new.location.clone()))
        .col_expr(meeting::Column::StartsAt, Expr::value(new.starts_at))
        .col_expr(meeting::Column::EndsAt, Expr::value(new.ends_at))
        .col_expr(
            meeting::Column::TimeZone,
            Expr::value(new.time_zone.clone()),
        )
        .col_expr(
            meeting::Column::Visibility,
            Expr::value(new.visibility.code()),
        )
        .col_expr(meeting::Column::Rrule, Expr::value(new.rrule.clone()))
        .col_expr(
            meeting::Column::Exdates,
            Expr::value(exdates_json(&new.exdates)),
        )
        .col_expr(
            meeting::Column::OnlineLink,
            Expr::value(new.online_link.clone()),
        )
        .col_expr(
            meeting::Column::ExpectedAttendance,
            Expr::value(new.expected_attendance),
        )
        .col_expr(
            meeting::Column::Preparation,
            Expr::value(new.preparation.clone()),
        )
        .col_expr(
            meeting::Column::NeedsInterpreter,
            Expr::value(new.needs_interpreter),
        )
        .col_expr(
            meeting::Column::PreparingAgencyId,
            Expr::value(new.preparing_agency_id),
        )
        .col_expr(
            meeting::Column::OtherAttendees,
            Expr::value(new.other_attendees.clone()),
        )
        .col_expr(meeting::Column::Note, Expr::value(new.note.clone()))
        .col_expr(meeting::Column::Status, Expr::value(status.code()))
        .col_expr(
            meeting::Column::Version,
            Expr::col(meeting::Column::Version).add(1),
        )
        .col_expr(
            meeting::Column::Sequence,
            Expr::col(meeting::Column::Sequence).add(1),
        )
        .col_expr(meeting::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(meeting::Column::Id.eq(id))
        .filter(meeting::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(expected_version, current.version));
    }
    let saved = meeting::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::missing("meeting"))?;
    sync_occurrences(&txn, &saved, true).await?;
    replace_attendees_and_equipment(&txn, id, &new).await?;
    record_event(
        &txn,
        id,
        Some(actor.account_id),
        "edit",
        Some(current.status),
        Some(status),
        new.reason.clone(),
    )
    .await?;
    if status != current.status {
        record_event(
            &txn,
            id,
            Some(actor.account_id),
            "submit",
            Some(current.status),
            Some(status),
            None,
        )
        .await?;
        notifications::tell(db, &txn, &saved, "submit", current.status, None).await?;
    }
    txn.commit().await?;
    notifications::wake(db);
    Ok(saved)
}

/// Refuses to edit a request in a state that does not allow it (decided, withdrawn…).
pub fn must_be_editable(m: &meeting::Model) -> Result<()> {
    if !workflow::editable(m.status) {
        let status = Msg {
            vi: workflow::status_label_vi(m.status),
            en: m.status.to_string(),
        };
        return Err(Error::Conflict {
            code: "not_editable",
            msg: Msg::t_each("refusals.not_editable", &[("status", &status)]),
        });
    }
    Ok(())
}

pub(super) fn stale(expected: i32, current: i32) -> Error {
    Error::PreconditionFailed(crate::error::Msg::t(
        "msg.save.the_request_was_changed_meanwhile_version",
        &[
            ("current", &current.to_string()),
            ("expected", &expected.to_string()),
        ],
    ))
}

async fn replace_attendees_and_equipment<C: ConnectionTrait>(
    db: &C,
    id: i32,
    new: &NewMeeting,
) -> Result<()> {
    meeting_attendee::Entity::delete_many()
        .filter(meeting_attendee::Column::MeetingId.eq(id))
        .exec(db)
        .await?;
    meeting_equipment::Entity::delete_many()
        .filter(meeting_equipment::Column::MeetingId.eq(id))
        .exec(db)
        .await?;
    for a in &new.attendees {
        let (person_id, agency_id) = match a.who {
            Invitee::Person(p) => (Some(p), None),
            Invitee::Agency(g) => (None, Some(g)),
        };
        meeting_attendee::ActiveModel {
            meeting_id: Set(id),
            person_id: Set(person_id),
            agency_id: Set(agency_id),
            role: Set(a.role),
            participation: Set(Participation::NeedsAction),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for e in &new.equipment_ids {
        meeting_equipment::ActiveModel {
            meeting_id: Set(id),
            equipment_id: Set(*e),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
