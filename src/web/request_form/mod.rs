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
pub(crate) mod hints;
mod view;

use super::csrf::{CsrfFiles, CsrfForm, SentFile};
use super::page::{Page, Viewer};
use crate::auth::{AgencyClerk, Caller};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::clock;
use crate::domain::conflicts;
use crate::domain::documents;
use crate::domain::registration::{self, Actor};
use crate::domain::{settings, visibility, workflow};
use crate::error::{Error, Lang};
use crate::Result;
use entity::*;
use form::{number, page_errors, page_field, request_input, RequestForm, Target};
pub use hints::Hints;
use hints::{check, find, span, Slots};
use rocket::http::{ContentType, Status};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::State;
use rocket::{get, post};
use rocket_dyn_templates::Template;
use serde_json::json;
use std::path::Path;
use view::{find_fields, repeat_fields, request_form_view};

/// The form's script, by its fingerprinted URL.
pub const SCRIPT: &str = "request-form.js";

/// One refusal in the error summary at the top of the form: a link to its field.
#[derive(serde::Serialize)]
struct SummaryItem {
    href: String,
    /// The field's label (a translation key), when the refusal names a field of the form.
    label: Option<&'static str>,
    message: String,
}

/// The summary of refused fields above the form ("Có N lỗi"), which takes the focus.
fn error_summary(
    viewer: &Viewer,
    fields: &[&crate::web::page::Field],
    refusals: &[Error],
) -> Option<serde_json::Value> {
    if refusals.is_empty() {
        return None;
    }
    let items: Vec<SummaryItem> = refusals
        .iter()
        .map(|e| {
            let own = e
                .field()
                .and_then(|n| fields.iter().find(|x| x.name == n && x.kind != "hidden"));
            SummaryItem {
                href: own.map_or_else(|| "#request-form".into(), |f| format!("#f-{}", f.name)),
                label: own.map(|f| f.label),
                message: viewer.msg(e),
            }
        })
        .collect();
    let n = items.len().to_string();
    let key = if items.len() == 1 {
        "request_more.errors_one"
    } else {
        "request_more.errors_many"
    };
    let title = crate::error::Msg::t(key, &[("n", &n)])
        .pick(viewer.lang)
        .to_string();
    Some(json!({ "title": title, "items": items }))
}

/// Renders the form with what goes beside it; each refusal is shown beside its field and in
/// the summary at the top.
async fn render(
    db: &Db,
    viewer: &Viewer,
    f: &RequestForm,
    target: Target,
    hints: Option<Hints>,
    slots: Option<Slots>,
    refusals: &[Error],
) -> Result<Template> {
    let office = viewer.caller.as_ref().is_some_and(|c| c.is_office());
    let data = view::PickerData::load(db).await?;
    let mut form = request_form_view(db, f, viewer.lang, office, target, &data).await?;
    let mut find = find_fields(f);
    let mut repeat = repeat_fields(f, viewer.lang);
    for e in refusals {
        let own = e.field().and_then(|n| {
            form.fields
                .iter_mut()
                .chain(find.iter_mut())
                .chain(repeat.iter_mut())
                .find(|x| x.name == n && x.kind != "hidden")
        });
        match own {
            Some(field) => field.error = Some(viewer.msg(e)),
            None => form.message = Some(viewer.msg(e)),
        }
    }
    let all: Vec<&crate::web::page::Field> = form
        .fields
        .iter()
        .chain(find.iter())
        .chain(repeat.iter())
        .collect();
    let summary = error_summary(viewer, &all, refusals);
    let repeat_open = !f.repeat.is_empty()
        || !f.rrule_kept.is_empty()
        || !f.exdates.trim().is_empty()
        || repeat.iter().any(|x| x.error.is_some());
    Ok(viewer.render(
        "request_form.html",
        target.title(),
        json!({
            "form": form,
            "find": find,
            "repeat": repeat,
            "error_summary": summary,
            "repeat_open": repeat_open,
            "picker_data": data.json(),
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
    render(db, viewer, &f, target, hints, slots, refusal.as_slice()).await
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

/// Checks the documents sent with a new request before it is saved (a file the rules refuse
/// refuses the save, with the typed request kept): the names to keep, in the order sent.
async fn check_documents(db: &Db, files: &[SentFile]) -> Result<Vec<String>> {
    if files.is_empty() {
        return Ok(vec![]);
    }
    let max_mib = settings::load(db).await?.max_document_mib;
    let mut names = vec![];
    for file in files {
        let (tmp, raw, size) = (file.path.clone(), file.raw_name.clone(), file.size);
        let one = rocket::tokio::task::spawn_blocking(move || {
            documents::check_file(&tmp, &raw, size, max_mib)
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        names.push(one.map_err(|e| match e {
            Error::Validation { msg, .. }
            | Error::PayloadTooLarge(msg)
            | Error::UnsupportedMediaType(msg) => Error::Validation {
                field: "documents".into(),
                msg,
            },
            other => other,
        })?);
    }
    Ok(names)
}

/// Stores the checked documents of the saved request `meeting` and records them, before the
/// answer: a failure here is a 500, never a 2xx with a file missing.
async fn store_documents(
    db: &Db,
    data_dir: &Path,
    by: i32,
    meeting: i32,
    files: &[SentFile],
    names: Vec<String>,
) -> Result<()> {
    for (file, name) in files.iter().zip(names) {
        let (dir, tmp, n) = (data_dir.to_path_buf(), file.path.clone(), name.clone());
        let stored =
            rocket::tokio::task::spawn_blocking(move || documents::store_file(&dir, &tmp, &n))
                .await
                .map_err(|e| Error::Internal(e.to_string()))??;
        documents::insert(db, meeting, by, name, &stored).await?;
    }
    Ok(())
}

/// POST of the form: check, find a time, filter a picker, or save (a new request with the
/// documents sent along: stored and recorded before the answer, so that a 2xx never leaves a
/// file behind).
async fn send(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    mut f: RequestForm,
    target: Target,
    sent: SentFiles<'_>,
) -> Sent {
    let actor = Actor::from(caller);
    let step = std::mem::take(&mut f.step);
    let f = &f;
    let (data_dir, files) = sent;
    let reattach = !files.is_empty();
    let refused = |mut errors: Vec<Error>| async move {
        // Files cannot come back in a page: say so beside the documents field.
        if reattach && !errors.iter().any(|e| e.field() == Some("documents")) {
            errors.push(Error::invalid("documents", "request_more.reattach"));
        }
        let status = match errors[0].status() {
            Status::PreconditionRequired => Status::UnprocessableEntity,
            s => s,
        };
        let page = render(db, viewer, f, target, None, None, &errors).await?;
        Ok::<std::result::Result<Redirect, Page>, Error>(Err((status, page)))
    };
    let kept_files = || {
        if reattach {
            vec![Error::invalid("documents", "request_more.reattach")]
        } else {
            vec![]
        }
    };
    if step == "filter" {
        // A picker's filter without script: the same form, its matches listed.
        return Ok(Err((
            Status::Ok,
            render(db, viewer, f, target, None, None, &kept_files()).await?,
        )));
    }
    if step == "check" || step == "find" {
        let (hints, slots) = if step == "check" {
            match check(db, &actor, f, target, viewer.lang).await {
                Ok(h) => (Some(h), None),
                Err(e) if e.status().code < 500 && e.status() != Status::NotFound => {
                    return refused(vec![e]).await
                }
                Err(e) => return Err(e),
            }
        } else {
            match find(db, f, target, viewer.lang).await {
                Ok(s) => (None, Some(s)),
                Err(e) if e.status().code < 500 => return refused(vec![e]).await,
                Err(e) => return Err(e),
            }
        };
        return Ok(Err((
            Status::Ok,
            render(db, viewer, f, target, hints, slots, &kept_files()).await?,
        )));
    }
    // Who may not edit it learns nothing of the form's faults.
    if let Target::Edit(id) = target {
        editable(db, &actor, id).await?;
    }
    let missing = page_errors(f);
    if !missing.is_empty() {
        return refused(missing).await;
    }
    let names = match check_documents(db, files).await {
        Ok(a) => a,
        Err(e) if e.status().code < 500 => return refused(vec![e]).await,
        Err(e) => return Err(e),
    };
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
    if let Ok(m) = &saved {
        store_documents(db, data_dir, caller.id(), m.id, files, names).await?;
    }
    match saved {
        Ok(m) => Ok(Ok(Redirect::to(format!(
            "/cuoc-hop/{}?done={}",
            m.id,
            super::page::done_after_save(m.status)
        )))),
        Err(e) if e.status().code < 500 && e.status() != Status::NotFound => {
            refused(vec![page_field(e)]).await
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

/// The documents folder's parent and the files sent with the form.
type SentFiles<'a> = (&'a std::path::Path, &'a [SentFile]);

/// A new request: urlencoded, or multipart with its documents (field `documents`).
#[post("/dang-ky", data = "<form>")]
pub async fn create_request(
    db: &State<Db>,
    config: &State<AppConfig>,
    by: std::result::Result<Caller, Error>,
    viewer: Viewer,
    form: CsrfFiles<RequestForm>,
) -> Sent {
    let CsrfFiles { form, files } = form;
    let files: Vec<SentFile> = files
        .into_iter()
        .filter(|f| f.field == "documents")
        .collect();
    match by {
        Ok(by) => {
            let sent = (config.data_dir.as_path(), files.as_slice());
            send(db, &by, &viewer, form, Target::New, sent).await
        }
        Err(e) => kept_for_sign_in(e, &viewer, &form, "/dang-ky/moi"),
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
        Ok(by) => {
            send(
                db,
                &by,
                &viewer,
                form.0,
                Target::Edit(id),
                (Path::new(""), &[]),
            )
            .await
        }
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

/// The id of the meeting page's decision form that takes a time offered by find-a-time.
pub const OFFER_ANCHOR: &str = "gio-moi";

/// The meeting's page at the form that takes a new time ("Dời lịch" for an approved meeting, the
/// return's proposal for a waiting request), carrying a slot and room in the names of that
/// form's fields (`starts_at`, `ends_at` as `datetime-local`, `room_id`), for the form to take.
pub fn reschedule_href(id: i32, day: &str, start: &str, end: &str, room: i32) -> String {
    format!(
        "/cuoc-hop/{id}?starts_at={day}T{start}&ends_at={day}T{end}&room_id={room}#{OFFER_ANCHOR}"
    )
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
    let mut slots = find(db, &f, Target::Edit(id), viewer.lang).await?;
    // Office staff move the meeting to a slot (its page's reschedule form); a clerk edits
    // the request while it may be edited. Anyone else only reads the slots.
    let office = by.is_office()
        && matches!(
            m.status,
            MeetingStatus::Pending | MeetingStatus::Reviewed | MeetingStatus::Approved
        );
    if office {
        for slot in &mut slots.slots {
            for r in &mut slot.rooms {
                r.href = reschedule_href(id, &slot.day, &slot.start, &slot.end, r.id);
            }
        }
    }
    Ok(viewer.render(
        "request_slots.html",
        "request_form.find_title",
        json!({
            "m": {"id": m.id, "title": m.title, "when": span(m.starts_at, m.ends_at)},
            "slots": slots,
            "may_edit": may_edit || office,
            "office": office,
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
