//! `/api/v1/import/…`: .ics uploads — an invitation to prefill a meeting request, holidays as
//! closures. Bodies are `text/calendar`, at most 1 MiB; errors name the line.

use crate::api::types::{all, Closure};
use crate::auth::{Admin, Caller};
use crate::db::Db;
use crate::domain::closures::ImportedClosure;
use crate::error::{Lang, Msg};
use crate::feeds::import::{self, Prefill, MAX_BYTES};
use crate::{Error, Result};
use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::http::Status;
use rocket::post;
use rocket::request::{self, FromRequest, Request};
use rocket::serde::json::Json;
use rocket::State;
use serde::Serialize;

/// A `text/calendar` body read up to [`MAX_BYTES`]; failures become our error (413, 415).
pub struct IcsBody(Result<Vec<u8>, Error>);

#[rocket::async_trait]
impl<'r> FromData<'r> for IcsBody {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        data::Outcome::Success(IcsBody(read(req, data).await))
    }
}

async fn read(req: &Request<'_>, data: Data<'_>) -> Result<Vec<u8>> {
    let is_calendar = req
        .content_type()
        .is_some_and(|ct| ct.top() == "text" && ct.sub() == "calendar");
    if !is_calendar {
        return Err(Error::UnsupportedMediaType(Msg::t(
            "msg.import.send_an_icalendar_file_content_type",
            &[],
        )));
    }
    // Reading stops at the limit: a huge upload costs at most MAX_BYTES + 1 of memory.
    let bytes = data
        .open((MAX_BYTES as u64 + 1).bytes())
        .into_bytes()
        .await
        .map_err(|e| {
            Error::BadRequest(Msg::t(
                "msg.import.could_not_read_the_file_e",
                &[("e", &e.to_string())],
            ))
        })?;
    if !bytes.is_complete() || bytes.len() > MAX_BYTES {
        return Err(Error::PayloadTooLarge(Msg::t(
            "refusals.file_larger_than_kib",
            &[("kib", &(MAX_BYTES / 1024).to_string())],
        )));
    }
    Ok(bytes.into_inner())
}

/// Prefill of a meeting request from an invitation (nothing is stored).
#[utoipa::path(request_body(content = String, content_type = "text/calendar", description = "an .ics file, at most 1 MiB"), tag = "import", responses((status = 200, description = "done", body = Prefill), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/import/meeting", data = "<body>")]
pub async fn meeting(_by: Caller, lang: RequestLang, body: IcsBody) -> Result<Json<Prefill>> {
    let parsed = import::parse(&body.0?)?;
    Ok(Json(import::meeting_prefill(&parsed, lang.0)?))
}

/// The language of the request (cookie, else Accept-Language, else Vietnamese): the prefill's
/// warnings speak it.
pub struct RequestLang(Lang);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestLang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        request::Outcome::Success(RequestLang(Lang::of(req)))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportedClosures {
    pub created: Vec<Closure>,
    /// Already present (same dates and reason): not created again.
    pub skipped: Vec<ImportedClosure>,
}

/// Holidays from an .ics file become closures of the whole office.
#[utoipa::path(request_body(content = String, content_type = "text/calendar", description = "an .ics file, at most 1 MiB"), tag = "import", responses((status = 201, description = "done", body = ImportedClosures), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/import/closures", data = "<body>")]
pub async fn closures(
    by: Admin,
    db: &State<Db>,
    body: IcsBody,
) -> Result<(Status, Json<ImportedClosures>)> {
    let parsed = import::parse(&body.0?)?;
    let wanted = import::closures(&parsed)?;
    let (created, skipped) = crate::domain::closures::import(db, by.id(), wanted).await?;
    Ok((
        Status::Created,
        Json(ImportedClosures {
            created: all(created),
            skipped,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![meeting, closures]
}
