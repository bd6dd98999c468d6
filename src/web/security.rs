//! Security headers on every response. Replaces Rocket's Shield (attached empty in app.rs) so
//! that one place decides: a strict Content-Security-Policy without inline scripts or styles,
//! no framing except the embeddable public schedule, nosniff, and a same-origin referrer.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

/// The path of the public weekly schedule, which other sites may embed with `?embed=1`.
pub const EMBEDDABLE_PATH: &str = "/lich-cong-tac";

const CSP_BASE: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

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
        // A route may set a stricter policy of its own (a downloaded document is `sandbox`ed):
        // keep it and add what every response needs.
        let own = res
            .headers()
            .get_one("Content-Security-Policy")
            .map(str::to_string);
        let base = own.unwrap_or_else(|| CSP_BASE.to_string());
        if is_embed(req) {
            res.set_header(Header::new("Content-Security-Policy", base));
            res.remove_header("X-Frame-Options");
        } else {
            res.set_header(Header::new(
                "Content-Security-Policy",
                format!("{base}; frame-ancestors 'none'"),
            ));
            res.set_header(Header::new("X-Frame-Options", "DENY"));
        }
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
    }
}
