//! Catchers: every refusal Rocket produces itself (no route, a failed guard, a body too large)
//! answers through [`crate::Error`]'s responder, so JSON under /api and a small escaped page
//! elsewhere, in the caller's language, with the failing guard's own message when it left one.

use crate::error::{Error, Msg, Outage, RefusedField};
use rocket::http::Status;
use rocket::Request;

#[rocket::catch(default)]
fn any(status: Status, req: &Request<'_>) -> Error {
    if status == Status::NotFound {
        if let Some(refused) = method_not_allowed(req) {
            return refused;
        }
    }
    // Guards (auth, CSRF, JSON bodies) leave their message here before failing.
    let guard_message = req.local_cache(|| None::<Msg>).clone();
    let field = req.local_cache(RefusedField::default).0.clone();
    let outage = *req.local_cache(|| None::<Outage>);
    Error::for_status(status, guard_message, field, outage)
}

/// Does the route's path (`/api/v1/meetings/<id>`, `/x/<rest..>`) match the request's segments?
fn path_matches(route_path: &str, segments: &[&str]) -> bool {
    let mut at = 0;
    for seg in route_path.split('/').filter(|s| !s.is_empty()) {
        let dynamic = seg.starts_with('<') && seg.ends_with('>');
        if dynamic && seg.ends_with("..>") {
            return true;
        }
        match segments.get(at) {
            Some(s) if dynamic || seg == *s => at += 1,
            _ => return false,
        }
    }
    at == segments.len()
}

/// 405 with `Allow` when no route answers the request's method at its path but routes of other
/// methods do (RFC 9110 §15.5.6); None (a plain 404) when the path is unknown, or when a route
/// of the method is there and found nothing. Rocket answers HEAD wherever it answers GET.
fn method_not_allowed(req: &Request<'_>) -> Option<Error> {
    use rocket::http::Method;
    let segments: Vec<&str> = req
        .uri()
        .path()
        .raw_segments()
        .map(|s| s.as_str())
        .collect();
    let mut allowed: Vec<Method> = req
        .rocket()
        .routes()
        .filter(|r| path_matches(r.uri.origin.path().as_str(), &segments))
        .map(|r| r.method)
        .collect();
    if allowed.contains(&Method::Get) {
        allowed.push(Method::Head);
    }
    if allowed.is_empty() || allowed.contains(&req.method()) {
        return None;
    }
    let order = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Options,
        Method::Trace,
        Method::Connect,
    ];
    let allow = order
        .iter()
        .filter(|m| allowed.contains(m))
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Some(Error::MethodNotAllowed {
        msg: Msg::t(
            "input.method_not_allowed",
            &[("method", req.method().as_str()), ("allow", &allow)],
        ),
        allow,
    })
}

/// Registered at "/": the default catcher answers 400, 401, 403, 404 (or 405), 413, 415, 422,
/// 429, 500 and 503 (anything else as 500, which Rocket only produces for a handler's own error).
pub fn catchers() -> Vec<rocket::Catcher> {
    rocket::catchers![any]
}
