//! `/tra-loi/<token>`: an invitee answers an invitation without an account (issue #17 item 4).
//! The personal link of the invitation e-mail is the only key: the page shows that one meeting
//! (title, time, place — even a confidential one, since the holder is invited) and takes Tham
//! dự, Vắng (reason) or Cử người dự thay (name, position). The form carries the usual CSRF
//! field and cookie, so another site cannot post an answer with a link it learned.
//!
//! A link that opens nothing (unknown, revoked, the meeting called off, the person no longer
//! invited) is one and the same 404. Misses count against the client's address like failed
//! sign-ins (`auth::throttle`): at the lock threshold the address gets 429 until the window
//! passes. The token never reaches a log line: only its hash is looked up or stored.

use super::csrf::CsrfForm;
use super::page::Viewer;
use crate::auth::throttle::{self, Rules};
use crate::auth::{token_hash, ClientIp};
use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::answers::{self, Invitation, Typed};
use crate::domain::auth_events::{self, kind};
use crate::domain::clock;
use crate::error::{Error, Msg};
use crate::Result;
use entity::Participation;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{get, post, FromForm, State};
use rocket_dyn_templates::Template;
use serde_json::json;

/// The "username" the misses of answer links are recorded under in the sign-in audit log.
const MISS: &str = "/tra-loi";

#[derive(FromForm, Default, Debug)]
pub struct AnswerForm {
    #[field(default = String::new())]
    pub csrf: String,
    #[field(default = String::new())]
    pub choice: String,
    #[field(default = String::new())]
    pub reason: String,
    #[field(default = String::new())]
    pub deputy_name: String,
    #[field(default = String::new())]
    pub deputy_position: String,
}

impl AnswerForm {
    fn typed(&self) -> Typed {
        Typed {
            choice: self.choice.clone(),
            reason: self.reason.clone(),
            deputy_name: self.deputy_name.clone(),
            deputy_position: self.deputy_position.clone(),
        }
    }
}

/// The invitation `token` opens, after the client's misses were counted; a miss is recorded.
async fn opened(db: &Db, config: &AppConfig, ip: &ClientIp, token: &str) -> Result<Invitation> {
    let rules = Rules::of(config);
    if let Some(ip) = ip.0.as_deref() {
        let counts = throttle::counts(&db.conn, &rules, MISS, Some(ip), clock::now()).await?;
        if counts.client >= rules.lock_after {
            return Err(Error::TooManyRequests(Msg::t("answers.too_many", &[])));
        }
    }
    match answers::open(&db.conn, &token_hash(token)).await {
        Err(Error::NotFound(msg)) => {
            db.write(|| async {
                auth_events::record(
                    &db.conn,
                    kind::FAILURE,
                    MISS,
                    None,
                    ip.0.as_deref(),
                    Some("answer_link"),
                )
                .await
            })
            .await?;
            Err(Error::NotFound(msg))
        }
        other => other,
    }
}

/// The form as the invitee's current answer fills it.
fn current_form(inv: &Invitation) -> AnswerForm {
    let a = &inv.attendee;
    AnswerForm {
        choice: match a.participation {
            Participation::Accepted => "tham-du",
            Participation::Declined => "vang",
            Participation::Delegated => "cu-nguoi",
            _ => "",
        }
        .into(),
        reason: a.answer_reason.clone().unwrap_or_default(),
        deputy_name: a.deputy_name.clone().unwrap_or_default(),
        deputy_position: a.deputy_position.clone().unwrap_or_default(),
        ..Default::default()
    }
}

async fn render(
    db: &Db,
    viewer: &Viewer,
    token: &str,
    inv: &Invitation,
    form: &AnswerForm,
    refused: Option<&Error>,
    notice: Option<String>,
) -> Result<Template> {
    let a = &inv.attendee;
    let shown = answers::shown(db, &inv.meeting).await?;
    let detail = match a.participation {
        Participation::Declined => a.answer_reason.clone(),
        Participation::Delegated => Some(format!(
            "{} — {}",
            a.deputy_name.clone().unwrap_or_default(),
            a.deputy_position.clone().unwrap_or_default()
        )),
        _ => None,
    };
    let field_error = |f: &str| {
        refused
            .filter(|e| e.field() == Some(f))
            .map(|e| viewer.msg(e))
    };
    let other_error = refused
        .filter(|e| {
            !matches!(
                e.field(),
                Some("choice" | "reason" | "deputy_name" | "deputy_position")
            )
        })
        .map(|e| viewer.msg(e));
    let person = format!("{} {}", inv.person.position, inv.person.full_name);
    Ok(viewer.render(
        "answer.html",
        "answers.page.title",
        json!({
            "greeting": Msg::t("answers.greeting", &[("name", &person)]).pick(viewer.lang),
            "m": {
                "title": shown.title,
                "starts": shown.starts,
                "ends": shown.ends,
                "place": shown.place.unwrap_or_else(|| "—".into()),
            },
            "current": format!("answers.state.{}", a.participation.code()),
            "current_detail": detail,
            "started": inv.started,
            "action": format!("/tra-loi/{token}"),
            "form": {
                "choice": form.choice,
                "reason": form.reason,
                "deputy_name": form.deputy_name,
                "deputy_position": form.deputy_position,
            },
            "notice": notice,
            "error": other_error,
            "choice_error": field_error("choice"),
            "reason_error": field_error("reason"),
            "deputy_name_error": field_error("deputy_name"),
            "deputy_position_error": field_error("deputy_position"),
        }),
    ))
}

#[get("/tra-loi/<token>?<saved>")]
pub async fn page(
    db: &State<Db>,
    config: &State<AppConfig>,
    ip: ClientIp,
    viewer: Viewer,
    token: &str,
    saved: Option<bool>,
) -> Result<Template> {
    let inv = opened(db, config, &ip, token).await?;
    let notice = (saved == Some(true) && !inv.started)
        .then(|| Msg::t("answers.saved", &[]).pick(viewer.lang).to_string());
    render(db, &viewer, token, &inv, &current_form(&inv), None, notice).await
}

/// Saved: back to the page (which says so). Refused (a field missing, the meeting started):
/// the page again with the refusal beside the field and what was typed.
#[post("/tra-loi/<token>", data = "<form>")]
pub async fn answer(
    db: &State<Db>,
    config: &State<AppConfig>,
    ip: ClientIp,
    viewer: Viewer,
    token: &str,
    form: CsrfForm<AnswerForm>,
) -> Result<std::result::Result<Redirect, (Status, Template)>> {
    let inv = opened(db, config, &ip, token).await?;
    let form = form.0;
    match answers::answer(db, &token_hash(token), &form.typed()).await {
        Ok(_) => Ok(Ok(Redirect::to(format!("/tra-loi/{token}?saved=true")))),
        Err(e @ (Error::Validation { .. } | Error::Conflict { .. })) => {
            let inv = answers::open(&db.conn, &token_hash(token))
                .await
                .unwrap_or(inv);
            let page = render(db, &viewer, token, &inv, &form, Some(&e), None).await?;
            Ok(Err((e.status(), page)))
        }
        Err(e) => Err(e),
    }
}

/// Which invited person an office action on answer links is about.
#[derive(FromForm, Default, Debug)]
pub struct PersonForm {
    #[field(default = String::new())]
    pub csrf: String,
    #[field(default = String::new())]
    pub person_id: String,
}

impl PersonForm {
    fn person(&self) -> Result<i32> {
        super::page::optional_id("person_id", &self.person_id)?
            .ok_or_else(|| Error::invalid("person_id", "answers.not_invited"))
    }
}

/// "Tạo liên kết trả lời" on the meeting's page: a new link for an invited person, shown once
/// on its own page for the office to hand over (phone, chat) when e-mail cannot reach them.
#[post("/cuoc-hop/<id>/lien-ket-tra-loi", data = "<form>")]
pub async fn issue(
    db: &State<Db>,
    config: &State<AppConfig>,
    _by: crate::auth::OfficeStaff,
    viewer: Viewer,
    id: i32,
    form: CsrfForm<PersonForm>,
) -> Result<Template> {
    let person_id = form.0.person()?;
    let secret = crate::auth::new_secret();
    answers::issue(db, id, person_id, &token_hash(&secret)).await?;
    let person = crate::domain::reference::current(db)
        .await?
        .person(person_id)
        .map(|p| p.label.clone())
        .unwrap_or_default();
    Ok(viewer.render(
        "answer_link.html",
        "answers.link.title",
        json!({
            "person": person,
            "url": format!("{}/tra-loi/{secret}", config.public_url.trim_end_matches('/')),
            "back": format!("/cuoc-hop/{id}"),
        }),
    ))
}

/// "Thu hồi liên kết": every link of the person for this meeting stops working.
#[post("/cuoc-hop/<id>/thu-hoi-lien-ket", data = "<form>")]
pub async fn revoke(
    db: &State<Db>,
    _by: crate::auth::OfficeStaff,
    id: i32,
    form: CsrfForm<PersonForm>,
) -> Result<Redirect> {
    answers::revoke(db, id, form.0.person()?).await?;
    Ok(Redirect::to(format!("/cuoc-hop/{id}")))
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page, answer, issue, revoke]
}

/// The answers block of a meeting's page (`/cuoc-hop/<id>`), for those who see the meeting's
/// attendees there: the summary line and each invitee's answer. None before the invitations
/// go out (the meeting not approved) unless someone answered already. The office also gets, per
/// invited person, "Tạo liên kết trả lời" and "Thu hồi liên kết".
pub async fn meeting_section(
    db: &Db,
    m: &entity::meeting::Model,
    office: bool,
    lang: crate::error::Lang,
    persons: &std::collections::HashMap<i32, &entity::person::Model>,
    agencies: &std::collections::HashMap<i32, &str>,
) -> Result<Option<serde_json::Value>> {
    let (s, rows) = answers::of_meeting(&db.conn, m.id).await?;
    if s.invited == 0 || (m.status != entity::MeetingStatus::Approved && s.answered == 0) {
        return Ok(None);
    }
    let n = |v: u32| v.to_string();
    let summary = Msg::t(
        "answers.summary",
        &[
            ("answered", &n(s.answered)),
            ("invited", &n(s.invited)),
            ("absent", &n(s.absent)),
            ("deputy", &n(s.deputy)),
        ],
    )
    .pick(lang)
    .to_string();
    let rows: Vec<_> = rows
        .iter()
        .map(|a| {
            let name = match (a.person_id, a.agency_id) {
                (Some(p), _) => persons
                    .get(&p)
                    .map(|p| format!("{} — {}", p.full_name, p.position)),
                (_, Some(g)) => agencies.get(&g).map(|a| a.to_string()),
                _ => None,
            };
            let detail = match a.participation {
                Participation::Declined => a.reason.clone(),
                Participation::Delegated => Some(format!(
                    "{} — {}",
                    a.deputy_name.clone().unwrap_or_default(),
                    a.deputy_position.clone().unwrap_or_default()
                )),
                _ => None,
            };
            let links = office && m.status == entity::MeetingStatus::Approved;
            json!({
                "person_id": a.person_id.filter(|_| links),
                "name": name.unwrap_or_default(),
                "state": format!("answers.state.{}", a.participation.code()),
                "detail": detail,
            })
        })
        .collect();
    Ok(Some(json!({
        "summary": summary,
        "rows": rows,
        "office": office && m.status == entity::MeetingStatus::Approved,
        "issue": format!("/cuoc-hop/{}/lien-ket-tra-loi", m.id),
        "revoke": format!("/cuoc-hop/{}/thu-hoi-lien-ket", m.id),
    })))
}
