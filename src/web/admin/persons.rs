//! `/quan-tri/can-bo`: the persons who chair and attend meetings.

use super::*;
use crate::domain::persons::{self, PersonInput};

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
    Ok(list_page(
        &viewer,
        "admin.persons.title",
        vec![
            "admin.persons.full_name",
            "admin.persons.position",
            "admin.persons.agency",
            "admin.persons.is_leader",
        ],
        rows,
        ("/quan-tri/can-bo", "admin.persons.new"),
        luu,
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
