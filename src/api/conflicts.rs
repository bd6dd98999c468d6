//! `/api/v1/conflicts`: what stands in a request's way, before submitting and before deciding.

use crate::api::json::JsonBody;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::availability::{self, FreeSlot};
use crate::domain::conflicts::{self, Conflict, Draft, Severity};
use crate::domain::registration::{self, Actor, MeetingInput};
use crate::domain::settings::{self, Settings};
use crate::domain::visibility::Viewer;
use crate::Result;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Conflicts {
    pub conflicts: Vec<Conflict>,
    pub errors: usize,
    pub warnings: usize,
    /// When something blocks approval: the earliest other times that work (find a time).
    pub alternatives: Vec<FreeSlot>,
}

impl Conflicts {
    async fn of(db: &Db, (draft, conflicts): (Draft, Vec<Conflict>), s: &Settings) -> Result<Self> {
        let errors = conflicts
            .iter()
            .filter(|c| c.severity == Severity::Error)
            .count();
        let alternatives = if errors > 0 {
            availability::alternatives(db, &draft, s).await?
        } else {
            vec![]
        };
        Ok(Conflicts {
            warnings: conflicts.len() - errors,
            errors,
            conflicts,
            alternatives,
        })
    }
}

/// Checks a request as filled in (the body of `POST /api/v1/meetings`) without saving it.
/// `meeting_id` names the request being edited, so that it does not collide with itself.
#[utoipa::path(request_body = MeetingInput, tag = "conflicts", responses((status = 200, description = "done", body = Conflicts), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/conflicts?<meeting_id>", data = "<body>")]
pub async fn check_draft(
    caller: Caller,
    db: &State<Db>,
    meeting_id: Option<i32>,
    body: JsonBody<MeetingInput>,
) -> Result<Json<Conflicts>> {
    let s = settings::load(db).await?;
    let found = conflicts::of_input(db, &Actor::from(&caller), body.0, meeting_id, &s).await?;
    Ok(Json(Conflicts::of(db, found, &s).await?))
}

/// The conflicts of a saved request: for the office and the agency that registered it.
#[utoipa::path(tag = "conflicts", responses((status = 200, description = "done", body = Conflicts), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/meetings/<id>/conflicts")]
pub async fn of_meeting(caller: Caller, db: &State<Db>, id: i32) -> Result<Json<Conflicts>> {
    let actor = Actor::from(&caller);
    let m = registration::get(db, &actor, id).await?;
    let s = settings::load(db).await?;
    let found = conflicts::of_meeting(db, &m, &s, Viewer::Signed(&actor)).await?;
    Ok(Json(Conflicts::of(db, found, &s).await?))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![check_draft, of_meeting]
}
