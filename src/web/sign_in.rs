//! Signing in and out, the language switch, the stylesheet; the signed-in user's own account
//! page and password change.

use super::csrf::{CsrfForm, CsrfToken, NoFields};
use super::page::{Field, FormView, Page, Viewer};
use crate::auth::{session, signin, throttle, Caller, ClientIp};
use crate::body::SignIn;
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::{accounts, agencies, auth_events, validate};
use crate::{Error, Result};
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::response::Redirect;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::json;

/// Where a successful sign-in lands.
pub const HOME: &str = super::dashboard::PATH;

#[derive(FromForm, Default)]
pub struct SignInForm {
    #[field(default = String::new())]
    pub username: String,
    #[field(default = String::new())]
    pub password: String,
    /// A request form typed when the session ran out, as its path with its values: it comes
    /// back filled after signing in.
    #[field(default = String::new())]
    pub keep: String,
}

fn sign_in_form(username: &str, keep: &str) -> FormView {
    let mut fields = vec![
        Field::text("username", "sign_in.username", username)
            .required()
            .autocomplete("username"),
        Field::password("password", "sign_in.password", "current-password"),
    ];
    if !keep.is_empty() {
        fields.push(Field::text("keep", "sign_in.username", keep).of_kind("hidden"));
    }
    FormView::new("/dang-nhap", "sign_in.submit", fields)
}

/// The sign-in page answering a save whose session ran out: `keep` is the form's path with
/// what was typed (the request form's own link), carried through the sign-in.
pub fn sign_in_keeping(viewer: &Viewer, keep: &str) -> Template {
    viewer.forms(
        "sign_in.title",
        vec![sign_in_form("", keep)],
        Some("sign_in.session_expired_kept"),
    )
}

/// Where a kept form goes back to: only the request form's own pages.
fn kept_path(keep: &str) -> Option<String> {
    let path = local_path(keep)?;
    let request_form = path.starts_with("/dang-ky/moi?")
        || (path.starts_with("/cuoc-hop/") && path.contains("/sua?"));
    request_form.then_some(path)
}

/// Where signing out leads: the sign-in page, saying that it was done.
const SIGNED_OUT: &str = "/dang-nhap?da_dang_xuat=1";

#[rocket::get("/dang-nhap?<da_dang_xuat>")]
// Err is Rocket's other response (a redirect), not a failure, and the Ok side (`Template`) is
// nearly as large: boxing the redirect would add an allocation and save a few bytes.
#[allow(clippy::result_large_err)]
pub fn sign_in_page(viewer: Viewer, da_dang_xuat: Option<&str>) -> Result<Template, Redirect> {
    if viewer.caller.is_some() {
        return Err(Redirect::to(HOME));
    }
    let notice = da_dang_xuat.map(|_| "sign_in.signed_out");
    Ok(viewer.forms("sign_in.title", vec![sign_in_form("", "")], notice))
}

/// Public on purpose (with CSRF): checks the credentials through the same throttled path as
/// `POST /api/v1/tokens`, then starts a session and a fresh CSRF token.
#[rocket::post("/dang-nhap", data = "<form>")]
pub async fn sign_in_submit(
    db: &State<Db>,
    config: &State<AppConfig>,
    ip: ClientIp,
    viewer: Viewer,
    jar: &CookieJar<'_>,
    form: CsrfForm<SignInForm, SignIn>,
) -> Result<Result<Redirect, Page>> {
    let form = form.0;
    match signin::authenticate(
        db,
        &throttle::Rules::of(config),
        &form.username,
        &form.password,
        ip.0.as_deref(),
    )
    .await
    {
        Ok(account) => {
            session::start(jar, &account, viewer.secure);
            CsrfToken::renew_in(jar, viewer.secure);
            let to = kept_path(&form.keep).unwrap_or_else(|| HOME.to_string());
            Ok(Ok(Redirect::to(to)))
        }
        Err(
            e @ (Error::Unauthorized(_)
            | Error::TooManyRequests(_)
            | Error::Forbidden(_)
            | Error::Validation { .. }),
        ) => {
            let typed = validate::printable(&form.username);
            let keep = kept_path(&form.keep).unwrap_or_default();
            let view = sign_in_form(&typed, &keep).refused(&e, &viewer);
            Ok(Err((
                e.status(),
                viewer.forms("sign_in.title", vec![view], None),
            )))
        }
        Err(e) => Err(e),
    }
}

#[rocket::post("/dang-xuat", data = "<_form>")]
pub async fn sign_out(
    db: &State<Db>,
    caller: Caller,
    ip: ClientIp,
    jar: &CookieJar<'_>,
    _form: CsrfForm<NoFields>,
) -> Result<Redirect> {
    session::end(jar);
    let _w = db.write_guard().await;
    auth_events::record(
        &db.conn,
        auth_events::kind::SIGN_OUT,
        &caller.account.username,
        Some(caller.id()),
        ip.0.as_deref(),
        None,
    )
    .await?;
    Ok(Redirect::to(SIGNED_OUT))
}

/// Ends every session of the account, in every browser (this one included).
#[rocket::post("/tai-khoan/dang-xuat-moi-noi", data = "<_form>")]
pub async fn sign_out_everywhere(
    db: &State<Db>,
    caller: Caller,
    jar: &CookieJar<'_>,
    _form: CsrfForm<NoFields>,
) -> Result<Redirect> {
    accounts::end_all_sessions(db, caller.account).await?;
    session::end(jar);
    Ok(Redirect::to(SIGNED_OUT))
}

/// Remembers the language in the `lang` cookie and goes back to the page (a local path only).
#[rocket::get("/ngon-ngu/<code>?<next>")]
pub fn language(code: &str, next: Option<&str>, jar: &CookieJar<'_>) -> Redirect {
    let lang = if code == "en" { "en" } else { "vi" };
    jar.add(
        Cookie::build(("lang", lang))
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(rocket::time::Duration::days(365))
            .build(),
    );
    Redirect::to(local_path(next.unwrap_or("")).unwrap_or_else(|| "/dang-nhap".into()))
}

/// `next` as a path of this site to redirect to, or None: it must start with one `/` (not `//`
/// or `/\`, which browsers read as another host) and hold no control character. Spaces and
/// non-ASCII letters are percent-encoded, so that the Location header is always a valid URI.
fn local_path(next: &str) -> Option<String> {
    let mut chars = next.chars();
    let local = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    if !local || next.contains('\\') || next.chars().any(char::is_control) {
        return None;
    }
    let mut out = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii_graphic() && !"\"<>^`{|}".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let valid = rocket::http::uri::Origin::parse(&out).is_ok();
    valid.then_some(out)
}

// --- own account ---

async fn account_page(
    db: &Db,
    viewer: &Viewer,
    caller: &Caller,
    notice: Option<&str>,
) -> Result<Template> {
    let agency = match caller.account.agency_id {
        Some(id) => Some(agencies::get(db, id).await?.name),
        None => None,
    };
    Ok(viewer.render(
        "account.html",
        "account.title",
        json!({
            "agency": agency,
            "notice": notice,
            "mail": {
                "email": caller.account.email,
                "on": caller.account.email_notifications,
                "digest": caller.account.digest,
                "en": caller.account.lang == "en",
                "office": matches!(caller.account.role, entity::Role::OfficeStaff | entity::Role::OfficeApprover),
            },
        }),
    ))
}

#[derive(FromForm, Default)]
pub struct MailForm {
    #[field(default = String::new())]
    pub csrf: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = false)]
    pub email_notifications: bool,
    #[field(default = String::new())]
    pub lang: String,
    #[field(default = false)]
    pub digest: bool,
}

/// The account holder's own address and e-mail choice; an invalid address is refused beside
/// its field (422), with what was typed kept.
#[rocket::post("/tai-khoan/thu-dien-tu", data = "<form>")]
pub async fn mail_submit(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    form: CsrfForm<MailForm>,
) -> Result<Result<Template, Page>> {
    let form = form.0;
    let choice = accounts::MailChoice {
        email: Some(&form.email),
        on: form.email_notifications,
        lang: Some(form.lang.as_str()).filter(|l| !l.is_empty()),
        digest: form.digest,
    };
    match accounts::set_mail(db, caller.id(), choice).await {
        Ok(account) => {
            let caller = Caller { account, ..caller };
            Ok(Ok(account_page(
                db,
                &viewer,
                &caller,
                Some("account.mail_saved"),
            )
            .await?))
        }
        Err(e @ Error::Validation { .. }) => {
            let page = viewer.render(
                "account.html",
                "account.title",
                json!({
                    "mail": {
                        "email": form.email,
                        "on": form.email_notifications,
                        "digest": form.digest,
                        "en": form.lang == "en",
                        "office": matches!(caller.account.role, entity::Role::OfficeStaff | entity::Role::OfficeApprover),
                    },
                    "mail_error": viewer.msg(&e),
                }),
            );
            Ok(Err((Status::UnprocessableEntity, page)))
        }
        Err(e) => Err(e),
    }
}

#[rocket::get("/tai-khoan")]
pub async fn account(db: &State<Db>, caller: Caller, viewer: Viewer) -> Result<Template> {
    account_page(db, &viewer, &caller, None).await
}

#[derive(FromForm, Default)]
pub struct PasswordForm {
    #[field(default = String::new())]
    pub current_password: String,
    #[field(default = String::new())]
    pub new_password: String,
    #[field(default = String::new())]
    pub new_password_confirm: String,
}

fn password_form() -> FormView {
    FormView::new(
        "/tai-khoan/mat-khau",
        "password.submit",
        vec![
            Field::password("current_password", "password.current", "current-password"),
            Field::password("new_password", "password.new", "new-password"),
            Field::password("new_password_confirm", "password.confirm", "new-password"),
        ],
    )
}

#[rocket::get("/tai-khoan/mat-khau")]
pub fn password_page(_caller: Caller, viewer: Viewer) -> Template {
    viewer.forms("password.title", vec![password_form()], None)
}

/// Ends every other session of the account; this browser gets a fresh one.
#[rocket::post("/tai-khoan/mat-khau", data = "<form>")]
pub async fn password_submit(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    jar: &CookieJar<'_>,
    form: CsrfForm<PasswordForm>,
) -> Result<Result<Template, Page>> {
    let form = form.0;
    let changed = if form.new_password != form.new_password_confirm {
        Err(Error::invalid(
            "new_password_confirm",
            "msg.sign_in.the_two_new_passwords_differ",
        ))
    } else {
        accounts::change_password(
            db,
            caller.account.clone(),
            &form.current_password,
            &form.new_password,
        )
        .await
    };
    match changed {
        Ok(account) => {
            session::start(jar, &account, viewer.secure);
            let caller = Caller {
                account,
                token_id: None,
            };
            Ok(Ok(account_page(
                db,
                &viewer,
                &caller,
                Some("password.changed"),
            )
            .await?))
        }
        Err(e @ Error::Validation { .. }) => {
            let view = password_form().refused(&e, &viewer);
            Ok(Err((
                Status::UnprocessableEntity,
                viewer.forms("password.title", vec![view], None),
            )))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        sign_in_page,
        sign_in_submit,
        sign_out,
        sign_out_everywhere,
        language,
        account,
        password_page,
        password_submit,
        mail_submit
    ]
}
