//! Assembles the Rocket instance: configuration, database, migrations, first admin, routes.
//! `main` and the tests both build the app through [`build`].

use crate::bootstrap::{self, AdminBootstrap};
use crate::config::{ensure_dir, ensure_writable_data_dir, figment_with_secret, AppConfig};
use crate::{api, db, deadline, web, Result};
use rocket::figment::providers::{Env, Format, Serialized, Toml};
use rocket::figment::{Figment, Profile};
use rocket::{Build, Rocket};
use serde::Deserialize;

/// Rocket's figment with lichhop's documented defaults compiled in under Rocket.toml and
/// `ROCKET_*` (so a server started anywhere, without Rocket.toml, behaves as the README says),
/// plus `LICHHOP_*` variables for our keys (`LICHHOP_DATA_DIR`, `LICHHOP_ADMIN_PASSWORD`, …).
pub fn figment() -> Figment {
    Figment::from(rocket::Config::default())
        .merge(Serialized::defaults(defaults()))
        .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
        .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
        .select(Profile::from_env_or(
            "ROCKET_PROFILE",
            rocket::Config::DEFAULT_PROFILE,
        ))
        .merge(Env::prefixed("LICHHOP_").global())
}

/// Where lichhop's defaults differ from Rocket's (see the README's configuration table).
fn defaults() -> serde_json::Value {
    serde_json::json!({
        // No `Server: Rocket` header: nothing to gain from naming the server to every client.
        "ident": false,
        // The request form with many attendees and a long agenda; document uploads.
        "limits": {
            "json": "1 MiB",
            "form": "256 KiB",
            "data-form": "25 MiB",
            "file": "25 MiB",
        },
        // Finish requests in flight for up to 5 s after SIGTERM (an idle server stops at once).
        "shutdown": { "grace": 5, "mercy": 5 },
    })
}

#[derive(Deserialize, Default)]
struct StartupSecrets {
    #[serde(default)]
    admin_password: Option<String>,
}

/// Connects, migrates, makes sure an admin exists, and returns the app ready to launch.
pub async fn build(figment: Figment) -> Result<Rocket<Build>> {
    let config = AppConfig::load(&figment)?;
    ensure_writable_data_dir(&config.data_dir)?;
    // Rocket's `ip_header` (X-Real-IP by default) would let any client choose its address;
    // `client_ip_header` with `trusted_proxies` replaces it (auth::client_ip).
    let figment = figment.merge(("ip_header", false));
    let figment = figment_with_secret(figment, &config.data_dir)?;
    // The templates are built into the binary (web::TEMPLATES); the template directory only has
    // to exist. An operator may still set `template_dir`.
    let figment = if figment.find_value("template_dir").is_ok() {
        figment
    } else {
        let dir = config.data_dir.join("templates");
        ensure_dir(&dir)?;
        figment.merge(("template_dir", dir.display().to_string()))
    };
    crate::i18n::Translations::load().map_err(crate::Error::Config)?;
    let db = db::connect_with(
        &config.database_url(),
        config.db_pool_size,
        config.db_timeouts(),
    )
    .await?;
    db::migrate(&db).await?;
    let secrets: StartupSecrets = figment.extract().unwrap_or_default();
    match bootstrap::ensure_admin(&db, secrets.admin_password.as_deref()).await? {
        AdminBootstrap::CreatedWithGeneratedPassword(p) => {
            // Shown once, on the operator's terminal; only its hash is kept.
            eprintln!("lichhop: created account 'admin' with password: {p}");
            eprintln!("lichhop: sign in and change it; it will not be shown again.");
        }
        AdminBootstrap::CreatedWithConfiguredPassword => {
            tracing::info!("created account 'admin' with LICHHOP_ADMIN_PASSWORD");
        }
        AdminBootstrap::Present => {}
    }
    db.kept::<crate::domain::notifications::MailSwitch>()
        .set(config.smtp_url.is_some());
    let _already_set = db
        .kept::<crate::domain::notifications::Calendars>()
        .0
        .set(Box::new(crate::feeds::render::ItipWriter {
            public_url: config.public_url.clone(),
            organizer_address: config.mail_from.clone(),
            organizer_name: config.mail_from_name.clone(),
        }));
    let deadlines = config.deadlines();
    let feed_recheck = std::time::Duration::from_millis(config.feed_recheck_ms);
    let feed_entries = config.feed_cache_entries;
    Ok(rocket::custom(figment)
        .manage(db)
        .manage(config)
        .manage(crate::feeds::cache::FeedCache::new(
            feed_recheck,
            feed_entries,
        ))
        .manage(web::public_page::PublicPages::default())
        // An empty Shield replaces Rocket's defaults: web::security sets every header itself.
        .attach(rocket::shield::Shield::new())
        .attach(web::security::SecurityHeaders)
        .attach(web::templates())
        .attach(crate::mail::sender())
        .attach(crate::mail::schedule::scheduler())
        .register("/", web::catchers::catchers())
        .mount("/", deadline::bounded(api::routes(), deadlines))
        .mount("/", deadline::bounded(web::routes(), deadlines)))
}
