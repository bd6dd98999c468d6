//! Configuration: Rocket's figment (Rocket.toml, then `ROCKET_*` variables) plus `DATABASE_URL`.

pub mod proxies;

use crate::{Error, Result};
use rocket::figment::{providers::Serialized, Figment};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// lichhop's own settings, read from the same sources as Rocket's.
#[derive(Debug, Clone, Deserialize)]
pub struct AppConfig {
    /// `sqlite://…` or `postgres://…`; `DATABASE_URL` wins over Rocket.toml.
    #[serde(default)]
    pub database_url: Option<String>,
    /// Where the SQLite file, the secret key and meeting documents live.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// Largest number of pooled database connections.
    #[serde(default = "default_pool_size")]
    pub db_pool_size: u32,
    /// A browser session ends after this many minutes without a request.
    #[serde(default = "default_session_idle_minutes")]
    pub session_idle_minutes: u64,
    /// Failed sign-ins (per username or per client address) within the window after which each
    /// further attempt is slowed down and a failure answers 429.
    #[serde(default = "default_throttle_slow_after")]
    pub throttle_slow_after: u64,
    /// Failed sign-ins within the window that lock the username or address.
    #[serde(default = "default_throttle_lock_after")]
    pub throttle_lock_after: u64,
    #[serde(default = "default_throttle_window_minutes")]
    pub throttle_window_minutes: u64,
    #[serde(default = "default_throttle_lock_minutes")]
    pub throttle_lock_minutes: u64,
    /// How long a slowed-down attempt waits before it is answered.
    #[serde(default = "default_throttle_delay_ms")]
    pub throttle_delay_ms: u64,
    /// Base URL people reach the server at: links in feeds (meeting pages, feed URLs).
    #[serde(default = "default_public_url")]
    pub public_url: String,
    /// How long (ms) a feed request trusts the last check of its token and of the data
    /// generation before asking the database again; 0 = ask on every request. Revocation on
    /// this instance applies at once; on another instance sharing the database within this.
    #[serde(default = "default_feed_recheck_ms")]
    pub feed_recheck_ms: u64,
    /// Most rendered feeds kept in memory (each person, room and agency has two: with and
    /// without tentative meetings); the least recently built goes first. Their bytes are
    /// bounded too (`feeds::cache::MAX_FEED_BYTES`).
    #[serde(default = "default_feed_cache_entries")]
    pub feed_cache_entries: usize,
    /// The header a reverse proxy puts the client's address in (`X-Real-IP`,
    /// `X-Forwarded-For`); believed only from `trusted_proxies`. None: no header is read.
    #[serde(default)]
    pub client_ip_header: Option<String>,
    /// Addresses or CIDRs of the reverse proxies whose `client_ip_header` is believed.
    #[serde(default, deserialize_with = "proxies::deserialize")]
    pub trusted_proxies: proxies::TrustedProxies,
    /// How long (ms) a request waits for a pooled database connection (and a new connection
    /// to open) before it is answered 503.
    #[serde(default = "default_db_acquire_timeout_ms")]
    pub db_acquire_timeout_ms: u64,
    /// How long (ms) one statement may run: PostgreSQL's statement_timeout; on SQLite, how
    /// long a write waits for another process's lock (busy_timeout).
    #[serde(default = "default_db_statement_timeout_ms")]
    pub db_statement_timeout_ms: u64,
    /// How long (ms) any request may take before it is answered 503 (a hung database must
    /// not hang requests); document uploads get `upload_timeout_ms`.
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    #[serde(default = "default_upload_timeout_ms")]
    pub upload_timeout_ms: u64,
    /// The office's mail relay (`smtp://host:25`, `smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required` for STARTTLS). None: no e-mail, the in-app inbox only.
    /// Never logged: it may carry a password.
    #[serde(default)]
    pub smtp_url: Option<SmtpUrl>,
    /// The office mailbox messages come from, and the ORGANIZER of invitations.
    #[serde(default = "default_mail_from")]
    pub mail_from: String,
    #[serde(default = "default_mail_from_name")]
    pub mail_from_name: String,
    /// How often (ms) the sender looks for due messages when not woken by a decision.
    #[serde(default = "default_mail_poll_ms")]
    pub mail_poll_ms: u64,
    /// The first wait (ms) after a temporary failure; each further failure doubles it.
    #[serde(default = "default_mail_retry_ms")]
    pub mail_retry_ms: u64,
    /// Temporary failures after which a message is marked failed.
    #[serde(default = "default_mail_max_attempts")]
    pub mail_max_attempts: i32,
    /// How long an instance's claim on a message holds; after it, a message whose instance
    /// died is sent by another. Keep it above the relay's timeout (30 s).
    #[serde(default = "default_mail_lease_seconds")]
    pub mail_lease_seconds: i64,
    /// Office-local "HH:MM" at which the day's digest of new requests goes to the office
    /// accounts that chose it.
    #[serde(default = "default_digest_at")]
    pub digest_at: String,
    /// Office-local "HH:MM" at which each leader's secretary gets the next working day's agenda.
    #[serde(default = "default_agenda_at")]
    pub agenda_at: String,
    /// Office-local "HH:MM" from which the day's documents-deadline reminders go out.
    #[serde(default = "default_reminder_at")]
    pub reminder_at: String,
    /// How often (ms) each instance looks for due scheduled jobs; 0 turns the scheduler off.
    #[serde(default = "default_jobs_poll_ms")]
    pub jobs_poll_ms: u64,
}

fn default_digest_at() -> String {
    "08:00".into()
}

fn default_agenda_at() -> String {
    "16:30".into()
}

fn default_reminder_at() -> String {
    "08:00".into()
}

fn default_jobs_poll_ms() -> u64 {
    60_000
}

fn default_mail_lease_seconds() -> i64 {
    120
}

/// The relay's URL, which may carry a password: its Debug form shows the host only.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct SmtpUrl(pub String);

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::config::redact_url(&self.0))
    }
}

/// A URL without its user and password (for logs and pages).
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            let host = host.split(['?', '/']).next().unwrap_or(host);
            format!("{scheme}://{host}")
        }
        None => "?".into(),
    }
}

fn default_mail_from() -> String {
    "lichhop@localhost.localdomain".into()
}

fn default_mail_from_name() -> String {
    "Văn phòng UBND tỉnh".into()
}

fn default_mail_poll_ms() -> u64 {
    2_000
}

fn default_mail_retry_ms() -> u64 {
    30_000
}

fn default_mail_max_attempts() -> i32 {
    8
}

/// The database's time limits, as [`crate::db::connect`] applies them.
#[derive(Debug, Clone, Copy)]
pub struct DbTimeouts {
    pub acquire: std::time::Duration,
    pub statement: std::time::Duration,
}

impl Default for DbTimeouts {
    fn default() -> Self {
        DbTimeouts {
            acquire: std::time::Duration::from_millis(default_db_acquire_timeout_ms()),
            statement: std::time::Duration::from_millis(default_db_statement_timeout_ms()),
        }
    }
}

fn default_db_acquire_timeout_ms() -> u64 {
    3_000
}

fn default_db_statement_timeout_ms() -> u64 {
    8_000
}

fn default_request_timeout_ms() -> u64 {
    10_000
}

fn default_upload_timeout_ms() -> u64 {
    600_000
}

fn default_feed_recheck_ms() -> u64 {
    1000
}

/// An office of 400 persons, 30 rooms and 60 agencies has under 1,000 feeds.
fn default_feed_cache_entries() -> usize {
    1000
}

/// `public_url` when none is configured (pages then use the address the request came to).
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8000";

fn default_public_url() -> String {
    DEFAULT_PUBLIC_URL.into()
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}

fn default_pool_size() -> u32 {
    8
}

fn default_session_idle_minutes() -> u64 {
    60
}

fn default_throttle_slow_after() -> u64 {
    5
}

fn default_throttle_lock_after() -> u64 {
    10
}

fn default_throttle_window_minutes() -> u64 {
    15
}

fn default_throttle_lock_minutes() -> u64 {
    15
}

fn default_throttle_delay_ms() -> u64 {
    1000
}

fn config_error(e: rocket::figment::Error) -> Error {
    let text = e.to_string();
    Error::Config(format!(
        "configuration: {}",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    ))
}

impl AppConfig {
    /// Reads the configuration; a malformed Rocket.toml or a wrong type is an error naming it.
    pub fn load(figment: &Figment) -> Result<Self> {
        // Rocket's own keys first, so a bad port or a broken Rocket.toml is reported here, in one
        // line, rather than by Rocket's panic at launch.
        rocket::Config::try_from(figment).map_err(config_error)?;
        let mut config: AppConfig = figment.extract().map_err(config_error)?;
        config.public_url = config.public_url.trim_end_matches('/').to_string();
        for (key, value) in [
            ("digest_at", &config.digest_at),
            ("agenda_at", &config.agenda_at),
            ("reminder_at", &config.reminder_at),
        ] {
            if chrono::NaiveTime::parse_from_str(value.trim(), "%H:%M").is_err() {
                return Err(Error::Config(format!(
                    "configuration: {key} must be an office-local time HH:MM (got {value:?})"
                )));
            }
        }
        config.client_ip_header = config
            .client_ip_header
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty() && h != "false");
        if config.client_ip_header.is_some() && config.trusted_proxies.0.is_empty() {
            tracing::warn!(
                "client_ip_header is set but trusted_proxies is empty: it is never read"
            );
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.trim().is_empty() {
                config.database_url = Some(url);
            }
        }
        Ok(config)
    }

    pub fn db_timeouts(&self) -> DbTimeouts {
        use std::time::Duration;
        DbTimeouts {
            acquire: Duration::from_millis(self.db_acquire_timeout_ms.max(1)),
            statement: Duration::from_millis(self.db_statement_timeout_ms.max(1)),
        }
    }

    pub fn deadlines(&self) -> crate::deadline::Deadlines {
        use std::time::Duration;
        crate::deadline::Deadlines {
            request: Duration::from_millis(self.request_timeout_ms.max(1)),
            upload: Duration::from_millis(self.upload_timeout_ms.max(self.request_timeout_ms)),
        }
    }

    pub fn session_idle_limit(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.session_idle_minutes.min(60 * 24 * 365) as i64)
    }

    /// The database URL to use: the configured one, else a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("lichhop.db").display()
            ),
        }
    }
}

/// Rocket's figment with a secret key that survives restarts: the configured `secret_key` if
/// there is one, else a random key generated once and kept in `data_dir/secret.key` (mode 0600).
pub fn figment_with_secret(figment: Figment, data_dir: &Path) -> Result<Figment> {
    // Rocket's defaults carry an all-zero key; only a real configured key counts.
    let configured = figment
        .extract_inner::<rocket::config::SecretKey>("secret_key")
        .map(|k| !k.is_zero())
        .unwrap_or(false);
    if configured {
        return Ok(figment);
    }
    let key = load_or_create_secret(data_dir)?;
    Ok(figment.merge(Serialized::default("secret_key", key)))
}

fn load_or_create_secret(data_dir: &Path) -> Result<String> {
    use rand::RngCore;
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if existing.len() == 64 {
            return Ok(existing);
        }
    }
    ensure_dir(data_dir)?;
    // 256 random bits, hex: Rocket derives its 512-bit signing and encryption key from them.
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    write_private(&path, &key)?;
    Ok(key)
}

/// Creates the directory (and parents) or says clearly why it cannot.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Config(format!("data directory {}: {e}", dir.display())))
}

/// Whether this process may write `path` (a file, or create files in a directory). access(2)
/// answers for the process as it is: root passes permission bits but not a read-only mount.
pub fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(path.as_os_str().as_bytes())
        // SAFETY: a NUL-terminated path that access only reads.
        .is_ok_and(|c| unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0)
}

/// Creates the data directory if needed and refuses one this process cannot write: documents,
/// the secret key and (by default) the database live there.
pub fn ensure_writable_data_dir(dir: &Path) -> Result<()> {
    ensure_dir(dir)?;
    if may_write(dir) {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "data directory {} is read-only: lichhop keeps its documents and secret key there",
            dir.display()
        )))
    }
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| Error::Config(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod smtp_url_tests {
    #[test]
    fn a_relay_is_shown_without_its_user_password_or_options() {
        let url =
            super::SmtpUrl("smtps://vanphong:mat%40khau@mail.example.vn:465?tls=wrapper".into());
        assert_eq!(format!("{url:?}"), "smtps://mail.example.vn:465");
        assert_eq!(super::redact_url("smtp://relay:25"), "smtp://relay:25");
    }
}
