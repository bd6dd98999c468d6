//! Administration pages: accounts, agencies, persons, rooms (with equipment), the sign-in audit
//! log. Every route takes the `Admin` guard; forms keep what was typed when refused and show the
//! error beside its field.

use super::csrf::CsrfForm;
use super::page::{
    choices, optional_id, role_key, Choice, Field, FormView, Page, Row, TableView, Viewer,
};
use crate::auth::{signin, Admin};
use crate::db::Db;
use crate::domain::accounts::{self, AccountChanges, NewAccount};
use crate::domain::agencies::{self, AgencyInput};
use crate::domain::clock::OFFICE_TZ;
use crate::domain::persons::{self, PersonInput};
use crate::domain::rooms::{self, RoomInput};
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
const SAVED: &str = "luu=1";

/// The answer to a submitted form: back to the list, or the form again with the refusal.
type Submitted = Result<Result<Redirect, Page>>;

/// The choices the forms offer, read once per page.
struct Lookups {
    agencies: Vec<agency::Model>,
    equipment: Vec<equipment::Model>,
}

impl Lookups {
    async fn load(db: &Db) -> Result<Self> {
        Ok(Lookups {
            agencies: agencies::list(db).await?,
            equipment: rooms::equipment(db).await?,
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

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&OFFICE_TZ)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "✓"
    } else {
        ""
    }
}

/// A whole number typed in a form field, or a refusal naming it.
fn number(field: &str, value: &str) -> Result<i32> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(0);
    }
    v.parse()
        .map_err(|_| Error::invalid(field, "msg.admin.must_be_a_whole_number"))
}

fn non_empty(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// After a save: a refused input shows the form again (422); success goes to `list`, which says
/// it was saved.
fn finish(
    outcome: Result<()>,
    list: &str,
    viewer: &Viewer,
    title: &str,
    view: FormView,
) -> Submitted {
    match outcome {
        Ok(()) => Ok(Ok(Redirect::to(format!("{list}?{SAVED}")))),
        Err(e @ (Error::Validation { .. } | Error::Conflict { .. })) => {
            let view = view.refused(&e, viewer);
            Ok(Err((
                Status::UnprocessableEntity,
                viewer.forms(title, vec![view], None),
            )))
        }
        Err(e) => Err(e),
    }
}

// --- accounts ---

#[derive(FromForm, Default)]
pub struct AccountForm {
    #[field(default = String::new())]
    pub username: String,
    #[field(default = String::new())]
    pub display_name: String,
    #[field(default = String::new())]
    pub password: String,
    #[field(default = String::new())]
    pub role: String,
    #[field(default = String::new())]
    pub agency_id: String,
    #[field(default = false)]
    pub disabled: bool,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = false)]
    pub email_notifications: bool,
}

fn role_choices(selected: &str) -> Vec<Choice> {
    choices(
        Role::ALL.iter().map(|r| (r.code(), role_key(*r))),
        &[selected.to_string()],
    )
}

fn parse_role(value: &str) -> Result<Role> {
    Role::from_code(value).ok_or_else(|| Error::invalid("role", "msg.admin.not_a_valid_role"))
}

impl AccountForm {
    fn view(&self, action: String, lookups: &Lookups, creating: bool) -> FormView {
        let mut fields = Vec::new();
        if creating {
            fields.push(
                Field::text("username", "admin.accounts.username", &self.username).required(),
            );
        }
        fields.push(
            Field::text(
                "display_name",
                "admin.accounts.display_name",
                &self.display_name,
            )
            .required(),
        );
        if creating {
            fields.push(Field::password(
                "password",
                "admin.accounts.password",
                "new-password",
            ));
        }
        fields.push(
            Field::select("role", "admin.accounts.role", role_choices(&self.role)).translated(),
        );
        fields.push(Field::select(
            "agency_id",
            "admin.accounts.agency",
            lookups.agency_choices(&self.agency_id, true),
        ));
        if !creating {
            fields.push(Field::email("email", "account.email", &self.email));
            fields.push(Field::checkbox(
                "email_notifications",
                "account.email_notifications",
                self.email_notifications,
            ));
            fields.push(Field::checkbox(
                "disabled",
                "admin.accounts.disabled",
                self.disabled,
            ));
        }
        FormView::new(
            action,
            if creating {
                "common.create"
            } else {
                "common.save"
            },
            fields,
        )
    }
}

#[rocket::get("/quan-tri/tai-khoan?<luu>")]
pub async fn accounts_list(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    luu: Option<&str>,
) -> Result<Template> {
    let lookups = Lookups::load(db).await?;
    let tr = super::i18n::translations();
    let rows = accounts::list(db)
        .await?
        .into_iter()
        .map(|a| Row {
            href: Some(format!("/quan-tri/tai-khoan/{}", a.id)),
            cells: vec![
                a.username,
                a.display_name,
                tr.text(viewer.lang, &role_key(a.role)).to_string(),
                lookups.agency_name(a.agency_id),
                tr.text(
                    viewer.lang,
                    if a.disabled {
                        "admin.accounts.is_disabled"
                    } else {
                        "admin.accounts.is_active"
                    },
                )
                .to_string(),
                when(a.last_sign_in_at),
            ],
        })
        .collect();
    Ok(viewer.table_saying(
        "admin.accounts.title",
        TableView {
            columns: vec![
                "admin.accounts.username",
                "admin.accounts.display_name",
                "admin.accounts.role",
                "admin.accounts.agency",
                "admin.accounts.status",
                "admin.accounts.last_sign_in",
            ],
            editable: true,
            rows,
            new_href: Some("/quan-tri/tai-khoan/moi".into()),
            new_label: Some("admin.accounts.new"),
        },
        luu.map(|_| "common.saved"),
    ))
}

#[rocket::get("/quan-tri/tai-khoan/moi")]
pub async fn account_new(db: &State<Db>, _by: Admin, viewer: Viewer) -> Result<Template> {
    let form = AccountForm {
        role: Role::AgencyClerk.code().into(),
        ..Default::default()
    };
    let view = form.view(
        "/quan-tri/tai-khoan".into(),
        &Lookups::load(db).await?,
        true,
    );
    Ok(viewer.forms("admin.accounts.new", vec![view], None))
}

#[rocket::post("/quan-tri/tai-khoan", data = "<form>")]
pub async fn account_create(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<AccountForm>,
) -> Submitted {
    let form = form.0;
    let outcome = async {
        let input = NewAccount {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            password: form.password.clone(),
            role: parse_role(&form.role)?,
            agency_id: optional_id("agency_id", &form.agency_id)?,
            person_id: None,
        };
        accounts::create(db, input).await.map(|_| ())
    }
    .await;
    let view = form.view(
        "/quan-tri/tai-khoan".into(),
        &Lookups::load(db).await?,
        true,
    );
    finish(
        outcome,
        "/quan-tri/tai-khoan",
        &viewer,
        "admin.accounts.new",
        view,
    )
}

#[derive(FromForm, Default)]
pub struct ResetForm {
    #[field(default = String::new())]
    pub new_password: String,
}

fn reset_view(id: i32) -> FormView {
    FormView::new(
        format!("/quan-tri/tai-khoan/{id}/mat-khau"),
        "admin.accounts.reset",
        vec![Field::password(
            "new_password",
            "password.new",
            "new-password",
        )],
    )
    .heading("admin.accounts.reset")
}

async fn account_forms(
    db: &Db,
    id: i32,
    form: Option<AccountForm>,
) -> Result<(FormView, FormView)> {
    let form = match form {
        Some(f) => f,
        None => {
            let a = accounts::get(db, id).await?;
            AccountForm {
                username: a.username,
                display_name: a.display_name,
                role: a.role.code().into(),
                agency_id: a.agency_id.map(|i| i.to_string()).unwrap_or_default(),
                disabled: a.disabled,
                email: a.email.unwrap_or_default(),
                email_notifications: a.email_notifications,
                ..Default::default()
            }
        }
    };
    let edit = form.view(
        format!("/quan-tri/tai-khoan/{id}"),
        &Lookups::load(db).await?,
        false,
    );
    Ok((edit, reset_view(id)))
}

#[rocket::get("/quan-tri/tai-khoan/<id>")]
pub async fn account_edit(db: &State<Db>, _by: Admin, viewer: Viewer, id: i32) -> Result<Template> {
    let (edit, reset) = account_forms(db, id, None).await?;
    Ok(viewer.forms("admin.accounts.edit", vec![edit, reset], None))
}

#[rocket::post("/quan-tri/tai-khoan/<id>", data = "<form>")]
pub async fn account_update(
    db: &State<Db>,
    by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<AccountForm>,
) -> Submitted {
    let form = form.0;
    let outcome = async {
        let changes = AccountChanges {
            role: Some(parse_role(&form.role)?),
            agency_id: Some(optional_id("agency_id", &form.agency_id)?),
            display_name: Some(form.display_name.clone()),
            disabled: Some(form.disabled),
            email: Some(Some(form.email.clone()).filter(|e| !e.trim().is_empty())),
            email_notifications: Some(form.email_notifications),
        };
        accounts::update(db, by.id(), id, changes).await.map(|_| ())
    }
    .await;
    match outcome {
        Err(e @ (Error::Validation { .. } | Error::Conflict { .. })) => {
            let (edit, reset) = account_forms(db, id, Some(form)).await?;
            let page = viewer.forms(
                "admin.accounts.edit",
                vec![edit.refused(&e, &viewer), reset],
                None,
            );
            Ok(Err((Status::UnprocessableEntity, page)))
        }
        Ok(()) => Ok(Ok(Redirect::to(format!("/quan-tri/tai-khoan?{SAVED}")))),
        Err(e) => Err(e),
    }
}

/// Sets a new password; every session of the account ends at once.
#[rocket::post("/quan-tri/tai-khoan/<id>/mat-khau", data = "<form>")]
pub async fn account_reset_password(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<ResetForm>,
) -> Result<Result<Template, Page>> {
    let outcome = accounts::reset_password(db, id, &form.0.new_password).await;
    let (edit, reset) = account_forms(db, id, None).await?;
    match outcome {
        Ok(_) => Ok(Ok(viewer.forms(
            "admin.accounts.edit",
            vec![edit, reset],
            Some("admin.accounts.reset_done"),
        ))),
        Err(e @ Error::Validation { .. }) => {
            let page = viewer.forms(
                "admin.accounts.edit",
                vec![edit, reset.refused(&e, &viewer)],
                None,
            );
            Ok(Err((Status::UnprocessableEntity, page)))
        }
        Err(e) => Err(e),
    }
}

// --- agencies, persons and rooms: pages that differ only in their form ---

/// A form of reference data (agency, person, room).
#[rocket::async_trait]
trait RecordForm: Sized + Send + Sync {
    /// The list page; `BASE/moi` adds a record, `BASE/<id>` edits one.
    const BASE: &'static str;
    const NEW_TITLE: &'static str;
    const EDIT_TITLE: &'static str;
    fn blank() -> Self;
    async fn load(db: &Db, id: i32) -> Result<Self>;
    async fn save(&self, db: &Db, id: Option<i32>) -> Result<()>;
    fn view(&self, action: String, lookups: &Lookups, lang: Lang) -> FormView;
}

fn action_of<F: RecordForm>(id: Option<i32>) -> String {
    match id {
        Some(id) => format!("{}/{id}", F::BASE),
        None => F::BASE.to_string(),
    }
}

async fn new_page<F: RecordForm>(db: &Db, viewer: &Viewer) -> Result<Template> {
    let view = F::blank().view(action_of::<F>(None), &Lookups::load(db).await?, viewer.lang);
    Ok(viewer.forms(F::NEW_TITLE, vec![view], None))
}

async fn edit_page<F: RecordForm>(db: &Db, viewer: &Viewer, id: i32) -> Result<Template> {
    let form = F::load(db, id).await?;
    let view = form.view(
        action_of::<F>(Some(id)),
        &Lookups::load(db).await?,
        viewer.lang,
    );
    Ok(viewer.forms(F::EDIT_TITLE, vec![view], None))
}

/// Creates (`id` None) or replaces a record; a refusal shows the form again as typed.
async fn submit<F: RecordForm>(db: &Db, viewer: &Viewer, id: Option<i32>, form: F) -> Submitted {
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

// --- agencies ---

#[derive(FromForm, Default)]
pub struct AgencyForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub short_name: String,
    #[field(default = String::new())]
    pub kind: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = false)]
    pub active: bool,
    #[field(default = String::new())]
    pub sort_order: String,
}

#[rocket::async_trait]
impl RecordForm for AgencyForm {
    const BASE: &'static str = "/quan-tri/don-vi";
    const NEW_TITLE: &'static str = "admin.agencies.new";
    const EDIT_TITLE: &'static str = "admin.agencies.edit";

    fn blank() -> Self {
        AgencyForm {
            kind: AgencyKind::SoBanNganh.code().into(),
            active: true,
            ..Default::default()
        }
    }

    async fn load(db: &Db, id: i32) -> Result<Self> {
        Ok(AgencyForm::from_model(agencies::get(db, id).await?))
    }

    async fn save(&self, db: &Db, id: Option<i32>) -> Result<()> {
        agencies::save(db, id, self.input()?).await.map(|_| ())
    }

    fn view(&self, action: String, _: &Lookups, _: Lang) -> FormView {
        self.form_view(action)
    }
}

impl AgencyForm {
    fn from_model(a: agency::Model) -> Self {
        AgencyForm {
            name: a.name,
            short_name: a.short_name,
            kind: a.kind.code().into(),
            email: a.email.unwrap_or_default(),
            active: a.active,
            sort_order: a.sort_order.to_string(),
        }
    }

    fn input(&self) -> Result<AgencyInput> {
        Ok(AgencyInput {
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            kind: AgencyKind::from_code(&self.kind)
                .ok_or_else(|| Error::invalid("kind", "msg.admin.not_a_valid_kind_of_agency"))?,
            email: non_empty(&self.email),
            active: self.active,
            sort_order: number("sort_order", &self.sort_order)?,
        })
    }

    fn form_view(&self, action: String) -> FormView {
        let kinds = AgencyKind::ALL
            .iter()
            .map(|k| (k.code(), format!("agency_kind.{}", k.code())));
        FormView::new(
            action,
            "common.save",
            vec![
                Field::text("name", "admin.agencies.name", &self.name).required(),
                Field::text("short_name", "admin.agencies.short_name", &self.short_name).required(),
                Field::select(
                    "kind",
                    "admin.agencies.kind",
                    choices(kinds, std::slice::from_ref(&self.kind)),
                )
                .translated(),
                Field::email("email", "admin.agencies.email", &self.email),
                Field::number("sort_order", "common.sort_order", &self.sort_order),
                Field::checkbox("active", "common.active", self.active),
            ],
        )
    }
}

#[rocket::get("/quan-tri/don-vi?<luu>")]
pub async fn agencies_list(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    luu: Option<&str>,
) -> Result<Template> {
    let tr = super::i18n::translations();
    let rows = agencies::list(db)
        .await?
        .into_iter()
        .map(|a| Row {
            href: Some(format!("/quan-tri/don-vi/{}", a.id)),
            cells: vec![
                a.name,
                a.short_name,
                tr.text(viewer.lang, &format!("agency_kind.{}", a.kind.code()))
                    .to_string(),
                yes_no(a.active).into(),
            ],
        })
        .collect();
    Ok(viewer.table_saying(
        "admin.agencies.title",
        TableView {
            columns: vec![
                "admin.agencies.name",
                "admin.agencies.short_name",
                "admin.agencies.kind",
                "common.active",
            ],
            editable: true,
            rows,
            new_href: Some("/quan-tri/don-vi/moi".into()),
            new_label: Some("admin.agencies.new"),
        },
        luu.map(|_| "common.saved"),
    ))
}

#[rocket::get("/quan-tri/don-vi/moi")]
pub async fn agency_new(db: &State<Db>, _by: Admin, viewer: Viewer) -> Result<Template> {
    new_page::<AgencyForm>(db, &viewer).await
}

#[rocket::post("/quan-tri/don-vi", data = "<form>")]
pub async fn agency_create(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<AgencyForm>,
) -> Submitted {
    submit(db, &viewer, None, form.0).await
}

#[rocket::get("/quan-tri/don-vi/<id>")]
pub async fn agency_edit(db: &State<Db>, _by: Admin, viewer: Viewer, id: i32) -> Result<Template> {
    edit_page::<AgencyForm>(db, &viewer, id).await
}

#[rocket::post("/quan-tri/don-vi/<id>", data = "<form>")]
pub async fn agency_update(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<AgencyForm>,
) -> Submitted {
    submit(db, &viewer, Some(id), form.0).await
}

// --- persons ---

#[derive(FromForm, Default)]
pub struct PersonForm {
    #[field(default = String::new())]
    pub full_name: String,
    #[field(default = String::new())]
    pub position: String,
    #[field(default = String::new())]
    pub agency_id: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub phone: String,
    #[field(default = false)]
    pub is_leader: bool,
    #[field(default = String::new())]
    pub sort_order: String,
    #[field(default = false)]
    pub active: bool,
}

#[rocket::async_trait]
impl RecordForm for PersonForm {
    const BASE: &'static str = "/quan-tri/can-bo";
    const NEW_TITLE: &'static str = "admin.persons.new";
    const EDIT_TITLE: &'static str = "admin.persons.edit";

    fn blank() -> Self {
        PersonForm {
            active: true,
            ..Default::default()
        }
    }

    async fn load(db: &Db, id: i32) -> Result<Self> {
        Ok(PersonForm::from_model(persons::get(db, id).await?))
    }

    async fn save(&self, db: &Db, id: Option<i32>) -> Result<()> {
        persons::save(db, id, self.input()?).await.map(|_| ())
    }

    fn view(&self, action: String, lookups: &Lookups, _: Lang) -> FormView {
        self.form_view(action, lookups)
    }
}

impl PersonForm {
    fn from_model(p: entity::person::Model) -> Self {
        PersonForm {
            full_name: p.full_name,
            position: p.position,
            agency_id: p.agency_id.to_string(),
            email: p.email.unwrap_or_default(),
            phone: p.phone.unwrap_or_default(),
            is_leader: p.is_leader,
            sort_order: p.sort_order.to_string(),
            active: p.active,
        }
    }

    fn input(&self) -> Result<PersonInput> {
        Ok(PersonInput {
            full_name: self.full_name.clone(),
            position: self.position.clone(),
            agency_id: optional_id("agency_id", &self.agency_id)?
                .ok_or_else(|| Error::invalid("agency_id", "msg.admin.choose_an_agency"))?,
            email: non_empty(&self.email),
            phone: non_empty(&self.phone),
            is_leader: self.is_leader,
            sort_order: number("sort_order", &self.sort_order)?,
            active: self.active,
        })
    }

    fn form_view(&self, action: String, lookups: &Lookups) -> FormView {
        FormView::new(
            action,
            "common.save",
            vec![
                Field::text("full_name", "admin.persons.full_name", &self.full_name).required(),
                Field::text("position", "admin.persons.position", &self.position).required(),
                Field::select(
                    "agency_id",
                    "admin.persons.agency",
                    lookups.agency_choices(&self.agency_id, true),
                ),
                Field::email("email", "admin.persons.email", &self.email),
                Field::text("phone", "admin.persons.phone", &self.phone),
                Field::checkbox("is_leader", "admin.persons.is_leader", self.is_leader),
                Field::number("sort_order", "common.sort_order", &self.sort_order),
                Field::checkbox("active", "common.active", self.active),
            ],
        )
    }
}

#[rocket::get("/quan-tri/can-bo?<luu>")]
pub async fn persons_list(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    luu: Option<&str>,
) -> Result<Template> {
    let lookups = Lookups::load(db).await?;
    let rows = persons::list(db, false)
        .await?
        .into_iter()
        .map(|p| Row {
            href: Some(format!("/quan-tri/can-bo/{}", p.id)),
            cells: vec![
                p.full_name,
                p.position,
                lookups.agency_name(Some(p.agency_id)),
                yes_no(p.is_leader).into(),
            ],
        })
        .collect();
    Ok(viewer.table_saying(
        "admin.persons.title",
        TableView {
            columns: vec![
                "admin.persons.full_name",
                "admin.persons.position",
                "admin.persons.agency",
                "admin.persons.is_leader",
            ],
            editable: true,
            rows,
            new_href: Some("/quan-tri/can-bo/moi".into()),
            new_label: Some("admin.persons.new"),
        },
        luu.map(|_| "common.saved"),
    ))
}

#[rocket::get("/quan-tri/can-bo/moi")]
pub async fn person_new(db: &State<Db>, _by: Admin, viewer: Viewer) -> Result<Template> {
    new_page::<PersonForm>(db, &viewer).await
}

#[rocket::post("/quan-tri/can-bo", data = "<form>")]
pub async fn person_create(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<PersonForm>,
) -> Submitted {
    submit(db, &viewer, None, form.0).await
}

#[rocket::get("/quan-tri/can-bo/<id>")]
pub async fn person_edit(db: &State<Db>, _by: Admin, viewer: Viewer, id: i32) -> Result<Template> {
    edit_page::<PersonForm>(db, &viewer, id).await
}

#[rocket::post("/quan-tri/can-bo/<id>", data = "<form>")]
pub async fn person_update(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<PersonForm>,
) -> Submitted {
    submit(db, &viewer, Some(id), form.0).await
}

// --- rooms ---

#[derive(FromForm, Default)]
pub struct RoomForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub building: String,
    #[field(default = String::new())]
    pub floor: String,
    #[field(default = String::new())]
    pub capacity: String,
    #[field(default = false)]
    pub bookable: bool,
    #[field(default = String::new())]
    pub notes: String,
    #[field(default = String::new())]
    pub sort_order: String,
    #[field(default = Vec::new())]
    pub equipment: Vec<String>,
}

#[rocket::async_trait]
impl RecordForm for RoomForm {
    const BASE: &'static str = "/quan-tri/phong-hop";
    const NEW_TITLE: &'static str = "admin.rooms.new";
    const EDIT_TITLE: &'static str = "admin.rooms.edit";

    fn blank() -> Self {
        RoomForm {
            bookable: true,
            ..Default::default()
        }
    }

    async fn load(db: &Db, id: i32) -> Result<Self> {
        Ok(RoomForm::from_view(rooms::get(db, id).await?))
    }

    async fn save(&self, db: &Db, id: Option<i32>) -> Result<()> {
        rooms::save(db, id, self.input()?).await.map(|_| ())
    }

    fn view(&self, action: String, lookups: &Lookups, lang: Lang) -> FormView {
        self.form_view(action, lookups, lang)
    }
}

impl RoomForm {
    fn from_view(v: rooms::RoomView) -> Self {
        RoomForm {
            name: v.room.name,
            building: v.room.building,
            floor: v.room.floor.unwrap_or_default(),
            capacity: v.room.capacity.to_string(),
            bookable: v.room.bookable,
            notes: v.room.notes.unwrap_or_default(),
            sort_order: v.room.sort_order.to_string(),
            equipment: v.equipment,
        }
    }

    fn input(&self) -> Result<RoomInput> {
        Ok(RoomInput {
            name: self.name.clone(),
            building: self.building.clone(),
            floor: non_empty(&self.floor),
            capacity: number("capacity", &self.capacity)?,
            bookable: self.bookable,
            notes: non_empty(&self.notes),
            sort_order: number("sort_order", &self.sort_order)?,
            equipment: self.equipment.clone(),
        })
    }

    fn form_view(&self, action: String, lookups: &Lookups, lang: Lang) -> FormView {
        let kinds = lookups.equipment.iter().map(|e| {
            let name = if lang == Lang::En {
                &e.name_en
            } else {
                &e.name_vi
            };
            (e.code.clone(), name.clone())
        });
        FormView::new(
            action,
            "common.save",
            vec![
                Field::text("name", "admin.rooms.name", &self.name).required(),
                Field::text("building", "admin.rooms.building", &self.building).required(),
                Field::text("floor", "admin.rooms.floor", &self.floor),
                Field::number("capacity", "admin.rooms.capacity", &self.capacity).required(),
                Field::checkboxes(
                    "equipment",
                    "admin.rooms.equipment",
                    choices(kinds, &self.equipment),
                ),
                Field::textarea("notes", "admin.rooms.notes", &self.notes),
                Field::number("sort_order", "common.sort_order", &self.sort_order),
                Field::checkbox("bookable", "admin.rooms.bookable", self.bookable),
            ],
        )
    }
}

#[rocket::get("/quan-tri/phong-hop?<luu>")]
pub async fn rooms_list(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    luu: Option<&str>,
) -> Result<Template> {
    let rows = rooms::list(db)
        .await?
        .into_iter()
        .map(|v| Row {
            href: Some(format!("/quan-tri/phong-hop/{}", v.room.id)),
            cells: vec![
                v.room.name,
                [Some(v.room.building), v.room.floor]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                v.room.capacity.to_string(),
                v.equipment.join(", "),
                yes_no(v.room.bookable).into(),
            ],
        })
        .collect();
    Ok(viewer.table_saying(
        "admin.rooms.title",
        TableView {
            columns: vec![
                "admin.rooms.name",
                "admin.rooms.building",
                "admin.rooms.capacity",
                "admin.rooms.equipment",
                "admin.rooms.bookable",
            ],
            editable: true,
            rows,
            new_href: Some("/quan-tri/phong-hop/moi".into()),
            new_label: Some("admin.rooms.new"),
        },
        luu.map(|_| "common.saved"),
    ))
}

#[rocket::get("/quan-tri/phong-hop/moi")]
pub async fn room_new(db: &State<Db>, _by: Admin, viewer: Viewer) -> Result<Template> {
    new_page::<RoomForm>(db, &viewer).await
}

#[rocket::post("/quan-tri/phong-hop", data = "<form>")]
pub async fn room_create(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<RoomForm>,
) -> Submitted {
    submit(db, &viewer, None, form.0).await
}

#[rocket::get("/quan-tri/phong-hop/<id>")]
pub async fn room_edit(db: &State<Db>, _by: Admin, viewer: Viewer, id: i32) -> Result<Template> {
    edit_page::<RoomForm>(db, &viewer, id).await
}

#[rocket::post("/quan-tri/phong-hop/<id>", data = "<form>")]
pub async fn room_update(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<RoomForm>,
) -> Submitted {
    submit(db, &viewer, Some(id), form.0).await
}

// --- sign-in audit log ---

#[rocket::get("/quan-tri/nhat-ky-dang-nhap?<username>")]
pub async fn auth_log(
    db: &State<Db>,
    _by: Admin,
    viewer: Viewer,
    username: Option<&str>,
) -> Result<Template> {
    let tr = super::i18n::translations();
    let rows = signin::audit_log(db, username, Some(500))
        .await?
        .into_iter()
        .map(|e| Row {
            href: None,
            cells: vec![
                when(Some(e.at)),
                e.username,
                tr.text(viewer.lang, &format!("auth_event.{}", e.kind))
                    .to_string(),
                e.client_ip.unwrap_or_default(),
                e.detail.unwrap_or_default(),
            ],
        })
        .collect();
    Ok(viewer.table(
        "admin.auth_log.title",
        TableView {
            columns: vec![
                "admin.auth_log.at",
                "admin.auth_log.username",
                "admin.auth_log.kind",
                "admin.auth_log.client_ip",
                "admin.auth_log.detail",
            ],
            editable: false,
            rows,
            new_href: None,
            new_label: None,
        },
    ))
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
