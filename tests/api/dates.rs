//! Dates and reasons: an agency registers meetings to come, and withdrawing an approved
//! meeting says why.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

fn at(o: &Office, starts: chrono::DateTime<chrono::Utc>) -> Value {
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&lichhop::domain::clock::OFFICE_TZ)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    json!({
        "title": "Họp rà soát tiến độ giải ngân",
        "kind": "hop",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[3],
        "starts_at": local(starts),
        "ends_at": local(starts + chrono::Duration::hours(1)),
        "visibility": "public",
        "expected_attendance": 10,
        "attendees": [{"agency_id": o.agency_b, "role": "required"}],
    })
}

#[rocket::async_test]
async fn an_agency_cannot_register_a_meeting_that_starts_in_the_past_but_the_office_can() {
    let app = spawn_app().await;
    let o = app.office().await;
    let yesterday = lichhop::domain::clock::now() - chrono::Duration::days(1);
    let field = app
        .refused_field(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a.token),
            &at(&o, yesterday),
        )
        .await;
    assert_eq!(field, "starts_at");
    let mut body = at(&o, yesterday);
    body["requesting_agency_id"] = json!(o.agency_a);
    // The office records a meeting already held only with a reason.
    let field = app
        .refused_field(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.staff.token),
            &body,
        )
        .await;
    assert_eq!(field, "past_reason");
    body["past_reason"] = json!("Họp đột xuất theo chỉ đạo, ghi nhận sau");
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.staff),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "the office records a meeting held: {m}");
    let (_, _, history) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{}/events", m["id"]),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert!(
        history
            .to_string()
            .contains("Họp đột xuất theo chỉ đạo, ghi nhận sau"),
        "the reason is in the history: {history}"
    );
    // A meeting to come needs none.
    let mut later = at(
        &o,
        lichhop::domain::clock::now() + chrono::Duration::days(9),
    );
    later["requesting_agency_id"] = json!(o.agency_a);
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.staff),
            Some(&later),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
}

#[rocket::async_test]
async fn withdrawing_an_approved_meeting_needs_a_reason() {
    let app = spawn_app().await;
    let o = app.office().await;
    let soon = lichhop::domain::clock::now() + chrono::Duration::days(30);
    let id = app.approved(&o, &o.clerk_a, &at(&o, soon)).await;
    let (s, v) = app.act(&o.clerk_a, id, "withdraw", json!({})).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("reason")),
        "{v}"
    );
    let (s, v) = app
        .act(
            &o.clerk_a,
            id,
            "withdraw",
            json!({"reason": "Lãnh đạo bận việc đột xuất"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["meeting"]["status"], "withdrawn");
    assert_eq!(v["meeting"]["decision_note"], "Lãnh đạo bận việc đột xuất");

    // A request not yet approved is withdrawn without one, as before.
    let pending = app
        .submitted(&o.clerk_a, at(&o, soon + chrono::Duration::days(1)))
        .await;
    let (s, v) = app.act(&o.clerk_a, pending, "withdraw", json!({})).await;
    assert_eq!(s, Status::Ok, "{v}");
}

/// The request form asks the office (only) for the reason of recording a past meeting.
#[rocket::async_test]
async fn the_office_form_has_the_past_reason_field_and_the_agency_form_not() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get("/dang-ky/moi").await;
    assert!(page.body.contains("name=\"past_reason\""), "{}", page.body);
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get("/dang-ky/moi").await;
    assert_eq!(page.status, Status::Ok);
    assert!(!page.body.contains("past_reason"));
}
