//! Meeting documents: upload (multipart field `file`), list, download (always as an attachment,
//! never sniffed or rendered by the browser), delete; and the documents due.

use crate::api::types::{all, Document};
use crate::auth::Caller;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::documents::{self, DocumentsDue};
use crate::domain::registration::Actor;
use crate::domain::settings;
use crate::http::documents::{form_error, may_add, remove, serve, store, Download};
use crate::Result;
use rocket::form::{Errors, Form};
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{delete, get, post};
use serde::Serialize;

#[derive(rocket::FromForm)]
pub struct Upload<'r> {
    file: TempFile<'r>,
}

/// The upload form as the OpenAPI document describes it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file (PDF, Word, Excel, PowerPoint, PNG, JPEG).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[utoipa::path(request_body(content = crate::api::documents::UploadForm, content_type = "multipart/form-data"), tag = "documents", responses((status = 201, description = "done", body = Document), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/documents", data = "<upload>")]
pub async fn upload(
    caller: Caller,
    db: &State<Db>,
    config: &State<AppConfig>,
    id: i32,
    upload: std::result::Result<Form<Upload<'_>>, Errors<'_>>,
) -> Result<(Status, Json<Document>)> {
    may_add(db, &Actor::from(&caller), id).await?;
    let s = settings::load(db).await?;
    let mut upload = upload.map_err(|e| form_error(e, s.max_document_mib))?;
    let saved = store(
        db,
        config,
        caller.id(),
        id,
        &mut upload.file,
        s.max_document_mib,
    )
    .await?;
    Ok((Status::Created, Json(saved.into())))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeetingDocuments {
    pub documents: Vec<Document>,
    /// When they are due and whether they are missing or late (regular meetings only).
    pub due: Option<DocumentsDue>,
}

#[utoipa::path(tag = "documents", responses((status = 200, description = "done", body = MeetingDocuments), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings/<id>/documents")]
pub async fn list(caller: Caller, db: &State<Db>, id: i32) -> Result<Json<MeetingDocuments>> {
    let m = documents::readable(db, &Actor::from(&caller), id).await?;
    let s = settings::load(db).await?;
    Ok(Json(MeetingDocuments {
        documents: all(documents::list(&db.conn, id).await?),
        due: documents::due_of(&db.conn, &m, &s).await?,
    }))
}

#[utoipa::path(tag = "documents", responses((status = 200, description = "the file, as an attachment, in the type it was stored with", content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/msword"), (Vec<u8> = "application/vnd.ms-excel"), (Vec<u8> = "application/vnd.ms-powerpoint"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"))), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/documents/<id>")]
pub async fn download(
    caller: Caller,
    db: &State<Db>,
    config: &State<AppConfig>,
    id: i32,
) -> Result<Download> {
    serve(db, config, &Actor::from(&caller), id, None).await
}

/// The uploader or the office removes a document.
#[utoipa::path(tag = "documents", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[delete("/api/v1/documents/<id>")]
pub async fn delete(
    caller: Caller,
    db: &State<Db>,
    config: &State<AppConfig>,
    id: i32,
) -> Result<Status> {
    remove(db, config, &caller, id, None).await?;
    Ok(Status::NoContent)
}

/// Regular meetings of the next `days` (30) days whose documents are missing or late: the
/// office sees all, an agency the meetings it registered or prepares.
#[utoipa::path(tag = "documents", responses((status = 200, description = "done", body = Vec<DocumentsDue>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/documents/due?<days>")]
pub async fn due(
    caller: Caller,
    db: &State<Db>,
    days: Option<i64>,
) -> Result<Json<Vec<DocumentsDue>>> {
    let s = settings::load(db).await?;
    Ok(Json(
        documents::flagged(
            db,
            &Actor::from(&caller),
            days.unwrap_or(30).clamp(1, 366),
            &s,
        )
        .await?,
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![upload, list, download, delete, due]
}
