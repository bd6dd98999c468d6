//! Meeting documents (tài liệu họp) on the meeting's page: the upload of the registering or
//! preparing agency and the office, download and removal; a refused upload answers with the
//! meeting's page (whose documents part, the list and the flag of documents missing or late
//! against their deadline, `super::meetings` draws). The rules and the storing are the API's
//! (`api::documents`, `domain::documents`): the same readers, the same types and sizes, files
//! always served as attachments.

use super::csrf::{self, CsrfForm, NoFields};
use super::meetings::{meeting_page, Shown};
use super::page::Viewer;
use crate::auth::Caller;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::registration::Actor;
use crate::domain::settings;
use crate::error::Error;
use crate::http::documents::{self as api, Download};
use crate::Result;
use rocket::form::{Errors, Form};
use rocket::fs::TempFile;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::State;
use rocket::{get, post, FromForm};

/// The page's upload form: the file and the anti-forgery token (multipart, so `CsrfForm`
/// cannot read it; the handler checks the token).
#[derive(FromForm)]
pub struct DocumentUpload<'r> {
    #[field(default = String::new())]
    pub csrf: String,
    pub file: Option<TempFile<'r>>,
}

type Sent = Result<std::result::Result<Redirect, (Status, rocket_dyn_templates::Template)>>;

/// The meeting's page again, with `e` beside the file field and the status it earned.
async fn refused(db: &Db, caller: &Caller, viewer: &Viewer, id: i32, e: Error) -> Sent {
    let status = e.status();
    let shown = Shown {
        doc_error: Some(viewer.msg(&e)),
        ..Default::default()
    };
    let page = meeting_page(db, caller, viewer, id, shown).await?;
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
        let e = Error::invalid("file", "msg.documents.choose_a_document_file");
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
