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
    let url = format!("sqlite://{}?mode=rwc", data_dir.path().join("test.db").display());
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
        let res = app
            .client
            .post("/api/v1/meetings")
            .header(Header::new("Authorization", format!("Bearer {}", o.clerk_a.token)))
            .header(rocket::http::ContentType::JSON)
            .body(request(&o, n).to_string())
            .dispatch()
            .await;
        let status = res.status();
        let retry_after = res.headers().get_one("Retry-After").map(str::to_string);
        let body: Value = res.into_json().await.unwrap_or(Value::Null);
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
    assert_eq!(app.get("/healthz").await.status(), Status::Ok, "reads still work");

    // Space returns: the next write succeeds at once, with no restart.
    std::fs::remove_file(filler).unwrap();
    let (s, _, m) = app
        .call(Method::Post, "/api/v1/meetings", Some(&o.clerk_a), Some(&request(&o, 20)), &[])
        .await;
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
            .call(Method::Get, &format!("/api/v1/meetings/{id}"), Some(&o.clerk_a), None, &[])
            .await;
        assert_eq!(s, Status::Ok, "acknowledged meeting {id} was lost: {m}");
    }
    drop(app);
    drop(disk);
}
