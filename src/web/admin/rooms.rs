//! `/quan-tri/phong-hop`: the meeting rooms and their equipment.

use super::*;
use crate::domain::rooms::{self, RoomInput};

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
    Ok(list_page(
        &viewer,
        "admin.rooms.title",
        vec![
            "admin.rooms.name",
            "admin.rooms.building",
            "admin.rooms.capacity",
            "admin.rooms.equipment",
            "admin.rooms.bookable",
        ],
        rows,
        ("/quan-tri/phong-hop", "admin.rooms.new"),
        luu,
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
