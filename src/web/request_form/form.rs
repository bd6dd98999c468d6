//! The form's fields as posted (`RequestForm`), where it is sent (`Target`), and how the fields
//! become the domain's `MeetingInput`, each bad value naming its field.

use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::domain::registration::{AttendeeInput, MeetingInput};
use crate::error::Error;
use crate::web::page::encode_component;
use crate::web::repeat::{self, Repeat};
use crate::Result;
use chrono::{NaiveDate, NaiveTime};
use entity::*;
use rocket::FromForm;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

#[derive(FromForm, Default, Clone, Debug)]
pub struct RequestForm {
    #[field(default = String::new())]
    pub title: String,
    #[field(default = String::new())]
    pub kind: String,
    #[field(default = String::new())]
    pub chair_id: String,
    #[field(default = String::new())]
    pub room_id: String,
    #[field(default = String::new())]
    pub location: String,
    #[field(default = String::new())]
    pub day: String,
    #[field(default = String::new())]
    pub start: String,
    #[field(default = String::new())]
    pub end: String,
    #[field(default = String::new())]
    pub visibility: String,
    #[field(default = Vec::new())]
    pub agencies: Vec<String>,
    #[field(default = Vec::new())]
    pub equipment: Vec<String>,
    #[field(default = String::new())]
    pub expected_attendance: String,
    #[field(default = String::new())]
    pub agenda: String,
    #[field(default = String::new())]
    pub other_attendees: String,
    #[field(default = String::new())]
    pub note: String,
    /// Why the office records a meeting already under way (office only).
    #[field(default = String::new())]
    pub past_reason: String,
    #[field(default = false)]
    pub submit: bool,
    #[field(default = String::new())]
    pub online_link: String,
    #[field(default = String::new())]
    pub preparation: String,
    #[field(default = false)]
    pub needs_interpreter: bool,
    #[field(default = String::new())]
    pub preparing_agency_id: String,
    /// Agencies invited without being required, and persons (leaders, officials) required or not.
    #[field(default = Vec::new())]
    pub agencies_optional: Vec<String>,
    #[field(default = Vec::new())]
    pub persons: Vec<String>,
    #[field(default = Vec::new())]
    pub persons_optional: Vec<String>,
    /// Recurrence (see `crate::web::repeat`): "", daily, weekly, monthly.
    #[field(default = String::new())]
    pub repeat: String,
    #[field(default = String::new())]
    pub interval: String,
    #[field(default = Vec::new())]
    pub byday: Vec<String>,
    #[field(default = String::new())]
    pub count: String,
    #[field(default = String::new())]
    pub until: String,
    #[field(default = String::new())]
    pub exdates: String,
    /// A saved rule the fields cannot express, kept as it is (hidden, shown read-only).
    #[field(default = String::new())]
    pub rrule_kept: String,
    /// The edit form's version (hidden): the save is refused when the request changed since.
    #[field(default = String::new())]
    pub version: String,
    /// The request being edited (hidden), so that the live check leaves it out.
    #[field(default = String::new())]
    pub meeting_id: String,
    /// Which button sent the form: "check", "find", or saving.
    #[field(default = String::new())]
    pub step: String,
    /// Find a time: length in minutes and the range of days searched.
    #[field(default = String::new())]
    pub duration: String,
    #[field(default = String::new())]
    pub find_from: String,
    #[field(default = String::new())]
    pub find_to: String,
    /// What was typed in each picker's filter (without script, "Tìm" sends the form back with
    /// the matches listed; a GET link may carry them too).
    #[field(default = String::new())]
    pub q_agencies: String,
    #[field(default = String::new())]
    pub q_agencies_optional: String,
    #[field(default = String::new())]
    pub q_persons: String,
    #[field(default = String::new())]
    pub q_persons_optional: String,
}

impl RequestForm {
    /// Every value as (name, value) pairs, in the form's order: for links that reopen the form.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = vec![
            ("title", self.title.clone()),
            ("kind", self.kind.clone()),
            ("chair_id", self.chair_id.clone()),
            ("day", self.day.clone()),
            ("start", self.start.clone()),
            ("end", self.end.clone()),
            ("room_id", self.room_id.clone()),
            ("location", self.location.clone()),
        ];
        out.extend(self.agencies.iter().map(|a| ("agencies", a.clone())));
        out.extend(
            self.agencies_optional
                .iter()
                .map(|a| ("agencies_optional", a.clone())),
        );
        out.extend(self.persons.iter().map(|a| ("persons", a.clone())));
        out.extend(
            self.persons_optional
                .iter()
                .map(|a| ("persons_optional", a.clone())),
        );
        out.extend(self.equipment.iter().map(|e| ("equipment", e.clone())));
        out.extend([
            ("expected_attendance", self.expected_attendance.clone()),
            ("agenda", self.agenda.clone()),
            ("other_attendees", self.other_attendees.clone()),
            ("note", self.note.clone()),
            ("past_reason", self.past_reason.clone()),
            ("online_link", self.online_link.clone()),
            ("preparation", self.preparation.clone()),
            (
                "needs_interpreter",
                if self.needs_interpreter { "true" } else { "" }.to_string(),
            ),
            ("preparing_agency_id", self.preparing_agency_id.clone()),
            ("repeat", self.repeat.clone()),
            ("interval", self.interval.clone()),
        ]);
        out.extend(self.byday.iter().map(|d| ("byday", d.clone())));
        out.extend([
            ("count", self.count.clone()),
            ("until", self.until.clone()),
            ("exdates", self.exdates.clone()),
            ("rrule_kept", self.rrule_kept.clone()),
            ("visibility", self.visibility.clone()),
            ("submit", if self.submit { "true" } else { "" }.to_string()),
            ("version", self.version.clone()),
            ("duration", self.duration.clone()),
            ("find_from", self.find_from.clone()),
            ("find_to", self.find_to.clone()),
        ]);
        out
    }

    /// A query string of the non-empty values.
    pub(super) fn query(&self) -> String {
        self.pairs()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The form of a saved request, for its edit page.
    pub(super) async fn of_saved(db: &Db, m: &meeting::Model) -> Result<Self> {
        let attendees = meeting_attendee::Entity::find()
            .filter(meeting_attendee::Column::MeetingId.eq(m.id))
            .all(&db.conn)
            .await?;
        let equipment_ids: Vec<i32> = meeting_equipment::Entity::find()
            .filter(meeting_equipment::Column::MeetingId.eq(m.id))
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|e| e.equipment_id)
            .collect();
        let equipment = equipment::Entity::find()
            .filter(equipment::Column::Id.is_in(equipment_ids))
            .order_by_asc(equipment::Column::Id)
            .all(&db.conn)
            .await?;
        let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&OFFICE_TZ);
        let opt = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
        let of_role = |role: AttendeeRole, agency: bool| -> Vec<String> {
            attendees
                .iter()
                .filter(|a| a.role == role)
                .filter_map(|a| if agency { a.agency_id } else { a.person_id })
                .map(|a| a.to_string())
                .collect()
        };
        let first = local(m.starts_at).date_naive();
        let exdates: Vec<NaiveDate> = serde_json::from_str(&m.exdates).unwrap_or_default();
        let (repeat, rrule_kept) = match m.rrule.as_deref().filter(|r| !r.trim().is_empty()) {
            None => (Repeat::default(), String::new()),
            Some(rule) => match Repeat::of_rule(rule, &exdates, first) {
                Some(r) => (r, String::new()),
                None => (
                    Repeat {
                        exdates: repeat::show_exdates(&exdates, first),
                        ..Default::default()
                    },
                    rule.to_string(),
                ),
            },
        };
        Ok(RequestForm {
            online_link: m.online_link.clone().unwrap_or_default(),
            preparation: m.preparation.clone().unwrap_or_default(),
            needs_interpreter: m.needs_interpreter,
            preparing_agency_id: opt(m.preparing_agency_id),
            agencies_optional: of_role(AttendeeRole::Optional, true),
            persons: of_role(AttendeeRole::Required, false),
            persons_optional: of_role(AttendeeRole::Optional, false),
            repeat: repeat.freq,
            interval: repeat.interval,
            byday: repeat.byday,
            count: repeat.count,
            until: repeat.until,
            exdates: repeat.exdates,
            rrule_kept,
            title: m.title.clone(),
            kind: m.kind.code().to_string(),
            chair_id: opt(m.chair_id),
            room_id: opt(m.room_id),
            location: m.location.clone().unwrap_or_default(),
            day: local(m.starts_at).format("%Y-%m-%d").to_string(),
            start: local(m.starts_at).format("%H:%M").to_string(),
            end: local(m.ends_at).format("%H:%M").to_string(),
            visibility: m.visibility.code().to_string(),
            agencies: of_role(AttendeeRole::Required, true),
            equipment: equipment.into_iter().map(|e| e.code).collect(),
            expected_attendance: opt(m.expected_attendance),
            agenda: m.agenda.clone().unwrap_or_default(),
            other_attendees: m.other_attendees.clone().unwrap_or_default(),
            note: m.note.clone().unwrap_or_default(),
            past_reason: String::new(),
            version: m.version.to_string(),
            meeting_id: m.id.to_string(),
            ..Default::default()
        })
    }
}

/// Where the form posts and its links reopen it.
#[derive(Clone, Copy)]
pub(super) enum Target {
    New,
    Edit(i32),
}

impl Target {
    pub(super) fn path(self) -> String {
        match self {
            Target::New => "/dang-ky/moi".into(),
            Target::Edit(id) => format!("/cuoc-hop/{id}/sua"),
        }
    }

    pub(super) fn action(self) -> String {
        match self {
            Target::New => "/dang-ky".into(),
            Target::Edit(id) => format!("/cuoc-hop/{id}/sua"),
        }
    }

    pub(super) fn title(self) -> &'static str {
        match self {
            Target::New => "request.new",
            Target::Edit(_) => "request_form.edit",
        }
    }

    pub(super) fn meeting_id(self) -> Option<i32> {
        match self {
            Target::New => None,
            Target::Edit(id) => Some(id),
        }
    }
}

/// The domain names its fields; the page names some differently (the time is split in three).
pub(super) fn page_field(e: Error) -> Error {
    match e {
        Error::Validation { field, msg } => Error::Validation {
            field: match field.as_str() {
                "starts_at" => "start".into(),
                "ends_at" => "end".into(),
                "to" => "find_to".into(),
                "from" => "find_from".into(),
                "duration_minutes" => "duration".into(),
                // The rule is built from the recurrence fields; the domain's word goes by them.
                "rrule" => "repeat".into(),
                f if f.starts_with("attendees") => "agencies".into(),
                f if f.starts_with("equipment") => "equipment".into(),
                f => f.into(),
            },
            msg,
        },
        other => other,
    }
}

pub(super) fn number(field: &str, v: &str) -> Result<Option<i32>> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    v.trim()
        .parse()
        .map(Some)
        .map_err(|_| Error::invalid(field, "msg.form.enter_a_number"))
}

fn repeat_of(f: &RequestForm) -> Repeat {
    Repeat {
        freq: f.repeat.clone(),
        interval: f.interval.clone(),
        byday: f.byday.clone(),
        count: f.count.clone(),
        until: f.until.clone(),
        exdates: f.exdates.clone(),
    }
}

/// What the page itself finds missing or malformed, every field at once (the summary at the
/// top lists them all; the domain, which stops at its first refusal, sees a form without them).
pub(super) fn page_errors(f: &RequestForm) -> Vec<Error> {
    let mut errors = vec![];
    if f.title.trim().is_empty() {
        errors.push(Error::invalid(
            "title",
            "msg.validate.the_title_is_required",
        ));
    }
    if NaiveDate::parse_from_str(f.day.trim(), "%Y-%m-%d").is_err() {
        errors.push(Error::invalid(
            "day",
            "msg.form.choose_the_day_of_the_meeting",
        ));
    }
    for (name, v) in [("start", &f.start), ("end", &f.end)] {
        if NaiveTime::parse_from_str(v.trim(), "%H:%M").is_err() {
            errors.push(Error::invalid(name, "msg.form.enter_a_time_like_08_00"));
        }
    }
    errors
}

/// The form as the domain's input (every field the API takes is on the form).
pub(super) fn request_input(
    f: &RequestForm,
    saved: Option<&meeting::Model>,
) -> Result<MeetingInput> {
    // The page's three fields, each named when it is wrong (the domain sees one time).
    if NaiveDate::parse_from_str(f.day.trim(), "%Y-%m-%d").is_err() {
        return Err(Error::invalid(
            "day",
            "msg.form.choose_the_day_of_the_meeting",
        ));
    }
    for (name, v) in [("start", &f.start), ("end", &f.end)] {
        if NaiveTime::parse_from_str(v.trim(), "%H:%M").is_err() {
            return Err(Error::invalid(name, "msg.form.enter_a_time_like_08_00"));
        }
    }
    let mut attendees = vec![];
    let groups = [
        ("agencies", &f.agencies, true, AttendeeRole::Required),
        (
            "agencies",
            &f.agencies_optional,
            true,
            AttendeeRole::Optional,
        ),
        ("persons", &f.persons, false, AttendeeRole::Required),
        (
            "persons",
            &f.persons_optional,
            false,
            AttendeeRole::Optional,
        ),
    ];
    for (name, ids, agency, role) in groups {
        for a in ids {
            if let Some(id) = number(name, a)? {
                attendees.push(AttendeeInput {
                    person_id: (!agency).then_some(id),
                    agency_id: agency.then_some(id),
                    role,
                });
            }
        }
    }
    let first = NaiveDate::parse_from_str(f.day.trim(), "%Y-%m-%d").unwrap_or_default();
    let (rrule, exdates) = if f.rrule_kept.trim().is_empty() {
        repeat_of(f).build(first)?
    } else {
        (
            Some(f.rrule_kept.clone()),
            repeat::parse_exdates(&f.exdates, first)?,
        )
    };
    let text = |v: &str| Some(v.to_string()).filter(|v| !v.trim().is_empty());
    let mut input = MeetingInput {
        title: f.title.clone(),
        agenda: Some(f.agenda.clone()),
        kind: MeetingKind::from_code(&f.kind),
        chair_id: number("chair_id", &f.chair_id)?,
        room_id: number("room_id", &f.room_id)?,
        location: Some(f.location.clone()),
        starts_at: format!("{}T{}", f.day.trim(), f.start.trim()),
        ends_at: format!("{}T{}", f.day.trim(), f.end.trim()),
        visibility: Visibility::from_code(&f.visibility),
        expected_attendance: number("expected_attendance", &f.expected_attendance)?,
        other_attendees: Some(f.other_attendees.clone()),
        note: Some(f.note.clone()),
        past_reason: text(&f.past_reason),
        equipment: f.equipment.clone(),
        submit: f.submit,
        rrule,
        exdates,
        online_link: text(&f.online_link),
        preparation: text(&f.preparation),
        needs_interpreter: f.needs_interpreter,
        preparing_agency_id: number("preparing_agency_id", &f.preparing_agency_id)?,
        ..Default::default()
    };
    // An edit keeps the series' zone (the form shows office time).
    if let Some(m) = saved {
        input.time_zone = Some(m.time_zone.clone());
    }
    input.attendees = attendees;
    Ok(input)
}

// --- what the form shows beside itself: conflicts and free slots ---

pub(super) fn date(field: &str, v: &str) -> Result<Option<NaiveDate>> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| Error::invalid(field, "msg.form.invalid_date_expected_2027_03_09"))
}
