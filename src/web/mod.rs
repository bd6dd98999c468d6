//! The web pages (handlebars templates under templates/) and what every response shares:
//! catchers, security headers, CSRF protection, translations.

pub mod admin;
pub mod answers;
pub mod assets;
pub mod calendars;
pub mod catchers;
pub mod closures;
pub mod csrf;
pub mod dashboard;
pub mod documents;
pub mod feeds;
pub mod i18n;
pub mod lobby;
pub mod meetings;
pub mod moves;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod public_page;
pub mod repeat;
pub mod reports;
pub mod request_form;
pub mod schedule;
pub mod schedule_document;
pub mod security;
pub mod settings;
pub mod sign_in;

use rocket::fairing::Fairing;
use rocket_dyn_templates::Template;

/// `name => file`: the template `name` from templates/<file>.html.hbs, built into the binary.
macro_rules! template_files {
    ($($name:literal => $file:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $file, ".html.hbs")))),*]
    };
}

/// The templates, built into the binary so that the server runs from any directory. Partials
/// are named without ".html". One template a line.
#[rustfmt::skip]
pub const TEMPLATES: &[(&str, &str)] = template_files![
    "layout" => "layout",
    "form.html" => "form",
    "table.html" => "table",
    "account.html" => "account",
    "meeting.html" => "meeting",
    "lobby.html" => "lobby",
    "weekly_schedule.html" => "weekly_schedule",
    "reports.html" => "reports",
    "calendar_entry" => "calendar_entry",
    "calendar_week.html" => "calendar_week",
    "calendar_day.html" => "calendar_day",
    "calendar_month.html" => "calendar_month",
    "dashboard.html" => "dashboard",
    "field" => "field",
    "error_summary" => "error_summary",
    "request_form.html" => "request_form",
    "request_slots.html" => "request_slots",
    "form_one" => "form_one",
    "feeds.html" => "feeds",
    "closures.html" => "closures",
    "notifications.html" => "notifications",
    "outbox.html" => "outbox",
    "answer.html" => "answer",
    "answer_link.html" => "answer_link",
];

/// The template engine with our templates and the `t` and `asset` helpers.
pub fn templates() -> impl Fairing {
    let translations = i18n::translations();
    assets::init();
    Template::try_custom(move |engines| {
        let hb = &mut engines.handlebars;
        // An indented `{{> field}}` would indent every line of a multi-line value too: a
        // textarea's text gained two spaces a line on each refused save.
        hb.set_prevent_indent(true);
        hb.register_helper("t", Box::new(i18n::TranslateHelper(translations.clone())));
        hb.register_helper("asset", assets::helper());
        for (name, text) in TEMPLATES {
            hb.register_template_string(name, *text)?;
        }
        Ok(())
    })
}

/// Every page route.
pub fn routes() -> Vec<rocket::Route> {
    let mut all = sign_in::routes();
    all.extend(assets::routes());
    all.extend(admin::routes());
    all.extend(schedule::routes());
    all.extend(schedule_document::routes());
    all.extend(meetings::routes());
    all.extend(lobby::routes());
    all.extend(reports::routes());
    all.extend(calendars::routes());
    all.extend(dashboard::routes());
    all.extend(request_form::routes());
    all.extend(feeds::routes());
    all.extend(settings::routes());
    all.extend(closures::routes());
    all.extend(documents::routes());
    all.extend(notifications::routes());
    all.extend(outbox::routes());
    all.extend(answers::routes());
    all
}
