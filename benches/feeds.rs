//! Feed benchmark (not a timed test): a person's feed with 2,000 events.
//!
//! Prints the build time of the feed, then requests/s measured by wrk against our server
//! (`/feeds/<token>.ics`, warm cache) and, in the same run, against nginx serving the same bytes
//! as a static file; both plain GETs and 304 revalidations (If-None-Match). Targets: warm feed
//! ≥ 0.5× nginx, 304 ≥ 0.7× nginx's 304.
//!
//! Run: `bash bench/feeds.sh` (installs wrk and nginx-light from Debian, then
//! `cargo bench --bench feeds`). Loopback only; every wrk run is bounded in time.

use chrono::{Duration, TimeZone};
use lichhop::domain::clock::{self, OFFICE_TZ};
use lichhop::domain::meetings::{self, Invitee, NewAttendee, NewMeeting};
use lichhop::feeds::cache;
use lichhop::feeds::select::{FeedSpec, Scope};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::process::Command;
use std::time::Instant;

const EVENTS: usize = 2_000;
const SECONDS: &str = "5";
/// Alternating rounds of (ours, nginx); the best of each side is reported.
const ROUNDS: usize = 2;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18_080)
}

/// Runs wrk and returns requests/s (and the status line summary).
fn wrk(url: &str, headers: &[String]) -> f64 {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c32", "-d", &format!("{SECONDS}s"), "--latency"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    cmd.arg(url);
    let out = cmd
        .output()
        .expect("wrk runs (bash bench/feeds.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("Non-2xx or 3xx") {
        eprintln!("wrk saw errors for {url}:\n{text}");
    }
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

/// One request, headers only (for nginx's ETag).
fn head(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok();
    let text = String::from_utf8_lossy(&raw);
    text.split("\r\n\r\n").next().unwrap_or("").to_string()
}

fn header_value(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[rocket::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let port = free_port();
    let figment = rocket::Config::figment()
        .merge(("data_dir", dir.path().display().to_string()))
        .merge(("database_url", db_url))
        .merge(("admin_password", "bench-admin-password"))
        .merge(("log_level", "off"))
        .merge(("address", "127.0.0.1"))
        .merge(("port", port))
        .merge(("workers", 2));
    let rocket = lichhop::app::build(figment)
        .await
        .expect("app builds")
        .ignite()
        .await
        .expect("ignites");
    let db = rocket
        .state::<lichhop::db::Db>()
        .expect("db managed")
        .clone();
    lichhop::demo::load(&db).await.expect("demo loads");

    // One leader chairs 2,000 approved meetings: four a working day from next Monday on.
    let leader = entity::person::Entity::find()
        .filter(entity::person::Column::IsLeader.eq(true))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("a leader");
    let agency = leader.agency_id;
    let account = entity::account::Entity::find()
        .one(&db.conn)
        .await
        .expect("query")
        .expect("an account");
    let today = clock::office_date(clock::now());
    let start_day = clock::week_start(today) + Duration::days(7 * 60);
    {
        let _w = db.write_guard().await;
        let txn = db.conn.begin().await.expect("txn");
        let mut made = 0;
        let mut day = start_day;
        while made < EVENTS {
            use chrono::Datelike;
            if day.weekday().num_days_from_monday() < 5 {
                for hour in [7, 9, 13, 15] {
                    if made == EVENTS {
                        break;
                    }
                    let local = day.and_hms_opt(hour, 30, 0).expect("time");
                    let starts = OFFICE_TZ
                        .from_local_datetime(&local)
                        .earliest()
                        .expect("no DST in Vietnam")
                        .with_timezone(&chrono::Utc);
                    meetings::insert(
                        &txn,
                        NewMeeting {
                            uid: None,
                            title: format!("Họp bàn giải ngân vốn đầu tư công, đợt {made}"),
                            agenda: Some("1. Báo cáo tiến độ; kiến nghị\n2. Kết luận".into()),
                            requesting_agency_id: agency,
                            created_by: account.id,
                            kind: entity::MeetingKind::Hop,
                            chair_id: Some(leader.id),
                            room_id: None,
                            location: Some("Hội trường UBND tỉnh, tầng 3".into()),
                            starts_at: starts,
                            ends_at: starts + Duration::minutes(90),
                            time_zone: OFFICE_TZ.name().into(),
                            status: entity::MeetingStatus::Approved,
                            visibility: entity::Visibility::Internal,
                            online_link: None,
                            expected_attendance: Some(20),
                            preparation: None,
                            needs_interpreter: false,
                            preparing_agency_id: Some(agency),
                            follower_id: None,
                            note: None,
                            attendees: vec![NewAttendee {
                                who: Invitee::Agency(agency),
                                role: entity::AttendeeRole::Required,
                            }],
                            equipment_ids: vec![],
                            rrule: None,
                            exdates: vec![],
                        },
                    )
                    .await
                    .expect("insert");
                    made += 1;
                }
            }
            day += Duration::days(1);
        }
        txn.commit().await.expect("commit");
    }

    let spec = FeedSpec {
        scope: Scope::Person(leader.id),
        include_tentative: false,
    };
    let secret = lichhop::auth::new_secret();
    entity::feed_token::ActiveModel {
        scope: Set(entity::FeedScope::Person),
        person_id: Set(Some(leader.id)),
        token_hash: Set(lichhop::auth::token_hash(&secret)),
        label: Set("bench".into()),
        include_tentative: Set(false),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .expect("token");

    // Build time, cold (no cache): select + render.
    let mut times = Vec::new();
    let mut bytes = String::new();
    let mut events = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let (b, n, _) = cache::build(&db, spec, "http://127.0.0.1:8000")
            .await
            .expect("build");
        times.push(t.elapsed());
        bytes = b;
        events = n;
    }
    times.sort();
    println!(
        "feed: {events} meetings, {} bytes; build median {:.1} ms (min {:.1} ms)",
        bytes.len(),
        times[2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );

    let shutdown = rocket.shutdown();
    rocket::tokio::spawn(rocket.launch());
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let path = format!("/feeds/{secret}.ics");
    let ours = format!("http://127.0.0.1:{port}{path}");
    let our_head = head(port, &path);
    let our_etag = header_value(&our_head, "ETag");
    assert!(our_head.starts_with("HTTP/1.1 200"), "{our_head}");

    // nginx serving the same bytes as a static file, on its own prefix and port.
    let root = dir.path().join("nginx");
    std::fs::create_dir_all(root.join("html/feeds")).expect("dir");
    std::fs::create_dir_all(root.join("logs")).expect("dir");
    std::fs::write(root.join("html/feeds/feed.ics"), &bytes).expect("write");
    let nginx_port = free_port();
    let conf = format!(
        "user root;\nworker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/logs/error.log;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  keepalive_requests 100000;\n\
         types {{ text/calendar ics; }}\n  charset utf-8;\n  charset_types text/calendar;\n\
         client_body_temp_path {root}/tmp;\n  proxy_temp_path {root}/tmp;\n\
         server {{ listen 127.0.0.1:{nginx_port}; root {root}/html; }}\n}}\n",
        root = root.display()
    );
    std::fs::create_dir_all(root.join("tmp")).expect("dir");
    std::fs::write(root.join("nginx.conf"), conf).expect("conf");
    let nginx = Command::new("nginx")
        .args([
            "-p",
            &root.display().to_string(),
            "-c",
            &root.join("nginx.conf").display().to_string(),
        ])
        .status()
        .expect("nginx runs (bash bench/feeds.sh installs nginx-light)");
    assert!(nginx.success(), "nginx did not start");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let nginx_url = format!("http://127.0.0.1:{nginx_port}/feeds/feed.ics");
    let nginx_etag = header_value(&head(nginx_port, "/feeds/feed.ics"), "ETag");

    // wrk blocks; run it off the async runtime so our server keeps its threads.
    let (ours2, nginx_url2, our_etag2, nginx_etag2) = (
        ours.clone(),
        nginx_url.clone(),
        our_etag.clone(),
        nginx_etag.clone(),
    );
    // Alternating runs, best of each: other work on the machine then hurts both sides alike.
    let results = rocket::tokio::task::spawn_blocking(move || {
        let (mut r, our_inm, nginx_inm) = (
            [0f64; 4],
            [format!("If-None-Match: {our_etag2}")],
            [format!("If-None-Match: {nginx_etag2}")],
        );
        for _ in 0..ROUNDS {
            r[0] = r[0].max(wrk(&ours2, &[]));
            r[1] = r[1].max(wrk(&nginx_url2, &[]));
            r[2] = r[2].max(wrk(&ours2, &our_inm));
            r[3] = r[3].max(wrk(&nginx_url2, &nginx_inm));
        }
        (r[0], r[1], r[2], r[3])
    })
    .await
    .expect("wrk finished");
    let (warm_ours, warm_nginx, nm_ours, nm_nginx) = results;

    Command::new("nginx")
        .args([
            "-p",
            &root.display().to_string(),
            "-c",
            &root.join("nginx.conf").display().to_string(),
            "-s",
            "stop",
        ])
        .status()
        .ok();
    shutdown.notify();

    println!(
        "wrk -t2 -c32 -d{SECONDS}s, best of {ROUNDS} alternating rounds, loopback, 2 cores shared by server and wrk"
    );
    println!("warm GET : lichhop {warm_ours:>10.0} req/s   nginx {warm_nginx:>10.0} req/s   ratio {:.2} (target >= 0.5)", warm_ours / warm_nginx.max(1.0));
    println!("304      : lichhop {nm_ours:>10.0} req/s   nginx {nm_nginx:>10.0} req/s   ratio {:.2} (target >= 0.7)", nm_ours / nm_nginx.max(1.0));
}
