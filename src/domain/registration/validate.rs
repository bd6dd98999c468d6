//! Checking a request as filled in: lengths, times in the office's zone, the span, the repeat
//! rule, attendees and equipment that exist. The result is a [`NewMeeting`] ready to save.

use super::input::{Actor, MeetingInput};
use crate::domain::clock;
use crate::domain::meetings::{Invitee, NewAttendee, NewMeeting};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use entity::*;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub const MAX_TITLE: usize = 500;

pub const MAX_TEXT: usize = 10_000;

pub const MIN_MINUTES: i64 = 5;

/// Longest single occurrence: a field trip may last several days, nothing longer than a week.
pub const MAX_DAYS: i64 = 7;

pub(super) fn text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(v) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(Error::Validation {
            field: field.to_string(),
            msg: crate::error::Msg::t(
                "msg.validate.too_long_at_most_max_characters",
                &[("max", &max.to_string())],
            ),
        });
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::invalid(
            field,
            "msg.validate.contains_invalid_control_characters",
        ));
    }
    Ok(Some(v))
}

pub fn parse_zone(field: &str, name: Option<&str>) -> Result<Tz> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(clock::OFFICE_TZ),
        Some(n) => n.parse::<Tz>().map_err(|_| {
            Error::invalid_with(field, "msg.registration.unknown_time_zone", &[("zone", n)])
        }),
    }
}

/// "2026-12-07T08:00" (local in `tz`) or RFC 3339 with offset.
pub fn parse_time(field: &str, value: &str, tz: Tz) -> Result<DateTime<Utc>> {
    let v = value.trim();
    let bad = || Error::invalid_with(field, "msg.registration.invalid_time", &[("value", v)]);
    let t = if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        t.with_timezone(&Utc)
    } else {
        let local = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M"))
            .map_err(|_| bad())?;
        clock::local_to_utc(tz, local).ok_or_else(|| {
            Error::invalid_with(
                field,
                "msg.registration.time_in_dst_gap",
                &[("value", v), ("zone", tz.name())],
            )
        })?
    };
    use chrono::Datelike;
    if !(2000..=2100).contains(&t.year()) {
        return Err(Error::invalid(
            field,
            "msg.validate.the_year_must_be_between_2000",
        ));
    }
    Ok(clock::whole_seconds(t))
}

pub(crate) fn check_span(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<()> {
    if ends_at <= starts_at {
        return Err(Error::invalid(
            "ends_at",
            "msg.validate.the_end_must_be_after_the",
        ));
    }
    if ends_at - starts_at < Duration::minutes(MIN_MINUTES) {
        return Err(Error::invalid_with(
            "ends_at",
            "msg.registration.a_meeting_lasts_at_least",
            &[("minutes", &MIN_MINUTES.to_string())],
        ));
    }
    if ends_at - starts_at > Duration::days(MAX_DAYS) {
        return Err(Error::invalid_with(
            "ends_at",
            "msg.registration.one_occurrence_lasts_at_most",
            &[("days", &MAX_DAYS.to_string())],
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
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Validation {
            field: field.to_string(),
            msg: crate::error::Msg::t("msg.validate.no_such_record_id", &[("id", &id.to_string())]),
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
                Error::invalid_with(
                    &format!("equipment[{i}]"),
                    "msg.registration.unknown_equipment",
                    &[("code", code)],
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
    let title = text("title", Some(input.title), MAX_TITLE)?
        .ok_or_else(|| Error::invalid("title", "msg.validate.the_title_is_required"))?;
    let tz = parse_zone("time_zone", input.time_zone.as_deref())?;
    let starts_at = parse_time("starts_at", &input.starts_at, tz)?;
    let ends_at = parse_time("ends_at", &input.ends_at, tz)?;
    check_span(starts_at, ends_at)?;
    // An agency registers meetings to come; the office alone records one already held, and
    // says why.
    let past = starts_at < clock::now();
    if !actor.office && past {
        return Err(Error::invalid(
            "starts_at",
            "msg.registration.a_meeting_cannot_start_in_the_past",
        ));
    }
    let reason = match text("past_reason", input.past_reason, MAX_TEXT)? {
        Some(r) if past => Some(r),
        None if past => {
            return Err(Error::invalid(
                "past_reason",
                "msg.registration.a_past_meeting_needs_a_reason",
            ))
        }
        _ => None,
    };

    let requesting_agency_id = match (actor.office, actor.agency_id, input.requesting_agency_id) {
        (true, _, Some(a)) => a,
        (true, Some(own), None) => own,
        (true, None, None) => {
            return Err(Error::invalid(
                "requesting_agency_id",
                "msg.validate.choose_the_requesting_agency",
            ))
        }
        (false, Some(own), Some(a)) if a != own => {
            return Err(Error::invalid(
                "requesting_agency_id",
                "msg.validate.you_may_only_register_for_your",
            ))
        }
        (false, Some(own), _) => own,
        (false, None, _) => {
            return Err(Error::invalid(
                "requesting_agency_id",
                "msg.validate.your_account_has_no_agency",
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
            return Err(Error::invalid(
                "chair_id",
                "msg.validate.the_chair_must_be_an_active",
            ));
        }
    }
    if let Some(id) = input.room_id {
        let r = must_exist::<_, room::Entity>(db, "room_id", id).await?;
        if !r.bookable {
            return Err(Error::invalid_with(
                "room_id",
                "msg.registration.room_not_bookable",
                &[("room", &r.name)],
            ));
        }
    }
    let location = text("location", input.location, MAX_TITLE)?;
    if let Some(id) = input.preparing_agency_id {
        must_exist::<_, agency::Entity>(db, "preparing_agency_id", id).await?;
    }
    if let Some(n) = input.expected_attendance {
        if !(1..=5000).contains(&n) {
            return Err(Error::invalid(
                "expected_attendance",
                "msg.validate.expected_attendance_must_be_between_1",
            ));
        }
    }
    let online_link = text("online_link", input.online_link, 1000)?;
    if let Some(link) = &online_link {
        if !(link.starts_with("https://") || link.starts_with("http://")) {
            return Err(Error::invalid(
                "online_link",
                "msg.validate.the_online_link_must_start_with",
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
                return Err(Error::invalid(
                    &format!("attendees[{i}]"),
                    "msg.registration.each_attendee_is_a_person_or",
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
        other_attendees: text("other_attendees", input.other_attendees, MAX_TITLE)?,
        note: text("note", input.note, MAX_TITLE)?,
        attendees,
        equipment_ids,
        rrule,
        exdates: input.exdates,
        reason,
    })
}
