//! Assembles the Rocket instance: configuration, database, migrations, first admin, routes.
//! `main` and the tests both build the app through [`build`].

use crate::bootstrap::{self, AdminBootstrap};
use crate::config::{ensure_dir, figment_with_secret, AppConfig};
use crate::{api, db, web, Result};
use rocket::figment::providers::Env;
use rocket::figment::Figment;
use rocket::{Build, Rocket};
use serde::Deserialize;

/// Rocket's own figment (Rocket.toml, `ROCKET_*`) plus `LICHHOP_*` variables for our keys
/// (`LICHHOP_DATA_DIR`, `LICHHOP_ADMIN_PASSWORD`, …).
pub fn figment() -> Figment {
    rocket::Config::figment().merge(Env::prefixed("LICHHOP_").global())
}

#[derive(Deserialize, Default)]
struct StartupSecrets {
    #[serde(default)]
    admin_password: Option<String>,
}

/// Connects, migrates, makes sure an admin exists, and returns the app ready to launch.
pub async fn build(figment: Figment) -> Result<Rocket<Build>> {
    let config = AppConfig::load(&figment)?;
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
    let db = db::connect(&config.database_url(), config.db_pool_size).await?;
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
    let feed_recheck = std::time::Duration::from_millis(config.feed_recheck_ms);
    Ok(rocket::custom(figment)
        .manage(db)
        .manage(config)
        .manage(crate::feeds::cache::FeedCache::new(feed_recheck))
        // An empty Shield replaces Rocket's defaults: web::security sets every header itself.
        .attach(rocket::shield::Shield::new())
        .attach(web::security::SecurityHeaders)
        .attach(web::templates())
        .register("/", web::catchers::catchers())
        .mount("/", api::routes())
        .mount("/", web::routes()))
}
