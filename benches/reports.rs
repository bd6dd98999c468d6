//! Benchmark: the nine-month report over 100,000 meetings (target: under 200 ms).
//!
//! `cargo bench --bench reports` (SQLite in a temp dir) or with
//! `DATABASE_URL=postgres://…/empty_db cargo bench --bench reports`.
//! Loads 100,000 single meetings from 1 January 2027 (500 a day in 100 rooms, five slots a day,
//! so all of them fall in the period: 1 January to 19 July) straight into the tables, then
//! computes the report for January–September 2027 and renders it as CSV: once after the start
//! (by the queries over the period, while its days are computed in the background), then ten times, each after ten meetings on ten days changed status.
//! Prints the median and the slowest of those ten, the same report with nothing changed, the
//! first report of a second instance on the same database (from the stored days), the same
//! report by the queries over the whole period (and checks both give the same figures),
//! and the median of a full scan of the meeting table timed before each report with the ratio
//! (the figure to compare across runs on a busy machine).

use chrono::{Duration, TimeZone, Utc};
use entity::*;
use lichhop::domain::clock::OFFICE_TZ;
use lichhop::domain::reports::{self, ReportFilter};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use std::time::Instant;

const MEETINGS: i32 = 100_000;
const ROOMS: i32 = 100;
const PER_DAY: i32 = ROOMS * 5;
/// Renders measured, each after CHANGES meetings changed.
const ROUNDS: usize = 10;
const CHANGES: usize = 10;

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
    let figment = rocket::Config::figment()
        .merge(("data_dir", dir.path().display().to_string()))
        .merge(("database_url", url))
        .merge(("admin_password", "bench-admin-password"))
        .merge(("log_level", "off"));
    let rocket = lichhop::app::build(figment.clone()).await.unwrap();
    let db = rocket.state::<lichhop::db::Db>().unwrap();
    lichhop::demo::load(db).await.unwrap();
    let t = Instant::now();
    load(db).await;
    println!(
        "loaded {MEETINGS} meetings in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2027, m, day).unwrap();
    let filter = ReportFilter::new(d(1, 1), d(9, 30), None, None, None).unwrap();
    let settings = lichhop::domain::settings::load(db).await.unwrap();
    let render = |live: bool| {
        let (filter, settings) = (filter.clone(), settings.clone());
        async move {
            let t = Instant::now();
            let r = if live {
                reports::compute_live(db, &filter, &settings).await.unwrap()
            } else {
                reports::compute(db, &filter, &settings).await.unwrap()
            };
            let csv = reports::to_csv(&r);
            assert!(!csv.is_empty());
            (t.elapsed().as_secs_f64() * 1000.0, r)
        }
    };

    // The first report after the start comes from the queries over the period, and starts
    // computing its days in the background; wait for them.
    let (cold, _) = render(false).await;
    let t = Instant::now();
    reports::keep_days(db, &filter, &settings).await.unwrap();
    let fill = t.elapsed().as_secs_f64() * 1000.0;
    let (mut changed, mut unchanged, mut live, mut reference) = (vec![], vec![], vec![], vec![]);
    let mut total = 0;
    for round in 0..ROUNDS {
        reference.push(scan_meetings(db).await);
        // The office at work between two looks at the report: decisions on CHANGES meetings
        // of as many days of the period.
        change_meetings(db, round).await;
        let (ms, kept) = render(false).await;
        changed.push(ms);
        unchanged.push(render(false).await.0);
        let (ms, queried) = render(true).await;
        live.push(ms);
        assert_eq!(
            serde_json::to_value(&kept).unwrap(),
            serde_json::to_value(&queried).unwrap(),
            "the days kept give the figures of the queries"
        );
        total = kept.total;
    }
    // Another instance on the same database, or this one after a restart: its first report
    // starts from the stored days, after more changes.
    let other = lichhop::app::build(figment).await.unwrap();
    let other = other.state::<lichhop::db::Db>().unwrap();
    change_meetings(db, ROUNDS).await;
    let t = Instant::now();
    let r = reports::compute(other, &filter, &settings).await.unwrap();
    assert!(!reports::to_csv(&r).is_empty());
    let restarted = t.elapsed().as_secs_f64() * 1000.0;

    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        (v[v.len() / 2], v[v.len() - 1])
    };
    let (report, max) = median(&mut changed);
    let (scan, _) = median(&mut reference);
    let (same, _) = median(&mut unchanged);
    let (queried, _) = median(&mut live);
    println!(
        "nine-month report over {total} occurrences, {CHANGES} meetings on as many days changed \
         before each: median {report:.1} ms, max {max:.1} ms (target 200 ms)"
    );
    println!("  nothing changed since the last report: median {same:.1} ms");
    println!(
        "  the first report after the start: {cold:.1} ms; its days computed in the background \
         then: {fill:.1} ms more"
    );
    println!(
        "  the first report of another instance (or after a restart), from the stored days: \
         {restarted:.1} ms"
    );
    println!(
        "  the same report by the queries over the whole period: median {queried:.1} ms; \
         kept days / queries {:.2}",
        report / queried
    );
    println!(
        "reference, one scan of the meeting table in the same run: median {scan:.1} ms; report / scan {:.2}",
        report / scan
    );
}

/// Approves, cancels or sends back to pending one occurrence on each of `CHANGES` days spread
/// over the period, as the office's decisions do (the triggers see an occurrence's status
/// change, whichever path made it).
async fn change_meetings(db: &lichhop::db::Db, round: usize) {
    use sea_orm::{ConnectionTrait, Statement};
    let statuses = ["approved", "cancelled", "pending"];
    for i in 0..CHANGES {
        let day = (round * 7 + i * 19) % 200;
        let id = 1_000_000 + (day as i32) * PER_DAY + (i as i32 * 37) % PER_DAY;
        let status = statuses[(round + i) % statuses.len()];
        let sql = format!(
            "UPDATE occurrence SET status = '{status}' WHERE meeting_id = {id} \
             AND status <> '{status}'"
        );
        let _w = db.write_guard().await;
        db.conn
            .execute_raw(Statement::from_string(db.backend(), sql))
            .await
            .unwrap();
    }
}

/// The same-run reference: one full scan of the meeting table (no index the report could use),
/// so that the report's time can be read against the machine's speed at that moment.
async fn scan_meetings(db: &lichhop::db::Db) -> f64 {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(LENGTH(title)) AS BIGINT) AS l \
               FROM meeting";
    let t = Instant::now();
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.backend(), sql))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = row.try_get("", "n").unwrap();
    assert!(n >= MEETINGS as i64);
    t.elapsed().as_secs_f64() * 1000.0
}

async fn load(db: &lichhop::db::Db) {
    let conn = &db.conn;
    let (agencies, leaders, admin) = support::province(db).await;
    let mut rooms = vec![];
    for i in 0..ROOMS {
        let r = room::ActiveModel {
            name: Set(format!("Phòng đo hiệu năng {i}")),
            building: Set("Nhà B".into()),
            capacity: Set(30),
            bookable: Set(false),
            sort_order: Set(100 + i),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        rooms.push(r.insert(conn).await.unwrap().id);
    }
    let first_day = Utc.with_ymd_and_hms(2027, 1, 1, 0, 30, 0).unwrap(); // 07:30 in Hà Nội
    let now = Utc::now();
    let slot_hours = [0i64, 2, 4, 6, 8];
    let kinds = MeetingKind::ALL;
    let (mut meetings, mut occurrences) = (vec![], vec![]);
    for i in 0..MEETINGS {
        let id = 1_000_000 + i;
        let room = rooms[(i % ROOMS) as usize];
        let start = first_day
            + Duration::days((i / PER_DAY) as i64)
            + Duration::hours(slot_hours[((i % PER_DAY) / ROOMS) as usize]);
        let end = start + Duration::minutes(90);
        let status = match i % 20 {
            0..=15 => MeetingStatus::Approved,
            16 => MeetingStatus::Rejected,
            17 => MeetingStatus::Cancelled,
            _ => MeetingStatus::Pending,
        };
        // A leader chairs one meeting a slot at most (the chair no-overlap rule).
        let chair = ((i % ROOMS) < leaders.len() as i32).then(|| leaders[(i % ROOMS) as usize]);
        let submitted = start - Duration::days(7);
        meetings.push(meeting::ActiveModel {
            id: Set(id),
            uid: Set(format!("bench-{id}@lichhop")),
            title: Set(format!("Cuộc họp đo hiệu năng số {i}")),
            requesting_agency_id: Set(agencies[(i as usize) % agencies.len()]),
            created_by: Set(admin),
            kind: Set(kinds[(i as usize) % kinds.len()]),
            chair_id: Set(chair),
            room_id: Set(Some(room)),
            starts_at: Set(start),
            ends_at: Set(end),
            time_zone: Set(OFFICE_TZ.name().into()),
            all_day: Set(false),
            status: Set(status),
            visibility: Set(Visibility::Public),
            exdates: Set("[]".into()),
            needs_interpreter: Set(false),
            sequence: Set(0),
            version: Set(1),
            submitted_at: Set(Some(submitted)),
            decided_at: Set((status != MeetingStatus::Pending)
                .then(|| submitted + Duration::hours((i % 72) as i64))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        occurrences.push(occurrence::ActiveModel {
            meeting_id: Set(id),
            recurrence_id: Set(start),
            starts_at: Set(start),
            ends_at: Set(end),
            room_id: Set(Some(room)),
            chair_id: Set(chair),
            status: Set(status),
            is_override: Set(false),
            sequence: Set(0),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    support::insert_all(db, meetings, occurrences).await;
}
