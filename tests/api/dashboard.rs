//! The signed-in landing page (việc cần làm): what each role has to do, with counts and links,
//! and never another agency's requests for a clerk.

use crate::helpers::*;
use chrono::{Datelike, Duration};
use lichhop::domain::clock;
use rocket::http::{Method, Status};
use serde_json::json;

/// The dashboard section (`<section …>…</section>`) whose heading is `heading`.
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    page.split("<section")
        .find(|s| s.contains(&format!(">{heading} <span class=\"count\">")))
        .unwrap_or_else(|| panic!("no section {heading:?} in {page}"))
}

fn count(section: &str) -> usize {
    let at = section.find("<span class=\"count\">").unwrap() + "<span class=\"count\">".len();
    section[at..].split('<').next().unwrap().parse().unwrap()
}

async fn signed_in<'a>(app: &'a TestApp, who: &Principal) -> Browser<'a> {
    let mut b = Browser::new(app);
    let signed = b.sign_in(&who.account.username, PRINCIPAL_PASSWORD).await;
    assert_eq!(
        signed.location.as_deref(),
        Some("/viec-can-lam"),
        "lands on the dashboard"
    );
    b
}

struct Requests {
    draft: i64,
    returned: i64,
    urgent: i64,
    /// Colliding with an approved meeting (same room, same time).
    colliding: i64,
}

async fn requests(app: &TestApp, o: &Office) -> Requests {
    let draft_body = json!({"title": "Bản nháp họp giao ban quý", "starts_at": "2027-04-05T08:00",
                            "ends_at": "2027-04-05T09:00"});
    let (s, _, draft) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&draft_body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{draft}");
    let returned = app
        .submitted(
            &o.clerk_a,
            json!({"title": "Họp thiếu hồ sơ cần bổ sung", "starts_at": "2027-04-06T08:00",
               "ends_at": "2027-04-06T09:00"}),
        )
        .await;
    let (s, _, m) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{returned}/return"),
            Some(&o.staff),
            Some(&json!({"reason": "Bổ sung danh sách thành phần"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{m}");
    // A regular meeting tomorrow: sent after its deadline (two working days before), without
    // documents.
    let day = clock::office_date(clock::now()) + Duration::days(1);
    let urgent = app.submitted(&o.clerk_a,
        json!({"title": "Họp gấp về phòng chống lụt bão", "kind": "hop", "location": "Hội trường tỉnh",
               "starts_at": format!("{day}T08:00"), "ends_at": format!("{day}T09:00")}),
    )
    .await;
    let firm = app
        .submitted(
            &o.clerk_a,
            json!({"title": "Hội nghị tổng kết công tác tài chính", "room_id": o.rooms[1],
               "starts_at": "2027-04-07T08:00", "ends_at": "2027-04-07T10:00"}),
        )
        .await;
    app.approve(&o.approver, firm).await;
    let colliding = app
        .submitted(
            &o.clerk_b,
            json!({"title": "Họp triển khai tiêm chủng mở rộng", "room_id": o.rooms[1],
               "starts_at": "2027-04-07T09:00", "ends_at": "2027-04-07T10:30"}),
        )
        .await;
    let (s, _, m) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{colliding}/review"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{m}");
    Requests {
        draft: draft["id"].as_i64().unwrap(),
        returned,
        urgent,
        colliding,
    }
}

#[rocket::async_test]
async fn a_clerk_sees_its_own_agencys_work_and_nothing_of_another() {
    let app = spawn_app().await;
    let o = app.office().await;
    let r = requests(&app, &o).await;
    let mut a = signed_in(&app, &o.clerk_a).await;
    let page = a.get("/viec-can-lam").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("Việc cần làm"));
    let drafts = section(&page.body, "Bản nháp chưa gửi");
    assert!(drafts.contains(&format!(r#"href="/cuoc-hop/{}""#, r.draft)));
    assert!(drafts.contains("Bản nháp họp giao ban quý"));
    let returned = section(&page.body, "Bị trả lại để bổ sung");
    assert!(returned.contains("Họp thiếu hồ sơ cần bổ sung"));
    assert!(returned.contains(&format!("/cuoc-hop/{}", r.returned)));
    let pending = section(&page.body, "Đang chờ duyệt");
    assert!(pending.contains("Họp gấp về phòng chống lụt bão"));
    let documents = section(&page.body, "Thiếu hoặc chậm tài liệu họp");
    assert!(documents.contains(&format!("/cuoc-hop/{}", r.urgent)));
    assert!(documents.contains("Chưa có tài liệu họp"));
    // Nothing of agency B's.
    assert!(!page.body.contains("Họp triển khai tiêm chủng mở rộng"));
    assert!(!page.body.contains(&format!("/cuoc-hop/{}\"", r.colliding)));

    let mut b = signed_in(&app, &o.clerk_b).await;
    let page = b.get("/viec-can-lam").await;
    assert_eq!(page.status, Status::Ok);
    for title in [
        "Bản nháp họp giao ban quý",
        "Họp thiếu hồ sơ cần bổ sung",
        "Họp gấp về phòng chống lụt bão",
        "Hội nghị tổng kết công tác tài chính",
    ] {
        assert!(!page.body.contains(title), "{title}");
    }
    assert!(section(&page.body, "Đang chờ duyệt").contains("Họp triển khai tiêm chủng mở rộng"));
    // The menu leads to the room calendar, not to the leaders'.
    assert!(page.body.contains(r#"href="/lich-phong""#));
    assert!(!page.body.contains(r#"href="/lich-lanh-dao""#));
}

#[rocket::async_test]
async fn a_clerk_sees_this_weeks_approved_meetings_still_to_come() {
    let app = spawn_app().await;
    let o = app.office().await;
    let now = clock::now();
    let today = clock::office_date(now);
    let sunday = today + Duration::days(i64::from(7 - today.weekday().number_from_monday()));
    let approved_on = |day: chrono::NaiveDate, title: &'static str| {
        let (app, o) = (&app, &o);
        async move {
            let id = app
                .submitted(
                    &o.clerk_a,
                    json!({"title": title, "kind": "tiep_khach", "location": "Nhà khách tỉnh",
                       "starts_at": format!("{day}T21:00"), "ends_at": format!("{day}T22:00")}),
                )
                .await;
            app.approve(&o.approver, id).await;
        }
    };
    // Sunday evening of this week is still to come, unless the test runs later than that.
    let start =
        clock::local_to_utc(clock::OFFICE_TZ, sunday.and_hms_opt(21, 0, 0).unwrap()).unwrap();
    let still_to_come = start > now + Duration::minutes(5);
    if still_to_come {
        approved_on(sunday, "Tiếp đoàn công tác cuối tuần").await;
    }
    // Next week's Monday is not this week's.
    approved_on(sunday + Duration::days(1), "Tiếp đoàn công tác tuần sau").await;
    let mut a = signed_in(&app, &o.clerk_a).await;
    let page = a.get("/viec-can-lam").await;
    let week = section(&page.body, "Đã duyệt, sắp diễn ra trong tuần này");
    assert!(!week.contains("Tiếp đoàn công tác tuần sau"));
    if still_to_come {
        assert!(week.contains("Tiếp đoàn công tác cuối tuần"));
        assert!(week.contains(&format!("21:00 {}", sunday.format("%d/%m/%Y"))));
        assert!(week.contains("Nhà khách tỉnh"));
    }
}

#[rocket::async_test]
async fn office_staff_see_what_to_review_conflicts_lateness_and_documents() {
    let app = spawn_app().await;
    let o = app.office().await;
    let r = requests(&app, &o).await;
    let mut staff = signed_in(&app, &o.staff).await;
    let page = staff.get("/viec-can-lam").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let review = section(&page.body, "Chờ thẩm định");
    assert!(review.contains(&format!("/cuoc-hop/{}", r.urgent)));
    assert!(
        !review.contains("Bản nháp họp giao ban quý"),
        "drafts are the agency's"
    );
    assert!(count(review) >= 1);
    let conflicts = section(&page.body, "Đăng ký chờ xử lý bị trùng lịch");
    assert!(conflicts.contains("Họp triển khai tiêm chủng mở rộng"));
    assert!(conflicts.contains("Trùng phòng họp với cuộc họp"));
    let late = section(&page.body, "Đăng ký muộn");
    assert!(
        late.contains("Họp gấp về phòng chống lụt bão")
            && (late.contains("hạn chót") || late.contains("sau giờ chốt đăng ký lịch tuần")),
        "{late}"
    );
    let documents = section(&page.body, "Thiếu tài liệu họp trong 5 ngày làm việc tới");
    assert!(documents.contains("Họp gấp về phòng chống lụt bão"));
    section(&page.body, "Cuộc họp hôm nay");
    assert!(
        page.body.contains(r#"href="/lich-lanh-dao""#),
        "the office's menu"
    );
}

#[rocket::async_test]
async fn an_approver_sees_decisions_collisions_and_the_publication_of_the_weeks() {
    let app = spawn_app().await;
    let o = app.office().await;
    let r = requests(&app, &o).await;
    let next_week = clock::week_start(clock::office_date(clock::now())) + Duration::days(7);
    let (s, _, p) = app
        .call(
            Method::Post,
            &format!("/api/v1/schedule/{next_week}/publish"),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert!(s.code < 300, "{s} {p}");
    let mut approver = signed_in(&app, &o.approver).await;
    let page = approver.get("/viec-can-lam").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let decide = section(&page.body, "Đã thẩm định, chờ quyết định");
    assert!(decide.contains(&format!("/cuoc-hop/{}", r.colliding)));
    assert!(
        !decide.contains("Họp gấp về phòng chống lụt bão"),
        "not reviewed yet"
    );
    let collisions = section(&page.body, "Trùng với cuộc họp đã duyệt");
    assert!(collisions.contains("Họp triển khai tiêm chủng mở rộng"));
    assert!(collisions.contains("Hội nghị tổng kết công tác tài chính"));
    let this_week = page
        .body
        .split("<tr")
        .find(|r| r.contains("Tuần này"))
        .unwrap();
    assert!(this_week.contains("Chưa phát hành"));
    let next = page
        .body
        .split("<tr")
        .find(|r| r.contains("Tuần sau"))
        .unwrap();
    assert!(
        next.contains("Đã phát hành") && next.contains("<td>0</td>"),
        "{next}"
    );
    // The week's link opens the published schedule.
    let link = format!("/lich-cong-tac?tuan={next_week}");
    assert!(next.contains(&format!("href=\"{link}\"")), "{next}");
    assert_eq!(approver.get(&link).await.status, Status::Ok);
    // The approver may decide before the review: pending requests are listed too.
    let pending = section(&page.body, "Chờ thẩm định");
    assert!(pending.contains(&format!("/cuoc-hop/{}", r.urgent)));
}

#[rocket::async_test]
async fn the_admin_sees_failed_sign_ins_and_what_the_system_holds() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut stranger = Browser::new(&app);
    stranger.get("/dang-nhap").await;
    let refused = stranger
        .post(
            "/dang-nhap",
            &[("username", "t.clerk.a"), ("password", "doan-sai-mat-khau")],
        )
        .await;
    assert_eq!(refused.status, Status::Unauthorized);
    let mut admin = signed_in(&app, &o.admin).await;
    let page = admin.get("/viec-can-lam").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let failures = section(&page.body, "Đăng nhập sai (24 giờ qua)");
    assert!(failures.contains("t.clerk.a"));
    assert_eq!(count(failures), 1);
    let rooms = page
        .body
        .split("<div><dt>")
        .find(|f| f.starts_with("Phòng họp</dt>"))
        .unwrap();
    assert!(
        rooms.contains(&format!("<dd>{}</dd>", o.rooms.len())),
        "{rooms}"
    );
    section(&page.body, "Tài khoản bị khóa tạm (24 giờ qua)");
    // English through the switch.
    admin.get("/ngon-ngu/en?next=%2Fviec-can-lam").await;
    let en = admin.get("/viec-can-lam").await;
    assert!(en.body.contains("Failed sign-ins (last 24 hours)"));
}

/// The dashboard's row of next week's publication.
async fn next_week_row(approver: &mut Browser<'_>) -> String {
    let page = approver.get("/viec-can-lam").await;
    page.body
        .split("<tr")
        .find(|r| r.contains("Tuần sau"))
        .unwrap()
        .to_string()
}

#[rocket::async_test]
async fn the_approver_previews_the_differences_and_publishes_from_the_dashboard() {
    let app = spawn_app().await;
    let o = app.office().await;
    let next_week = clock::week_start(clock::office_date(clock::now())) + Duration::days(7);
    let at = |h: u32| format!("{}T{h:02}:00", next_week + Duration::days(1));
    let body = |title: &str, h: u32| {
        json!({"title": title, "chair_id": o.leaders[0], "room_id": o.rooms[1],
        "starts_at": at(h), "ends_at": at(h + 1), "visibility": "public", "submit": true})
    };
    app.approved(&o, &o.clerk_a, &body("Họp giao ban đầu tuần", 8))
        .await;

    let mut approver = signed_in(&app, &o.approver).await;
    let row = next_week_row(&mut approver).await;
    assert!(row.contains("Chưa phát hành"), "{row}");
    let preview_link = format!("/lich-cong-tac?tuan={next_week}&amp;xem-truoc=1");
    assert!(
        row.contains(&preview_link) && row.contains("Xem trước và phát hành lịch tuần"),
        "{row}"
    );
    let preview = approver.get(&preview_link.replace("&amp;", "&")).await;
    assert!(
        preview.body.contains("Bản xem trước") && preview.body.contains("Họp giao ban đầu tuần")
    );
    assert!(preview.body.contains("Phát hành lịch tuần</button>"));
    let done = approver
        .post(
            "/lich-cong-tac/phat-hanh",
            &[
                ("tuan", &next_week.to_string()),
                ("note", "Phát hành theo NĐ 138"),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);

    // A second meeting: the dashboard counts one unpublished change, the preview marks it.
    app.approved(&o, &o.clerk_a, &body("Tiếp công dân định kỳ", 14))
        .await;
    let row = next_week_row(&mut approver).await;
    assert!(
        row.contains("Đã phát hành") && row.contains("<td>1</td>"),
        "{row}"
    );
    assert!(row.contains("Xem trước và phát hành điều chỉnh"), "{row}");
    let preview = approver.get(&preview_link.replace("&amp;", "&")).await;
    assert!(
        preview
            .body
            .contains("(Mới)</strong> Tiếp công dân định kỳ"),
        "the difference is marked"
    );
    assert!(preview.body.contains("Phát hành điều chỉnh</button>"));
    // The public still sees the first issue, with its note.
    let public = app
        .get(&format!("/lich-cong-tac?tuan={next_week}"))
        .await
        .into_string()
        .await
        .unwrap();
    assert!(public.contains("Phát hành theo NĐ 138") && !public.contains("Tiếp công dân định kỳ"));
    approver
        .post(
            "/lich-cong-tac/phat-hanh",
            &[("tuan", &next_week.to_string()), ("note", "")],
        )
        .await;
    let public = app
        .get(&format!("/lich-cong-tac?tuan={next_week}"))
        .await
        .into_string()
        .await
        .unwrap();
    assert!(public.contains("Điều chỉnh lần 1") && public.contains("Tiếp công dân định kỳ"));
    // The leaders' week offers the same preview to the approver.
    let leaders = approver
        .get(&format!("/lich-lanh-dao?tuan={next_week}"))
        .await;
    assert!(
        leaders.body.contains(&preview_link)
            && leaders.body.contains("Xem trước và phát hành điều chỉnh")
    );
    // Staff may preview but not publish.
    let mut staff = signed_in(&app, &o.staff).await;
    let preview = staff.get(&preview_link.replace("&amp;", "&")).await;
    assert!(preview.body.contains("Bản xem trước"));
    assert!(!preview.body.contains("Phát hành điều chỉnh</button>"));
}
