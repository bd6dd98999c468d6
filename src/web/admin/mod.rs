//! Administration pages: accounts, agencies, persons, rooms (with equipment), the sign-in audit
//! log. Every route takes the `Admin` guard; forms keep what was typed when refused and show the
//! error beside its field.

mod accounts;
mod agencies;
mod persons;
mod rooms;
mod sign_ins;

use accounts::*;
use agencies::*;
use persons::*;
use rooms::*;
use sign_ins::*;

use super::csrf::CsrfForm;
use super::page::{
    choices, optional_id, role_key, Choice, Field, FormView, Page, Row, TableView, Viewer,
};
use crate::auth::{signin, Admin};
use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::error::Lang;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use entity::{agency, equipment, AgencyKind, Role};
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;
use rocket_dyn_templates::Template;

/// The query a list is shown with after a save, so that it says so.
pub(super) const SAVED: &str = "luu=1";

/// The answer to a submitted form: back to the list, or the form again with the refusal.
pub(super) type Submitted = Result<Result<Redirect, Page>>;

/// The choices the forms offer, read once per page.
pub(super) struct Lookups {
    agencies: Vec<agency::Model>,
    equipment: Vec<equipment::Model>,
}

impl Lookups {
    async fn load(db: &Db) -> Result<Self> {
        Ok(Lookups {
            agencies: crate::domain::agencies::list(db).await?,
            equipment: crate::domain::rooms::equipment(db).await?,
        })
    }

    fn agency_name(&self, id: Option<i32>) -> String {
        id.and_then(|id| self.agencies.iter().find(|a| a.id == id))
            .map(|a| a.short_name.clone())
            .unwrap_or_default()
    }

    /// Agencies as choices, with an empty first choice when `optional`.
    fn agency_choices(&self, selected: &str, optional: bool) -> Vec<Choice> {
        let none = optional.then(|| (String::new(), "—".to_string()));
        let all = self
            .agencies
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone()));
        choices(none.into_iter().chain(all), &[selected.to_string()])
    }
}

pub(super) fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&OFFICE_TZ)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

pub(super) fn yes_no(b: bool) -> &'static str {
    if b {
        "✓"
    } else {
        ""
    }
}

/// A whole number typed in a form field, or a refusal naming it.
pub(super) fn number(field: &str, value: &str) -> Result<i32> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(0);
    }
    v.parse()
        .map_err(|_| Error::invalid(field, "msg.admin.must_be_a_whole_number"))
}

pub(super) fn non_empty(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// After a save: a refused input shows the form again (422); success goes to `list`, which says
/// it was saved.
pub(super) fn finish(
    outcome: Result<()>,
    list: &str,
    viewer: &Viewer,
    title: &str,
    view: FormView,
) -> Submitted {
    let refused = |e: &Error| Ok(viewer.forms(title, vec![view.refused(e, viewer)], None));
    finish_with(outcome, list, refused)
}

/// [`finish`] for a page of several forms: `refused` makes the page that shows the refusal.
pub(super) fn finish_with(
    outcome: Result<()>,
    list: &str,
    refused: impl FnOnce(&Error) -> Result<Template>,
) -> Submitted {
    match outcome {
        Ok(()) => Ok(Ok(Redirect::to(format!("{list}?{SAVED}")))),
        Err(e @ (Error::Validation { .. } | Error::Conflict { .. })) => {
            Ok(Err((Status::UnprocessableEntity, refused(&e)?)))
        }
        Err(e) => Err(e),
    }
}

/// The list page of an administration table: its rows link to their edit page, a link adds one
/// (`base/moi`), and after a save (`luu`) it says so.
pub(super) fn list_page(
    viewer: &Viewer,
    title: &str,
    columns: Vec<&'static str>,
    rows: Vec<Row>,
    (base, new_label): (&str, &'static str),
    luu: Option<&str>,
) -> Template {
    viewer.table_saying(
        title,
        TableView {
            columns,
            editable: true,
            rows,
            new_href: Some(format!("{base}/moi")),
            new_label: Some(new_label),
        },
        luu.map(|_| "common.saved"),
    )
}

// --- agencies, persons and rooms: pages that differ only in their form ---

/// A form of reference data (agency, person, room).
#[rocket::async_trait]
pub(super) trait RecordForm: Sized + Send + Sync {
    /// The list page; `BASE/moi` adds a record, `BASE/<id>` edits one.
    const BASE: &'static str;
    const NEW_TITLE: &'static str;
    const EDIT_TITLE: &'static str;
    fn blank() -> Self;
    async fn load(db: &Db, id: i32) -> Result<Self>;
    async fn save(&self, db: &Db, id: Option<i32>) -> Result<()>;
    fn view(&self, action: String, lookups: &Lookups, lang: Lang) -> FormView;
}

pub(super) fn action_of<F: RecordForm>(id: Option<i32>) -> String {
    match id {
        Some(id) => format!("{}/{id}", F::BASE),
        None => F::BASE.to_string(),
    }
}

pub(super) async fn new_page<F: RecordForm>(db: &Db, viewer: &Viewer) -> Result<Template> {
    let view = F::blank().view(action_of::<F>(None), &Lookups::load(db).await?, viewer.lang);
    Ok(viewer.forms(F::NEW_TITLE, vec![view], None))
}

pub(super) async fn edit_page<F: RecordForm>(
    db: &Db,
    viewer: &Viewer,
    id: i32,
) -> Result<Template> {
    let form = F::load(db, id).await?;
    let view = form.view(
        action_of::<F>(Some(id)),
        &Lookups::load(db).await?,
        viewer.lang,
    );
    Ok(viewer.forms(F::EDIT_TITLE, vec![view], None))
}

/// Creates (`id` None) or replaces a record; a refusal shows the form again as typed.
pub(super) async fn submit<F: RecordForm>(
    db: &Db,
    viewer: &Viewer,
    id: Option<i32>,
    form: F,
) -> Submitted {
    if let Some(id) = id {
        F::load(db, id).await?;
    }
    let outcome = form.save(db, id).await;
    let title = if id.is_some() {
        F::EDIT_TITLE
    } else {
        F::NEW_TITLE
    };
    let view = form.view(action_of::<F>(id), &Lookups::load(db).await?, viewer.lang);
    finish(outcome, F::BASE, viewer, title, view)
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        accounts_list,
        account_new,
        account_create,
        account_edit,
        account_update,
        account_reset_password,
        agencies_list,
        agency_new,
        agency_create,
        agency_edit,
        agency_update,
        persons_list,
        person_new,
        person_create,
        person_edit,
        person_update,
        rooms_list,
        room_new,
        room_create,
        room_edit,
        room_update,
        auth_log,
    ]
}
