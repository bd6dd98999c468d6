//! The caller's own account: who am I, change my password.

use super::json::JsonBody;
use crate::api::types::Account;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::accounts;
use crate::Result;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use serde::Deserialize;

#[utoipa::path(tag = "account", responses((status = 200, description = "done", body = Account), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/account")]
pub async fn me(caller: Caller) -> Json<Account> {
    Json(caller.account.into())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Ends every browser session of the account and revokes its API tokens, this one included.
#[utoipa::path(request_body = PasswordChange, tag = "account", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/account/password", data = "<body>")]
pub async fn change_password(
    db: &State<Db>,
    caller: Caller,
    body: JsonBody<PasswordChange>,
) -> Result<Status> {
    let body = body.0;
    accounts::change_password(
        db,
        caller.account,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(Status::NoContent)
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![me, change_password]
}
