//! Benchmark: submit → approve over HTTP with 100,000 meetings in the database.
//!
//! `cargo bench --bench workflow` (SQLite in a temp dir) or with
//! `DATABASE_URL=postgres://…/empty_db cargo bench --bench workflow`.
//! Loads a decade of a busy office (single meetings and weekly series) straight into the tables,
//! starts the real server on a loopback port, then clients (each on its own kept-alive
//! connection, as API clients and browsers keep theirs) register a request (submitted at once)
//! and approve it, on free slots: first one client alone (the service time, no queueing), then 32
//! concurrent clients. Prints median and p99 of each step and of the round trip, and of GET
//! /healthz (one database round trip through the same stack) as the reference, with the ratio;
//! and GET /healthz from 32 clients at once, the floor a round trip of two requests stands on.

#[path = "../tests/api/http_client.rs"]
mod http_client;

use chrono::{Duration, TimeZone, Utc};
use entity::*;
use http_client::Connection;
use lichhop::domain::clock::OFFICE_TZ;
use sea_orm::{ActiveValue::Set, EntityTrait};
use std::time::Instant;

const MEETINGS: i32 = 100_000;
const SERIES_EVERY: i32 = 50;
const SERIES_COUNT: i32 = 10;
const CLIENTS: usize = 32;
const ROUNDS_PER_CLIENT: usize = 25;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = percentile(&v, 0.5);
    println!(
        "{name:<28} n={:<5} median {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        v.len(),
        median,
        percentile(&v, 0.99),
        v[v.len() - 1]
    );
    median
}

mod support;

#[rocket::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let figment = rocket::Config::figment()
        .merge(("data_dir", dir.path().display().to_string()))
        .merge(("database_url", url.clone()))
        .merge(("admin_password", "bench-admin-password"))
        .merge(("log_level", "off"))
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge((
            "db_pool_size",
            std::env::var("LICHHOP_DB_POOL_SIZE")
                .ok()
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(16),
        ));
    let rocket = lichhop::app::build(figment).await.expect("app builds");
    let db = rocket.state::<lichhop::db::Db>().unwrap().clone();
    println!("database: {} ({})", db.kind(), lichhop::db::redact(&url));

    lichhop::demo::load(&db).await.unwrap();
    let t = Instant::now();
    let (meetings, occurrences) = load_decade(&db).await;
    println!(
        "loaded {meetings} meetings ({occurrences} occurrences) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let approver = account_with_token(&db, "bench.approver", Role::OfficeApprover, None).await;
    let agency = agency::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let clerk = account_with_token(&db, "bench.clerk", Role::AgencyClerk, Some(agency)).await;
    // The office's bookable rooms (the decade's history sits in rooms kept for it).
    let rooms: Vec<i32> = room::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.bookable)
        .map(|r| r.id)
        .collect();

    let rocket = rocket.ignite().await.unwrap();
    let shutdown = rocket.shutdown();
    rocket::tokio::spawn(rocket.launch());
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    while rocket::tokio::net::TcpStream::connect(addr).await.is_err() {
        rocket::tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // Warm-up, then the reference: a trivial request with one database round trip.
    let mut conn = Connection::open(addr).await;
    for _ in 0..50 {
        conn.request("GET", "/healthz", "", "").await;
    }
    let mut reference = vec![];
    for _ in 0..500 {
        let t = Instant::now();
        let (s, _) = conn.request("GET", "/healthz", "", "").await;
        assert_eq!(s, 200);
        reference.push(t.elapsed().as_secs_f64() * 1e3);
    }

    // The floor of the stack: the same trivial request from 32 clients at once. A round trip
    // is two requests that each do more; it cannot go faster than two of these.
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..CLIENTS {
        tasks.push(rocket::tokio::spawn(async move {
            let mut conn = Connection::open(addr).await;
            let mut times = vec![];
            for _ in 0..200 {
                let t = Instant::now();
                let (s, _) = conn.request("GET", "/healthz", "", "").await;
                assert_eq!(s, 200);
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            times
        }));
    }
    let mut floor = vec![];
    for t in tasks {
        floor.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "GET /healthz from {CLIENTS} clients at once: {:.0} requests/s",
        floor.len() as f64 / elapsed
    );
    report("  GET /healthz, 32 clients", floor);

    // Unloaded: one client, so the figures are the service time of a round trip without any
    // queueing; then the issue's load: 32 clients at once, each starting its next round trip as
    // soon as the last one ended (closed loop), so that latency = clients / throughput.
    let reference_median = report("GET /healthz (reference)", reference);
    let mut next_day = 0;
    for clients in [1, CLIENTS] {
        let rounds = if clients == 1 { 100 } else { ROUNDS_PER_CLIENT };
        let cpu_before = process_cpu_seconds();
        let (submit, approve, round, elapsed) =
            round_trips(addr, &clerk, &approver, &rooms, clients, rounds, next_day).await;
        let cpu = process_cpu_seconds() - cpu_before;
        next_day += clients * rounds;
        println!(
            "{clients} concurrent client(s), {} round trips in {elapsed:.1} s ({:.0} round trips/s), \
             this process's CPU {:.2} ms per round trip",
            round.len(),
            round.len() as f64 / elapsed,
            cpu * 1e3 / round.len() as f64
        );
        report("  submit (POST /meetings)", submit);
        report("  approve", approve);
        let round_median = report("  submit→approve round trip", round);
        println!(
            "  round trip median / reference median = {:.1}×",
            round_median / reference_median
        );
    }
    shutdown.notify();
}

/// User + system CPU time of this process (server and clients; PostgreSQL's own is not in it),
/// from /proc: on a shared machine it varies less than wall-clock figures do.
fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) — utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

type Timings = (Vec<f64>, Vec<f64>, Vec<f64>, f64);

/// `clients` tasks each make `rounds` submit→approve round trips on free days from `first_day`
/// on (one day per round, one room per client). Returns the submit, approve and round trip
/// times in ms and the elapsed seconds.
async fn round_trips(
    addr: std::net::SocketAddr,
    clerk: &str,
    approver: &str,
    rooms: &[i32],
    clients: usize,
    rounds: usize,
    first_day: usize,
) -> Timings {
    let started = Instant::now();
    let mut tasks = vec![];
    for c in 0..clients {
        let (clerk, approver, rooms) = (clerk.to_string(), approver.to_string(), rooms.to_vec());
        tasks.push(rocket::tokio::spawn(async move {
            let mut conn = Connection::open(addr).await;
            let mut submit = vec![];
            let mut approve = vec![];
            let mut round = vec![];
            for r in 0..rounds {
                let day = Utc.with_ymd_and_hms(2040, 1, 1, 0, 0, 0).unwrap()
                    + Duration::days((first_day + c * rounds + r) as i64);
                let local = day.with_timezone(&OFFICE_TZ).date_naive();
                let body = serde_json::json!({
                    "title": format!("Họp đo hiệu năng {c}-{r}"),
                    "room_id": rooms[c % rooms.len()],
                    "starts_at": format!("{local}T08:00"),
                    "ends_at": format!("{local}T09:30"),
                    "submit": true,
                })
                .to_string();
                let t0 = Instant::now();
                let (s, created) = conn
                    .request("POST", "/api/v1/meetings", &clerk, &body)
                    .await;
                assert_eq!(s, 201, "{created}");
                let t1 = Instant::now();
                let id = serde_json::from_str::<serde_json::Value>(&created).unwrap()["id"]
                    .as_i64()
                    .unwrap();
                let approve_path = format!("/api/v1/meetings/{id}/approve");
                let (s, decided) = conn.request("POST", &approve_path, &approver, "").await;
                assert_eq!(s, 200, "{decided}");
                let t2 = Instant::now();
                submit.push((t1 - t0).as_secs_f64() * 1e3);
                approve.push((t2 - t1).as_secs_f64() * 1e3);
                round.push((t2 - t0).as_secs_f64() * 1e3);
            }
            (submit, approve, round)
        }));
    }
    let (mut submit, mut approve, mut round) = (vec![], vec![], vec![]);
    for t in tasks {
        let (s, a, r) = t.await.unwrap();
        submit.extend(s);
        approve.extend(a);
        round.extend(r);
    }
    (submit, approve, round, started.elapsed().as_secs_f64())
}

async fn account_with_token(
    db: &lichhop::db::Db,
    username: &str,
    role: Role,
    agency_id: Option<i32>,
) -> String {
    use sea_orm::ActiveModelTrait;
    let a = account::ActiveModel {
        username: Set(username.into()),
        display_name: Set(username.into()),
        password_hash: Set("unused".into()),
        role: Set(role),
        agency_id: Set(agency_id),
        person_id: Set(None),
        disabled: Set(false),
        session_epoch: Set(0),
        created_at: Set(Utc::now()),
        last_sign_in_at: Set(None),
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

/// 100,000 meetings over ten years: 40 a day in 8 rooms and 5 slots; every 50th is a weekly
/// series of 10 in two rooms kept for series. Written in batches, as a migration tool would.
async fn load_decade(db: &lichhop::db::Db) -> (i32, i32) {
    let conn = &db.conn;
    let (agencies, leaders, admin) = support::province(db).await;
    let mut rooms = vec![];
    for i in 0..10 {
        use sea_orm::ActiveModelTrait;
        rooms.push(
            room::ActiveModel {
                name: Set(format!("Phòng đo hiệu năng {i}")),
                building: Set("Nhà B".into()),
                floor: Set(None),
                capacity: Set(30),
                bookable: Set(false),
                notes: Set(None),
                sort_order: Set(100 + i),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(conn)
            .await
            .unwrap()
            .id,
        );
    }
    let first_day = Utc.with_ymd_and_hms(2016, 1, 4, 0, 30, 0).unwrap(); // 07:30 in Hà Nội
    let now = Utc::now();
    let slot_hours = [0i64, 2, 6, 8, 10];
    let mut meeting_rows = vec![];
    let mut occurrence_rows = vec![];
    let mut series_slot = 0i64;
    let base_id = 1_000_000;
    for i in 0..MEETINGS {
        let id = base_id + i;
        let is_series = i % SERIES_EVERY == 0;
        let (room, start, rrule) = if is_series {
            // Series live in rooms 8 and 9: one per (week, slot) so none overlaps another.
            let week = series_slot / 10;
            let slot = series_slot % 10;
            series_slot += 1;
            let start = first_day
                + Duration::weeks(week * SERIES_COUNT as i64)
                + Duration::days(slot % 5)
                + Duration::hours(slot_hours[(slot / 5) as usize]);
            (
                rooms[8 + (series_slot % 2) as usize],
                start,
                Some(format!("FREQ=WEEKLY;COUNT={SERIES_COUNT}")),
            )
        } else {
            let day = (i / 40) as i64;
            let start = first_day
                + Duration::days(day)
                + Duration::hours(slot_hours[((i / 8) % 5) as usize]);
            (rooms[(i % 8) as usize], start, None)
        };
        let end = start + Duration::minutes(90);
        let status = match i % 20 {
            0..=15 => MeetingStatus::Approved,
            16 => MeetingStatus::Rejected,
            17 => MeetingStatus::Cancelled,
            18 => MeetingStatus::Withdrawn,
            _ => MeetingStatus::Pending,
        };
        let chair = if !is_series && i % 8 < leaders.len() as i32 {
            Some(leaders[(i % 8) as usize])
        } else {
            None
        };
        meeting_rows.push(meeting::ActiveModel {
            id: Set(id),
            uid: Set(format!("bench-{id}@lichhop")),
            title: Set(format!("Cuộc họp lưu trữ số {i}")),
            agenda: Set(None),
            requesting_agency_id: Set(agencies[(i as usize) % agencies.len()]),
            created_by: Set(admin),
            kind: Set(MeetingKind::Hop),
            chair_id: Set(chair),
            room_id: Set(Some(room)),
            location: Set(None),
            starts_at: Set(start),
            ends_at: Set(end),
            time_zone: Set(OFFICE_TZ.name().into()),
            all_day: Set(false),
            status: Set(status),
            visibility: Set(Visibility::Public),
            rrule: Set(rrule.clone()),
            exdates: Set("[]".into()),
            online_link: Set(None),
            expected_attendance: Set(None),
            preparation: Set(None),
            needs_interpreter: Set(false),
            preparing_agency_id: Set(None),
            follower_id: Set(None),
            other_attendees: Set(None),
            note: Set(None),
            decision_note: Set(None),
            proposed_starts_at: Set(None),
            proposed_ends_at: Set(None),
            proposed_room_id: Set(None),
            sequence: Set(0),
            version: Set(1),
            submitted_at: Set(Some(start - Duration::days(7))),
            decided_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let n = if is_series { SERIES_COUNT } else { 1 };
        for k in 0..n {
            let s = start + Duration::weeks(k as i64);
            occurrence_rows.push(occurrence::ActiveModel {
                meeting_id: Set(id),
                recurrence_id: Set(s),
                starts_at: Set(s),
                ends_at: Set(s + Duration::minutes(90)),
                room_id: Set(Some(room)),
                chair_id: Set(chair),
                status: Set(status),
                is_override: Set(false),
                sequence: Set(0),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    let occurrences = occurrence_rows.len() as i32;
    support::insert_all(db, meeting_rows, occurrence_rows).await;
    (MEETINGS, occurrences)
}
