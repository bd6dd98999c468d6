//! When the database cannot serve: a full disk, a read-only file. A 2xx means committed, the
//! refusal is a 503 that says so, and the app recovers by itself when the cause goes away.

use crate::helpers::*;
use rocket::http::{Header, Method, Status};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A small filesystem of its own (tmpfs), mounted for one test and unmounted after it.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// None when the test does not run as root (mounting needs it); CI runs as root.
    fn mount(mib: u32) -> Option<SmallDisk> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { geteuid() } != 0 {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        status.success().then_some(SmallDisk { dir })
    }

    /// Remounts the disk read-only (`false`) or writable again (`true`).
    fn writable(&self, yes: bool) {
        let option = if yes { "remount,rw" } else { "remount,ro" };
        let status = std::process::Command::new("mount")
            .args(["-o", option])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "mount -o {option}");
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the disk refuses another page; returns its path.
    fn fill(&self) -> PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        for chunk in [1 << 20, 4096] {
            let block = vec![0u8; chunk];
            while file.write_all(&block).and_then(|_| file.flush()).is_ok() {}
        }
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

extern "C" {
    fn geteuid() -> u32;
}

fn request(o: &Office, n: u32) -> Value {
    json!({
        "title": format!("Họp giao ban lần {n}: kế hoạch vốn đầu tư công năm 2027"),
        "agenda": "1. Báo cáo\n2. Ý kiến các đơn vị\n".repeat(20),
        "kind": "hop",
        "chair_id": o.leaders[1],
        "starts_at": format!("2027-04-{:02}T08:00", 1 + n % 28),
        "ends_at": format!("2027-04-{:02}T09:30", 1 + n % 28),
        "visibility": "public",
        "expected_attendance": 20,
        "attendees": [{"agency_id": o.agency_b, "role": "required"}],
    })
}

/// A meeting request of the clerk of agency A: status, Retry-After, body.
async fn register_with(
    app: &TestApp,
    o: &Office,
    n: u32,
    lang: &str,
) -> (Status, Option<String>, Value) {
    let res = app
        .client
        .post("/api/v1/meetings")
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .header(Header::new("Accept-Language", lang.to_string()))
        .header(rocket::http::ContentType::JSON)
        .body(request(o, n).to_string())
        .dispatch()
        .await;
    let status = res.status();
    let retry_after = res.headers().get_one("Retry-After").map(str::to_string);
    let body = res.into_json().await.unwrap_or(Value::Null);
    (status, retry_after, body)
}

async fn register(app: &TestApp, o: &Office, n: u32) -> (Status, Option<String>, Value) {
    register_with(app, o, n, "vi").await
}

#[rocket::async_test]
async fn a_full_disk_never_acknowledges_a_write_it_did_not_keep() {
    if test_backend() != "sqlite" {
        return;
    }
    let Some(disk) = SmallDisk::mount(48) else {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    };
    let data_dir = tempfile::Builder::new().tempdir_in(disk.path()).unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        data_dir.path().join("test.db").display()
    );
    let app = spawn_app_on(data_dir, url, &[]).await;
    let o = app.office().await;
    // An empty write-ahead log: from here, every write needs new space.
    use sea_orm::ConnectionTrait;
    app.db()
        .conn
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    let filler = disk.fill();

    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for n in 0..12 {
        let (status, retry_after, body) = register_with(&app, &o, n, "vi").await;
        match status {
            Status::Created => acknowledged.push(body["id"].as_i64().unwrap()),
            Status::ServiceUnavailable => {
                refused += 1;
                assert_eq!(body["error"], "database_unavailable", "{body}");
                assert!(retry_after.is_some(), "a 503 says when to retry");
                assert!(
                    body["message"].as_str().unwrap().contains("đầy"),
                    "the message says the disk is full: {body}"
                );
            }
            other => panic!("write {n} answered {other}: {body}"),
        }
    }
    assert!(refused > 0, "the full disk refused no write");
    assert_eq!(
        app.get("/healthz").await.status(),
        Status::Ok,
        "reads still work"
    );

    // Space returns: the next write succeeds at once, with no restart.
    std::fs::remove_file(filler).unwrap();
    let (s, _, m) = register(&app, &o, 20).await;
    assert_eq!(s, Status::Created, "{m}");
    acknowledged.push(m["id"].as_i64().unwrap());

    // Every acknowledged request is in the file after a restart.
    let TestApp {
        client,
        database_url,
        data_dir,
    } = app;
    drop(client);
    let app = spawn_app_on(data_dir, database_url, &[]).await;
    for id in acknowledged {
        let (s, _, m) = app
            .call(
                Method::Get,
                &format!("/api/v1/meetings/{id}"),
                Some(&o.clerk_a),
                None,
                &[],
            )
            .await;
        assert_eq!(s, Status::Ok, "acknowledged meeting {id} was lost: {m}");
    }
    drop(app);
    drop(disk);
}

/// The status /healthz reports, with its HTTP status.
async fn health(app: &TestApp) -> (Status, Value) {
    let res = app.get("/healthz").await;
    let status = res.status();
    (status, res.into_json().await.unwrap())
}

#[test]
fn the_server_refuses_to_start_on_a_read_only_database() {
    let Some(disk) = SmallDisk::mount(16) else {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    };
    let run = |command: &str, url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lichhop"))
            .arg(command)
            .current_dir(disk.path())
            .env("DATABASE_URL", url)
            .env("ROCKET_CONFIG", disk.path().join("Rocket.toml"))
            .env("LICHHOP_DATA_DIR", disk.path().join("data"))
            .env("ROCKET_PORT", "0")
            .output()
            .unwrap()
    };
    // The database alone read-only: its file lives elsewhere from the data directory.
    let db_dir = disk.path().join("db");
    std::fs::create_dir(&db_dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", db_dir.join("lichhop.db").display());
    let serve = |url: &str| {
        let out = run("serve", url);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success(),
            "started on a read-only database: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    };
    assert!(run("migrate", &url).status.success());
    std::fs::create_dir_all(disk.path().join("data")).unwrap();
    let before = std::fs::read(db_dir.join("lichhop.db")).unwrap();
    disk.writable(false);
    let stderr = serve(&url);
    assert!(stderr.contains("data directory"), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    disk.writable(true);

    // A writable data directory, a read-only database directory (a bind mount of its own).
    let ro = |option: &str| {
        assert!(std::process::Command::new("mount")
            .args(["-o", option])
            .arg(&db_dir)
            .status()
            .unwrap()
            .success());
    };
    assert!(std::process::Command::new("mount")
        .args(["--bind"])
        .arg(&db_dir)
        .arg(&db_dir)
        .status()
        .unwrap()
        .success());
    ro("remount,bind,ro");
    let stderr = serve(&url);
    assert!(stderr.contains("lichhop.db is read-only"), "{stderr}");
    ro("remount,bind,rw");
    let _ = std::process::Command::new("umount").arg(&db_dir).status();
    assert_eq!(
        std::fs::read(db_dir.join("lichhop.db")).unwrap(),
        before,
        "nothing written"
    );
}

/// A TCP proxy to PostgreSQL that can stall: while paused it accepts and holds connections and
/// bytes but forwards nothing, as a hung network or a stopped proxy process does.
struct StallingProxy {
    addr: std::net::SocketAddr,
    paused: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StallingProxy {
    async fn start(upstream: String) -> StallingProxy {
        use rocket::tokio::net::{TcpListener, TcpStream};
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let paused = Arc::new(AtomicBool::new(false));
        let flag = paused.clone();
        rocket::tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                rocket::tokio::spawn(pump(cr, sw, flag.clone()));
                rocket::tokio::spawn(pump(sr, cw, flag.clone()));
            }
        });
        StallingProxy { addr, paused }
    }

    fn stall(&self, yes: bool) {
        self.paused.store(yes, std::sync::atomic::Ordering::SeqCst);
    }
}

async fn pump(
    mut from: rocket::tokio::net::tcp::OwnedReadHalf,
    mut to: rocket::tokio::net::tcp::OwnedWriteHalf,
    paused: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use rocket::tokio::io::{AsyncReadExt, AsyncWriteExt};
    use std::time::Duration;
    let stalled = || paused.load(std::sync::atomic::Ordering::SeqCst);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        while stalled() {
            rocket::tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let n = match rocket::tokio::time::timeout(Duration::from_millis(50), from.read(&mut buf))
            .await
        {
            Err(_) => continue,
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(n)) => n,
        };
        while stalled() {
            rocket::tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

#[rocket::async_test]
async fn a_hung_postgresql_answers_503_in_bounded_time_and_recovers() {
    if test_backend() != "postgres" {
        return;
    }
    let data_dir = tempfile::tempdir().unwrap();
    let direct = fresh_database_url(data_dir.path()).await;
    let (_, rest) = direct.split_once('@').unwrap();
    let (host, name) = rest.split_once('/').unwrap();
    let proxy = StallingProxy::start(host.to_string()).await;
    let url = format!("postgres://postgres@{}/{name}", proxy.addr);
    let settings = [
        ("request_timeout_ms", json!(2000)),
        ("db_acquire_timeout_ms", json!(1000)),
    ];
    let app = spawn_app_on(data_dir, url, &settings).await;
    let o = app.office().await;
    let list = "/api/v1/meetings?from=2027-04-01&to=2027-04-30";

    proxy.stall(true);
    for (method, path, body) in [
        (Method::Get, list, None),
        (Method::Post, "/api/v1/meetings", Some(request(&o, 3))),
    ] {
        let started = std::time::Instant::now();
        let (s, _, m) = app
            .call(method, path, Some(&o.clerk_a), body.as_ref(), &[])
            .await;
        assert_eq!(s, Status::ServiceUnavailable, "{method} {path}: {m}");
        assert_eq!(m["error"], "database_unavailable", "{m}");
        // Bounded by the 2 s deadline, not by the outage (generous: this is not a benchmark).
        assert!(
            started.elapsed().as_secs() < 15,
            "{method} {path} waited {:?}",
            started.elapsed()
        );
    }
    let (status, body) = health(&app).await;
    assert_eq!(status, Status::ServiceUnavailable, "{body}");

    // The database returns: requests are served again without a restart.
    proxy.stall(false);
    let mut served = false;
    for _ in 0..50 {
        let (s, _, _) = app
            .call(Method::Get, list, Some(&o.clerk_a), None, &[])
            .await;
        if s == Status::Ok {
            served = true;
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(served, "no recovery after the database returned");
    let (s, _, m) = register(&app, &o, 4).await;
    assert_eq!(s, Status::Created, "{m}");
}

#[rocket::async_test]
async fn a_read_only_postgresql_is_reported_and_refused_with_503_and_recovered_from() {
    use sea_orm::{ConnectionTrait, Database};
    if test_backend() != "postgres" {
        return;
    }
    let app = spawn_app().await;
    let o = app.office().await;
    let name = app.database_url.rsplit('/').next().unwrap().to_string();
    let admin_url = std::env::var("LICHHOP_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let admin = Database::connect(&admin_url).await.unwrap();
    // Sessions of the app's database start read-only from now on; the open ones are ended
    // (as a failover to a standby ends them).
    let set_read_only = |on: bool| {
        let admin = &admin;
        let name = &name;
        async move {
            admin
                .execute_unprepared(&format!(
                    "ALTER DATABASE {name} SET default_transaction_read_only = {}",
                    if on { "on" } else { "off" }
                ))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ))
                .await
                .unwrap();
        }
    };
    set_read_only(true).await;
    let mut reported = None;
    for _ in 0..30 {
        let (status, body) = health(&app).await;
        if body["status"] == "read-only" {
            reported = Some(status);
            break;
        }
        assert_eq!(status, Status::ServiceUnavailable, "{body}");
    }
    assert_eq!(
        reported,
        Some(Status::ServiceUnavailable),
        "never reported read-only"
    );
    for _ in 0..10 {
        let (status, retry_after, body) = register_with(&app, &o, 5, "en").await;
        assert_eq!(status, Status::ServiceUnavailable);
        assert!(retry_after.is_some());
        assert!(
            body["message"].as_str().unwrap().contains("read-only"),
            "{body}"
        );
        assert_eq!(body["error"], "database_unavailable", "{body}");
    }

    set_read_only(false).await;
    let mut served = false;
    for _ in 0..30 {
        let (s, _, _) = register(&app, &o, 6).await;
        if s == Status::Created {
            served = true;
            break;
        }
        assert_eq!(s, Status::ServiceUnavailable);
    }
    assert!(served, "no recovery after the database became writable");
    assert_eq!(health(&app).await.1["status"], "ok");
}
