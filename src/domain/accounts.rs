//! Accounts: who may sign in, with which role and for which agency. Every change that should
//! end existing sessions (disabling, a new password) bumps `session_epoch`.

use super::auth_events::{kind, record};
use super::{agencies, clock, password, validate};
use crate::db::Db;
use crate::{Error, Result};
use entity::{account, api_token, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;

/// A new account as entered by an admin.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    #[schema(value_type = crate::domain::codes::Role)]
    pub role: Role,
    #[serde(default)]
    pub agency_id: Option<i32>,
    #[serde(default)]
    pub person_id: Option<i32>,
}

/// What an admin may change on an account (None: unchanged).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChanges {
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::codes::Role>)]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "crate::domain::validate::present")]
    pub agency_id: Option<Option<i32>>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Where the account's e-mail goes (null: to its person's address, if any).
    #[serde(default, deserialize_with = "crate::domain::validate::present")]
    pub email: Option<Option<String>>,
    /// E-mail on, or the inbox in the app only.
    #[serde(default)]
    pub email_notifications: Option<bool>,
    /// The language of the account's messages: "vi" or "en".
    #[serde(default)]
    pub lang: Option<String>,
    /// One digest of new requests a day instead of a message each (office accounts).
    #[serde(default)]
    pub digest: Option<bool>,
    /// The leader (a person flagged as leader) whose next-day agenda this account receives as
    /// the leader's secretary; null: none.
    #[serde(default, deserialize_with = "crate::domain::validate::present")]
    pub secretary_of: Option<Option<i32>>,
}

/// "vi" or "en", else refused naming `field`.
pub fn check_lang(field: &str, lang: &str) -> Result<String> {
    match lang.trim() {
        l @ ("vi" | "en") => Ok(l.to_string()),
        _ => Err(Error::invalid(field, "msg.reminders.lang")),
    }
}

/// A secretary serves a leader: the person must exist and be flagged as one.
async fn check_leader(db: &Db, person_id: Option<i32>) -> Result<Option<i32>> {
    let Some(id) = person_id else {
        return Ok(None);
    };
    let reference = super::reference::current(db).await?;
    match reference.persons().iter().find(|p| p.id == id) {
        Some(p) if p.is_leader => Ok(Some(id)),
        _ => Err(Error::invalid("secretary_of", "msg.reminders.secretary_of")),
    }
}

/// Lower-case letters, digits, '.', '_' and '-', 3 to 64 characters (stored lower-case).
pub fn check_username(field: &str, username: &str) -> Result<String> {
    let u = username.trim().to_lowercase();
    let ok = (3..=64).contains(&u.chars().count())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
    if !ok {
        return Err(Error::invalid(
            field,
            "msg.accounts.a_username_has_3_64_characters",
        ));
    }
    Ok(u)
}

/// A clerk belongs to an agency that exists; other roles may name one (their home agency).
async fn check_role_agency(db: &Db, role: Role, agency_id: Option<i32>) -> Result<()> {
    match agency_id {
        None if role == Role::AgencyClerk => Err(Error::invalid(
            "agency_id",
            "msg.accounts.an_agency_clerk_must_belong_to",
        )),
        Some(id) if agencies::get(db, id).await.is_err() => {
            Err(Error::invalid("agency_id", "msg.accounts.no_such_agency"))
        }
        _ => Ok(()),
    }
}

pub async fn list(db: &Db) -> Result<Vec<account::Model>> {
    Ok(account::Entity::find()
        .order_by_asc(account::Column::Username)
        .all(&db.conn)
        .await?)
}

pub async fn get(db: &Db, id: i32) -> Result<account::Model> {
    account::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| Error::missing("account"))
}

pub async fn create(db: &Db, input: NewAccount) -> Result<account::Model> {
    let username = check_username("username", &input.username)?;
    let display_name = validate::required("display_name", &input.display_name, 200)?;
    password::check_strength("password", &input.password, &username)?;
    check_role_agency(db, input.role, input.agency_id).await?;
    let hash = password::hash(&input.password)?;
    let _w = db.write_guard().await;
    let taken = account::Entity::find()
        .filter(account::Column::Username.eq(username.as_str()))
        .one(&db.conn)
        .await?;
    if taken.is_some() {
        return Err(validate::taken("username"));
    }
    account::ActiveModel {
        username: Set(username),
        display_name: Set(display_name),
        password_hash: Set(hash),
        role: Set(input.role),
        agency_id: Set(input.agency_id),
        person_id: Set(input.person_id),
        disabled: Set(false),
        session_epoch: Set(0),
        created_at: Set(clock::now()),
        last_sign_in_at: Set(None),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .map_err(|e| validate::unique_violation(e, "username"))
}

/// Applies an admin's changes. An admin cannot disable or demote their own account (so that the
/// office never locks itself out by a slip).
pub async fn update(
    db: &Db,
    actor_id: i32,
    id: i32,
    changes: AccountChanges,
) -> Result<account::Model> {
    let current = get(db, id).await?;
    let role = changes.role.unwrap_or(current.role);
    let agency_id = changes.agency_id.unwrap_or(current.agency_id);
    let disabled = changes.disabled.unwrap_or(current.disabled);
    if id == actor_id && disabled {
        return Err(Error::invalid(
            "disabled",
            "msg.accounts.you_cannot_disable_your_own_account",
        ));
    }
    if id == actor_id && role != Role::Admin {
        return Err(Error::invalid(
            "role",
            "msg.accounts.you_cannot_remove_your_own_admin",
        ));
    }
    check_role_agency(db, role, agency_id).await?;
    let display_name = match &changes.display_name {
        Some(name) => validate::required("display_name", name, 200)?,
        None => current.display_name.clone(),
    };
    let email = match &changes.email {
        Some(e) => validate::email("email", e.as_deref())?,
        None => current.email.clone(),
    };
    let email_notifications = changes
        .email_notifications
        .unwrap_or(current.email_notifications);
    let lang = match &changes.lang {
        Some(l) => check_lang("lang", l)?,
        None => current.lang.clone(),
    };
    let digest = changes.digest.unwrap_or(current.digest);
    let secretary_of = match changes.secretary_of {
        Some(s) => check_leader(db, s).await?,
        None => current.secretary_of,
    };
    let newly_disabled = disabled && !current.disabled;
    let username = current.username.clone();
    let epoch = current.session_epoch;
    let mut active: account::ActiveModel = current.into();
    active.role = Set(role);
    active.agency_id = Set(agency_id);
    active.display_name = Set(display_name);
    active.disabled = Set(disabled);
    active.email = Set(email);
    active.email_notifications = Set(email_notifications);
    active.lang = Set(lang);
    active.digest = Set(digest);
    active.secretary_of = Set(secretary_of);
    if newly_disabled {
        active.session_epoch = Set(epoch + 1);
    }
    let _w = db.write_guard().await;
    let saved = active.update(&db.conn).await?;
    if newly_disabled {
        record(
            &db.conn,
            kind::ACCOUNT_DISABLED,
            &username,
            Some(id),
            None,
            None,
        )
        .await?;
    }
    Ok(saved)
}

/// Starts a new session epoch (every session of the account ends), and logs `event`. With a
/// new password hash, the account's API tokens are revoked too: whoever held the old password
/// may have made one. One transaction: no new password without the revocation.
async fn new_epoch(
    db: &Db,
    acc: account::Model,
    password_hash: Option<String>,
    event: &str,
) -> Result<account::Model> {
    let username = acc.username.clone();
    let epoch = acc.session_epoch;
    let id = acc.id;
    let new_password = password_hash.is_some();
    let mut active: account::ActiveModel = acc.into();
    if let Some(hash) = password_hash {
        active.password_hash = Set(hash);
    }
    active.session_epoch = Set(epoch + 1);
    let _w = db.write_guard().await;
    let txn = db.begin_write().await?;
    let saved = active.update(&txn).await?;
    if new_password {
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::RevokedAt,
                Expr::value(Some(clock::now())),
            )
            .filter(api_token::Column::AccountId.eq(id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
    }
    record(&txn, event, &username, Some(id), None, None).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn set_password(
    db: &Db,
    acc: account::Model,
    new_password: &str,
    event: &str,
) -> Result<account::Model> {
    new_epoch(db, acc, Some(password::hash(new_password)?), event).await
}

/// Ends every browser session of the account (sessions live in cookies, so a new epoch is the
/// only way to end one that was copied or left open elsewhere). API tokens are not touched: the
/// password did not change.
pub async fn end_all_sessions(db: &Db, acc: account::Model) -> Result<account::Model> {
    new_epoch(db, acc, None, kind::SIGN_OUT_EVERYWHERE).await
}

/// An admin sets a new password; every session and API token of the account ends.
pub async fn reset_password(db: &Db, id: i32, new_password: &str) -> Result<account::Model> {
    let acc = get(db, id).await?;
    password::check_strength("new_password", new_password, &acc.username)?;
    set_password(db, acc, new_password, kind::PASSWORD_RESET).await
}

/// The account holder changes their own password; every session and API token ends (the caller
/// starts a fresh session for the current browser with the returned account).
pub async fn change_password(
    db: &Db,
    acc: account::Model,
    current_password: &str,
    new_password: &str,
) -> Result<account::Model> {
    if !password::verify_bounded(current_password, &acc.password_hash).await {
        return Err(Error::invalid(
            "current_password",
            "msg.accounts.the_current_password_is_wrong",
        ));
    }
    password::check_strength("new_password", new_password, &acc.username)?;
    if current_password == new_password {
        return Err(Error::invalid(
            "new_password",
            "msg.accounts.the_new_password_must_differ_from",
        ));
    }
    set_password(db, acc, new_password, kind::PASSWORD_CHANGED).await
}

/// The account holder's own choices of how they are told.
#[derive(Debug, Clone, Default)]
pub struct MailChoice<'a> {
    /// The address e-mail goes to (refused, naming `email`, when it is not one).
    pub email: Option<&'a str>,
    /// Whether e-mail is sent at all.
    pub on: bool,
    /// The language of messages ("vi", "en"); None: unchanged.
    pub lang: Option<&'a str>,
    /// One digest of new requests a day instead of a message each.
    pub digest: bool,
}

/// Saves the account holder's own [`MailChoice`].
pub async fn set_mail(db: &Db, id: i32, choice: MailChoice<'_>) -> Result<account::Model> {
    let email = validate::email("email", choice.email.filter(|e| !e.trim().is_empty()))?;
    let lang = choice.lang.map(|l| check_lang("lang", l)).transpose()?;
    let mut active: account::ActiveModel = get(db, id).await?.into();
    active.email = Set(email);
    active.email_notifications = Set(choice.on);
    active.digest = Set(choice.digest);
    if let Some(lang) = lang {
        active.lang = Set(lang);
    }
    let _w = db.write_guard().await;
    Ok(active.update(&db.conn).await?)
}
