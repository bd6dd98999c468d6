//! One outbox row as an e-mail: multipart/alternative of plain text and HTML from the
//! templates in `templates/mail/`, words from the locale files in the recipient's language,
//! and for invitations the iTIP calendar part plus an `invite.ics` attachment, as Outlook and
//! Gmail expect.

use crate::domain::notifications::Facts;
use crate::error::Lang;
use entity::outbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use rocket_dyn_templates::handlebars::Handlebars;
use serde_json::json;
use std::sync::OnceLock;

const TEXT: &str = include_str!("../../templates/mail/notice.txt.hbs");
const HTML: &str = include_str!("../../templates/mail/notice.html.hbs");

fn templates() -> &'static Handlebars<'static> {
    static HB: OnceLock<Handlebars<'static>> = OnceLock::new();
    HB.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(false);
        // Built into the binary and checked by the tests: a broken one fails them all.
        hb.register_template_string("text", TEXT)
            .expect("templates/mail/notice.txt.hbs");
        hb.register_template_string("html", HTML)
            .expect("templates/mail/notice.html.hbs");
        hb
    })
}

/// Where the message comes from: the office mailbox and its name.
pub struct Sender<'a> {
    pub address: &'a str,
    pub name: &'a str,
    pub public_url: &'a str,
}

/// Why a row could not become a message (a bad address): permanent, like a 5xx.
#[derive(Debug)]
pub struct Unsendable(pub String);

/// `answer` is the invitee's personal answer link (`/tra-loi/<token>`), for invitations only.
pub fn message(
    row: &outbox::Model,
    ics: Option<&str>,
    answer: Option<&str>,
    from: &Sender,
) -> Result<Message, Unsendable> {
    let lang = if row.lang == "en" { Lang::En } else { Lang::Vi };
    let facts: Facts = serde_json::from_str(&row.facts).unwrap_or_default();
    let t = |key: &str| facts.text(key, lang);
    let mut rows = Vec::new();
    if row.meeting_id.is_some() {
        rows.push(json!({"label": t("notify.label.title"), "value": facts.title}));
        rows.push(json!({"label": t("notify.label.time"),
            "value": format!("{} – {}", facts.starts, facts.ends)}));
        if let Some(p) = &facts.place {
            rows.push(json!({"label": t("notify.label.place"), "value": p}));
        }
        if let Some(r) = &facts.reason {
            rows.push(json!({"label": t("notify.label.reason"), "value": r}));
        }
    }
    for (when, what) in &facts.lines {
        rows.push(json!({"label": when, "value": what}));
    }
    let link = row
        .meeting_id
        .map(|id| format!("{}/cuoc-hop/{id}", from.public_url.trim_end_matches('/')));
    let data = json!({
        "lang": crate::i18n::lang_code(lang),
        "subject": row.subject,
        "greeting": crate::error::Msg::t("notify.mail.greeting", &[("name", &row.recipient_name)]).pick(lang),
        "lead": t(&format!("notify.lead.{}", row.kind)),
        "rows": rows,
        // Invitees have no account: the meeting page is for those who do.
        "link": link.filter(|_| row.account_id.is_some()),
        "link_label": t("notify.mail.link"),
        "answer": answer,
        "answer_label": t("answers.mail.link"),
        "footer": t("notify.mail.footer"),
    });
    let render = |name: &str| {
        templates()
            .render(name, &data)
            .map_err(|e| Unsendable(format!("template {name}: {e}")))
    };
    let (text, html) = (render("text")?, render("html")?);

    let mailbox = |name: &str, address: &str| {
        address
            .parse()
            .map(|a| Mailbox::new(Some(name.to_string()), a))
            .map_err(|e| Unsendable(format!("{address}: {e}")))
    };
    let mut alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .singlepart(SinglePart::html(html));
    let builder = Message::builder()
        .from(mailbox(from.name, from.address)?)
        .to(mailbox(&row.recipient_name, &row.recipient_email)?)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(std::time::SystemTime::from(row.created_at));
    let body = match (ics, row.ics_method.as_deref()) {
        (Some(ics), Some(method)) => {
            let calendar =
                ContentType::parse(&format!("text/calendar; method={method}; charset=UTF-8"))
                    .map_err(|e| Unsendable(e.to_string()))?;
            // Base64 keeps the calendar's CRLF and folding byte for byte; quoted-printable
            // would let a reader rewrite the line ends.
            let exact = || {
                Body::new_with_encoding(ics.to_string(), ContentTransferEncoding::Base64)
                    .map_err(|_| Unsendable("calendar part".into()))
            };
            alternative =
                alternative.singlepart(SinglePart::builder().header(calendar).body(exact()?));
            let file = ContentType::parse("application/ics; name=\"invite.ics\"")
                .map_err(|e| Unsendable(e.to_string()))?;
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new("invite.ics".into()).body(exact()?, file))
        }
        _ => alternative,
    };
    builder
        .multipart(body)
        .map_err(|e| Unsendable(e.to_string()))
}
