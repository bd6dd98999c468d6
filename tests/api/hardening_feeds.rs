//! Issue #19 (hardening), feeds and import: a series' refusal names the days that collide; a
//! feed changed within one second never answers 304 to the date it was served under (on one
//! instance or two); an imported invitation is read in its own time zone, and a repeat rule the
//! registration would refuse is not prefilled.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// 7. A series refusal names the occurrence.

fn single(title: &str, day: &str, room: i32, chair: i32) -> Value {
    json!({
        "title": title,
        "chair_id": chair,
        "room_id": room,
        "starts_at": format!("{day}T08:30"),
        "ends_at": format!("{day}T09:30"),
        "visibility": "public",
        "submit": true,
    })
}

async fn approve(app: &TestApp, o: &Office, id: i64, lang: &str) -> (Status, Value) {
    let (s, _, v) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/approve"),
            Some(&o.approver),
            None,
            &[("Accept-Language", lang.to_string())],
        )
        .await;
    (s, v)
}

#[rocket::async_test]
async fn a_series_refused_at_approval_names_the_days_that_collide() {
    let app = spawn_app().await;
    let o = app.office().await;
    // Approved single meetings: one in the series' room on its 7th Monday, one chaired by the
    // series' chair on its 9th.
    let mut ids = vec![];
    for (title, day, room, chair) in [
        ("Họp phòng 5", "2027-07-19", o.rooms[4], o.leaders[3]),
        ("Làm việc với xã", "2027-08-02", o.rooms[5], o.leaders[1]),
    ] {
        let body = single(title, day, room, chair);
        ids.push(app.approved(&o, &o.clerk_b, &body).await);
    }
    let (in_room, same_chair) = (ids[0], ids[1]);
    let series = json!({
        "title": "Giao ban tuần",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[4],
        "starts_at": "2027-06-07T08:00",
        "ends_at": "2027-06-07T09:00",
        "rrule": "FREQ=WEEKLY;COUNT=10",
        "visibility": "public",
        "submit": true,
    });
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&series),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let id = m["id"].as_i64().unwrap();

    let (s, v) = approve(&app, &o, id, "vi").await;
    assert_eq!(s, Status::Conflict, "{v}");
    assert_eq!(v["error"], "room_overlap", "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains(&format!("#{in_room}")), "{message}");
    assert!(message.contains("19/07/2027"), "{message}");
    assert!(
        !message.contains("2027-07-19"),
        "no ISO dates in Vietnamese: {message}"
    );
    assert_eq!(v["dates"], json!(["2027-07-19"]), "{v}");

    // In English too; and once the room is free, the chair's other meeting is named by its day.
    let (s, v) = approve(&app, &o, id, "en").await;
    assert_eq!(s, Status::Conflict, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("collides") && message.contains("19/07/2027"),
        "{message}"
    );
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{in_room}/cancel"),
            Some(&o.approver),
            Some(&json!({"reason": "Đổi kế hoạch"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, v) = approve(&app, &o, id, "vi").await;
    assert_eq!(s, Status::Conflict, "{v}");
    assert_eq!(v["error"], "chair_overlap", "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains(&format!("#{same_chair}")), "{message}");
    assert!(message.contains("02/08/2027"), "{message}");
    assert_eq!(v["dates"], json!(["2027-08-02"]), "{v}");

    // The OpenAPI document describes the field.
    let doc = app.get_json("/api/openapi.json", Status::Ok).await;
    let body = &doc["components"]["schemas"]["ErrorBody"]["properties"];
    assert_eq!(body["dates"]["type"], "array", "{body}");
}
