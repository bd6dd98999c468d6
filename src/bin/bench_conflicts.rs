//! Benchmark of the conflict check and find-a-time with 100,000 meetings over 10 years.
//!
//! Fills a SQLite file (and the PostgreSQL database named by DATABASE_URL, if it is one) with the
//! demo province plus N meetings from 2030 to 2039: singles on a grid of rooms and times (approved
//! where the grid has room, pending otherwise) and weekly series, each with required attendees.
//! Then times single-meeting checks, 52-week series checks, and find-a-time over a month,
//! printing median and p99, against the cost of one indexed point query on the same database
//! (an occurrence by primary key) in the same run.
//!
//! `cargo run --release --bin bench_conflicts -- [meetings] [checks]`
//! (defaults 100000 and 2000; the SQLite file is kept in $TMPDIR/lichhop-bench and reused).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use entity::*;
use lichhop::db::{self, Db};
use lichhop::domain::availability;
use lichhop::domain::clock::{self, OFFICE_TZ};
use lichhop::domain::conflicts::{self, Draft, DraftSlot};
use lichhop::domain::recurrence;
use lichhop::domain::settings::Settings;
use lichhop::domain::visibility::Viewer;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use std::time::Instant;

/// A small deterministic generator (xorshift), so every run builds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// After the demo data (around today), so that its approved meetings never meet the grid.
const FIRST_DAY: (i32, u32, u32) = (2030, 1, 1);
const YEARS: i64 = 10;
/// Grid of meeting times (local): start, minutes.
const TIMES: [((u32, u32), i64); 4] =
    [((7, 30), 90), ((9, 30), 90), ((13, 30), 90), ((15, 15), 90)];

struct Reference {
    rooms: Vec<i32>,
    leaders: Vec<i32>,
    persons: Vec<i32>,
    agencies: Vec<i32>,
    account: i32,
    projector: i32,
}

async fn reference(db: &Db) -> Reference {
    lichhop::demo::load(db).await.expect("demo data");
    let ids = |v: Vec<i32>| v;
    let rooms = ids(room::Entity::find()
        .order_by_asc(room::Column::Id)
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect());
    let people = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(&db.conn)
        .await
        .unwrap();
    let leaders = people
        .iter()
        .filter(|p| p.is_leader)
        .map(|p| p.id)
        .collect();
    let persons = people
        .iter()
        .filter(|p| !p.is_leader)
        .map(|p| p.id)
        .collect();
    let agencies = agency::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let account = account::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .expect("an account")
        .id;
    let projector = equipment::Entity::find()
        .filter(equipment::Column::Code.eq("projector"))
        .one(&db.conn)
        .await
        .unwrap()
        .expect("projector")
        .id;
    Reference {
        rooms,
        leaders,
        persons,
        agencies,
        account,
        projector,
    }
}

fn working_days() -> Vec<NaiveDate> {
    let (y, m, d) = FIRST_DAY;
    let first = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    first
        .iter_days()
        .take((YEARS * 365 + 2) as usize)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

fn at(day: NaiveDate, (h, m): (u32, u32)) -> chrono::DateTime<Utc> {
    clock::local_to_utc(
        OFFICE_TZ,
        day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap()),
    )
    .unwrap()
}

/// Inserts `n` meetings (ids from 1,000,000 up) with their occurrences and attendees.
async fn fill(db: &Db, r: &Reference, n: usize) {
    let days = working_days();
    let now = clock::now();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    // Each (day, time, room) cell holds at most one approved meeting; leaders chair only in the
    // first rooms, one each, so approved chairs never overlap either.
    // Latest first: SQLite's no-overlap triggers look at the room's and the chair's occurrences
    // that start before the new one ends, so filling backwards keeps each check short.
    let cells = days.len() * TIMES.len() * r.rooms.len();
    let order: Vec<usize> = (0..cells).rev().collect();
    let started = Instant::now();
    let batch = 400;
    let mut next_cell = 0usize;
    let mut i = 0usize;
    while i < n {
        let txn = db.conn.begin().await.unwrap();
        let mut meetings = Vec::new();
        let mut occurrences = Vec::new();
        let mut attendees = Vec::new();
        for _ in 0..batch.min(n - i) {
            let id = 1_000_000 + i as i32;
            let series = rng.below(100) < 8;
            let (day, time, room, approved) =
                if !series && next_cell < order.len() && rng.below(100) < 85 {
                    let c = order[next_cell];
                    next_cell += 1;
                    let room = c % r.rooms.len();
                    let t = (c / r.rooms.len()) % TIMES.len();
                    let d = c / (r.rooms.len() * TIMES.len());
                    (days[d], t, room, true)
                } else {
                    (
                        days[rng.below(days.len())],
                        rng.below(TIMES.len()),
                        rng.below(r.rooms.len()),
                        false,
                    )
                };
            let chair = if approved {
                r.leaders.get(room).copied()
            } else {
                Some(r.leaders[rng.below(r.leaders.len())])
            };
            let status = if approved {
                MeetingStatus::Approved
            } else {
                MeetingStatus::Pending
            };
            let (start, minutes) = TIMES[time];
            let starts_at = at(day, start);
            let ends_at = starts_at + Duration::minutes(minutes);
            let rrule = series.then(|| "FREQ=WEEKLY;COUNT=8".to_string());
            meetings.push(meeting::ActiveModel {
                id: Set(id),
                uid: Set(format!("bench-{id}@lichhop")),
                title: Set(format!("Cuộc họp thử tải số {id}")),
                agenda: Set(None),
                requesting_agency_id: Set(r.agencies[rng.below(r.agencies.len())]),
                created_by: Set(r.account),
                kind: Set(MeetingKind::Hop),
                chair_id: Set(chair),
                room_id: Set(Some(r.rooms[room])),
                location: Set(None),
                starts_at: Set(starts_at),
                ends_at: Set(ends_at),
                time_zone: Set(OFFICE_TZ.name().into()),
                all_day: Set(false),
                status: Set(status),
                visibility: Set(Visibility::Internal),
                rrule: Set(rrule.clone()),
                exdates: Set("[]".into()),
                online_link: Set(None),
                expected_attendance: Set(Some(20)),
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
                submitted_at: Set(Some(now)),
                decided_at: Set(approved.then_some(now)),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let slots = recurrence::expand(
                OFFICE_TZ,
                starts_at,
                ends_at - starts_at,
                rrule.as_deref(),
                &[],
            )
            .unwrap();
            for s in slots {
                occurrences.push(occurrence::ActiveModel {
                    meeting_id: Set(id),
                    recurrence_id: Set(s.starts_at),
                    starts_at: Set(s.starts_at),
                    ends_at: Set(s.ends_at),
                    room_id: Set(Some(r.rooms[room])),
                    chair_id: Set(chair),
                    status: Set(status),
                    is_override: Set(false),
                    sequence: Set(0),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
            let attendee =
                |person: Option<i32>, agency: Option<i32>, role| meeting_attendee::ActiveModel {
                    meeting_id: Set(id),
                    person_id: Set(person),
                    agency_id: Set(agency),
                    role: Set(role),
                    participation: Set(Participation::NeedsAction),
                    ..Default::default()
                };
            if let Some(c) = chair {
                attendees.push(attendee(Some(c), None, AttendeeRole::Chair));
            }
            attendees.push(attendee(
                None,
                Some(r.agencies[rng.below(r.agencies.len())]),
                AttendeeRole::Required,
            ));
            let p = r.persons[rng.below(r.persons.len())];
            attendees.push(attendee(Some(p), None, AttendeeRole::Required));
            i += 1;
        }
        meeting::Entity::insert_many(meetings)
            .exec(&txn)
            .await
            .unwrap();
        for chunk in occurrences.chunks(500) {
            occurrence::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        for chunk in attendees.chunks(1000) {
            // Duplicate (meeting, person) pairs are possible when the chair is also drawn.
            meeting_attendee::Entity::insert_many(chunk.to_vec())
                .on_conflict_do_nothing()
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
        if i % 20_000 < batch {
            eprintln!("  {i} meetings ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    if db.kind() == "postgres" {
        db.conn
            .execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('meeting', 'id'), (SELECT max(id) FROM meeting)); ANALYZE",
            )
            .await
            .unwrap();
    } else {
        db.conn.execute_unprepared("ANALYZE").await.unwrap();
    }
    eprintln!("  filled in {:.0} s", started.elapsed().as_secs_f64());
}

struct Stats {
    median_us: f64,
    p99_us: f64,
}

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(|a, b| a.total_cmp(b));
    let pick = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Stats {
        median_us: pick(0.5),
        p99_us: pick(0.99),
    }
}

fn draft(r: &Reference, rng: &mut Rng, days: &[NaiveDate], weeks: Option<u32>) -> Draft {
    let day = days[rng.below(days.len())];
    let (start, minutes) = TIMES[rng.below(TIMES.len())];
    let starts_at = at(day, start);
    let duration = Duration::minutes(minutes);
    let rule = weeks.map(|w| format!("FREQ=WEEKLY;COUNT={w}"));
    let room = Some(r.rooms[rng.below(r.rooms.len())]);
    let chair = Some(r.leaders[rng.below(r.leaders.len())]);
    Draft {
        meeting_id: None,
        kind: MeetingKind::Hop,
        slots: recurrence::expand(OFFICE_TZ, starts_at, duration, rule.as_deref(), &[])
            .unwrap()
            .into_iter()
            .map(|s| DraftSlot {
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                room_id: room,
                chair_id: chair,
            })
            .collect(),
        persons: vec![r.persons[rng.below(r.persons.len())]],
        agencies: vec![r.agencies[rng.below(r.agencies.len())]],
        expected_attendance: Some(20),
        equipment_ids: vec![r.projector],
        submitted_at: starts_at - Duration::days(10),
    }
}

async fn run(label: &str, db: &Db, n: usize, checks: usize) {
    let r = reference(db).await;
    let existing = meeting::Entity::find()
        .filter(meeting::Column::Id.gte(1_000_000))
        .count(&db.conn)
        .await
        .unwrap() as usize;
    if existing < n {
        eprintln!("{label}: filling {} meetings…", n - existing);
        if existing > 0 {
            panic!(
                "{label}: partially filled database ({existing} meetings); remove it and run again"
            );
        }
        fill(db, &r, n).await;
    }
    let meetings = meeting::Entity::find().count(&db.conn).await.unwrap();
    let occurrences = occurrence::Entity::find().count(&db.conn).await.unwrap();
    let max_occ = occurrence::Entity::find()
        .order_by_desc(occurrence::Column::Id)
        .one(&db.conn)
        .await
        .unwrap()
        .map(|o| o.id)
        .unwrap_or(1);
    let settings = Settings::default();
    let days = working_days();
    let mut rng = Rng(0xbe7c_4000_0000_0042);

    // Warm up caches and the pool.
    for _ in 0..50 {
        conflicts::check(
            db,
            &draft(&r, &mut rng, &days, None),
            &settings,
            Viewer::Office,
        )
        .await
        .unwrap();
    }

    let mut point = Vec::with_capacity(checks);
    for _ in 0..checks {
        let id = 1 + rng.below(max_occ as usize) as i32;
        let t = Instant::now();
        let _ = occurrence::Entity::find_by_id(id)
            .one(&db.conn)
            .await
            .unwrap();
        point.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let mut single = Vec::with_capacity(checks);
    let mut found = 0usize;
    for _ in 0..checks {
        let d = draft(&r, &mut rng, &days, None);
        let t = Instant::now();
        let c = conflicts::check(db, &d, &settings, Viewer::Office)
            .await
            .unwrap();
        single.push(t.elapsed().as_secs_f64() * 1e6);
        found += c.len();
    }
    let mut series = Vec::new();
    for _ in 0..(checks / 10).max(10) {
        let d = draft(&r, &mut rng, &days, Some(52));
        let t = Instant::now();
        conflicts::check(db, &d, &settings, Viewer::Office)
            .await
            .unwrap();
        series.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let mut finds = Vec::new();
    let mut slots = 0usize;
    for _ in 0..(checks / 10).max(10) {
        let from = days[rng.below(days.len() - 40)];
        let q = availability::Query {
            from,
            to: from + Duration::days(30),
            duration_minutes: 90,
            chair_id: Some(r.leaders[rng.below(r.leaders.len())]),
            person_ids: vec![r.persons[rng.below(r.persons.len())]],
            min_capacity: Some(20),
            equipment: vec!["projector".into()],
            limit: availability::MAX_LIMIT,
            exclude_meeting_id: None,
            asked: None,
        };
        let t = Instant::now();
        slots += availability::find(db, &q, &settings).await.unwrap().len();
        finds.push(t.elapsed().as_secs_f64() * 1e6);
    }

    // Where a single check spends its time.
    let mut parts: Vec<(&str, Vec<f64>)> = vec![
        ("  part: calendar rules (2 years, no query)", vec![]),
        ("  part: reference change counter (1 query)", vec![]),
        ("  part: busy rooms and chairs (1 query)", vec![]),
        ("  part: busy attendees (1 query)", vec![]),
    ];
    for _ in 0..(checks / 4).max(10) {
        let d = draft(&r, &mut rng, &days, None);
        let s0 = d.slots[0].starts_at;
        let day = clock::office_date(s0);
        let w = conflicts::windows(vec![(s0, d.slots[0].ends_at)]);
        let t = Instant::now();
        let _ = lichhop::domain::working_days::Calendar::new(
            day - Duration::days(130),
            day,
            vec![],
            Default::default(),
        );
        parts[0].1.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        let _ = lichhop::domain::reference::version(db.lookups())
            .await
            .unwrap();
        parts[1].1.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        let _ = conflicts::busy_rooms_and_chairs(
            db.lookups(),
            &[d.slots[0].room_id.unwrap()],
            &d.persons,
            &w,
            None,
        )
        .await
        .unwrap();
        parts[2].1.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        let _ = conflicts::busy_attendees(db.lookups(), &d.persons, &d.agencies, &w, None)
            .await
            .unwrap();
        parts[3].1.push(t.elapsed().as_secs_f64() * 1e6);
    }

    let p = stats(point);
    println!("\n== {label}: {meetings} meetings, {occurrences} occurrences ==");
    println!(
        "{:<44} {:>12} {:>12} {:>10}",
        "operation", "median µs", "p99 µs", "× point"
    );
    let line = |name: &str, s: &Stats| {
        println!(
            "{:<44} {:>12.1} {:>12.1} {:>10.1}",
            name,
            s.median_us,
            s.p99_us,
            s.median_us / p.median_us
        )
    };
    line("reference: occurrence by primary key", &p);
    line(
        &format!("conflict check, one meeting (n={checks})"),
        &stats(single),
    );
    line("conflict check, 52-week series", &stats(series));
    line("find a time over a month (limit 50)", &stats(finds));
    for (name, v) in parts {
        line(name, &stats(v));
    }
    println!(
        "(conflicts found per check: {:.2}; slots per find: {:.1})",
        found as f64 / checks as f64,
        slots as f64 / (checks / 10).max(10) as f64
    );
}

#[rocket::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let checks: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let dir = std::env::temp_dir().join("lichhop-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("bench-{n}.db"));
    let sqlite = db::connect(&format!("sqlite://{}?mode=rwc", file.display()), 4)
        .await
        .unwrap();
    db::migrate(&sqlite).await.unwrap();
    lichhop::bootstrap::ensure_admin(&sqlite, Some("bench-password-not-secret"))
        .await
        .unwrap();
    run("SQLite", &sqlite, n, checks).await;
    if let Ok(url) = std::env::var("DATABASE_URL") {
        if url.starts_with("postgres") {
            let pg = db::connect(&url, 4).await.unwrap();
            db::migrate(&pg).await.unwrap();
            lichhop::bootstrap::ensure_admin(&pg, Some("bench-password-not-secret"))
                .await
                .unwrap();
            run("PostgreSQL", &pg, n, checks).await;
        }
    }
    let _ = Utc::now();
}
