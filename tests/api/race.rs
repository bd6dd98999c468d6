//! The hard guarantee under real concurrency: many approvals of colliding requests race against
//! real servers (two instances sharing the database on PostgreSQL); exactly one wins.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

const RACERS: usize = 50;

async fn pending_requests(app: &TestApp, o: &Office, body: impl Fn(usize) -> Value) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..RACERS {
        let clerk = if i % 2 == 0 { &o.clerk_a } else { &o.clerk_b };
        let (s, _, m) = app
            .call(
                Method::Post,
                "/api/v1/meetings",
                Some(clerk),
                Some(&body(i)),
                &[],
            )
            .await;
        assert_eq!(s, Status::Created, "{m}");
        ids.push(m["id"].as_i64().unwrap());
    }
    ids
}

/// Fires every approval at once across `servers`, returns (winner id, losers' (status, body)).
async fn race(servers: &[RunningServer], token: &str, ids: &[i64]) -> (i64, Vec<(u16, Value)>) {
    race_posts(servers, token, ids, |id| {
        (format!("/api/v1/meetings/{id}/approve"), String::new())
    })
    .await
}

/// Fires one POST per id at once across `servers` (`post` gives its path and JSON body);
/// exactly one must succeed. Returns (its id, the others' (status, body)).
async fn race_posts(
    servers: &[RunningServer],
    token: &str,
    ids: &[i64],
    post: impl Fn(i64) -> (String, String),
) -> (i64, Vec<(u16, Value)>) {
    let barrier = std::sync::Arc::new(rocket::tokio::sync::Barrier::new(ids.len()));
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let addr = servers[i % servers.len()].addr;
        let (token, id, barrier) = (token.to_string(), *id, barrier.clone());
        let (path, body) = post(id);
        tasks.push(rocket::tokio::spawn(async move {
            barrier.wait().await;
            let (s, body) = http(addr, "POST", &path, &token, &body).await;
            (
                id,
                s,
                serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body)),
            )
        }));
    }
    let mut winners = Vec::new();
    let mut losers = Vec::new();
    for t in tasks {
        let (id, s, body) = t.await.unwrap();
        if s == 200 {
            winners.push(id);
        } else {
            losers.push((s, body));
        }
    }
    assert_eq!(winners.len(), 1, "exactly one wins: {winners:?} {losers:?}");
    (winners[0], losers)
}

/// Every loser got 409 with `code`, naming the winner.
fn each_lost_to(losers: &[(u16, Value)], code: &str, winner: i64) {
    for (s, body) in losers {
        assert_eq!(*s, 409, "{body}");
        assert_eq!(body["error"], code, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("#{winner}")),
            "names the winner: {body}"
        );
    }
}

async fn servers(app: &TestApp) -> Vec<RunningServer> {
    let mut servers = vec![serve(app.data_dir.path(), &app.database_url).await];
    if test_backend() == "postgres" {
        // Two app instances with their own pools, sharing one database.
        servers.push(serve(app.data_dir.path(), &app.database_url).await);
    }
    servers
}

#[rocket::async_test]
async fn concurrent_approvals_for_one_room_admit_exactly_one() {
    let app = spawn_app().await;
    let o = app.office().await;
    let ids = pending_requests(&app, &o, |i| {
        json!({
            "title": format!("Yêu cầu số {i} cùng phòng, cùng giờ"),
            "room_id": o.rooms[1],
            "starts_at": "2027-04-05T08:00",
            "ends_at": format!("2027-04-05T09:{:02}", i % 60),
            "submit": true,
        })
    })
    .await;
    let servers = servers(&app).await;
    let (winner, losers) = race(&servers, &o.approver.token, &ids).await;
    assert_eq!(losers.len(), RACERS - 1);
    each_lost_to(&losers, "room_overlap", winner);
    let (_, _, approved) = app
        .call(
            Method::Get,
            &format!(
                "/api/v1/meetings?status=approved&room_id={}&from=2027-04-05&to=2027-04-05",
                o.rooms[1]
            ),
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(approved["total"], 1, "{approved}");
    assert_eq!(approved["items"][0]["id"], winner);
}

#[rocket::async_test]
async fn concurrent_approvals_for_one_chair_admit_exactly_one() {
    let app = spawn_app().await;
    let o = app.office().await;
    let ids = pending_requests(&app, &o, |i| {
        json!({
            "title": format!("Kiểm tra thực địa số {i}"),
            "kind": "cong_tac",
            "chair_id": o.leaders[4],
            "location": format!("Công trình số {i}, xã Bình Sơn"),
            "starts_at": "2027-04-06T13:30",
            "ends_at": "2027-04-06T16:00",
            "submit": true,
        })
    })
    .await;
    let servers = servers(&app).await;
    let (winner, losers) = race(&servers, &o.approver.token, &ids).await;
    each_lost_to(&losers, "chair_overlap", winner);
}

/// Moving single occurrences of approved series into one room at one time: the same guarantee
/// (one move wins, every other gets 409 naming it), through the path that changes one
/// occurrence rather than a whole meeting.
#[rocket::async_test]
async fn concurrent_moves_of_occurrences_into_one_room_admit_exactly_one() {
    const SERIES: usize = 20;
    let app = spawn_app().await;
    let o = app.office().await;
    let mut ids = Vec::new();
    for i in 0..SERIES {
        // Twenty weekly series on Mondays, one after another in one room, each 20 minutes.
        let start = chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap()
            + chrono::Duration::minutes(25 * i as i64);
        let end = start + chrono::Duration::minutes(20);
        let body = json!({
            "title": format!("Giao ban chuyên đề số {i}"),
            "room_id": o.rooms[0],
            "starts_at": format!("2027-05-03T{}", start.format("%H:%M")),
            "ends_at": format!("2027-05-03T{}", end.format("%H:%M")),
            "rrule": "FREQ=WEEKLY;COUNT=3",
            "submit": true,
        });
        let clerk = if i % 2 == 0 { &o.clerk_a } else { &o.clerk_b };
        ids.push(app.approved(&o, clerk, &body).await);
    }
    let servers = servers(&app).await;
    let room = o.rooms[1];
    let (winner, losers) = race_posts(&servers, &o.approver.token, &ids, |id| {
        (
            format!("/api/v1/meetings/{id}/occurrences/2027-05-10/reschedule"),
            json!({"starts_at": "2027-05-12T10:00", "ends_at": "2027-05-12T11:00",
                   "room_id": room, "reason": "Đổi sang phòng lớn"})
            .to_string(),
        )
    })
    .await;
    assert_eq!(losers.len(), SERIES - 1);
    each_lost_to(&losers, "room_overlap", winner);
    let (_, _, moved) = app
        .call(
            Method::Get,
            &format!("/api/v1/occurrences?room_id={room}&from=2027-05-12&to=2027-05-12"),
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    let items = moved.as_array().unwrap();
    assert_eq!(items.len(), 1, "one occurrence holds the room: {moved}");
    assert_eq!(items[0]["meeting_id"], winner, "{moved}");
}

/// Two approvals whose bookings collide can each wait on the other's exclusion check; PostgreSQL
/// then aborts one as a deadlock's victim, and the app runs that decision again (Db::write)
/// instead of answering 500. This provokes a real deadlock between two transactions of the
/// app's pool and checks that the app knows the error for what it is.
#[rocket::async_test]
async fn a_deadlock_victim_is_recognised_as_worth_another_try() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    if test_backend() != "postgres" {
        return; // SQLite has one writer: no deadlock between writers.
    }
    let app = spawn_app().await;
    let o = app.office().await;
    let db = app.db().conn.clone();
    let lock = |a: i32, b: i32| {
        let db = db.clone();
        async move {
            let txn = db.begin().await?;
            let row = |id: i32| format!("UPDATE room SET name = name WHERE id = {id}");
            txn.execute_unprepared(&row(a)).await?;
            rocket::tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            txn.execute_unprepared(&row(b)).await?;
            txn.commit().await
        }
    };
    let (first, second) =
        rocket::tokio::join!(lock(o.rooms[0], o.rooms[1]), lock(o.rooms[1], o.rooms[0]));
    let victim = first
        .err()
        .or(second.err())
        .expect("one of the two is aborted");
    let error = lichhop::Error::Db(victim);
    assert!(error.is_transient(), "{error}");
    assert!(!lichhop::Error::Internal("other".into()).is_transient());
}
