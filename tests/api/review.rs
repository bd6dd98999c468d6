//! The reviewer has everything in view (#18 item 1, in part): the meeting's page lists every
//! conflict and warning, errors first, each naming the other meeting once with a link; the
//! queue shows per row what the check finds and is sorted by meeting date.

use crate::helpers::*;
use rocket::http::Status;
use serde_json::json;

#[rocket::async_test]
async fn the_office_sees_every_conflict_errors_first_and_the_queue_counts_them() {
    let app = spawn_app().await;
    let o = app.office().await;
    let room = o.rooms[2];
    // Agency B's approved meeting holds the room; a pending one of B's wants it too.
    let held = app
        .approved(&o, &o.clerk_b, &json!({"title": "Họp giao ban Sở Y tế", "room_id": room, "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00", "visibility": "public"}))
        .await;
    let asking = app
        .submitted(&o.clerk_b, json!({"title": "Họp chuẩn bị tiêm chủng", "room_id": room, "starts_at": "2027-03-09T09:15", "ends_at": "2027-03-09T10:00"}))
        .await;
    // Agency A's request: on the held meeting (error) and beside the pending one (warning).
    let ours = app
        .submitted(&o.clerk_a, json!({"title": "Họp rà soát ngân sách", "room_id": room, "starts_at": "2027-03-09T08:30", "ends_at": "2027-03-09T09:30"}))
        .await;
    let later = app
        .submitted(&o.clerk_a, json!({"title": "Họp không trùng", "location": "Sở Tài chính", "starts_at": "2027-03-12T14:00", "ends_at": "2027-03-12T15:00"}))
        .await;

    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get(&format!("/cuoc-hop/{ours}")).await;
    assert_eq!(page.status, Status::Ok);
    let review = page
        .body
        .split("<section class=\"review\"")
        .nth(1)
        .and_then(|r| r.split("</section>").next())
        .unwrap_or_else(|| panic!("the review list: {}", page.body));
    assert!(review.contains("Có 1 lỗi"), "{review}");
    let items: Vec<&str> = review.split("<li class=\"conflict ").skip(1).collect();
    assert!(items.len() >= 2, "{review}");
    assert!(
        items[0].starts_with("conflict-error"),
        "errors first: {review}"
    );
    assert!(items[1..].iter().all(|i| i.starts_with("conflict-warning")));
    let error = items[0];
    assert_eq!(error.matches("Họp giao ban Sở Y tế").count(), 1, "{error}");
    assert!(
        error.contains(&format!("<a href=\"/cuoc-hop/{held}\">")),
        "{error}"
    );
    assert!(
        items
            .iter()
            .any(|i| i.contains(&format!("<a href=\"/cuoc-hop/{asking}\">"))),
        "the pending neighbour is linked: {review}"
    );

    // The agency sees that its request is blocked, not the other agency's meetings.
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let own = clerk.get(&format!("/cuoc-hop/{ours}")).await;
    assert!(!own.body.contains("class=\"review\""));
    assert!(!own.body.contains("Họp giao ban Sở Y tế"));

    // The queue: soonest meeting first, each row with its counts.
    let queue = staff.get("/hang-doi").await;
    let row_of = |id: i64| {
        let at = queue
            .body
            .find(&format!("<a href=\"/cuoc-hop/{id}\">"))
            .unwrap_or_else(|| panic!("{id} in the queue"));
        let start = queue.body[..at].rfind("<tr>").unwrap();
        (start, queue.body[start..at].to_string())
    };
    let (at_ours, row) = row_of(ours);
    assert!(row.contains("<td>1 lỗi"), "{row}");
    assert!(row.contains("lưu ý</td>"), "{row}");
    let (at_later, row) = row_of(later);
    assert!(!row.contains("lỗi"), "no error, and no \"0 lỗi\": {row}");
    let (at_asking, _) = row_of(asking);
    assert!(
        at_ours < at_asking && at_asking < at_later,
        "by meeting date"
    );
}

#[rocket::async_test]
async fn approve_shows_before_the_click_the_pending_requests_it_will_flag() {
    let app = spawn_app().await;
    let o = app.office().await;
    let room = o.rooms[3];
    let ours = app
        .submitted(&o.clerk_a, json!({"title": "Họp rà soát ngân sách", "room_id": room, "starts_at": "2027-03-10T08:00", "ends_at": "2027-03-10T09:00"}))
        .await;
    let theirs = app
        .submitted(&o.clerk_b, json!({"title": "Họp chuẩn bị tiêm chủng", "room_id": room, "starts_at": "2027-03-10T08:30", "ends_at": "2027-03-10T09:30"}))
        .await;
    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get(&format!("/cuoc-hop/{ours}")).await;
    let approve = page
        .body
        .split(&format!("action=\"/cuoc-hop/{ours}/duyet\""))
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .unwrap_or_else(|| panic!("the approve form: {}", page.body));
    assert!(approve.contains("sẽ đánh dấu trùng lịch"), "{approve}");
    assert!(
        approve.contains(&format!(
            "<a href=\"/cuoc-hop/{theirs}\">#{theirs} «Họp chuẩn bị tiêm chủng»</a> — trùng phòng họp, 10/03/2027"
        )),
        "{approve}"
    );
    // Staff, who do not approve, are not shown it.
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get(&format!("/cuoc-hop/{ours}")).await;
    assert!(!page.body.contains("sẽ đánh dấu trùng lịch"));
}
