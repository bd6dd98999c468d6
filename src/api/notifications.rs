//! The caller's inbox (`/thong-bao` in the app): list, and mark as read.

use super::json::JsonBody;
use super::types::{self, Inbox, MarkedRead};
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::notifications;
use crate::Result;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use serde::Deserialize;

/// The caller's notifications, newest first, and the unread count.
#[utoipa::path(tag = "notifications", responses((status = 200, description = "the inbox", body = Inbox), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/notifications")]
pub async fn list(caller: Caller, db: &State<Db>) -> Result<Json<Inbox>> {
    let items = notifications::inbox(db, caller.id(), notifications::LISTED).await?;
    Ok(Json(Inbox {
        unread: notifications::unread(db, caller.id()).await?,
        items: types::all(items),
    }))
}

/// Which entry to mark read; without `id`, all of them.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default)]
    pub id: Option<i32>,
}

/// Marks one of the caller's entries (or all) as read; another account's entries are never
/// touched (`marked` is then 0).
#[utoipa::path(request_body = MarkRead, tag = "notifications", responses((status = 200, description = "done", body = MarkedRead), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/notifications/read", data = "<body>")]
pub async fn mark_read(
    caller: Caller,
    db: &State<Db>,
    body: JsonBody<MarkRead>,
) -> Result<Json<MarkedRead>> {
    let marked = notifications::mark_read(db, caller.id(), body.0.id).await?;
    Ok(Json(MarkedRead { marked }))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list, mark_read]
}
