//! Browser sessions in Rocket private cookies (encrypted and signed with the secret key).
//!
//! The cookie holds the account id, the account's session epoch when it was issued, and the time
//! of the last request. A changed password or a disabled account bumps the epoch, so every older
//! session stops at once; a session idle longer than the setting `session_idle_minutes` expires.

use super::Caller;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::clock;
use crate::Error;
use entity::account;
use rocket::http::{Cookie, SameSite};
use rocket::request::Request;
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};

pub const COOKIE: &str = "lichhop_session";

#[derive(Serialize, Deserialize)]
struct SessionData {
    account_id: i32,
    epoch: i32,
    /// Unix seconds of the last request.
    seen: i64,
}

/// True when the cookie must be marked Secure: served over TLS, directly or behind a proxy that
/// says so.
pub fn is_secure(req: &Request<'_>) -> bool {
    req.rocket().config().tls_enabled()
        || req
            .headers()
            .get_one("X-Forwarded-Proto")
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// Starts a session for `account`.
pub fn start(req_cookies: &rocket::http::CookieJar<'_>, account: &account::Model, secure: bool) {
    let data = SessionData {
        account_id: account.id,
        epoch: account.session_epoch,
        seen: clock::now().timestamp(),
    };
    req_cookies.add_private(cookie(
        serde_json::to_string(&data).unwrap_or_default(),
        secure,
    ));
}

pub fn end(req_cookies: &rocket::http::CookieJar<'_>) {
    req_cookies.remove_private(Cookie::from(COOKIE));
}

fn cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}

/// The caller of a valid, current session cookie; refreshes its idle timer.
pub async fn from_cookie(req: &Request<'_>, db: &Db) -> Result<Option<Caller>, Error> {
    let jar = req.cookies();
    let Some(c) = jar.get_private(COOKIE) else {
        return Ok(None);
    };
    let Ok(data) = serde_json::from_str::<SessionData>(c.value()) else {
        return Ok(None);
    };
    let idle_limit = req
        .rocket()
        .state::<AppConfig>()
        .map(AppConfig::session_idle_limit)
        .unwrap_or_else(|| chrono::Duration::minutes(60));
    let now = clock::now().timestamp();
    if now - data.seen > idle_limit.num_seconds() {
        end(jar);
        return Ok(None);
    }
    let Some(acc) = account::Entity::find_by_id(data.account_id)
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    if acc.disabled || acc.session_epoch != data.epoch {
        end(jar);
        return Ok(None);
    }
    let secure = is_secure(req);
    let refreshed = SessionData { seen: now, ..data };
    jar.add_private(cookie(
        serde_json::to_string(&refreshed).unwrap_or_default(),
        secure,
    ));
    Ok(Some(Caller {
        account: acc,
        token_id: None,
    }))
}
