//! `/api/v1/meetings`: registering requests, following them, and the office's decisions.

use crate::api::json::JsonBody;
use crate::api::types::{all, Decision, Meeting, MeetingEvent, Occurrence};
use crate::auth::{AgencyClerk, Caller, Decider, OfficeStaff};
use crate::db::Db;
use crate::domain::registration::{
    self, Actor, Collision, DecisionInput, MeetingFilter, MeetingInput,
};
use crate::domain::series::{self, OccurrenceChange};
use crate::domain::workflow::Action;
use crate::error::Error;
pub use crate::http::parse_date;
use crate::Result;
use entity::MeetingStatus;
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, patch, post, put};
use serde::{Deserialize, Serialize};

impl From<&Caller> for Actor {
    fn from(c: &Caller) -> Self {
        Actor {
            account_id: c.id(),
            agency_id: c.account.agency_id,
            office: c.is_office(),
        }
    }
}

/// A meeting with its version as ETag (for If-Match on the next change).
#[derive(rocket::Responder)]
pub struct Versioned<T> {
    body: Json<T>,
    etag: Header<'static>,
}

impl Versioned<Meeting> {
    fn of(m: entity::meeting::Model) -> Self {
        let m = Meeting::from(m);
        let etag = Header::new("ETag", format!("\"{}\"", m.version));
        Versioned {
            body: Json(m),
            etag,
        }
    }
}

/// The version an `If-Match` header names; required on changes to a request's content.
pub struct IfMatch(pub Option<i32>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfMatch {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let v = req.headers().get_one("If-Match").and_then(|h| {
            h.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .parse::<i32>()
                .ok()
        });
        Outcome::Success(IfMatch(v))
    }
}

/// Far beyond any real list; keeps the SQL offset from overflowing.
const MAX_PAGE: u64 = 1_000_000;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

fn parse_status(status: Option<&str>) -> Result<Option<MeetingStatus>> {
    match status.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => MeetingStatus::from_code(s).map(Some).ok_or_else(|| {
            Error::invalid_with("status", "msg.meetings.unknown_status", &[("status", s)])
        }),
    }
}

/// A required `YYYY-MM-DD` path or body value.
fn parse_day(field: &str, v: &str) -> Result<chrono::NaiveDate> {
    parse_date(field, Some(v))?
        .ok_or_else(|| Error::invalid(field, "msg.meetings.a_date_is_required"))
}

fn parse_date_param(
    field: &str,
    v: Option<&str>,
    end_of_day: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(date) = parse_date(field, v)? else {
        return Ok(None);
    };
    let date = if end_of_day {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(crate::domain::clock::local_to_utc(
        crate::domain::clock::OFFICE_TZ,
        local,
    ))
}

#[allow(clippy::too_many_arguments)]
#[utoipa::path(tag = "meetings", responses((status = 200, description = "list meetings", body = Page<Meeting>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings?<from>&<to>&<agency_id>&<room_id>&<chair_id>&<status>&<page>&<per_page>")]
pub async fn list(
    caller: Caller,
    db: &State<Db>,
    from: Option<&str>,
    to: Option<&str>,
    agency_id: Option<i32>,
    room_id: Option<i32>,
    chair_id: Option<i32>,
    status: Option<&str>,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Json<Page<Meeting>>> {
    let status = parse_status(status)?;
    let filter = MeetingFilter {
        from: parse_date_param("from", from, false)?,
        to: parse_date_param("to", to, true)?,
        agency_id,
        room_id,
        chair_id,
        status,
        page: match page.unwrap_or(0) {
            p if p <= MAX_PAGE => p,
            _ => {
                return Err(Error::invalid_with(
                    "page",
                    "msg.meetings.page_at_most",
                    &[("max", &MAX_PAGE.to_string())],
                ))
            }
        },
        per_page: per_page.unwrap_or(50).clamp(1, 200),
    };
    let (items, total) = registration::list(db, &Actor::from(&caller), &filter).await?;
    Ok(Json(Page {
        items: all(items),
        total,
        page: filter.page,
        per_page: filter.per_page,
    }))
}

#[utoipa::path(request_body = MeetingInput, tag = "meetings", responses((status = 201, description = "register a request", body = Meeting), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings", data = "<body>")]
pub async fn create(
    caller: Caller,
    db: &State<Db>,
    body: JsonBody<MeetingInput>,
) -> Result<(Status, Versioned<Meeting>)> {
    let m = registration::create(db, &Actor::from(&caller), body.0).await?;
    Ok((Status::Created, Versioned::of(m)))
}

#[utoipa::path(tag = "meetings", responses((status = 200, description = "one request", body = Meeting), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings/<id>")]
pub async fn get(caller: Caller, db: &State<Db>, id: i32) -> Result<Versioned<Meeting>> {
    // registration::get lets only those who may see the attendees (office, requesting agency).
    let m = registration::get(db, &Actor::from(&caller), id).await?;
    let answers = crate::domain::answers::of_meeting(&db.conn, m.id).await?;
    let mut found = Versioned::of(m);
    found.body.0.answers = Some(crate::api::types::MeetingAnswers::of(answers));
    Ok(found)
}

#[utoipa::path(request_body = MeetingInput, tag = "meetings", responses((status = 200, description = "edit a request (If-Match)", body = Meeting), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[patch("/api/v1/meetings/<id>", data = "<body>")]
pub async fn update(
    caller: Caller,
    db: &State<Db>,
    id: i32,
    if_match: IfMatch,
    body: JsonBody<MeetingInput>,
) -> Result<Versioned<Meeting>> {
    Ok(Versioned::of(
        registration::update(db, &Actor::from(&caller), id, if_match.0, body.0).await?,
    ))
}

#[utoipa::path(tag = "meetings", responses((status = 200, description = "audit trail", body = Vec<MeetingEvent>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings/<id>/events")]
pub async fn events(caller: Caller, db: &State<Db>, id: i32) -> Result<Json<Vec<MeetingEvent>>> {
    Ok(Json(all(registration::history(
        db,
        &Actor::from(&caller),
        id,
    )
    .await?)))
}

#[utoipa::path(tag = "meetings", responses((status = 200, description = "occurrences", body = Vec<Occurrence>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings/<id>/occurrences")]
pub async fn occurrences(caller: Caller, db: &State<Db>, id: i32) -> Result<Json<Vec<Occurrence>>> {
    Ok(Json(all(registration::occurrences(
        db,
        &Actor::from(&caller),
        id,
    )
    .await?)))
}

/// What approving would collide with, shown before the decision is confirmed.
#[utoipa::path(tag = "meetings", responses((status = 200, description = "collisions before approving", body = Vec<Collision>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings/<id>/approval-preview")]
pub async fn approval_preview(
    by: OfficeStaff,
    db: &State<Db>,
    id: i32,
) -> Result<Json<Vec<Collision>>> {
    Ok(Json(
        registration::approval_preview(db, &Actor::from(&by.0), id).await?,
    ))
}

async fn decide(
    caller: &Caller,
    db: &Db,
    id: i32,
    action: Action,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    Ok(Json(
        registration::decide(db, &Actor::from(caller), id, action, body.0)
            .await?
            .into(),
    ))
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "submit", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/submit", data = "<body>")]
pub async fn submit(
    caller: Caller,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&caller, db, id, Action::Submit, body).await
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "withdraw", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/withdraw", data = "<body>")]
pub async fn withdraw(
    by: AgencyClerk,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Withdraw, body).await
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "review", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/review", data = "<body>")]
pub async fn review(
    by: OfficeStaff,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Review, body).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowerInput {
    /// The person who follows the meeting (LĐVP theo dõi); null clears it.
    pub follower_id: Option<i32>,
}

/// "LĐVP theo dõi", named by office staff while reviewing.
#[utoipa::path(request_body = FollowerInput, tag = "meetings", responses((status = 200, description = "who follows the meeting", body = Meeting), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[put("/api/v1/meetings/<id>/follower", data = "<body>")]
pub async fn follower(
    by: OfficeStaff,
    db: &State<Db>,
    id: i32,
    body: JsonBody<FollowerInput>,
) -> Result<Json<Meeting>> {
    let saved = crate::domain::follower::set(db, by.0.id(), id, body.0.follower_id).await?;
    Ok(Json(saved.into()))
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "return for changes", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/return", data = "<body>")]
pub async fn return_for_changes(
    by: OfficeStaff,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Return, body).await
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "approve", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/approve", data = "<body>")]
pub async fn approve(
    by: Decider,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Approve, body).await
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "reject", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/reject", data = "<body>")]
pub async fn reject(
    by: Decider,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Reject, body).await
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "reschedule", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/reschedule", data = "<body>")]
pub async fn reschedule(
    by: Decider,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Reschedule, body).await
}

#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "cancel", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/cancel", data = "<body>")]
pub async fn cancel(
    by: Decider,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Cancel, body).await
}

/// Tạm hoãn: the meeting is put off; its room and chair are free until it is rescheduled.
#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "postpone", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/postpone", data = "<body>")]
pub async fn postpone(
    by: Decider,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::Postpone, body).await
}

/// Another leader (`chair_id`) chairs in the chair's place.
#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "change of chair", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/change-chair", data = "<body>")]
pub async fn change_chair(
    by: Decider,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::ChangeChair, body).await
}

/// The agency takes the time the office proposed with its return and sends the request again.
#[utoipa::path(request_body = DecisionInput, tag = "meetings", responses((status = 200, description = "accept the proposed time", body = Decision), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/accept-proposal", data = "<body>")]
pub async fn accept_proposal(
    by: AgencyClerk,
    db: &State<Db>,
    id: i32,
    body: JsonBody<DecisionInput>,
) -> Result<Json<Decision>> {
    decide(&by.0, db, id, Action::AcceptProposal, body).await
}

/// Cancels one occurrence of a series (the others stay).
#[utoipa::path(request_body = OccurrenceChange, tag = "meetings", responses((status = 200, description = "cancel one occurrence", body = Occurrence), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/occurrences/<date>/cancel", data = "<body>")]
pub async fn cancel_occurrence(
    by: Decider,
    db: &State<Db>,
    id: i32,
    date: &str,
    body: JsonBody<OccurrenceChange>,
) -> Result<Json<Occurrence>> {
    let date = parse_day("date", date)?;
    Ok(Json(
        series::cancel_occurrence(db, &Actor::from(&by.0), id, date, body.0)
            .await?
            .into(),
    ))
}

/// Moves one occurrence of a series to another time or room.
#[utoipa::path(request_body = OccurrenceChange, tag = "meetings", responses((status = 200, description = "move one occurrence", body = Occurrence), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/occurrences/<date>/reschedule", data = "<body>")]
pub async fn reschedule_occurrence(
    by: Decider,
    db: &State<Db>,
    id: i32,
    date: &str,
    body: JsonBody<OccurrenceChange>,
) -> Result<Json<Occurrence>> {
    let date = parse_day("date", date)?;
    Ok(Json(
        series::reschedule_occurrence(db, &Actor::from(&by.0), id, date, body.0)
            .await?
            .into(),
    ))
}

/// "This and following": splits the series at the occurrence of `date` and moves that
/// occurrence and the later ones (new time and/or room, with a reason), in one transaction; the
/// answer is the new tail meeting.
#[utoipa::path(request_body = OccurrenceChange, tag = "meetings", responses((status = 200, description = "move this and the following occurrences", body = Meeting), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post(
    "/api/v1/meetings/<id>/occurrences/<date>/reschedule-following",
    data = "<body>"
)]
pub async fn reschedule_following(
    by: Decider,
    db: &State<Db>,
    id: i32,
    date: &str,
    body: JsonBody<OccurrenceChange>,
) -> Result<Versioned<Meeting>> {
    let date = parse_day("date", date)?;
    let tail = series::reschedule_following(db, &Actor::from(&by.0), id, date, body.0).await?;
    Ok(Versioned::of(tail))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitInput {
    pub from: String,
}

/// "This and following occurrences": splits the series; the answer is the new tail meeting.
#[utoipa::path(request_body = SplitInput, tag = "meetings", responses((status = 201, description = "split a series", body = Meeting), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/split", data = "<body>")]
pub async fn split(
    caller: Caller,
    db: &State<Db>,
    id: i32,
    body: JsonBody<SplitInput>,
) -> Result<(Status, Versioned<Meeting>)> {
    let from = parse_day("from", &body.0.from)?;
    let tail = series::split(db, &Actor::from(&caller), id, from).await?;
    Ok((Status::Created, Versioned::of(tail)))
}

/// Occurrences in a period (at most a year), for calendars by room and by leader.
#[utoipa::path(tag = "meetings", responses((status = 200, description = "occurrences by start", body = Vec<Occurrence>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/occurrences?<from>&<to>&<agency_id>&<room_id>&<chair_id>&<status>")]
#[allow(clippy::too_many_arguments)]
pub async fn occurrences_between(
    caller: Caller,
    db: &State<Db>,
    from: Option<&str>,
    to: Option<&str>,
    agency_id: Option<i32>,
    room_id: Option<i32>,
    chair_id: Option<i32>,
    status: Option<&str>,
) -> Result<Json<Vec<Occurrence>>> {
    let filter = MeetingFilter {
        from: parse_date_param("from", from, false)?,
        to: parse_date_param("to", to, true)?,
        agency_id,
        room_id,
        chair_id,
        status: parse_status(status)?,
        page: 0,
        per_page: 0,
    };
    Ok(Json(all(registration::occurrences_between(
        db,
        &Actor::from(&caller),
        &filter,
    )
    .await?)))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list,
        create,
        get,
        update,
        events,
        occurrences,
        approval_preview,
        submit,
        withdraw,
        review,
        follower,
        return_for_changes,
        approve,
        reject,
        reschedule,
        cancel,
        postpone,
        change_chair,
        accept_proposal,
        cancel_occurrence,
        occurrences_between,
        reschedule_occurrence,
        reschedule_following,
        split
    ]
}
