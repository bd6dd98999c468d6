//! Rendered feeds kept in memory, so a poll costs a point query, not a rebuild.
//!
//! Each entry remembers the database "generation" it was built from: a handful of index
//! look-ups (newest audit-trail entry, newest meeting and occurrence change, settings change)
//! plus the office date (cancelled meetings and the past window roll over daily). When the
//! generation is unchanged the cached bytes are served; otherwise the feed is rebuilt. Several
//! instances sharing one PostgreSQL database each keep their own cache and compute the same
//! generation, so they agree; the rendering is deterministic, so they also agree on the ETag.
//! Entries also expire after [`MAX_AGE`], which bounds how long a renamed room or person can
//! stay stale (those tables carry no change stamp).

use super::render;
use super::select::{self, FeedSpec};
use crate::db::Db;
use crate::domain::{clock, settings};
use crate::Result;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const MAX_AGE: Duration = Duration::from_secs(600);
/// Feeds larger than this are compressed once per build; smaller ones are not worth it.
const GZIP_MIN: usize = 512;

/// One rendered feed.
#[derive(Debug)]
pub struct Rendered {
    pub body: Arc<[u8]>,
    /// The same bytes gzip-compressed (None when the body is too small to bother).
    pub gzip: Option<Arc<[u8]>>,
    /// Strong validator: a hash of the bytes (quoted, as sent).
    pub etag: String,
    pub last_modified: DateTime<Utc>,
    pub events: usize,
    generation: String,
    built: Instant,
}

#[derive(Default)]
pub struct FeedCache {
    entries: Mutex<HashMap<FeedSpec, Arc<Rendered>>>,
}

/// The database's feed generation: changes whenever anything a feed shows may have changed.
pub async fn generation(db: &Db) -> Result<String> {
    // Every change of a meeting writes its audit trail (MAX(id): primary key) and stamps
    // updated_at (indexed, m20261127_000010); MAX over an index is a look-up, not a scan.
    const SQL: &str = "SELECT \
        (SELECT CAST(MAX(id) AS TEXT) FROM meeting_event) AS e, \
        (SELECT CAST(MAX(updated_at) AS TEXT) FROM meeting) AS m, \
        (SELECT CAST(MAX(updated_at) AS TEXT) FROM occurrence) AS o, \
        (SELECT CAST(MAX(updated_at) AS TEXT) FROM setting) AS s";
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.backend(), SQL))
        .await?;
    let mut parts = Vec::with_capacity(5);
    if let Some(row) = row {
        for col in ["e", "m", "o", "s"] {
            parts.push(row.try_get::<Option<String>>("", col)?.unwrap_or_default());
        }
    }
    parts.push(clock::office_date(clock::now()).to_string());
    Ok(parts.join("|"))
}

fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

fn gzip(bytes: &[u8]) -> Option<Arc<[u8]>> {
    if bytes.len() < GZIP_MIN {
        return None;
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).ok()?;
    enc.finish().ok().map(Arc::from)
}

/// Builds a feed's bytes from the database (no cache).
pub async fn build(
    db: &Db,
    spec: FeedSpec,
    public_url: &str,
) -> Result<(String, usize, DateTime<Utc>)> {
    let s = settings::load(db).await?;
    let data = select::select(db, spec, &s, clock::now()).await?;
    Ok((
        render::render(&data, public_url),
        data.items.len(),
        data.last_modified,
    ))
}

impl FeedCache {
    /// The current bytes of `spec`: cached when the generation is unchanged, rebuilt otherwise.
    pub async fn get(&self, db: &Db, spec: FeedSpec, public_url: &str) -> Result<Arc<Rendered>> {
        let generation = generation(db).await?;
        if let Some(hit) = self.lookup(&spec) {
            if hit.generation == generation && hit.built.elapsed() < MAX_AGE {
                return Ok(hit);
            }
        }
        let (text, events, last_modified) = build(db, spec, public_url).await?;
        let body: Arc<[u8]> = Arc::from(text.into_bytes());
        let rendered = Arc::new(Rendered {
            etag: etag_of(&body),
            gzip: gzip(&body),
            body,
            last_modified,
            events,
            generation,
            built: Instant::now(),
        });
        if let Ok(mut map) = self.entries.lock() {
            map.insert(spec, rendered.clone());
        }
        Ok(rendered)
    }

    fn lookup(&self, spec: &FeedSpec) -> Option<Arc<Rendered>> {
        self.entries.lock().ok()?.get(spec).cloned()
    }
}
