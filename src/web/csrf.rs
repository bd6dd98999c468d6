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
        let expected = req
            .cookies()
            .get_private(COOKIE)
            .map(|c| c.value().to_string());
        let fields = &req.local_cache(|| FormFields(decode_fields(&text))).0;
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
