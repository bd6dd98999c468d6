//! Meeting documents (tài liệu họp) on the meeting's page: the list with download links, the
//! upload form of the registering or preparing agency and the office, removal, and the flag of
//! documents missing or late against their deadline. The rules and the storing are the API's
//! (`api::documents`, `domain::documents`): the same readers, the same types and sizes, files
//! always served as attachments.

use super::csrf::{self, CsrfForm, NoFields};
use super::meetings::meeting_page;
use super::page::Viewer;
use crate::api::documents::{self as api, Download};
use crate::auth::Caller;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::domain::documents;
use crate::domain::registration::Actor;
use crate::domain::settings;
use crate::error::{Error, Lang};
use crate::Result;
use entity::*;
use rocket::form::{Errors, Form};
use rocket::fs::TempFile;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::State;
use rocket::{get, post, FromForm};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

/// The page's upload form: the file and the anti-forgery token (multipart, so `CsrfForm`
/// cannot read it; the handler checks the token).
#[derive(FromForm)]
pub struct DocumentUpload<'r> {
    #[field(default = String::new())]
    pub csrf: String,
    pub file: Option<TempFile<'r>>,
}

/// "PDF", "Word"… from the stored content type.
fn kind_label(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        t if t.contains("msword") || t.contains("wordprocessing") => "Word",
        t if t.contains("excel") || t.contains("spreadsheet") => "Excel",
        t if t.contains("powerpoint") || t.contains("presentation") => "PowerPoint",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        _ => "—",
    }
}

/// "850 KB", "2,4 MB" (a decimal comma in Vietnamese).
fn size_label(bytes: i64, lang: Lang) -> String {
    if bytes < 1024 * 1024 {
        return format!("{} KB", (bytes + 1023) / 1024);
    }
    let mb = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
    match lang {
        Lang::Vi => format!("{} MB", mb.replace('.', ",")),
        Lang::En => format!("{mb} MB"),
    }
}

/// The documents part of a meeting's page; `error` is shown beside the file field.
pub async fn section(
    db: &Db,
    caller: &Caller,
    lang: Lang,
    m: &meeting::Model,
    error: Option<String>,
) -> Result<Value> {
    let actor = Actor::from(caller);
    // Those who see the meeting but not its documents (an uninvited agency) see no section.
    if documents::readable(db, &actor, m.id).await.is_err() {
        return Ok(Value::Null);
    }
    let s = settings::load(db).await?;
    let names: std::collections::HashMap<i32, String> = account::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    let items: Vec<Value> = documents::list(&db.conn, m.id)
        .await?
        .into_iter()
        .map(|d| {
            let may_remove = actor.office || d.uploaded_by == caller.id();
            json!({
                "name": d.file_name,
                "kind": kind_label(&d.content_type),
                "size": size_label(d.size_bytes, lang),
                "by": names.get(&d.uploaded_by).cloned().unwrap_or_default(),
                "at": d.uploaded_at.with_timezone(&OFFICE_TZ).format("%H:%M %d/%m/%Y").to_string(),
                "href": format!("/cuoc-hop/{}/tai-lieu/{}", m.id, d.id),
                "remove": may_remove.then(|| format!("/cuoc-hop/{}/tai-lieu/{}/xoa", m.id, d.id)),
            })
        })
        .collect();
    let due = documents::due_of(&db.conn, m, &s).await?.map(|d| {
        json!({
            "on": d.due_on.format("%d/%m/%Y").to_string(),
            "flag": d.flag.map(|c| match lang {
                Lang::Vi => c.message_vi,
                Lang::En => c.message_en,
            }),
        })
    });
    let hint = super::i18n::translations()
        .text(lang, "documents.file_hint")
        .replace("{max}", &s.max_document_mib.to_string());
    Ok(json!({
        "items": items,
        "due": due,
        "upload": documents::may_upload(&actor, m).then(|| format!("/cuoc-hop/{}/tai-lieu", m.id)),
        "hint": hint,
        "error": error,
    }))
}

type Sent = Result<std::result::Result<Redirect, (Status, rocket_dyn_templates::Template)>>;

/// The meeting's page again, with `e` beside the file field and the status it earned.
async fn refused(db: &Db, caller: &Caller, viewer: &Viewer, id: i32, e: Error) -> Sent {
    let status = e.status();
    let page = meeting_page(db, caller, viewer, id, None, None, Some(viewer.msg(&e))).await?;
    Ok(Err((status, page)))
}

#[post("/cuoc-hop/<id>/tai-lieu", data = "<upload>")]
pub async fn upload(
    db: &State<Db>,
    config: &State<AppConfig>,
    by: Caller,
    viewer: Viewer,
    jar: &CookieJar<'_>,
    id: i32,
    upload: std::result::Result<Form<DocumentUpload<'_>>, Errors<'_>>,
) -> Sent {
    let s = settings::load(db).await?;
    let mut upload = match upload {
        Ok(u) => u.into_inner(),
        // Nothing was stored: the page says why beside the field (once the caller may see it).
        Err(e) => {
            api::may_add(db, &Actor::from(&by), id).await?;
            return refused(db, &by, &viewer, id, api::form_error(e, s.max_document_mib)).await;
        }
    };
    csrf::verify(jar, &upload.csrf)?;
    api::may_add(db, &Actor::from(&by), id).await?;
    let Some(file) = upload.file.as_mut() else {
        let e = Error::validation("file", "Hãy chọn tệp tài liệu.", "Choose a document file.");
        return refused(db, &by, &viewer, id, e).await;
    };
    match api::store(db, config, by.id(), id, file, s.max_document_mib).await {
        Ok(_) => Ok(Ok(Redirect::to(format!("/cuoc-hop/{id}?tai_lieu=them")))),
        Err(e) if e.status().code < 500 => refused(db, &by, &viewer, id, e).await,
        Err(e) => Err(e),
    }
}

/// A document of the meeting, as an attachment (never shown inline).
#[get("/cuoc-hop/<id>/tai-lieu/<doc>")]
pub async fn download(
    db: &State<Db>,
    config: &State<AppConfig>,
    by: Caller,
    id: i32,
    doc: i32,
) -> Result<Download> {
    api::serve(db, config, &Actor::from(&by), doc, Some(id)).await
}

#[post("/cuoc-hop/<id>/tai-lieu/<doc>/xoa", data = "<_csrf>")]
pub async fn remove(
    db: &State<Db>,
    config: &State<AppConfig>,
    by: Caller,
    id: i32,
    doc: i32,
    // Checked by the guard: a removal without the page's token never reaches the handler.
    _csrf: CsrfForm<NoFields>,
) -> Result<Redirect> {
    api::remove(db, config, &by, doc, Some(id)).await?;
    Ok(Redirect::to(format!("/cuoc-hop/{id}?tai_lieu=xoa")))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![upload, download, remove]
}
