//! The public weekly schedule for a citizen (a request without a session): the page and its
//! embed are the same for every such visitor of a language, so they are served without cookies
//! (no CSRF cookie, no session lookup) and from memory. A revalidation is answered 304 from the
//! week's publication id kept in memory; a 200 is a copy of bytes rendered once per (published
//! revision, language, address). Both are dropped when the public feed's generation moves
//! (`feeds::cache::public_generation`: the publications' newest id and count, and the office
//! date), which each instance re-reads at most once per `feed_recheck_ms` and at once after a
//! publication through it, so several instances on one database agree within that interval.

use crate::db::Db;
use crate::domain::publication;
use crate::error::Lang;
use crate::feeds::cache::Generation;
use crate::Result;
use chrono::NaiveDate;
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Orbit, Rocket};
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex};

/// Most rendered pages kept (a page is about 30 KB): past it they start afresh. Addresses vary
/// by query, so the bound matters.
const MAX_PAGES: usize = 256;
/// Most weeks whose latest publication is remembered.
const MAX_WEEKS: usize = 1024;

#[derive(Default)]
struct Kept {
    generation: Option<Generation>,
    /// Week → the id of its latest publication (None: never published).
    latest: HashMap<NaiveDate, Option<i32>>,
    /// ETag → the page's bytes.
    pages: HashMap<String, Arc<[u8]>>,
}

/// What this instance keeps of the public page; managed state.
#[derive(Default)]
pub struct PublicPages {
    kept: Mutex<Kept>,
}

impl PublicPages {
    /// Forgets everything kept when `generation` is not the one it was kept under.
    fn sync(kept: &mut Kept, generation: &Generation) {
        if kept.generation.as_ref() != Some(generation) {
            kept.latest.clear();
            kept.pages.clear();
            kept.generation = Some(generation.clone());
        }
    }

    /// The id of `week`'s latest publication: from memory, else one indexed look-up.
    pub async fn latest(
        &self,
        db: &Db,
        generation: &Generation,
        week: NaiveDate,
    ) -> Result<Option<i32>> {
        if let Ok(mut kept) = self.kept.lock() {
            Self::sync(&mut kept, generation);
            if let Some(found) = kept.latest.get(&week) {
                return Ok(*found);
            }
        }
        let found = publication::latest(&db.conn, week).await?.map(|p| p.id);
        if let Ok(mut kept) = self.kept.lock() {
            if kept.generation.as_ref() == Some(generation) {
                if kept.latest.len() >= MAX_WEEKS {
                    kept.latest.clear();
                }
                kept.latest.insert(week, found);
            }
        }
        Ok(found)
    }

    /// The page rendered under `etag`, if kept.
    pub fn page(&self, etag: &str) -> Option<Arc<[u8]>> {
        self.kept.lock().ok()?.pages.get(etag).cloned()
    }

    /// Keeps a rendered page while `generation` holds.
    pub fn keep(&self, generation: &Generation, etag: String, body: Arc<[u8]>) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.generation.as_ref() != Some(generation) {
                return;
            }
            if kept.pages.len() >= MAX_PAGES {
                kept.pages.clear();
            }
            kept.pages.insert(etag, body);
        }
    }
}

/// A request without a session cookie: a citizen. Requests with one go to the page's other
/// route, which knows who is asking.
pub struct Citizen<'r> {
    pub lang: Lang,
    /// The page's path and query, for the language switch.
    pub here: String,
    pub rocket: &'r Rocket<Orbit>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Citizen<'r> {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        if req.cookies().get(crate::auth::session::COOKIE).is_some() {
            return Outcome::Forward(Status::NotFound);
        }
        Outcome::Success(Citizen {
            lang: Lang::of(req),
            here: req.uri().to_string(),
            rocket: req.rocket(),
        })
    }
}

/// A citizen's answer: 200 with the kept bytes, or 304. The security headers come from the
/// fairing like every response's.
pub struct CitizenPage {
    pub etag: String,
    /// None: 304.
    pub body: Option<Arc<[u8]>>,
}

impl<'r> Responder<'r, 'static> for CitizenPage {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let mut res = Response::build();
        res.raw_header("ETag", self.etag)
            // The same for every visitor without a session in a language: shared caches may
            // keep it, per language and never for a visitor who has cookies.
            .raw_header("Cache-Control", "public, no-cache")
            .raw_header("Vary", "Accept-Language, Cookie");
        match self.body {
            None => res.status(Status::NotModified).ok(),
            Some(body) => {
                // One chunk (as the feeds do): Rocket's 4 KiB default made a 30 KB page eight
                // hand-overs between tasks.
                let chunk = body.len().clamp(1, 256 * 1024);
                res.raw_header("Content-Type", "text/html; charset=utf-8")
                    .sized_body(body.len(), Cursor::new(body))
                    .max_chunk_size(chunk)
                    .ok()
            }
        }
    }
}
