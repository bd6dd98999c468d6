//! The approval workflow as agencies and the office live it, over the real API.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

fn request(o: &Office, day: u32, hour: u32, room: Option<usize>) -> Value {
    json!({
        "title": "Họp bàn kế hoạch giải ngân vốn đầu tư công năm 2027",
        "agenda": "1. Báo cáo tiến độ\n2. Kiến nghị, đề xuất",
        "kind": "hop",
        "chair_id": o.leaders[1],
        "room_id": room.map(|i| o.rooms[i]),
        "starts_at": format!("2027-03-{day:02}T{hour:02}:00"),
        "ends_at": format!("2027-03-{day:02}T{:02}:30", hour + 1),
        "visibility": "public",
        "expected_attendance": 20,
        "attendees": [{"agency_id": o.agency_b, "role": "required"}],
        "equipment": ["projector"],
    })
}

#[rocket::async_test]
async fn a_request_goes_from_draft_to_approved_with_its_whole_history() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (id, etag) = app.create(&o.clerk_a, &request(&o, 2, 8, None)).await;
    assert_eq!(etag, "\"1\"");
    let (s, m) = app.act(&o.clerk_a, id, "submit", json!({})).await;
    assert_eq!(s, Status::Ok, "{m}");
    assert_eq!(m["meeting"]["status"], "pending");

    // Staff return it; a return without a reason is refused, naming the field.
    let (s, e) = app.act(&o.staff, id, "return", json!({})).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("reason"))
    );
    let (s, m) = app
        .act(
            &o.staff,
            id,
            "return",
            json!({"reason": "Bổ sung thành phần mời dự"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(m["meeting"]["status"], "returned");
    assert_eq!(m["meeting"]["decision_note"], "Bổ sung thành phần mời dự");

    // The clerk edits (If-Match required, stale refused) and resubmits.
    let (_, etag, _) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    let mut edited = request(&o, 2, 9, None);
    edited["attendees"] =
        json!([{"agency_id": o.agency_b}, {"person_id": o.leaders[2], "role": "optional"}]);
    let path = format!("/api/v1/meetings/{id}");
    let (s, _, e) = app
        .call(Method::Patch, &path, Some(&o.clerk_a), Some(&edited), &[])
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (Status::PreconditionRequired, Some("if_match_required"))
    );
    let (s, _, e) = app
        .call(
            Method::Patch,
            &path,
            Some(&o.clerk_a),
            Some(&edited),
            &[("If-Match", "\"1\"".into())],
        )
        .await;
    assert_eq!(
        (s, e["error"].as_str()),
        (Status::PreconditionFailed, Some("stale_version"))
    );
    edited["submit"] = json!(true);
    let (s, new_etag, m) = app
        .call(
            Method::Patch,
            &path,
            Some(&o.clerk_a),
            Some(&edited),
            &[("If-Match", etag.unwrap())],
        )
        .await;
    assert_eq!(s, Status::Ok, "{m}");
    assert_eq!(m["status"], "pending");
    assert_ne!(new_etag.as_deref(), Some("\"1\""));

    // Staff review with a proposed room; the approver approves.
    let (s, m) = app
        .act(&o.staff, id, "review", json!({"room_id": o.rooms[2]}))
        .await;
    assert_eq!(
        (s, m["meeting"]["status"].as_str()),
        (Status::Ok, Some("reviewed"))
    );
    let (s, m) = app.act(&o.approver, id, "approve", json!({})).await;
    assert_eq!(s, Status::Ok, "{m}");
    assert_eq!(m["meeting"]["status"], "approved");
    assert_eq!(m["meeting"]["room_id"], o.rooms[2]);
    assert!(m["meeting"]["sequence"].as_i64().unwrap() >= 1);

    let (_, _, occ) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(occ.as_array().unwrap().len(), 1);
    assert_eq!(occ[0]["status"], "approved");
    assert_eq!(occ[0]["room_id"], o.rooms[2]);

    let (_, _, ev) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/events"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    let actions: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["create", "submit", "return", "edit", "submit", "review", "approve"]
    );
    assert_eq!(ev[2]["note"], "Bổ sung thành phần mời dự");

    // An illegal transition is a 409 naming it.
    let (s, e) = app.act(&o.approver, id, "approve", json!({})).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (Status::Conflict, Some("illegal_transition"))
    );
}

#[rocket::async_test]
async fn agencies_see_only_their_own_requests_and_only_the_office_decides() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (id, _) = app.create(&o.clerk_a, &request(&o, 3, 8, Some(1))).await;
    let path = format!("/api/v1/meetings/{id}");
    let (s, _, _) = app
        .call(Method::Get, &path, Some(&o.clerk_b), None, &[])
        .await;
    assert_eq!(
        s,
        Status::NotFound,
        "another agency's draft does not exist for B"
    );
    let (_, _, list) = app
        .call(
            Method::Get,
            "/api/v1/meetings?per_page=200",
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["requesting_agency_id"] == o.agency_b));
    let (s, _, _) = app.call(Method::Get, &path, None, None, &[]).await;
    assert_eq!(s, Status::Unauthorized);
    app.act(&o.clerk_a, id, "submit", json!({})).await;
    let (s, _) = app.act(&o.clerk_a, id, "approve", json!({})).await;
    assert_eq!(s, Status::Forbidden);
    let (s, _) = app.act(&o.staff, id, "approve", json!({})).await;
    assert_eq!(s, Status::Forbidden, "staff review; approvers approve");
    let (s, _) = app.act(&o.clerk_b, id, "withdraw", json!({})).await;
    assert_eq!(s, Status::NotFound);
    let (s, m) = app.act(&o.clerk_a, id, "withdraw", json!({})).await;
    assert_eq!(
        (s, m["meeting"]["status"].as_str()),
        (Status::Ok, Some("withdrawn"))
    );
}

#[rocket::async_test]
async fn bad_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (_, _, before) = app
        .call(Method::Get, "/api/v1/meetings", Some(&o.admin), None, &[])
        .await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"ends_at": "2027-03-02T07:00"}), "ends_at"),
        (json!({"ends_at": "2027-03-02T08:02"}), "ends_at"),
        (json!({"ends_at": "2027-05-02T08:00"}), "ends_at"),
        (json!({"starts_at": "ngày mai"}), "starts_at"),
        (
            json!({"starts_at": "2427-03-02T08:00", "ends_at": "2427-03-02T09:00"}),
            "starts_at",
        ),
        (json!({"time_zone": "Asia/Hà_Nội"}), "time_zone"),
        (json!({"rrule": "FREQ=WEEKLY"}), "rrule"),
        (json!({"rrule": "FREQ=DAILY;COUNT=100000"}), "rrule"),
        (json!({"title": "x".repeat(501)}), "title"),
        (json!({"title": "   "}), "title"),
        (json!({"chair_id": 999_999}), "chair_id"),
        (json!({"room_id": 999_999}), "room_id"),
        (
            json!({"attendees": [{"person_id": 999_999}]}),
            "attendees[0].person_id",
        ),
        (json!({"attendees": [{}]}), "attendees[0]"),
        (
            json!({"expected_attendance": "hai mươi"}),
            "expected_attendance",
        ),
        (json!({"kind": "tiec"}), "kind"),
        (json!({"equipment": ["may_pha_ca_phe"]}), "equipment[0]"),
        (json!({"online_link": "javascript:alert(1)"}), "online_link"),
        (json!({"khong_co": 1}), "khong_co"),
    ];
    for (patch, field) in cases {
        let mut body = request(&o, 2, 8, None);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, _, e) = app
            .call(
                Method::Post,
                "/api/v1/meetings",
                Some(&o.clerk_a),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{patch} → {e}");
        assert_eq!(e["error"], "validation", "{e}");
        assert!(
            e["field"].as_str().unwrap_or("").starts_with(field),
            "{patch}: field {} ≠ {field}",
            e["field"]
        );
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    let (s, _, e) = app
        .call(
            Method::Get,
            "/api/v1/meetings?page=9223372036854775808",
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("page"))
    );
    let missing = json!({"title": "Thiếu giờ"});
    let (s, _, e) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&missing),
            &[],
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("starts_at"))
    );
    let res = app
        .client
        .post("/api/v1/meetings")
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .header(rocket::http::ContentType::Plain)
        .body("title=x")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::UnsupportedMediaType);
    let res = app
        .client
        .post("/api/v1/meetings")
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .header(rocket::http::ContentType::JSON)
        .body("{\"title\": ")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::BadRequest);
    let huge = format!("{{\"title\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let res = app
        .client
        .post("/api/v1/meetings")
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .header(rocket::http::ContentType::JSON)
        .body(huge)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::PayloadTooLarge);
    let (_, _, after) = app
        .call(Method::Get, "/api/v1/meetings", Some(&o.admin), None, &[])
        .await;
    assert_eq!(before["total"], after["total"], "nothing half-written");
}

#[rocket::async_test]
async fn a_weekly_series_is_expanded_without_its_excluded_dates() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut body = request(&o, 1, 14, Some(3));
    body["rrule"] = json!("FREQ=WEEKLY;COUNT=5");
    body["exdates"] = json!(["2027-03-15"]);
    body["submit"] = json!(true);
    let (id, _) = app.create(&o.clerk_a, &body).await;
    let (s, m) = app.act(&o.approver, id, "approve", json!({})).await;
    assert_eq!(s, Status::Ok, "{m}");
    let (_, _, occ) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    let starts: Vec<&str> = occ
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["starts_at"].as_str().unwrap())
        .collect();
    // 14:00 in Hà Nội is 07:00 UTC; 15/3 is excluded.
    assert_eq!(
        starts,
        [
            "2027-03-01T07:00:00Z",
            "2027-03-08T07:00:00Z",
            "2027-03-22T07:00:00Z",
            "2027-03-29T07:00:00Z"
        ]
    );
    assert!(occ
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["status"] == "approved"));
}

#[rocket::async_test]
async fn approving_flags_colliding_requests_and_the_database_refuses_the_second() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut first = request(&o, 4, 8, Some(1));
    first["submit"] = json!(true);
    let mut second = first.clone();
    second["chair_id"] = json!(o.leaders[3]);
    second["title"] = json!("Họp trùng phòng");
    let (a, _) = app.create(&o.clerk_a, &first).await;
    let (b, _) = app.create(&o.clerk_b, &second).await;

    // Before deciding, the office sees the collision.
    let (_, _, preview) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{a}/approval-preview"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(preview[0]["meeting_id"], b);
    assert_eq!(preview[0]["on"], "room");

    let (s, m) = app.act(&o.approver, a, "approve", json!({})).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(m["collisions"][0]["meeting_id"], b, "{m}");
    let (_, _, ev) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{b}/events"),
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert!(ev
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "conflict_flagged"));

    let (s, e) = app.act(&o.approver, b, "approve", json!({})).await;
    assert_eq!(
        (s, e["error"].as_str()),
        (Status::Conflict, Some("room_overlap"))
    );
    assert!(
        e["message"].as_str().unwrap().contains(&format!("#{a}")),
        "{e}"
    );
    let (_, _, still) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{b}"),
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert_eq!(
        still["status"], "pending",
        "a refused approval changes nothing"
    );

    // Another room works; then cancelling the first frees its room.
    let (s, _) = app.act(&o.approver, a, "cancel", json!({})).await;
    assert_eq!(s, Status::UnprocessableEntity);
    let (s, m) = app
        .act(
            &o.approver,
            a,
            "cancel",
            json!({"reason": "Lãnh đạo đi công tác"}),
        )
        .await;
    assert_eq!(
        (s, m["meeting"]["status"].as_str()),
        (Status::Ok, Some("cancelled"))
    );
    let (s, m) = app.act(&o.approver, b, "approve", json!({})).await;
    assert_eq!(s, Status::Ok, "{m}");
}

#[rocket::async_test]
async fn rescheduling_moves_the_booking_and_bumps_the_sequence() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut body = request(&o, 5, 8, Some(2));
    body["submit"] = json!(true);
    let (id, _) = app.create(&o.clerk_a, &body).await;
    let (_, m) = app.act(&o.approver, id, "approve", json!({})).await;
    let seq = m["meeting"]["sequence"].as_i64().unwrap();
    let (s, m) = app.act(&o.approver, id, "reschedule", json!({"starts_at": "2027-03-05T14:00", "ends_at": "2027-03-05T15:00", "room_id": o.rooms[4], "reason": "Đổi phòng"})).await;
    assert_eq!(s, Status::Ok, "{m}");
    assert!(m["meeting"]["sequence"].as_i64().unwrap() > seq);
    assert_eq!(m["meeting"]["starts_at"], "2027-03-05T07:00:00Z");
    let (_, _, occ) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/occurrences"),
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(occ[0]["room_id"], o.rooms[4]);
    assert_eq!(occ[0]["starts_at"], "2027-03-05T07:00:00Z");
}

#[rocket::async_test]
async fn staff_approve_only_when_the_office_allows_it() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut body = request(&o, 8, 8, Some(4));
    body["submit"] = json!(true);
    let (id, _) = app.create(&o.clerk_a, &body).await;
    let (s, _) = app.act(&o.staff, id, "approve", json!({})).await;
    assert_eq!(s, Status::Forbidden);
    let (_, _, mut settings) = app
        .call(Method::Get, "/api/v1/settings", Some(&o.staff), None, &[])
        .await;
    assert_eq!(settings["staff_may_approve"], false);
    assert_eq!(settings["office_opens"], "07:30:00");
    settings["staff_may_approve"] = json!(true);
    let (s, _, _) = app
        .call(
            Method::Put,
            "/api/v1/settings",
            Some(&o.staff),
            Some(&settings),
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden, "only admins change settings");
    let (s, _, saved) = app
        .call(
            Method::Put,
            "/api/v1/settings",
            Some(&o.admin),
            Some(&settings),
            &[],
        )
        .await;
    assert_eq!(
        (s, saved["staff_may_approve"].as_bool()),
        (Status::Ok, Some(true))
    );
    let (s, m) = app.act(&o.staff, id, "approve", json!({})).await;
    assert_eq!(
        (s, m["meeting"]["status"].as_str()),
        (Status::Ok, Some("approved"))
    );

    let (s, _, e) = app
        .call(
            Method::Put,
            "/api/v1/settings",
            Some(&o.admin),
            Some(&json!({"office_opens": "18:00:00"})),
            &[],
        )
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("office_closes"))
    );
}
