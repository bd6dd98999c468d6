//! `/quan-tri/cai-dat`: the office's settings (office hours, buffer between meetings, deadlines,
//! who may approve, how long cancelled meetings stay in feeds, …), the page of
//! `PUT /api/v1/settings`, for the administrator. A refused value is shown beside its field in
//! the page's language, with everything typed kept.

use super::csrf::CsrfForm;
use super::page::{choices, Field, FormView, Page, Viewer};
use crate::auth::Admin;
use crate::db::Db;
use crate::domain::settings::{self, Settings};
use crate::{Error, Result};
use chrono::NaiveTime;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{get, post, FromForm, State};
use rocket_dyn_templates::Template;

const PATH: &str = "/quan-tri/cai-dat";
const TITLE: &str = "settings.title";

/// Every setting as typed (text), so that a refusal shows back exactly what was sent.
#[derive(FromForm, Default)]
pub struct SettingsForm {
    #[field(default = String::new())]
    pub office_opens: String,
    #[field(default = String::new())]
    pub office_closes: String,
    #[field(default = String::new())]
    pub lunch_starts: String,
    #[field(default = String::new())]
    pub lunch_ends: String,
    #[field(default = String::new())]
    pub find_days: String,
    #[field(default = String::new())]
    pub find_per_day: String,
    #[field(default = String::new())]
    pub room_buffer_minutes: String,
    #[field(default = String::new())]
    pub registration_lead_working_days: String,
    #[field(default = String::new())]
    pub documents_lead_working_days: String,
    #[field(default = String::new())]
    pub cutoff_weekday: String,
    #[field(default = String::new())]
    pub cutoff_time: String,
    #[field(default = false)]
    pub staff_may_approve: bool,
    #[field(default = String::new())]
    pub cancelled_in_feeds_days: String,
    #[field(default = String::new())]
    pub max_document_mib: String,
    #[field(default = String::new())]
    pub province_name: String,
    #[field(default = String::new())]
    pub place_name: String,
    #[field(default = String::new())]
    pub signer_capacity: String,
    #[field(default = String::new())]
    pub signer_position: String,
    #[field(default = String::new())]
    pub signer_name: String,
    /// One recipient per line.
    #[field(default = String::new())]
    pub recipients: String,
}

/// A time typed as HH:MM (what `<input type="time">` sends), or HH:MM:SS.
fn time(field: &str, value: &str) -> Result<NaiveTime> {
    let v = value.trim();
    NaiveTime::parse_from_str(v, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M:%S"))
        .map_err(|_| Error::invalid(field, "msg.settings.give_a_time_as_hh_mm"))
}

/// A whole number typed in `field`.
fn whole<T: std::str::FromStr>(field: &str, value: &str) -> Result<T> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::invalid(field, "msg.settings.must_be_a_whole_number"))
}

impl SettingsForm {
    fn of(s: &Settings) -> Self {
        let hm = |t: NaiveTime| t.format("%H:%M").to_string();
        SettingsForm {
            office_opens: hm(s.office_opens),
            office_closes: hm(s.office_closes),
            lunch_starts: hm(s.lunch_starts),
            lunch_ends: hm(s.lunch_ends),
            find_days: s.find_days.to_string(),
            find_per_day: s.find_per_day.to_string(),
            room_buffer_minutes: s.room_buffer_minutes.to_string(),
            registration_lead_working_days: s.registration_lead_working_days.to_string(),
            documents_lead_working_days: s.documents_lead_working_days.to_string(),
            cutoff_weekday: s.cutoff_weekday.to_string(),
            cutoff_time: hm(s.cutoff_time),
            staff_may_approve: s.staff_may_approve,
            cancelled_in_feeds_days: s.cancelled_in_feeds_days.to_string(),
            max_document_mib: s.max_document_mib.to_string(),
            province_name: s.province_name.clone(),
            place_name: s.place_name.clone(),
            signer_capacity: s.signer_capacity.clone(),
            signer_position: s.signer_position.clone(),
            signer_name: s.signer_name.clone(),
            recipients: s.recipients.join("\n"),
        }
    }

    /// The settings typed; the first value that does not parse is refused naming its field
    /// (the ranges are checked by `Settings::validate` when saving).
    fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            office_opens: time("office_opens", &self.office_opens)?,
            office_closes: time("office_closes", &self.office_closes)?,
            lunch_starts: time("lunch_starts", &self.lunch_starts)?,
            lunch_ends: time("lunch_ends", &self.lunch_ends)?,
            find_days: whole("find_days", &self.find_days)?,
            find_per_day: whole("find_per_day", &self.find_per_day)?,
            room_buffer_minutes: whole("room_buffer_minutes", &self.room_buffer_minutes)?,
            registration_lead_working_days: whole(
                "registration_lead_working_days",
                &self.registration_lead_working_days,
            )?,
            documents_lead_working_days: whole(
                "documents_lead_working_days",
                &self.documents_lead_working_days,
            )?,
            cutoff_weekday: whole("cutoff_weekday", &self.cutoff_weekday)?,
            cutoff_time: time("cutoff_time", &self.cutoff_time)?,
            staff_may_approve: self.staff_may_approve,
            cancelled_in_feeds_days: whole(
                "cancelled_in_feeds_days",
                &self.cancelled_in_feeds_days,
            )?,
            max_document_mib: whole("max_document_mib", &self.max_document_mib)?,
            province_name: self.province_name.trim().to_string(),
            place_name: self.place_name.trim().to_string(),
            signer_capacity: self.signer_capacity.trim().to_string(),
            signer_position: self.signer_position.trim().to_string(),
            signer_name: self.signer_name.trim().to_string(),
            recipients: self
                .recipients
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        })
    }

    fn view(&self) -> FormView {
        let weekdays = choices(
            (1..=7).map(|d| (d, format!("weekday.{d}"))),
            std::slice::from_ref(&self.cutoff_weekday),
        );
        let fields = vec![
            Field::text("office_opens", "settings.office_opens", &self.office_opens)
                .of_kind("time")
                .required()
                .hint("settings.office_opens_hint"),
            Field::text(
                "office_closes",
                "settings.office_closes",
                &self.office_closes,
            )
            .of_kind("time")
            .required(),
            Field::text("lunch_starts", "settings.lunch_starts", &self.lunch_starts)
                .of_kind("time")
                .required()
                .hint("settings.lunch_hint"),
            Field::text("lunch_ends", "settings.lunch_ends", &self.lunch_ends)
                .of_kind("time")
                .required(),
            Field::number("find_days", "settings.find_days", &self.find_days)
                .required()
                .hint("settings.find_days_hint"),
            Field::number("find_per_day", "settings.find_per_day", &self.find_per_day)
                .required()
                .hint("settings.find_per_day_hint"),
            Field::number(
                "room_buffer_minutes",
                "settings.room_buffer_minutes",
                &self.room_buffer_minutes,
            )
            .required()
            .hint("settings.room_buffer_minutes_hint"),
            Field::number(
                "registration_lead_working_days",
                "settings.registration_lead_working_days",
                &self.registration_lead_working_days,
            )
            .required()
            .hint("settings.registration_lead_working_days_hint"),
            Field::number(
                "documents_lead_working_days",
                "settings.documents_lead_working_days",
                &self.documents_lead_working_days,
            )
            .required()
            .hint("settings.documents_lead_working_days_hint"),
            Field::select("cutoff_weekday", "settings.cutoff_weekday", weekdays)
                .translated()
                .hint("settings.cutoff_weekday_hint"),
            Field::text("cutoff_time", "settings.cutoff_time", &self.cutoff_time)
                .of_kind("time")
                .required(),
            Field::checkbox(
                "staff_may_approve",
                "settings.staff_may_approve",
                self.staff_may_approve,
            )
            .hint("settings.staff_may_approve_hint"),
            Field::number(
                "cancelled_in_feeds_days",
                "settings.cancelled_in_feeds_days",
                &self.cancelled_in_feeds_days,
            )
            .required()
            .hint("settings.cancelled_in_feeds_days_hint"),
            Field::number(
                "max_document_mib",
                "settings.max_document_mib",
                &self.max_document_mib,
            )
            .required()
            .hint("settings.max_document_mib_hint"),
            Field::text(
                "province_name",
                "settings.province_name",
                &self.province_name,
            )
            .required()
            .hint("settings.province_name_hint"),
            Field::text("place_name", "settings.place_name", &self.place_name)
                .required()
                .hint("settings.place_name_hint"),
            Field::text(
                "signer_capacity",
                "settings.signer_capacity",
                &self.signer_capacity,
            )
            .required()
            .hint("settings.signer_capacity_hint"),
            Field::text(
                "signer_position",
                "settings.signer_position",
                &self.signer_position,
            )
            .required(),
            Field::text("signer_name", "settings.signer_name", &self.signer_name).required(),
            Field::textarea("recipients", "settings.recipients", &self.recipients)
                .hint("settings.recipients_hint"),
        ];
        FormView::new(PATH, "common.save", fields)
    }
}

#[get("/quan-tri/cai-dat?<da_luu>")]
pub async fn page(
    _by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    da_luu: Option<&str>,
) -> Result<Template> {
    let current = settings::load(db).await?;
    let notice = da_luu.map(|_| "settings.saved");
    Ok(viewer.forms(TITLE, vec![SettingsForm::of(&current).view()], notice))
}

#[post("/quan-tri/cai-dat", data = "<form>")]
pub async fn save(
    _by: Admin,
    db: &State<Db>,
    viewer: Viewer,
    form: CsrfForm<SettingsForm>,
) -> Result<Result<Redirect, Page>> {
    let form = form.0;
    let saved = match form.settings() {
        Ok(s) => settings::save(db, &s).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(Ok(Redirect::to(format!("{PATH}?da_luu=1")))),
        Err(e @ Error::Validation { .. }) => {
            let view = form.view().refused(&e, &viewer);
            Ok(Err((
                Status::UnprocessableEntity,
                viewer.forms(TITLE, vec![view], None),
            )))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page, save]
}
