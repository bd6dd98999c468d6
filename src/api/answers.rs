//! The office's side of the invitees' answer links (issue #17 item 4): a new personal link for an
//! invited person (to hand over by phone or chat when e-mail cannot reach them) and revoking a
//! person's links. The answers themselves appear in the meeting's detail (`answers`).

use super::json::JsonBody;
use super::types::{AnswerLink, AnswerLinkInput};
use crate::auth::{new_secret, token_hash, OfficeStaff};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::answers;
use crate::Result;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, post, State};

/// A new answer link for an invited person of an approved meeting; the secret is shown in this
/// answer only (the database keeps its hash). Earlier links of the person keep working.
#[utoipa::path(request_body = AnswerLinkInput, tag = "meetings", responses((status = 201, description = "a new answer link", body = AnswerLink), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/meetings/<id>/answer-links", data = "<body>")]
pub async fn issue(
    _by: OfficeStaff,
    db: &State<Db>,
    config: &State<AppConfig>,
    id: i32,
    body: JsonBody<AnswerLinkInput>,
) -> Result<(Status, Json<AnswerLink>)> {
    let person_id = body.0.person_id;
    let secret = new_secret();
    answers::issue(db, id, person_id, &token_hash(&secret)).await?;
    let path = format!("/tra-loi/{secret}");
    Ok((
        Status::Created,
        Json(AnswerLink {
            person_id,
            url: format!("{}{path}", config.public_url.trim_end_matches('/')),
            path,
        }),
    ))
}

/// Revokes every answer link of the person for this meeting: following one answers 404.
#[utoipa::path(tag = "meetings", responses((status = 204, description = "revoked"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[delete("/api/v1/meetings/<id>/answer-links/<person_id>")]
pub async fn revoke(_by: OfficeStaff, db: &State<Db>, id: i32, person_id: i32) -> Result<Status> {
    answers::revoke(db, id, person_id).await?;
    Ok(Status::NoContent)
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![issue, revoke]
}
