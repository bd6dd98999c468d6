//! The weekly work schedule: public JSON, publication, and adjustments after publication.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::json;

#[rocket::async_test]
async fn the_public_schedule_shows_only_public_approved_meetings_and_counts_adjustments() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut ids = vec![];
    for (i, visibility) in ["public", "internal", "confidential"].iter().enumerate() {
        let body = json!({
            "title": format!("Cuộc họp {visibility}"),
            "chair_id": o.leaders[i],
            "room_id": o.rooms[1 + i],
            "starts_at": "2027-03-01T08:00",
            "ends_at": "2027-03-01T10:00",
            "visibility": visibility,
            "preparing_agency_id": o.agency_a,
            "attendees": [{"agency_id": o.agency_b}],
            "note": "(Giấy mời riêng)",
            "submit": true,
        });
        ids.push(app.approved(&o, &o.clerk_a, &body).await);
    }
    let (s, _, week) = app
        .call(Method::Get, "/api/v1/schedule/2027-03-03", None, None, &[])
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(week["week_start"], "2027-03-01");
    assert_eq!(week["heading"], "Từ ngày 01/03/2027 đến ngày 07/03/2027");
    assert_eq!(week["published"], false);
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    assert_eq!(week["days"][0]["label"], "Thứ Hai 1/3");
    assert_eq!(week["days"][6]["label"], "Chủ nhật 7/3");
    let items = week["days"][0]["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "internal and confidential meetings never reach the public: {items:?}"
    );
    let item = &items[0];
    assert_eq!(item["title"], "Cuộc họp public");
    assert_eq!(item["session"], "Sáng");
    assert_eq!(item["time"], "8h00");
    assert_eq!(item["chair"], "Chủ tịch Nguyễn Văn An");
    assert_eq!(item["location"], "Phòng họp số 1, tầng 2");
    assert_eq!(item["preparing_agency"], "Sở Tài chính");
    assert_eq!(item["attendees"][0], "Sở Y tế");
    assert_eq!(item["note"], "(Giấy mời riêng)");

    // Only approvers publish.
    let (s, _, _) = app
        .call(
            Method::Post,
            "/api/v1/schedule/2027-03-01/publish",
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden);
    let (s, _, _) = app
        .call(
            Method::Post,
            "/api/v1/schedule/2027-03-01/publish",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Unauthorized);
    let (s, _, p) = app
        .call(
            Method::Post,
            "/api/v1/schedule/2027-03-01/publish",
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!((s, p["revision"].as_i64()), (Status::Created, Some(0)));
    let (_, _, week) = app
        .call(Method::Get, "/api/v1/schedule/2027-03-01", None, None, &[])
        .await;
    assert_eq!(
        (
            week["published"].as_bool(),
            week["revision_label"].is_null()
        ),
        (Some(true), true)
    );

    // A change to a published week is an adjustment, counted and timed.
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{}/reschedule", ids[0]),
            Some(&o.approver),
            Some(&json!({"starts_at": "2027-03-02T14:00", "ends_at": "2027-03-02T15:30"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (_, _, week) = app
        .call(Method::Get, "/api/v1/schedule/2027-03-01", None, None, &[])
        .await;
    assert_eq!(week["revision_label"], "Điều chỉnh lần 1");
    assert!(week["last_updated"]
        .as_str()
        .unwrap()
        .starts_with("Cập nhật lần cuối: "));
    assert!(week["days"][0]["items"].as_array().unwrap().is_empty());
    assert_eq!(week["days"][1]["items"][0]["session"], "Chiều");
    assert_eq!(week["days"][1]["items"][0]["time"], "14h00");

    let (s, _, e) = app
        .call(Method::Get, "/api/v1/schedule/tuan-sau", None, None, &[])
        .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("week"))
    );
}
