//! The administrator's calendar pages: the office's settings (/quan-tri/cai-dat) and closures
//! (/quan-tri/ngay-nghi), through the real app and a signed-in browser.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::json;

/// Every setting as the form posts it, with `changes` replacing some.
fn settings_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("office_opens", "07:30"),
        ("office_closes", "17:00"),
        ("room_buffer_minutes", "15"),
        ("registration_lead_working_days", "2"),
        ("documents_lead_working_days", "3"),
        ("cutoff_weekday", "4"),
        ("cutoff_time", "16:00"),
        ("cancelled_in_feeds_days", "30"),
        ("max_document_mib", "20"),
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
