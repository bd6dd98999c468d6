//! `/viec-can-lam`: what needs attention (việc cần làm), the signed-in landing page; each role
//! sees its own sections, computed in [`crate::domain::dashboard`].

use super::page::Viewer;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::registration::Actor;
use crate::domain::{dashboard, settings};
use crate::Result;
use entity::Role;
use rocket::get;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::json;

/// Where a successful sign-in lands.
pub const PATH: &str = "/viec-can-lam";

#[get("/viec-can-lam")]
pub async fn page(db: &State<Db>, caller: Caller, viewer: Viewer) -> Result<Template> {
    let actor = Actor::from(&caller);
    let s = settings::load(db).await?;
    let board = match caller.role() {
        Role::AgencyClerk => dashboard::clerk(db, &actor, &s).await?,
        Role::OfficeStaff => dashboard::staff(db, &actor, &s).await?,
        Role::OfficeApprover => dashboard::approver(db, &actor).await?,
        Role::Admin => dashboard::admin(db).await?,
    };
    Ok(viewer.render(
        "dashboard.html",
        "dashboard.title",
        json!({ "board": board, "role_key": format!("dashboard.intro.{}", caller.role().code()) }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page]
}
