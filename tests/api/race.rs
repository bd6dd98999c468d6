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
    let barrier = std::sync::Arc::new(rocket::tokio::sync::Barrier::new(ids.len()));
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let addr = servers[i % servers.len()].addr;
        let (token, id, barrier) = (token.to_string(), *id, barrier.clone());
        tasks.push(rocket::tokio::spawn(async move {
            barrier.wait().await;
            let (s, body) = http(
                addr,
                "POST",
                &format!("/api/v1/meetings/{id}/approve"),
                &token,
                "",
            )
            .await;
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
    assert_eq!(
        winners.len(),
        1,
        "exactly one approval wins: {winners:?} {losers:?}"
    );
    (winners[0], losers)
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
    for (s, body) in &losers {
        assert_eq!(*s, 409, "{body}");
        assert_eq!(body["error"], "room_overlap", "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("#{winner}")),
            "names the winner: {body}"
        );
    }
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
    for (s, body) in &losers {
        assert_eq!(*s, 409, "{body}");
        assert_eq!(body["error"], "chair_overlap", "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("#{winner}")),
            "{body}"
        );
    }
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
