//! Security headers on every response. Replaces Rocket's Shield (attached empty in app.rs) so
//! that one place decides: a strict Content-Security-Policy without inline scripts or styles,
//! no framing except the embeddable public schedule, nosniff, and a same-origin referrer.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Status};
use rocket::{Request, Response};
use std::borrow::Cow;

/// The path of the public weekly schedule, which other sites may embed with `?embed=1`.
pub const EMBEDDABLE_PATH: &str = "/lich-cong-tac";

macro_rules! csp_base {
    () => {
        "default-src 'self'; script-src 'self'; style-src 'self'; \
         img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
    };
}
const CSP_BASE: &str = csp_base!();
/// The policy of almost every response, spelled once rather than formatted per response.
const CSP_NOT_FRAMED: &str = concat!(csp_base!(), "; frame-ancestors 'none'");

pub struct SecurityHeaders;

/// True for the public schedule asked for as an embed.
pub fn is_embed(req: &Request<'_>) -> bool {
    req.uri().path() == EMBEDDABLE_PATH
        && req
            .uri()
            .query()
            .is_some_and(|q| q.segments().any(|(k, v)| k == "embed" && v == "1"))
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "Security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        // A 304 has no body to protect, and a cache keeps the headers of the stored 200 that a
        // 304 does not repeat (RFC 9111 §4.3.4): feed clients revalidate every few minutes, and
        // these headers were half of a 304's bytes.
        if res.status() == Status::NotModified {
            return;
        }
        // A route may set a stricter policy of its own (a downloaded document is `sandbox`ed):
        // keep it and add what every response needs.
        let own = res
            .headers()
            .get_one("Content-Security-Policy")
            .map(str::to_string);
        let embed = is_embed(req);
        let csp: Cow<'static, str> = match (own, embed) {
            (None, true) => CSP_BASE.into(),
            (None, false) => CSP_NOT_FRAMED.into(),
            (Some(own), true) => own.into(),
            (Some(own), false) => format!("{own}; frame-ancestors 'none'").into(),
        };
        res.set_header(Header::new("Content-Security-Policy", csp));
        if embed {
            res.remove_header("X-Frame-Options");
        } else {
            res.set_header(Header::new("X-Frame-Options", "DENY"));
        }
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
    }
}
