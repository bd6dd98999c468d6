//! The office's calendar pages: the week by room, the day timeline of rooms, the week by leader.
//! What each role sees, agency scope (another agency's meetings, confidential or not, only as
//! "Bận"), closures, navigation, bad week and day values.

use crate::helpers::*;
use lichhop::domain::closures::{self, ClosureInput};
use lichhop::domain::persons;
use rocket::http::Status;
use serde_json::json;

/// The table row (`<tr>…</tr>`) of a page holding `needle`.
fn row_with<'a>(page: &'a str, needle: &str) -> &'a str {
    page.split("<tr")
        .find(|r| r.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?}"))
}

struct Week {
    approved: i64,
    pending: i64,
    confidential_b: i64,
    confidential_a: i64,
    chair: String,
    attendee: String,
}

/// The week of Monday 1 March 2027 (2027-W09), far from the demo's meetings.
async fn week_of_meetings(app: &TestApp, o: &Office) -> Week {
    let approved = app.submitted(&o.clerk_a,
        json!({"title": "Họp bàn kế hoạch ngân sách 2027", "chair_id": o.leaders[0],
               "room_id": o.rooms[1], "starts_at": "2027-03-02T08:00", "ends_at": "2027-03-02T09:30",
               "visibility": "public",
               "attendees": [{"person_id": o.leaders[1], "role": "required"}]}),
    )
    .await;
    app.approve(&o.approver, approved).await;
    let pending = app.submitted(&o.clerk_a,
        json!({"title": "Họp rà soát hồ sơ đầu tư công", "chair_id": o.leaders[0],
               "room_id": o.rooms[1], "starts_at": "2027-03-03T14:00", "ends_at": "2027-03-03T15:00",
               "visibility": "internal"}),
    )
    .await;
    let confidential_b = app
        .submitted(
            &o.clerk_b,
            json!({"title": "Họp mật của Sở Y tế về dịch bệnh", "room_id": o.rooms[2],
               "starts_at": "2027-03-02T10:00", "ends_at": "2027-03-02T11:00",
               "visibility": "confidential"}),
        )
        .await;
    app.approve(&o.approver, confidential_b).await;
    let confidential_a = app
        .submitted(
            &o.clerk_a,
            json!({"title": "Họp mật của Sở Tài chính về nhân sự", "room_id": o.rooms[2],
               "starts_at": "2027-03-04T08:00", "ends_at": "2027-03-04T09:00",
               "visibility": "confidential"}),
        )
        .await;
    app.approve(&o.approver, confidential_a).await;
    let admin_id = o.admin.account.id;
    closures::create(
        app.db(),
        admin_id,
        ClosureInput {
            starts_on: "2027-03-05".parse().unwrap(),
            ends_on: None,
            room_id: None,
            kind: None,
            reason: "Nghỉ bù ngày lễ".into(),
        },
    )
    .await
    .unwrap();
    closures::create(
        app.db(),
        admin_id,
        ClosureInput {
            starts_on: "2027-03-04".parse().unwrap(),
            ends_on: None,
            room_id: Some(o.rooms[3]),
            kind: None,
            reason: "Bảo trì hệ thống âm thanh".into(),
        },
    )
    .await
    .unwrap();
    Week {
        approved,
        pending,
        confidential_b,
        confidential_a,
        chair: persons::get(app.db(), o.leaders[0])
            .await
            .unwrap()
            .full_name,
        attendee: persons::get(app.db(), o.leaders[1])
            .await
            .unwrap()
            .full_name,
    }
}

#[rocket::async_test]
async fn the_office_sees_every_meeting_of_the_week_room_by_room() {
    let app = spawn_app().await;
    let o = app.office().await;
    let w = week_of_meetings(&app, &o).await;
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get("/lich-phong?tuan=2027-W09").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("Lịch phòng họp") && body.contains("2027-W09"));
    assert!(body.contains("01/03/2027") && body.contains("07/03/2027"));
    for day in ["Thứ Hai 01/03", "Thứ Tư 03/03", "Chủ nhật 07/03"] {
        assert!(body.contains(day), "{day}");
    }
    // Each day header leads to that day's timeline.
    assert!(body.contains(r#"href="/lich-phong/ngay?ngay=2027-03-02""#));
    // Firm and tentative meetings, each with its time, title link and chair.
    let firm = row_with(body, "Họp bàn kế hoạch ngân sách 2027");
    assert!(firm.contains("08:00–09:30"));
    assert!(firm.contains(&format!(r#"href="/cuoc-hop/{}""#, w.approved)));
    assert!(firm.contains(&w.chair));
    assert!(body.contains(&format!(r#"href="/cuoc-hop/{}""#, w.pending)));
    assert!(
        body.contains(r#"class="entry tentative""#),
        "tentative style"
    );
    assert!(
        body.contains("Chưa duyệt: Chờ duyệt"),
        "tentative label in words"
    );
    // The office sees confidential meetings in detail.
    assert!(body.contains("Họp mật của Sở Y tế về dịch bệnh"));
    assert!(body.contains("Họp mật của Sở Tài chính về nhân sự"));
    // The office-wide closure on its day; the room's closure in its row.
    assert!(body.contains("Nghỉ: Nghỉ bù ngày lễ"));
    assert!(row_with(body, "Bảo trì hệ thống âm thanh").contains("Phòng không sử dụng"));

    // Navigation: the neighbours' weeks and back to this week; a date names its week too.
    assert!(body.contains(r#"href="/lich-phong?tuan=2027-W08""#));
    assert!(body.contains(r#"href="/lich-phong?tuan=2027-W10""#));
    let by_date = staff.get("/lich-phong?tuan=2027-03-04").await;
    assert_eq!(by_date.status, Status::Ok);
    assert!(
        by_date.body.contains("2027-W09")
            && by_date.body.contains("Họp bàn kế hoạch ngân sách 2027")
    );
    // Public holidays are marked on their day (1 May 2027 is a Saturday, in week 17).
    let may = staff.get("/lich-phong?tuan=2027-W17").await;
    let head = may
        .body
        .split("<th scope=\"col\"")
        .find(|h| h.contains("Thứ Bảy 01/05"))
        .unwrap();
    assert!(head.starts_with(r#" class="day off">"#), "{head}");
    assert!(head.contains("Ngày Quốc tế Lao động"), "{head}");
    let next = staff.get("/lich-phong?tuan=2027-W10").await;
    assert!(!next.body.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(next.body.contains("08/03/2027"));

    // In English, through the switch.
    staff
        .get("/ngon-ngu/en?next=%2Flich-phong%3Ftuan%3D2027-W09")
        .await;
    let en = staff.get("/lich-phong?tuan=2027-W09").await;
    assert!(en.body.contains("Room calendar") && en.body.contains("Monday 01/03"));
    assert!(en.body.contains("Not approved yet: Pending"), "{}", en.body);
}

#[rocket::async_test]
async fn a_clerk_sees_rooms_busy_but_never_another_agencys_meeting_even_confidential() {
    let app = spawn_app().await;
    let o = app.office().await;
    let w = week_of_meetings(&app, &o).await;

    let mut a = app.signed_in(&o.clerk_a).await;
    let page = a.get("/lich-phong?tuan=2027-W09").await;
    assert_eq!(page.status, Status::Ok);
    // Its own public and internal meetings in detail.
    assert!(page.body.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(page
        .body
        .contains(&format!(r#"href="/cuoc-hop/{}""#, w.pending)));
    // Another agency's confidential meeting only as busy; its own, which it may open, in detail.
    assert!(!page.body.contains("Họp mật của Sở Y tế về dịch bệnh"));
    assert!(!page
        .body
        .contains(&format!("/cuoc-hop/{}\"", w.confidential_b)));
    assert!(page.body.contains("Họp mật của Sở Tài chính về nhân sự"));
    assert!(page
        .body
        .contains(&format!(r#"href="/cuoc-hop/{}""#, w.confidential_a)));
    let busy = row_with(&page.body, "10:00–11:00");
    assert!(busy.contains("Bận"));

    let mut b = app.signed_in(&o.clerk_b).await;
    let page = b.get("/lich-phong?tuan=2027-W09").await;
    assert_eq!(page.status, Status::Ok);
    for other in [
        "Họp bàn kế hoạch ngân sách 2027",
        "Họp rà soát hồ sơ đầu tư công",
        "Họp mật của Sở Tài chính về nhân sự",
        &w.chair,
    ] {
        assert!(!page.body.contains(other), "{other}");
    }
    assert!(
        page.body.contains("Họp mật của Sở Y tế về dịch bệnh"),
        "its own"
    );
    let busy = row_with(&page.body, "08:00–09:30");
    assert!(busy.contains("Bận"), "the room shows busy");
    assert!(!page.body.contains(&format!("/cuoc-hop/{}\"", w.approved)));
    // The day timeline keeps the same rule.
    let day = b.get("/lich-phong/ngay?ngay=2027-03-02").await;
    assert_eq!(day.status, Status::Ok);
    assert!(!day.body.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(day.body.contains("Bận"));
    // The leaders' calendar is the office's.
    assert_eq!(
        b.get("/lich-lanh-dao?tuan=2027-W09").await.status,
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn the_day_timeline_lays_meetings_over_office_hours() {
    let app = spawn_app().await;
    let o = app.office().await;
    let w = week_of_meetings(&app, &o).await;
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get("/lich-phong/ngay?ngay=2027-03-02").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("Thứ Ba 02/03/2027"));
    // Office hours 07:30–17:00 widened to whole hours, two slots an hour.
    assert!(body.contains(r#"<th scope="col" colspan="2">07:00</th>"#));
    assert!(body.contains(r#"<th scope="col" colspan="2">16:00</th>"#));
    assert!(!body.contains(">17:00</th>"));
    // 08:00–09:30 covers three half-hour slots.
    let block = body
        .split("<td ")
        .find(|c| c.contains("Họp bàn kế hoạch ngân sách 2027"))
        .expect("the meeting's block");
    assert!(
        block.starts_with(r#"colspan="3" class="block firm""#),
        "{block}"
    );
    assert!(block.contains("08:00–09:30") && block.contains(&format!("/cuoc-hop/{}", w.approved)));
    assert!(body.contains("Họp mật của Sở Y tế về dịch bệnh"));
    // Navigation: the day before and after, the week.
    assert!(body.contains(r#"href="/lich-phong/ngay?ngay=2027-03-01""#));
    assert!(body.contains(r#"href="/lich-phong/ngay?ngay=2027-03-03""#));
    assert!(body.contains(r#"href="/lich-phong?tuan=2027-W09""#));
    // The tentative request on its day, marked in words.
    let next = staff.get("/lich-phong/ngay?ngay=2027-03-03").await;
    let block = next
        .body
        .split("<td ")
        .find(|c| c.contains("Họp rà soát hồ sơ đầu tư công"))
        .expect("the pending block");
    assert!(
        block.starts_with(r#"colspan="2" class="block tentative""#),
        "{block}"
    );
    assert!(block.contains("Chưa duyệt: Chờ duyệt"));
    // The closed day says so.
    let closed = staff.get("/lich-phong/ngay?ngay=2027-03-05").await;
    assert!(closed.body.contains("Nghỉ: Nghỉ bù ngày lễ"));

    // A request overlapping the approved meeting in its room gets a lane of its own; one in
    // the evening is listed outside office hours.
    app.submitted(
        &o.clerk_a,
        json!({"title": "Họp bổ sung chen giờ", "room_id": o.rooms[1],
               "starts_at": "2027-03-02T09:00", "ends_at": "2027-03-02T10:00"}),
    )
    .await;
    app.submitted(
        &o.clerk_a,
        json!({"title": "Họp trực ban phòng chống thiên tai buổi tối", "room_id": o.rooms[2],
               "starts_at": "2027-03-02T18:30", "ends_at": "2027-03-02T19:30"}),
    )
    .await;
    let page = staff.get("/lich-phong/ngay?ngay=2027-03-02").await;
    let room = page
        .body
        .split("<tbody>")
        .find(|g| g.contains("Họp bàn kế hoạch ngân sách 2027"))
        .unwrap();
    assert!(room.contains(r#"rowspan="2""#), "{room}");
    assert!(room.contains("Họp bổ sung chen giờ"));
    let evening = page
        .body
        .split("Ngoài giờ hành chính</h2>")
        .nth(1)
        .expect("the evening list");
    assert!(
        evening.contains("18:30–19:30")
            && evening.contains("Họp trực ban phòng chống thiên tai buổi tối")
    );
}

#[rocket::async_test]
async fn the_leaders_week_shows_what_each_leader_chairs_and_attends() {
    let app = spawn_app().await;
    let o = app.office().await;
    let w = week_of_meetings(&app, &o).await;
    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get("/lich-lanh-dao?tuan=2027-W09").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("Lịch lãnh đạo"));
    let chair_row = row_with(&page.body, &format!("<th scope=\"row\">{}", w.chair));
    assert!(chair_row.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(chair_row.contains("Họp rà soát hồ sơ đầu tư công"));
    assert!(
        !chair_row.contains("Dự họp</span>"),
        "chaired, not attended"
    );
    let attendee_row = row_with(&page.body, &format!("<th scope=\"row\">{}", w.attendee));
    assert!(attendee_row.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(attendee_row.contains(r#"class="entry firm attending""#));
    assert!(attendee_row.contains("Dự họp</span>"));
    assert!(
        attendee_row.contains("Chủ trì: ") && attendee_row.contains(&w.chair),
        "an attended meeting names its chair"
    );
    assert!(!attendee_row.contains("Họp rà soát hồ sơ đầu tư công"));
    assert!(page.body.contains(r#"href="/lich-lanh-dao?tuan=2027-W10""#));
}

#[rocket::async_test]
async fn bad_weeks_and_days_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut staff = app.signed_in(&o.staff).await;
    for (path, words) in [
        ("/lich-phong?tuan=tuan-sau", "Tuần «tuan-sau» không hợp lệ"),
        ("/lich-phong?tuan=2027-W60", "Tuần «2027-W60» không hợp lệ"),
        (
            "/lich-phong?tuan=99999-01-01",
            "Tuần «99999-01-01» không hợp lệ",
        ),
        (
            "/lich-lanh-dao?tuan=2027-13-01",
            "Tuần «2027-13-01» không hợp lệ",
        ),
        (
            "/lich-phong/ngay?ngay=2027-02-30",
            "Ngày «2027-02-30» không hợp lệ",
        ),
        (
            "/lich-phong/ngay?ngay=hom-nay",
            "Ngày «hom-nay» không hợp lệ",
        ),
    ] {
        let page = staff.get(path).await;
        assert!(
            page.status.code >= 400 && page.status.code < 500,
            "{path}: {}",
            page.status
        );
        assert!(page.body.contains(words), "{path}: {}", page.body);
    }
    staff.get("/ngon-ngu/en?next=%2F").await;
    let en = staff.get("/lich-phong?tuan=abc").await;
    assert!(en.status.code >= 400 && en.status.code < 500);
    assert!(en.body.contains("Invalid week"), "{}", en.body);
    // Without a value: this week and today.
    assert_eq!(staff.get("/lich-phong").await.status, Status::Ok);
    assert_eq!(staff.get("/lich-phong/ngay").await.status, Status::Ok);
    assert_eq!(staff.get("/lich-lanh-dao").await.status, Status::Ok);
}

/// The links to the request form a page offers.
fn booking_links(page: &str) -> Vec<String> {
    page.split("href=\"/dang-ky/moi?")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

#[rocket::async_test]
async fn a_free_cell_opens_the_request_form_with_room_day_and_time() {
    let app = spawn_app().await;
    let o = app.office().await;
    week_of_meetings(&app, &o).await;
    let (r1, r3) = (o.rooms[1], o.rooms[3]);
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get("/lich-phong?tuan=2027-W09").await;
    assert_eq!(page.status, Status::Ok);
    let links = booking_links(&page.body);
    // Room 1 is taken 08:00–09:30 on Tuesday: its cell offers the half hour before.
    assert!(
        links.contains(&format!(
            "room_id={r1}&day=2027-03-02&start=07:30&end=08:00"
        )),
        "{links:?}"
    );
    // A free room on a free day: the first hour of the day.
    assert!(links.contains(&format!(
        "room_id={r1}&day=2027-03-01&start=07:30&end=08:30"
    )));
    // Not on the office's closed day, not in a room closed for maintenance, not at weekends.
    for day in ["2027-03-05", "2027-03-06", "2027-03-07"] {
        assert!(
            !links.iter().any(|l| l.contains(&format!("day={day}"))),
            "{day}: {links:?}"
        );
    }
    assert!(!links.contains(&format!(
        "room_id={r3}&day=2027-03-04&start=07:30&end=08:30"
    )));
    // The day view: every free half hour is a link, an hour long where the next is free too;
    // none starts, ends or lies in the lunch break.
    let day = clerk.get("/lich-phong/ngay?ngay=2027-03-02").await;
    let links = booking_links(&day.body);
    assert!(links.contains(&format!(
        "room_id={r1}&day=2027-03-02&start=09:30&end=10:30"
    )));
    assert!(links.contains(&format!(
        "room_id={r1}&day=2027-03-02&start=11:00&end=11:30"
    )));
    assert!(!links
        .iter()
        .any(|l| l.contains(&format!("room_id={r1}&day=2027-03-02&start=08:"))));
    for l in &links {
        let start = l.split("start=").nth(1).unwrap().get(..5).unwrap();
        let end = l.split("end=").nth(1).unwrap().get(..5).unwrap();
        assert!(end <= "11:30" || start >= "13:30", "{l}");
    }
    assert!(
        day.body.contains("Đăng ký họp: "),
        "the link says what it does"
    );
    // Past days offer nothing.
    let past = clerk.get("/lich-phong?tuan=2026-W01").await;
    assert!(booking_links(&past.body).is_empty());

    // The link opens the form with the room, the day and the times filled in.
    let form = clerk
        .get(&format!(
            "/dang-ky/moi?room_id={r1}&day=2027-03-02&start=09:30&end=10:30"
        ))
        .await;
    assert_eq!(form.status, Status::Ok);
    assert!(form.body.contains(r#"value="2027-03-02""#), "{}", form.body);
    assert!(form.body.contains(r#"value="09:30""#) && form.body.contains(r#"value="10:30""#));
    assert!(
        form.body
            .contains(&format!(r#"<option value="{r1}" selected>"#)),
        "the room is chosen"
    );
}

#[rocket::async_test]
async fn month_views_of_rooms_and_leaders_keep_confidential_meetings_busy() {
    let app = spawn_app().await;
    let o = app.office().await;
    let w = week_of_meetings(&app, &o).await;
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get("/lich-phong/thang?thang=2027-03").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("Tháng 03/2027"));
    // Monday 1 March to Sunday 4 April: five weeks.
    assert_eq!(page.body.matches("<tr>").count(), 1 + 5);
    assert!(page.body.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(
        page.body.contains("Họp mật của Sở Y tế về dịch bệnh"),
        "the office sees all"
    );
    assert!(page.body.contains("Nghỉ: Nghỉ bù ngày lễ"));
    assert!(page
        .body
        .contains(r#"href="/lich-phong/thang?thang=2027-04""#));
    assert!(page
        .body
        .contains(r#"href="/lich-phong/ngay?ngay=2027-03-02""#));

    let mut b = app.signed_in(&o.clerk_b).await;
    let page = b.get("/lich-phong/thang?thang=2027-03-15").await;
    assert_eq!(page.status, Status::Ok);
    assert!(!page.body.contains("Họp bàn kế hoạch ngân sách 2027"));
    assert!(!page.body.contains(&format!("/cuoc-hop/{}\"", w.approved)));
    assert!(page.body.contains("Bận"));
    assert!(
        page.body.contains("Họp mật của Sở Y tế về dịch bệnh"),
        "its own"
    );

    let mut approver = app.signed_in(&o.approver).await;
    let page = approver.get("/lich-lanh-dao/thang?thang=2027-03").await;
    assert_eq!(page.status, Status::Ok);
    let tuesday = page
        .body
        .split("<td")
        .find(|c| c.contains("?ngay=2027-03-02") || c.contains("?tuan=2027-03-02"))
        .unwrap();
    assert!(
        tuesday.contains(&w.chair) && tuesday.contains(&w.attendee),
        "{tuesday}"
    );
    assert!(tuesday.contains("Dự họp"));
    assert_eq!(
        b.get("/lich-lanh-dao/thang").await.status,
        Status::Forbidden
    );
    let bad = staff.get("/lich-phong/thang?thang=2027-13").await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.body.contains("Tháng “2027-13” không hợp lệ"),
        "{}",
        bad.body
    );
    assert_eq!(staff.get("/lich-phong/thang").await.status, Status::Ok);
}

#[rocket::async_test]
async fn the_day_view_draws_the_current_time_line_today_only() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut staff = app.signed_in(&o.staff).await;
    let other = staff.get("/lich-phong/ngay?ngay=2027-03-02").await;
    assert!(!other.body.contains("id=\"now-label\""));
    assert!(!other.body.contains(" now-"));
    assert!(
        other.body.contains("<script src=\"/static/calendar-day."),
        "a small script moves the line"
    );
    let page = staff.get("/lich-phong/ngay").await;
    assert_eq!(page.status, Status::Ok);
    let now = lichhop::domain::clock::now().with_timezone(&lichhop::domain::clock::OFFICE_TZ);
    let hm = now.format("%H:%M").to_string();
    // Office hours 07:30–17:00 widen to 07:00–17:00 on the timeline.
    if ("07:00".."17:00").contains(&hm.as_str()) {
        assert!(page.body.contains("id=\"now-label\""), "{hm}");
        // One mark per room's lane: every room crosses the line.
        let rooms = page.body.matches("<th scope=\"rowgroup\"").count();
        let marks = page.body.matches(" now-").count();
        assert!(
            marks >= rooms && rooms > 0,
            "{marks} marks for {rooms} rooms"
        );
    } else {
        assert!(!page.body.contains("id=\"now-label\""));
        assert!(!page.body.contains(" now-"));
    }
}
