//! The request form (đăng ký lịch họp): a new request (`/dang-ky/moi`) and the edit of a draft,
//! pending or returned one by its agency's clerk (`/cuoc-hop/<id>/sua`, with the version it
//! started from so that a concurrent change is never overwritten).
//!
//! The form shows problems before it is sent and helps find a time, twice over: live, by the
//! script `/static/request-form.js` asking `/dang-ky/kiem-tra` (conflicts) and `/dang-ky/tim-gio`
//! (free slots) as the clerk types; and without script, by the buttons "Kiểm tra trùng lịch" and
//! "Tìm giờ trống", which post the whole form and get it back with every typed value kept. Both
//! run the same checks as the API (`domain::conflicts::of_input`, `domain::availability::find`).

use super::csrf::CsrfForm;
use super::page::{
    choices, encode_component, room_with_capacity, Choice, Field, FormView, Page, Viewer,
};
use super::repeat::{self, Repeat, WEEKDAYS};
use crate::auth::{AgencyClerk, Caller};
use crate::db::Db;
use crate::domain::availability::{self, FreeSlot};
use crate::domain::clock::{self, OFFICE_TZ};
use crate::domain::conflicts::{self, Conflict, Severity};
use crate::domain::reference;
use crate::domain::registration::{self, Actor, AttendeeInput, MeetingInput};
use crate::domain::weekly_schedule::weekday_vi;
use crate::domain::{settings, visibility, workflow};
use crate::error::{Error, Lang};
use crate::Result;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use entity::*;
use rocket::http::{ContentType, Status};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post, FromForm};
use rocket_dyn_templates::Template;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;

pub const SCRIPT: &str = "/static/request-form.js";
/// Slots offered by "find a time" at once, and rooms offered per slot.
const SLOTS: usize = 8;
const ROOMS_PER_SLOT: usize = 4;
/// Days searched when the clerk gives no end of the range.
const RANGE_DAYS: i64 = 14;

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
    pub note: String,
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
    /// Recurrence (see `super::repeat`): "", daily, weekly, monthly.
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
}

impl RequestForm {
    /// Nothing filled in: a form opened without prefill.
    fn is_blank(&self) -> bool {
        self.pairs().iter().all(|(_, v)| v.is_empty())
    }

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
            ("note", self.note.clone()),
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
    fn query(&self) -> String {
        self.pairs()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The form of a saved request, for its edit page.
    async fn of_saved(db: &Db, m: &meeting::Model) -> Result<Self> {
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
            note: m.note.clone().unwrap_or_default(),
            version: m.version.to_string(),
            meeting_id: m.id.to_string(),
            ..Default::default()
        })
    }
}

/// Where the form posts and its links reopen it.
#[derive(Clone, Copy)]
enum Target {
    New,
    Edit(i32),
}

impl Target {
    fn path(self) -> String {
        match self {
            Target::New => "/dang-ky/moi".into(),
            Target::Edit(id) => format!("/cuoc-hop/{id}/sua"),
        }
    }

    fn action(self) -> String {
        match self {
            Target::New => "/dang-ky".into(),
            Target::Edit(id) => format!("/cuoc-hop/{id}/sua"),
        }
    }

    fn title(self) -> &'static str {
        match self {
            Target::New => "request.new",
            Target::Edit(_) => "request_form.edit",
        }
    }

    fn meeting_id(self) -> Option<i32> {
        match self {
            Target::New => None,
            Target::Edit(id) => Some(id),
        }
    }
}

fn field(kind: &'static str, name: &'static str, label: &'static str, value: &str) -> Field {
    Field {
        kind,
        name,
        label,
        value: value.to_string(),
        ..Default::default()
    }
}

/// A select whose first choice is "none".
fn optional_select(
    name: &'static str,
    label: &'static str,
    items: Vec<(i32, String)>,
    selected: &str,
) -> Field {
    let mut options = vec![Choice {
        value: String::new(),
        label: "—".into(),
        selected: selected.is_empty(),
    }];
    options.extend(choices(items, &[selected.to_string()]));
    Field::select(name, label, options)
}

/// The form's fields, filled with what was typed.
async fn request_form_view(
    db: &Db,
    f: &RequestForm,
    lang: Lang,
    target: Target,
) -> Result<FormView> {
    let leaders = person::Entity::find()
        .filter(person::Column::IsLeader.eq(true))
        .filter(person::Column::Active.eq(true))
        .order_by_asc(person::Column::SortOrder)
        .all(&db.conn)
        .await?;
    let rooms = room::Entity::find()
        .filter(room::Column::Bookable.eq(true))
        .order_by_asc(room::Column::SortOrder)
        .all(&db.conn)
        .await?;
    let agencies = agency::Entity::find()
        .filter(agency::Column::Active.eq(true))
        .order_by_asc(agency::Column::SortOrder)
        .all(&db.conn)
        .await?;
    let equipment = equipment::Entity::find()
        .order_by_asc(equipment::Column::Id)
        .all(&db.conn)
        .await?;
    let people = person::Entity::find()
        .filter(person::Column::Active.eq(true))
        .order_by_desc(person::Column::IsLeader)
        .order_by_asc(person::Column::SortOrder)
        .all(&db.conn)
        .await?;
    let person_choices = |selected: &[String]| {
        choices(
            people
                .iter()
                .map(|p| (p.id, format!("{} — {}", p.full_name, p.position))),
            selected,
        )
    };
    let agency_choices =
        |selected: &[String]| choices(agencies.iter().map(|a| (a.id, a.name.clone())), selected);
    let one = |v: &str| vec![v.to_string()];
    let kind = if f.kind.is_empty() { "hop" } else { &f.kind };
    let visibility = if f.visibility.is_empty() {
        "public"
    } else {
        &f.visibility
    };
    let mut fields = vec![
        Field::text("title", "meeting.content", &f.title).required(),
        Field::select(
            "kind",
            "meeting.kind",
            choices(
                MeetingKind::ALL
                    .iter()
                    .map(|k| (k.code(), format!("kind.{}", k.code()))),
                &one(kind),
            ),
        )
        .translated(),
        optional_select(
            "chair_id",
            "meeting.chair",
            leaders
                .iter()
                .map(|p| (p.id, format!("{} — {}", p.full_name, p.position)))
                .collect(),
            &f.chair_id,
        ),
        field("date", "day", "request.day", &f.day).required(),
        field("time", "start", "request.start", &f.start).required(),
        field("time", "end", "request.end", &f.end).required(),
        optional_select(
            "room_id",
            "meeting.room",
            rooms
                .iter()
                .map(|r| (r.id, room_with_capacity(lang, &r.name, r.capacity)))
                .collect(),
            &f.room_id,
        ),
        Field::text("location", "request.location", &f.location),
        field(
            "url",
            "online_link",
            "request_form.online_link",
            &f.online_link,
        )
        .hint("request_form.online_link_hint"),
        Field::checkboxes("agencies", "meeting.attendees", agency_choices(&f.agencies))
            .hint("request_form.agencies_hint"),
        Field::checkboxes(
            "agencies_optional",
            "request_form.agencies_optional",
            agency_choices(&f.agencies_optional),
        )
        .hint("request_form.optional_hint"),
        Field::checkboxes(
            "persons",
            "request_form.persons",
            person_choices(&f.persons),
        )
        .hint("request_form.persons_hint"),
        Field::checkboxes(
            "persons_optional",
            "request_form.persons_optional",
            person_choices(&f.persons_optional),
        )
        .hint("request_form.optional_hint"),
        optional_select(
            "preparing_agency_id",
            "request_form.preparing_agency",
            agencies.iter().map(|a| (a.id, a.name.clone())).collect(),
            &f.preparing_agency_id,
        )
        .hint("request_form.preparing_agency_hint"),
        Field::number(
            "expected_attendance",
            "request.expected_attendance",
            &f.expected_attendance,
        ),
        Field::checkboxes(
            "equipment",
            "request_form.equipment",
            choices(
                equipment.iter().map(|e| {
                    let name = if lang == Lang::En {
                        &e.name_en
                    } else {
                        &e.name_vi
                    };
                    (e.code.clone(), name.clone())
                }),
                &f.equipment,
            ),
        ),
        Field::textarea("agenda", "meeting.agenda", &f.agenda),
        Field::textarea("preparation", "meeting.preparation", &f.preparation)
            .hint("request_form.preparation_hint"),
        Field::checkbox(
            "needs_interpreter",
            "request_form.needs_interpreter",
            f.needs_interpreter,
        ),
        Field::text("note", "meeting.note", &f.note),
        Field::select(
            "visibility",
            "meeting.visibility",
            choices(
                Visibility::ALL
                    .iter()
                    .map(|v| (v.code(), format!("visibility.{}", v.code()))),
                &one(visibility),
            ),
        )
        .translated(),
        Field::checkbox("submit", "request.submit_now", f.submit),
    ];
    if let Target::Edit(id) = target {
        fields.push(field("hidden", "version", "", &f.version));
        fields.push(field("hidden", "meeting_id", "", &id.to_string()));
    }
    Ok(FormView::new(target.action(), "request.save", fields))
}

/// The recurrence fields (a fieldset of their own); a kept rule replaces all but the skipped dates.
fn repeat_fields(f: &RequestForm, lang: Lang) -> Vec<Field> {
    let mut fields = vec![];
    if f.rrule_kept.is_empty() {
        let freq = if f.repeat.is_empty() {
            "none"
        } else {
            &f.repeat
        };
        let days = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        fields.extend([
            Field::select(
                "repeat",
                "request_form.repeat",
                choices(
                    ["none", "daily", "weekly", "monthly"].map(|k| {
                        let value = if k == "none" { "" } else { k };
                        (value, format!("request_form.repeat.{k}"))
                    }),
                    &[if freq == "none" {
                        String::new()
                    } else {
                        freq.to_string()
                    }],
                ),
            )
            .translated()
            .hint("request_form.repeat_hint"),
            field("number", "interval", "request_form.interval", &f.interval)
                .hint("request_form.interval_hint"),
            Field::checkboxes(
                "byday",
                "request_form.byday",
                choices(
                    WEEKDAYS.iter().zip(days).map(|(code, d)| {
                        let name = match lang {
                            Lang::Vi => weekday_vi(d),
                            Lang::En => weekday_en(d),
                        };
                        (*code, name.to_string())
                    }),
                    &f.byday,
                ),
            )
            .hint("request_form.byday_hint"),
            field("number", "count", "request_form.count", &f.count)
                .hint("request_form.count_hint"),
            field("date", "until", "request_form.until", &f.until),
        ]);
    } else {
        fields.push(field("hidden", "rrule_kept", "", &f.rrule_kept));
    }
    fields.push(
        Field::text("exdates", "request_form.exdates", &f.exdates)
            .hint("request_form.exdates_hint"),
    );
    fields
}

/// The "find a time" fields (inside the same form, so that one button sends everything).
fn find_fields(f: &RequestForm) -> Vec<Field> {
    vec![
        field("number", "duration", "request_form.duration", &f.duration),
        field("date", "find_from", "request_form.find_from", &f.find_from),
        field("date", "find_to", "request_form.find_to", &f.find_to),
    ]
}

/// The domain names its fields; the page names some differently (the time is split in three).
fn page_field(e: Error) -> Error {
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

fn number(field: &str, v: &str) -> Result<Option<i32>> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    v.trim()
        .parse()
        .map(Some)
        .map_err(|_| Error::validation(field, "Hãy nhập một số.", "Enter a number."))
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

/// The form as the domain's input (every field the API takes is on the form).
fn request_input(f: &RequestForm, saved: Option<&meeting::Model>) -> Result<MeetingInput> {
    // The page's three fields, each named when it is wrong (the domain sees one time).
    if NaiveDate::parse_from_str(f.day.trim(), "%Y-%m-%d").is_err() {
        return Err(Error::validation(
            "day",
            "Hãy chọn ngày họp.",
            "Choose the day of the meeting.",
        ));
    }
    for (name, v) in [("start", &f.start), ("end", &f.end)] {
        if NaiveTime::parse_from_str(v.trim(), "%H:%M").is_err() {
            return Err(Error::validation(
                name,
                "Hãy nhập giờ (dạng 08:00).",
                "Enter a time (like 08:00).",
            ));
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
        note: Some(f.note.clone()),
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

#[derive(Debug, Serialize)]
pub struct HintMeeting {
    /// None for a meeting the viewer may not open (its title is then "Bận").
    pub id: Option<i32>,
    pub title: String,
    pub when: String,
}

/// One conflict as the page shows it, in the page's language.
#[derive(Debug, Serialize)]
pub struct Hint {
    /// "error" or "warning" (a class; the label says it in words).
    pub severity: &'static str,
    pub label: String,
    pub message: String,
    pub meeting: Option<HintMeeting>,
    pub room: Option<String>,
    pub person: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Hints {
    pub conflicts: Vec<Hint>,
    pub errors: usize,
    pub warnings: usize,
    /// One sentence saying how it stands.
    pub summary: String,
}

fn span(a: chrono::DateTime<chrono::Utc>, b: chrono::DateTime<chrono::Utc>) -> String {
    let (a, b) = (a.with_timezone(&OFFICE_TZ), b.with_timezone(&OFFICE_TZ));
    format!(
        "{}–{} {}",
        a.format("%H:%M"),
        b.format("%H:%M"),
        a.format("%d/%m/%Y")
    )
}

fn hints(found: Vec<Conflict>, lang: Lang) -> Hints {
    let tr = super::i18n::translations();
    let errors = found
        .iter()
        .filter(|c| c.severity == Severity::Error)
        .count();
    let warnings = found.len() - errors;
    let summary = match (errors, warnings) {
        (0, 0) => tr.text(lang, "request_form.no_conflicts").to_string(),
        _ => tr
            .text(lang, "request_form.conflicts_found")
            .replace("{errors}", &errors.to_string())
            .replace("{warnings}", &warnings.to_string()),
    };
    let conflicts = found
        .into_iter()
        .map(|c| {
            let severity = match c.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            Hint {
                severity,
                label: tr
                    .text(lang, &format!("request_form.severity.{severity}"))
                    .to_string(),
                message: match lang {
                    Lang::Vi => c.message_vi,
                    Lang::En => c.message_en,
                },
                meeting: c.meeting.map(|m| HintMeeting {
                    id: m.id,
                    when: span(m.starts_at, m.ends_at),
                    title: m
                        .title
                        .unwrap_or_else(|| tr.text(lang, "privacy.busy").to_string()),
                }),
                room: c.room.map(|r| r.name),
                person: c.person.map(|p| p.name),
            }
        })
        .collect();
    Hints {
        conflicts,
        errors,
        warnings,
        summary,
    }
}

/// The conflicts of the form as filled in (a title is not needed to know them).
async fn check(
    db: &Db,
    actor: &Actor,
    f: &RequestForm,
    target: Target,
    lang: Lang,
) -> Result<Hints> {
    let saved = match target.meeting_id() {
        Some(id) => Some(registration::get(db, actor, id).await?),
        None => None,
    };
    let mut input = request_input(f, saved.as_ref())?;
    if input.title.trim().is_empty() {
        input.title = "—".into();
    }
    input.submit = false;
    let s = settings::load(db).await?;
    let (_, found) = conflicts::of_input(db, actor, input, target.meeting_id(), &s)
        .await
        .map_err(page_field)?;
    Ok(hints(found, lang))
}

#[derive(Debug, Serialize)]
pub struct SlotRoom {
    pub id: i32,
    pub name: String,
    pub capacity: i32,
    /// Reopens the form with this slot and room (without script).
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct SlotView {
    /// "Thứ Ba 09/03/2027".
    pub label: String,
    /// For the form's fields: "2027-03-09", "08:00", "09:30".
    pub day: String,
    pub start: String,
    pub end: String,
    pub rooms: Vec<SlotRoom>,
}

#[derive(Debug, Serialize)]
pub struct Slots {
    pub slots: Vec<SlotView>,
    pub summary: String,
}

fn weekday_en(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn date(field: &str, v: &str) -> Result<Option<NaiveDate>> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            Error::validation(
                field,
                "Ngày không hợp lệ (dạng 2027-03-09).",
                "Invalid date (expected 2027-03-09).",
            )
        })
}

/// The earliest free slots for the form's chair, attendees, capacity and equipment.
async fn find(db: &Db, f: &RequestForm, target: Target, lang: Lang) -> Result<Slots> {
    let hm = |v: &str| NaiveTime::parse_from_str(v.trim(), "%H:%M").ok();
    let duration = match f.duration.trim() {
        "" => match (hm(&f.start), hm(&f.end)) {
            (Some(s), Some(e)) if e > s => (e - s).num_minutes(),
            _ => 60,
        },
        d => d.parse().map_err(|_| {
            Error::validation(
                "duration",
                "Hãy nhập số phút.",
                "Enter a number of minutes.",
            )
        })?,
    };
    let today = clock::office_date(clock::now());
    let from = match date("find_from", &f.find_from)? {
        Some(d) => d,
        None => date("day", &f.day)?
            .filter(|d| *d >= today)
            .unwrap_or(today),
    };
    let to = date("find_to", &f.find_to)?.unwrap_or(from + Duration::days(RANGE_DAYS));
    let mut agencies = vec![];
    for a in &f.agencies {
        agencies.extend(number("agencies", a)?);
    }
    // An invited agency is represented by its head, as in the conflict check.
    let reference = reference::current(db).await?;
    let q = availability::Query {
        from,
        to,
        duration_minutes: duration,
        chair_id: number("chair_id", &f.chair_id)?,
        person_ids: agencies
            .iter()
            .filter_map(|a| reference.head_of(*a))
            .collect(),
        min_capacity: number("expected_attendance", &f.expected_attendance)?,
        equipment: f.equipment.clone(),
        limit: SLOTS,
        exclude_meeting_id: target.meeting_id(),
    };
    let s = settings::load(db).await?;
    let found = availability::find(db, &q, &s).await.map_err(page_field)?;
    let tr = super::i18n::translations();
    let summary = if found.is_empty() {
        tr.text(lang, "request_form.no_slots").to_string()
    } else {
        tr.text(lang, "request_form.slots_found").to_string()
    };
    let slots = found
        .into_iter()
        .map(|slot: FreeSlot| {
            let day = slot.date.format("%Y-%m-%d").to_string();
            let weekday = match lang {
                Lang::Vi => weekday_vi(slot.date.weekday()),
                Lang::En => weekday_en(slot.date.weekday()),
            };
            // The room already chosen first (when it is free then), then the smallest that fit.
            let mut fitting = slot.rooms.clone();
            fitting.sort_by_key(|r| (r.id.to_string() != f.room_id, r.capacity));
            let rooms = fitting
                .iter()
                .take(ROOMS_PER_SLOT)
                .map(|r| {
                    let chosen = RequestForm {
                        day: day.clone(),
                        start: slot.from.clone(),
                        end: slot.to.clone(),
                        room_id: r.id.to_string(),
                        step: String::new(),
                        ..f.clone()
                    };
                    SlotRoom {
                        id: r.id,
                        name: r.name.clone(),
                        capacity: r.capacity,
                        href: format!("{}?{}&step=check", target.path(), chosen.query()),
                    }
                })
                .collect();
            SlotView {
                label: format!("{weekday} {}", slot.date.format("%d/%m/%Y")),
                day,
                start: slot.from,
                end: slot.to,
                rooms,
            }
        })
        .collect();
    Ok(Slots { slots, summary })
}

// --- the pages ---

/// Renders the form with what goes beside it; `refusal` is shown beside its field.
async fn render(
    db: &Db,
    viewer: &Viewer,
    f: &RequestForm,
    target: Target,
    hints: Option<Hints>,
    slots: Option<Slots>,
    refusal: Option<&Error>,
) -> Result<Template> {
    let mut form = request_form_view(db, f, viewer.lang, target).await?;
    let mut find = find_fields(f);
    let mut repeat = repeat_fields(f, viewer.lang);
    if let Some(e) = refusal {
        let own = e.field().and_then(|n| {
            find.iter_mut()
                .chain(repeat.iter_mut())
                .find(|x| x.name == n && x.kind != "hidden")
        });
        match own {
            Some(field) => field.error = Some(viewer.msg(e)),
            None => form = form.refused(e, viewer),
        }
    }
    Ok(viewer.render(
        "request_form.html",
        target.title(),
        json!({
            "form": form,
            "find": find,
            "repeat": repeat,
            "rrule_kept": (!f.rrule_kept.is_empty()).then_some(&f.rrule_kept),
            "hints": hints,
            "slots": slots,
            "script": SCRIPT,
            "meeting_id": target.meeting_id(),
        }),
    ))
}

/// GET of the form: blank, prefilled from a link (find a time), or the saved request.
async fn open(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    mut f: RequestForm,
    target: Target,
) -> Result<Template> {
    let actor = Actor::from(caller);
    if let Target::Edit(id) = target {
        let m = editable(db, &actor, id).await?;
        // A link from the find-a-time page carries a time and room only; one from the form
        // itself carries every field (and the version).
        if f.version.is_empty() {
            let saved = RequestForm::of_saved(db, &m).await?;
            f = overlay(saved, f);
        }
        f.meeting_id = id.to_string();
    } else if f.is_blank() {
        f.submit = true;
    }
    let step = std::mem::take(&mut f.step);
    let (mut hints, mut slots, mut refusal) = (None, None, None);
    match step.as_str() {
        "check" => match check(db, &actor, &f, target, viewer.lang).await {
            Ok(h) => hints = Some(h),
            Err(e) if e.status().code < 500 => refusal = Some(e),
            Err(e) => return Err(e),
        },
        "find" => match find(db, &f, target, viewer.lang).await {
            Ok(s) => slots = Some(s),
            Err(e) if e.status().code < 500 => refusal = Some(e),
            Err(e) => return Err(e),
        },
        _ => {}
    }
    render(db, viewer, &f, target, hints, slots, refusal.as_ref()).await
}

/// The saved form with the time and room a link chose.
fn overlay(saved: RequestForm, link: RequestForm) -> RequestForm {
    let pick = |a: String, b: String| if b.is_empty() { a } else { b };
    RequestForm {
        day: pick(saved.day.clone(), link.day),
        start: pick(saved.start.clone(), link.start),
        end: pick(saved.end.clone(), link.end),
        room_id: pick(saved.room_id.clone(), link.room_id),
        step: link.step,
        ..saved
    }
}

/// The request if the clerk may edit it now (its agency's, in a state that allows edits).
async fn editable(db: &Db, actor: &Actor, id: i32) -> Result<meeting::Model> {
    let m = registration::get(db, actor, id).await?;
    registration::must_be_editable(&m)?;
    Ok(m)
}

type Sent = Result<std::result::Result<Redirect, Page>>;

/// POST of the form: check, find a time, or save.
async fn send(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    mut f: RequestForm,
    target: Target,
) -> Sent {
    let actor = Actor::from(caller);
    let step = std::mem::take(&mut f.step);
    let f = &f;
    let refused = |e: Error| async move {
        let status = match e.status() {
            Status::PreconditionRequired => Status::UnprocessableEntity,
            s => s,
        };
        let page = render(db, viewer, f, target, None, None, Some(&e)).await?;
        Ok::<std::result::Result<Redirect, Page>, Error>(Err((status, page)))
    };
    if step == "check" || step == "find" {
        let (hints, slots) = if step == "check" {
            match check(db, &actor, f, target, viewer.lang).await {
                Ok(h) => (Some(h), None),
                Err(e) if e.status().code < 500 && e.status() != Status::NotFound => {
                    return refused(e).await
                }
                Err(e) => return Err(e),
            }
        } else {
            match find(db, f, target, viewer.lang).await {
                Ok(s) => (None, Some(s)),
                Err(e) if e.status().code < 500 => return refused(e).await,
                Err(e) => return Err(e),
            }
        };
        return Ok(Err((
            Status::Ok,
            render(db, viewer, f, target, hints, slots, None).await?,
        )));
    }
    let saved = match target {
        Target::New => match request_input(f, None) {
            Ok(input) => registration::create(db, &actor, input).await,
            Err(e) => Err(e),
        },
        Target::Edit(id) => {
            let m = editable(db, &actor, id).await?;
            let version = f.version.trim().parse().ok();
            match request_input(f, Some(&m)) {
                Ok(input) => registration::update(db, &actor, id, version, input).await,
                Err(e) => Err(e),
            }
        }
    };
    match saved {
        Ok(m) => Ok(Ok(Redirect::to(format!("/cuoc-hop/{}?done=1", m.id)))),
        Err(e) if e.status().code < 500 && e.status() != Status::NotFound => {
            refused(page_field(e)).await
        }
        Err(e) => Err(e),
    }
}

#[get("/dang-ky/moi?<q..>")]
pub async fn new_request(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    q: RequestForm,
) -> Result<Template> {
    open(db, &by, &viewer, q, Target::New).await
}

#[post("/dang-ky", data = "<form>")]
pub async fn create_request(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    form: CsrfForm<RequestForm>,
) -> Sent {
    send(db, &by, &viewer, form.0, Target::New).await
}

#[get("/cuoc-hop/<id>/sua?<q..>")]
pub async fn edit_request(
    db: &State<Db>,
    by: AgencyClerk,
    viewer: Viewer,
    id: i32,
    q: RequestForm,
) -> Result<Template> {
    open(db, &by, &viewer, q, Target::Edit(id)).await
}

#[post("/cuoc-hop/<id>/sua", data = "<form>")]
pub async fn update_request(
    db: &State<Db>,
    by: AgencyClerk,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<RequestForm>,
) -> Sent {
    send(db, &by, &viewer, form.0, Target::Edit(id)).await
}

/// A refusal of the script's endpoints: always JSON, naming the field in the page's language.
pub struct JsonRefusal(Error, Lang);

impl<'r> rocket::response::Responder<'r, 'static> for JsonRefusal {
    fn respond_to(self, _: &'r rocket::Request<'_>) -> rocket::response::Result<'static> {
        let body = self.0.json_body(self.1);
        rocket::Response::build()
            .status(self.0.status())
            .header(ContentType::JSON)
            .sized_body(body.len(), std::io::Cursor::new(body))
            .ok()
    }
}

type Answer<T> = std::result::Result<Json<T>, JsonRefusal>;

/// The form's target for the script: the request being edited, when the form names one.
fn script_target(f: &RequestForm) -> std::result::Result<Target, Error> {
    Ok(match number("meeting_id", &f.meeting_id)? {
        Some(id) => Target::Edit(id),
        None => Target::New,
    })
}

/// The live conflict check (the request form's script): the conflicts of the form as filled in.
#[post("/dang-ky/kiem-tra", data = "<form>")]
pub async fn check_live(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    form: CsrfForm<RequestForm>,
) -> Answer<Hints> {
    let lang = viewer.lang;
    let run = async {
        let target = script_target(&form.0)?;
        check(db, &Actor::from(&by), &form.0, target, lang).await
    };
    run.await.map(Json).map_err(|e| JsonRefusal(e, lang))
}

/// Find a time for the request form's script.
#[post("/dang-ky/tim-gio", data = "<form>")]
pub async fn find_live(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    form: CsrfForm<RequestForm>,
) -> Answer<Slots> {
    let lang = viewer.lang;
    let run = async {
        let target = script_target(&form.0)?;
        if let Target::Edit(id) = target {
            registration::get(db, &Actor::from(&by), id).await?;
        }
        find(db, &form.0, target, lang).await
    };
    run.await.map(Json).map_err(|e| JsonRefusal(e, lang))
}

/// Find a time for a saved request that conflicts (from its page): the office sees the slots;
/// its agency's clerk, while the request may be edited, opens the edit form with one.
#[get("/cuoc-hop/<id>/tim-gio")]
pub async fn find_for_meeting(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    id: i32,
) -> Result<Template> {
    let actor = Actor::from(&by);
    let m = registration::get(db, &actor, id).await?;
    let mut f = RequestForm::of_saved(db, &m).await?;
    f.version.clear();
    let today = clock::office_date(clock::now());
    f.find_from = clock::office_date(m.starts_at).max(today).to_string();
    let may_edit = by.role() == Role::AgencyClerk && workflow::editable(m.status);
    let slots = find(db, &f, Target::Edit(id), viewer.lang).await?;
    Ok(viewer.render(
        "request_slots.html",
        "request_form.find_title",
        json!({
            "m": {"id": m.id, "title": m.title, "when": span(m.starts_at, m.ends_at)},
            "slots": slots,
            "may_edit": may_edit,
        }),
    ))
}

#[get("/static/request-form.js")]
pub fn script() -> (ContentType, &'static str) {
    (
        ContentType::JavaScript,
        include_str!("../../static/request-form.js"),
    )
}

/// How many conflicts block a saved request's approval (its page then offers find a time).
pub async fn errors_of(db: &Db, m: &meeting::Model) -> Result<usize> {
    let s = settings::load(db).await?;
    // Only counted: nobody sees the other meetings here.
    let (_, found) = conflicts::of_meeting(db, m, &s, visibility::Viewer::Office).await?;
    Ok(found
        .iter()
        .filter(|c| c.severity == Severity::Error)
        .count())
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        new_request,
        create_request,
        edit_request,
        update_request,
        check_live,
        find_live,
        find_for_meeting,
        script
    ]
}
