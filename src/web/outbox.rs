//! `/quan-tri/thu-di`: the administrator's view of the outbox — queued, sent and failed
//! messages with the relay's answer, "Gửi lại" for a failed one, whether e-mail is on (the
//! relay's host only, never its password), and a test message.

use super::csrf::CsrfForm;
use super::page::{Page, Viewer};
use crate::auth::Admin;
use crate::config::{redact_url, AppConfig};
use crate::db::Db;
use crate::domain::clock::OFFICE_TZ;
use crate::domain::notifications;
use crate::error::{Error, Msg};
use crate::Result;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{get, post, FromForm, State};
use rocket_dyn_templates::Template;
use serde_json::json;

const PATH: &str = "/quan-tri/thu-di";
/// Most rows shown, newest first.
const SHOWN: u64 = 300;

async fn outbox_page(
    db: &Db,
    config: &AppConfig,
    viewer: &Viewer,
    notice: Option<&str>,
    refused: Option<(&Error, &str)>,
) -> Result<Template> {
    let rows: Vec<_> = notifications::outbox_rows(db, SHOWN)
        .await?
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id,
                "when": r.created_at.with_timezone(&OFFICE_TZ).format("%d/%m/%Y %H:%M").to_string(),
                "to": format!("{} <{}>", r.recipient_name, r.recipient_email),
                "subject": r.subject,
                "status": r.status,
                "status_key": format!("notify.status.{}", r.status),
                "attempts": r.attempts,
                "answer": r.last_answer,
                "failed": r.status == "failed",
            })
        })
        .collect();
    let mail_status = match &config.smtp_url {
        Some(url) => Msg::t("notify.admin.mail_on", &[("relay", &redact_url(&url.0))]),
        None => Msg::t("notify.admin.mail_off", &[]),
    };
    Ok(viewer.render(
        "outbox.html",
        "notify.admin.title",
        json!({
            "rows": rows,
            "mail_status": mail_status.pick(viewer.lang),
            "sender": config.smtp_url.as_ref().map(|_| {
                Msg::t(
                    "notify.admin.sender",
                    &[("name", &config.mail_from_name), ("address", &config.mail_from)],
                )
                .pick(viewer.lang)
                .to_string()
            }),
            "notice": notice.map(|k| Msg::t(k, &[]).pick(viewer.lang).to_string()),
            "error": refused.map(|(e, _)| viewer.msg(e)),
            "test_email": refused.map(|(_, typed)| typed),
        }),
    ))
}

#[get("/quan-tri/thu-di?<luu>")]
pub async fn page(
    db: &State<Db>,
    config: &State<AppConfig>,
    _by: Admin,
    viewer: Viewer,
    luu: Option<&str>,
) -> Result<Template> {
    let notice = match luu {
        Some("thu-thu") => Some("notify.admin.test_queued"),
        Some("gui-lai") => Some("notify.admin.resent"),
        _ => None,
    };
    outbox_page(db, config, &viewer, notice, None).await
}

#[derive(FromForm, Default)]
pub struct TestForm {
    #[field(default = String::new())]
    pub csrf: String,
    #[field(default = String::new())]
    pub email: String,
}

/// Queues a test message (it goes out like any other, so the page shows its answer).
#[post("/quan-tri/thu-di/thu-thu", data = "<form>")]
pub async fn send_test(
    db: &State<Db>,
    config: &State<AppConfig>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<TestForm>,
) -> Result<std::result::Result<Redirect, Page>> {
    let outcome = notifications::queue_test(db, &form.0.email).await;
    answered(db, config, &viewer, outcome, "thu-thu", &form.0.email).await
}

/// Back to the page with its notice, or the page again with the refusal (422).
async fn answered(
    db: &Db,
    config: &AppConfig,
    viewer: &Viewer,
    outcome: Result<()>,
    done: &str,
    typed: &str,
) -> Result<std::result::Result<Redirect, Page>> {
    match outcome {
        Ok(()) => Ok(Ok(Redirect::to(format!("{PATH}?luu={done}")))),
        Err(e @ Error::Validation { .. }) => {
            let page = outbox_page(db, config, viewer, None, Some((&e, typed))).await?;
            Ok(Err((Status::UnprocessableEntity, page)))
        }
        Err(e) => Err(e),
    }
}

#[derive(FromForm, Default)]
pub struct ResendForm {
    #[field(default = String::new())]
    pub csrf: String,
    #[field(default = String::new())]
    pub id: String,
}

/// "Gửi lại": a failed message is queued again.
#[post("/quan-tri/thu-di/gui-lai", data = "<form>")]
pub async fn resend(
    db: &State<Db>,
    config: &State<AppConfig>,
    _by: Admin,
    viewer: Viewer,
    form: CsrfForm<ResendForm>,
) -> Result<std::result::Result<Redirect, Page>> {
    let outcome = match super::page::optional_id("id", &form.0.id)? {
        Some(id) => notifications::resend(db, id).await,
        None => Err(Error::invalid(
            "id",
            "msg.notify.no_failed_message_with_this_id",
        )),
    };
    answered(db, config, &viewer, outcome, "gui-lai", "").await
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![page, send_test, resend]
}
