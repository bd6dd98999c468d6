//! The form as a page: its fields, selects and repeat options, with every value kept.

use super::form::{RequestForm, Target};
use crate::db::Db;
use crate::domain::weekly_schedule::weekday_vi;
use crate::error::Lang;
use crate::web::page::{choices, room_with_capacity, Choice, Field, FormView};
use crate::web::repeat::WEEKDAYS;
use crate::Result;
use chrono::Weekday;
use entity::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

pub(super) fn field(
    kind: &'static str,
    name: &'static str,
    label: &'static str,
    value: &str,
) -> Field {
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
pub(super) async fn request_form_view(
    db: &Db,
    f: &RequestForm,
    lang: Lang,
    office: bool,
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
        Field::text(
            "other_attendees",
            "meeting.other_attendees",
            &f.other_attendees,
        )
        .hint("meeting.other_attendees_hint"),
        Field::text("note", "meeting.note", &f.note),
    ];
    // The office alone records a meeting already under way, and says why.
    if office {
        fields.push(
            Field::text("past_reason", "meeting.past_reason", &f.past_reason)
                .hint("meeting.past_reason_hint"),
        );
    }
    fields.extend([
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
    ]);
    if let Target::Edit(id) = target {
        fields.push(field("hidden", "version", "", &f.version));
        fields.push(field("hidden", "meeting_id", "", &id.to_string()));
    }
    Ok(FormView::new(target.action(), "request.save", fields))
}

/// The recurrence fields (a fieldset of their own); a kept rule replaces all but the skipped dates.
pub(super) fn repeat_fields(f: &RequestForm, lang: Lang) -> Vec<Field> {
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
pub(super) fn find_fields(f: &RequestForm) -> Vec<Field> {
    vec![
        field("number", "duration", "request_form.duration", &f.duration),
        field("date", "find_from", "request_form.find_from", &f.find_from),
        field("date", "find_to", "request_form.find_to", &f.find_to),
    ]
}

pub(super) fn weekday_en(d: Weekday) -> &'static str {
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
