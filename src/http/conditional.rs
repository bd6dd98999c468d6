//! What a client says about the copy it has (ETag, date) and the encodings it reads: the
//! feeds' answers (`api::feeds`) and the static files' (`web::assets`).

use chrono::{DateTime, Utc};
use rocket::request::{FromRequest, Outcome, Request};

/// What a client said about the copy it has and the encodings it reads.
pub struct Conditional<'r> {
    pub if_none_match: Option<&'r str>,
    pub if_modified_since: Option<DateTime<Utc>>,
    pub gzip: bool,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Conditional<'r> {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let h = req.headers();
        Outcome::Success(Conditional {
            if_none_match: h.get_one("If-None-Match"),
            if_modified_since: h
                .get_one("If-Modified-Since")
                // IMF-fixdate, and the obsolete RFC 850 and asctime forms RFC 9110 §5.6.7
                // says a recipient must accept.
                .and_then(|v| httpdate::parse_http_date(v.trim()).ok())
                .map(DateTime::<Utc>::from),
            gzip: h.get("Accept-Encoding").any(accepts_gzip),
        })
    }
}

/// `gzip` listed in Accept-Encoding without `q=0` (RFC 9110 §12.5.3).
fn accepts_gzip(header: &str) -> bool {
    header.split(',').any(|part| {
        let mut it = part.split(';');
        let coding = it.next().unwrap_or("").trim();
        let q_zero = it.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip")) && !q_zero
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_negotiation() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(!accepts_gzip("gzip;q=0, identity"));
        assert!(!accepts_gzip("identity"));
    }
}
