//! Invitees answer without an account (issue #17 item 4): each invitation e-mail carries a
//! personal link `/tra-loi/<token>`; the invitee says Tham dự (attending), Vắng (absent, with a
//! reason) or Cử người dự thay (a deputy, name and position). The answer is kept on the
//! attendee row, written to the meeting's history, and may be changed until the meeting starts.
//!
//! This module sees only the token's hash (the sender mints the token, the page hashes what it
//! is given). A link opens nothing unless it is not revoked, its meeting is approved, and its
//! person is still invited: cancelling the meeting or removing the person ends it at once, and
//! the next decision on the meeting marks such links revoked for good.

use crate::db::Db;
use crate::domain::clock;
use crate::domain::meetings;
use crate::domain::reference;
use crate::domain::validate;
use crate::error::Error;
use crate::Result;
use chrono::{DateTime, Utc};
use entity::*;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// The longest reason, deputy name or position kept.
const REASON_MAX: usize = 1000;
const NAME_MAX: usize = 200;

/// What the invitee said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Attending,
    Absent { reason: String },
    Deputy { name: String, position: String },
}

/// The answer form as typed: `choice` is "tham-du", "vang" or "cu-nguoi".
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub choice: String,
    pub reason: String,
    pub deputy_name: String,
    pub deputy_position: String,
}

impl Typed {
    /// The choice, or a refusal naming the field that is missing or wrong.
    pub fn choice(&self) -> Result<Choice> {
        match self.choice.trim() {
            "tham-du" => Ok(Choice::Attending),
            "vang" => Ok(Choice::Absent {
                reason: required("reason", &self.reason, REASON_MAX)?,
            }),
            "cu-nguoi" => Ok(Choice::Deputy {
                name: required("deputy_name", &self.deputy_name, NAME_MAX)?,
                position: required("deputy_position", &self.deputy_position, NAME_MAX)?,
            }),
            _ => Err(Error::invalid("choice", "answers.choose_one")),
        }
    }
}

fn required(field: &str, value: &str, max: usize) -> Result<String> {
    validate::text(field, value)?;
    if value.trim().is_empty() {
        return Err(Error::invalid(field, &format!("answers.missing.{field}")));
    }
    validate::required(field, value, max)
}

/// What a valid link opens: the meeting as the invitee may see it, and their current answer.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub meeting: meeting::Model,
    pub person: person::Model,
    pub attendee: meeting_attendee::Model,
    /// The meeting has started: answers are no longer taken.
    pub started: bool,
}

/// Stores a new link of `person_id` to `meeting_id` by its hash (the sender, when it builds an
/// invitation). Earlier links of the same person stay valid.
pub async fn store_link(db: &Db, meeting_id: i32, person_id: i32, token_hash: &str) -> Result<()> {
    let row = answer_link::ActiveModel {
        meeting_id: Set(meeting_id),
        person_id: Set(person_id),
        token_hash: Set(token_hash.to_string()),
        created_at: Set(clock::now()),
        revoked_at: Set(None),
        ..Default::default()
    };
    db.write(|| async {
        answer_link::Entity::insert(row.clone())
            .exec_without_returning(&db.conn)
            .await?;
        Ok(())
    })
    .await
}

/// A link the office hands to an invitee by other means (phone, Zalo) when the invitation
/// e-mail cannot reach them: stored by its hash like the e-mailed ones. The meeting must be
/// approved and the person invited to it.
pub async fn issue(db: &Db, meeting_id: i32, person_id: i32, token_hash: &str) -> Result<()> {
    let m = meeting::Entity::find_by_id(meeting_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("meeting"))?;
    if m.status != MeetingStatus::Approved {
        return Err(Error::conflict_t(
            "not_approved",
            "answers.not_approved",
            &[],
        ));
    }
    let invited = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting_id))
        .filter(meeting_attendee::Column::PersonId.eq(person_id))
        .one(&db.conn)
        .await?;
    if invited.is_none() {
        return Err(Error::invalid("person_id", "answers.not_invited"));
    }
    store_link(db, meeting_id, person_id, token_hash).await
}

/// Ends every link of `person_id` to `meeting_id` (an office action); how many were live.
pub async fn revoke(db: &Db, meeting_id: i32, person_id: i32) -> Result<u64> {
    meeting::Entity::find_by_id(meeting_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("meeting"))?;
    let q = answer_link::Entity::update_many()
        .col_expr(
            answer_link::Column::RevokedAt,
            Expr::value(Some(clock::now())),
        )
        .filter(answer_link::Column::MeetingId.eq(meeting_id))
        .filter(answer_link::Column::PersonId.eq(person_id))
        .filter(answer_link::Column::RevokedAt.is_null());
    db.write(|| async { Ok(q.clone().exec(&db.conn).await?.rows_affected) })
        .await
}

/// The invitation a link hash opens; a link that is unknown, revoked, of a meeting that is no
/// longer approved or of a person no longer invited is "not found", all alike.
pub async fn open<C: ConnectionTrait>(db: &C, token_hash: &str) -> Result<Invitation> {
    let gone = || Error::missing("answer_link");
    let link = answer_link::Entity::find()
        .filter(answer_link::Column::TokenHash.eq(token_hash))
        .filter(answer_link::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(gone)?;
    let meeting = meeting::Entity::find_by_id(link.meeting_id)
        .one(db)
        .await?
        .filter(|m| m.status == MeetingStatus::Approved)
        .ok_or_else(gone)?;
    let attendee = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting.id))
        .filter(meeting_attendee::Column::PersonId.eq(link.person_id))
        .order_by_asc(meeting_attendee::Column::Id)
        .one(db)
        .await?
        .ok_or_else(gone)?;
    let person = person::Entity::find_by_id(link.person_id)
        .one(db)
        .await?
        .ok_or_else(gone)?;
    Ok(Invitation {
        started: clock::now() >= meeting.starts_at,
        meeting,
        person,
        attendee,
    })
}

/// What the answer page shows of the meeting: its title, local times and place.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub title: String,
    pub starts: String,
    pub ends: String,
    pub place: Option<String>,
}

/// `t` in the meeting's zone, dd/mm/yyyy HH:MM.
fn local(m: &meeting::Model, t: DateTime<Utc>) -> String {
    t.with_timezone(&meetings::zone_of(m))
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The meeting as its invitee sees it (the room from the reference data in memory).
pub async fn shown(db: &Db, m: &meeting::Model) -> Result<Shown> {
    let place = match m.room_id {
        Some(id) => reference::current(db)
            .await?
            .room(id)
            .map(|(r, _)| format!("{}, {}", r.name, r.building)),
        None => m.location.clone(),
    };
    Ok(Shown {
        title: m.title.clone(),
        starts: local(m, m.starts_at),
        ends: local(m, m.ends_at),
        place,
    })
}

/// Records the invitee's answer in place of any earlier one, with an entry in the meeting's
/// history, in one transaction; refused once the meeting has started.
pub async fn answer(db: &Db, token_hash: &str, typed: &Typed) -> Result<Invitation> {
    let choice = typed.choice()?;
    db.write(|| async {
        let txn = db.begin_write().await?;
        let inv = open(&txn, token_hash).await?;
        if inv.started {
            return Err(Error::conflict_t(
                "meeting_started",
                "answers.too_late",
                &[("starts", &local(&inv.meeting, inv.meeting.starts_at))],
            ));
        }
        let (participation, reason, deputy, action) = match &choice {
            Choice::Attending => (Participation::Accepted, None, None, "answer_attending"),
            Choice::Absent { reason } => (
                Participation::Declined,
                Some(reason.clone()),
                None,
                "answer_absent",
            ),
            Choice::Deputy { name, position } => (
                Participation::Delegated,
                None,
                Some((name.clone(), position.clone())),
                "answer_deputy",
            ),
        };
        meeting_attendee::Entity::update_many()
            .col_expr(
                meeting_attendee::Column::Participation,
                Expr::value(participation),
            )
            .col_expr(
                meeting_attendee::Column::AnswerReason,
                Expr::value(reason.clone()),
            )
            .col_expr(
                meeting_attendee::Column::DeputyName,
                Expr::value(deputy.as_ref().map(|d| d.0.clone())),
            )
            .col_expr(
                meeting_attendee::Column::DeputyPosition,
                Expr::value(deputy.as_ref().map(|d| d.1.clone())),
            )
            .col_expr(
                meeting_attendee::Column::AnsweredAt,
                Expr::value(Some(clock::now())),
            )
            .filter(meeting_attendee::Column::Id.eq(inv.attendee.id))
            .exec(&txn)
            .await?;
        let who = format!("{} — {}", inv.person.full_name, inv.person.position);
        let note = match (&reason, &deputy) {
            (Some(r), _) => format!("{who}: {r}"),
            (_, Some((name, position))) => format!("{who} → {name} — {position}"),
            _ => who,
        };
        meetings::record_event(&txn, inv.meeting.id, None, action, None, None, Some(note)).await?;
        let inv = open(&txn, token_hash).await?;
        txn.commit().await?;
        Ok(inv)
    })
    .await
}

/// Called by a decision on `m` inside its transaction: ends the links of a meeting that is no
/// longer approved, and those of persons no longer invited.
pub async fn revoke_stale<C: ConnectionTrait>(db: &C, m: &meeting::Model) -> Result<()> {
    let mut q = answer_link::Entity::update_many()
        .col_expr(
            answer_link::Column::RevokedAt,
            Expr::value(Some(clock::now())),
        )
        .filter(answer_link::Column::MeetingId.eq(m.id))
        .filter(answer_link::Column::RevokedAt.is_null());
    if m.status == MeetingStatus::Approved {
        let invited: Vec<i32> = meeting_attendee::Entity::find()
            .filter(meeting_attendee::Column::MeetingId.eq(m.id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|a| a.person_id)
            .collect();
        q = q.filter(answer_link::Column::PersonId.is_not_in(invited));
    }
    q.exec(db).await?;
    Ok(())
}

/// One attendee's answer as the meeting page and the API show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AttendeeAnswer {
    pub attendee_id: i32,
    pub person_id: Option<i32>,
    pub agency_id: Option<i32>,
    /// needs_action, accepted, declined, delegated (tentative is not offered).
    pub participation: Participation,
    pub reason: Option<String>,
    pub deputy_name: Option<String>,
    pub deputy_position: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// "Đã xác nhận 12/15 · Vắng 1 · Cử người thay 2": of `invited` attendees, how many answered
/// (any answer), and how many of those are absent or send a deputy.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub invited: u32,
    pub answered: u32,
    pub attending: u32,
    pub absent: u32,
    pub deputy: u32,
}

/// The answers of a meeting's invited persons and agencies (the chair's own row excepted).
/// Whoever calls this has already been allowed to see the meeting's attendees.
pub async fn of_meeting<C: ConnectionTrait>(
    db: &C,
    meeting_id: i32,
) -> Result<(Summary, Vec<AttendeeAnswer>)> {
    let rows = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting_id))
        .filter(meeting_attendee::Column::Role.ne(AttendeeRole::Chair))
        .order_by_asc(meeting_attendee::Column::Id)
        .all(db)
        .await?;
    let mut s = Summary::default();
    let answers = rows
        .into_iter()
        .map(|a| {
            s.invited += 1;
            match a.participation {
                Participation::Accepted => s.attending += 1,
                Participation::Declined => s.absent += 1,
                Participation::Delegated => s.deputy += 1,
                _ => {}
            }
            if a.participation != Participation::NeedsAction {
                s.answered += 1;
            }
            AttendeeAnswer {
                attendee_id: a.id,
                person_id: a.person_id,
                agency_id: a.agency_id,
                participation: a.participation,
                reason: a.answer_reason,
                deputy_name: a.deputy_name,
                deputy_position: a.deputy_position,
                answered_at: a.answered_at,
            }
        })
        .collect();
    Ok((s, answers))
}
