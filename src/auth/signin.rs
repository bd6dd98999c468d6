//! Checking a username and password, with throttling and the audit log. Used by the sign-in
//! page and by `POST /api/v1/tokens`; knows nothing of HTTP.

use super::throttle::{self, Decision, Rules};
use crate::db::Db;
use crate::domain::auth_events::{kind, record};
use crate::domain::{clock, password, validate};
use crate::error::{Error, Msg};
use crate::Result;
use chrono::{DateTime, Utc};
use entity::{account, auth_event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// The answer to a wrong username or password: the same whether the username exists or not.
pub fn wrong_credentials() -> Error {
    Error::Unauthorized(Msg::t("msg.signin.wrong_username_or_password", &[]))
}

fn slowed_down() -> Error {
    Error::TooManyRequests(Msg::t(
        "msg.signin.wrong_username_or_password_too_many",
        &[],
    ))
}

fn locked(until: DateTime<Utc>) -> Error {
    let local = until.with_timezone(&clock::OFFICE_TZ);
    Error::TooManyRequests(Msg::t(
        "refusals.sign_in_locked",
        &[
            ("time", &local.format("%H:%M").to_string()),
            ("date", &local.format("%d/%m/%Y").to_string()),
        ],
    ))
}

fn disabled() -> Error {
    Error::Forbidden(Msg::t(
        "msg.signin.this_account_is_disabled_please_contact",
        &[],
    ))
}

/// A hash of a throwaway password, checked against when the username is unknown so that a
/// failure takes as long either way (no timing hint that the username exists).
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| password::hash("lichhop-no-such-account").unwrap_or_default())
}

/// Checks the credentials. On success records the sign-in and returns the account; otherwise
/// answers 401 (wrong), 429 (slowed or locked), 403 (disabled, only with the right password)
/// or 422 naming the field when the username or password holds a control character
/// (`validate::text`): such an attempt is a failure like a wrong password, counted and logged
/// (the username with the character replaced), and no account is looked up.
pub async fn authenticate(
    db: &Db,
    rules: &Rules,
    username: &str,
    secret: &str,
    client_ip: Option<&str>,
) -> Result<account::Model> {
    let refused = validate::text("username", username)
        .and_then(|_| validate::text("password", secret))
        .err();
    let username = throttle::normalize(&validate::printable(username));
    let now = clock::now();
    let counts = throttle::counts(&db.conn, rules, &username, client_ip, now).await?;
    let decision = throttle::decide(rules, &counts);
    if let Decision::Locked { until } = decision {
        let _w = db.write_guard().await;
        record(
            &db.conn,
            kind::REFUSED_LOCKED,
            &username,
            None,
            client_ip,
            None,
        )
        .await?;
        return Err(locked(until));
    }
    if decision == Decision::Slow {
        rocket::tokio::time::sleep(rules.delay).await;
    }
    let found = match refused {
        Some(_) => None,
        None => {
            account::Entity::find()
                .filter(account::Column::Username.eq(username.as_str()))
                .one(&db.conn)
                .await?
        }
    };
    let hash = found
        .as_ref()
        .map_or(dummy_hash(), |a| a.password_hash.as_str());
    // Argon2 takes tens of milliseconds of CPU and 19 MiB: off the async workers, bounded.
    let matches = password::verify_bounded(secret, hash).await;
    match found {
        Some(acc) if matches => {
            let _w = db.write_guard().await;
            if acc.disabled {
                record(
                    &db.conn,
                    kind::DISABLED,
                    &username,
                    Some(acc.id),
                    client_ip,
                    None,
                )
                .await?;
                return Err(disabled());
            }
            record(
                &db.conn,
                kind::SIGN_IN,
                &username,
                Some(acc.id),
                client_ip,
                None,
            )
            .await?;
            let mut active: account::ActiveModel = acc.into();
            active.last_sign_in_at = Set(Some(now));
            Ok(active.update(&db.conn).await?)
        }
        found => {
            let account_id = found.map(|a| a.id);
            let _w = db.write_guard().await;
            let refused_field = refused.as_ref().and_then(Error::field);
            record(
                &db.conn,
                kind::FAILURE,
                &username,
                account_id,
                client_ip,
                refused_field,
            )
            .await?;
            let to_lock = throttle::scopes_to_lock(rules, &counts);
            if !to_lock.is_empty() {
                for scope in &to_lock {
                    record(
                        &db.conn,
                        kind::LOCK,
                        &username,
                        account_id,
                        client_ip,
                        Some(scope),
                    )
                    .await?;
                }
                return Err(locked(now + rules.lock_for));
            }
            if let Some(e) = refused {
                return Err(e);
            }
            if decision == Decision::Slow {
                Err(slowed_down())
            } else {
                Err(wrong_credentials())
            }
        }
    }
}

/// The sign-in audit log, newest first, as the admin reads it.
pub async fn audit_log(
    db: &Db,
    username: Option<&str>,
    limit: Option<u64>,
) -> Result<Vec<auth_event::Model>> {
    let mut q = auth_event::Entity::find();
    if let Some(u) = username.map(str::trim).filter(|u| !u.is_empty()) {
        // A query string is not read by a body guard (PostgreSQL refuses U+0000).
        validate::text("username", u)?;
        q = q.filter(auth_event::Column::Username.eq(u.to_lowercase()));
    }
    Ok(q.order_by_desc(auth_event::Column::Id)
        .limit(limit.unwrap_or(200).clamp(1, 1000))
        .all(&db.conn)
        .await?)
}
