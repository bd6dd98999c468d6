//! `/quan-tri/ngay-nghi`: the office's calendar of a year for the administrator (the API's
//! guards: reading is for everyone signed in, changes for the admin). Closures (public holidays,
//! office-wide or one room's maintenance), make-up working days, Vietnam's public holidays of the
//! year as computed (lunar ones included) with one button to enter them, and an .ics import.

use super::csrf::{CsrfForm, CsrfUpload, NoFields};
use super::page::{choices, optional_id, Choice, Field, FormView, Page, Viewer};
use crate::auth::Admin;
use crate::db::Db;
use crate::domain::closures::{self, ClosureInput, NationalDayInput, WorkingDayInput};
use crate::domain::{clock, holidays, rooms};
use crate::error::Lang;
use crate::feeds::import;
use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};
use entity::{closure, ClosureKind};
use rocket::response::Redirect;
use rocket::{get, post, FromForm, State};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

const PATH: &str = "/quan-tri/ngay-nghi";
const TITLE: &str = "closures.title";

type Submitted = Result<Result<Redirect, Page>>;

fn back(year: i32, done: &str) -> Redirect {
    Redirect::to(format!("{PATH}?nam={year}&da={done}"))
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A date typed in `field` (yyyy-mm-dd, as `<input type="date">` sends it, or dd/mm/yyyy).
fn date(field: &str, value: &str) -> Result<NaiveDate> {
    let v = value.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"))
        .map_err(|_| Error::invalid(field, "msg.closures.give_a_date_dd_mm_yyyy"))
}

#[derive(FromForm, Default)]
pub struct ClosureForm {
    #[field(default = String::new())]
    pub starts_on: String,
    #[field(default = String::new())]
    pub ends_on: String,
    #[field(default = String::new())]
    pub room_id: String,
    #[field(default = String::new())]
    pub kind: String,
    #[field(default = String::new())]
    pub reason: String,
}

impl ClosureForm {
    fn input(&self) -> Result<ClosureInput> {
        let kind = match self.kind.trim() {
            "" => None,
            v => Some(
                ClosureKind::from_code(v)
                    .ok_or_else(|| Error::invalid("kind", "msg.closures.not_a_valid_choice"))?,
            ),
        };
        Ok(ClosureInput {
            starts_on: date("starts_on", &self.starts_on)?,
            ends_on: match self.ends_on.trim() {
                "" => None,
                v => Some(date("ends_on", v)?),
            },
            room_id: optional_id("room_id", &self.room_id)?,
            kind,
            reason: self.reason.clone(),
        })
    }
}

/// A make-up working day; `note` is the domain's `reason` (another name than the closure's own
/// `reason` field, since both forms are on one page).
#[derive(FromForm, Default)]
pub struct WorkingDayForm {
    #[field(default = String::new())]
    pub on_date: String,
    #[field(default = String::new())]
    pub note: String,
}

/// The second National Day day of the page's year: "1" or "3" (September).
#[derive(FromForm, Default)]
pub struct NationalDayForm {
    #[field(default = String::new())]
    pub second_day: String,
}

/// The page's forms, one of them possibly refused.
#[derive(Default)]
struct Forms {
    closure: ClosureForm,
    working_day: WorkingDayForm,
    refused: Option<(Which, Error)>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Which {
    Closure,
    WorkingDay,
    Holidays,
    NationalDay,
    Import,
}

/// Everything on the page for `year`.
async fn render(
    db: &Db,
    viewer: &Viewer,
    year: i32,
    forms: Forms,
    done: Option<&str>,
) -> Result<Template> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let all_rooms: Vec<entity::room::Model> =
        rooms::list(db).await?.into_iter().map(|r| r.room).collect();
    let room_name = |id: Option<i32>| {
        id.map(|id| {
            all_rooms
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| format!("#{id}"))
        })
    };
    let list = closures::list(db, Some(first), Some(last)).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|c: &closure::Model| {
            json!({
                "id": c.id,
                "from": dmy(c.starts_on),
                "to": (c.ends_on != c.starts_on).then(|| dmy(c.ends_on)),
                "kind": format!("closures.kind.{}", c.kind.code()),
                "room": room_name(c.room_id),
                "reason": c.reason,
            })
        })
        .collect();
    // The computed days off (compensatory ones and the chosen National Day day included), and
    // whether an office-wide closure already covers each.
    let chosen = closures::national_days(db)
        .await?
        .into_iter()
        .find(|c| c.year == year)
        .and_then(|c| holidays::NationalDaySecond::from_day(c.second_day.max(0) as u32))
        .unwrap_or_default();
    let holidays: Vec<Value> = holidays::days_off(year, chosen)
        .into_iter()
        .map(|h| {
            let entered = list
                .iter()
                .any(|c| c.room_id.is_none() && c.starts_on <= h.date && h.date <= c.ends_on);
            json!({
                "date": dmy(h.date),
                "weekday": format!("weekday.{}", h.date.weekday().number_from_monday()),
                "name": match viewer.lang { Lang::Vi => h.name_vi, Lang::En => h.name_en },
                "entered": entered,
            })
        })
        .collect();
    let make_up: Vec<Value> = closures::working_days(db)
        .await?
        .into_iter()
        .filter(|d| d.on_date.year() == year)
        .map(|d| {
            json!({
                "id": d.id,
                "date": dmy(d.on_date),
                "weekday": format!("weekday.{}", d.on_date.weekday().number_from_monday()),
                "reason": d.reason,
            })
        })
        .collect();

    let c = &forms.closure;
    // Room names are data, shown as they are; the first choice is translated here.
    let mut room_choices = vec![Choice {
        value: String::new(),
        label: super::i18n::translations()
            .text(viewer.lang, "closures.whole_office")
            .to_string(),
        selected: c.room_id.is_empty(),
    }];
    room_choices.extend(choices(
        all_rooms.iter().map(|r| (r.id, r.name.clone())),
        std::slice::from_ref(&c.room_id),
    ));
    let mut kinds = vec![Choice {
        value: String::new(),
        label: "closures.kind.auto".into(),
        selected: c.kind.is_empty(),
    }];
    kinds.extend(choices(
        ClosureKind::ALL
            .iter()
            .map(|k| (k.code(), format!("closures.kind.{}", k.code()))),
        std::slice::from_ref(&c.kind),
    ));
    let mut views = [
        (
            Which::Closure,
            FormView::new(
                PATH,
                "closures.add",
                vec![
                    Field::text("starts_on", "closures.starts_on", &c.starts_on)
                        .of_kind("date")
                        .required(),
                    Field::text("ends_on", "closures.ends_on", &c.ends_on)
                        .of_kind("date")
                        .hint("closures.ends_on_hint"),
                    Field::select("room_id", "closures.room", room_choices),
                    Field::select("kind", "closures.kind", kinds).translated(),
                    Field::text("reason", "closures.reason", &c.reason).required(),
                ],
            )
            .heading("closures.add_title"),
        ),
        (
            Which::Holidays,
            FormView::new(
                format!("/quan-tri/ngay-le/{year}"),
                "closures.holidays.enter",
                vec![],
            )
            .heading("closures.holidays.enter_title"),
        ),
        (
            Which::NationalDay,
            FormView::new(
                format!("/quan-tri/quoc-khanh/{year}"),
                "common.save",
                vec![Field::select(
                    "second_day",
                    "closures.national_day.second_day",
                    choices(
                        [1, 3].map(|d| (d, format!("closures.national_day.day_{d}"))),
                        &[chosen.day().to_string()],
                    ),
                )
                .translated()
                .hint("closures.national_day.hint")],
            )
            .heading("closures.national_day.title"),
        ),
        (
            Which::WorkingDay,
            FormView::new(
                "/quan-tri/ngay-lam-bu",
                "closures.make_up.add",
                vec![
                    Field::text(
                        "on_date",
                        "closures.make_up.date",
                        &forms.working_day.on_date,
                    )
                    .of_kind("date")
                    .required(),
                    Field::text("note", "closures.reason", &forms.working_day.note).required(),
                ],
            )
            .heading("closures.make_up.add_title"),
        ),
        (
            Which::Import,
            FormView::new(
                format!("{PATH}/nhap-ics"),
                "closures.import.submit",
                vec![Field::text("file", "closures.import.file", "")
                    .of_kind("file")
                    .required()
                    .hint("closures.import.hint")],
            )
            .heading("closures.import.title")
            .multipart(),
        ),
    ];
    if let Some((which, e)) = &forms.refused {
        for (w, view) in views.iter_mut() {
            if w == which {
                *view = view.clone().refused(e, viewer);
            }
        }
    }
    let [closure_form, holidays_form, national_day_form, make_up_form, import_form] =
        views.map(|(_, v)| v);
    Ok(viewer.render(
        "closures.html",
        TITLE,
        json!({
            "year": year,
            "prev": year - 1,
            "next": year + 1,
            "done": done.map(|d| format!("closures.done.{d}")),
            "closures": rows,
            "holidays": holidays,
            "make_up": make_up,
            "closure_form": closure_form,
            "holidays_form": holidays_form,
            "national_day_form": national_day_form,
            "make_up_form": make_up_form,
            "import_form": import_form,
        }),
    ))
}

fn this_year() -> i32 {
    clock::office_date(clock::now()).year()
}

/// A refused form: the page again with the error beside its field (422, or the error's status).
async fn refused(
    db: &Db,
    viewer: &Viewer,
    year: i32,
    mut forms: Forms,
    which: Which,
    e: Error,
) -> Submitted {
    match e {
        Error::Validation { .. } | Error::Conflict { .. } => {
            let status = e.status();
            forms.refused = Some((which, e));
            Ok(Err((status, render(db, viewer, year, forms, None).await?)))
        }
        other => Err(other),
    }
}

const DONE: &[&str] = &[
    "them",
    "xoa",
    "ngay-le",
    "quoc-khanh",
    "lam-bu",
    "xoa-lam-bu",
    "nhap",
];

#[get("/quan-tri/ngay-nghi?<nam>&<da>")]
pub async fn page(
    _by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    nam: Option<i32>,
    da: Option<&str>,
) -> Result<Template> {
    let year = nam
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year);
    let done = da.filter(|d| DONE.contains(d));
    render(db, &viewer, year, Forms::default(), done).await
}

#[post("/quan-tri/ngay-nghi", data = "<form>")]
pub async fn add(
    by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    form: CsrfForm<ClosureForm>,
) -> Submitted {
    let form = form.0;
    let year_typed = date("starts_on", &form.starts_on)
        .map(|d| d.year())
        .unwrap_or_else(|_| this_year());
    let saved = match form.input() {
        Ok(input) => closures::create(db, by.id(), input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(c) => Ok(Ok(back(c.starts_on.year(), "them"))),
        Err(e) => {
            let forms = Forms {
                closure: form,
                ..Default::default()
            };
            refused(db, &viewer, year_typed, forms, Which::Closure, e).await
        }
    }
}

#[post("/quan-tri/ngay-nghi/<id>/xoa", data = "<_form>")]
pub async fn remove(
    _by: Admin,
    db: &State<Db>,
    id: i32,
    _form: CsrfForm<NoFields>,
) -> Result<Redirect> {
    let year = closure_year(db, id).await?;
    closures::delete(db, id).await?;
    Ok(back(year, "xoa"))
}

async fn closure_year(db: &Db, id: i32) -> Result<i32> {
    use sea_orm::EntityTrait;
    closure::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .map(|c| c.starts_on.year())
        .ok_or_else(|| Error::missing("closure"))
}

#[post("/quan-tri/ngay-le/<year>", data = "<_form>")]
pub async fn enter_holidays(
    by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    year: i32,
    _form: CsrfForm<NoFields>,
) -> Submitted {
    match closures::enter_public_holidays(db, by.id(), year).await {
        Ok(_) => Ok(Ok(back(year, "ngay-le"))),
        Err(e) => {
            refused(
                db,
                &viewer,
                this_year(),
                Forms::default(),
                Which::Holidays,
                e,
            )
            .await
        }
    }
}

/// The government's choice of the second National Day day of `year`.
#[post("/quan-tri/quoc-khanh/<year>", data = "<form>")]
pub async fn choose_national_day(
    _by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    year: i32,
    form: CsrfForm<NationalDayForm>,
) -> Submitted {
    let chosen = match form.0.second_day.trim().parse() {
        Ok(second_day) => {
            closures::choose_national_day(db, year, NationalDayInput { second_day }).await
        }
        Err(_) => Err(Error::invalid(
            "second_day",
            "msg.closures.the_second_national_day_day_is_1_or_3",
        )),
    };
    match chosen {
        Ok(_) => Ok(Ok(back(year, "quoc-khanh"))),
        Err(e) => {
            let year = if (2000..=2100).contains(&year) {
                year
            } else {
                this_year()
            };
            refused(db, &viewer, year, Forms::default(), Which::NationalDay, e).await
        }
    }
}

#[post("/quan-tri/ngay-lam-bu", data = "<form>")]
pub async fn add_working_day(
    _by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    form: CsrfForm<WorkingDayForm>,
) -> Submitted {
    let form = form.0;
    let saved = match date("on_date", &form.on_date) {
        Ok(on_date) => closures::add_working_day(
            db,
            WorkingDayInput {
                on_date,
                reason: form.note.clone(),
            },
        )
        .await
        // The domain names the reason `reason`; on this page it is `note`.
        .map_err(|e| match e {
            Error::Validation { field, msg } if field == "reason" => Error::Validation {
                field: "note".into(),
                msg,
            },
            other => other,
        }),
        Err(e) => Err(e),
    };
    match saved {
        Ok(d) => Ok(Ok(back(d.on_date.year(), "lam-bu"))),
        Err(e) => {
            let year = date("on_date", &form.on_date)
                .map(|d| d.year())
                .unwrap_or_else(|_| this_year());
            let forms = Forms {
                working_day: form,
                ..Default::default()
            };
            refused(db, &viewer, year, forms, Which::WorkingDay, e).await
        }
    }
}

#[post("/quan-tri/ngay-lam-bu/<id>/xoa", data = "<_form>")]
pub async fn remove_working_day(
    _by: Admin,
    db: &State<Db>,
    id: i32,
    _form: CsrfForm<NoFields>,
) -> Result<Redirect> {
    use sea_orm::EntityTrait;
    let year = entity::working_day_exception::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .map(|d| d.on_date.year())
        .ok_or_else(|| Error::missing("working_day"))?;
    closures::delete_working_day(db, id).await?;
    Ok(back(year, "xoa-lam-bu"))
}

/// Holidays from an uploaded .ics become office-wide closures; a bad file is refused beside the
/// file field with the line it names.
#[post("/quan-tri/ngay-nghi/nhap-ics", data = "<upload>")]
pub async fn import_ics(
    by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    upload: CsrfUpload,
) -> Submitted {
    let imported = match upload.file {
        Ok(bytes) => match import::parse(&bytes).and_then(|p| import::closures(&p)) {
            Ok(wanted) => closures::import(db, by.id(), wanted).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match imported {
        Ok((created, _)) => {
            let year = created
                .first()
                .map(|c| c.starts_on.year())
                .unwrap_or_else(this_year);
            Ok(Ok(back(year, "nhap")))
        }
        // Every refusal of the file (its line, its size) goes beside the file field.
        Err(e @ (Error::Validation { .. } | Error::PayloadTooLarge(_) | Error::BadRequest(_))) => {
            let e = Error::Validation {
                field: "file".into(),
                msg: e.message(),
            };
            refused(db, &viewer, this_year(), Forms::default(), Which::Import, e).await
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        page,
        add,
        remove,
        enter_holidays,
        choose_national_day,
        add_working_day,
        remove_working_day,
        import_ics
    ]
}
