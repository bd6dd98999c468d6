//! `/lich-cua-toi`: a signed-in user's calendar feeds. The public weekly schedule feed; a form
//! creating a token feed of the kinds the user may have (the rules of `feeds::tokens`); the
//! user's own tokens with revoke; how to subscribe in Outlook, Google, Apple and Thunderbird.
//!
//! A token's secret is stored only as a hash, so its links (webcal://, https, QR code) are shown
//! once, right after it is created: the secret travels to that one page in a private (encrypted)
//! cookie that the page removes. Nobody sees or revokes another user's tokens here, whatever the
//! role (the API lets the office revoke anyone's).

use super::csrf::{CsrfForm, NoFields};
use super::page::{choices, optional_id, Choice, Field, FormView, Page, Viewer};
use crate::auth::{session, token_hash, Caller};
use crate::config::{AppConfig, DEFAULT_PUBLIC_URL};
use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::domain::{agencies, persons, rooms};
use crate::error::escape_html;
use crate::feeds::cache::FeedCache;
use crate::feeds::tokens::webcal;
use crate::feeds::tokens::{self, FeedTokenInput, FeedTokenView};
use crate::{Error, Result};
use entity::{agency, person, FeedScope};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::Redirect;
use rocket::{get, post, FromForm, State};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

const PATH: &str = "/lich-cua-toi";
/// Carries a token just created to the page that shows its links once.
const NEW_FEED_COOKIE: &str = "lichhop_new_feed";

/// Where people reach this server, for absolute links: the configured `public_url`, or, when
/// none was configured, the address this request came to (its Host).
pub struct BaseUrl(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for BaseUrl {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let configured = req
            .rocket()
            .state::<AppConfig>()
            .map(|c| c.public_url.clone())
            .filter(|url| url != DEFAULT_PUBLIC_URL);
        let base = match (configured, req.host()) {
            (Some(url), _) => url,
            (None, Some(host)) => {
                let scheme = if session::is_secure(req) {
                    "https"
                } else {
                    "http"
                };
                format!("{scheme}://{host}")
            }
            (None, None) => DEFAULT_PUBLIC_URL.to_string(),
        };
        Outcome::Success(BaseUrl(base))
    }
}

/// The QR code of `text` as inline SVG (presentation attributes only: the CSP forbids inline
/// style), labelled for screen readers.
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the SVG goes inside HTML.
    let start = image.find("<svg")?;
    Some(image[start..].replacen(
        "<svg",
        &format!(
            "<svg class=\"qr-code\" role=\"img\" aria-label=\"{}\"",
            escape_html(label)
        ),
        1,
    ))
}

/// The links of one feed as the template shows them.
fn links(id: &str, url: String, viewer: &Viewer) -> Value {
    let webcal_url = webcal(&url);
    let label = super::i18n::translations()
        .text(viewer.lang, "feeds.qr_label")
        .to_string();
    json!({
        "id": id,
        "qr": qr_svg(&webcal_url, &label),
        "webcal": webcal_url,
        "url": url,
    })
}

#[derive(FromForm, Default)]
pub struct FeedForm {
    #[field(default = String::new())]
    pub scope: String,
    #[field(default = String::new())]
    pub person_id: String,
    #[field(default = String::new())]
    pub room_id: String,
    #[field(default = String::new())]
    pub agency_id: String,
    #[field(default = false)]
    pub include_tentative: bool,
    #[field(default = String::new())]
    pub label: String,
}

impl FeedForm {
    /// The API's input: only the object the chosen kind needs (the other lists are posted too).
    fn input(&self) -> Result<FeedTokenInput> {
        let scope = FeedScope::from_code(self.scope.trim())
            .ok_or_else(|| Error::invalid("scope", "msg.feeds.choose_a_kind_of_feed"))?;
        let when = |kind: FeedScope, field: &str, value: &str| {
            if scope == kind {
                optional_id(field, value)
            } else {
                Ok(None)
            }
        };
        Ok(FeedTokenInput {
            scope,
            person_id: when(FeedScope::Person, "person_id", &self.person_id)?,
            room_id: when(FeedScope::Room, "room_id", &self.room_id)?,
            agency_id: when(FeedScope::Agency, "agency_id", &self.agency_id)?,
            label: Some(self.label.clone()),
            include_tentative: self.include_tentative,
        })
    }
}

/// What the form and the list need: the persons, rooms and agencies this user may pick.
struct Choices {
    persons: Vec<person::Model>,
    rooms: Vec<entity::room::Model>,
    agencies: Vec<agency::Model>,
    office: bool,
}

impl Choices {
    async fn load(db: &Db, by: &Caller) -> Result<Self> {
        let office = by.is_office();
        let own = by.account.agency_id;
        // A clerk may only pick its own agency and its people (tokens::authorize says so too).
        let mine = |agency_id: i32| office || own == Some(agency_id);
        Ok(Choices {
            persons: persons::list(db, false)
                .await?
                .into_iter()
                .filter(|p| p.active && mine(p.agency_id))
                .collect(),
            rooms: if office {
                rooms::list(db).await?.into_iter().map(|r| r.room).collect()
            } else {
                Vec::new()
            },
            agencies: agencies::list(db)
                .await?
                .into_iter()
                .filter(|a| mine(a.id))
                .collect(),
            office,
        })
    }

    fn form(&self, f: &FeedForm) -> FormView {
        let mut kinds = vec![FeedScope::Person, FeedScope::Agency];
        if self.office {
            kinds.extend([FeedScope::Room, FeedScope::Office]);
        }
        let scope = if f.scope.is_empty() {
            "person"
        } else {
            &f.scope
        };
        let none = || Choice {
            value: String::new(),
            label: "—".into(),
            selected: false,
        };
        let with_none = |mut list: Vec<Choice>| {
            let mut all = vec![none()];
            all.append(&mut list);
            all
        };
        let mut fields = vec![
            Field::select(
                "scope",
                "feeds.form.scope",
                choices(
                    kinds
                        .iter()
                        .map(|k| (k.code(), format!("feeds.scope.{}", k.code()))),
                    &[scope.to_string()],
                ),
            )
            .translated(),
            Field::select(
                "person_id",
                "feeds.form.person",
                with_none(choices(
                    self.persons
                        .iter()
                        .map(|p| (p.id, format!("{} — {}", p.full_name, p.position))),
                    std::slice::from_ref(&f.person_id),
                )),
            )
            .hint("feeds.form.person_hint"),
        ];
        if self.office {
            fields.push(Field::select(
                "room_id",
                "feeds.form.room",
                with_none(choices(
                    self.rooms.iter().map(|r| (r.id, r.name.clone())),
                    std::slice::from_ref(&f.room_id),
                )),
            ));
        }
        fields.push(
            Field::select(
                "agency_id",
                "feeds.form.agency",
                choices(
                    self.agencies.iter().map(|a| (a.id, a.name.clone())),
                    std::slice::from_ref(&f.agency_id),
                ),
            )
            .hint("feeds.form.agency_hint"),
        );
        fields.push(
            Field::checkbox(
                "include_tentative",
                "feeds.form.include_tentative",
                f.include_tentative,
            )
            .hint("feeds.form.include_tentative_hint"),
        );
        fields
            .push(Field::text("label", "feeds.form.label", &f.label).hint("feeds.form.label_hint"));
        FormView::new(PATH, "feeds.form.create", fields).heading("feeds.form.title")
    }

    /// What the token opens, by name.
    fn target(&self, t: &entity::feed_token::Model) -> String {
        let name = |found: Option<String>, id: Option<i32>| {
            found.unwrap_or_else(|| id.map(|i| format!("#{i}")).unwrap_or_default())
        };
        match t.scope {
            FeedScope::Person => name(
                self.persons
                    .iter()
                    .find(|p| Some(p.id) == t.person_id)
                    .map(|p| p.full_name.clone()),
                t.person_id,
            ),
            FeedScope::Room => name(
                self.rooms
                    .iter()
                    .find(|r| Some(r.id) == t.room_id)
                    .map(|r| r.name.clone()),
                t.room_id,
            ),
            FeedScope::Agency => name(
                self.agencies
                    .iter()
                    .find(|a| Some(a.id) == t.agency_id)
                    .map(|a| a.name.clone()),
                t.agency_id,
            ),
            FeedScope::Office => String::new(),
        }
    }
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&OFFICE_TZ)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// Everything the page shows; `form` is refused with `refusal` when given.
#[allow(clippy::too_many_arguments)]
async fn render(
    db: &Db,
    by: &Caller,
    viewer: &Viewer,
    base: &BaseUrl,
    form: &FeedForm,
    refusal: Option<&Error>,
    new_feed: Option<(i32, String)>,
    notice: Option<&str>,
) -> Result<Template> {
    let choices = Choices::load(db, by).await?;
    let mine = tokens::list_own(db, by).await?;
    // The token just created, if the cookie's secret is really one of this user's tokens.
    let new_feed = new_feed.and_then(|(id, secret)| {
        mine.iter()
            .find(|t| t.token.id == id && !t.revoked && t.token.token_hash == token_hash(&secret))
            .map(|t| {
                let mut v = links("new", format!("{}/feeds/{secret}.ics", base.0), viewer);
                v["label"] = json!(t.token.label);
                v["kind"] = json!(format!("feeds.scope.{}", t.token.scope.code()));
                v["target"] = json!(choices.target(&t.token));
                v
            })
    });
    let rows: Vec<Value> = mine
        .iter()
        .rev()
        .map(|t: &FeedTokenView| {
            json!({
                "id": t.token.id,
                "label": t.token.label,
                "kind": format!("feeds.scope.{}", t.token.scope.code()),
                "target": choices.target(&t.token),
                "tentative": t.token.include_tentative,
                "created": when(t.token.created_at),
                "revoked": t.revoked,
                "revoked_at": t.token.revoked_at.map(when),
            })
        })
        .collect();
    let mut view = choices.form(form);
    if let Some(e) = refusal {
        view = view.refused(e, viewer);
    }
    Ok(viewer.render(
        "feeds.html",
        "feeds.title",
        json!({
            "notice": notice,
            "public_feed": links("public", format!("{}/feeds/public.ics", base.0), viewer),
            "new_feed": new_feed,
            "form": view,
            "tokens": rows,
        }),
    ))
}

#[get("/lich-cua-toi?<da_thu_hoi>")]
pub async fn page(
    by: Caller,
    db: &State<Db>,
    viewer: Viewer,
    base: BaseUrl,
    jar: &CookieJar<'_>,
    da_thu_hoi: Option<&str>,
) -> Result<Template> {
    // Shown once: the cookie goes as soon as it is read.
    let new_feed = jar.get_private(NEW_FEED_COOKIE).and_then(|c| {
        let (id, secret) = c.value().split_once('.')?;
        Some((id.parse().ok()?, secret.to_string()))
    });
    if new_feed.is_some() {
        jar.remove_private(Cookie::build(NEW_FEED_COOKIE).path(PATH));
    }
    let notice = match (da_thu_hoi, &new_feed) {
        (Some(_), _) => Some("feeds.revoked"),
        (None, Some(_)) => Some("feeds.created"),
        _ => None,
    };
    render(
        db,
        &by,
        &viewer,
        &base,
        &FeedForm::default(),
        None,
        new_feed,
        notice,
    )
    .await
}

/// Carries a token just created to the page that shows its links, once.
fn show_once(jar: &CookieJar<'_>, viewer: &Viewer, id: i32, secret: &str) -> Redirect {
    jar.add_private(
        Cookie::build((NEW_FEED_COOKIE, format!("{id}.{secret}")))
            .path(PATH)
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(viewer.secure)
            .max_age(rocket::time::Duration::minutes(10))
            .build(),
    );
    Redirect::to(format!("{PATH}#lich-moi"))
}

#[post("/lich-cua-toi", data = "<form>")]
pub async fn create(
    by: Caller,
    db: &State<Db>,
    viewer: Viewer,
    base: BaseUrl,
    jar: &CookieJar<'_>,
    form: CsrfForm<FeedForm>,
) -> Result<Result<Redirect, Page>> {
    let form = form.0;
    let created = match form.input() {
        Ok(input) => tokens::create(db, &by, input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok((token, secret)) => Ok(Ok(show_once(jar, &viewer, token.id, &secret))),
        Err(e @ (Error::Validation { .. } | Error::Forbidden(_))) => {
            let status = e.status();
            let page = render(db, &by, &viewer, &base, &form, Some(&e), None, None).await?;
            Ok(Err((status, page)))
        }
        Err(e) => Err(e),
    }
}

#[post("/lich-cua-toi/<id>/thu-hoi", data = "<_form>")]
pub async fn revoke(
    by: Caller,
    db: &State<Db>,
    feeds: &State<FeedCache>,
    id: i32,
    _form: CsrfForm<NoFields>,
) -> Result<Redirect> {
    tokens::revoke_own(db, &by, id).await?;
    // The feed answers 404 from the next request on, on this instance at once.
    feeds.forget_probes();
    Ok(Redirect::to(format!("{PATH}?da_thu_hoi=1")))
}

/// A new link for one of the user's own feeds (the old link stops at once).
#[post("/lich-cua-toi/<id>/cap-lai", data = "<_form>")]
pub async fn renew(
    by: Caller,
    db: &State<Db>,
    feeds: &State<FeedCache>,
    viewer: Viewer,
    jar: &CookieJar<'_>,
    id: i32,
    _form: CsrfForm<NoFields>,
) -> Result<Redirect> {
    let (token, secret) = tokens::renew_own(db, &by, id).await?;
    feeds.forget_probes();
    Ok(show_once(jar, &viewer, token.id, &secret))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page, create, revoke, renew]
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_code_is_inline_svg_without_style() {
        let svg = super::qr_svg("webcal://lich.example.gov.vn/feeds/ab.ics", "Mã QR <1>").unwrap();
        assert!(
            svg.starts_with("<svg class=\"qr-code\" role=\"img\" aria-label=\"Mã QR &lt;1&gt;\"")
        );
        assert!(svg.contains("<path") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("style="));
    }
}
