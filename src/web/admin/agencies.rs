//! `/quan-tri/don-vi`: the agencies that register meetings.

use super::*;
use crate::domain::agencies::{self, AgencyInput};

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
    let tr = crate::web::i18n::translations();
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
    Ok(list_page(
        &viewer,
        "admin.agencies.title",
        vec![
            "admin.agencies.name",
            "admin.agencies.short_name",
            "admin.agencies.kind",
            "common.active",
        ],
        rows,
        ("/quan-tri/don-vi", "admin.agencies.new"),
        luu,
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
