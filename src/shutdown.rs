//! Stopping: after SIGTERM or Ctrl-C the server stops as soon as no request is in flight.
//!
//! Rocket waits out its whole grace period whenever a connection task still holds the app at
//! the instant the listener stops, which a keep-alive connection closing at that moment
//! does; an idle server then took the full grace (5 s) to stop. Requests are counted here, so
//! an idle server stops at once and a busy one still has the grace period to finish.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Build, Data, Request, Response, Rocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Requests being answered now.
#[derive(Clone, Default)]
pub struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Resolves when no request is in flight.
    async fn idle(&self) {
        while self.count() > 0 {
            rocket::tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[rocket::async_trait]
impl Fairing for InFlight {
    fn info(&self) -> Info {
        Info {
            name: "requests in flight",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, _: &mut Request<'_>, _: &mut Data<'_>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    async fn on_response<'r>(&self, _: &'r Request<'_>, _: &mut Response<'r>) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves until shutdown is asked for and no request is in flight, or until Rocket stops by
/// itself; then closes the database.
pub async fn serve(rocket: Rocket<Build>) -> Result<(), rocket::Error> {
    let in_flight = InFlight::default();
    let rocket = rocket.attach(in_flight.clone()).ignite().await?;
    let shutdown = rocket.shutdown();
    let db = rocket.state::<crate::db::Db>().cloned();
    rocket::tokio::select! {
        launched = rocket.launch() => { launched?; }
        _ = async {
            shutdown.await;
            in_flight.idle().await;
            // What was answered last leaves the socket.
            rocket::tokio::time::sleep(Duration::from_millis(20)).await;
        } => {}
    }
    if let Some(db) = db {
        db.close().await;
    }
    Ok(())
}
