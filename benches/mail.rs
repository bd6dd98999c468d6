//! Benchmark (issue #17 item 7): decisions stay fast when the mail relay is slow.
//!
//! `cargo bench --bench mail` (SQLite in a temp dir), or with `DATABASE_URL=postgres://…/empty`.
//! Needs the SMTP sink of the tests (`tests/smtp-sink/.venv`, see its requirements.txt).
//! Starts the real server on a loopback port with `smtp_url` pointing at the sink, and makes
//! submit→approve round trips (each approval writes an e-mail to the clerk and an iTIP
//! invitation to the chair). Blocks of approvals alternate between the sink answering each
//! message at once and the sink answering each after 1 s (its `delay` file), in one run, so both
//! see the same machine. Prints the approve request's median in each case and their ratio, and
//! how many messages the sender had delivered: sending happens outside the request, so the
//! ratio stays near 1 while the slow relay's backlog grows.

#[path = "../tests/api/http_client.rs"]
mod http_client;

use chrono::{Duration, TimeZone, Utc};
use entity::*;
use http_client::Connection;
use lichhop::domain::clock::OFFICE_TZ;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::time::Instant;

/// Approvals per block; blocks alternate fast, slow, fast, slow…
const BLOCK: usize = 30;
const BLOCKS: usize = 10;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn p90(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * 0.9).round() as usize]
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn account_with_token(
    db: &lichhop::db::Db,
    username: &str,
    role: Role,
    agency_id: Option<i32>,
    email: Option<&str>,
) -> String {
    let a = account::ActiveModel {
        username: Set(username.into()),
        display_name: Set(username.into()),
        password_hash: Set("unused".into()),
        role: Set(role),
        agency_id: Set(agency_id),
        disabled: Set(false),
        session_epoch: Set(0),
        created_at: Set(Utc::now()),
        email: Set(email.map(str::to_string)),
        email_notifications: Set(true),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .unwrap();
    lichhop::auth::tokens::issue(db, a.id, "bench")
        .await
        .unwrap()
        .1
}

/// What one approval needs; `round` picks a free day for each.
struct Bench {
    clerk: String,
    approver: String,
    room: i32,
    chair: i32,
    /// The sink's delay file: present, it answers each message after that many seconds.
    delay: std::path::PathBuf,
    round: usize,
}

impl Bench {
    /// Registers a request and approves it with the relay fast or slow; the approve's ms.
    async fn approve(&mut self, conn: &mut Connection, slow: bool) -> f64 {
        if slow {
            std::fs::write(&self.delay, "1").unwrap();
        } else {
            let _ = std::fs::remove_file(&self.delay);
        }
        self.round += 1;
        let n = self.round;
        let day = Utc.with_ymd_and_hms(2040, 1, 1, 0, 0, 0).unwrap() + Duration::days(n as i64);
        let local = day.with_timezone(&OFFICE_TZ).date_naive();
        let body = serde_json::json!({
            "title": format!("Họp đo thư {n}"),
            "room_id": self.room,
            "chair_id": self.chair,
            "starts_at": format!("{local}T08:00"),
            "ends_at": format!("{local}T09:30"),
            "submit": true,
        })
        .to_string();
        let (s, created) = conn
            .request("POST", "/api/v1/meetings", &self.clerk, &body)
            .await;
        assert_eq!(s, 201, "{created}");
        let id = serde_json::from_str::<serde_json::Value>(&created).unwrap()["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/meetings/{id}/approve");
        let t = Instant::now();
        let (s, decided) = conn.request("POST", &path, &self.approver, "").await;
        assert_eq!(s, 200, "{decided}");
        t.elapsed().as_secs_f64() * 1e3
    }
}

#[rocket::main]
async fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("tests/smtp-sink/.venv/bin/python");
    let dir = tempfile::tempdir().unwrap();
    let sink_dir = dir.path().join("sink");
    let smtp_port = free_port();
    let mut sink = std::process::Command::new(&python)
        .arg(root.join("tests/smtp-sink/sink.py"))
        .arg(&sink_dir)
        .arg(smtp_port.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("the SMTP sink: {e}; install it (tests/smtp-sink/requirements.txt)")
        });
    {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(sink.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready");
    }

    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let port = free_port();
    let figment = rocket::Config::figment()
        .merge(("data_dir", dir.path().display().to_string()))
        .merge(("database_url", url.clone()))
        .merge(("admin_password", "bench-admin-password"))
        .merge(("log_level", "off"))
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("jobs_poll_ms", 0))
        .merge(("smtp_url", format!("smtp://127.0.0.1:{smtp_port}")))
        .merge(("mail_from", "vanphong@ubnd.example.vn"))
        .merge(("mail_poll_ms", 200));
    let rocket = lichhop::app::build(figment).await.expect("app builds");
    let db = rocket.state::<lichhop::db::Db>().unwrap().clone();
    println!("database: {} ({})", db.kind(), lichhop::db::redact(&url));
    lichhop::demo::load(&db).await.unwrap();
    let agency = agency::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let clerk = account_with_token(
        &db,
        "bench.clerk",
        Role::AgencyClerk,
        Some(agency),
        Some("vanthu@example.vn"),
    )
    .await;
    let approver =
        account_with_token(&db, "bench.approver", Role::OfficeApprover, None, None).await;
    let room = room::Entity::find()
        .filter(room::Column::Bookable.eq(true))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let chair = person::Entity::find()
        .filter(person::Column::IsLeader.eq(true))
        .filter(person::Column::Email.is_not_null())
        .one(&db.conn)
        .await
        .unwrap()
        .expect("a demo leader with an e-mail")
        .id;

    let rocket = rocket.ignite().await.unwrap();
    let shutdown = rocket.shutdown();
    rocket::tokio::spawn(rocket.launch());
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    while rocket::tokio::net::TcpStream::connect(addr).await.is_err() {
        rocket::tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let mut conn = Connection::open(addr).await;
    let mut bench = Bench {
        clerk,
        approver,
        room,
        chair,
        delay: sink_dir.join("delay"),
        round: 0,
    };
    // Warm-up.
    for _ in 0..5 {
        bench.approve(&mut conn, false).await;
    }
    let (mut fast, mut slow) = (vec![], vec![]);
    for b in 0..BLOCKS {
        let is_slow = b % 2 == 1;
        for _ in 0..BLOCK {
            let ms = bench.approve(&mut conn, is_slow).await;
            if is_slow {
                slow.push(ms);
            } else {
                fast.push(ms);
            }
        }
    }
    let sent = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("sent"))
        .all(&db.conn)
        .await
        .unwrap()
        .len();
    let written = outbox::Entity::find().all(&db.conn).await.unwrap().len();
    let (mf, ms) = (median(fast.clone()), median(slow.clone()));
    println!(
        "approve, relay answers at once:   n={:<3} median {mf:>7.2} ms   p90 {:>7.2} ms",
        fast.len(),
        p90(fast)
    );
    println!(
        "approve, relay answers after 1 s: n={:<3} median {ms:>7.2} ms   p90 {:>7.2} ms",
        slow.len(),
        p90(slow)
    );
    println!("median ratio slow / fast = {:.2}", ms / mf);
    println!("outbox at the end: {written} messages written, {sent} delivered (the rest wait for the slow relay)");
    shutdown.notify();
    let _ = sink.kill();
    let _ = sink.wait();
}
