//! The form as a page: its fields, selects and repeat options, with every value kept.

use super::form::{RequestForm, Target};
use crate::db::Db;
use crate::domain::reference;
use crate::domain::weekly_schedule::weekday_vi;
use crate::error::Lang;
use crate::web::page::{choices, room_with_capacity, Choice, Field, FormView, Picker};
use crate::web::repeat::WEEKDAYS;
use crate::Result;
use chrono::Weekday;
use entity::*;

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

/// How many matches a picker lists without script (the filter narrows the rest).
const MATCHES_SHOWN: usize = 30;

/// Text for matching a filter: lower case, without Vietnamese marks ("Hà Nội" → "ha noi").
pub(super) fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A picker: the chosen items of `items` (in the list's order), and the others that match
/// every word of the filter typed.
fn picker(
    name: &'static str,
    label: &'static str,
    source: &'static str,
    query_name: &'static str,
    items: &[(i32, String)],
    chosen: &[String],
    query: &str,
) -> Field {
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
    let is_chosen = |id: i32| chosen.iter().any(|c| c.trim() == id.to_string());
    let picked = items
        .iter()
        .filter(|(id, _)| is_chosen(*id))
        .map(|(id, l)| Choice {
            value: id.to_string(),
            label: l.clone(),
            selected: true,
        })
        .collect();
    let mut matching = items.iter().filter(|(id, l)| {
        let l = fold(l);
        !words.is_empty() && !is_chosen(*id) && words.iter().all(|w| l.contains(w.as_str()))
    });
    let matches: Vec<Choice> = matching
        .by_ref()
        .take(MATCHES_SHOWN)
        .map(|(id, l)| Choice {
            value: id.to_string(),
            label: l.clone(),
            selected: false,
        })
        .collect();
    let more = matching.count();
    Field::picker(
        name,
        label,
        picked,
        Picker {
            source,
            query_name,
            query: query.to_string(),
            matches,
            more,
        },
    )
}

/// The agencies and persons the pickers choose from, once for the page (the script filters
/// them; a picker lists only its chosen items and the matches of its filter).
pub(super) struct PickerData {
    agencies: Vec<(i32, String)>,
    persons: Vec<(i32, String)>,
}

impl PickerData {
    pub(super) async fn load(db: &Db) -> Result<Self> {
        let r = reference::current(db).await?;
        let agencies = r
            .agencies()
            .iter()
            .filter(|a| a.active)
            .map(|a| (a.id, a.name.clone()))
            .collect();
        let mut people: Vec<&person::Model> = r.persons().iter().filter(|p| p.active).collect();
        // Leaders first, each group by sort order (the sort is stable).
        people.sort_by_key(|p| !p.is_leader);
        let persons = people
            .into_iter()
            .map(|p| (p.id, person_label(p)))
            .collect();
        Ok(PickerData { agencies, persons })
    }

    /// The lists for the script, as JSON (`[[id, label], …]` by list).
    pub(super) fn json(&self) -> String {
        serde_json::json!({"agencies": self.agencies, "persons": self.persons}).to_string()
    }
}

fn person_label(p: &person::Model) -> String {
    format!("{} — {}", p.full_name, p.position)
}

/// The form's fields, filled with what was typed.
pub(super) async fn request_form_view(
    db: &Db,
    f: &RequestForm,
    lang: Lang,
    office: bool,
    target: Target,
    data: &PickerData,
) -> Result<FormView> {
    let r = reference::current(db).await?;
    let leaders: Vec<&person::Model> = r
        .persons()
        .iter()
        .filter(|p| p.is_leader && p.active)
        .collect();
    let rooms: Vec<&room::Model> = r
        .rooms_in_order()
        .into_iter()
        .filter(|r| r.bookable)
        .collect();
    let equipment = r.equipment_in_order();
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
            leaders.iter().map(|p| (p.id, person_label(p))).collect(),
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
        picker(
            "agencies",
            "meeting.attendees",
            "agencies",
            "q_agencies",
            &data.agencies,
            &f.agencies,
            &f.q_agencies,
        )
        .hint("request_form.agencies_hint"),
        picker(
            "agencies_optional",
            "request_form.agencies_optional",
            "agencies",
            "q_agencies_optional",
            &data.agencies,
            &f.agencies_optional,
            &f.q_agencies_optional,
        )
        .hint("request_form.optional_hint"),
        picker(
            "persons",
            "request_form.persons",
            "persons",
            "q_persons",
            &data.persons,
            &f.persons,
            &f.q_persons,
        )
        .hint("request_form.persons_hint"),
        picker(
            "persons_optional",
            "request_form.persons_optional",
            "persons",
            "q_persons_optional",
            &data.persons,
            &f.persons_optional,
            &f.q_persons_optional,
        )
        .hint("request_form.optional_hint"),
        optional_select(
            "preparing_agency_id",
            "request_form.preparing_agency",
            data.agencies.clone(),
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
    match target {
        Target::Edit(id) => {
            fields.push(field("hidden", "version", "", &f.version));
            fields.push(field("hidden", "meeting_id", "", &id.to_string()));
            Ok(FormView::new(target.action(), "request.save", fields))
        }
        // Documents go with the new request, in the same post (an edit adds them on the
        // meeting's page).
        Target::New => {
            let at = fields
                .iter()
                .position(|x| x.name == "preparation")
                .map_or(fields.len(), |i| i + 1);
            fields.insert(
                at,
                field("files", "documents", "request_more.documents", "")
                    .hint("request_more.documents_hint"),
            );
            Ok(FormView::new(target.action(), "request.save", fields).multipart())
        }
    }
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
                            Lang::En => weekday_en(d).to_string(),
                        };
                        (*code, name)
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
