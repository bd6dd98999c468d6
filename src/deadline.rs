//! Every request is answered within a bounded time. A database that hangs (a stalled network,
//! a stopped proxy) would otherwise hold each request for as long as the outage lasts: no
//! driver timeout notices a peer whose kernel still acknowledges what is sent. Each route's
//! handler runs under a deadline; past it, the handler is dropped (its transaction rolls back
//! with it) and the answer is a 503 that says the database did not answer in time.

use crate::error::{Error, Outage};
use rocket::http::Method;
use rocket::route::{Handler, Outcome, Route};
use rocket::{Data, Request};
use std::time::Duration;

/// How long a handler may run; uploads, whose time is mostly reading the body, get longer.
#[derive(Clone, Copy, Debug)]
pub struct Deadlines {
    pub request: Duration,
    pub upload: Duration,
}

/// The routes, each handler bounded by its deadline.
pub fn bounded(routes: Vec<Route>, deadlines: Deadlines) -> Vec<Route> {
    routes
        .into_iter()
        .map(|mut route| {
            let limit = if is_upload(&route) {
                deadlines.upload
            } else {
                deadlines.request
            };
            route.handler = Box::new(Bounded {
                inner: route.handler,
                limit,
            });
            route
        })
        .collect()
}

/// Document uploads: a 25 MiB body over a slow line takes minutes before any database work.
fn is_upload(route: &Route) -> bool {
    let path = route.uri.path();
    route.method == Method::Post && (path.ends_with("/documents") || path.ends_with("/tai-lieu"))
}

#[derive(Clone)]
struct Bounded {
    inner: Box<dyn Handler>,
    limit: Duration,
}

#[rocket::async_trait]
impl Handler for Bounded {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        match rocket::tokio::time::timeout(self.limit, self.inner.handle(req, data)).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::from(
                req,
                Error::Unavailable {
                    outage: Outage::TimedOut,
                    detail: format!("no answer within {} ms", self.limit.as_millis()),
                },
            ),
        }
    }
}
