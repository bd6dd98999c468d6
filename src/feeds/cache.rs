//! Rendered feeds kept in memory, so a poll costs a point query, not a rebuild.
//!
//! Each entry remembers the database "generation" it was built from: a handful of index
//! look-ups (newest audit-trail entry, newest meeting and occurrence change, settings change,
//! the change counter of rooms, persons and agencies) plus the office date (cancelled meetings and the past window roll over daily). When the
//! generation is unchanged the cached bytes are served; otherwise the feed is rebuilt. Several
//! instances sharing one PostgreSQL database each keep their own cache and compute the same
//! generation, so they agree; the rendering is deterministic, so they also agree on the ETag.
//! Entries also expire after [`MAX_AGE`], a bound on staleness should anything a feed shows
//! change without moving the generation.

use super::select::{self, FeedSpec, Scope};
use super::{published, render};
use crate::auth::token_hash;
use crate::db::Db;
use crate::domain::{clock, settings};
use crate::Result;
use chrono::{DateTime, Utc};
use entity::FeedScope;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement};
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
    /// The gzip representation's own strong validator (RFC 9110 §8.8.3).
    pub etag_gzip: String,
    pub last_modified: DateTime<Utc>,
    /// `last_modified` as an IMF-fixdate, formatted once per build rather than per request.
    pub last_modified_http: String,
    pub events: usize,
    generation: Generation,
    built: Instant,
}

impl Rendered {
    /// Bytes held: the body and its gzip form.
    fn size(&self) -> usize {
        self.body.len() + self.gzip.as_ref().map_or(0, |g| g.len())
    }
}

pub struct FeedCache {
    entries: Mutex<HashMap<FeedSpec, Arc<Rendered>>>,
    /// Most rendered feeds kept (setting `feed_cache_entries`); see [`FeedCache::keep`].
    max_entries: usize,
    /// Recent probes by the SHA-256 of the token ([`PUBLIC`] for the public feed): under load a
    /// feed is checked against the database at most once per `recheck`, not once per request.
    probes: Mutex<HashMap<Digest32, (Instant, Probe), ByDigest>>,
    recheck: Duration,
}

/// A SHA-256 digest, the key of a remembered probe.
type Digest32 = [u8; 32];

/// The public feed's key among the token digests.
const PUBLIC: Digest32 = [0; 32];

/// Hashes a digest by its first eight bytes: they are uniform already, and SipHash over the
/// whole key was a visible share of a 304's cost.
#[derive(Default, Clone, Copy)]
struct ByDigest(u64);

impl std::hash::Hasher for ByDigest {
    fn write(&mut self, bytes: &[u8]) {
        let mut first = [0u8; 8];
        let n = bytes.len().min(8);
        first[..n].copy_from_slice(&bytes[..n]);
        self.0 ^= u64::from_le_bytes(first);
    }
    /// The length prefix of the array: the same for every key.
    fn write_usize(&mut self, _: usize) {}
    fn finish(&self) -> u64 {
        self.0
    }
}

impl std::hash::BuildHasher for ByDigest {
    type Hasher = ByDigest;
    fn build_hasher(&self) -> ByDigest {
        ByDigest(0)
    }
}

/// Most remembered probes; past it the memo starts afresh (it only holds valid tokens). An
/// entry is about 100 bytes: 10,000 of them, 1 MB.
const MAX_PROBES: usize = 10_000;

/// Most bytes (plain and gzip) of rendered feeds kept. A person's feed of 2,000 events is
/// 1.1 MB plain and 0.1 MB gzip (the feeds bench): 64 MiB keeps the busiest fifty of those, and
/// every feed of an office with ordinary ones.
pub const MAX_FEED_BYTES: usize = 64 * 1024 * 1024;

impl FeedCache {
    /// `recheck`: how long a probe (token still valid, generation) is trusted; zero = every
    /// request asks the database. `max_entries`: most rendered feeds kept (at least one).
    pub fn new(recheck: Duration, max_entries: usize) -> Self {
        FeedCache {
            entries: Mutex::new(HashMap::new()),
            max_entries: max_entries.max(1),
            probes: Mutex::new(HashMap::with_hasher(ByDigest(0))),
            recheck,
        }
    }

    /// Forgets every remembered probe: after a revocation this instance answers 404 at once.
    pub fn forget_probes(&self) {
        if let Ok(mut p) = self.probes.lock() {
            p.clear();
        }
    }

    fn remembered(&self, key: &Digest32) -> Option<Probe> {
        if self.recheck.is_zero() {
            return None;
        }
        let map = self.probes.lock().ok()?;
        let (at, probe) = map.get(key)?;
        (at.elapsed() < self.recheck).then(|| probe.clone())
    }

    fn remember(&self, key: Digest32, probe: &Probe) {
        if self.recheck.is_zero() || probe.spec.is_none() && key != PUBLIC {
            return;
        }
        if let Ok(mut map) = self.probes.lock() {
            if map.len() >= MAX_PROBES {
                map.clear();
            }
            map.insert(key, (Instant::now(), probe.clone()));
        }
    }

    /// The public feed's probe (generation only), remembered for `recheck`.
    pub async fn probe_public(&self, db: &Db) -> Result<Probe> {
        if let Some(p) = self.remembered(&PUBLIC) {
            return Ok(p);
        }
        let probe = Probe {
            spec: Some(FeedSpec {
                scope: Scope::Public,
                include_tentative: false,
            }),
            // Boxed, as every path of a poll that reaches the database: the handler's future
            // would otherwise carry their state, and every poll allocates and copies it.
            generation: Box::pin(public_generation(db)).await?,
        };
        self.remember(PUBLIC, &probe);
        Ok(probe)
    }

    /// A token's probe, remembered for `recheck` while the token is valid.
    pub async fn probe_token(&self, db: &Db, secret: &str) -> Result<Probe> {
        let key: Digest32 = Sha256::digest(secret.as_bytes()).into();
        if let Some(p) = self.remembered(&key) {
            return Ok(p);
        }
        let probe = Box::pin(probe(db, secret)).await?;
        self.remember(key, &probe);
        Ok(probe)
    }
}

/// Per-table change marks, as SQL select items. Every change of a meeting writes its audit
/// trail (MAX(id): primary key) and stamps updated_at (indexed, m20261127_000010); MAX over an
/// index is a look-up, not a scan.
const MARKS: &str = "\
    (SELECT CAST(MAX(id) AS TEXT) FROM meeting_event) AS g_e, \
    (SELECT CAST(MAX(updated_at) AS TEXT) FROM meeting) AS g_m, \
    (SELECT CAST(MAX(updated_at) AS TEXT) FROM occurrence) AS g_o, \
    (SELECT CAST(MAX(updated_at) AS TEXT) FROM setting) AS g_s, \
    (SELECT CAST(version AS TEXT) FROM reference_version WHERE id = 1) AS g_r";

fn generation_of(row: &QueryResult) -> Result<Generation> {
    let mut parts = Vec::with_capacity(6);
    for col in ["g_e", "g_m", "g_o", "g_s", "g_r"] {
        parts.push(row.try_get::<Option<String>>("", col)?.unwrap_or_default());
    }
    // Cancelled meetings and the past window roll over with the office date.
    parts.push(clock::office_date(clock::now()).to_string());
    Ok(parts.join("|").into())
}

/// The data generation a feed was built from; shared, so a remembered probe is cloned
/// without copying it.
pub type Generation = Arc<str>;

/// What one feed request needs from the database, in one round trip of point look-ups.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The feed the token opens; None when the token is unknown or revoked.
    pub spec: Option<FeedSpec>,
    pub generation: Generation,
}

/// The database's feed generation: changes whenever anything a feed shows may have changed.
pub async fn generation(db: &Db) -> Result<Generation> {
    let sql = format!("SELECT {MARKS}");
    match db
        .conn
        .query_one_raw(Statement::from_string(db.backend(), sql))
        .await?
    {
        Some(row) => generation_of(&row),
        None => Ok("".into()),
    }
}

/// The public feed's generation: it shows publications only (`feeds::published`), so it moves
/// when a revision is published (the newest publication's id and their count) and when the
/// office date rolls the window, never on a mere decision.
pub async fn public_generation(db: &Db) -> Result<Generation> {
    let sql = "SELECT CAST(MAX(id) AS TEXT) AS g_p, CAST(COUNT(*) AS TEXT) AS g_c \
               FROM schedule_publication";
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.backend(), sql))
        .await?;
    let mut parts = vec!["public".to_string()];
    if let Some(row) = row {
        for col in ["g_p", "g_c"] {
            parts.push(row.try_get::<Option<String>>("", col)?.unwrap_or_default());
        }
    }
    parts.push(clock::office_date(clock::now()).to_string());
    Ok(parts.join("|").into())
}

/// The token's feed (by the hash of its secret, unique index) and the generation, in one query.
pub async fn probe(db: &Db, secret: &str) -> Result<Probe> {
    let placeholder = match db.backend() {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "SELECT scope, person_id, room_id, agency_id, include_tentative, \
         revoked_at IS NOT NULL AS revoked, {MARKS} FROM feed_token WHERE token_hash = {placeholder}"
    );
    let stmt = Statement::from_sql_and_values(db.backend(), sql, [token_hash(secret).into()]);
    let Some(row) = db.conn.query_one_raw(stmt).await? else {
        return Ok(Probe {
            spec: None,
            generation: "".into(),
        });
    };
    let revoked: bool = row.try_get("", "revoked")?;
    let scope = FeedScope::from_code(&row.try_get::<String>("", "scope")?);
    let spec = match scope {
        Some(scope) if !revoked => Scope::of_token(
            scope,
            row.try_get("", "person_id")?,
            row.try_get("", "room_id")?,
            row.try_get("", "agency_id")?,
        )
        .map(|scope| FeedSpec {
            scope,
            include_tentative: row.try_get("", "include_tentative").unwrap_or(false),
        }),
        _ => None,
    };
    Ok(Probe {
        spec,
        generation: generation_of(&row)?,
    })
}

/// (ETag of the plain bytes, ETag of their gzip form): a hash of the bytes, quoted.
fn etags_of(bytes: &[u8]) -> (String, String) {
    let digest = hex::encode(&Sha256::digest(bytes)[..16]);
    (format!("\"{digest}\""), format!("\"{digest}-gz\""))
}

/// RFC 9110 §5.6.7 IMF-fixdate, written by `httpdate`, which also reads the request's dates.
pub fn http_date(t: DateTime<Utc>) -> String {
    httpdate::fmt_http_date(t.into())
}

fn gzip(bytes: &[u8]) -> Option<Arc<[u8]>> {
    if bytes.len() < GZIP_MIN {
        return None;
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).ok()?;
    enc.finish().ok().map(Arc::from)
}

/// The start of today in the office's zone, as an instant: the reference time of a feed.
pub fn office_day_start() -> DateTime<Utc> {
    let today = clock::office_date(clock::now());
    clock::local_to_utc(clock::OFFICE_TZ, today.and_time(chrono::NaiveTime::MIN))
        .unwrap_or_else(clock::now)
}

/// Builds a feed's bytes from the database (no cache).
pub async fn build(
    db: &Db,
    spec: FeedSpec,
    public_url: &str,
) -> Result<(String, usize, DateTime<Utc>)> {
    if spec.scope == Scope::Public {
        let (events, newest) = published::select(db, office_day_start()).await?;
        let name = select::feed_name(db, spec.scope).await?;
        return Ok((
            published::render(&name, &events, public_url),
            events.len(),
            newest,
        ));
    }
    let s = settings::load(db).await?;
    let data = select::select(db, spec, &s, office_day_start()).await?;
    Ok((
        render::render(&data, public_url),
        data.items.len(),
        data.last_modified,
    ))
}

/// How long a generation's stamp is kept: a generation names the office date, so one older than
/// a day never comes back.
const STAMP_DAYS: i64 = 2;

/// The Last-Modified of `generation`, agreed through the database (table `feed_stamp`): the one
/// stored for it, else `newest` (the latest change the data shows) or, when a date that late
/// was served already, the second after the latest one served. Two generations never share a
/// date (UNIQUE), so a client that revalidates by date after a change in the same second gets
/// the new feed, on whichever instance it asks; the cost is one look-up per rebuild.
pub async fn stamp(db: &Db, generation: &str, newest: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let pg = db.backend() == DbBackend::Postgres;
    let (p1, p2, greatest) = if pg {
        ("$1", "$2", "GREATEST")
    } else {
        ("?", "?", "MAX")
    };
    let find = Statement::from_sql_and_values(
        db.backend(),
        format!("SELECT last_modified FROM feed_stamp WHERE generation = {p1}"),
        [generation.into()],
    );
    // One statement computes and claims the date; of two instances claiming the same date for
    // different generations, the UNIQUE index lets one win and the other tries the next second.
    let claim = Statement::from_sql_and_values(
        db.backend(),
        format!(
            "INSERT INTO feed_stamp (generation, last_modified) \
             SELECT {p1}, {greatest}({p2}, COALESCE(MAX(last_modified) + 1, 0)) FROM feed_stamp \
             WHERE true ON CONFLICT DO NOTHING"
        ),
        [generation.into(), newest.timestamp().into()],
    );
    for _ in 0..5 {
        if let Some(row) = db.conn.query_one_raw(find.clone()).await? {
            let secs: i64 = row.try_get("", "last_modified")?;
            return DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| crate::Error::Internal(format!("feed stamp {secs}")));
        }
        let _w = db.write_guard().await;
        let claimed = db.conn.execute_raw(claim.clone()).await?.rows_affected();
        if claimed > 0 {
            let old = newest.timestamp() - STAMP_DAYS * 86_400;
            let prune = Statement::from_sql_and_values(
                db.backend(),
                format!("DELETE FROM feed_stamp WHERE last_modified < {p1}"),
                [old.into()],
            );
            db.conn.execute_raw(prune).await?;
        }
    }
    Err(crate::Error::Internal(
        "feed stamp: no date could be claimed".into(),
    ))
}

impl FeedCache {
    /// The current bytes of `spec`: cached when the generation is unchanged, rebuilt otherwise.
    pub async fn get(
        &self,
        db: &Db,
        spec: FeedSpec,
        generation: Generation,
        public_url: &str,
    ) -> Result<Arc<Rendered>> {
        if let Some(hit) = self.lookup(&spec) {
            if hit.generation == generation && hit.built.elapsed() < MAX_AGE {
                return Ok(hit);
            }
        }
        // Boxed: the state of a rebuild (every query of the feed) is kilobytes, which a poll
        // served from the cache would otherwise allocate and copy too.
        let (text, events, newest) = Box::pin(build(db, spec, public_url)).await?;
        let last_modified = Box::pin(stamp(db, &generation, newest)).await?;
        let body: Arc<[u8]> = Arc::from(text.into_bytes());
        let (etag, etag_gzip) = etags_of(&body);
        let rendered = Arc::new(Rendered {
            etag,
            etag_gzip,
            gzip: gzip(&body),
            body,
            last_modified_http: http_date(last_modified),
            last_modified,
            events,
            generation,
            built: Instant::now(),
        });
        self.keep(spec, rendered.clone());
        Ok(rendered)
    }

    /// Keeps a rendered feed within the bounds: feeds past [`MAX_AGE`] go first (they are
    /// rebuilt when next asked anyway), then the oldest built, until at most `max_entries`
    /// feeds of at most [`MAX_FEED_BYTES`] remain. Every person, room and agency has feeds, so
    /// without a bound the cache grows with the office's size times its feeds' sizes. The scan
    /// runs after a rebuild only, which costs far more.
    fn keep(&self, spec: FeedSpec, rendered: Arc<Rendered>) {
        let Ok(mut map) = self.entries.lock() else {
            return;
        };
        map.insert(spec, rendered);
        map.retain(|_, r| r.built.elapsed() < MAX_AGE);
        let mut bytes: usize = map.values().map(|r| r.size()).sum();
        while map.len() > self.max_entries || bytes > MAX_FEED_BYTES && map.len() > 1 {
            let Some((oldest, size)) = map
                .iter()
                .filter(|(s, _)| **s != spec)
                .min_by_key(|(_, r)| r.built)
                .map(|(s, r)| (*s, r.size()))
            else {
                break;
            };
            map.remove(&oldest);
            bytes -= size;
        }
    }

    /// How many rendered feeds are kept, and their bytes.
    pub fn kept(&self) -> (usize, usize) {
        self.entries
            .lock()
            .map(|m| (m.len(), m.values().map(|r| r.size()).sum()))
            .unwrap_or((0, 0))
    }

    fn lookup(&self, spec: &FeedSpec) -> Option<Arc<Rendered>> {
        self.entries.lock().ok()?.get(spec).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gzip_form_has_its_own_etag_beside_the_plain_one() {
        let (plain, gz) = etags_of(b"BEGIN:VCALENDAR");
        assert!(plain.starts_with('"') && plain.ends_with('"'), "{plain}");
        assert_eq!(gz, format!("{}-gz\"", plain.trim_end_matches('"')));
        assert_eq!(plain.len(), 34, "16 bytes of SHA-256 in hex, quoted");
    }
}
