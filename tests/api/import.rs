//! Uploading .ics files: an Outlook invitation prefills a request; holidays become closures.

use crate::helpers::*;
use rocket::http::{ContentType, Header, Status};
use serde_json::Value;

async fn upload(
    app: &TestApp,
    path: &str,
    who: &Principal,
    content_type: ContentType,
    body: Vec<u8>,
) -> (Status, Value) {
    let res = app
        .client
        .post(path.to_string())
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", who.token),
        ))
        .header(content_type)
        .body(body)
        .dispatch()
        .await;
    let status = res.status();
    let json = res.into_json().await.unwrap_or(Value::Null);
    (status, json)
}

fn calendar() -> ContentType {
    ContentType::new("text", "calendar")
}

const INVITATION: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n\
VERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VTIMEZONE\r\nTZID:SE Asia Standard Time\r\nBEGIN:STANDARD\r\n\
DTSTART:16010101T000000\r\nTZOFFSETFROM:+0700\r\nTZOFFSETTO:+0700\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nSUMMARY;LANGUAGE=vi:Làm việc với Bộ Kế hoạch và Đầu tư về danh mục dự án trọng đ\r\n \
iểm\\, vốn ODA\r\nDTSTART;TZID=SE Asia Standard Time:20270412T140000\r\n\
DTEND;TZID=SE Asia Standard Time:20270412T163000\r\nLOCATION:Phòng họp số 1\\, tầng 3\r\n\
DESCRIPTION:Thành phần: Lãnh đạo Sở KH&ĐT\\; Sở Tài chính\\nGhi chú: (Giấy mời riêng)\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

#[rocket::async_test]
async fn an_outlook_invitation_prefills_a_meeting_request_without_creating_it() {
    let app = spawn_app().await;
    let o = app.office().await;
    let path = "/api/v1/import/meeting";
    let (s, v) = upload(&app, path, &o.clerk_a, calendar(), INVITATION.into()).await;
    assert_eq!(s, Status::Ok, "{v}");
    let m = &v["meeting"];
    assert_eq!(
        m["title"],
        "Làm việc với Bộ Kế hoạch và Đầu tư về danh mục dự án trọng điểm, vốn ODA"
    );
    assert_eq!(m["starts_at"], "2027-04-12T14:00");
    assert_eq!(m["ends_at"], "2027-04-12T16:30");
    assert_eq!(m["location"], "Phòng họp số 1, tầng 3");
    assert_eq!(
        m["agenda"],
        "Thành phần: Lãnh đạo Sở KH&ĐT; Sở Tài chính\nGhi chú: (Giấy mời riêng)"
    );

    // A broken file names its line; not a calendar: 415; too big: 413.
    let broken = INVITATION.replace("DTEND;TZID", "DTEND;TZID=x;:oops\r\nNOCOLON\r\nX");
    let (s, v) = upload(&app, path, &o.clerk_a, calendar(), broken.into()).await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(v["field"], "line 18");
    assert!(v["message"].as_str().unwrap().contains("18"), "{v}");
    let (s, _) = upload(&app, path, &o.clerk_a, ContentType::JSON, INVITATION.into()).await;
    assert_eq!(s, Status::UnsupportedMediaType);
    let huge = format!("{INVITATION}{}", "X-PAD:0123456789\r\n".repeat(70_000));
    let (s, _) = upload(&app, path, &o.clerk_a, calendar(), huge.into()).await;
    assert_eq!(s, Status::PayloadTooLarge);
    // Nothing was created.
    let (_, _, list) = app
        .call(
            rocket::http::Method::Get,
            "/api/v1/meetings?from=2027-04-01",
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(list["total"], 0, "{list}");
}

const HOLIDAYS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Chinh phu//Lich nghi//VI\r\n\
BEGIN:VEVENT\r\nUID:le-30-4-2027\r\nDTSTART;VALUE=DATE:20270430\r\nDTEND;VALUE=DATE:20270504\r\n\
SUMMARY:Nghỉ lễ Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:quoc-khanh-2027\r\nDTSTART;VALUE=DATE:20270902\r\nDTEND;VALUE=DATE:20270904\r\n\
SUMMARY:Quốc khánh\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[rocket::async_test]
async fn an_admin_imports_holidays_as_closures_once() {
    let app = spawn_app().await;
    let o = app.office().await;
    let path = "/api/v1/import/closures";
    let (s, _) = upload(&app, path, &o.clerk_a, calendar(), HOLIDAYS.into()).await;
    assert_eq!(s, Status::Forbidden);
    let (s, v) = upload(&app, path, &o.admin, calendar(), HOLIDAYS.into()).await;
    assert_eq!(s, Status::Created, "{v}");
    let created = v["created"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["starts_on"], "2027-04-30");
    assert_eq!(created[0]["ends_on"], "2027-05-03");
    assert_eq!(created[1]["reason"], "Quốc khánh");
    let (s, v) = upload(&app, path, &o.admin, calendar(), HOLIDAYS.into()).await;
    assert_eq!(s, Status::Created);
    assert_eq!(v["created"].as_array().unwrap().len(), 0);
    assert_eq!(v["skipped"].as_array().unwrap().len(), 2);

    let timed = HOLIDAYS.replace("DTSTART;VALUE=DATE:20270902", "DTSTART:20270902T080000Z");
    let (s, v) = upload(&app, path, &o.admin, calendar(), timed.into()).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("line 10"))
    );
}
