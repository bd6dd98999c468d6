//! Recurring meetings: one occurrence changed, the whole series edited, "this and following".

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

async fn occurrences(app: &TestApp, who: &Principal, id: i64) -> Vec<Value> {
    let (s, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(who),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    v.as_array().unwrap().clone()
}

fn starts(occ: &[Value]) -> Vec<(String, String)> {
    occ.iter()
        .map(|o| {
            (
                o["starts_at"].as_str().unwrap().to_string(),
                o["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn series(o: &Office) -> Value {
    json!({
        "title": "Giao ban công tác cải cách hành chính",
        "chair_id": o.leaders[2],
        "room_id": o.rooms[3],
        "starts_at": "2027-03-01T08:00",
        "ends_at": "2027-03-01T09:00",
        "rrule": "FREQ=WEEKLY;COUNT=6",
        "exdates": ["2027-03-15"],
        "visibility": "public",
        "submit": true,
    })
}

#[rocket::async_test]
async fn one_occurrence_is_cancelled_or_moved_and_the_series_can_be_split() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&series(&o)),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let id = m["id"].as_i64().unwrap();
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/approve"),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);

    // Cancel 8/3 (a reason is required); the room is free again at that time.
    let path = format!("/api/v1/meetings/{id}/occurrences/2027-03-08/cancel");
    let (s, _, e) = app
        .call(Method::Post, &path, Some(&o.approver), None, &[])
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("reason"))
    );
    let (s, _, c) = app
        .call(
            Method::Post,
            &path,
            Some(&o.approver),
            Some(&json!({"reason": "Trùng lịch tiếp dân"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{c}");
    assert_eq!(
        (c["status"].as_str(), c["is_override"].as_bool()),
        (Some("cancelled"), Some(true))
    );
    let (s, _, _) = app
        .call(
            Method::Post,
            &path,
            Some(&o.clerk_a),
            Some(&json!({"reason": "x"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden);
    let other = json!({"title": "Dùng phòng trống", "room_id": o.rooms[3], "starts_at": "2027-03-08T08:00", "ends_at": "2027-03-08T09:00", "submit": true});
    let (_, _, m2) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_b),
            Some(&other),
            &[],
        )
        .await;
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{}/approve", m2["id"]),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "a cancelled occurrence frees its room");

    // Move 22/3 to the afternoon; an unknown date is a 404; a clash is refused by the database.
    let (s, _, r) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/occurrences/2027-03-22/reschedule"),
            Some(&o.approver),
            Some(&json!({"starts_at": "2027-03-22T14:00", "ends_at": "2027-03-22T15:00"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/occurrences/2027-03-23/reschedule"),
            Some(&o.approver),
            Some(&json!({"starts_at": "2027-03-23T14:00"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::NotFound);
    let (s, _, e) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/occurrences/2027-03-29/reschedule"),
            Some(&o.approver),
            Some(&json!({"starts_at": "2027-03-08T08:00", "ends_at": "2027-03-08T08:30"})),
            &[],
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (Status::Conflict, Some("room_overlap")),
        "{e}"
    );
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains(&format!("#{}", m2["id"])));

    assert_eq!(
        starts(&occurrences(&app, &o.clerk_a, id).await),
        [
            ("2027-03-01T01:00:00Z".into(), "approved".into()),
            ("2027-03-08T01:00:00Z".into(), "cancelled".into()),
            ("2027-03-22T07:00:00Z".into(), "approved".into()),
            ("2027-03-29T01:00:00Z".into(), "approved".into()),
            ("2027-04-05T01:00:00Z".into(), "approved".into()),
        ]
    );

    // "This and following" from 22/3: the tail keeps the moved occurrence; the head keeps the rest.
    let (s, _, tail) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/split"),
            Some(&o.clerk_a),
            Some(&json!({"from": "2027-03-22"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{tail}");
    let tail_id = tail["id"].as_i64().unwrap();
    assert_ne!(tail["uid"], m["uid"]);
    assert_eq!(tail["status"], "approved");
    assert_eq!(
        starts(&occurrences(&app, &o.clerk_a, tail_id).await),
        [
            ("2027-03-22T07:00:00Z".into(), "approved".into()),
            ("2027-03-29T01:00:00Z".into(), "approved".into()),
            ("2027-04-05T01:00:00Z".into(), "approved".into()),
        ]
    );
    assert_eq!(
        starts(&occurrences(&app, &o.clerk_a, id).await),
        [
            ("2027-03-01T01:00:00Z".into(), "approved".into()),
            ("2027-03-08T01:00:00Z".into(), "cancelled".into())
        ]
    );
    let (s, _, e) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/split"),
            Some(&o.clerk_a),
            Some(&json!({"from": "2027-03-01"})),
            &[],
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("from"))
    );
}

#[rocket::async_test]
async fn editing_the_whole_series_keeps_exclusions_and_single_changes() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (_, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&series(&o)),
            &[],
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/occurrences/2027-03-08/reschedule"),
            Some(&o.approver),
            Some(&json!({"starts_at": "2027-03-09T10:00", "ends_at": "2027-03-09T11:00"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (_, etag, _) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    let mut body = series(&o);
    body["starts_at"] = json!("2027-03-01T09:00");
    body["ends_at"] = json!("2027-03-01T10:30");
    let (s, _, m) = app
        .call(
            Method::Patch,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.clerk_a),
            Some(&body),
            &[("If-Match", etag.unwrap())],
        )
        .await;
    assert_eq!(s, Status::Ok, "{m}");
    let occ = occurrences(&app, &o.clerk_a, id).await;
    let got: Vec<(&str, &str)> = occ
        .iter()
        .map(|x| {
            (
                x["starts_at"].as_str().unwrap(),
                x["ends_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2027-03-01T02:00:00Z", "2027-03-01T03:30:00Z"),
            ("2027-03-09T03:00:00Z", "2027-03-09T04:00:00Z"),
            ("2027-03-22T02:00:00Z", "2027-03-22T03:30:00Z"),
            ("2027-03-29T02:00:00Z", "2027-03-29T03:30:00Z"),
            ("2027-04-05T02:00:00Z", "2027-04-05T03:30:00Z"),
        ],
        "15/3 stays excluded, the moved 8/3 keeps its own time"
    );
    assert_eq!(
        occ[1]["recurrence_id"], "2027-03-08T02:00:00Z",
        "RECURRENCE-ID follows the series' new time"
    );
}
