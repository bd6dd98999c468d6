//! The sign-in log (`auth_event`, which admins read): the kinds of its entries and the one way
//! to append one. Sign-in and throttling (`auth`) write it, and so do account changes here.

use crate::domain::clock;
use crate::Result;
use entity::auth_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

/// Kinds of entries: sign-in and its throttling, sign-out, tokens, account changes.
pub mod kind {
    pub const SIGN_IN: &str = "sign_in";
    pub const FAILURE: &str = "failure";
    /// The username or address reached the lock threshold.
    pub const LOCK: &str = "lock";
    /// An attempt refused because of a lock (not counted as a failure, so a lock ends).
    pub const REFUSED_LOCKED: &str = "refused_locked";
    pub const DISABLED: &str = "disabled_account";
    pub const SIGN_OUT: &str = "sign_out";
    /// Every session of the account ended at its holder's request.
    pub const SIGN_OUT_EVERYWHERE: &str = "sign_out_everywhere";
    pub const TOKEN_ISSUED: &str = "token_issued";
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const PASSWORD_RESET: &str = "password_reset";
    pub const ACCOUNT_DISABLED: &str = "account_disabled";
}

/// Appends an entry to the sign-in audit log.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    username: &str,
    account_id: Option<i32>,
    client_ip: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    auth_event::ActiveModel {
        at: Set(clock::now()),
        username: Set(username.chars().take(200).collect()),
        account_id: Set(account_id),
        client_ip: Set(client_ip.map(str::to_string)),
        kind: Set(kind.to_string()),
        detail: Set(detail.map(str::to_string)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
