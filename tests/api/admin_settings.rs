//! The administrator's calendar pages: the office's settings (/quan-tri/cai-dat) and closures
//! (/quan-tri/ngay-nghi), through the real app and a signed-in browser.

use crate::helpers::*;
use rocket::http::{ContentType, Method, Status};
use serde_json::json;

/// Every setting as the form posts it, with `changes` replacing some.
fn settings_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("office_opens", "07:30"),
        ("office_closes", "17:00"),
        ("lunch_starts", "11:30"),
        ("lunch_ends", "13:30"),
        ("find_days", "5"),
        ("find_per_day", "3"),
        ("room_buffer_minutes", "15"),
        ("registration_lead_working_days", "2"),
        ("documents_lead_working_days", "3"),
        ("cutoff_weekday", "4"),
        ("cutoff_time", "16:00"),
        ("cancelled_in_feeds_days", "30"),
        ("max_document_mib", "20"),
        ("province_name", "Thanh Hóa"),
        ("place_name", "Thanh Hóa"),
        ("signer_capacity", "TL. CHỦ TỊCH"),
        ("signer_position", "CHÁNH VĂN PHÒNG"),
        ("signer_name", "Nguyễn Văn An"),
        ("recipients", "Như trên\nLưu: VT"),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

async fn admin_browser(app: &TestApp) -> Browser<'_> {
    let mut b = Browser::new(app);
    let signed = b.sign_in("t.admin", PRINCIPAL_PASSWORD).await;
    assert_eq!(signed.status, Status::SeeOther);
    b
}

#[rocket::async_test]
async fn the_admin_changes_settings_and_a_refusal_names_the_field_and_keeps_the_values() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut admin = admin_browser(&app).await;
    let page = admin.get("/quan-tri/cai-dat").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains("name=\"office_opens\" value=\"07:30\""),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("Thời gian giãn cách giữa hai cuộc họp (phút)"));
    assert!(page.body.contains("id=\"f-room_buffer_minutes-hint\""));

    // Out of range: refused beside the field, everything typed kept.
    let refused = admin
        .post(
            "/quan-tri/cai-dat",
            &settings_form(&[
                ("office_opens", "08:00"),
                ("room_buffer_minutes", "500"),
                ("staff_may_approve", "true"),
            ]),
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused
            .body
            .contains("id=\"f-room_buffer_minutes-error\">Giá trị phải từ 0 đến 240."),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains("name=\"room_buffer_minutes\" value=\"500\""));
    assert!(refused
        .body
        .contains("name=\"office_opens\" value=\"08:00\""));
    assert!(refused
        .body
        .contains("name=\"staff_may_approve\" value=\"true\" checked"));
    // Nothing was saved.
    let (_, _, s) = app
        .call(Method::Get, "/api/v1/settings", Some(&o.staff), None, &[])
        .await;
    assert_eq!(s["room_buffer_minutes"], 15);

    // Office hours that end before they start, in English: the message in the page's language.
    admin.get("/ngon-ngu/en?next=/quan-tri/cai-dat").await;
    let refused = admin
        .post(
            "/quan-tri/cai-dat",
            &settings_form(&[("office_closes", "07:00")]),
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused
            .body
            .contains("id=\"f-office_closes-error\">Office hours must end after they start."),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains("name=\"office_closes\" value=\"07:00\""));
    // Not a number: refused naming the field.
    let refused = admin
        .post(
            "/quan-tri/cai-dat",
            &settings_form(&[("cancelled_in_feeds_days", "ba mươi")]),
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused
        .body
        .contains("id=\"f-cancelled_in_feeds_days-error\">Must be a whole number."));
    assert!(refused.body.contains("value=\"ba mươi\""));
    admin.get("/ngon-ngu/vi?next=/quan-tri/cai-dat").await;

    let saved = admin
        .post(
            "/quan-tri/cai-dat",
            &settings_form(&[
                ("room_buffer_minutes", "20"),
                ("staff_may_approve", "true"),
                ("cancelled_in_feeds_days", "10"),
                ("cutoff_time", "15:30"),
            ]),
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let after = admin.get(saved.location.as_deref().unwrap()).await;
    assert!(after.body.contains("Đã lưu cài đặt."), "{}", after.body);
    assert!(after
        .body
        .contains("name=\"room_buffer_minutes\" value=\"20\""));
    let (_, _, s) = app
        .call(Method::Get, "/api/v1/settings", Some(&o.staff), None, &[])
        .await;
    assert_eq!(
        (
            &s["room_buffer_minutes"],
            &s["staff_may_approve"],
            &s["cancelled_in_feeds_days"],
            &s["cutoff_time"]
        ),
        (&json!(20), &json!(true), &json!(10), &json!("15:30:00")),
        "{s}"
    );

    // Only the administrator reaches the page.
    let mut staff = Browser::new(&app);
    staff.sign_in("t.staff", PRINCIPAL_PASSWORD).await;
    assert_eq!(
        staff.get("/quan-tri/cai-dat").await.status,
        Status::Forbidden
    );
    let tried = staff
        .post(
            "/quan-tri/cai-dat",
            &settings_form(&[("room_buffer_minutes", "0")]),
        )
        .await;
    assert_eq!(tried.status, Status::Forbidden);
}

/// A meeting request on `date` 08:00–09:00 in the office's first room, as the conflict check
/// takes it.
fn request(o: &Office, date: &str) -> serde_json::Value {
    json!({
        "title": "Họp giao ban",
        "kind": "hop",
        "room_id": o.rooms[1],
        "starts_at": format!("{date}T08:00"),
        "ends_at": format!("{date}T09:00"),
        "expected_attendance": 10,
    })
}

async fn conflict_kinds(app: &TestApp, o: &Office, date: &str) -> Vec<String> {
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/conflicts",
            Some(&o.clerk_a),
            Some(&request(o, date)),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    v["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect()
}

#[rocket::async_test]
async fn a_closure_added_on_the_page_blocks_meetings_and_holidays_enter_in_one_step() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut admin = admin_browser(&app).await;
    // Tuesday 4 May 2027: a working day, no conflict yet.
    assert!(conflict_kinds(&app, &o, "2027-05-04").await.is_empty());

    // Refused: no reason. The dates typed stay.
    let refused = admin
        .post(
            "/quan-tri/ngay-nghi",
            &[
                ("starts_on", "2027-05-04"),
                ("ends_on", ""),
                ("room_id", ""),
                ("kind", ""),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains("id=\"f-reason-error\">Hãy nêu lý do"),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains("name=\"starts_on\" value=\"2027-05-04\""));
    let refused = admin
        .post(
            "/quan-tri/ngay-nghi",
            &[
                ("starts_on", "2027-05-06"),
                ("ends_on", "2027-05-04"),
                ("reason", "Tổng vệ sinh"),
            ],
        )
        .await;
    assert!(refused
        .body
        .contains("id=\"f-ends_on-error\">Ngày kết thúc phải từ ngày bắt đầu trở đi."));

    let added = admin
        .post(
            "/quan-tri/ngay-nghi",
            &[
                ("starts_on", "2027-05-04"),
                ("ends_on", ""),
                ("room_id", ""),
                ("kind", ""),
                ("reason", "Tổng vệ sinh trụ sở"),
            ],
        )
        .await;
    assert_eq!(added.status, Status::SeeOther, "{}", added.body);
    let page = admin.get(added.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Đã thêm ngày nghỉ."), "{}", page.body);
    assert!(page.body.contains("04/05/2027") && page.body.contains("Tổng vệ sinh trụ sở"));
    assert_eq!(conflict_kinds(&app, &o, "2027-05-04").await, ["closure"]);

    // One room under maintenance for three days: only that room is closed.
    let room = o.rooms[1].to_string();
    let added = admin
        .post(
            "/quan-tri/ngay-nghi",
            &[
                ("starts_on", "2027-05-11"),
                ("ends_on", "2027-05-13"),
                ("room_id", &room),
                ("kind", ""),
                ("reason", "Sửa hệ thống âm thanh"),
            ],
        )
        .await;
    assert_eq!(added.status, Status::SeeOther);
    let page = admin.get("/quan-tri/ngay-nghi?nam=2027").await;
    assert!(
        page.body.contains("11/05/2027 – 13/05/2027") && page.body.contains("Bảo trì phòng"),
        "{}",
        page.body
    );
    assert_eq!(conflict_kinds(&app, &o, "2027-05-12").await, ["closure"]);

    // Removing the office-wide closure lifts it.
    let (_, _, list) = app
        .call(
            Method::Get,
            "/api/v1/closures?from=2027-05-04&to=2027-05-04",
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    let id = list[0]["id"].as_i64().unwrap();
    let removed = admin
        .post(&format!("/quan-tri/ngay-nghi/{id}/xoa"), &[])
        .await;
    assert_eq!(removed.status, Status::SeeOther);
    assert!(conflict_kinds(&app, &o, "2027-05-04").await.is_empty());

    // This year's public holidays, lunar ones included, in one step; twice adds nothing.
    let page = admin.get("/quan-tri/ngay-nghi?nam=2027").await;
    let holidays = lichhop::domain::holidays::public_holidays(2027);
    for h in &holidays {
        assert!(page.body.contains(h.name_vi), "{} listed", h.name_vi);
    }
    for _ in 0..2 {
        let entered = admin.post("/quan-tri/ngay-le/2027", &[]).await;
        assert_eq!(entered.status, Status::SeeOther);
    }
    let tet = holidays
        .iter()
        .find(|h| h.name_vi.contains("Tết Nguyên đán"))
        .unwrap()
        .date;
    let (_, _, list) = app
        .call(
            Method::Get,
            &format!("/api/v1/closures?from={tet}&to={tet}"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["kind"], "holiday");

    // A make-up working day; the same day twice is refused above the form.
    let made_up = admin
        .post(
            "/quan-tri/ngay-lam-bu",
            &[("on_date", "2027-05-08"), ("note", "Làm bù cho ngày 30/4")],
        )
        .await;
    assert_eq!(made_up.status, Status::SeeOther);
    let again = admin
        .post(
            "/quan-tri/ngay-lam-bu",
            &[("on_date", "2027-05-08"), ("note", "Lần nữa")],
        )
        .await;
    assert_eq!(again.status, Status::Conflict);
    assert!(
        again.body.contains("08/05/2027 đã là ngày làm bù."),
        "{}",
        again.body
    );
    assert!(again.body.contains("value=\"Lần nữa\""));
    let page = admin.get("/quan-tri/ngay-nghi?nam=2027").await;
    assert!(page.body.contains("Làm bù cho ngày 30/4"));

    // Office staff read closures through the API but do not manage them on the page.
    let mut staff = Browser::new(&app);
    staff.sign_in("t.staff", PRINCIPAL_PASSWORD).await;
    assert_eq!(
        staff.get("/quan-tri/ngay-nghi").await.status,
        Status::Forbidden
    );
}

const BOUNDARY: &str = "lichhop-ics-boundary";

/// Posts an .ics file as the page's upload form does (multipart, with the browser's CSRF token).
async fn upload(b: &Browser<'_>, csrf: &str, ics: &str) -> (Status, String) {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"nghi-le.ics\"\r\n\
         Content-Type: text/calendar\r\n\r\n{ics}\r\n--{BOUNDARY}--\r\n"
    );
    let req = b
        .app
        .client
        .post("/quan-tri/ngay-nghi/nhap-ics")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(body);
    let res = b.with_cookies(req).dispatch().await;
    let status = res.status();
    (status, res.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn closures_are_imported_from_an_ics_file_on_the_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut admin = admin_browser(&app).await;
    let page = admin.get("/quan-tri/ngay-nghi").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let csrf = admin.csrf.clone().unwrap();

    let good = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//VN\r\n\
        BEGIN:VEVENT\r\nUID:nghi-1@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20270607\r\n\
        DTEND;VALUE=DATE:20270609\r\nSUMMARY:Nghỉ bù\\, theo thông báo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (status, body) = upload(&admin, &csrf, good).await;
    assert_eq!(status, Status::SeeOther, "{body}");
    let page = admin.get("/quan-tri/ngay-nghi?nam=2027&da=nhap").await;
    assert!(page.body.contains("Đã nhập các ngày nghỉ từ tệp."));
    assert!(
        page.body.contains("07/06/2027 – 08/06/2027")
            && page.body.contains("Nghỉ bù, theo thông báo"),
        "{}",
        page.body
    );
    assert_eq!(conflict_kinds(&app, &o, "2027-06-08").await, ["holiday"]);

    // A broken file: refused beside the file field, naming the line (of the VEVENT) and the property.
    let bad = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027-06-07\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (status, body) = upload(&admin, &csrf, bad).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let at = body
        .find("id=\"f-file-error\">")
        .expect("error beside the file field");
    assert!(
        body[at..].starts_with("id=\"f-file-error\">Dòng 3: DTSTART «2027-06-07»"),
        "{}",
        &body[at..at + 120]
    );

    // Without the form's token: refused, nothing imported.
    let (status, _) = upload(&admin, "sai", good.replace("20270607", "20270707").as_str()).await;
    assert_eq!(status, Status::Forbidden);
    let (_, _, list) = app
        .call(
            Method::Get,
            "/api/v1/closures?from=2027-07-07&to=2027-07-07",
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert!(list.as_array().unwrap().is_empty());
}

/// Compensatory days off reach the conflict check, and the administrator's choice of the
/// second National Day day (1 or 3 September) moves the holiday at once.
#[rocket::async_test]
async fn compensatory_days_and_the_chosen_national_day_reach_the_conflict_check() {
    let app = spawn_app().await;
    let o = app.office().await;
    // 01/05/2027 is a Saturday: Monday 03/05 is off (nghỉ bù).
    assert_eq!(conflict_kinds(&app, &o, "2027-05-03").await, ["holiday"]);
    assert_eq!(conflict_kinds(&app, &o, "2027-09-01").await, ["holiday"]);
    assert!(conflict_kinds(&app, &o, "2027-09-03").await.is_empty());

    let choose = |body: serde_json::Value, year: i32| {
        let app = &app;
        let admin = &o.admin;
        async move {
            app.call(
                Method::Put,
                &format!("/api/v1/national-days/{year}"),
                Some(admin),
                Some(&body),
                &[],
            )
            .await
        }
    };
    let (s, _, e) = choose(json!({"second_day": 2}), 2027).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("second_day"))
    );
    let (s, _, e) = choose(json!({"second_day": 3}), 1999).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("year"))
    );
    for _ in 0..2 {
        let (s, _, v) = choose(json!({"second_day": 3}), 2027).await;
        assert_eq!((s, v), (Status::Ok, json!({"year": 2027, "second_day": 3})));
    }
    assert!(conflict_kinds(&app, &o, "2027-09-01").await.is_empty());
    assert_eq!(conflict_kinds(&app, &o, "2027-09-03").await, ["holiday"]);
    let (s, _, list) = app
        .call(
            Method::Get,
            "/api/v1/national-days",
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (s, list),
        (Status::Ok, json!([{"year": 2027, "second_day": 3}]))
    );
    // Back to 1 September, on the closures page; the page lists the compensatory days.
    let mut admin = admin_browser(&app).await;
    let refused = admin
        .post("/quan-tri/quoc-khanh/2027", &[("second_day", "2")])
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused.body.contains("ngày 1 hoặc ngày 3 tháng 9"));
    let saved = admin
        .post("/quan-tri/quoc-khanh/2027", &[("second_day", "1")])
        .await;
    assert_eq!(saved.status, Status::SeeOther);
    assert_eq!(conflict_kinds(&app, &o, "2027-09-01").await, ["holiday"]);
    let page = admin.get("/quan-tri/ngay-nghi?nam=2027").await;
    assert!(page.body.contains("Nghỉ bù Ngày Quốc tế Lao động"));
    assert!(page.body.contains("03/05/2027"));
    assert!(
        page.body.contains(r#"<option value="1" selected>"#),
        "1/9 chosen"
    );
}
