//! The request form at scale and on a phone (#18 items 5–7): agencies and persons chosen from
//! searchable pickers (the page lists only the chosen items and the matches of a filter, the
//! lists themselves once for the script); every refused field in a summary at the top; and
//! documents attached in the creating form, stored before the answer or not at all.

use crate::documents::BOUNDARY;
use crate::helpers::*;
use rocket::http::{ContentType, Header, Method, Status};

/// How many times `needle` occurs in `page`.
fn count(page: &str, needle: &str) -> usize {
    page.matches(needle).count()
}

#[rocket::async_test]
async fn pickers_list_only_the_chosen_and_the_matches_of_the_filter() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get("/dang-ky/moi").await;
    assert_eq!(page.status, Status::Ok);
    // No agency or person is listed as a box to tick: nothing chosen, nothing searched.
    for name in [
        "agencies",
        "agencies_optional",
        "persons",
        "persons_optional",
    ] {
        assert_eq!(
            count(&page.body, &format!("type=\"checkbox\" name=\"{name}\"")),
            0,
            "{name}"
        );
        assert!(page.body.contains(&format!("data-name=\"{name}\"")));
    }
    // The lists for the script come once for the page.
    assert_eq!(count(&page.body, "id=\"picker-data\""), 1);

    // A filter without script (a GET link or the "Tìm" button): marks and case do not matter.
    let found = clerk.get("/dang-ky/moi?q_agencies=so%20TAI%20chinh").await;
    assert_eq!(found.status, Status::Ok);
    assert_eq!(
        count(&found.body, "type=\"checkbox\" name=\"agencies\" value=\""),
        1,
        "one agency matches «so tai chinh»"
    );
    assert!(found.body.contains("Sở Tài chính"));
    assert!(
        found.body.contains("value=\"so TAI chinh\""),
        "the filter is kept"
    );

    // "Tìm" posts the whole form back: what was typed and chosen stays, the matches are listed.
    let agency_b = o.agency_b.to_string();
    let filtered = clerk
        .post(
            "/dang-ky",
            &[
                ("title", "Họp kiểm thử bộ chọn"),
                ("agencies", &agency_b),
                ("q_persons", "chu tich"),
                ("step", "filter"),
            ],
        )
        .await;
    assert_eq!(filtered.status, Status::Ok, "{}", filtered.body);
    assert!(filtered.body.contains("value=\"Họp kiểm thử bộ chọn\""));
    assert!(filtered.body.contains(&format!(
        "type=\"checkbox\" name=\"agencies\" value=\"{agency_b}\" checked"
    )));
    assert!(
        count(
            &filtered.body,
            "type=\"checkbox\" name=\"persons\" value=\""
        ) >= 1
    );
    assert!(!filtered.body.contains("id=\"error-summary\""));

    // Chosen through the picker and saved: the attendees are the ones ticked.
    let day = "2027-03-10";
    let saved = clerk
        .post(
            "/dang-ky",
            &[
                ("title", "Họp kiểm thử bộ chọn"),
                ("day", day),
                ("start", "14:00"),
                ("end", "15:00"),
                ("location", "Sở Tài chính"),
                ("agencies", &agency_b),
                ("persons_optional", &o.leaders[0].to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let id: i64 = saved.location.expect("a redirect")[10..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let attendees = entity::meeting_attendee::Entity::find()
        .filter(entity::meeting_attendee::Column::MeetingId.eq(id as i32))
        .all(&app.db().conn)
        .await
        .unwrap();
    let agency = attendees.iter().find(|a| a.agency_id == Some(o.agency_b));
    assert_eq!(agency.map(|a| a.role), Some(entity::AttendeeRole::Required));
    let leader = attendees.iter().find(|a| a.person_id == Some(o.leaders[0]));
    assert_eq!(leader.map(|a| a.role), Some(entity::AttendeeRole::Optional));
}

#[rocket::async_test]
async fn a_refused_save_lists_every_refused_field_at_the_top() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    clerk.get("/dang-ky/moi").await;
    let refused = clerk
        .post(
            "/dang-ky",
            &[("agenda", "Chương trình riêng"), ("start", "8h")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    let b = &refused.body;
    assert!(b.contains("id=\"error-summary\""), "{b}");
    assert!(b.contains("Có 4 lỗi cần sửa"), "{b}");
    assert!(!b.contains("Có 0 lỗi"));
    for field in ["title", "day", "start", "end"] {
        assert!(b.contains(&format!("href=\"#f-{field}\"")), "{field}");
        assert!(b.contains(&format!("id=\"f-{field}-error\"")), "{field}");
    }
    // The summary comes before the form, and takes the focus.
    assert!(b.find("id=\"error-summary\"").unwrap() < b.find("id=\"request-form\"").unwrap());
    assert!(b.contains("tabindex=\"-1\" autofocus"));
    assert_eq!(
        b.matches("Chương trình riêng").count(),
        1,
        "the agenda is kept"
    );

    // One refusal from the rules: one error, said in the singular where the language has one.
    let mut english = app.signed_in(&o.clerk_a).await;
    english.get("/ngon-ngu/en").await;
    english.get("/dang-ky/moi").await;
    let one = english
        .post(
            "/dang-ky",
            &[
                ("title", "One error"),
                ("day", "2027-03-10"),
                ("start", "10:00"),
                ("end", "09:00"),
            ],
        )
        .await;
    assert_eq!(one.status, Status::UnprocessableEntity);
    assert!(one.body.contains("There is 1 error to fix"), "{}", one.body);
    assert!(one.body.contains("href=\"#f-end\""));
}

/// The creating form as a browser sends it with files: its text fields, then each file.
fn form_with_files(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = vec![];
    for (name, value) in fields {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
    body
}

async fn send_with_files(
    b: &mut Browser<'_>,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> PageAnswer {
    let token = b.csrf.clone().unwrap_or_default();
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    let req = b
        .app
        .client
        .post("/dang-ky")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(form_with_files(&all, files));
    let res = b.with_cookies(req).dispatch().await;
    PageAnswer {
        status: res.status(),
        location: res.headers().get_one("Location").map(str::to_string),
        body: res.into_string().await.unwrap_or_default(),
    }
}

async fn meetings_of(app: &TestApp, who: &Principal) -> usize {
    let (status, _, list) = app
        .call(Method::Get, "/api/v1/meetings", Some(who), None, &[])
        .await;
    assert_eq!(status, Status::Ok);
    list.as_array()
        .or_else(|| list["items"].as_array())
        .map_or(0, Vec::len)
}

#[rocket::async_test]
async fn documents_go_with_the_new_request_or_the_save_is_refused_with_nothing_stored() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let form = clerk.get("/dang-ky/moi").await;
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(form
        .body
        .contains("type=\"file\" multiple id=\"f-documents\" name=\"documents\""));
    let before = meetings_of(&app, &o.clerk_a).await;
    let agenda = "Dòng một\r\n  Dòng hai\r\n\r\nDòng bốn";
    let fields = |end: &'static str| {
        vec![
            ("title", "Họp có tài liệu đính kèm"),
            ("kind", "hop"),
            ("day", "2027-03-11"),
            ("start", "08:00"),
            ("end", end),
            ("location", "Sở Tài chính"),
            ("agenda", agenda),
        ]
    };
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% bao cao\n%%EOF\n".to_vec();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();

    // A refused save: the typed request comes back, the files are asked for again.
    let refused = send_with_files(&mut clerk, &fields("07:00"), &[("Báo cáo.pdf", &pdf)]).await;
    assert_eq!(
        refused.status,
        Status::UnprocessableEntity,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Họp có tài liệu đính kèm\""));
    assert!(
        refused.body.contains("hãy chọn lại tệp"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("href=\"#f-documents\""));
    assert!(refused.body.contains("Có 2 lỗi cần sửa"));
    // A file the rules refuse (HTML named .pdf) refuses the save: no request, no file.
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let bad = send_with_files(&mut clerk, &fields("09:00"), &[("thu.pdf", &html)]).await;
    assert_eq!(bad.status, Status::UnprocessableEntity, "{}", bad.body);
    assert!(bad.body.contains("thu.pdf"), "the file is named");
    assert!(bad.body.contains("id=\"f-documents-error\""));
    assert_eq!(meetings_of(&app, &o.clerk_a).await, before);
    let stored = app.data_dir.path().join("documents");
    let files = || {
        std::fs::read_dir(&stored)
            .map(|d| d.filter_map(|e| e.ok()).count())
            .unwrap_or(0)
    };
    assert_eq!(files(), 0, "nothing stored, no temporary file left");

    // Saved with two documents: both recorded before the answer, byte for byte.
    let saved = send_with_files(
        &mut clerk,
        &fields("09:00"),
        &[("Báo cáo.pdf", &pdf), ("so-do.png", &png)],
    )
    .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let id: i64 = saved.location.expect("a redirect")[10..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let path = format!("/api/v1/meetings/{id}/documents");
    let (_, _, docs) = app
        .call(Method::Get, &path, Some(&o.clerk_a), None, &[])
        .await;
    let docs = docs["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(docs[0]["file_name"], "Báo cáo.pdf");
    let res = app
        .client
        .get(format!("/api/v1/documents/{}", docs[0]["id"]))
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .dispatch()
        .await;
    assert_eq!(res.into_bytes().await.unwrap(), pdf);
    assert_eq!(files(), 2, "two contents, no temporary file left");
    let m = app.meeting_as(&o.clerk_a, id).await;
    let stored_agenda = m["agenda"].as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(
        stored_agenda,
        agenda.replace("\r\n", "\n"),
        "the agenda as typed"
    );
}

#[rocket::async_test]
async fn the_check_of_a_new_request_says_when_the_documents_deadline_has_passed() {
    let app = spawn_app().await;
    let o = app.office().await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    clerk.get("/dang-ky/moi").await;
    let soon = (lichhop::domain::clock::office_date(lichhop::domain::clock::now())
        + chrono::Duration::days(2))
    .to_string();
    let far = "2027-03-11";
    for (day, late) in [(soon.as_str(), true), (far, false)] {
        let checked = clerk
            .post(
                "/dang-ky",
                &[
                    ("title", "Họp gấp"),
                    ("kind", "hop"),
                    ("day", day),
                    ("start", "14:00"),
                    ("end", "15:00"),
                    ("location", "Sở Tài chính"),
                    ("step", "check"),
                ],
            )
            .await;
        assert_eq!(checked.status, Status::Ok, "{}", checked.body);
        assert_eq!(
            checked.body.contains("Hạn gửi tài liệu họp là"),
            late,
            "{day}: {}",
            checked.body
        );
        if late {
            assert!(!checked.body.contains("Không có trùng lịch hay lưu ý nào."));
        }
    }
}
