//! Memory stays bounded: what the server keeps in memory has a bound, observable through the
//! real app (the RSS under load is the memory bench's: `cargo bench --bench memory`).

use crate::helpers::*;
use lichhop::feeds::cache::FeedCache;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

/// A feed token of `scope` made by the office's admin: its feed's path.
async fn feed_path(app: &TestApp, o: &Office, scope: Value) -> String {
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/feed-tokens",
            Some(&o.admin),
            Some(&scope),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    format!("/feeds/{}.ics", v["secret"].as_str().unwrap())
}

/// GET a feed: (status, ETag, body).
async fn fetch(app: &TestApp, path: &str) -> (Status, String, String) {
    let res = app.get(path).await;
    let status = res.status();
    let etag = res.headers().get_one("ETag").unwrap_or("").to_string();
    (status, etag, res.into_string().await.unwrap_or_default())
}

fn kept(app: &TestApp) -> usize {
    app.client
        .rocket()
        .state::<FeedCache>()
        .expect("FeedCache is managed")
        .kept()
        .0
}

#[rocket::async_test]
async fn many_distinct_feeds_never_keep_more_rendered_feeds_than_the_bound() {
    let app = spawn_app_with(&[("feed_cache_entries", json!(3))]).await;
    let o = app.office().await;
    let mut scopes = Vec::new();
    for person in o.leaders.iter().take(3) {
        scopes.push(json!({"scope": "person", "person_id": person}));
    }
    for room in o.rooms.iter().take(2) {
        scopes.push(json!({"scope": "room", "room_id": room}));
    }
    scopes.push(json!({"scope": "agency", "agency_id": o.agency_a, "include_tentative": true}));
    scopes.push(json!({"scope": "office"}));
    let mut paths = Vec::new();
    for scope in scopes {
        paths.push(feed_path(&app, &o, scope).await);
    }
    let public = fetch(&app, "/feeds/public.ics").await;
    assert_eq!(public.0, Status::Ok);

    let mut first = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let (status, etag, body) = fetch(&app, path).await;
        assert_eq!(status, Status::Ok, "{path}");
        assert!(body.starts_with("BEGIN:VCALENDAR"), "{body}");
        first.push(etag);
        assert!(
            kept(&app) <= 3,
            "after {} distinct feeds, {} kept",
            i + 2,
            kept(&app)
        );
    }
    assert_eq!(kept(&app), 3, "the bound is used, not more");

    // A feed dropped from memory is built again, the same bytes (the same ETag).
    for (path, etag) in paths.iter().zip(&first) {
        let (status, again, _) = fetch(&app, path).await;
        assert_eq!(status, Status::Ok);
        assert_eq!(&again, etag, "{path} rebuilt with the same bytes");
        assert!(kept(&app) <= 3);
    }
}

#[rocket::async_test]
async fn the_default_bound_keeps_every_feed_of_a_small_office() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut paths = Vec::new();
    for room in o.rooms.iter().take(3) {
        paths.push(feed_path(&app, &o, json!({"scope": "room", "room_id": room})).await);
    }
    for path in &paths {
        assert_eq!(fetch(&app, path).await.0, Status::Ok);
    }
    assert_eq!(kept(&app), paths.len());
}

/// Resident memory of a process, in KiB (VmRSS of /proc/<pid>/status).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The real binary behind a trusted proxy: 48 wrong passwords, 24 at a time, each for a new
/// username from a new address, so that each is a full argon2 check (19 MiB). Before the
/// bound on concurrent checks and the malloc settings in main, the server's RSS grew by
/// 700 MiB doing this and kept it; now it stays within a few checks' worth.
#[rocket::async_test]
async fn a_probe_of_wrong_passwords_from_many_addresses_leaves_memory_near_where_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lichhop"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("ROCKET_CONFIG")
        .env_remove("GLIBC_TUNABLES")
        .env("DATABASE_URL", &database_url)
        .env("LICHHOP_DATA_DIR", dir.path())
        .env("LICHHOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LICHHOP_CLIENT_IP_HEADER", "X-Real-IP")
        .env("LICHHOP_TRUSTED_PROXIES", "127.0.0.1")
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let mut up = false;
    for _ in 0..400 {
        if std::net::TcpStream::connect(addr).is_ok() {
            up = true;
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let started = rss_kib(child.id());
    let mut clients = Vec::new();
    for c in 0..24 {
        clients.push(rocket::tokio::spawn(async move {
            let mut statuses = Vec::new();
            for k in 0..2 {
                let ip = format!("10.9.{c}.{k}");
                let body = json!({"username": format!("probe-{c}-{k}"), "password": "wrong-password", "name": "x"});
                let headers = [("Content-Type", "application/json"), ("X-Real-IP", &ip)];
                let (status, _) = crate::http_client::send(
                    addr,
                    "POST",
                    "/api/v1/tokens",
                    &headers,
                    &body.to_string(),
                )
                .await;
                statuses.push(status);
            }
            statuses
        }));
    }
    let mut statuses = Vec::new();
    for c in clients {
        statuses.extend(c.await.unwrap());
    }
    let after = rss_kib(child.id());
    // SAFETY: kill has no memory preconditions.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let _ = child.wait();
    assert!(up, "the server listens");
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let grown_mib = after.saturating_sub(started) / 1024;
    assert!(
        grown_mib < 120,
        "RSS {} MiB after start, {} MiB after 48 wrong passwords (+{grown_mib} MiB)",
        started / 1024,
        after / 1024
    );
}
