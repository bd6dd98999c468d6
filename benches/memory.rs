//! Memory benchmark (not a timed test): the resident memory of the real release server under a
//! mixed load, phase after phase. It must level off.
//!
//! `cargo bench --bench memory` (SQLite in a temp dir; with `LICHHOP_BENCH_PG_URL=postgres://…/db`
//! the same runs against PostgreSQL afterwards, each run in a new database
//! `lichhop_memory_bench_<n>` that it creates on that server). Starts the release binary (`lichhop serve
//! --demo`) behind a trusted-proxy header, creates Bearer tokens of four roles and
//! `FEED_TOKENS` feed tokens over the API, then runs `PHASES` phases of `REQUESTS` mixed
//! requests from `CLIENTS` concurrent clients: public pages and feeds, feeds of many tokens,
//! unknown tokens, API reads of each role, conflict checks, reports (JSON, CSV, xlsx), wrong
//! passwords from many addresses and usernames (each one a full argon2 check), 404s and the
//! bad inputs a security scanner sends. Prints the server's RSS (VmRSS, RssAnon, RssFile from
//! /proc/<pid>/status) before and after each phase, and the ratio of the last phase's to the
//! first's.
//!
//! `LICHHOP_BENCH_PRELOAD=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2[,…]` runs the same load
//! again, once per library, with the server's allocator replaced through LD_PRELOAD;
//! `LICHHOP_BENCH_TUNABLES=glibc.malloc.arena_max=8` runs it again with GLIBC_TUNABLES set
//! (the server then leaves glibc's malloc as the tunables say). `LICHHOP_BENCH_REQUESTS`
//! changes the phase size; `LICHHOP_BENCH_BIN` runs another build of the server (an older
//! commit's, for a before/after).

#[path = "../tests/api/http_client.rs"]
mod http_client;

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const PHASES: usize = 5;
const CLIENTS: usize = 32;
const FEED_TOKENS: usize = 300;
/// Kinds of request in the mix (see [`request`]).
const KINDS: usize = 14;
const ADMIN_PASSWORD: &str = "bench-admin-password";

fn requests_per_phase() -> usize {
    std::env::var("LICHHOP_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// Resident memory of a process, in KiB, from /proc/<pid>/status.
#[derive(Clone, Copy, Default)]
struct Rss {
    total: u64,
    anon: u64,
    file: u64,
}

impl Rss {
    fn of(pid: u32) -> Rss {
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        Rss {
            total: field("VmRSS:"),
            anon: field("RssAnon:"),
            file: field("RssFile:"),
        }
    }
}

impl std::fmt::Display for Rss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mib = |k: u64| k as f64 / 1024.0;
        write!(
            f,
            "{:6.1} MiB (anon {:6.1}, file {:5.1})",
            mib(self.total),
            mib(self.anon),
            mib(self.file)
        )
    }
}

/// The server under test and its data directory.
struct Server {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM, as an operator stops it; the directory goes after it has exited.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

fn start(database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let bin = std::env::var("LICHHOP_BENCH_BIN").unwrap_or(env!("CARGO_BIN_EXE_lichhop").into());
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--demo"])
        .current_dir(dir.path())
        .env("LICHHOP_DATA_DIR", dir.path())
        .env("LICHHOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        // Behind a reverse proxy, as in production: every wrong password comes from its own
        // address, so the throttle never stops the argon2 checks this load is meant to run.
        .env("LICHHOP_CLIENT_IP_HEADER", "X-Real-IP")
        .env("LICHHOP_TRUSTED_PROXIES", "127.0.0.1")
        .env("LICHHOP_LOG", "error")
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_LOG_LEVEL", "off")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    // In a Server at once: its Drop stops the process on every path, a failed start too.
    let server = Server {
        child: cmd.spawn().expect("the release binary starts"),
        addr: ([127, 0, 0, 1], port).into(),
        _dir: dir,
    };
    for _ in 0..600 {
        if std::net::TcpStream::connect(server.addr).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the server did not listen within 30 s");
}

/// What the load needs: Bearer tokens of several roles, feed secrets, ids of the demo data.
struct Ctx {
    addr: SocketAddr,
    /// (role, token): admin, office staff, office approver, agency clerk.
    bearers: Vec<(&'static str, String)>,
    feeds: Vec<String>,
    rooms: Vec<i64>,
    monday: NaiveDate,
}

async fn call(addr: SocketAddr, method: &str, path: &str, bearer: &str, body: &Value) -> Value {
    let auth = format!("Bearer {bearer}");
    let mut headers = vec![("Content-Type", "application/json")];
    if !bearer.is_empty() {
        headers.push(("Authorization", auth.as_str()));
    }
    let (status, text) = http_client::send(addr, method, path, &headers, &body.to_string()).await;
    assert!(status < 300, "{method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn prepare(addr: SocketAddr) -> Ctx {
    let mut bearers = Vec::new();
    for (role, username, password) in [
        ("admin", "admin", ADMIN_PASSWORD),
        ("staff", "chuyenvien", lichhop::demo::DEMO_PASSWORD),
        ("approver", "lanhdaovp", lichhop::demo::DEMO_PASSWORD),
        ("clerk", "vanthu.stc", lichhop::demo::DEMO_PASSWORD),
    ] {
        let body = json!({"username": username, "password": password, "name": "bench"});
        let v = call(addr, "POST", "/api/v1/tokens", "", &body).await;
        bearers.push((role, v["token"].as_str().expect("a token").to_string()));
    }
    let admin = bearers[0].1.clone();
    let ids = |v: Value| -> Vec<i64> {
        v.as_array()
            .map(|a| a.iter().filter_map(|x| x["id"].as_i64()).collect())
            .unwrap_or_default()
    };
    let persons = ids(call(addr, "GET", "/api/v1/persons", &admin, &Value::Null).await);
    let rooms = ids(call(addr, "GET", "/api/v1/rooms", &admin, &Value::Null).await);
    let agencies = ids(call(addr, "GET", "/api/v1/agencies", &admin, &Value::Null).await);
    let mut feeds = Vec::with_capacity(FEED_TOKENS);
    for i in 0..FEED_TOKENS {
        let tentative = i % 2 == 1;
        let body = match i % 3 {
            0 => json!({"scope": "person", "person_id": persons[i / 3 % persons.len()]}),
            1 => json!({"scope": "room", "room_id": rooms[i / 3 % rooms.len()]}),
            _ => json!({"scope": "agency", "agency_id": agencies[i / 3 % agencies.len()]}),
        };
        let mut body = body;
        body["include_tentative"] = json!(tentative);
        body["label"] = json!(format!("bench {i}"));
        let v = call(addr, "POST", "/api/v1/feed-tokens", &admin, &body).await;
        feeds.push(v["secret"].as_str().expect("a secret").to_string());
    }
    let today = lichhop::domain::clock::office_date(lichhop::domain::clock::now());
    Ctx {
        addr,
        bearers,
        feeds,
        rooms,
        monday: lichhop::domain::clock::week_start(today),
    }
}

/// Request `i` of the mix: (method, path, headers, body).
fn request(ctx: &Ctx, i: usize) -> (&'static str, String, Vec<(String, String)>, String) {
    let bearer = |role: usize| {
        let (_, token) = &ctx.bearers[role % ctx.bearers.len()];
        vec![("Authorization".to_string(), format!("Bearer {token}"))]
    };
    let gzip = || vec![("Accept-Encoding".to_string(), "gzip".to_string())];
    let week = ctx.monday + Duration::weeks((i % 40) as i64 - 20);
    let day = ctx.monday + Duration::days((i % 300) as i64 - 150);
    let get = |path: String, headers| ("GET", path, headers, String::new());
    match i % KINDS {
        0 => get(format!("/lich-cong-tac?tuan={week}"), vec![]),
        1 => get(
            "/feeds/public.ics".into(),
            if i % (2 * KINDS) == 1 { gzip() } else { vec![] },
        ),
        2 => get(
            format!("/feeds/{}.ics", ctx.feeds[(i / KINDS) % ctx.feeds.len()]),
            if i % (2 * KINDS) == 2 { gzip() } else { vec![] },
        ),
        // An unknown token: a fresh one every time.
        3 => get(format!("/feeds/{i:064x}.ics"), vec![]),
        4 => get(
            format!(
                "/api/v1/meetings?from={day}&to={}&per_page=50",
                day + Duration::days(30)
            ),
            bearer(i / KINDS),
        ),
        5 => get(format!("/api/v1/schedule/{week}"), bearer(i / KINDS)),
        6 => get(
            format!(
                "/api/v1/occurrences?from={day}&to={}",
                day + Duration::days(14)
            ),
            bearer(i / KINDS),
        ),
        // A wrong password for a username never tried, from an address never seen.
        7 => (
            "POST",
            "/api/v1/tokens".into(),
            vec![
                ("Content-Type".into(), "application/json".into()),
                (
                    "X-Real-IP".into(),
                    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
                ),
            ],
            json!({"username": format!("probe{i}"), "password": "wrong-password", "name": "x"})
                .to_string(),
        ),
        8 => {
            let mut h = bearer(1 + (i / KINDS) % 3);
            h.push(("Content-Type".into(), "application/json".into()));
            let room = ctx.rooms[i % ctx.rooms.len()];
            let body = json!({
                "title": format!("Kiểm tra xung đột {i}"),
                "kind": "hop",
                "room_id": room,
                "starts_at": format!("{day}T09:00"),
                "ends_at": format!("{day}T10:30"),
                "expected_attendance": 15,
            });
            ("POST", "/api/v1/conflicts".into(), h, body.to_string())
        }
        9 => {
            let format = ["json", "csv", "xlsx"][(i / KINDS) % 3];
            let to = day + Duration::days(30 + (i % 5) as i64 * 30);
            get(
                format!("/api/v1/reports?from={day}&to={to}&format={format}"),
                bearer(1),
            )
        }
        10 => {
            let path = match (i / KINDS) % 5 {
                0 => format!("/khong-co-trang-nay-{i}"),
                1 => format!("/api/v1/meetings/{}", 900_000 + i),
                2 => format!("/wp-login.php?redirect_to={i}"),
                3 => "/.env".into(),
                _ => format!("/cuoc-hop/{}", 900_000 + i),
            };
            get(path, bearer(i / KINDS))
        }
        11 => match (i / KINDS) % 5 {
            0 => get(format!("/api/v1/meetings?from=abc{i}"), bearer(i / KINDS)),
            1 => get(format!("/api/v1/schedule/tuan-{i}"), vec![]),
            2 => get(format!("/feeds/..%2f..%2fetc%2fpasswd{i}.ics"), vec![]),
            3 => get(
                format!("/lich-cong-tac?tuan={}{i}", "9".repeat(2000)),
                vec![],
            ),
            _ => {
                let mut h = bearer(3);
                h.push(("Content-Type".into(), "application/json".into()));
                let body = format!("{{\"title\": {i}, \"kind\": \"<script>\"}}");
                ("POST", "/api/v1/meetings".into(), h, body)
            }
        },
        12 => {
            let path = match (i / KINDS) % 6 {
                0 => format!("/lich-phong?tuan={week}"),
                1 => "/man-hinh".into(),
                2 => "/dang-nhap".into(),
                3 => "/healthz".into(),
                4 => "/api/openapi.json".into(),
                _ => "/static/lichhop.css".into(),
            };
            get(path, vec![])
        }
        _ => get(format!("/lich-lanh-dao?tuan={week}"), vec![]),
    }
}

/// Runs `n` requests of the mix from `CLIENTS` clients; returns the count of answers by class
/// (index 0: no answer, 1: 1xx … 5: 5xx).
async fn phase(ctx: Arc<Ctx>, first: usize, n: usize) -> [usize; 6] {
    let next = Arc::new(AtomicUsize::new(0));
    let only = std::env::var("LICHHOP_BENCH_ONLY")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (ctx, next) = (ctx.clone(), next.clone());
        clients.push(rocket::tokio::spawn(async move {
            let mut classes = [0usize; 6];
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= n {
                    return classes;
                }
                // LICHHOP_BENCH_ONLY=<kind>: requests of one kind of the mix (0..14) only.
                let i = match only {
                    Some(kind) => (first + k) * KINDS + kind,
                    None => first + k,
                };
                let (method, path, headers, body) = request(&ctx, i);
                let headers: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect();
                let (status, answer) =
                    http_client::send(ctx.addr, method, &path, &headers, &body).await;
                classes[(status as usize / 100).min(5)] += 1;
                if status >= 500 && classes[5] <= 3 {
                    let answer: String = answer.chars().take(200).collect();
                    eprintln!("{status} for {method} {path}: {answer}");
                }
            }
        }));
    }
    let mut all = [0usize; 6];
    for c in clients {
        for (a, b) in all.iter_mut().zip(c.await.expect("client")) {
            *a += b;
        }
    }
    all
}

/// Runs `statements` on the PostgreSQL server of `url`, each allowed to fail (a database
/// that is not there to drop).
async fn on_pg_server(url: &str, statements: &[String]) {
    use sea_orm::ConnectionTrait;
    let admin = sea_orm::Database::connect(url)
        .await
        .expect("LICHHOP_BENCH_PG_URL connects");
    for sql in statements {
        if let Err(e) = admin.execute_unprepared(sql).await {
            eprintln!("{sql}: {e}");
        }
    }
    admin.close().await.ok();
}

/// The name and URL of this run's own database on the PostgreSQL server of `url`.
fn pg_database(url: &str, n: usize) -> (String, String) {
    let name = format!("lichhop_memory_bench_{n}");
    let base = url.split('?').next().unwrap_or(url);
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    (name.clone(), format!("{server}/{name}"))
}

async fn run(label: &str, database_url: Option<&str>, env: &[(&str, &str)]) {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let n = requests_per_phase();
    // On PostgreSQL, a new empty database for each run, dropped after it.
    let fresh = database_url.map(|url| pg_database(url, RUNS.fetch_add(1, Ordering::Relaxed)));
    let drop_it = |name: &str| format!("DROP DATABASE IF EXISTS {name}");
    if let (Some(url), Some((name, _))) = (database_url, &fresh) {
        on_pg_server(url, &[drop_it(name), format!("CREATE DATABASE {name}")]).await;
    }
    let server = start(fresh.as_ref().map(|(_, url)| url.as_str()), env);
    let pid = server.child.id();
    println!("\n== {label} ==");
    let ctx = Arc::new(prepare(server.addr).await);
    println!("after start and setup     {}", Rss::of(pid));
    let mut after = Vec::new();
    for p in 0..PHASES {
        let before = Rss::of(pid);
        let t = Instant::now();
        let classes = phase(ctx.clone(), p * n, n).await;
        let rss = Rss::of(pid);
        println!(
            "phase {}: before {before}  after {rss}  ({n} requests in {:.0} s; 2xx {} 3xx {} 4xx {} 5xx {} none {})",
            p + 1,
            t.elapsed().as_secs_f64(),
            classes[2],
            classes[3],
            classes[4],
            classes[5],
            classes[0],
        );
        after.push(rss);
    }
    rocket::tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    println!("5 s idle after the last   {}", Rss::of(pid));
    let (first, last) = (after[0].total as f64, after[PHASES - 1].total as f64);
    println!(
        "RSS after phase {PHASES} / after phase 1: {:.2} (max {:.1} MiB)",
        last / first,
        after.iter().map(|r| r.total).max().unwrap_or(0) as f64 / 1024.0
    );
    drop(server);
    if let (Some(url), Some((name, _))) = (database_url, &fresh) {
        on_pg_server(url, &[drop_it(name)]).await;
    }
}

#[rocket::main]
async fn main() {
    let pg = std::env::var("LICHHOP_BENCH_PG_URL").ok();
    let mut databases: Vec<(&str, Option<&str>)> = vec![("sqlite", None)];
    if let Some(url) = pg.as_deref() {
        databases.push(("postgres", Some(url)));
    }
    let preloads = std::env::var("LICHHOP_BENCH_PRELOAD").unwrap_or_default();
    let tunables = std::env::var("LICHHOP_BENCH_TUNABLES").ok();
    println!(
        "memory under load: {PHASES} phases of {} requests from {CLIENTS} clients, {FEED_TOKENS} feed tokens, demo data",
        requests_per_phase()
    );
    for (db, url) in &databases {
        run(&format!("{db}, allocator as built"), *url, &[]).await;
        if let Some(t) = tunables.as_deref() {
            run(
                &format!("{db}, GLIBC_TUNABLES={t}"),
                *url,
                &[("GLIBC_TUNABLES", t)],
            )
            .await;
        }
        for lib in preloads.split(',').filter(|l| !l.is_empty()) {
            run(
                &format!("{db}, LD_PRELOAD={lib}"),
                *url,
                &[("LD_PRELOAD", lib)],
            )
            .await;
        }
    }
}
