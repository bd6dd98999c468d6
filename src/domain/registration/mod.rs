//! Meeting requests (đăng ký): what agencies register, how the office decides, who may see what.
//! Every write is one transaction; on SQLite it also holds the app's write lock.

use crate::db::Db;
use crate::domain::clock;
use crate::domain::meetings::{
    self, exdates_json, record_event, sync_occurrences, Invitee, NewAttendee, NewMeeting,
};
use crate::domain::workflow::{self, Action};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use entity::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

/// Who acts, as the domain needs to know it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub account_id: i32,
    pub agency_id: Option<i32>,
    /// Office staff, approvers and admins see every agency.
    pub office: bool,
}

impl Actor {
    fn may_see(&self, m: &meeting::Model) -> bool {
        self.office || self.agency_id == Some(m.requesting_agency_id)
    }
}

/// A request as an agency fills it in (JSON body of POST/PATCH /api/v1/meetings).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub title: String,
    #[serde(default)]
    pub agenda: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::codes::MeetingKind>)]
    pub kind: Option<MeetingKind>,
    #[serde(default)]
    pub chair_id: Option<i32>,
    #[serde(default)]
    pub room_id: Option<i32>,
    #[serde(default)]
    pub location: Option<String>,
    /// Local time in `time_zone` ("2026-12-07T08:00") or an instant with offset.
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::codes::Visibility>)]
    pub visibility: Option<Visibility>,
    /// RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;COUNT=6".
    #[serde(default)]
    pub rrule: Option<String>,
    #[serde(default)]
    pub exdates: Vec<NaiveDate>,
    #[serde(default)]
    pub online_link: Option<String>,
    #[serde(default)]
    pub expected_attendance: Option<i32>,
    #[serde(default)]
    pub preparation: Option<String>,
    #[serde(default)]
    pub needs_interpreter: bool,
    #[serde(default)]
    pub preparing_agency_id: Option<i32>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub attendees: Vec<AttendeeInput>,
    /// Equipment codes (projector, video_conference, …).
    #[serde(default)]
    pub equipment: Vec<String>,
    /// The office may register on behalf of an agency; a clerk always registers for its own.
    #[serde(default)]
    pub requesting_agency_id: Option<i32>,
    /// Send for approval at once instead of keeping a draft.
    #[serde(default)]
    pub submit: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeInput {
    #[serde(default)]
    pub person_id: Option<i32>,
    #[serde(default)]
    pub agency_id: Option<i32>,
    #[serde(default = "required_role")]
    #[schema(value_type = crate::domain::codes::AttendeeRole)]
    pub role: AttendeeRole,
}

fn required_role() -> AttendeeRole {
    AttendeeRole::Required
}

/// What a decision may carry (JSON body of the transition routes).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// Lý do: required to return, reject and cancel.
    #[serde(default)]
    pub reason: Option<String>,
    /// Room to assign (approve, review proposal, reschedule).
    #[serde(default)]
    pub room_id: Option<i32>,
    /// New times (reschedule), local in the meeting's zone or with offset.
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
}

/// A meeting another decision now collides with.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Collision {
    pub meeting_id: i32,
    pub title: String,
    #[schema(value_type = crate::domain::codes::MeetingStatus)]
    pub status: MeetingStatus,
    /// "room" or "chair".
    pub on: &'static str,
    /// The days (office time) on which this meeting's occurrences meet the other one.
    pub dates: Vec<NaiveDate>,
}

pub const MAX_TITLE: usize = 500;
pub const MAX_TEXT: usize = 10_000;
pub const MIN_MINUTES: i64 = 5;
/// Longest single occurrence: a field trip may last several days, nothing longer than a week.
pub const MAX_DAYS: i64 = 7;

fn text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(v) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(Error::validation(
            field,
            format!("Nội dung quá dài (tối đa {max} ký tự)."),
            format!("Too long (at most {max} characters)."),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::validation(
            field,
            "Có ký tự điều khiển không hợp lệ.",
            "Contains invalid control characters.",
        ));
    }
    Ok(Some(v))
}

pub fn parse_zone(field: &str, name: Option<&str>) -> Result<Tz> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(clock::OFFICE_TZ),
        Some(n) => n.parse::<Tz>().map_err(|_| {
            Error::validation(
                field,
                format!("Múi giờ «{n}» không tồn tại."),
                format!("Unknown time zone {n:?}."),
            )
        }),
    }
}

/// "2026-12-07T08:00" (local in `tz`) or RFC 3339 with offset.
pub fn parse_time(field: &str, value: &str, tz: Tz) -> Result<DateTime<Utc>> {
    let v = value.trim();
    let bad = || {
        Error::validation(
            field,
            format!("Thời gian «{v}» không hợp lệ (dạng 2026-12-07T08:00)."),
            format!("Invalid time {v:?} (expected 2026-12-07T08:00)."),
        )
    };
    let t = if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        t.with_timezone(&Utc)
    } else {
        let local = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M"))
            .map_err(|_| bad())?;
        clock::local_to_utc(tz, local).ok_or_else(|| {
            Error::validation(
                field,
                format!(
                    "Giờ «{v}» không tồn tại ở múi giờ {} (chuyển giờ mùa hè).",
                    tz.name()
                ),
                format!("{v} does not exist in {} (daylight-saving gap).", tz.name()),
            )
        })?
    };
    use chrono::Datelike;
    if !(2000..=2100).contains(&t.year()) {
        return Err(Error::validation(
            field,
            "Năm phải trong khoảng 2000–2100.",
            "The year must be between 2000 and 2100.",
        ));
    }
    Ok(clock::whole_seconds(t))
}

pub(crate) fn check_span(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<()> {
    if ends_at <= starts_at {
        return Err(Error::validation(
            "ends_at",
            "Giờ kết thúc phải sau giờ bắt đầu.",
            "The end must be after the start.",
        ));
    }
    if ends_at - starts_at < Duration::minutes(MIN_MINUTES) {
        return Err(Error::validation(
            "ends_at",
            format!("Cuộc họp phải dài ít nhất {MIN_MINUTES} phút."),
            format!("A meeting lasts at least {MIN_MINUTES} minutes."),
        ));
    }
    if ends_at - starts_at > Duration::days(MAX_DAYS) {
        return Err(Error::validation(
            "ends_at",
            format!("Một lần họp không dài quá {MAX_DAYS} ngày."),
            format!("One occurrence may not last more than {MAX_DAYS} days."),
        ));
    }
    Ok(())
}

pub(crate) async fn must_exist<C: ConnectionTrait, E: EntityTrait>(
    db: &C,
    field: &str,
    id: i32,
) -> Result<E::Model>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    E::find_by_id(id).one(db).await?.ok_or_else(|| {
        Error::validation(
            field,
            format!("Không tồn tại mục có mã {id}."),
            format!("No such record: {id}."),
        )
    })
}

/// The ids of equipment codes (projector, video_conference, …), without repeats; an unknown
/// code is refused naming its place (`equipment[1]`).
pub async fn equipment_by_code<C: ConnectionTrait>(db: &C, codes: &[String]) -> Result<Vec<i32>> {
    let mut ids = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let e = equipment::Entity::find()
            .filter(equipment::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::validation(
                    &format!("equipment[{i}]"),
                    format!("Không có thiết bị «{code}»."),
                    format!("Unknown equipment {code:?}."),
                )
            })?;
        if !ids.contains(&e.id) {
            ids.push(e.id);
        }
    }
    Ok(ids)
}

/// Checks the input against the office's rules and the reference data.
pub async fn validate<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: MeetingInput,
) -> Result<NewMeeting> {
    let title = text("title", Some(input.title), MAX_TITLE)?.ok_or_else(|| {
        Error::validation(
            "title",
            "Hãy nhập nội dung cuộc họp.",
            "The title is required.",
        )
    })?;
    let tz = parse_zone("time_zone", input.time_zone.as_deref())?;
    let starts_at = parse_time("starts_at", &input.starts_at, tz)?;
    let ends_at = parse_time("ends_at", &input.ends_at, tz)?;
    check_span(starts_at, ends_at)?;

    let requesting_agency_id = match (actor.office, actor.agency_id, input.requesting_agency_id) {
        (true, _, Some(a)) => a,
        (true, Some(own), None) => own,
        (true, None, None) => {
            return Err(Error::validation(
                "requesting_agency_id",
                "Hãy chọn đơn vị đăng ký.",
                "Choose the requesting agency.",
            ))
        }
        (false, Some(own), Some(a)) if a != own => {
            return Err(Error::validation(
                "requesting_agency_id",
                "Chỉ được đăng ký cho đơn vị của mình.",
                "You may only register for your own agency.",
            ))
        }
        (false, Some(own), _) => own,
        (false, None, _) => {
            return Err(Error::validation(
                "requesting_agency_id",
                "Tài khoản chưa gắn với đơn vị nào.",
                "Your account has no agency.",
            ))
        }
    };
    // The actor's own agency exists (the account's foreign key says so): no statement for it.
    if actor.agency_id != Some(requesting_agency_id) {
        must_exist::<_, agency::Entity>(db, "requesting_agency_id", requesting_agency_id).await?;
    }
    if let Some(id) = input.chair_id {
        let p = must_exist::<_, person::Entity>(db, "chair_id", id).await?;
        if !p.is_leader || !p.active {
            return Err(Error::validation(
                "chair_id",
                "Người chủ trì phải là lãnh đạo đang công tác.",
                "The chair must be an active leader.",
            ));
        }
    }
    if let Some(id) = input.room_id {
        let r = must_exist::<_, room::Entity>(db, "room_id", id).await?;
        if !r.bookable {
            return Err(Error::validation(
                "room_id",
                format!("Phòng «{}» không nhận đăng ký.", r.name),
                format!("Room {:?} cannot be booked.", r.name),
            ));
        }
    }
    let location = text("location", input.location, MAX_TITLE)?;
    if let Some(id) = input.preparing_agency_id {
        must_exist::<_, agency::Entity>(db, "preparing_agency_id", id).await?;
    }
    if let Some(n) = input.expected_attendance {
        if !(1..=5000).contains(&n) {
            return Err(Error::validation(
                "expected_attendance",
                "Số người dự phải từ 1 đến 5000.",
                "Expected attendance must be between 1 and 5000.",
            ));
        }
    }
    let online_link = text("online_link", input.online_link, 1000)?;
    if let Some(link) = &online_link {
        if !(link.starts_with("https://") || link.starts_with("http://")) {
            return Err(Error::validation(
                "online_link",
                "Đường dẫn họp trực tuyến phải bắt đầu bằng https://.",
                "The online link must start with https://.",
            ));
        }
    }
    let mut attendees = Vec::new();
    for (i, a) in input.attendees.into_iter().enumerate() {
        let who = match (a.person_id, a.agency_id) {
            (Some(p), None) => {
                must_exist::<_, person::Entity>(db, &format!("attendees[{i}].person_id"), p)
                    .await?;
                Invitee::Person(p)
            }
            (None, Some(g)) => {
                must_exist::<_, agency::Entity>(db, &format!("attendees[{i}].agency_id"), g)
                    .await?;
                Invitee::Agency(g)
            }
            _ => {
                return Err(Error::validation(
                    &format!("attendees[{i}]"),
                    "Mỗi thành phần là một người (person_id) hoặc một đơn vị (agency_id).",
                    "Each attendee is a person (person_id) or an agency (agency_id).",
                ))
            }
        };
        let duplicate = attendees
            .iter()
            .any(|x: &NewAttendee| match (&x.who, &who) {
                (Invitee::Person(a), Invitee::Person(b))
                | (Invitee::Agency(a), Invitee::Agency(b)) => a == b,
                _ => false,
            });
        if !duplicate {
            attendees.push(NewAttendee { who, role: a.role });
        }
    }
    if let Some(c) = input.chair_id {
        let listed = attendees
            .iter()
            .any(|a| matches!(a.who, Invitee::Person(p) if p == c));
        if !listed {
            attendees.push(NewAttendee {
                who: Invitee::Person(c),
                role: AttendeeRole::Chair,
            });
        }
    }
    let equipment_ids = equipment_by_code(db, &input.equipment).await?;
    let rrule = text("rrule", input.rrule, 500)?;
    // Expands once here so a bad rule is refused before anything is written.
    crate::domain::recurrence::expand(
        tz,
        starts_at,
        ends_at - starts_at,
        rrule.as_deref(),
        &input.exdates,
    )?;

    Ok(NewMeeting {
        uid: None,
        title,
        agenda: text("agenda", input.agenda, MAX_TEXT)?,
        requesting_agency_id,
        created_by: actor.account_id,
        kind: input.kind.unwrap_or(MeetingKind::Hop),
        chair_id: input.chair_id,
        room_id: input.room_id,
        location,
        starts_at,
        ends_at,
        time_zone: tz.name().to_string(),
        status: if input.submit {
            MeetingStatus::Pending
        } else {
            MeetingStatus::Draft
        },
        visibility: input.visibility.unwrap_or(Visibility::Internal),
        online_link,
        expected_attendance: input.expected_attendance,
        preparation: text("preparation", input.preparation, MAX_TEXT)?,
        needs_interpreter: input.needs_interpreter,
        // The registering agency usually prepares its meeting ("Sở … chuẩn bị nội dung").
        preparing_agency_id: input.preparing_agency_id.or(Some(requesting_agency_id)),
        follower_id: None,
        note: text("note", input.note, MAX_TITLE)?,
        attendees,
        equipment_ids,
        rrule,
        exdates: input.exdates,
    })
}

/// Registers a request (draft, or pending when `submit`).
pub async fn create(db: &Db, actor: &Actor, input: MeetingInput) -> Result<meeting::Model> {
    let new = validate(&db.conn, actor, input).await?;
    let submitted = new.status == MeetingStatus::Pending;
    let then = submitted.then_some((actor.account_id, "submit", MeetingStatus::Draft));
    // A pending request holds no booking: no exclusion check to wait on, nothing to retry.
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let saved = meetings::insert_then(&txn, new, then).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The meeting if `actor` may see it; another agency's request answers 404, not 403, so that
/// its existence does not leak.
pub async fn get(db: &Db, actor: &Actor, id: i32) -> Result<meeting::Model> {
    match meeting::Entity::find_by_id(id).one(&db.conn).await? {
        Some(m) if actor.may_see(&m) => Ok(m),
        _ => Err(Error::not_found("cuộc họp", "Meeting")),
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
        Error::PreconditionRequired(crate::error::Msg::new(
            "Thiếu tiêu đề If-Match (phiên bản bạn đang sửa, lấy từ ETag).",
            "If-Match is required (the version you edit, from the ETag).",
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
        .ok_or_else(|| Error::not_found("cuộc họp", "Meeting"))?;
    sync_occurrences(&txn, &saved, true).await?;
    replace_attendees_and_equipment(&txn, id, &new).await?;
    record_event(
        &txn,
        id,
        Some(actor.account_id),
        "edit",
        Some(current.status),
        Some(status),
        None,
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
    }
    txn.commit().await?;
    Ok(saved)
}

/// Refuses to edit a request in a state that does not allow it (decided, withdrawn…).
pub fn must_be_editable(m: &meeting::Model) -> Result<()> {
    if !workflow::editable(m.status) {
        return Err(Error::conflict(
            "not_editable",
            format!(
                "Không thể sửa đăng ký ở trạng thái «{}».",
                workflow::status_label_vi(m.status)
            ),
            format!("A request that is {} cannot be edited.", m.status),
        ));
    }
    Ok(())
}

fn stale(expected: i32, current: i32) -> Error {
    Error::PreconditionFailed(crate::error::Msg::new(
        format!("Đăng ký đã được người khác sửa (phiên bản {current}, bạn sửa từ phiên bản {expected}); hãy tải lại."),
        format!("The request was changed meanwhile (version {current}, yours was {expected}); reload it."),
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

/// The outcome of a decision: the meeting as it now is, and the pending requests it collides with.
#[derive(Debug, Serialize)]
pub struct Decision {
    pub meeting: meeting::Model,
    pub collisions: Vec<Collision>,
}

/// Applies one transition of the state machine, with its audit entry, in one transaction.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i32,
    action: Action,
    input: DecisionInput,
) -> Result<Decision> {
    let current = get(db, actor, id).await?;
    let target = workflow::next_status(current.status, action)?;
    let reason = text("reason", input.reason, MAX_TEXT)?;
    if action.needs_reason() && reason.is_none() {
        return Err(Error::validation(
            "reason",
            "Hãy nêu lý do.",
            "A reason is required.",
        ));
    }
    // An agency may withdraw its request at any time before the meeting starts.
    if action == Action::Withdraw && current.starts_at <= clock::now() {
        return Err(Error::conflict(
            "already_started",
            "Cuộc họp đã bắt đầu, không thể rút đăng ký.",
            "The meeting has already started; it can no longer be withdrawn.",
        ));
    }
    let room_id = match input.room_id {
        Some(r) => {
            let room = must_exist::<_, room::Entity>(&db.conn, "room_id", r).await?;
            if !room.bookable {
                return Err(Error::validation(
                    "room_id",
                    format!("Phòng «{}» không nhận đăng ký.", room.name),
                    format!("Room {:?} cannot be booked.", room.name),
                ));
            }
            Some(r)
        }
        None => current.room_id,
    };
    if action == Action::Approve && room_id.is_none() && current.location.is_none() {
        return Err(Error::validation(
            "room_id",
            "Hãy chọn phòng họp (hoặc đơn vị ghi địa điểm bên ngoài) trước khi duyệt.",
            "Assign a room (or the request must name an outside place) before approving.",
        ));
    }
    let tz = meetings::zone_of(&current);
    let (starts_at, ends_at) = if action == Action::Reschedule {
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
        if s.is_none() && e.is_none() && input.room_id.is_none() {
            return Err(Error::validation(
                "starts_at",
                "Hãy nêu giờ mới hoặc phòng mới.",
                "Give a new time or a new room.",
            ));
        }
        let s = s.unwrap_or(current.starts_at);
        let e = e.unwrap_or(s + (current.ends_at - current.starts_at));
        check_span(s, e)?;
        (s, e)
    } else {
        (current.starts_at, current.ends_at)
    };

    let now = clock::now();
    let bump = matches!(
        action,
        Action::Approve | Action::Reschedule | Action::Cancel | Action::Withdraw | Action::Reject
    );
    let actor_id = actor.account_id;
    let attempt = || async {
        let reason = reason.clone();
        let txn = db.begin_write().await?;
        // Compare-and-set on the status: of two concurrent decisions on one request, one applies.
        let mut update = meeting::Entity::update_many()
            .col_expr(meeting::Column::Status, Expr::value(target.code()))
            .col_expr(meeting::Column::RoomId, Expr::value(room_id))
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
        if action == Action::Submit {
            update = update.col_expr(meeting::Column::SubmittedAt, Expr::value(now));
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
        // The rows are read once: what they were (for the adjustments) and, from what the sync
        // wrote, what they are (for the adjustments and the collisions).
        let existing = meetings::occurrences_of(&txn, id).await?;
        let before: Vec<_> = existing.iter().map(|o| (o.starts_at, o.status)).collect();
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
        if current.status == MeetingStatus::Approved || target == MeetingStatus::Approved {
            let mut touched = before;
            touched.extend(after.iter().map(|o| (o.starts_at, o.status)));
            let note = format!(
                "{} cuộc họp #{} «{}»",
                action.label_vi(),
                saved.id,
                saved.title
            );
            crate::domain::publication::record_adjustments(&txn, actor_id, &touched, &note).await?;
        }
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
                    Some(format!(
                        "Trùng {} với cuộc họp đã duyệt #{} «{}»",
                        if c.on == "room" {
                            "phòng họp"
                        } else {
                            "người chủ trì"
                        },
                        saved.id,
                        saved.title
                    )),
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
    db.write(attempt).await
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
        msg: crate::error::Msg::new(vi, en),
        dates,
    }
}

/// Other meetings in `statuses` whose occurrences overlap `m`'s in the same room or with the
/// same chair.
pub async fn collisions_of<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    statuses: &[MeetingStatus],
) -> Result<Vec<Collision>> {
    let mine = meetings::occurrences_of(db, m.id).await?;
    collisions_among(db, m, &mine, statuses).await
}

/// [`collisions_of`] over rows of `m` the caller holds already (cancelled ones are skipped).
pub async fn collisions_among<C: ConnectionTrait>(
    db: &C,
    m: &meeting::Model,
    mine: &[occurrence::Model],
    statuses: &[MeetingStatus],
) -> Result<Vec<Collision>> {
    let mut found: Vec<Collision> = Vec::new();
    for o in mine.iter().filter(|o| o.status != MeetingStatus::Cancelled) {
        collisions_at(db, m.id, o, statuses, &mut found).await?;
    }
    Ok(found)
}

/// Adds to `found` the meetings (other than `own`) in `statuses` whose occurrences overlap the
/// slot `o` in its room or with its chair.
pub async fn collisions_at<C: ConnectionTrait>(
    db: &C,
    own: i32,
    o: &occurrence::Model,
    statuses: &[MeetingStatus],
    found: &mut Vec<Collision>,
) -> Result<()> {
    for (on, col, value) in [
        ("room", occurrence::Column::RoomId, o.room_id),
        ("chair", occurrence::Column::ChairId, o.chair_id),
    ] {
        let Some(value) = value else { continue };
        let others = occurrence::Entity::find()
            .filter(col.eq(value))
            .filter(occurrence::Column::MeetingId.ne(own))
            .filter(occurrence::Column::Status.is_in(statuses.iter().copied()))
            .filter(occurrence::Column::StartsAt.lt(o.ends_at))
            .filter(occurrence::Column::EndsAt.gt(o.starts_at))
            // No occurrence lasts longer than MAX_DAYS: this bound keeps the index scan short.
            .filter(occurrence::Column::StartsAt.gt(o.starts_at - Duration::days(MAX_DAYS + 1)))
            .select_only()
            .column(occurrence::Column::MeetingId)
            .into_tuple::<i32>()
            .all(db)
            .await?;
        let day = clock::office_date(o.starts_at);
        for other in others {
            if let Some(c) = found
                .iter_mut()
                .find(|c| c.meeting_id == other && c.on == on)
            {
                if !c.dates.contains(&day) {
                    c.dates.push(day);
                }
                continue;
            }
            if let Some(om) = meeting::Entity::find_by_id(other).one(db).await? {
                found.push(Collision {
                    meeting_id: om.id,
                    title: om.title,
                    status: om.status,
                    on,
                    dates: vec![day],
                });
            }
        }
    }
    Ok(())
}

/// Occurrences in a period the actor may see (every agency's for the office), by start: what
/// calendars by room and by leader read.
pub async fn occurrences_between(
    db: &Db,
    actor: &Actor,
    f: &MeetingFilter,
) -> Result<Vec<occurrence::Model>> {
    let (Some(from), Some(to)) = (f.from, f.to) else {
        return Err(Error::validation(
            "from",
            "Hãy nêu khoảng thời gian (from, to).",
            "Give the period (from, to).",
        ));
    };
    if to - from > Duration::days(366) {
        return Err(Error::validation(
            "to",
            "Khoảng thời gian tối đa là một năm.",
            "The period is at most one year.",
        ));
    }
    let mut q = occurrence::Entity::find()
        .filter(occurrence::Column::StartsAt.lt(to))
        .filter(occurrence::Column::EndsAt.gt(from))
        .filter(occurrence::Column::StartsAt.gt(from - Duration::days(MAX_DAYS + 1)));
    if let Some(r) = f.room_id {
        q = q.filter(occurrence::Column::RoomId.eq(r));
    }
    if let Some(c) = f.chair_id {
        q = q.filter(occurrence::Column::ChairId.eq(c));
    }
    if let Some(s) = f.status {
        q = q.filter(occurrence::Column::Status.eq(s));
    }
    let agency = if actor.office {
        f.agency_id
    } else {
        Some(actor.agency_id.unwrap_or(-1))
    };
    if let Some(a) = agency {
        q = q.filter(
            occurrence::Column::MeetingId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(meeting::Column::Id)
                    .from(meeting::Entity)
                    .and_where(meeting::Column::RequestingAgencyId.eq(a))
                    .to_owned(),
            ),
        );
    }
    Ok(q.order_by_asc(occurrence::Column::StartsAt)
        .limit(5000)
        .all(&db.conn)
        .await?)
}

/// Filters of the meeting list.
#[derive(Debug, Default, Clone)]
pub struct MeetingFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub agency_id: Option<i32>,
    pub room_id: Option<i32>,
    pub chair_id: Option<i32>,
    pub status: Option<MeetingStatus>,
    pub page: u64,
    pub per_page: u64,
}

/// One page of meetings the actor may see, by start time, and the total count.
pub async fn list(db: &Db, actor: &Actor, f: &MeetingFilter) -> Result<(Vec<meeting::Model>, u64)> {
    let mut q = meeting::Entity::find();
    if !actor.office {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(actor.agency_id.unwrap_or(-1)));
    }
    if let Some(a) = f.agency_id {
        q = q.filter(meeting::Column::RequestingAgencyId.eq(a));
    }
    if let Some(r) = f.room_id {
        q = q.filter(meeting::Column::RoomId.eq(r));
    }
    if let Some(c) = f.chair_id {
        q = q.filter(meeting::Column::ChairId.eq(c));
    }
    if let Some(s) = f.status {
        q = q.filter(meeting::Column::Status.eq(s));
    }
    if let Some(from) = f.from {
        // A series may start before `from` and still have occurrences after it.
        q = q.filter(
            meeting::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(occurrence::Column::MeetingId)
                    .from(occurrence::Entity)
                    .and_where(occurrence::Column::EndsAt.gt(from))
                    .to_owned(),
            ),
        );
    }
    if let Some(to) = f.to {
        q = q.filter(meeting::Column::StartsAt.lt(to));
    }
    let per_page = f.per_page.clamp(1, 200);
    let paginator = q
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .paginate(&db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(f.page).await?;
    Ok((items, total))
}

/// The audit trail of a meeting, oldest first.
pub async fn history(db: &Db, actor: &Actor, id: i32) -> Result<Vec<meeting_event::Model>> {
    get(db, actor, id).await?;
    Ok(meeting_event::Entity::find()
        .filter(meeting_event::Column::MeetingId.eq(id))
        .order_by_asc(meeting_event::Column::Id)
        .all(&db.conn)
        .await?)
}

pub async fn occurrences(db: &Db, actor: &Actor, id: i32) -> Result<Vec<occurrence::Model>> {
    get(db, actor, id).await?;
    Ok(occurrence::Entity::find()
        .filter(occurrence::Column::MeetingId.eq(id))
        .order_by_asc(occurrence::Column::StartsAt)
        .all(&db.conn)
        .await?)
}

/// What approving would do, before anyone confirms it: approved meetings it cannot coexist
/// with, and pending requests it would collide with.
pub async fn approval_preview(db: &Db, actor: &Actor, id: i32) -> Result<Vec<Collision>> {
    let m = get(db, actor, id).await?;
    collisions_of(
        &db.conn,
        &m,
        &[
            MeetingStatus::Approved,
            MeetingStatus::Pending,
            MeetingStatus::Reviewed,
        ],
    )
    .await
}
