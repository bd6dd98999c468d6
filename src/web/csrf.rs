//! CSRF protection for the pages: a per-browser secret in a private cookie, repeated in a hidden
//! field `csrf` of every form. `CsrfForm<T>` is the data guard of every state-changing form
//! route: it parses the form only when the field matches the cookie, else answers 403.
//! (The API has no cookies, hence no CSRF surface.)

use crate::auth::{new_secret, session};
use crate::body::{read_text, refuse, Checked, TextRule};
use crate::domain::validate;
use crate::error::{Error, Msg};
use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::form::{Form, FromForm, ValueField};
use rocket::fs::TempFile;
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use std::marker::PhantomData;

pub const COOKIE: &str = "lichhop_csrf";
pub const FIELD: &str = "csrf";

/// The token to put in the forms of the page being rendered (created on first use).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn set_cookie(jar: &CookieJar<'_>, value: String, secure: bool) {
    jar.add_private(
        Cookie::build((COOKIE, value))
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .path("/")
            .build(),
    );
}

impl CsrfToken {
    /// The browser's token, or a new one set in its cookie.
    pub fn of(req: &Request<'_>) -> CsrfToken {
        let jar = req.cookies();
        match jar
            .get_private(COOKIE)
            .map(|c| c.value().to_string())
            .filter(|v| v.len() == 64)
        {
            Some(existing) => CsrfToken(existing),
            None => CsrfToken::renew(req),
        }
    }

    fn renew(req: &Request<'_>) -> CsrfToken {
        CsrfToken::renew_in(req.cookies(), session::is_secure(req))
    }

    /// A fresh token (after sign-in, so that one planted before it is worthless).
    pub fn renew_in(jar: &CookieJar<'_>, secure: bool) -> CsrfToken {
        let token = new_secret();
        set_cookie(jar, token.clone(), secure);
        CsrfToken(token)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(CsrfToken::of(req))
    }
}

/// Equal in constant time (no timing hint about how much of the token was right).
fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A form with no fields of its own (sign-out): only the CSRF token.
#[derive(FromForm, Debug, Default)]
pub struct NoFields {
    /// Read by [`CsrfForm`]; listed so that the form has a field.
    #[field(default = String::new())]
    pub csrf: String,
}

/// A form posted with the right CSRF token; every field was checked by `R` (see [`TextRule`]).
pub struct CsrfForm<T, R = Checked>(pub T, PhantomData<R>);

/// Checks the token of a form `CsrfForm` cannot read: multipart, carrying a file.
pub fn verify(jar: &CookieJar<'_>, sent: &str) -> Result<(), Error> {
    match jar.get_private(COOKIE) {
        Some(c) if !c.value().is_empty() && same(c.value(), sent) => Ok(()),
        _ => Err(forged()),
    }
}

/// The form's fields, percent-decoded, kept for the request's lifetime (parsed types borrow them).
struct FormFields(Vec<(String, String)>);

/// Splits and decodes an `application/x-www-form-urlencoded` body ('+' is a space).
fn decode_fields(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn forged() -> Error {
    Error::Forbidden(Msg::t("msg.csrf.the_form_has_expired_or_is", &[]))
}

#[rocket::async_trait]
impl<'r, T: FromForm<'r>, R: TextRule> FromData<'r> for CsrfForm<T, R> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if !req.content_type().is_some_and(|ct| ct.is_form()) {
            return refuse(
                req,
                Error::UnsupportedMediaType(Msg::t("msg.csrf.the_form_must_be_sent_as", &[])),
            );
        }
        let text = match read_text(req, data, "form", 256.kibibytes()).await {
            Ok(text) => text,
            Err(e) => return refuse(req, e),
        };
        let fields = &req.local_cache(|| FormFields(decode_fields(&text))).0;
        parse_checked::<T, R>(req, fields)
    }
}

/// Checks the token and every field's text, then parses `fields` as `T`.
fn parse_checked<'r, T: FromForm<'r>, R: TextRule>(
    req: &'r Request<'_>,
    fields: &'r [(String, String)],
) -> data::Outcome<'r, CsrfForm<T, R>, Error> {
    let expected = req
        .cookies()
        .get_private(COOKIE)
        .map(|c| c.value().to_string());
    let sent = fields
        .iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, v)| v.clone());
    match (expected, sent) {
        (Some(e), Some(s)) if !e.is_empty() && same(&e, &s) => {}
        _ => return refuse(req, forged()),
    }
    if R::CHECKED {
        let refused = fields.iter().try_for_each(|(name, value)| {
            validate::text(&validate::printable(name), name)?;
            validate::text(name, value)
        });
        if let Err(e) = refused {
            return refuse(req, e);
        }
    }
    let values = fields
        .iter()
        .map(|(n, v)| ValueField::from((n.as_str(), v.as_str())));
    match Form::<T>::parse_iter(values) {
        Ok(value) => data::Outcome::Success(CsrfForm(value, PhantomData)),
        Err(errors) => {
            let field = errors
                .iter()
                .next()
                .and_then(|e| e.name.as_ref().map(|n| n.to_string()))
                .unwrap_or_default();
            refuse(
                req,
                Error::Validation {
                    field: field.to_string(),
                    msg: Msg::t(
                        "msg.csrf.field_field_is_not_valid",
                        &[("field", &field.to_string())],
                    ),
                },
            )
        }
    }
}

/// A file sent with a [`CsrfFiles`] form, written to a temporary file in `dir` (removed when
/// dropped unless taken by then).
pub struct SentFile {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave, as sent (to be cleaned before use).
    pub raw_name: String,
    pub path: std::path::PathBuf,
    pub size: u64,
}

impl Drop for SentFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A form like [`CsrfForm`] that may come as `multipart/form-data` carrying files (the request
/// form with its documents): the text fields are checked and parsed as `T`; each chosen file is
/// kept in a temporary file in the documents folder (empty file fields, "no file chosen", are
/// left out). Sent urlencoded, it carries no files.
pub struct CsrfFiles<T> {
    pub form: T,
    pub files: Vec<SentFile>,
}

/// Reads a multipart body: text fields (up to the "form" limit in all) and files (each up to
/// the "file" limit) written under `dir`.
async fn read_multipart(
    req: &Request<'_>,
    data: Data<'_>,
    boundary: &str,
    dir: &std::path::Path,
) -> Result<(Vec<(String, String)>, Vec<SentFile>), Error> {
    use rocket::tokio::io::AsyncWriteExt;
    let limits = req.limits();
    let whole = limits.get("data-form").unwrap_or(25.mebibytes());
    let text_max = limits.get("form").unwrap_or(256.kibibytes()).as_u64();
    let file_max = limits.get("file").unwrap_or(whole).as_u64();
    let too_large = || {
        Error::PayloadTooLarge(Msg::t(
            "msg.body.the_request_body_exceeds_the_limit",
            &[("limit", &whole.to_string())],
        ))
    };
    let broken = |_| Error::BadRequest(Msg::t("msg.csrf.the_uploaded_file_could_not_be", &[]));
    let io = |e: std::io::Error| Error::Internal(format!("form upload: {e}"));
    let mut parts = multer::Multipart::with_reader(data.open(whole), boundary);
    let (mut fields, mut files) = (vec![], vec![]);
    let mut text_size = 0u64;
    while let Some(mut part) = parts.next_field().await.map_err(broken)? {
        let name = part.name().unwrap_or_default().to_string();
        let Some(raw_name) = part.file_name().map(str::to_string) else {
            let mut value = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(broken)? {
                text_size += chunk.len() as u64;
                if text_size > text_max {
                    return Err(too_large());
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value).map_err(|_| {
                Error::BadRequest(Msg::t("msg.body.the_request_body_could_not_be", &[]))
            })?;
            fields.push((name, value));
            continue;
        };
        crate::config::ensure_dir(dir).map_err(|e| Error::Internal(e.to_string()))?;
        let mut file = SentFile {
            field: name,
            raw_name,
            path: dir.join(format!(".form-{}", uuid::Uuid::new_v4().simple())),
            size: 0,
        };
        let mut out = rocket::tokio::fs::File::create(&file.path)
            .await
            .map_err(io)?;
        while let Some(chunk) = part.chunk().await.map_err(broken)? {
            file.size += chunk.len() as u64;
            if file.size > file_max {
                return Err(too_large());
            }
            out.write_all(&chunk).await.map_err(io)?;
        }
        out.flush().await.map_err(io)?;
        // "No file chosen" comes as an empty part without a name.
        if file.size > 0 || !file.raw_name.is_empty() {
            files.push(file);
        }
    }
    Ok((fields, files))
}

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Send> FromData<'r> for CsrfFiles<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let boundary = req
            .content_type()
            .filter(|ct| ct.is_form_data())
            .and_then(|ct| ct.param("boundary"))
            .map(str::to_string);
        let Some(boundary) = boundary else {
            return match CsrfForm::<T>::from_data(req, data).await {
                data::Outcome::Success(f) => data::Outcome::Success(CsrfFiles {
                    form: f.0,
                    files: vec![],
                }),
                data::Outcome::Error(e) => data::Outcome::Error(e),
                data::Outcome::Forward(f) => data::Outcome::Forward(f),
            };
        };
        let Some(config) = req.rocket().state::<crate::config::AppConfig>() else {
            return refuse(req, Error::Internal("no configuration".into()));
        };
        let dir = crate::domain::documents::store_dir(&config.data_dir);
        let (fields, files) = match read_multipart(req, data, &boundary, &dir).await {
            Ok(read) => read,
            Err(e) => return refuse(req, e),
        };
        let fields = &req.local_cache(|| FormFields(fields)).0;
        match parse_checked::<T, Checked>(req, fields) {
            data::Outcome::Success(f) => data::Outcome::Success(CsrfFiles { form: f.0, files }),
            data::Outcome::Error(e) => data::Outcome::Error(e),
            data::Outcome::Forward(f) => data::Outcome::Forward(f),
        }
    }
}

/// The fields of an upload form: the CSRF token and one file.
#[derive(FromForm)]
struct UploadFields<'r> {
    #[field(default = String::new())]
    csrf: String,
    file: Option<TempFile<'r>>,
}

/// A file uploaded by a `multipart/form-data` form posted with the right CSRF token (else 403).
/// The file is read up to `max` bytes; what is wrong with it (none chosen, too large) is left in
/// `file` for the page to show beside the field, with the form still on screen.
pub struct CsrfUpload {
    pub file: std::result::Result<Vec<u8>, Error>,
}

/// Largest upload a [`CsrfUpload`] reads (an .ics file of holidays is a few KiB).
pub const UPLOAD_MAX: usize = 1024 * 1024;

async fn read_upload(file: Option<TempFile<'_>>) -> std::result::Result<Vec<u8>, Error> {
    use rocket::tokio::io::AsyncReadExt;
    let file = file
        .filter(|f| f.len() > 0)
        .ok_or_else(|| Error::invalid("file", "msg.csrf.choose_a_file"))?;
    if file.len() > UPLOAD_MAX as u64 {
        return Err(Error::invalid_with(
            "file",
            "refusals.file_larger_than_kib",
            &[("kib", &(UPLOAD_MAX / 1024).to_string())],
        ));
    }
    let mut bytes = Vec::new();
    let unreadable = |e: std::io::Error| Error::Validation {
        field: "file".to_string(),
        msg: Msg::t(
            "msg.csrf.could_not_read_the_file_e",
            &[("e", &e.to_string())],
        ),
    };
    file.open()
        .await
        .map_err(unreadable)?
        .take(UPLOAD_MAX as u64 + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(unreadable)?;
    Ok(bytes)
}

#[rocket::async_trait]
impl<'r> FromData<'r> for CsrfUpload {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if !req.content_type().is_some_and(|ct| ct.is_form_data()) {
            return refuse(
                req,
                Error::UnsupportedMediaType(Msg::t("msg.csrf.an_upload_form_must_be_sent", &[])),
            );
        }
        let fields = match <Form<UploadFields<'r>> as FromData<'r>>::from_data(req, data).await {
            data::Outcome::Success(form) => form.into_inner(),
            data::Outcome::Forward(f) => return data::Outcome::Forward(f),
            // Larger than the form limits, or not multipart at all.
            data::Outcome::Error((status, _)) => {
                let msg = Msg::t("msg.csrf.the_uploaded_file_could_not_be", &[]);
                let e = if status == rocket::http::Status::PayloadTooLarge {
                    Error::PayloadTooLarge(msg)
                } else {
                    Error::BadRequest(msg)
                };
                return refuse(req, e);
            }
        };
        let expected = req
            .cookies()
            .get_private(COOKIE)
            .map(|c| c.value().to_string());
        match expected {
            Some(e) if !e.is_empty() && same(&e, &fields.csrf) => {}
            _ => return refuse(req, forged()),
        }
        data::Outcome::Success(CsrfUpload {
            file: read_upload(fields.file).await,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_decoded() {
        let f = super::decode_fields("csrf=ab&name=Ph%C3%B2ng+h%E1%BB%8Dp&x");
        assert_eq!(f[1], ("name".to_string(), "Phòng họp".to_string()));
        assert_eq!(f[2], ("x".to_string(), String::new()));
    }

    #[test]
    fn comparison_is_exact() {
        assert!(super::same("abc", "abc"));
        assert!(!super::same("abc", "abd"));
        assert!(!super::same("abc", "ab"));
    }
}
