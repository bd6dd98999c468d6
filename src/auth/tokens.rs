//! Personal API tokens: shown once at creation, stored as SHA-256, revocable.

use super::{new_secret, token_hash};
use crate::db::Db;
use crate::domain::clock;
use crate::Result;
use entity::api_token;
use sea_orm::{ActiveModelTrait, Set};

/// `last_used_at` is refreshed at most this often, so that API traffic does not turn every
/// request into a write.
const USE_PRECISION: chrono::Duration = chrono::Duration::minutes(5);

/// Creates a token for `account_id` and returns the secret (the only time it is visible).
pub async fn issue(db: &Db, account_id: i32, name: &str) -> Result<(api_token::Model, String)> {
    let secret = format!("lh_{}", new_secret());
    let _write = db.write_guard().await;
    let saved = api_token::ActiveModel {
        account_id: Set(account_id),
        name: Set(name.to_string()),
        token_hash: Set(token_hash(&secret)),
        created_at: Set(clock::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?;
    Ok((saved, secret))
}

/// Notes that the token was used (to the nearest few minutes).
pub async fn mark_used(db: &Db, token: &api_token::Model) -> Result<()> {
    let now = clock::now();
    if token.last_used_at.is_some_and(|t| now - t < USE_PRECISION) {
        return Ok(());
    }
    let mut active: api_token::ActiveModel = token.clone().into();
    active.last_used_at = Set(Some(now));
    let _write = db.write_guard().await;
    active.update(&db.conn).await?;
    Ok(())
}
