//! Who is calling, and what they may do.
//!
//! A caller is identified by a session cookie (pages) or an `Authorization: Bearer` token (API).
//! Request guards carry the rules, so a handler's signature shows who may call it:
//! `async fn approve(by: Approver, …)`. A guard that fails answers 401 (nobody signed in) or
//! 403 (signed in, not allowed); the catchers shape the body (JSON under /api).

pub mod proxy;
pub mod session;
pub mod signin;
pub mod throttle;
pub mod tokens;

use crate::db::Db;
use crate::domain::workflow::{self, Action};
use crate::error::{Error, Msg};
use entity::{account, api_token, Role};
use rocket::request::{FromRequest, Outcome, Request};
use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef};
use sha2::{Digest, Sha256};

/// The signed-in account, however it authenticated.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: account::Model,
    /// Set when the caller used an API token (None for a browser session).
    pub token_id: Option<i32>,
}

impl Caller {
    pub fn id(&self) -> i32 {
        self.account.id
    }

    pub fn role(&self) -> Role {
        self.account.role
    }

    /// The office's roles: staff, approvers and admins see every agency's requests.
    pub fn is_office(&self) -> bool {
        matches!(
            self.role(),
            Role::OfficeStaff | Role::OfficeApprover | Role::Admin
        )
    }

    /// May this caller read or act on the requests of `agency_id`?
    pub fn may_access_agency(&self, agency_id: i32) -> bool {
        self.is_office() || self.account.agency_id == Some(agency_id)
    }
}

/// SHA-256 (hex) of a secret token: what the database keeps of API and feed tokens. A fast hash
/// suffices: the tokens are 256 random bits, not passwords.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random secret (256 bits, URL-safe hex).
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn unauthorized() -> Error {
    Error::Unauthorized(Msg::t("msg.auth.please_sign_in_to_continue", &[]))
}

fn forbidden() -> Error {
    Error::Forbidden(Msg::t("msg.auth.your_account_may_not_do_this", &[]))
}

/// True for the JSON API, which authenticates with Bearer tokens only (no cookie, so no CSRF).
pub fn is_api(req: &Request<'_>) -> bool {
    req.uri().path().starts_with("/api/")
}

/// The caller, if any, without failing the request (for pages open to everyone).
pub async fn current(req: &Request<'_>) -> Option<Caller> {
    resolve(req).await.ok()
}

/// Resolves the caller once per request (cached): from a Bearer token under /api/, from the
/// session cookie everywhere else. Each kind of route ignores the other credential.
async fn resolve(req: &Request<'_>) -> Result<Caller, Error> {
    let cached = req
        .local_cache_async(async {
            let db = match req.rocket().state::<Db>() {
                Some(db) => db,
                None => return Err(Error::Internal("database not managed".into())),
            };
            if is_api(req) {
                return match req.headers().get_one("Authorization") {
                    Some(header) => from_bearer(db, header).await,
                    None => Err(Error::Unauthorized(Msg::t(
                        "msg.auth.a_token_is_required_send_authorization",
                        &[],
                    ))),
                };
            }
            match session::from_cookie(req, db).await? {
                Some(caller) => Ok(caller),
                None => Err(unauthorized()),
            }
        })
        .await;
    match cached {
        Ok(c) => Ok(c.clone()),
        Err(e) => Err(e.duplicate()),
    }
}

/// The client's address as the audit log and throttling see it: the peer's, or the
/// `client_ip_header` of a trusted proxy (see [`proxy`]). Rocket's own `ip_header` is off
/// (`app::build`), so nothing else reads a client-chosen address.
pub fn client_ip(req: &Request<'_>) -> Option<String> {
    let peer = req.remote().map(|r| r.ip());
    let config = req.rocket().state::<crate::config::AppConfig>();
    let header = config
        .and_then(|c| c.client_ip_header.as_deref())
        .map(|name| req.headers().get(name).collect::<Vec<_>>().join(","))
        .filter(|v| !v.is_empty());
    let proxies = config.map(|c| &c.trusted_proxies);
    let none = crate::config::proxies::TrustedProxies::default();
    proxy::client_address(peer, header.as_deref(), proxies.unwrap_or(&none))
        .map(|ip| ip.to_string())
}

async fn from_bearer(db: &Db, header: &str) -> Result<Caller, Error> {
    let token = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::Unauthorized(Msg::t(
                "msg.auth.the_authorization_header_must_be_bearer",
                &[],
            ))
        })?;
    // The token and its account in one statement: every API request pays for this.
    let owner: RelationDef = api_token::Entity::belongs_to(account::Entity)
        .from(api_token::Column::AccountId)
        .to(account::Column::Id)
        .into();
    let found = api_token::Entity::find()
        .join(JoinType::InnerJoin, owner)
        .select_also(account::Entity)
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(&db.conn)
        .await?;
    match found {
        Some((t, Some(a))) if !a.disabled => {
            tokens::mark_used(db, &t).await?;
            Ok(Caller {
                account: a,
                token_id: Some(t.id),
            })
        }
        _ => Err(Error::Unauthorized(Msg::t(
            "msg.auth.the_token_is_invalid_or_has",
            &[],
        ))),
    }
}

fn fail<T>(req: &Request<'_>, e: Error) -> Outcome<T, Error> {
    let status = e.status();
    // Kept for the catcher, which renders the message in the caller's language.
    e.leave_for_catcher(req);
    Outcome::Error((status, e))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Caller {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        match resolve(req).await {
            Ok(c) => Outcome::Success(c),
            Err(e) => fail(req, e),
        }
    }
}

/// Declares a guard type that admits callers whose role is in the list.
macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident: $($role:path),+) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl std::ops::Deref for $name {
            type Target = Caller;
            fn deref(&self) -> &Caller {
                &self.0
            }
        }

        #[rocket::async_trait]
        impl<'r> FromRequest<'r> for $name {
            type Error = Error;

            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
                match resolve(req).await {
                    Ok(c) if matches!(c.role(), $($role)|+) => Outcome::Success($name(c)),
                    Ok(_) => fail(req, forbidden()),
                    Err(e) => fail(req, e),
                }
            }
        }
    };
}

role_guard!(
    /// A clerk of an agency: registers and follows its own agency's requests.
    AgencyClerk: Role::AgencyClerk
);
role_guard!(
    /// Anyone of the office (staff, approvers, admins): reviews the queue, sees every agency.
    OfficeStaff: Role::OfficeStaff, Role::OfficeApprover, Role::Admin
);
role_guard!(
    /// A leader of the office: approves, rejects, reschedules, cancels, publishes.
    Approver: Role::OfficeApprover, Role::Admin
);
role_guard!(
    /// Administration: accounts, agencies, persons, rooms, closures, settings.
    Admin: Role::Admin
);

/// Who decides on requests (approve, reject, reschedule, cancel): whom
/// [`workflow::may`](crate::domain::workflow::may) lets take them — approvers and admins, and
/// office staff too when the office's setting `staff_may_approve` says so.
#[derive(Debug, Clone)]
pub struct Decider(pub Caller);

impl std::ops::Deref for Decider {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Decider {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        let caller = match resolve(req).await {
            Ok(c) => c,
            Err(e) => return fail(req, e),
        };
        let Some(db) = req.rocket().state::<Db>() else {
            return fail(req, forbidden());
        };
        let settings = match crate::domain::settings::load(db).await {
            Ok(settings) => settings,
            Err(e) => return fail(req, e),
        };
        // The four decisions share one rule; approving stands for them.
        let allowed = workflow::may(caller.role(), Action::Approve, &settings);
        if allowed {
            Outcome::Success(Decider(caller))
        } else {
            fail(req, forbidden())
        }
    }
}

/// Which agencies' requests a caller may read and change: every agency for the office, its own
/// for a clerk. Another agency's request is answered as not found, never as forbidden, so a clerk
/// learns nothing of it.
#[derive(Debug, Clone)]
pub struct AgencyScope {
    pub caller: Caller,
    /// None: every agency.
    pub only: Option<i32>,
}

impl AgencyScope {
    pub fn allows(&self, agency_id: i32) -> bool {
        self.only.is_none_or(|own| own == agency_id)
    }

    /// Ok when the caller may see `agency_id`'s requests, else the not-found answer.
    pub fn check(&self, agency_id: i32) -> Result<(), Error> {
        if self.allows(agency_id) {
            Ok(())
        } else {
            Err(Error::missing("meeting"))
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AgencyScope {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        match resolve(req).await {
            Ok(c) if c.is_office() => Outcome::Success(AgencyScope {
                caller: c,
                only: None,
            }),
            Ok(c) => match c.account.agency_id {
                Some(agency) => Outcome::Success(AgencyScope {
                    only: Some(agency),
                    caller: c,
                }),
                None => fail(req, forbidden()),
            },
            Err(e) => fail(req, e),
        }
    }
}

/// The client's address (never fails).
pub struct ClientIp(pub Option<String>);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for ClientIp {
    type Error = std::convert::Infallible;

    async fn from_request(
        req: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        rocket::request::Outcome::Success(ClientIp(client_ip(req)))
    }
}
