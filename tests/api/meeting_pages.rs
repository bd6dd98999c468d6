//! The pages of meeting requests: a clerk follows its request, the office decides from the
//! queue and the meeting's page, with the history shown.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::json;

#[rocket::async_test]
async fn the_office_decides_from_the_queue_and_the_meeting_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let body = json!({"title": "Họp rà soát <dự án> trọng điểm", "room_id": o.rooms[2], "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00", "submit": true});
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created);
    let id = m["id"].as_i64().unwrap();

    // Staff see it in the queue and may review or return it, not approve it.
    let mut staff = Browser::new(&app);
    assert_eq!(
        staff
            .sign_in(&o.staff.account.username, PRINCIPAL_PASSWORD)
            .await
            .status,
        Status::SeeOther
    );
    let queue = staff.get("/hang-doi").await;
    assert_eq!(queue.status, Status::Ok);
    assert!(
        queue.body.contains("Họp rà soát &lt;dự án&gt; trọng điểm"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains(&format!("/cuoc-hop/{id}")));
    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains("Chờ duyệt"));
    assert!(page.body.contains(&format!("/cuoc-hop/{id}/tra-lai")));
    assert!(
        !page.body.contains(&format!("/cuoc-hop/{id}/duyet\"")),
        "staff cannot approve by default"
    );
    let refused = staff.post(&format!("/cuoc-hop/{id}/duyet"), &[]).await;
    assert_eq!(refused.status, Status::Forbidden);
    // A return without a reason is refused on the page, in Vietnamese.
    let refused = staff
        .post(&format!("/cuoc-hop/{id}/tra-lai"), &[("reason", "")])
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused.body.contains("Hãy nêu lý do."));

    // The approver approves with a room.
    let mut approver = Browser::new(&app);
    approver
        .sign_in(&o.approver.account.username, PRINCIPAL_PASSWORD)
        .await;
    let room = o.rooms[3].to_string();
    let done = approver
        .post(&format!("/cuoc-hop/{id}/duyet"), &[("room_id", &room)])
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = approver.get(done.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains(&format!("Đã duyệt cuộc họp #{id} «")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Đã duyệt"));
    assert!(page.body.contains("Phòng họp số 3"));
    for step in ["Tạo đăng ký", "Gửi duyệt", "Duyệt"] {
        assert!(page.body.contains(step), "history shows {step}");
    }

    // The clerk of the agency follows it; another agency's clerk does not see it.
    let mut clerk = Browser::new(&app);
    clerk
        .sign_in(&o.clerk_a.account.username, PRINCIPAL_PASSWORD)
        .await;
    let mine = clerk.get("/dang-ky").await;
    assert!(mine.body.contains("Họp rà soát"));
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        page.body.contains(&format!("/cuoc-hop/{id}/rut")),
        "the agency may withdraw"
    );
    let mut other = Browser::new(&app);
    other
        .sign_in(&o.clerk_b.account.username, PRINCIPAL_PASSWORD)
        .await;
    assert_eq!(
        other.get(&format!("/cuoc-hop/{id}")).await.status,
        Status::NotFound
    );
    let theirs = other.get("/dang-ky").await;
    assert_eq!(theirs.status, Status::Ok, "an empty list is a page too");
    assert!(!theirs.body.contains("Họp rà soát"));
    assert_eq!(other.get("/hang-doi").await.status, Status::Forbidden);
    // A decision without the form's CSRF token is refused.
    let forged = other
        .post_raw(&format!("/cuoc-hop/{id}/rut"), "csrf=sai".into())
        .await;
    assert_eq!(forged.status, Status::Forbidden);
}

#[rocket::async_test]
async fn a_clerk_registers_a_meeting_on_the_form_and_fixes_what_was_refused() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = Browser::new(&app);
    clerk
        .sign_in(&o.clerk_a.account.username, PRINCIPAL_PASSWORD)
        .await;
    let form = clerk.get("/dang-ky/moi").await;
    assert_eq!(form.status, Status::Ok);
    for label in [
        "Nội dung",
        "Ngày họp",
        "Giờ bắt đầu",
        "Giờ kết thúc",
        "Phòng họp",
        "Thành phần",
        "Gửi duyệt ngay",
    ] {
        assert!(form.body.contains(label), "label {label}");
    }
    let room = o.rooms[1].to_string();
    let agency_b = o.agency_b.to_string();
    let mut fields = vec![
        ("title", "Họp triển khai kế hoạch chuyển đổi số"),
        ("kind", "hop"),
        ("day", "2027-03-10"),
        ("start", "14:00"),
        ("end", "13:00"),
        ("room_id", room.as_str()),
        ("agencies", agency_b.as_str()),
        ("visibility", "public"),
        ("submit", "true"),
    ];
    let refused = clerk.post("/dang-ky", &fields).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains("Giờ kết thúc phải sau giờ bắt đầu."),
        "the error stands beside the field"
    );
    assert!(
        refused
            .body
            .contains("value=\"Họp triển khai kế hoạch chuyển đổi số\""),
        "what was typed is kept"
    );
    assert!(refused
        .body
        .contains("aria-invalid=\"true\" aria-describedby=\"f-end-error\""));
    fields[4] = ("end", "15:30");
    let done = clerk.post("/dang-ky", &fields).await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let location = done.location.unwrap();
    assert!(location.starts_with("/cuoc-hop/"), "{location}");
    let page = clerk.get(&location).await;
    assert!(page.body.contains("Chờ duyệt"));
    assert!(page.body.contains("14:00 10/03/2027"));
    assert!(page.body.contains("Sở Y tế"));
}
