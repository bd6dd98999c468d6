//! Request bodies for our data guards (`api::json::JsonBody`, `web::csrf::CsrfForm`): read under
//! the configured limit, refused with a message the catcher renders in the caller's language.

use crate::error::{Error, Msg};
use rocket::data::{self, ByteUnit, Data};
use rocket::request::Request;

/// Which text a body guard lets through. [`Checked`] (the default) refuses a field holding a
/// control character ([`crate::domain::validate::text`]) with 422 naming it, before any handler
/// runs; [`SignIn`] leaves that to `auth::signin`, which refuses it the same way but counts the
/// attempt as a failed sign-in and logs it.
pub trait TextRule: Send + 'static {
    const CHECKED: bool;
}

/// Every field is checked by the guard.
pub struct Checked;

impl TextRule for Checked {
    const CHECKED: bool = true;
}

/// The credentials of a sign-in, checked by `auth::signin::authenticate`.
pub struct SignIn;

impl TextRule for SignIn {
    const CHECKED: bool = false;
}

/// Fails the data guard with `e`, leaving its message and field for the catcher.
pub fn refuse<'r, T>(req: &'r Request<'_>, e: Error) -> data::Outcome<'r, T, Error> {
    e.leave_for_catcher(req);
    data::Outcome::Error((e.status(), e))
}

/// The whole body as UTF-8 text, under the limit named `limit_name` (else `default`):
/// 413 when it is larger, 400 when it is not text.
pub async fn read_text(
    req: &Request<'_>,
    data: Data<'_>,
    limit_name: &str,
    default: ByteUnit,
) -> Result<String, Error> {
    let limit = req.limits().get(limit_name).unwrap_or(default);
    match data.open(limit).into_string().await {
        Ok(text) if text.is_complete() => Ok(text.into_inner()),
        Ok(_) => Err(Error::PayloadTooLarge(Msg::t(
            "msg.body.the_request_body_exceeds_the_limit",
            &[("limit", &limit.to_string())],
        ))),
        Err(_) => Err(Error::BadRequest(Msg::t(
            "msg.body.the_request_body_could_not_be",
            &[],
        ))),
    }
}
