//! Quality of the pages (issue #7): the public weekly schedule names its week the way the
//! calendars do; a refused decision on a meeting's page shows its error beside the field and keeps
//! what was typed; scroll boxes are reachable by keyboard.

use crate::helpers::*;
use rocket::http::{Header, Method, Status};
use serde_json::json;

#[rocket::async_test]
async fn the_weekly_schedule_pages_take_an_iso_week_and_refuse_a_bad_one() {
    let app = spawn_app().await;

    for tuan in ["2027-W09", "2027-w9", "2027-03-03"] {
        let res = app
            .client
            .get(format!("/lich-cong-tac?tuan={tuan}"))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Ok, "{tuan}");
        let html = res.into_string().await.unwrap();
        assert!(
            html.contains("Từ ngày 01/03/2027 đến ngày 07/03/2027"),
            "{tuan} is the week of Monday 1 March 2027"
        );
        assert!(
            html.contains("tuan=2027-03-08"),
            "{tuan}: the next week's link"
        );
    }

    for tuan in ["2026-W54", "2026-W0", "tuan-sau", "2026-13-01"] {
        let res = app
            .client
            .get(format!("/lich-cong-tac?tuan={tuan}"))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::UnprocessableEntity, "{tuan}");
        let html = res.into_string().await.unwrap();
        assert!(html.contains("<html lang=\"vi\">"), "{tuan}: a page");
        assert!(
            html.contains(&format!(
                "Tuần «{tuan}» không hợp lệ (dạng 2026-W48 hoặc 2026-11-23)."
            )),
            "{tuan}: the field is named in Vietnamese: {html}"
        );

        let res = app
            .client
            .get(format!("/lich-cong-tac?tuan={tuan}&embed=1"))
            .header(Header::new("Accept-Language", "en"))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::UnprocessableEntity, "{tuan}");
        let html = res.into_string().await.unwrap();
        assert!(
            html.contains(&format!(
                "Invalid week &quot;{tuan}&quot; (expected 2026-W48 or 2026-11-23)."
            )),
            "{tuan}: the field is named in English: {html}"
        );
    }
}

#[rocket::async_test]
async fn a_refused_decision_keeps_what_was_typed_and_says_why_beside_the_field() {
    let app = spawn_app().await;
    let o = app.office().await;
    let body = json!({"title": "Họp rà soát hồ sơ", "room_id": o.rooms[2], "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00", "submit": true});
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
    let mut staff = Browser::new(&app);
    staff
        .sign_in(&o.staff.account.username, PRINCIPAL_PASSWORD)
        .await;

    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        page.body.contains("class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"history-heading\""),
        "the history scrolls in a box the keyboard reaches"
    );

    let reason = format!("Thiếu tài liệu {}", "x".repeat(10_000));
    let refused = staff
        .post(&format!("/cuoc-hop/{id}/tra-lai"), &[("reason", &reason)])
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    let html = &refused.body;
    let form = html
        .split("<form")
        .find(|f| f.contains(&format!("/cuoc-hop/{id}/tra-lai")))
        .expect("the return form");
    assert!(
        form.contains(&format!("value=\"{reason}\"")),
        "the reason typed is kept"
    );
    assert!(
        form.contains("aria-invalid=\"true\"")
            && form.contains("Nội dung quá dài (tối đa 10000 ký tự)."),
        "the error stands beside the reason, in Vietnamese"
    );
    let other = html
        .split("<form")
        .find(|f| f.contains(&format!("/cuoc-hop/{id}/tham-dinh")))
        .expect("the review form");
    assert!(
        !other.contains("aria-invalid"),
        "the other decisions are untouched"
    );
    assert_eq!(html.matches("Nội dung quá dài").count(), 1, "said once");

    // Without a reason at all, in English.
    staff.get("/ngon-ngu/en?next=/dang-nhap").await;
    let refused = staff
        .post(&format!("/cuoc-hop/{id}/tra-lai"), &[("reason", "  ")])
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused.body.contains("<html lang=\"en\">"));
    assert!(
        refused.body.contains("A reason is required."),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("aria-describedby=\"reason-"));
}

#[rocket::async_test]
async fn each_row_link_of_a_list_names_its_row() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin", ADMIN_PASSWORD).await;
    let list = admin.get("/quan-tri/tai-khoan").await;
    assert_eq!(list.status, Status::Ok);
    let row = format!(
        ">Sửa<span class=\"visually-hidden\"> {}</span></a>",
        o.staff.account.username
    );
    assert!(list.body.contains(&row), "{row} in {}", list.body);
    assert!(
        list.body.contains(
            "class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"page-title\""
        ),
        "the table scrolls in a box the keyboard reaches, named by the page's title"
    );
    assert!(list
        .body
        .contains("<h1 id=\"page-title\">Quản lý tài khoản</h1>"));
}

#[rocket::async_test]
async fn a_refused_report_period_keeps_the_filter_and_says_why_beside_the_field() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut staff = Browser::new(&app);
    staff
        .sign_in(&o.staff.account.username, PRINCIPAL_PASSWORD)
        .await;
    let page = staff
        .get(&format!(
            "/bao-cao?from=2027-03-31&to=2027-03-01&room_id={}",
            o.rooms[1]
        ))
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity);
    let html = &page.body;
    assert!(
        html.contains("<h1 id=\"page-title\">"),
        "the page, not a bare error"
    );
    assert!(
        html.contains("name=\"from\" value=\"2027-03-31\">"),
        "from as typed"
    );
    assert!(
        html.contains("name=\"to\" value=\"2027-03-01\" aria-invalid=\"true\" aria-describedby=\"report-error\">"),
        "to as typed, marked: {html}"
    );
    assert!(html.contains(
        "<p class=\"error report-error\" id=\"report-error\" role=\"alert\">Ngày kết thúc phải từ ngày bắt đầu trở đi.</p>"
    ));
    assert!(
        html.contains(&format!("<option value=\"{}\" selected>", o.rooms[1])),
        "the room chosen stays chosen"
    );
    assert!(
        !html.contains("<dl class=\"figures\">"),
        "no figures for a refused period"
    );

    staff.get("/ngon-ngu/en?next=/dang-nhap").await;
    let page = staff
        .get("/bao-cao?from=31%2F03%2F2027&to=2027-03-01")
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity);
    assert!(page
        .body
        .contains("name=\"from\" value=\"31/03/2027\" aria-invalid=\"true\""));
    assert!(page.body.contains("id=\"report-error\""));
}

#[rocket::async_test]
async fn a_refused_week_or_day_keeps_the_calendar_and_the_value_typed() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut staff = Browser::new(&app);
    staff
        .sign_in(&o.staff.account.username, PRINCIPAL_PASSWORD)
        .await;
    for (path, field, typed, words) in [
        (
            "/lich-phong?tuan=2027-W60",
            "tuan",
            "2027-W60",
            "Tuần «2027-W60» không hợp lệ",
        ),
        (
            "/lich-lanh-dao?tuan=tuan-sau",
            "tuan",
            "tuan-sau",
            "Tuần «tuan-sau» không hợp lệ",
        ),
        (
            "/lich-phong/ngay?ngay=2027-02-30",
            "ngay",
            "2027-02-30",
            "Ngày «2027-02-30» không hợp lệ",
        ),
    ] {
        let page = staff.get(path).await;
        assert_eq!(page.status, Status::UnprocessableEntity, "{path}");
        let html = &page.body;
        assert!(
            html.contains("<h1 id=\"page-title\">"),
            "{path}: the page, not a bare error"
        );
        assert!(
            html.contains(&format!(
                "name=\"{field}\" value=\"{typed}\" aria-invalid=\"true\" aria-describedby=\"{field}-error\">"
            )),
            "{path}: the value as typed, marked: {html}"
        );
        assert!(
            html.contains(&format!(
                "<p class=\"error\" id=\"{field}-error\" role=\"alert\">{words}"
            )),
            "{path}: why, beside the field"
        );
        assert!(
            html.contains("class=\"table-wrap\""),
            "{path}: today's calendar still shows"
        );
    }
}
