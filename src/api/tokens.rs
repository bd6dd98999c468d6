//! Personal API tokens: `POST /api/v1/tokens` (credentials in the body, throttled like the
//! sign-in page), list own tokens, revoke (own; an admin any).

use super::json::JsonBody;
use crate::auth::{signin, throttle, tokens, Caller, ClientIp};
use crate::body::SignIn;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::{auth_events, clock, validate};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use entity::{api_token, Role};
use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{delete, get, post};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    pub name: String,
}

/// A token as listed: never its secret.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenInfo {
    fn from(t: api_token::Model) -> Self {
        TokenInfo {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// The answer to a new token: the only time its secret is shown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewToken {
    pub id: i32,
    pub name: String,
    pub token: String,
    pub created_at: DateTime<Utc>,
}

/// Public on purpose: the credentials are in the body.
#[utoipa::path(request_body = TokenRequest, tag = "tokens", responses((status = 201, description = "done", body = NewToken), (status = "4XX", description = "refused", body = crate::error::ErrorBody)))]
#[post("/api/v1/tokens", data = "<body>")]
pub async fn create(
    db: &State<Db>,
    config: &State<AppConfig>,
    ip: ClientIp,
    body: JsonBody<TokenRequest, SignIn>,
) -> Result<Custom<Json<NewToken>>> {
    let body = body.0;
    let name = validate::required("name", &body.name, 100)?;
    let acc = signin::authenticate(
        db,
        &throttle::Rules::of(config),
        &body.username,
        &body.password,
        ip.0.as_deref(),
    )
    .await?;
    let (token, secret) = tokens::issue(db, acc.id, &name).await?;
    {
        let _w = db.write_guard().await;
        auth_events::record(
            &db.conn,
            auth_events::kind::TOKEN_ISSUED,
            &acc.username,
            Some(acc.id),
            ip.0.as_deref(),
            Some(&name),
        )
        .await?;
    }
    Ok(Custom(
        Status::Created,
        Json(NewToken {
            id: token.id,
            name: token.name,
            token: secret,
            created_at: token.created_at,
        }),
    ))
}

#[utoipa::path(tag = "tokens", responses((status = 200, description = "done", body = Vec<TokenInfo>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/tokens")]
pub async fn list(db: &State<Db>, caller: Caller) -> Result<Json<Vec<TokenInfo>>> {
    let rows = api_token::Entity::find()
        .filter(api_token::Column::AccountId.eq(caller.id()))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(&db.conn)
        .await?;
    Ok(Json(rows.into_iter().map(TokenInfo::from).collect()))
}

/// Revokes a token at once. Someone else's token is "not found" unless the caller is an admin.
#[utoipa::path(tag = "tokens", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[delete("/api/v1/tokens/<id>")]
pub async fn revoke(db: &State<Db>, caller: Caller, id: i32) -> Result<Status> {
    let token = api_token::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|t| t.account_id == caller.id() || caller.role() == Role::Admin)
        .ok_or_else(|| Error::missing("token"))?;
    if token.revoked_at.is_none() {
        let mut active: api_token::ActiveModel = token.into();
        active.revoked_at = Set(Some(clock::now()));
        let _w = db.write_guard().await;
        active.update(&db.conn).await?;
    }
    Ok(Status::NoContent)
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![create, list, revoke]
}
