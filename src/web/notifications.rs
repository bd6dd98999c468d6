//! `/thong-bao`: every signed-in account's inbox — what happened to the requests and meetings
//! that concern it, with links to them, newest first; mark one or all as read. The API's
//! `/api/v1/notifications` lists the same entries.

use super::csrf::CsrfForm;
use super::page::Viewer;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::domain::notifications::{self, Facts};
use crate::Result;
use rocket::response::Redirect;
use rocket::{get, post, FromForm, State};
use rocket_dyn_templates::Template;
use serde_json::json;

#[get("/thong-bao")]
pub async fn page(db: &State<Db>, caller: Caller, viewer: Viewer) -> Result<Template> {
    let rows = notifications::inbox(db, caller.id(), notifications::LISTED).await?;
    let items: Vec<_> = rows
        .iter()
        .map(|n| {
            let facts: Facts = serde_json::from_str(&n.facts).unwrap_or_default();
            json!({
                "id": n.id,
                "when": n.created_at.with_timezone(&OFFICE_TZ).format("%d/%m/%Y %H:%M").to_string(),
                "text": facts.text(&format!("notify.lead.{}", n.kind), viewer.lang),
                "meeting_id": n.meeting_id,
                "unread": n.read_at.is_none(),
            })
        })
        .collect();
    let unread = rows.iter().any(|n| n.read_at.is_none());
    Ok(viewer.render(
        "notifications.html",
        "notify.page.title",
        json!({ "items": items, "unread": unread }),
    ))
}

/// One entry (`id`) or, without it, all.
#[derive(FromForm, Default)]
pub struct MarkRead {
    #[field(default = String::new())]
    pub csrf: String,
    #[field(default = String::new())]
    pub id: String,
}

#[post("/thong-bao/da-doc", data = "<form>")]
pub async fn mark_read(
    db: &State<Db>,
    caller: Caller,
    form: CsrfForm<MarkRead>,
) -> Result<Redirect> {
    let id = super::page::optional_id("id", &form.0.id)?;
    notifications::mark_read(db, caller.id(), id).await?;
    Ok(Redirect::to("/thong-bao"))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page, mark_read]
}
