//! A meeting's documents over HTTP, for the API (`api::documents`) and the meeting page
//! (`web::documents`): who may add, storing an upload, the download answer, removal.

use crate::auth::Caller;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::documents;
use crate::domain::registration::Actor;
use crate::error::Msg;
use crate::{Error, Result};
use entity::document;
use rocket::form::Errors;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header, Status};

fn too_large(max_mib: u64) -> Error {
    Error::PayloadTooLarge(Msg::t(
        "msg.documents.the_file_is_larger_than_allowed",
        &[("max_mib", &max_mib.to_string())],
    ))
}

/// Rocket's form errors in our words: too large (413), anything else names the field `file`.
pub fn form_error(e: Errors<'_>, max_mib: u64) -> Error {
    if e.status() == Status::PayloadTooLarge {
        return too_large(max_mib);
    }
    Error::Validation {
        field: "file".to_string(),
        msg: Msg::t(
            "msg.documents.send_the_file_in_the_field",
            &[("e", &e.to_string())],
        ),
    }
}

/// The meeting if `actor` may add documents to it: those who cannot read it get a 404, readers
/// who are not its registering or preparing agency (nor the office) a 403.
pub async fn may_add(db: &Db, actor: &Actor, id: i32) -> Result<entity::meeting::Model> {
    let m = documents::readable(db, actor, id).await?;
    if !documents::may_upload(actor, &m) {
        return Err(Error::Forbidden(Msg::t(
            "msg.documents.only_the_registering_or_preparing_agency",
            &[],
        )));
    }
    Ok(m)
}

/// Checks, types and stores an uploaded file of meeting `id` (the API and the meeting page).
pub async fn store(
    db: &Db,
    config: &AppConfig,
    by: i32,
    id: i32,
    file: &mut TempFile<'_>,
    max_mib: u64,
) -> Result<document::Model> {
    if file.len() > max_mib * 1024 * 1024 {
        return Err(too_large(max_mib));
    }
    if file.len() == 0 {
        return Err(Error::invalid("file", "msg.documents.the_file_is_empty"));
    }
    let raw = file
        .raw_name()
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
        .unwrap_or_default();
    let name = documents::clean_file_name(&raw)?;
    let dir = documents::store_dir(&config.data_dir);
    crate::config::ensure_dir(&dir).map_err(|e| Error::Internal(e.to_string()))?;
    // Written next to its final place, then typed, hashed and renamed: a half-written file
    // never carries a content hash.
    let tmp = dir.join(format!(".upload-{}", uuid::Uuid::new_v4().simple()));
    file.move_copy_to(&tmp)
        .await
        .map_err(|e| Error::Internal(format!("document upload: {e}")))?;
    let data_dir = config.data_dir.clone();
    let stored = rocket::tokio::task::spawn_blocking({
        let name = name.clone();
        move || documents::store_file(&data_dir, &tmp, &name)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    documents::insert(db, id, by, name, &stored).await
}

/// The stored file, as an attachment under its own name and type; `nosniff` and a sandboxing
/// CSP so that no browser ever renders it as a page.
#[derive(rocket::Responder)]
pub struct Download {
    body: rocket::tokio::fs::File,
    content_type: ContentType,
    disposition: Header<'static>,
    nosniff: Header<'static>,
    csp: Header<'static>,
    cache: Header<'static>,
}

/// RFC 6266 / RFC 5987: an ASCII fallback and the UTF-8 name percent-encoded.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A document `actor` may read (of meeting `meeting` when given: the page's path names it),
/// else a 404.
async fn readable_document(
    db: &Db,
    actor: &Actor,
    id: i32,
    meeting: Option<i32>,
) -> Result<document::Model> {
    let d = documents::find(db, id).await?;
    if meeting.is_some_and(|m| m != d.meeting_id) {
        return Err(Error::missing("document"));
    }
    documents::readable(db, actor, d.meeting_id)
        .await
        .map_err(|_| Error::missing("document"))?;
    Ok(d)
}

/// The stored file of document `id` for `actor` (the API and the meeting page).
pub async fn serve(
    db: &Db,
    config: &AppConfig,
    actor: &Actor,
    id: i32,
    meeting: Option<i32>,
) -> Result<Download> {
    let d = readable_document(db, actor, id, meeting).await?;
    let path = documents::stored_path(&config.data_dir, &d.sha256);
    let body = rocket::tokio::fs::File::open(&path).await.map_err(|e| {
        Error::Internal(format!(
            "document {} missing at {}: {e}",
            d.id,
            path.display()
        ))
    })?;
    // Only the types we accepted are ever stored; anything else goes out as bytes.
    let content_type = ContentType::parse_flexible(&d.content_type)
        .filter(|ct| !ct.is_html())
        .unwrap_or(ContentType::Binary);
    Ok(Download {
        body,
        content_type,
        disposition: Header::new("Content-Disposition", content_disposition(&d.file_name)),
        nosniff: Header::new("X-Content-Type-Options", "nosniff"),
        csp: Header::new("Content-Security-Policy", "default-src 'none'; sandbox"),
        cache: Header::new("Cache-Control", "private, no-store"),
    })
}

/// Removes document `id` when `caller` uploaded it or is the office (the API and the page).
pub async fn remove(
    db: &Db,
    config: &AppConfig,
    caller: &Caller,
    id: i32,
    meeting: Option<i32>,
) -> Result<()> {
    let actor = Actor::from(caller);
    let d = readable_document(db, &actor, id, meeting).await?;
    if !(actor.office || d.uploaded_by == caller.id()) {
        return Err(Error::Forbidden(Msg::t(
            "msg.documents.only_the_uploader_or_the_office",
            &[],
        )));
    }
    documents::delete(db, &config.data_dir, &d).await
}
