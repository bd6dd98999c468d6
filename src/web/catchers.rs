//! Catchers: every refusal Rocket produces itself (no route, a failed guard, a body too large)
//! answers through [`crate::Error`]'s responder, so JSON under /api and a small escaped page
//! elsewhere, in the caller's language, with the failing guard's own message when it left one.

use crate::error::{Error, Msg, Outage, RefusedField};
use rocket::http::Status;
use rocket::Request;

#[rocket::catch(default)]
fn any(status: Status, req: &Request<'_>) -> Error {
    // Guards (auth, CSRF, JSON bodies) leave their message here before failing.
    let guard_message = req.local_cache(|| None::<Msg>).clone();
    let field = req.local_cache(RefusedField::default).0.clone();
    let outage = *req.local_cache(|| None::<Outage>);
    Error::for_status(status, guard_message, field, outage)
}

/// Registered at "/": the default catcher answers 400, 401, 403, 404, 413, 415, 422, 429, 500
/// and 503
/// (anything else as 500, which Rocket only produces for a handler's own error).
pub fn catchers() -> Vec<rocket::Catcher> {
    rocket::catchers![any]
}
