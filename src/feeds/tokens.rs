//! Feed tokens: the secret in a feed's URL (256 random bits), stored as SHA-256, revocable.
//!
//! Who may create one: the office's roles, any scope; an agency clerk, only its own agency's
//! feed and the feeds of persons of its own agency.

use super::select::Scope;
use crate::auth::{new_secret, token_hash, Caller};
use crate::db::Db;
use crate::domain::clock;
use crate::error::Msg;
use crate::{Error, Result};
use entity::{agency, feed_token, person, room, FeedScope};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

/// Body of POST /api/v1/feed-tokens.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedTokenInput {
    #[schema(value_type = crate::domain::codes::FeedScope)]
    pub scope: FeedScope,
    #[serde(default)]
    pub person_id: Option<i32>,
    #[serde(default)]
    pub room_id: Option<i32>,
    #[serde(default)]
    pub agency_id: Option<i32>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub include_tentative: bool,
}

/// A token as listed (never with its secret).
#[derive(Debug, Clone, Serialize)]
pub struct FeedTokenView {
    #[serde(flatten)]
    pub token: feed_token::Model,
    pub revoked: bool,
}

fn forbidden() -> Error {
    Error::Forbidden(Msg::t("msg.tokens.you_may_only_create_feeds_of", &[]))
}

fn missing(field: &str) -> Error {
    Error::invalid(field, "msg.tokens.required_for_this_scope")
}

/// Checks the input against the caller's rights and returns the scope it opens.
async fn authorize(db: &Db, by: &Caller, input: &FeedTokenInput) -> Result<Scope> {
    let own_agency = by.account.agency_id;
    match input.scope {
        FeedScope::Person => {
            let id = input.person_id.ok_or_else(|| missing("person_id"))?;
            let p = person::Entity::find_by_id(id)
                .one(&db.conn)
                .await?
                .ok_or_else(|| Error::invalid("person_id", "msg.tokens.no_such_person"))?;
            if !by.is_office() && own_agency != Some(p.agency_id) {
                return Err(forbidden());
            }
            Ok(Scope::Person(id))
        }
        FeedScope::Room => {
            let id = input.room_id.ok_or_else(|| missing("room_id"))?;
            room::Entity::find_by_id(id)
                .one(&db.conn)
                .await?
                .ok_or_else(|| Error::invalid("room_id", "msg.tokens.no_such_room"))?;
            if !by.is_office() {
                return Err(forbidden());
            }
            Ok(Scope::Room(id))
        }
        FeedScope::Agency => {
            let id = input
                .agency_id
                .or(own_agency)
                .ok_or_else(|| missing("agency_id"))?;
            agency::Entity::find_by_id(id)
                .one(&db.conn)
                .await?
                .ok_or_else(|| Error::invalid("agency_id", "msg.tokens.no_such_agency"))?;
            if !by.is_office() && own_agency != Some(id) {
                return Err(forbidden());
            }
            Ok(Scope::Agency(id))
        }
        FeedScope::Office => {
            if !by.is_office() {
                return Err(forbidden());
            }
            Ok(Scope::Office)
        }
    }
}

/// Checks the input and makes the row of a new token; returns it with its secret.
async fn new_token(
    db: &Db,
    by: &Caller,
    input: FeedTokenInput,
) -> Result<(feed_token::ActiveModel, String)> {
    let scope = authorize(db, by, &input).await?;
    let label = input.label.unwrap_or_default().trim().to_string();
    if label.chars().count() > 200 || label.chars().any(char::is_control) {
        return Err(Error::invalid(
            "label",
            "msg.tokens.at_most_200_characters_no_control",
        ));
    }
    let (person_id, room_id, agency_id) = match scope {
        Scope::Person(p) => (Some(p), None, None),
        Scope::Room(r) => (None, Some(r), None),
        Scope::Agency(a) => (None, None, Some(a)),
        Scope::Office | Scope::Public => (None, None, None),
    };
    let secret = new_secret();
    let row = feed_token::ActiveModel {
        scope: Set(input.scope),
        person_id: Set(person_id),
        room_id: Set(room_id),
        agency_id: Set(agency_id),
        token_hash: Set(token_hash(&secret)),
        label: Set(label),
        include_tentative: Set(input.include_tentative),
        created_by: Set(Some(by.id())),
        created_at: Set(clock::now()),
        revoked_at: Set(None),
        ..Default::default()
    };
    Ok((row, secret))
}

/// Creates a token; returns it with its secret (the only time the secret is visible).
pub async fn create(
    db: &Db,
    by: &Caller,
    input: FeedTokenInput,
) -> Result<(feed_token::Model, String)> {
    let (row, secret) = new_token(db, by, input).await?;
    let _w = db.write_guard().await;
    Ok((row.insert(&db.conn).await?, secret))
}

/// Replaces one of the caller's own active tokens by a new one of the same kind (for a user who
/// lost the link, shown only once): the old one is revoked and the new one created in one
/// transaction, the caller's rights checked again. Another's token is "not found".
pub async fn renew_own(db: &Db, by: &Caller, id: i32) -> Result<(feed_token::Model, String)> {
    let old = feed_token::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|t| t.created_by == Some(by.id()) && t.revoked_at.is_none())
        .ok_or_else(|| Error::missing("feed_token"))?;
    let input = FeedTokenInput {
        scope: old.scope,
        person_id: old.person_id,
        room_id: old.room_id,
        agency_id: old.agency_id,
        label: Some(old.label.clone()),
        include_tentative: old.include_tentative,
    };
    let (row, secret) = new_token(db, by, input).await?;
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let mut revoked: feed_token::ActiveModel = old.into();
    revoked.revoked_at = Set(Some(clock::now()));
    revoked.update(&txn).await?;
    let saved = row.insert(&txn).await?;
    txn.commit().await?;
    Ok((saved, secret))
}

/// The caller's own tokens; every token for the office's roles (the API lets the office revoke a
/// leaked token of anyone).
pub async fn list(db: &Db, by: &Caller) -> Result<Vec<FeedTokenView>> {
    list_reached(db, by, by.is_office()).await
}

/// The caller's own tokens only, whatever the role: the feeds page shows no one else's.
pub async fn list_own(db: &Db, by: &Caller) -> Result<Vec<FeedTokenView>> {
    list_reached(db, by, false).await
}

async fn list_reached(db: &Db, by: &Caller, everyone: bool) -> Result<Vec<FeedTokenView>> {
    let mut q = feed_token::Entity::find();
    if !everyone {
        q = q.filter(feed_token::Column::CreatedBy.eq(by.id()));
    }
    Ok(q.order_by_asc(feed_token::Column::Id)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|t| FeedTokenView {
            revoked: t.revoked_at.is_some(),
            token: t,
        })
        .collect())
}

/// Revokes a token (its feed answers 404 from the next request on). Idempotent. The office may
/// revoke anyone's (API); others only their own.
pub async fn revoke(db: &Db, by: &Caller, id: i32) -> Result<()> {
    revoke_reached(db, by, id, by.is_office()).await
}

/// Revokes one of the caller's own tokens; another's is "not found", whatever the role.
pub async fn revoke_own(db: &Db, by: &Caller, id: i32) -> Result<()> {
    revoke_reached(db, by, id, false).await
}

async fn revoke_reached(db: &Db, by: &Caller, id: i32, everyone: bool) -> Result<()> {
    let found = feed_token::Entity::find_by_id(id).one(&db.conn).await?;
    let t = match found {
        Some(t) if everyone || t.created_by == Some(by.id()) => t,
        _ => return Err(Error::missing("feed_token")),
    };
    if t.revoked_at.is_some() {
        return Ok(());
    }
    let _w = db.write_guard().await;
    let mut a: feed_token::ActiveModel = t.into();
    a.revoked_at = Set(Some(clock::now()));
    a.update(&db.conn).await?;
    Ok(())
}

/// `webcal://` form of an http(s) URL.
pub fn webcal(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    format!("webcal://{rest}")
}
