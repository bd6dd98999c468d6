//! One error type for the whole application, mapped to HTTP responses in one place.
//!
//! API routes (`/api/…`) answer JSON `{ "error": code, "message": text, "field": name? }`, and
//! so does any route asked for JSON (`Accept: application/json`: the pages' own scripts);
//! other routes answer a short page. Messages exist in Vietnamese and English; the request's
//! language picks one (Vietnamese by default).

/// The request's language; its home is [`crate::i18n`], named here too because every message
/// ([`Msg::pick`]) and error page speaks one.
pub use crate::i18n::Lang;
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use sea_orm::DbErr;
use std::io::Cursor;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The field a failed data guard refused, kept in the request's local cache for the catcher
/// (beside the message, an `Option<Msg>`).
#[derive(Debug, Clone, Default)]
pub struct RefusedField(pub Option<String>);

/// A message in both languages of the product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub vi: String,
    pub en: String,
}

impl Msg {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Msg {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The text of a locale key in both languages (see [`crate::i18n`]), each `{name}` filled
    /// from `args`. New messages come from here, so that every word lives in `locales/`.
    pub fn t(key: &str, args: &[(&str, &str)]) -> Self {
        let tr = crate::i18n::translations();
        let fill = |lang| {
            let mut text = tr.text(lang, key).to_string();
            for (name, value) in args {
                text = text.replace(&format!("{{{name}}}"), value);
            }
            text
        };
        Msg {
            vi: fill(Lang::Vi),
            en: fill(Lang::En),
        }
    }

    /// [`Msg::t`] with arguments that differ by language (a room named in a Vietnamese
    /// sentence, a weekday's name): each language's text is filled with that language's value.
    pub fn t_each(key: &str, args: &[(&str, &Msg)]) -> Self {
        let tr = crate::i18n::translations();
        // One pass over the text, so that a value (a title someone typed) that holds `{name}`
        // stays as typed.
        let fill = |lang| {
            let mut rest = tr.text(lang, key);
            let mut text = String::with_capacity(rest.len());
            while let Some(open) = rest.find('{') {
                text.push_str(&rest[..open]);
                let after = &rest[open + 1..];
                let arg = after.find('}').and_then(|close| {
                    let name = &after[..close];
                    args.iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, value)| (value.pick(lang), close))
                });
                match arg {
                    Some((value, close)) => {
                        text.push_str(value);
                        rest = &after[close + 1..];
                    }
                    None => {
                        text.push('{');
                        rest = after;
                    }
                }
            }
            text.push_str(rest);
            text
        };
        Msg {
            vi: fill(Lang::Vi),
            en: fill(Lang::En),
        }
    }

    /// The same text in both languages (a name, a number, a date), as an argument of
    /// [`Msg::t_each`].
    pub fn both(text: impl Into<String>) -> Self {
        let text = text.into();
        Msg {
            vi: text.clone(),
            en: text,
        }
    }

    pub fn pick(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// The JSON body of every refused API request.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code: validation, not_found, unauthorized, forbidden, illegal_transition,
    /// room_overlap, chair_overlap, stale_version, …
    pub error: String,
    /// Human-readable, in the request's language (Vietnamese by default).
    pub message: String,
    /// The field at fault, for validation errors (e.g. `attendees[0].person_id`).
    pub field: Option<String>,
    /// For a refused booking (room_overlap, chair_overlap): the days, in office time, on which
    /// the meeting (or an occurrence of its series) collides. Absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<chrono::NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Start-up problems: configuration, database URL, data directory. Never an HTTP answer.
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Db(DbErr),
    /// The database cannot serve now (full disk, read-only, unreachable, too slow): nothing was
    /// written. A 503 with Retry-After; the app serves again by itself when the cause is gone.
    #[error("database unavailable ({outage:?}): {detail}")]
    Unavailable { outage: Outage, detail: String },
    /// Bad input: names the field.
    #[error("{field}: {}", msg.en)]
    Validation { field: String, msg: Msg },
    #[error("not found: {}", .0.en)]
    NotFound(Msg),
    #[error("sign-in required")]
    Unauthorized(Msg),
    #[error("forbidden: {}", .0.en)]
    Forbidden(Msg),
    /// A state the request cannot apply to (illegal transition, collision, stale version).
    #[error("conflict {code}: {}", msg.en)]
    Conflict { code: &'static str, msg: Msg },
    /// A booking refused because it overlaps an approved meeting (a 409 like [`Error::Conflict`]),
    /// with the office-local days that collide: a series' refusal names its occurrences.
    #[error("collision {code}: {}", msg.en)]
    Collision {
        code: &'static str,
        msg: Msg,
        dates: Vec<chrono::NaiveDate>,
    },
    /// If-Match names an older version than the stored one: a lost update refused.
    #[error("stale version: {}", .0.en)]
    PreconditionFailed(Msg),
    /// A change that needs If-Match came without it.
    #[error("precondition required: {}", .0.en)]
    PreconditionRequired(Msg),
    #[error("too many attempts: {}", .0.en)]
    TooManyRequests(Msg),
    /// A request the server cannot read (malformed JSON or form, bad header).
    #[error("bad request: {}", .0.en)]
    BadRequest(Msg),
    #[error("body too large: {}", .0.en)]
    PayloadTooLarge(Msg),
    #[error("unsupported media type: {}", .0.en)]
    UnsupportedMediaType(Msg),
    /// The path exists, not with this method: `allow` lists the methods it takes.
    #[error("method not allowed: {}", msg.en)]
    MethodNotAllowed { allow: String, msg: Msg },
    #[error("internal: {0}")]
    Internal(String),
}

/// Why the database cannot serve a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No space left for the database (SQLite SQLITE_FULL, PostgreSQL 53100).
    DiskFull,
    /// The file, its directory or the server accepts no writes.
    ReadOnly,
    /// The server cannot be reached, or a connection broke or could not be had in time.
    Unreachable,
    /// A lock or a statement ran out of its time (SQLite busy, PostgreSQL timeouts).
    TimedOut,
}

impl Outage {
    /// The outage a database error reports, if it is one (else a bug or bad data: a 500).
    pub fn of(e: &DbErr) -> Option<Outage> {
        use sea_orm::{sqlx, ConnAcquireErr, RuntimeErr};
        let sqlx_error = match e {
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => return Some(Outage::TimedOut),
            DbErr::ConnectionAcquire(_) => return Some(Outage::Unreachable),
            DbErr::Conn(RuntimeErr::SqlxError(e))
            | DbErr::Exec(RuntimeErr::SqlxError(e))
            | DbErr::Query(RuntimeErr::SqlxError(e)) => &**e,
            _ => return None,
        };
        match sqlx_error {
            sqlx::Error::PoolTimedOut => Some(Outage::TimedOut),
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Some(Outage::Unreachable),
            sqlx::Error::Database(d) => {
                let code = d.code()?;
                // PostgreSQL's SQLSTATE has five characters; SQLite's codes are numbers below
                // 10,000 (the primary code is the low byte of an extended one).
                let sqlite_code = (code.len() < 5).then(|| code.parse::<i32>().ok()).flatten();
                match sqlite_code {
                    Some(n) => match n & 0xff {
                        13 => Some(Outage::DiskFull),
                        8 => Some(Outage::ReadOnly),
                        5 | 6 => Some(Outage::TimedOut),
                        10 | 14 => Some(Outage::Unreachable),
                        _ => None,
                    },
                    None => match code.as_ref() {
                        "53100" => Some(Outage::DiskFull),
                        "25006" => Some(Outage::ReadOnly),
                        "57014" | "55P03" => Some(Outage::TimedOut),
                        c if c.starts_with("08") || c.starts_with("57P") => {
                            Some(Outage::Unreachable)
                        }
                        "53200" | "53300" => Some(Outage::Unreachable),
                        _ => None,
                    },
                }
            }
            _ => None,
        }
    }

    /// The locale key of the message that tells users so.
    fn message_key(self) -> &'static str {
        match self {
            Outage::DiskFull => "errors.db_disk_full",
            Outage::ReadOnly => "errors.db_read_only",
            Outage::Unreachable => "errors.db_unreachable",
            Outage::TimedOut => "errors.db_timed_out",
        }
    }

    /// What `/healthz` reports.
    pub fn name(self) -> &'static str {
        match self {
            Outage::DiskFull => "disk-full",
            Outage::ReadOnly => "read-only",
            Outage::Unreachable => "unreachable",
            Outage::TimedOut => "timed-out",
        }
    }

    /// Seconds a client should wait before it tries again.
    fn retry_after(self) -> u32 {
        match self {
            Outage::TimedOut => 5,
            Outage::Unreachable => 10,
            Outage::DiskFull | Outage::ReadOnly => 60,
        }
    }
}

impl From<DbErr> for Error {
    fn from(e: DbErr) -> Self {
        match Outage::of(&e) {
            Some(outage) => Error::Unavailable {
                outage,
                detail: e.to_string(),
            },
            None => Error::Db(e),
        }
    }
}

impl Error {
    /// PostgreSQL aborted the transaction as a deadlock's victim (40P01) or for a
    /// serialization failure (40001): nothing of it was written, and running it again is safe.
    pub fn is_transient(&self) -> bool {
        use sea_orm::{sqlx, RuntimeErr};
        let Error::Db(
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)),
        ) = self
        else {
            return false;
        };
        match &**e {
            sqlx::Error::Database(d) => matches!(d.code().as_deref(), Some("40P01" | "40001")),
            _ => false,
        }
    }

    /// A refusal of `field` with the locale message `key` (see [`Msg::t`]).
    pub fn invalid(field: &str, key: &str) -> Self {
        Error::Validation {
            field: field.to_string(),
            msg: Msg::t(key, &[]),
        }
    }

    /// A refusal of `field` with the locale message `key`, its `{name}` placeholders filled.
    pub fn invalid_with(field: &str, key: &str, args: &[(&str, &str)]) -> Self {
        Error::Validation {
            field: field.to_string(),
            msg: Msg::t(key, args),
        }
    }

    /// A 404 naming what was not found: the locale message `msg.not_found.<thing>`.
    pub fn missing(thing: &str) -> Self {
        Error::NotFound(Msg::t(&format!("msg.not_found.{thing}"), &[]))
    }

    /// A 409 with `code` and the locale message `key`, its `{name}` placeholders filled.
    pub fn conflict_t(code: &'static str, key: &str, args: &[(&str, &str)]) -> Self {
        Error::Conflict {
            code,
            msg: Msg::t(key, args),
        }
    }

    /// The error a catcher answers for `status`: the message a guard left in the request's
    /// cache when there is one, else a general message for the status.
    pub fn for_status(
        status: Status,
        guard_message: Option<Msg>,
        field: Option<String>,
        outage: Option<Outage>,
    ) -> Self {
        let msg = |key: &str| guard_message.clone().unwrap_or_else(|| Msg::t(key, &[]));
        match status.code {
            400 => Error::BadRequest(msg("errors.status.400")),
            401 => Error::Unauthorized(msg("errors.status.401")),
            403 => Error::Forbidden(msg("errors.status.403")),
            404 => Error::NotFound(msg("errors.status.404")),
            413 => Error::PayloadTooLarge(msg("errors.status.413")),
            415 => Error::UnsupportedMediaType(msg("errors.status.415")),
            422 => match guard_message {
                Some(m) => Error::Validation {
                    field: field.unwrap_or_default(),
                    msg: m,
                },
                None => Error::invalid("", "msg.error.the_request_body_is_not_valid"),
            },
            429 => Error::TooManyRequests(msg("errors.status.429")),
            503 => Error::Unavailable {
                outage: outage.unwrap_or(Outage::Unreachable),
                detail: format!("status {status}"),
            },
            _ => Error::Internal(format!("status {status}")),
        }
    }

    pub fn status(&self) -> Status {
        match self {
            Error::Validation { .. } => Status::UnprocessableEntity,
            Error::NotFound(_) => Status::NotFound,
            Error::Unauthorized(_) => Status::Unauthorized,
            Error::Forbidden(_) => Status::Forbidden,
            Error::Conflict { .. } | Error::Collision { .. } => Status::Conflict,
            Error::TooManyRequests(_) => Status::TooManyRequests,
            Error::PreconditionFailed(_) => Status::PreconditionFailed,
            Error::PreconditionRequired(_) => Status::PreconditionRequired,
            Error::PayloadTooLarge(_) => Status::PayloadTooLarge,
            Error::UnsupportedMediaType(_) => Status::UnsupportedMediaType,
            Error::MethodNotAllowed { .. } => Status::MethodNotAllowed,
            Error::BadRequest(_) => Status::BadRequest,
            Error::Unavailable { .. } => Status::ServiceUnavailable,
            Error::Config(_) | Error::Db(_) | Error::Internal(_) => Status::InternalServerError,
        }
    }

    /// Machine-readable code of the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "validation",
            Error::NotFound(_) => "not_found",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Conflict { code, .. } | Error::Collision { code, .. } => code,
            Error::TooManyRequests(_) => "too_many_requests",
            Error::PreconditionFailed(_) => "stale_version",
            Error::PreconditionRequired(_) => "if_match_required",
            Error::PayloadTooLarge(_) => "payload_too_large",
            Error::UnsupportedMediaType(_) => "unsupported_media_type",
            Error::MethodNotAllowed { .. } => "method_not_allowed",
            Error::BadRequest(_) => "bad_request",
            Error::Unavailable { .. } => "database_unavailable",
            Error::Config(_) | Error::Db(_) | Error::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> Msg {
        match self {
            Error::Validation { msg, .. }
            | Error::Conflict { msg, .. }
            | Error::MethodNotAllowed { msg, .. }
            | Error::Collision { msg, .. } => msg.clone(),
            Error::NotFound(m) | Error::Unauthorized(m) | Error::Forbidden(m) => m.clone(),
            Error::TooManyRequests(m)
            | Error::PreconditionFailed(m)
            | Error::PreconditionRequired(m)
            | Error::PayloadTooLarge(m)
            | Error::UnsupportedMediaType(m)
            | Error::BadRequest(m) => m.clone(),
            Error::Unavailable { outage, .. } => Msg::t(outage.message_key(), &[]),
            Error::Config(_) | Error::Db(_) | Error::Internal(_) => {
                Msg::t("msg.error.something_went_wrong_on_the_server", &[])
            }
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } if !field.is_empty() => Some(field),
            _ => None,
        }
    }
}

impl Error {
    /// Leaves what the catcher needs to answer this refusal of a guard (its message, field and
    /// outage) in the request's cache: a guard's outcome carries only a status.
    pub fn leave_for_catcher(&self, req: &Request<'_>) {
        req.local_cache(|| Some(self.message()));
        req.local_cache(|| RefusedField(self.field().map(str::to_string)));
        if let Error::Unavailable { outage, .. } = self {
            req.local_cache(|| Some(*outage));
        }
    }

    /// A copy for a second reader of a cached outcome (a request's caller is resolved once).
    pub fn duplicate(&self) -> Error {
        match self {
            Error::Unauthorized(m) => Error::Unauthorized(m.clone()),
            Error::Forbidden(m) => Error::Forbidden(m.clone()),
            Error::Unavailable { outage, detail } => Error::Unavailable {
                outage: *outage,
                detail: detail.clone(),
            },
            other => Error::Internal(other.to_string()),
        }
    }

    /// The JSON body of this refusal, in `lang`.
    pub fn json_body(&self, lang: Lang) -> String {
        let body = ErrorBody {
            error: self.code().to_string(),
            message: self.message().pick(lang).to_string(),
            field: self.field().map(str::to_string),
            dates: match self {
                Error::Collision { dates, .. } => dates.clone(),
                _ => Vec::new(),
            },
        };
        serde_json::to_string(&body).unwrap_or_default()
    }
}

impl<'r> Responder<'r, 'static> for Error {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        if status == Status::InternalServerError {
            tracing::error!(error = %self, path = %loggable(req.uri().path().as_str()), "request failed");
        }
        let retry_after = match &self {
            Error::Unavailable { outage, .. } => {
                tracing::warn!(error = %self, path = %loggable(req.uri().path().as_str()), "database unavailable");
                Some(outage.retry_after())
            }
            _ => None,
        };
        let lang = Lang::of(req);
        let message = self.message().pick(lang).to_string();
        let wants_json = req
            .accept()
            .is_some_and(|a| a.preferred().media_type().is_json());
        let (content_type, body) = if req.uri().path().starts_with("/api") || wants_json {
            (ContentType::JSON, self.json_body(lang))
        } else {
            (
                ContentType::HTML,
                error_page(status, &message, self.field(), lang),
            )
        };
        let mut response = Response::build();
        response
            .status(status)
            .header(content_type)
            .sized_body(body.len(), Cursor::new(body));
        if let Some(seconds) = retry_after {
            response.raw_header("Retry-After", seconds.to_string());
        }
        if let Error::MethodNotAllowed { allow, .. } = &self {
            response.raw_header("Allow", allow.clone());
        }
        response.ok()
    }
}

/// A path as it may be logged: the secret of a personal answer link (`/tra-loi/<token>`) is
/// left out; the query is never logged.
pub fn loggable(path: &str) -> String {
    match path.strip_prefix("/tra-loi/") {
        Some(_) => "/tra-loi/…".to_string(),
        None => path.to_string(),
    }
}

/// A minimal, escaped error page for routes that are not part of the API.
fn error_page(status: Status, message: &str, field: Option<&str>, lang: Lang) -> String {
    let tr = crate::i18n::translations();
    let title = tr.text(lang, "errors.page.title");
    let mut field = field
        .map(|f| format!("<p><code>{}</code></p>", escape_html(f)))
        .unwrap_or_default();
    if status == Status::Unauthorized {
        let link = escape_html(tr.text(lang, "errors.page.sign_in"));
        field.push_str(&format!("<p><a href=\"/dang-nhap\">{link}</a></p>"));
    }
    format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"/static/lichhop.css\"><title>{} — {}</title>\
         <main id=\"main\"><h1>{}</h1><p>{}</p>{}</main></html>",
        if lang == Lang::Vi { "vi" } else { "en" },
        status.code,
        title,
        title,
        escape_html(message),
        field
    )
}

/// HTML-escaped text, the same escaping the templates apply (handlebars' own).
pub fn escape_html(s: &str) -> String {
    rocket_dyn_templates::handlebars::html_escape(s)
}
