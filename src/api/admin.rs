//! Administration over the API: accounts (admin only), agencies, persons and rooms (read by
//! every signed-in role, written by admins), the sign-in audit log (admin only).

use super::json::JsonBody;
use crate::api::types::{all, Account, Agency, AuthEvent, Person, RoomView};
use crate::auth::{signin, Admin, Caller};
use crate::db::Db;
use crate::domain::accounts::{self, AccountChanges, NewAccount};
use crate::domain::agencies::{self, AgencyInput};
use crate::domain::codes;
use crate::domain::persons::{self, PersonInput};
use crate::domain::rooms::{self, RoomInput};
use crate::domain::validate::present;
use crate::Result;
use entity::AgencyKind;
use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, patch, post};
use serde::Deserialize;

type Created<T> = Custom<Json<T>>;

fn created<T>(value: T) -> Created<T> {
    Custom(Status::Created, Json(value))
}

// --- accounts ---

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Vec<Account>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/accounts")]
pub async fn accounts_list(db: &State<Db>, _by: Admin) -> Result<Json<Vec<Account>>> {
    Ok(Json(all(accounts::list(db).await?)))
}

#[utoipa::path(request_body = NewAccount, tag = "administration", responses((status = 201, description = "done", body = Account), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/accounts", data = "<body>")]
pub async fn accounts_create(
    db: &State<Db>,
    _by: Admin,
    body: JsonBody<NewAccount>,
) -> Result<Created<Account>> {
    Ok(created(accounts::create(db, body.0).await?.into()))
}

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Account), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/accounts/<id>")]
pub async fn accounts_get(db: &State<Db>, _by: Admin, id: i32) -> Result<Json<Account>> {
    Ok(Json(accounts::get(db, id).await?.into()))
}

#[utoipa::path(request_body = AccountChanges, tag = "administration", responses((status = 200, description = "done", body = Account), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[patch("/api/v1/accounts/<id>", data = "<body>")]
pub async fn accounts_update(
    db: &State<Db>,
    by: Admin,
    id: i32,
    body: JsonBody<AccountChanges>,
) -> Result<Json<Account>> {
    Ok(Json(
        accounts::update(db, by.id(), id, body.0).await?.into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub new_password: String,
}

#[utoipa::path(request_body = PasswordReset, tag = "administration", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/accounts/<id>/password", data = "<body>")]
pub async fn accounts_reset_password(
    db: &State<Db>,
    _by: Admin,
    id: i32,
    body: JsonBody<PasswordReset>,
) -> Result<Status> {
    accounts::reset_password(db, id, &body.0.new_password).await?;
    Ok(Status::NoContent)
}

// --- agencies ---

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Vec<Agency>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/agencies")]
pub async fn agencies_list(db: &State<Db>, _by: Caller) -> Result<Json<Vec<Agency>>> {
    Ok(Json(all(agencies::list(db).await?)))
}

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Agency), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/agencies/<id>")]
pub async fn agencies_get(db: &State<Db>, _by: Caller, id: i32) -> Result<Json<Agency>> {
    Ok(Json(agencies::get(db, id).await?.into()))
}

#[utoipa::path(request_body = AgencyInput, tag = "administration", responses((status = 201, description = "done", body = Agency), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/agencies", data = "<body>")]
pub async fn agencies_create(
    db: &State<Db>,
    _by: Admin,
    body: JsonBody<AgencyInput>,
) -> Result<Created<Agency>> {
    Ok(created(agencies::save(db, None, body.0).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyPatch {
    name: Option<String>,
    short_name: Option<String>,
    #[schema(value_type = Option<codes::AgencyKind>)]
    kind: Option<AgencyKind>,
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    active: Option<bool>,
    sort_order: Option<i32>,
}

#[utoipa::path(request_body = AgencyPatch, tag = "administration", responses((status = 200, description = "done", body = Agency), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[patch("/api/v1/agencies/<id>", data = "<body>")]
pub async fn agencies_update(
    db: &State<Db>,
    _by: Admin,
    id: i32,
    body: JsonBody<AgencyPatch>,
) -> Result<Json<Agency>> {
    let p = body.0;
    let mut input = AgencyInput::from(agencies::get(db, id).await?);
    patch(&mut input.name, p.name);
    patch(&mut input.short_name, p.short_name);
    patch(&mut input.kind, p.kind);
    patch(&mut input.email, p.email);
    patch(&mut input.active, p.active);
    patch(&mut input.sort_order, p.sort_order);
    Ok(Json(agencies::save(db, Some(id), input).await?.into()))
}

fn patch<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

// --- persons ---

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Vec<Person>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/persons?<leaders>")]
pub async fn persons_list(
    db: &State<Db>,
    _by: Caller,
    leaders: Option<bool>,
) -> Result<Json<Vec<Person>>> {
    Ok(Json(
        all(persons::list(db, leaders.unwrap_or(false)).await?),
    ))
}

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Person), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/persons/<id>")]
pub async fn persons_get(db: &State<Db>, _by: Caller, id: i32) -> Result<Json<Person>> {
    Ok(Json(persons::get(db, id).await?.into()))
}

#[utoipa::path(request_body = PersonInput, tag = "administration", responses((status = 201, description = "done", body = Person), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/persons", data = "<body>")]
pub async fn persons_create(
    db: &State<Db>,
    _by: Admin,
    body: JsonBody<PersonInput>,
) -> Result<Created<Person>> {
    Ok(created(persons::save(db, None, body.0).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    full_name: Option<String>,
    position: Option<String>,
    agency_id: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    phone: Option<Option<String>>,
    is_leader: Option<bool>,
    sort_order: Option<i32>,
    active: Option<bool>,
}

#[utoipa::path(request_body = PersonPatch, tag = "administration", responses((status = 200, description = "done", body = Person), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[patch("/api/v1/persons/<id>", data = "<body>")]
pub async fn persons_update(
    db: &State<Db>,
    _by: Admin,
    id: i32,
    body: JsonBody<PersonPatch>,
) -> Result<Json<Person>> {
    let p = body.0;
    let mut input = PersonInput::from(persons::get(db, id).await?);
    patch(&mut input.full_name, p.full_name);
    patch(&mut input.position, p.position);
    patch(&mut input.agency_id, p.agency_id);
    patch(&mut input.email, p.email);
    patch(&mut input.phone, p.phone);
    patch(&mut input.is_leader, p.is_leader);
    patch(&mut input.sort_order, p.sort_order);
    patch(&mut input.active, p.active);
    Ok(Json(persons::save(db, Some(id), input).await?.into()))
}

// --- rooms ---

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Vec<RoomView>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/rooms")]
pub async fn rooms_list(db: &State<Db>, _by: Caller) -> Result<Json<Vec<RoomView>>> {
    Ok(Json(all(rooms::list(db).await?)))
}

#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = RoomView), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/rooms/<id>")]
pub async fn rooms_get(db: &State<Db>, _by: Caller, id: i32) -> Result<Json<RoomView>> {
    Ok(Json(rooms::get(db, id).await?.into()))
}

#[utoipa::path(request_body = RoomInput, tag = "administration", responses((status = 201, description = "done", body = RoomView), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/rooms", data = "<body>")]
pub async fn rooms_create(
    db: &State<Db>,
    _by: Admin,
    body: JsonBody<RoomInput>,
) -> Result<Created<RoomView>> {
    Ok(created(rooms::save(db, None, body.0).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomPatch {
    name: Option<String>,
    building: Option<String>,
    #[serde(default, deserialize_with = "present")]
    floor: Option<Option<String>>,
    capacity: Option<i32>,
    bookable: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    notes: Option<Option<String>>,
    sort_order: Option<i32>,
    equipment: Option<Vec<String>>,
}

#[utoipa::path(request_body = RoomPatch, tag = "administration", responses((status = 200, description = "done", body = RoomView), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[patch("/api/v1/rooms/<id>", data = "<body>")]
pub async fn rooms_update(
    db: &State<Db>,
    _by: Admin,
    id: i32,
    body: JsonBody<RoomPatch>,
) -> Result<Json<RoomView>> {
    let p = body.0;
    let mut input = RoomInput::from(rooms::get(db, id).await?);
    patch(&mut input.name, p.name);
    patch(&mut input.building, p.building);
    patch(&mut input.floor, p.floor);
    patch(&mut input.capacity, p.capacity);
    patch(&mut input.bookable, p.bookable);
    patch(&mut input.notes, p.notes);
    patch(&mut input.sort_order, p.sort_order);
    patch(&mut input.equipment, p.equipment);
    Ok(Json(rooms::save(db, Some(id), input).await?.into()))
}

// --- sign-in audit log ---

/// Newest first; `username` filters, `limit` caps (default 200, at most 1000).
#[utoipa::path(tag = "administration", responses((status = 200, description = "done", body = Vec<AuthEvent>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/auth-events?<username>&<limit>")]
pub async fn auth_events(
    db: &State<Db>,
    _by: Admin,
    username: Option<String>,
    limit: Option<u64>,
) -> Result<Json<Vec<AuthEvent>>> {
    Ok(Json(all(
        signin::audit_log(db, username.as_deref(), limit).await?
    )))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        accounts_list,
        accounts_create,
        accounts_get,
        accounts_update,
        accounts_reset_password,
        agencies_list,
        agencies_get,
        agencies_create,
        agencies_update,
        persons_list,
        persons_get,
        persons_create,
        persons_update,
        rooms_list,
        rooms_get,
        rooms_create,
        rooms_update,
        auth_events,
    ]
}
