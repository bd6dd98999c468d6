//! `/lich-cong-tac`: the public weekly work schedule of leaders, as provincial portals publish it.
//! Public on purpose: it shows the latest published revision of the week (or `?ban=N`), never
//! live data; `?embed=1` drops the page chrome so the portal can frame it; `?lanh-dao=<id>`
//! keeps one leader's rows; office roles add `?xem-truoc=1` to see the live draft, labelled.

use super::csrf::CsrfForm;
use super::page::Viewer;
use super::public_page::{Citizen, CitizenPage, PublicPages};
use crate::auth::Approver;
use crate::db::Db;
use crate::domain::{calendars, clock, publication, schedule_document};
use crate::error::Lang;
use crate::feeds::cache::FeedCache;
use crate::{Error, Result};
use chrono::NaiveDate;
use rocket::form::FromForm;
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::status::Custom;
use rocket::response::{Redirect, Responder};
use rocket::State;
use rocket::{get, post};
use rocket_dyn_templates::Template;
use serde_json::json;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(FromForm, Default)]
pub struct WeekQuery {
    tuan: Option<String>,
    embed: Option<String>,
    ban: Option<String>,
    #[field(name = "lanh-dao")]
    lanh_dao: Option<String>,
    #[field(name = "xem-truoc")]
    xem_truoc: Option<String>,
}

pub(crate) fn number(field: &str, value: Option<&str>) -> Result<Option<i32>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| Error::invalid(field, "publication.bad_number")),
    }
}

/// The copy a client has (`If-None-Match`).
pub struct IfNoneMatch(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfNoneMatch {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(IfNoneMatch(
            req.headers().get_one("If-None-Match").map(str::to_string),
        ))
    }
}

impl IfNoneMatch {
    fn matches(&self, etag: &str) -> bool {
        self.0.as_deref().is_some_and(|inm| {
            inm.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*")
        })
    }
}

#[derive(Responder)]
pub enum WeekPage {
    Page(Template, Header<'static>, Header<'static>),
    Fresh(Custom<()>, Header<'static>, Header<'static>),
    Personal(Template),
}

/// A citizen's page depends only on the published revision, the address, the language and the
/// current week (for "Tuần này"), so the ETag is computed from those without rendering: one
/// small query answers a revalidation with 304. Signed-in pages carry a name and are not tagged.
fn etag_of(here: &str, lang: Lang, published: Option<i32>, this_week: NaiveDate) -> String {
    let key = format!(
        "{}|{here}|{lang:?}|{published:?}|{this_week}",
        env!("CARGO_PKG_VERSION"),
    );
    format!("\"{}\"", hex::encode(&Sha256::digest(key.as_bytes())[..16]))
}

fn cache_headers(etag: String) -> (Header<'static>, Header<'static>) {
    (
        Header::new("ETag", etag),
        // Each browser keeps its copy and revalidates with the ETag; shared caches do not keep
        // it, since an anonymous answer may set the visitor's own CSRF cookie.
        Header::new("Cache-Control", "private, no-cache"),
    )
}

/// The week, revision and leader a page asks for, and this week (for "Tuần này").
struct Target {
    week: NaiveDate,
    ban: Option<i32>,
    leader: Option<i32>,
    this_week: NaiveDate,
}

fn target(q: &WeekQuery) -> Result<Target> {
    let week = match q.tuan.as_deref().filter(|t| !t.is_empty()) {
        // Any date of the week ("2026-11-25") or its ISO name ("2026-W48"), as the calendars take.
        Some(t) => calendars::parse_week("tuan", t)?,
        None => clock::week_start(clock::office_date(clock::now())),
    };
    Ok(Target {
        week,
        ban: number("ban", q.ban.as_deref())?,
        leader: number("lanh-dao", q.lanh_dao.as_deref())?,
        this_week: clock::week_start(clock::office_date(clock::now())),
    })
}

/// The page's own values: the published revision (or, for the office, the live draft).
async fn page_data(db: &Db, viewer: &Viewer, q: &WeekQuery, t: &Target) -> Result<Value> {
    let office = viewer.caller.as_ref().is_some_and(|c| c.is_office());
    let approver = viewer
        .caller
        .as_ref()
        .is_some_and(|c| matches!(c.role(), entity::Role::OfficeApprover | entity::Role::Admin));
    let preview = office && q.xem_truoc.as_deref() == Some("1");
    let schedule = if preview {
        publication::preview(db, t.week, t.leader).await?
    } else {
        publication::published(db, t.week, t.ban, t.leader).await?
    };
    let revisions: Vec<i32> = match schedule.latest_revision {
        Some(n) => (0..=n).collect(),
        None => vec![],
    };
    // The official heading and signature block, for the print view (as in the .docx).
    let document = schedule_document::issued_today(db, &schedule, viewer.lang).await?;
    // The weekday's name comes from the page's language file.
    let mut schedule = serde_json::to_value(schedule).unwrap_or_default();
    if let Some(days) = schedule["days"].as_array_mut() {
        for day in days {
            day["weekday_key"] = json!(format!("weekday.{}", day["weekday"]));
        }
    }
    Ok(json!({
        "schedule": schedule,
        "embed": q.embed.as_deref() == Some("1"),
        "this_week": t.this_week,
        "is_this_week": t.week == t.this_week,
        "document": document,
        "office": office,
        "approver": approver,
        "revisions": revisions,
        "leader": t.leader,
    }))
}

const TEMPLATE: &str = "weekly_schedule.html";
const TITLE: &str = "schedule.title";

/// A citizen's page (no session): no cookie is set, nobody is looked up; the ETag comes from
/// the week's publication kept in memory, and a 200 copies bytes rendered once (see
/// `web::public_page`). Tried before [`weekly`], which takes requests with a session cookie.
#[get("/lich-cong-tac?<q..>")]
pub async fn citizen(
    db: &State<Db>,
    feeds: &State<FeedCache>,
    pages: &State<PublicPages>,
    who: Citizen<'_>,
    q: WeekQuery,
    inm: IfNoneMatch,
) -> Result<CitizenPage> {
    let t = target(&q)?;
    // Boxed, as the feeds' probes: the database's part of the future is not the hit's.
    let generation = Box::pin(feeds.probe_public(db)).await?.generation;
    let latest = Box::pin(pages.latest(db, &generation, t.week)).await?;
    let etag = etag_of(&who.here, who.lang, latest, t.this_week);
    if inm.matches(&etag) {
        return Ok(CitizenPage { etag, body: None });
    }
    if let Some(body) = pages.page(&etag) {
        return Ok(CitizenPage {
            etag,
            body: Some(body),
        });
    }
    let viewer = Viewer {
        lang: who.lang,
        caller: None,
        csrf: String::new(),
        here: who.here.clone(),
        secure: false,
        unread: 0,
    };
    let data = Box::pin(page_data(db, &viewer, &q, &t)).await?;
    let html = Template::show(who.rocket, TEMPLATE, viewer.context(TITLE, data))
        .ok_or_else(|| Error::Internal(format!("template {TEMPLATE}")))?;
    let body: Arc<[u8]> = Arc::from(html.into_bytes());
    pages.keep(&generation, etag.clone(), body.clone());
    Ok(CitizenPage {
        etag,
        body: Some(body),
    })
}

/// The page for a visitor with a session: a signed-in page carries a name and is not tagged;
/// a session cookie that no longer signs anyone in gets the citizen's ETag.
#[get("/lich-cong-tac?<q..>")]
pub async fn weekly(
    db: &State<Db>,
    viewer: Viewer,
    q: WeekQuery,
    inm: IfNoneMatch,
) -> Result<WeekPage> {
    let t = target(&q)?;
    let etag = match viewer.caller {
        None => {
            let latest = publication::latest(&db.conn, t.week).await?;
            Some(etag_of(
                &viewer.here,
                viewer.lang,
                latest.map(|p| p.id),
                t.this_week,
            ))
        }
        Some(_) => None,
    };
    if let Some(tag) = etag.as_ref().filter(|t| inm.matches(t)) {
        let (e, c) = cache_headers(tag.clone());
        return Ok(WeekPage::Fresh(Custom(Status::NotModified, ()), e, c));
    }
    let data = page_data(db, &viewer, &q, &t).await?;
    let page = viewer.render(TEMPLATE, TITLE, data);
    Ok(match etag {
        Some(tag) => {
            let (e, c) = cache_headers(tag);
            WeekPage::Page(page, e, c)
        }
        None => WeekPage::Personal(page),
    })
}

#[derive(FromForm, Default)]
pub struct PublishForm {
    #[field(default = String::new())]
    tuan: String,
    #[field(default = String::new())]
    note: String,
}

/// "Phát hành lịch tuần" / "Phát hành điều chỉnh" from the dashboard or the preview: the
/// publication row records who issued which revision, when, with the note.
#[post("/lich-cong-tac/phat-hanh", data = "<form>")]
pub async fn publish(
    db: &State<Db>,
    feeds: &State<FeedCache>,
    by: Approver,
    form: CsrfForm<PublishForm>,
) -> Result<Redirect> {
    let form = form.0;
    let week = calendars::parse_week("tuan", &form.tuan)?;
    let note = Some(form.note).filter(|n| !n.trim().is_empty());
    let saved = publication::publish(db, by.id(), week, note).await?;
    // This instance sees the new generation at once (the public page and feed).
    feeds.forget_probes();
    Ok(Redirect::to(format!(
        "/lich-cong-tac?tuan={}&ban={}",
        saved.week_start, saved.revision
    )))
}

pub fn routes() -> Vec<rocket::Route> {
    let mut citizen = rocket::routes![citizen];
    // Before `weekly` (same address), which it forwards to when a session cookie is sent.
    citizen[0].rank = -20;
    citizen.extend(rocket::routes![weekly, publish]);
    citizen
}
