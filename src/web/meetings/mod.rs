//! Pages of meeting requests: a meeting with its history and the decisions the viewer may take
//! (`/cuoc-hop/<id>`, here), the decisions' routes (`decisions.rs`: each its own route so that
//! its guard shows who may take it), the office's review queue and an agency's requests
//! (`lists.rs`). The page's documents part is drawn here; its upload and removal routes are
//! `super::documents`.

mod decisions;
mod lists;

use super::csrf::CsrfForm;
use super::page::{room_with_capacity, Page, TableView, ViewRow, Viewer, DONE_SAVED};
use crate::auth::{AgencyClerk, Caller, Decider, OfficeStaff};
use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::domain::registration::{self, Actor, DecisionInput, MeetingFilter};
use crate::domain::workflow::{self, Action};
use crate::domain::{documents, follower, reference, settings};
use crate::error::{Lang, Msg};
use crate::Result;
use entity::*;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;
use rocket::{get, post, FromForm};
use rocket_dyn_templates::Template;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use std::collections::HashMap;

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&OFFICE_TZ)
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

/// A decision shown as a form on a meeting's page.
struct Decision {
    /// Its route: `/cuoc-hop/<id>/<segment>`, and `?done=<segment>` after it.
    segment: &'static str,
    action: Action,
    label: &'static str,
    /// What the page says once it is taken.
    done: &'static str,
    /// The button's class: approve, return, reject and cancel each look different.
    style: &'static str,
    /// Destructive: asked again before it is taken (a page, so it works without JavaScript).
    confirm: Option<&'static str>,
}

#[rustfmt::skip]
const DECISIONS: &[Decision] = &[
    Decision { segment: "gui-duyet", action: Action::Submit, label: "action.submit", done: "done.submit", style: "primary", confirm: None },
    Decision { segment: "tham-dinh", action: Action::Review, label: "action.review", done: "done.review", style: "primary", confirm: None },
    Decision { segment: "tra-lai", action: Action::Return, label: "action.return", done: "done.return", style: "return", confirm: None },
    Decision { segment: "duyet", action: Action::Approve, label: "action.approve", done: "done.approve", style: "approve", confirm: None },
    Decision { segment: "tu-choi", action: Action::Reject, label: "action.reject", done: "done.reject", style: "reject", confirm: Some("confirm.reject") },
    Decision { segment: "doi-lich", action: Action::Reschedule, label: "action.reschedule", done: "done.reschedule", style: "move", confirm: None },
    Decision { segment: "doi-chu-tri", action: Action::ChangeChair, label: "action.change_chair", done: "done.change_chair", style: "chair", confirm: None },
    Decision { segment: "tam-hoan", action: Action::Postpone, label: "action.postpone", done: "done.postpone", style: "postpone", confirm: Some("confirm.postpone") },
    Decision { segment: "huy", action: Action::Cancel, label: "action.cancel", done: "done.cancel", style: "cancel", confirm: Some("confirm.cancel") },
    Decision { segment: "nhan-de-xuat", action: Action::AcceptProposal, label: "action.accept_proposal", done: "done.accept_proposal", style: "approve", confirm: None },
    Decision { segment: "rut", action: Action::Withdraw, label: "action.withdraw", done: "done.withdraw", style: "cancel", confirm: Some("confirm.withdraw") },
];

fn decision(action: Action) -> &'static Decision {
    DECISIONS
        .iter()
        .find(|d| d.action == action)
        .unwrap_or(&DECISIONS[0])
}

/// "PDF", "Word"… from the stored content type.
fn kind_label(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        t if t.contains("msword") || t.contains("wordprocessing") => "Word",
        t if t.contains("excel") || t.contains("spreadsheet") => "Excel",
        t if t.contains("powerpoint") || t.contains("presentation") => "PowerPoint",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        _ => "—",
    }
}

/// "850 KB", "2,4 MB" (a decimal comma in Vietnamese).
fn size_label(bytes: i64, lang: Lang) -> String {
    if bytes < 1024 * 1024 {
        return format!("{} KB", (bytes + 1023) / 1024);
    }
    let mb = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
    match lang {
        Lang::Vi => format!("{} MB", mb.replace('.', ",")),
        Lang::En => format!("{mb} MB"),
    }
}

/// The documents part of a meeting's page (uploaded and removed by `super::documents`);
/// `error` is shown beside the file field.
async fn documents_section(
    db: &Db,
    caller: &Caller,
    lang: Lang,
    m: &meeting::Model,
    error: Option<String>,
) -> Result<Value> {
    let actor = Actor::from(caller);
    // Those who see the meeting but not its documents (an uninvited agency) see no section.
    if documents::readable(db, &actor, m.id).await.is_err() {
        return Ok(Value::Null);
    }
    let s = settings::load(db).await?;
    let names = reference::current(db).await?;
    let items: Vec<Value> = documents::list(&db.conn, m.id)
        .await?
        .into_iter()
        .map(|d| {
            let may_remove = actor.office || d.uploaded_by == caller.id();
            json!({
                "name": d.file_name,
                "kind": kind_label(&d.content_type),
                "size": size_label(d.size_bytes, lang),
                "by": names.account_name(d.uploaded_by).unwrap_or_default(),
                "at": d.uploaded_at.with_timezone(&OFFICE_TZ).format("%H:%M %d/%m/%Y").to_string(),
                "href": format!("/cuoc-hop/{}/tai-lieu/{}", m.id, d.id),
                "remove": may_remove.then(|| format!("/cuoc-hop/{}/tai-lieu/{}/xoa", m.id, d.id)),
            })
        })
        .collect();
    let due = documents::due_of(&db.conn, m, &s).await?.map(|d| {
        json!({
            "on": d.due_on.format("%d/%m/%Y").to_string(),
            "flag": d.flag.map(|c| match lang {
                Lang::Vi => c.message_vi,
                Lang::En => c.message_en,
            }),
        })
    });
    let hint = super::i18n::translations()
        .text(lang, "documents.file_hint")
        .replace("{max}", &s.max_document_mib.to_string());
    Ok(json!({
        "items": items,
        "due": due,
        "upload": documents::may_upload(&actor, m).then(|| format!("/cuoc-hop/{}/tai-lieu", m.id)),
        "hint": hint,
        "error": error,
    }))
}

/// What a meeting's page shows besides the meeting.
#[derive(Default)]
pub struct Shown {
    /// A key of what was just done, filled with the meeting's number and title.
    pub notice: Option<String>,
    /// A refused decision, shown in its form.
    pub refused: Option<Refused>,
    /// A refused upload, shown beside the file field.
    pub doc_error: Option<String>,
    /// A destructive decision to confirm, at the top.
    pub asking: Option<Asking>,
    /// A move checked before it is taken: what was typed and what the check found.
    pub checked: Option<super::moves::Checked<DecisionForm>>,
    /// A reschedule offered by find-a-time (`?starts_at=&ends_at=&room_id=#doi-lich`): the
    /// "Dời lịch" form comes filled with it.
    pub offered: Option<DecisionForm>,
}

/// A destructive decision waiting for its confirmation, with what was typed for it.
pub struct Asking {
    action: Action,
    form: DecisionForm,
}

/// A meeting's page with what `shown` adds.
pub(super) async fn meeting_page(
    db: &Db,
    caller: &Caller,
    viewer: &Viewer,
    id: i32,
    shown: Shown,
) -> Result<Template> {
    let Shown {
        notice,
        refused,
        doc_error,
        asking,
        checked,
        offered,
    } = shown;
    let actor = Actor::from(caller);
    let m = registration::get(db, &actor, id).await?;
    let id_text = m.id.to_string();
    let about = [("id", id_text.as_str()), ("title", m.title.as_str())];
    let notice = notice.map(|key| Msg::t(&key, &about).pick(viewer.lang).to_string());
    let confirm = asking.map(|a| {
        let d = decision(a.action);
        json!({
            "question": Msg::t(d.confirm.unwrap_or(d.label), &about).pick(viewer.lang),
            "action": format!("/cuoc-hop/{id}/{}", d.segment),
            "label": d.label,
            "style": d.style,
            "reason": a.form.reason,
            "room_id": a.form.room_id,
            "back": format!("/cuoc-hop/{id}"),
        })
    });
    let names = reference::current(db).await?;
    let agencies: HashMap<i32, &str> = names
        .agencies()
        .iter()
        .map(|a| (a.id, a.name.as_str()))
        .collect();
    let persons: HashMap<i32, &person::Model> = names.persons().iter().map(|p| (p.id, p)).collect();
    let rooms = names.rooms_in_order();
    let room_name = |id: Option<i32>| {
        id.and_then(|r| rooms.iter().find(|x| x.id == r))
            .map(|r| r.name.clone())
    };
    let attendees: Vec<serde_json::Value> = meeting_attendee::Entity::find()
        .filter(meeting_attendee::Column::MeetingId.eq(id))
        .all(&db.conn)
        .await?
        .into_iter()
        .filter(|a| a.role != AttendeeRole::Chair)
        .filter_map(|a| {
            let name = match (a.person_id, a.agency_id) {
                (Some(p), _) => persons
                    .get(&p)
                    .map(|p| format!("{} — {}", p.full_name, p.position)),
                (_, Some(g)) => agencies.get(&g).map(|a| a.to_string()),
                _ => None,
            };
            name.map(|n| json!({"name": n, "optional": a.role == AttendeeRole::Optional}))
        })
        .collect();
    let answers = super::answers::meeting_section(
        db,
        &m,
        caller.is_office(),
        viewer.lang,
        &persons,
        &agencies,
    )
    .await?;
    let occurrence_rows = registration::occurrences(db, &actor, id).await?;
    // The occurrences one may move on their own: those standing, by their original date.
    let standing_dates: Vec<(String, String)> = occurrence_rows
        .iter()
        .filter(|o| o.status != MeetingStatus::Cancelled)
        .map(|o| {
            let original = o.recurrence_id.with_timezone(&OFFICE_TZ).date_naive();
            (original.to_string(), when(o.starts_at))
        })
        .collect();
    let occurrences: Vec<_> = occurrence_rows
        .into_iter()
        .map(|o| {
            json!({
                "when": when(o.starts_at),
                "until": o.ends_at.with_timezone(&OFFICE_TZ).format("%H:%M").to_string(),
                "room": room_name(o.room_id).unwrap_or_default(),
                "status": format!("status.{}", o.status.code()),
                "changed": o.is_override,
            })
        })
        .collect();
    let history: Vec<_> = registration::history(db, &actor, id)
        .await?
        .into_iter()
        .map(|e| {
            json!({
                "at": when(e.at),
                "who": e.actor_id.and_then(|a| names.account_name(a)).unwrap_or_default(),
                "action": format!("event.{}", e.action),
                "status": e.status_after.map(|s| format!("status.{}", s.code())),
                "note": e.note,
            })
        })
        .collect();
    let settings = settings::load(db).await?;
    let leaders = super::moves::leader_choices(db, m.chair_id).await?;
    // Before the approve click: the pending requests approving will flag (room or chair).
    let may_approve = Action::Approve.allowed_from().contains(&m.status)
        && workflow::may(caller.role(), Action::Approve, &settings);
    let flags: Vec<Value> = if may_approve {
        registration::approval_preview(db, &actor, id)
            .await?
            .into_iter()
            .filter(|c| c.status != MeetingStatus::Approved)
            .map(|c| {
                let dates: Vec<String> = c.dates.iter().map(|d| d.format("%d/%m/%Y").to_string()).collect();
                json!({"id": c.meeting_id, "title": c.title, "on": format!("approve.on.{}", c.on), "dates": dates.join(", ")})
            })
            .collect()
    } else {
        Vec::new()
    };
    let open: Vec<&Decision> = DECISIONS
        .iter()
        .filter(|d| {
            d.action.allowed_from().contains(&m.status)
                && workflow::may(caller.role(), d.action, &settings)
                && (d.action != Action::AcceptProposal || m.proposed_starts_at.is_some())
        })
        .collect();
    // A time offered by find-a-time moves an approved meeting, or is proposed to the agency
    // with a return while the request waits.
    let offer_goes_to = if open.iter().any(|d| d.action == Action::Reschedule) {
        Action::Reschedule
    } else {
        Action::Return
    };
    let decisions: Vec<_> = open
        .into_iter()
        .map(|d| {
            let (segment, a, label) = (d.segment, &d.action, d.label);
            // The refused decision keeps what was typed and shows its error beside the field.
            let mine = refused.as_ref().filter(|r| r.action == *a);
            let field_error = |f: &str| {
                mine.filter(|r| r.field.as_deref() == Some(f))
                    .map(|r| r.message.clone())
            };
            // What was typed: from a refusal, else from a check, else the meeting as it is.
            let checked_here = checked.as_ref().filter(|c| *a == Action::Reschedule && c.action == *a);
            let offered_here = offered.as_ref().filter(|_| *a == offer_goes_to);
            let typed = mine
                .map(|r| &r.form)
                .or(checked_here.map(|c| &c.form))
                .or(offered_here);
            let chosen = typed.map_or(m.room_id, |f| f.room_id.trim().parse().ok());
            let mut moves = super::moves::fields(
                *a,
                &m,
                typed.map(|f| (f.starts_at.as_str(), f.ends_at.as_str(), f.chair_id.as_str())),
                &leaders,
                checked_here.map(|c| &c.hints),
                &field_error,
            );
            // A series moves whole or one occurrence at a time.
            if *a == Action::Reschedule && m.rrule.is_some() {
                let one = typed.is_some_and(|f| f.scope == "one");
                let following = typed.is_some_and(|f| f.scope == "following");
                let date = typed.map(|f| f.date.as_str()).unwrap_or_default();
                let dates: Vec<Value> = standing_dates
                    .iter()
                    .map(|(value, label)| json!({"value": value, "label": label, "selected": value == date}))
                    .collect();
                moves["series"] = json!({"one": one, "following": following, "dates": dates, "date_error": field_error("date")});
            }
            let room_choices: Vec<_> = rooms
                .iter()
                .filter(|r| r.bookable)
                .map(|r| json!({"value": r.id, "label": room_with_capacity(viewer.lang, &r.name, r.capacity), "selected": Some(r.id) == chosen}))
                .collect();
            json!({
                "action": format!("/cuoc-hop/{id}/{segment}"),
                "anchor": (offered.is_some() && *a == offer_goes_to).then_some(super::request_form::OFFER_ANCHOR),
                "label": label,
                "style": d.style,
                "needs_reason": a.needs_reason(),
                "offers_room": matches!(a, Action::Approve | Action::Review | Action::Reschedule | Action::Return),
                "moves": moves,
                "flags": (*a == Action::Approve).then_some(&flags),
                "rooms": room_choices,
                "reason": typed.map(|f| f.reason.clone()),
                "reason_error": field_error("reason"),
                "room_error": field_error("room_id"),
                "error": mine
                    .filter(|r| !matches!(r.field.as_deref(), Some("reason" | "room_id" | "starts_at" | "ends_at" | "chair_id" | "date")))
                    .map(|r| r.message.clone()),
            })
        })
        .collect();
    // The owning agency's clerk edits while the request may change; a request that cannot be
    // approved as it stands offers find a time.
    let may_edit = caller.role() == Role::AgencyClerk && workflow::editable(m.status);
    let undecided = matches!(
        m.status,
        MeetingStatus::Draft
            | MeetingStatus::Pending
            | MeetingStatus::Reviewed
            | MeetingStatus::Returned
    );
    let review = if undecided {
        Some(super::request_form::review_hints(db, &m, viewer.lang).await?)
    } else {
        None
    };
    let blocked = review.as_ref().is_some_and(|r| r.errors > 0);
    // The office sees every conflict and warning, each naming the other meeting once with a
    // link; others see only that the request is blocked.
    let review = review.filter(|_| caller.is_office());
    let documents = documents_section(db, caller, viewer.lang, &m, doc_error).await?;
    // Office staff name who follows the meeting (LĐVP theo dõi) while reviewing it.
    let followers: Vec<Value> = if caller.is_office() {
        follower::choices(db, caller.account.agency_id)
            .await?
            .into_iter()
            .map(|p| json!({"value": p.id, "label": format!("{} — {}", p.full_name, p.position), "selected": Some(p.id) == m.follower_id}))
            .collect()
    } else {
        vec![]
    };
    Ok(viewer.render(
        "meeting.html",
        "meeting.title",
        json!({
            "m": {
                "id": m.id,
                "title": m.title,
                "agenda": m.agenda,
                "status": format!("status.{}", m.status.code()),
                "kind": format!("kind.{}", m.kind.code()),
                "starts": when(m.starts_at),
                "ends": when(m.ends_at),
                "agency": agencies.get(&m.requesting_agency_id),
                "preparing": m.preparing_agency_id.and_then(|a| agencies.get(&a)),
                "chair": m.chair_id.and_then(|c| persons.get(&c)).map(|p| format!("{} — {}", p.full_name, p.position)),
                "room": room_name(m.room_id),
                "location": m.location,
                "online_link": m.online_link,
                "visibility": format!("visibility.{}", m.visibility.code()),
                "rrule": m.rrule,
                "repeats": m.rrule.as_deref().and_then(|r| super::repeat::describe(
                    r,
                    &serde_json::from_str::<Vec<chrono::NaiveDate>>(&m.exdates).unwrap_or_default(),
                    m.starts_at.with_timezone(&OFFICE_TZ).date_naive(),
                    viewer.lang,
                )),
                "note": m.note,
                "other_attendees": m.other_attendees,
                "follower": m.follower_id.and_then(|f| persons.get(&f)).map(|p| format!("{} — {}", p.full_name, p.position)),
                "decision_note": m.decision_note,
                "proposal": m.proposed_starts_at.zip(m.proposed_ends_at).filter(|_| m.status == MeetingStatus::Returned).map(|(s, e)| json!({
                    "starts": when(s),
                    "until": e.with_timezone(&OFFICE_TZ).format("%H:%M").to_string(),
                    "room": room_name(m.proposed_room_id.or(m.room_id)),
                })),
                "preparation": m.preparation,
                "needs_interpreter": m.needs_interpreter,
            },
            "attendees": attendees,
            "answers": answers,
            "occurrences": occurrences,
            "history": history,
            "decisions": decisions,
            "followers": followers,
            "follower_action": format!("/cuoc-hop/{id}/theo-doi"),
            "notice": notice,
            "confirm": confirm,
            "documents": documents,
            "edit_href": may_edit.then(|| format!("/cuoc-hop/{id}/sua")),
            "find_href": blocked.then(|| format!("/cuoc-hop/{id}/tim-gio")),
            "review": review,
        }),
    ))
}

#[allow(clippy::too_many_arguments)]
#[get("/cuoc-hop/<id>?<done>&<tai_lieu>&<starts_at>&<ends_at>&<room_id>")]
pub async fn show(
    db: &State<Db>,
    caller: Caller,
    viewer: Viewer,
    id: i32,
    done: Option<&str>,
    tai_lieu: Option<&str>,
    starts_at: Option<&str>,
    ends_at: Option<&str>,
    room_id: Option<&str>,
) -> Result<Template> {
    let notice = match tai_lieu {
        Some("them") => Some("documents.uploaded_notice"),
        Some("xoa") => Some("documents.removed_notice"),
        _ => done.and_then(done_key),
    };
    let notice = notice.map(str::to_string);
    // Find-a-time's offer fills the reschedule form; nothing is decided until it is sent.
    let offered = starts_at.zip(ends_at).map(|(s, e)| DecisionForm {
        starts_at: s.to_string(),
        ends_at: e.to_string(),
        room_id: room_id.unwrap_or_default().to_string(),
        ..Default::default()
    });
    let shown = Shown {
        notice,
        offered,
        ..Default::default()
    };
    meeting_page(db, &caller, &viewer, id, shown).await
}

/// What `?done=<segment>` says: the decision taken, or the request form's save (`luu`).
fn done_key(segment: &str) -> Option<&'static str> {
    match segment {
        DONE_SAVED => Some("done.saved"),
        s => DECISIONS.iter().find(|d| d.segment == s).map(|d| d.done),
    }
}

pub use decisions::*;
pub use lists::*;

#[derive(FromForm, Default)]
pub struct FollowerForm {
    #[field(default = String::new())]
    pub follower_id: String,
}

/// "LĐVP theo dõi" from the meeting's page.
#[post("/cuoc-hop/<id>/theo-doi", data = "<form>")]
pub async fn set_follower(
    db: &State<Db>,
    by: OfficeStaff,
    id: i32,
    form: CsrfForm<FollowerForm>,
) -> Result<Redirect> {
    let chosen = super::page::optional_id("follower_id", &form.0.follower_id)?;
    follower::set(db, by.0.id(), id, chosen).await?;
    Ok(Redirect::to(format!("/cuoc-hop/{id}?done=1")))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        set_follower,
        show,
        submit,
        withdraw,
        review,
        return_for_changes,
        approve,
        reject,
        reschedule,
        change_chair,
        postpone,
        accept_proposal,
        cancel,
        queue,
        requests
    ]
}
