//! The web pages (handlebars templates under templates/) and what every response shares:
//! catchers, security headers, CSRF protection, translations.

pub mod admin;
pub mod catchers;
pub mod closures;
pub mod csrf;
pub mod feeds;
pub mod i18n;
pub mod lobby;
pub mod meetings;
pub mod page;
pub mod reports;
pub mod schedule;
pub mod security;
pub mod settings;
pub mod sign_in;

use rocket::fairing::Fairing;
use rocket_dyn_templates::Template;

/// The templates, built into the binary so that the server runs from any directory.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("../../templates/layout.html.hbs")),
    ("form.html", include_str!("../../templates/form.html.hbs")),
    (
        "form_one",
        include_str!("../../templates/form_one.html.hbs"),
    ),
    ("field", include_str!("../../templates/field.html.hbs")),
    ("table.html", include_str!("../../templates/table.html.hbs")),
    (
        "account.html",
        include_str!("../../templates/account.html.hbs"),
    ),
    (
        "meeting.html",
        include_str!("../../templates/meeting.html.hbs"),
    ),
    ("lobby.html", include_str!("../../templates/lobby.html.hbs")),
    (
        "weekly_schedule.html",
        include_str!("../../templates/weekly_schedule.html.hbs"),
    ),
    (
        "reports.html",
        include_str!("../../templates/reports.html.hbs"),
    ),
    ("feeds.html", include_str!("../../templates/feeds.html.hbs")),
    (
        "closures.html",
        include_str!("../../templates/closures.html.hbs"),
    ),
];

/// The template engine with our templates and the `t` helper.
pub fn templates() -> impl Fairing {
    let translations = i18n::translations();
    Template::try_custom(move |engines| {
        let hb = &mut engines.handlebars;
        hb.register_helper("t", Box::new(i18n::TranslateHelper(translations.clone())));
        for (name, text) in TEMPLATES {
            hb.register_template_string(name, *text)?;
        }
        Ok(())
    })
}

/// Every page route.
pub fn routes() -> Vec<rocket::Route> {
    let mut all = sign_in::routes();
    all.extend(admin::routes());
    all.extend(schedule::routes());
    all.extend(meetings::routes());
    all.extend(lobby::routes());
    all.extend(reports::routes());
    all.extend(feeds::routes());
    all.extend(settings::routes());
    all.extend(closures::routes());
    all
}
