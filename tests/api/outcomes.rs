//! The pages say what happened: each decision confirms itself by name, destructive ones are
//! asked again first (without JavaScript), lists say "Xem" or "Sửa" as the viewer may, the
//! decision buttons differ, and conflict hints name rooms and meetings once.

use crate::helpers::*;
use rocket::http::Status;
use serde_json::json;

const TITLE: &str = "Họp rà soát tiến độ giải ngân";

fn request(o: &Office, day: &str, room: usize) -> serde_json::Value {
    json!({"title": TITLE, "room_id": o.rooms[room], "starts_at": format!("{day}T08:00"), "ends_at": format!("{day}T09:00")})
}

#[rocket::async_test]
async fn each_decision_says_what_was_done_to_which_request() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .submitted(&o.clerk_a, request(&o, "2027-03-09", 2))
        .await;
    let named = format!("#{id} «{TITLE}»");

    // Staff return it: distinct buttons, and the confirmation names it.
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page
        .body
        .contains("<button type=\"submit\" class=\"return\">"));
    assert!(page
        .body
        .contains("<button type=\"submit\" class=\"primary\">"));
    let returned = staff
        .post(
            &format!("/cuoc-hop/{id}/tra-lai"),
            &[("reason", "Bổ sung tài liệu")],
        )
        .await;
    assert_eq!(returned.status, Status::SeeOther, "{}", returned.body);
    let page = staff.get(returned.location.as_deref().unwrap()).await;
    assert_eq!(
        notice(&page.body),
        format!("Đã trả lại đăng ký {named} để đơn vị bổ sung.")
    );
    assert!(!page.body.contains("Đã thực hiện"));

    // The clerk sends it again; then the approver approves it.
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let sent = clerk.post(&format!("/cuoc-hop/{id}/gui-duyet"), &[]).await;
    let page = clerk.get(sent.location.as_deref().unwrap()).await;
    assert_eq!(notice(&page.body), format!("Đã gửi duyệt đăng ký {named}."));
    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get(&format!("/cuoc-hop/{id}")).await;
    for style in ["approve", "reject", "return"] {
        assert!(
            page.body
                .contains(&format!("<button type=\"submit\" class=\"{style}\">")),
            "{style} has a style of its own"
        );
    }
    let approved = approver.post(&format!("/cuoc-hop/{id}/duyet"), &[]).await;
    assert_eq!(approved.status, Status::SeeOther, "{}", approved.body);
    let page = approver.get(approved.location.as_deref().unwrap()).await;
    assert_eq!(notice(&page.body), format!("Đã duyệt cuộc họp {named}."));
    // In English too.
    approver
        .get(&format!("/ngon-ngu/en?next=/cuoc-hop/{id}"))
        .await;
    let page = approver.get(approved.location.as_deref().unwrap()).await;
    assert_eq!(
        notice(&page.body),
        format!("Meeting #{id} \"{TITLE}\" approved.").replace('"', "&quot;")
    );
}

#[rocket::async_test]
async fn rejecting_and_cancelling_are_asked_again_and_keep_the_reason() {
    let app = spawn_app().await;
    let o = app.office().await;
    let pending = app
        .submitted(&o.clerk_a, request(&o, "2027-03-10", 2))
        .await;
    let mut approver = app.signed_in(&o.approver).await;

    // Without a reason the refusal comes at once, beside the field: nothing to confirm.
    let refused = approver
        .post(&format!("/cuoc-hop/{pending}/tu-choi"), &[("reason", "")])
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(!refused.body.contains("confirm-heading"));
    let too_long = "x".repeat(10_001);
    let refused = approver
        .post(
            &format!("/cuoc-hop/{pending}/tu-choi"),
            &[("reason", too_long.as_str())],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(!refused.body.contains("confirm-heading"));

    // With a reason: a confirmation page, nothing done yet.
    let asked = approver
        .post(
            &format!("/cuoc-hop/{pending}/tu-choi"),
            &[("reason", "Trùng nội dung cuộc họp \"khác\"")],
        )
        .await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    assert!(asked.body.contains(&format!(
        "Từ chối đăng ký #{pending} «{TITLE}»? Đơn vị sẽ phải đăng ký lại từ đầu."
    )));
    assert!(asked
        .body
        .contains("name=\"reason\" value=\"Trùng nội dung cuộc họp &quot;khác&quot;\""));
    assert!(asked
        .body
        .contains(&format!("href=\"/cuoc-hop/{pending}\"")));
    assert!(asked
        .body
        .contains("<button type=\"submit\" class=\"reject\" autofocus>"));
    let still = approver.get(&format!("/cuoc-hop/{pending}")).await;
    assert!(
        still.body.contains("Chờ duyệt"),
        "not rejected before the confirmation"
    );

    // Confirmed: done, with the reason typed first.
    let done = approver
        .post(
            &format!("/cuoc-hop/{pending}/tu-choi"),
            &[
                ("reason", "Trùng nội dung cuộc họp \"khác\""),
                ("confirmed", "true"),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = approver.get(done.location.as_deref().unwrap()).await;
    assert_eq!(
        notice(&page.body),
        format!("Đã từ chối đăng ký #{pending} «{TITLE}».")
    );
    assert!(page
        .body
        .contains("Trùng nội dung cuộc họp &quot;khác&quot;"));

    // Cancelling an approved meeting: the same two steps.
    let approved = app
        .approved(&o, &o.clerk_a, &request(&o, "2027-03-11", 3))
        .await;
    let asked = approver
        .post(
            &format!("/cuoc-hop/{approved}/huy"),
            &[("reason", "Lãnh đạo đi công tác")],
        )
        .await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    assert!(asked.body.contains("class=\"cancel\" autofocus"));
    let done = approver
        .post(
            &format!("/cuoc-hop/{approved}/huy"),
            &[("reason", "Lãnh đạo đi công tác"), ("confirmed", "true")],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = approver.get(done.location.as_deref().unwrap()).await;
    assert_eq!(
        notice(&page.body),
        format!("Đã hủy cuộc họp #{approved} «{TITLE}».")
    );
}

#[rocket::async_test]
async fn lists_say_edit_only_where_editing_is_allowed() {
    let app = spawn_app().await;
    let o = app.office().await;
    let pending = app
        .submitted(&o.clerk_a, request(&o, "2027-03-09", 2))
        .await;
    let approved = app
        .approved(&o, &o.clerk_a, &request(&o, "2027-03-10", 3))
        .await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let list = clerk.get("/dang-ky").await;
    assert_eq!(list.status, Status::Ok);
    for id in [pending, approved] {
        assert!(
            list.body
                .contains(&format!("<a href=\"/cuoc-hop/{id}\">Xem<span")),
            "every row is viewed: {}",
            list.body
        );
    }
    assert!(list
        .body
        .contains(&format!("<a href=\"/cuoc-hop/{pending}/sua\">Sửa<span")));
    assert!(
        !list.body.contains(&format!("/cuoc-hop/{approved}/sua")),
        "an approved meeting is not edited by the agency"
    );
    // The office's queue views; editing an agency's request is not the office's.
    let mut staff = app.signed_in(&o.staff).await;
    let queue = staff.get("/hang-doi").await;
    assert!(queue
        .body
        .contains(&format!("<a href=\"/cuoc-hop/{pending}\">Xem<span")));
    assert!(!queue.body.contains(">Sửa<"));
}

#[rocket::async_test]
async fn hints_count_only_what_there_is_and_name_each_meeting_once() {
    let app = spawn_app().await;
    let o = app.office().await;
    // A pending request in room 6 ("Phòng khách quốc tế"): a second one there is only a warning.
    let first = app
        .submitted(&o.clerk_a, request(&o, "2027-03-09", 5))
        .await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let room = o.rooms[5].to_string();
    let page = clerk
        .post(
            "/dang-ky",
            &[
                ("step", "check"),
                ("title", "Họp thứ hai"),
                ("day", "2027-03-09"),
                ("start", "08:30"),
                ("end", "09:30"),
                ("room_id", room.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(
        page.body.contains("Có 1 lưu ý (không cản trở việc duyệt)."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Có 0 lỗi"));
    let hint = page
        .body
        .split("<li class=\"conflict conflict-warning\">")
        .nth(1)
        .and_then(|h| h.split("</li>").next())
        .expect("the warning");
    assert_eq!(hint.matches(TITLE).count(), 1, "named once: {hint}");
    assert_eq!(hint.matches(&format!("#{first}")).count(), 1, "{hint}");
    assert!(hint.contains("Phòng khách quốc tế"), "{hint}");
    assert!(!hint.to_lowercase().contains("phòng phòng"), "{hint}");
    assert!(!hint.to_lowercase().contains("phòng họp phòng"), "{hint}");
}
