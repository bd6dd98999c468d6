//! Static files (the stylesheet and the scripts): built into the binary, fingerprinted and
//! compressed once at start. Pages link them through the `asset` template helper, whose URL
//! carries a hash of the content (`/static/lichhop.1a2b3c4d5e.css`), so browsers keep them a
//! year and a new release is fetched at once. The plain name still answers, with a short cache
//! (old pages, the error page).

use crate::http::Conditional;
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket_dyn_templates::handlebars::{handlebars_helper, HelperDef};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};
use std::sync::OnceLock;

/// A fingerprinted URL never changes content: RFC 8246 `immutable` spares even revalidation.
const CACHE_FINGERPRINTED: &str = "public, max-age=31536000, immutable";
/// The plain name changes content with each release: five minutes, then revalidate by ETag.
const CACHE_PLAIN: &str = "public, max-age=300";

/// `name => file`: the file static/<file>, built into the binary.
macro_rules! static_files {
    ($($name:literal => $kind:ident),* $(,)?) => {
        &[$(($name, ContentType::$kind, include_bytes!(concat!("../../static/", $name)))),*]
    };
}

#[rustfmt::skip]
const FILES: &[(&str, ContentType, &[u8])] = static_files![
    "lichhop.css" => CSS,
    "lobby.js" => JavaScript,
    "feeds.js" => JavaScript,
    "request-form.js" => JavaScript,
    "calendar-day.js" => JavaScript,
];

/// One static file with what was computed from it at start.
pub struct Asset {
    name: &'static str,
    content_type: ContentType,
    body: &'static [u8],
    gzip: Vec<u8>,
    /// The file name with the content hash before the extension.
    fingerprinted: String,
    etag: String,
    etag_gzip: String,
}

impl Asset {
    fn new(name: &'static str, content_type: ContentType, body: &'static [u8]) -> Asset {
        let hash = hex::encode(&Sha256::digest(body)[..5]);
        let fingerprinted = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
            None => format!("{name}.{hash}"),
        };
        Asset {
            name,
            content_type,
            body,
            gzip: gzip(body),
            fingerprinted,
            etag: format!("\"{hash}\""),
            etag_gzip: format!("\"{hash}-gz\""),
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Every static file, hashed and compressed on first use; [`init`] makes that the start.
fn all() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, ct, body)| Asset::new(name, ct.clone(), body))
            .collect()
    })
}

/// Hashes and compresses the files now, at start, rather than in the first request.
pub fn init() {
    all();
}

/// The fingerprinted URL of a static file (`lichhop.css` → `/static/lichhop.1a2b3c4d5e.css`);
/// the plain URL for a name that is not one of ours.
pub fn url(name: &str) -> String {
    match all().iter().find(|a| a.name == name) {
        Some(a) => format!("/static/{}", a.fingerprinted),
        None => format!("/static/{name}"),
    }
}

// `{{asset "lichhop.css"}}` is the file's fingerprinted URL.
handlebars_helper!(AssetHelper: |name: str| url(name));

/// The `asset` helper of the templates.
pub fn helper() -> Box<dyn HelperDef + Send + Sync> {
    Box::new(AssetHelper)
}

/// A static file's answer: 200 (plain or gzip) or 304.
pub struct Served {
    asset: &'static Asset,
    gzip: bool,
    fingerprinted: bool,
    not_modified: bool,
}

impl<'r> Responder<'r, 'static> for Served {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let a = self.asset;
        let mut res = Response::build();
        res.raw_header(
            "ETag",
            if self.gzip { &a.etag_gzip } else { &a.etag }.clone(),
        )
        .raw_header("Vary", "Accept-Encoding")
        .raw_header(
            "Cache-Control",
            if self.fingerprinted {
                CACHE_FINGERPRINTED
            } else {
                CACHE_PLAIN
            },
        );
        if self.not_modified {
            return res.status(Status::NotModified).ok();
        }
        res.header(a.content_type.clone());
        if self.gzip {
            res.raw_header("Content-Encoding", "gzip")
                .sized_body(a.gzip.len(), Cursor::new(a.gzip.as_slice()));
        } else {
            res.sized_body(a.body.len(), Cursor::new(a.body));
        }
        res.ok()
    }
}

/// A static file by its plain or fingerprinted name. A fingerprint of an earlier release gets
/// today's file with the short cache, so an old page still works and the wrong bytes are not
/// kept a year under that URL.
#[rocket::get("/static/<asset>")]
pub fn file(asset: &str, wanted: Conditional<'_>) -> Option<Served> {
    let (found, fingerprinted) = all().iter().find_map(|a| {
        if asset == a.fingerprinted {
            Some((a, true))
        } else if asset == a.name || same_file_other_hash(asset, a.name) {
            Some((a, false))
        } else {
            None
        }
    })?;
    let gzip = wanted.gzip && a_smaller(found);
    // The validator of the representation this request gets (RFC 9110 §8.8.3).
    let etag = if gzip { &found.etag_gzip } else { &found.etag };
    let not_modified = wanted.if_none_match.is_some_and(|inm| {
        inm.split(',').any(|tag| {
            let tag = tag.trim().trim_start_matches("W/");
            tag == "*" || tag == etag
        })
    });
    Some(Served {
        asset: found,
        gzip,
        fingerprinted,
        not_modified,
    })
}

/// Compressed only when that saves bytes (a tiny script may grow).
fn a_smaller(a: &Asset) -> bool {
    !a.gzip.is_empty() && a.gzip.len() < a.body.len()
}

/// `lobby.0123456789.js` for `lobby.js`: the same file under another release's fingerprint.
fn same_file_other_hash(file: &str, name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    file.strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(ext))
        .and_then(|hash| hash.strip_suffix('.'))
        .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![file]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_and_old_fingerprints() {
        let css = url("lichhop.css");
        let hash = css
            .strip_prefix("/static/lichhop.")
            .and_then(|r| r.strip_suffix(".css"))
            .expect("a hash between name and extension");
        assert_eq!(hash.len(), 10);
        assert!(same_file_other_hash(
            "lichhop.0123456789.css",
            "lichhop.css"
        ));
        assert!(!same_file_other_hash("lichhop.css", "lichhop.css"));
        assert!(!same_file_other_hash("lichhop.x.css", "lichhop.css"));
        assert!(!same_file_other_hash("lichhopx.0a.css", "lichhop.css"));
        assert_eq!(url("nothing.txt"), "/static/nothing.txt");
    }
}
