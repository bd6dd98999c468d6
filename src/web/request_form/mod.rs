//! The request form (đăng ký lịch họp): a new request (`/dang-ky/moi`) and the edit of a draft,
//! pending or returned one by its agency's clerk (`/cuoc-hop/<id>/sua`, with the version it
//! started from so that a concurrent change is never overwritten).
//!
//! The form shows problems before it is sent and helps find a time, twice over: live, by the
//! script `/static/request-form.js` asking `/dang-ky/kiem-tra` (conflicts) and `/dang-ky/tim-gio`
//! (free slots) as the clerk types; and without script, by the buttons "Kiểm tra trùng lịch" and
//! "Tìm giờ trống", which post the whole form and get it back with every typed value kept. Both
//! run the same checks as the API (`domain::conflicts::of_input`, `domain::availability::find`).
//!
//! The routes are here; the form's fields and their reading in `form`, the page in `view`, the
//! conflicts and free slots beside it in `hints`.

mod form;
mod hints;
mod view;

use super::csrf::CsrfForm;
use super::page::{Page, Viewer};
use crate::auth::{AgencyClerk, Caller};
use crate::db::Db;
use crate::domain::clock;
use crate::domain::conflicts;
use crate::domain::registration::{self, Actor};
use crate::domain::{settings, visibility, workflow};
use crate::error::{Error, Lang};
use crate::Result;
use entity::*;
use form::{number, page_field, request_input, RequestForm, Target};
pub use hints::Hints;
use hints::{check, find, span, Slots};
use rocket::http::{ContentType, Status};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use rocket_dyn_templates::Template;
use serde_json::json;
use view::{find_fields, repeat_fields, request_form_view};

/// The form's script, by its fingerprinted URL.
pub const SCRIPT: &str = "request-form.js";

/// Renders the form with what goes beside it; `refusal` is shown beside its field.
async fn render(
    db: &Db,
    viewer: &Viewer,
    f: &RequestForm,
    target: Target,
    hints: Option<Hints>,
    slots: Option<Slots>,
    refusal: Option<&Error>,
) -> Result<Template> {
    let office = viewer.caller.as_ref().is_some_and(|c| c.is_office());
    let mut form = request_form_view(db, f, viewer.lang, office, target).await?;
    let mut find = find_fields(f);
    let mut repeat = repeat_fields(f, viewer.lang);
    if let Some(e) = refusal {
        let own = e.field().and_then(|n| {
            find.iter_mut()
                .chain(repeat.iter_mut())
                .find(|x| x.name == n && x.kind != "hidden")
        });
        match own {
            Some(field) => field.error = Some(viewer.msg(e)),
            None => form = form.refused(e, viewer),
        }
    }
    Ok(viewer.render(
        "request_form.html",
        target.title(),
        json!({
            "form": form,
            "find": find,
            "repeat": repeat,
            "rrule_kept": (!f.rrule_kept.is_empty()).then_some(&f.rrule_kept),
            "hints": hints,
            "slots": slots,
            "script": crate::web::assets::url(SCRIPT),
            "meeting_id": target.meeting_id(),
        }),
    ))
}

/// GET of the form: blank, prefilled from a link (find a time), or the saved request.
async fn open(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    mut f: RequestForm,
    target: Target,
) -> Result<Template> {
    let actor = Actor::from(caller);
    if let Target::Edit(id) = target {
        let m = editable(db, &actor, id).await?;
        // A link from the find-a-time page carries a time and room only; one from the form
        // itself carries every field (and the version).
        if f.version.is_empty() {
            let saved = RequestForm::of_saved(db, &m).await?;
            f = overlay(saved, f);
        }
        f.meeting_id = id.to_string();
    }
    let step = std::mem::take(&mut f.step);
    let (mut hints, mut slots, mut refusal) = (None, None, None);
    match step.as_str() {
        "check" => match check(db, &actor, &f, target, viewer.lang).await {
            Ok(h) => hints = Some(h),
            Err(e) if e.status().code < 500 => refusal = Some(e),
            Err(e) => return Err(e),
        },
        "find" => match find(db, &f, target, viewer.lang).await {
            Ok(s) => slots = Some(s),
            Err(e) if e.status().code < 500 => refusal = Some(e),
            Err(e) => return Err(e),
        },
        _ => {}
    }
    render(db, viewer, &f, target, hints, slots, refusal.as_ref()).await
}

/// The saved form with the time and room a link chose.
fn overlay(saved: RequestForm, link: RequestForm) -> RequestForm {
    let pick = |a: String, b: String| if b.is_empty() { a } else { b };
    RequestForm {
        day: pick(saved.day.clone(), link.day),
        start: pick(saved.start.clone(), link.start),
        end: pick(saved.end.clone(), link.end),
        room_id: pick(saved.room_id.clone(), link.room_id),
        step: link.step,
        ..saved
    }
}

/// The request if the clerk may edit it now (its agency's, in a state that allows edits).
async fn editable(db: &Db, actor: &Actor, id: i32) -> Result<meeting::Model> {
    let m = registration::get(db, actor, id).await?;
    registration::must_be_editable(&m)?;
    Ok(m)
}

type Sent = Result<std::result::Result<Redirect, Page>>;

/// POST of the form: check, find a time, or save.
async fn send(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    mut f: RequestForm,
    target: Target,
) -> Sent {
    let actor = Actor::from(caller);
    let step = std::mem::take(&mut f.step);
    let f = &f;
    let refused = |e: Error| async move {
        let status = match e.status() {
            Status::PreconditionRequired => Status::UnprocessableEntity,
            s => s,
        };
        let page = render(db, viewer, f, target, None, None, Some(&e)).await?;
        Ok::<std::result::Result<Redirect, Page>, Error>(Err((status, page)))
    };
    if step == "check" || step == "find" {
        let (hints, slots) = if step == "check" {
            match check(db, &actor, f, target, viewer.lang).await {
                Ok(h) => (Some(h), None),
                Err(e) if e.status().code < 500 && e.status() != Status::NotFound => {
                    return refused(e).await
                }
                Err(e) => return Err(e),
            }
        } else {
            match find(db, f, target, viewer.lang).await {
                Ok(s) => (None, Some(s)),
                Err(e) if e.status().code < 500 => return refused(e).await,
                Err(e) => return Err(e),
            }
        };
        return Ok(Err((
            Status::Ok,
            render(db, viewer, f, target, hints, slots, None).await?,
        )));
    }
    let saved = match target {
        Target::New => match request_input(f, None) {
            Ok(input) => registration::create(db, &actor, input).await,
            Err(e) => Err(e),
        },
        Target::Edit(id) => {
            let m = editable(db, &actor, id).await?;
            let version = f.version.trim().parse().ok();
            match request_input(f, Some(&m)) {
                Ok(input) => registration::update(db, &actor, id, version, input).await,
                Err(e) => Err(e),
            }
        }
    };
    match saved {
        Ok(m) => Ok(Ok(Redirect::to(format!(
            "/cuoc-hop/{}?done={}",
            m.id,
            super::page::done_after_save(m.status)
        )))),
        Err(e) if e.status().code < 500 && e.status() != Status::NotFound => {
            refused(page_field(e)).await
        }
        Err(e) => Err(e),
    }
}

#[get("/dang-ky/moi?<q..>")]
pub async fn new_request(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    q: RequestForm,
) -> Result<Template> {
    open(db, &by, &viewer, q, Target::New).await
}

/// A save whose session ran out answers the sign-in page carrying what was typed (as the form's
/// own link, `open_path`), so nothing is lost; any other refusal of the guard stands.
fn kept_for_sign_in(e: Error, viewer: &Viewer, f: &RequestForm, open_path: &str) -> Sent {
    if e.status() != Status::Unauthorized {
        return Err(e);
    }
    let keep = format!("{open_path}?{}", f.query());
    Ok(Err((
        Status::Unauthorized,
        super::sign_in::sign_in_keeping(viewer, &keep),
    )))
}

#[post("/dang-ky", data = "<form>")]
pub async fn create_request(
    db: &State<Db>,
    by: std::result::Result<Caller, Error>,
    viewer: Viewer,
    form: CsrfForm<RequestForm>,
) -> Sent {
    match by {
        Ok(by) => send(db, &by, &viewer, form.0, Target::New).await,
        Err(e) => kept_for_sign_in(e, &viewer, &form.0, "/dang-ky/moi"),
    }
}

#[get("/cuoc-hop/<id>/sua?<q..>")]
pub async fn edit_request(
    db: &State<Db>,
    by: AgencyClerk,
    viewer: Viewer,
    id: i32,
    q: RequestForm,
) -> Result<Template> {
    open(db, &by, &viewer, q, Target::Edit(id)).await
}

#[post("/cuoc-hop/<id>/sua", data = "<form>")]
pub async fn update_request(
    db: &State<Db>,
    by: std::result::Result<AgencyClerk, Error>,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<RequestForm>,
) -> Sent {
    match by {
        Ok(by) => send(db, &by, &viewer, form.0, Target::Edit(id)).await,
        Err(e) => kept_for_sign_in(e, &viewer, &form.0, &format!("/cuoc-hop/{id}/sua")),
    }
}

/// A refusal of the script's endpoints: always JSON, naming the field in the page's language.
pub struct JsonRefusal(Error, Lang);

impl<'r> rocket::response::Responder<'r, 'static> for JsonRefusal {
    fn respond_to(self, _: &'r rocket::Request<'_>) -> rocket::response::Result<'static> {
        let body = self.0.json_body(self.1);
        rocket::Response::build()
            .status(self.0.status())
            .header(ContentType::JSON)
            .sized_body(body.len(), std::io::Cursor::new(body))
            .ok()
    }
}

type Answer<T> = std::result::Result<Json<T>, JsonRefusal>;

/// The form's target for the script: the request being edited, when the form names one.
fn script_target(f: &RequestForm) -> std::result::Result<Target, Error> {
    Ok(match number("meeting_id", &f.meeting_id)? {
        Some(id) => Target::Edit(id),
        None => Target::New,
    })
}

/// The live conflict check (the request form's script): the conflicts of the form as filled in.
#[post("/dang-ky/kiem-tra", data = "<form>")]
pub async fn check_live(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    form: CsrfForm<RequestForm>,
) -> Answer<Hints> {
    let lang = viewer.lang;
    let run = async {
        let target = script_target(&form.0)?;
        check(db, &Actor::from(&by), &form.0, target, lang).await
    };
    run.await.map(Json).map_err(|e| JsonRefusal(e, lang))
}

/// Find a time for the request form's script.
#[post("/dang-ky/tim-gio", data = "<form>")]
pub async fn find_live(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    form: CsrfForm<RequestForm>,
) -> Answer<Slots> {
    let lang = viewer.lang;
    let run = async {
        let target = script_target(&form.0)?;
        if let Target::Edit(id) = target {
            registration::get(db, &Actor::from(&by), id).await?;
        }
        find(db, &form.0, target, lang).await
    };
    run.await.map(Json).map_err(|e| JsonRefusal(e, lang))
}

/// Find a time for a saved request that conflicts (from its page): the office sees the slots;
/// its agency's clerk, while the request may be edited, opens the edit form with one.
#[get("/cuoc-hop/<id>/tim-gio")]
pub async fn find_for_meeting(
    db: &State<Db>,
    by: Caller,
    viewer: Viewer,
    id: i32,
) -> Result<Template> {
    let actor = Actor::from(&by);
    let m = registration::get(db, &actor, id).await?;
    let mut f = RequestForm::of_saved(db, &m).await?;
    f.version.clear();
    let today = clock::office_date(clock::now());
    f.find_from = clock::office_date(m.starts_at).max(today).to_string();
    let may_edit = by.role() == Role::AgencyClerk && workflow::editable(m.status);
    let slots = find(db, &f, Target::Edit(id), viewer.lang).await?;
    Ok(viewer.render(
        "request_slots.html",
        "request_form.find_title",
        json!({
            "m": {"id": m.id, "title": m.title, "when": span(m.starts_at, m.ends_at)},
            "slots": slots,
            "may_edit": may_edit,
        }),
    ))
}

/// Everything the check finds against a saved request as the office sees it (every meeting
/// named), errors first and by date within each: for the reviewer's page and the queue. Only
/// the counts may be shown to others.
pub async fn review_hints(db: &Db, m: &meeting::Model, lang: Lang) -> Result<Hints> {
    let s = settings::load(db).await?;
    let (_, mut found) = conflicts::of_meeting(db, m, &s, visibility::Viewer::Office).await?;
    found.sort_by_key(|c| c.severity);
    Ok(hints::hints(found, lang))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        new_request,
        create_request,
        edit_request,
        update_request,
        check_live,
        find_live,
        find_for_meeting
    ]
}
