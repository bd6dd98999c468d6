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
/// Rounds of (ours, nginx) back to back, the order swapped every round; the median of the
/// per-round ratios is reported (`LICHHOP_BENCH_ROUNDS`, default 5): one run of wrk on this
/// machine moves by ±15 %, a pair run seconds apart mostly moves together.
fn rounds() -> usize {
    std::env::var("LICHHOP_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}
/// Worker threads of our server and worker processes of nginx, the same for both: by default
/// one per core, as `lichhop serve` (src/main.rs) and nginx's `worker_processes auto` run.
/// `LICHHOP_BENCH_WORKERS=1` compares one against one.
fn workers() -> usize {
    std::env::var("LICHHOP_BENCH_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
}

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

/// What calendar clients send (Google, Apple and Outlook all ask for gzip).
const GZIP: &str = "Accept-Encoding: gzip, deflate, br";

/// One GET over its own connection: (head, body). Bodies here are sized, not chunked.
fn get(port: u16, path: &str, headers: &[&str]) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    (
        String::from_utf8_lossy(&raw[..end]).into_owned(),
        raw[end + 4..].to_vec(),
    )
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

fn main() {
    // Our own runtime, as src/main.rs builds it, with the worker count nginx is given too.
    rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers())
        .thread_name("rocket-worker-thread")
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(run(workers()));
}

async fn run(workers: usize) {
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
        .merge(("workers", workers));
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
                            other_attendees: None,
                            note: None,
                            attendees: vec![NewAttendee {
                                who: Invitee::Agency(agency),
                                role: entity::AttendeeRole::Required,
                            }],
                            equipment_ids: vec![],
                            rrule: None,
                            exdates: vec![],
                            reason: None,
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
    // nginx is given exactly the bytes we serve, plain and gzip (for gzip_static).
    let (our_head, plain) = get(port, &path, &[]);
    let (our_gz_head, gz) = get(port, &path, &[GZIP]);
    assert!(our_head.starts_with("HTTP/1.1 200"), "{our_head}");
    assert_eq!(header_value(&our_gz_head, "Content-Encoding"), "gzip");
    assert_eq!(plain, bytes.as_bytes(), "the server serves the built bytes");
    let our_etag = header_value(&our_head, "ETag");
    let our_gz_etag = header_value(&our_gz_head, "ETag");

    // nginx serving the same bytes as static files, on its own prefix and port, with as many
    // worker processes as our server has worker threads.
    let root = dir.path().join("nginx");
    std::fs::create_dir_all(root.join("html/feeds")).expect("dir");
    std::fs::create_dir_all(root.join("logs")).expect("dir");
    std::fs::write(root.join("html/feeds/feed.ics"), &plain).expect("write");
    std::fs::write(root.join("html/feeds/feed.ics.gz"), &gz).expect("write");
    let nginx_port = free_port();
    let conf = format!(
        "user root;\nworker_processes {workers};\npid {root}/nginx.pid;\nerror_log {root}/logs/error.log;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  keepalive_requests 100000;\n\
         gzip_static on;\n  gzip_vary on;\n\
         types {{ text/calendar ics; }}\n  charset utf-8;\n  charset_types text/calendar;\n\
         client_body_temp_path {root}/tmp;\n  proxy_temp_path {root}/tmp;\n\
         server {{ listen 127.0.0.1:{nginx_port}; root {root}/html; }}\n}}\n",
        root = root.display()
    );
    std::fs::create_dir_all(root.join("tmp")).expect("dir");
    std::fs::write(root.join("nginx.conf"), conf).expect("conf");
    let nginx_args = [
        "-p".to_string(),
        root.display().to_string(),
        "-c".to_string(),
        root.join("nginx.conf").display().to_string(),
    ];
    let nginx = Command::new("nginx")
        .args(&nginx_args)
        .status()
        .expect("nginx runs (bash bench/feeds.sh installs nginx-light)");
    assert!(nginx.success(), "nginx did not start");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let nginx_path = "/feeds/feed.ics";
    let nginx_url = format!("http://127.0.0.1:{nginx_port}{nginx_path}");
    let (nginx_head, nginx_plain) = get(nginx_port, nginx_path, &[]);
    let (nginx_gz_head, nginx_gz) = get(nginx_port, nginx_path, &[GZIP]);
    assert!(
        nginx_plain == plain && nginx_gz == gz,
        "nginx serves the same bytes"
    );
    let nginx_etag = header_value(&nginx_head, "ETag");
    let nginx_gz_etag = header_value(&nginx_gz_head, "ETag");
    println!(
        "bytes: {} plain, {} gzip (both servers); workers: {workers} tokio threads (lichhop), {workers} nginx processes",
        plain.len(),
        gz.len()
    );

    // Profiling aid: LICHHOP_BENCH_HOLD=<seconds> keeps both servers up without running wrk.
    if let Some(secs) = std::env::var("LICHHOP_BENCH_HOLD")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        println!(
            "pid {}\nours  {ours}\n  ETag {our_etag}\n  gzip ETag {our_gz_etag}",
            std::process::id()
        );
        println!("nginx {nginx_url}\n  ETag {nginx_etag}\n  gzip ETag {nginx_gz_etag}");
        rocket::tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
    }

    let inm = |etag: &str| format!("If-None-Match: {etag}");
    // (label, our headers, nginx headers)
    let cases: Vec<(&str, Vec<String>, Vec<String>)> = vec![
        ("warm GET, plain  ", vec![], vec![]),
        (
            "304, plain       ",
            vec![inm(&our_etag)],
            vec![inm(&nginx_etag)],
        ),
        ("warm GET, gzip   ", vec![GZIP.into()], vec![GZIP.into()]),
        (
            "304, gzip        ",
            vec![GZIP.into(), inm(&our_gz_etag)],
            vec![GZIP.into(), inm(&nginx_gz_etag)],
        ),
    ];
    let uptime = || {
        Command::new("uptime")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    println!("load before: {}", uptime());
    // wrk blocks; run it off the async runtime so our server keeps its threads.
    // Pairs back to back: other work on the machine then hurts both sides alike.
    let rounds = rounds();
    let (ours2, nginx_url2, cases2) = (ours.clone(), nginx_url.clone(), cases.clone());
    let results = rocket::tokio::task::spawn_blocking(move || {
        let mut runs = vec![(vec![], vec![]); cases2.len()];
        for round in 0..rounds {
            for (i, (_, our_h, nginx_h)) in cases2.iter().enumerate() {
                let (o, n) = if round % 2 == 0 {
                    let o = wrk(&ours2, our_h);
                    (o, wrk(&nginx_url2, nginx_h))
                } else {
                    let n = wrk(&nginx_url2, nginx_h);
                    (wrk(&ours2, our_h), n)
                };
                runs[i].0.push(o);
                runs[i].1.push(n);
            }
        }
        runs
    })
    .await
    .expect("wrk finished");
    println!("load after : {}", uptime());

    Command::new("nginx")
        .args(&nginx_args)
        .args(["-s", "stop"])
        .status()
        .ok();
    shutdown.notify();

    println!(
        "wrk -t2 -c32 -d{SECONDS}s, {rounds} rounds of back-to-back pairs, loopback, 2 cores shared by server and wrk"
    );
    // Calendar clients (Google, Apple, Outlook, Thunderbird) send Accept-Encoding: gzip.
    for ((label, _, _), (o, n)) in cases.iter().zip(&results) {
        let target = if label.starts_with("304") { 0.7 } else { 0.5 };
        let ratios: Vec<f64> = o.iter().zip(n).map(|(o, n)| o / n.max(1.0)).collect();
        let (lo, hi) = ratios
            .iter()
            .fold((f64::MAX, 0f64), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
        println!(
            "{label}: lichhop {:>8.0} req/s   nginx {:>8.0} req/s (medians)   ratio {:.2} (median of rounds; {lo:.2}-{hi:.2}; target >= {target})",
            median(o.clone()),
            median(n.clone()),
            median(ratios.clone()),
        );
    }
}
