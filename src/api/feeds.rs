//! iCalendar feeds over HTTP (`/feeds/public.ics`, `/feeds/<token>.ics`) and the feed-token API
//! (`/api/v1/feed-tokens`).
//!
//! Feeds are conditional (ETag, Last-Modified → 304), answer HEAD (Rocket routes HEAD to GET and
//! drops the body), and are gzip-compressed for clients that ask. The bytes come from the
//! in-memory cache (src/feeds/cache.rs).

use crate::api::json::JsonBody;
use crate::api::types::{all, FeedToken, FeedTokenView};
use crate::auth::Caller;
use crate::config::AppConfig;
use crate::db::Db;
use crate::feeds::cache::{FeedCache, Rendered};
use crate::feeds::tokens::{self, FeedTokenInput};
use crate::http::Conditional;
use crate::{Error, Result};
use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::State;
use rocket::{delete, get, post};
use serde::Serialize;
use std::io::Cursor;
use std::sync::Arc;

/// Largest body chunk Rocket copies and hands to hyper at once: a gzip feed goes in one, a
/// 2 MB plain one in nine, each buffer small enough to stay in cache while it is written.
const MAX_CHUNK: usize = 256 * 1024;

/// A feed answer: 200 with the bytes (plain or gzip) or 304.
pub struct FeedResponse {
    rendered: Arc<Rendered>,
    gzip: bool,
    not_modified: bool,
    public: bool,
}

impl FeedResponse {
    fn new(rendered: Arc<Rendered>, cond: &Conditional, public: bool) -> Self {
        let gzip = cond.gzip && rendered.gzip.is_some();
        // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
        let not_modified = match cond.if_none_match {
            Some(inm) => inm.split(',').any(|tag| {
                let tag = tag.trim().trim_start_matches("W/");
                tag == "*" || tag == rendered.etag || tag == rendered.etag_gzip
            }),
            // By date only for the very date this generation is served under: each generation
            // has a date of its own (feeds::cache::stamp), and a later date than ours may be a
            // generation an instance built from older data (RFC 9110 §13.1.3 allows a 200).
            None => cond
                .if_modified_since
                .is_some_and(|ims| rendered.last_modified == ims),
        };
        FeedResponse {
            rendered,
            gzip,
            not_modified,
            public,
        }
    }
}

impl<'r> Responder<'r, 'static> for FeedResponse {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let r = &self.rendered;
        let mut res = Response::build();
        // The validators were formatted once per build (src/feeds/cache.rs).
        res.raw_header(
            "ETag",
            if self.gzip {
                r.etag_gzip.clone()
            } else {
                r.etag.clone()
            },
        )
        .raw_header("Last-Modified", r.last_modified_http.clone())
        .raw_header("Vary", "Accept-Encoding")
        .raw_header(
            "Cache-Control",
            if self.public {
                "public, max-age=300"
            } else {
                "private, max-age=300"
            },
        );
        if self.not_modified {
            return res.status(Status::NotModified).ok();
        }
        // Rocket's ContentType::Calendar has no charset; RFC 5545 §8.1 wants it stated.
        res.raw_header("Content-Type", "text/calendar; charset=utf-8");
        let body = match (&r.gzip, self.gzip) {
            (Some(gz), true) => {
                res.raw_header("Content-Encoding", "gzip");
                gz.clone()
            }
            _ => r.body.clone(),
        };
        let chunk = body.len().clamp(1, MAX_CHUNK);
        // After sized_body, which resets the chunk size to Rocket's 4 KiB: each chunk costs a
        // hand-over between tasks and a write, 21 of them for an 84 KB gzip feed.
        res.sized_body(body.len(), Cursor::new(body))
            .max_chunk_size(chunk)
            .ok()
    }
}

/// `/feeds/public.ics` (no token: approved public meetings) or `/feeds/<token>.ics`.
#[rocket::get("/feeds/<file>")]
pub async fn feed(
    db: &State<Db>,
    feeds: &State<FeedCache>,
    config: &State<AppConfig>,
    cond: Conditional<'_>,
    file: &str,
) -> Result<FeedResponse> {
    let not_found = || Error::missing("feed");
    let name = file.strip_suffix(".ics").ok_or_else(not_found)?;
    let (probe, public) = if name == "public" {
        (feeds.probe_public(db).await?, true)
    } else {
        // Tokens are 64 hex digits; anything else is not worth a query.
        if name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_found());
        }
        // One query: the token (revoked → 404) and the generation.
        (feeds.probe_token(db, name).await?, false)
    };
    let spec = probe.spec.ok_or_else(not_found)?;
    let rendered = feeds
        .get(db, spec, probe.generation, &config.public_url)
        .await?;
    Ok(FeedResponse::new(rendered, &cond, public))
}

/// A token just created: the only answer that shows its secret.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: FeedToken,
    pub secret: String,
    /// `http(s)://…/feeds/<secret>.ics`
    pub url: String,
    /// The same with `webcal://`, which calendar apps open as a subscription.
    pub webcal_url: String,
}

#[utoipa::path(request_body = FeedTokenInput, tag = "feeds", responses((status = 201, description = "done", body = CreatedToken), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[post("/api/v1/feed-tokens", data = "<body>")]
pub async fn create_token(
    by: Caller,
    db: &State<Db>,
    config: &State<AppConfig>,
    body: JsonBody<FeedTokenInput>,
) -> Result<(Status, Json<CreatedToken>)> {
    let input = body.0;
    let (token, secret) = tokens::create(db, &by, input).await?;
    let url = format!("{}/feeds/{secret}.ics", config.public_url);
    Ok((
        Status::Created,
        Json(CreatedToken {
            token: token.into(),
            webcal_url: tokens::webcal(&url),
            url,
            secret,
        }),
    ))
}

#[utoipa::path(tag = "feeds", responses((status = 200, description = "done", body = Vec<FeedTokenView>), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[get("/api/v1/feed-tokens")]
pub async fn list_tokens(by: Caller, db: &State<Db>) -> Result<Json<Vec<FeedTokenView>>> {
    Ok(Json(all(tokens::list(db, &by).await?)))
}

#[utoipa::path(tag = "feeds", responses((status = "2XX", description = "done"), (status = "4XX", description = "refused", body = crate::error::ErrorBody)), security(("bearer" = [])))]
#[delete("/api/v1/feed-tokens/<id>")]
pub async fn revoke_token(
    by: Caller,
    db: &State<Db>,
    feeds: &State<FeedCache>,
    id: i32,
) -> Result<Status> {
    tokens::revoke(db, &by, id).await?;
    feeds.forget_probes();
    Ok(Status::NoContent)
}

pub fn routes() -> Vec<rocket::Route> {
    let mut feed = rocket::routes![feed];
    // First among the GET routes (the attribute takes no negative rank): Rocket tries routes
    // in rank order, and calendar clients' polls are most of the traffic. No other route's
    // path starts with /feeds/.
    feed[0].rank = -20;
    feed.extend(rocket::routes![create_token, list_tokens, revoke_token]);
    feed
}

#[cfg(test)]
mod tests {
    #[test]
    fn webcal() {
        assert_eq!(
            crate::feeds::tokens::webcal("https://lich.example.gov.vn/feeds/ab.ics"),
            "webcal://lich.example.gov.vn/feeds/ab.ics"
        );
    }
}
