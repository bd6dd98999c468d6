//! The scheduler: a task in each instance that runs the due jobs of `domain::reminders` (the
//! office's digest, the secretaries' agendas, the documents reminders) every `jobs_poll_ms`.
//! Instances share one database safely: each run is claimed by a unique row.

use crate::config::AppConfig;
use crate::db::Db;
use crate::domain::clock;
use crate::domain::reminders::{self, Times};
use rocket::fairing::AdHoc;
use rocket::tokio;

/// The configured times (validated when the configuration was read).
pub fn times(config: &AppConfig) -> Times {
    let at = |s: &str, default: (u32, u32)| {
        reminders::parse_time(s).unwrap_or_else(|| {
            chrono::NaiveTime::from_hms_opt(default.0, default.1, 0).unwrap_or_default()
        })
    };
    Times {
        digest_at: at(&config.digest_at, (8, 0)),
        agenda_at: at(&config.agenda_at, (16, 30)),
        reminder_at: at(&config.reminder_at, (8, 0)),
    }
}

/// Starts the scheduler at liftoff unless `jobs_poll_ms` is 0; it stops with Rocket.
pub fn scheduler() -> AdHoc {
    AdHoc::on_liftoff("job scheduler", |rocket| {
        Box::pin(async move {
            let (Some(db), Some(config)) = (rocket.state::<Db>(), rocket.state::<AppConfig>())
            else {
                return;
            };
            if config.jobs_poll_ms == 0 {
                return;
            }
            let (db, times, poll) = (
                db.clone(),
                times(config),
                std::time::Duration::from_millis(config.jobs_poll_ms.max(10)),
            );
            let shutdown = rocket.shutdown();
            tokio::spawn(async move {
                let run = async {
                    loop {
                        match reminders::run_due(&db, &times, clock::now()).await {
                            Ok(ran) if !ran.0.is_empty() => {
                                tracing::info!(ran = ?ran.0, "scheduled jobs ran")
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = %e, "scheduled jobs failed"),
                        }
                        tokio::time::sleep(poll).await;
                    }
                };
                tokio::select! {
                    _ = run => {}
                    _ = shutdown => {}
                }
            });
        })
    })
}
