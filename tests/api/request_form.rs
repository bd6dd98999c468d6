//! The request form helps before it is sent: conflict hints (live for the script, by a button
//! without it), find a time, and the edit of a returned request with its version check.

use crate::helpers::*;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{json, Value};

/// An API call by `who` that must answer `expect`; its JSON body.
async fn api_as(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Principal,
    body: Option<Value>,
    expect: Status,
) -> Value {
    let (s, _, json) = app.call(method, path, Some(who), body.as_ref(), &[]).await;
    assert_eq!(s, expect, "{method} {path}: {json}");
    json
}

/// The request as the API shows it to clerk A.
async fn meeting(app: &TestApp, o: &Office, id: i64) -> Value {
    let path = format!("/api/v1/meetings/{id}");
    api_as(app, Method::Get, &path, &o.clerk_a, None, Status::Ok).await
}

/// An approved meeting of agency B: `room`, `chair`, 2027-03-09 08:00–09:00.
async fn approved(app: &TestApp, o: &Office, title: &str, room: i32, chair: i32) -> i64 {
    let body = json!({"title": title, "room_id": room, "chair_id": chair, "starts_at": "2027-03-09T08:00", "ends_at": "2027-03-09T09:00", "submit": true});
    let m = api_as(
        app,
        Method::Post,
        "/api/v1/meetings",
        &o.clerk_b,
        Some(body),
        Status::Created,
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    api_as(
        app,
        Method::Post,
        &format!("/api/v1/meetings/{id}/approve"),
        &o.approver,
        None,
        Status::Ok,
    )
    .await;
    id
}

/// What the form's script does: posts the form to one of its JSON endpoints.
async fn ask(b: &Browser<'_>, path: &str, fields: &[(&str, &str)], csrf: bool) -> (Status, Value) {
    let token = b.csrf.clone().unwrap_or_default();
    let mut all = vec![];
    if csrf {
        all.push(("csrf", token.as_str()));
    }
    all.extend_from_slice(fields);
    let req = b
        .app
        .client
        .post(path.to_string())
        .header(ContentType::Form)
        .header(Header::new("Accept", "application/json"))
        .body(form_body(&all));
    let res = b.with_cookies(req).dispatch().await;
    let status = res.status();
    let text = res.into_string().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON, not {text}")),
    )
}

#[rocket::async_test]
async fn the_live_check_names_the_colliding_meeting_and_refuses_forgeries() {
    let app = spawn_app().await;
    let o = app.office().await;
    let room = o.rooms[2];
    let theirs = approved(&app, &o, "Họp giao ban quý I", room, o.leaders[0]).await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let form = clerk.get("/dang-ky/moi").await;
    assert_eq!(form.status, Status::Ok);
    assert!(form.body.contains("<script src=\"/static/request-form."));
    assert!(form.body.contains("aria-live=\"polite\""));

    let room_s = room.to_string();
    let time = [
        ("day", "2027-03-09"),
        ("start", "08:30"),
        ("end", "09:30"),
        ("room_id", room_s.as_str()),
    ];
    let (s, hints) = ask(&clerk, "/dang-ky/kiem-tra", &time, true).await;
    assert_eq!(s, Status::Ok, "{hints}");
    assert_eq!(hints["errors"], 1, "{hints}");
    let c = &hints["conflicts"][0];
    assert_eq!(c["severity"], "error");
    assert_eq!(c["label"], "Lỗi");
    // Agency B's meeting: agency A learns when the room is taken, not what takes it.
    assert_eq!(c["meeting"]["title"], "Bận");
    assert!(c["meeting"]["id"].is_null());
    assert_eq!(c["meeting"]["when"], "08:00–09:00 09/03/2027");
    let r = api_as(
        &app,
        Method::Get,
        &format!("/api/v1/rooms/{room}"),
        &o.clerk_a,
        None,
        Status::Ok,
    )
    .await;
    assert_eq!(c["room"], r["name"]);
    let message = c["message"].as_str().unwrap();
    assert!(message.contains("«Bận»") && !message.contains("Họp giao ban quý I"));

    // Another room: the hint clears.
    let other = o.rooms[3].to_string();
    let (s, hints) = ask(
        &clerk,
        "/dang-ky/kiem-tra",
        &[
            ("day", "2027-03-09"),
            ("start", "08:30"),
            ("end", "09:30"),
            ("room_id", other.as_str()),
        ],
        true,
    )
    .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(hints["errors"], 0, "{hints}");

    // Without the CSRF token: refused, and nothing checked.
    let (s, refused) = ask(&clerk, "/dang-ky/kiem-tra", &time, false).await;
    assert_eq!(s, Status::Forbidden, "{refused}");
    assert_eq!(refused["error"], "forbidden");

    // Bad input names the field, as JSON, never 500.
    for (fields, field) in [
        (
            vec![("day", "2027-13-40"), ("start", "08:00"), ("end", "09:00")],
            "day",
        ),
        (
            vec![("day", "2027-03-09"), ("start", "8 giờ"), ("end", "09:00")],
            "start",
        ),
        (
            vec![("day", "2027-03-09"), ("start", "09:00"), ("end", "08:00")],
            "end",
        ),
        (
            vec![
                ("day", "2027-03-09"),
                ("start", "08:00"),
                ("end", "09:00"),
                ("room_id", "x"),
            ],
            "room_id",
        ),
        (
            vec![
                ("day", "2027-03-09"),
                ("start", "08:00"),
                ("end", "09:00"),
                ("room_id", "99999"),
            ],
            "room_id",
        ),
        (
            vec![
                ("day", "2027-03-09"),
                ("start", "08:00"),
                ("end", "09:00"),
                ("expected_attendance", "0"),
            ],
            "expected_attendance",
        ),
        (
            vec![
                ("day", "2027-03-09"),
                ("start", "08:00"),
                ("end", "09:00"),
                ("meeting_id", "abc"),
            ],
            "meeting_id",
        ),
    ] {
        let (s, refused) = ask(&clerk, "/dang-ky/kiem-tra", &fields, true).await;
        assert_eq!(s, Status::UnprocessableEntity, "{fields:?}: {refused}");
        assert_eq!(refused["field"], field, "{fields:?}: {refused}");
        assert!(!refused["message"].as_str().unwrap().is_empty());
    }

    // Another agency's request cannot be named as the one being edited.
    let theirs = theirs.to_string();
    let mut foreign = time.to_vec();
    foreign.push(("meeting_id", theirs.as_str()));
    let (s, refused) = ask(&clerk, "/dang-ky/kiem-tra", &foreign, true).await;
    assert_eq!(s, Status::NotFound, "{refused}");
    let (s, _) = ask(&clerk, "/dang-ky/tim-gio", &foreign, true).await;
    assert_eq!(s, Status::NotFound);

    // In English on an English page.
    clerk.get("/ngon-ngu/en?next=/dang-ky/moi").await;
    let (s, hints) = ask(&clerk, "/dang-ky/kiem-tra", &time, true).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(hints["conflicts"][0]["label"], "Error");
    assert!(
        hints["summary"].as_str().unwrap().starts_with("Errors: 1"),
        "{hints}"
    );
    assert!(hints["conflicts"][0]["message"]
        .as_str()
        .unwrap()
        .contains("is taken"));

    // Signed out: 401 as JSON too.
    let anonymous = Browser::new(&app);
    let (s, _) = ask(&anonymous, "/dang-ky/kiem-tra", &time, false).await;
    assert_eq!(s, Status::Unauthorized);
}

#[rocket::async_test]
async fn the_check_button_re_renders_the_form_with_the_conflicts_and_every_value_kept() {
    let app = spawn_app().await;
    let o = app.office().await;
    let room = o.rooms[2].to_string();
    approved(&app, &o, "Họp giao ban quý I", o.rooms[2], o.leaders[0]).await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    clerk.get("/dang-ky/moi").await;
    let agency_b = o.agency_b.to_string();
    let page = clerk
        .post(
            "/dang-ky",
            &[
                ("title", "Họp bàn kế hoạch đầu tư công"),
                ("day", "2027-03-09"),
                ("start", "08:30"),
                ("end", "09:30"),
                ("room_id", &room),
                ("agencies", &agency_b),
                ("agenda", "Rà soát danh mục <dự án>"),
                ("expected_attendance", "12"),
                ("step", "check"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("Lỗi:"), "{b}");
    assert!(
        b.contains("«Bận»") && !b.contains("Họp giao ban quý I"),
        "{b}"
    );
    assert!(b.contains("value=\"Họp bàn kế hoạch đầu tư công\""));
    assert!(b.contains("value=\"2027-03-09\""));
    assert!(b.contains("value=\"08:30\""));
    assert!(b.contains("Rà soát danh mục &lt;dự án&gt;</textarea>"));
    assert!(b.contains("value=\"12\""));
    assert!(b.contains(&format!("value=\"{room}\" selected")));
    assert!(b.contains(&format!("value=\"{agency_b}\" checked")));
    // Nothing was saved.
    let (_, _, list) = app
        .call(Method::Get, "/api/v1/meetings", Some(&o.clerk_a), None, &[])
        .await;
    assert!(!list.to_string().contains("kế hoạch đầu tư công"), "{list}");

    // A bad value is shown beside its field, the rest kept.
    let page = clerk
        .post(
            "/dang-ky",
            &[
                ("title", "Họp bàn kế hoạch đầu tư công"),
                ("day", ""),
                ("start", "08:30"),
                ("end", "09:30"),
                ("step", "check"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity);
    assert!(page.body.contains("id=\"f-day-error\""), "{}", page.body);
    assert!(page.body.contains("value=\"Họp bàn kế hoạch đầu tư công\""));
}

#[rocket::async_test]
async fn find_a_time_respects_approved_meetings_and_closures() {
    let app = spawn_app().await;
    let o = app.office().await;
    let chair = o.leaders[0];
    approved(&app, &o, "Họp giao ban quý I", o.rooms[2], chair).await;
    api_as(
        &app,
        Method::Post,
        "/api/v1/closures",
        &o.admin,
        Some(json!({"starts_on": "2027-03-10", "reason": "Bầu cử"})),
        Status::Created,
    )
    .await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    clerk.get("/dang-ky/moi").await;
    let chair_s = chair.to_string();

    // The chair is busy 08:00–09:00 on 9/3: no slot with them overlaps it.
    let (s, found) = ask(
        &clerk,
        "/dang-ky/tim-gio",
        &[
            ("chair_id", &chair_s),
            ("duration", "60"),
            ("find_from", "2027-03-09"),
            ("find_to", "2027-03-09"),
        ],
        true,
    )
    .await;
    assert_eq!(s, Status::Ok, "{found}");
    let slots = found["slots"].as_array().unwrap();
    assert!(!slots.is_empty(), "{found}");
    for slot in slots {
        let (from, to) = (
            slot["start"].as_str().unwrap(),
            slot["end"].as_str().unwrap(),
        );
        assert!(to <= "08:00" || from >= "09:00", "{slot}");
        assert!(!slot["rooms"].as_array().unwrap().is_empty());
    }
    // 07:30–08:30 would overlap: the first slot is right after the meeting.
    assert_eq!(slots[0]["start"], "09:00", "{found}");
    assert_eq!(slots[0]["label"], "Thứ Ba 09/03/2027");

    // 10/3 is closed: the first slot is on 11/3.
    let (s, found) = ask(
        &clerk,
        "/dang-ky/tim-gio",
        &[
            ("duration", "90"),
            ("find_from", "2027-03-10"),
            ("find_to", "2027-03-11"),
        ],
        true,
    )
    .await;
    assert_eq!(s, Status::Ok, "{found}");
    let slots = found["slots"].as_array().unwrap();
    assert!(!slots.is_empty());
    assert!(slots.iter().all(|s| s["day"] == "2027-03-11"), "{found}");
    assert_eq!(slots[0]["end"], "09:00");

    // A bad range names its field.
    let (s, refused) = ask(
        &clerk,
        "/dang-ky/tim-gio",
        &[("find_from", "2027-03-11"), ("find_to", "2027-03-01")],
        true,
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert_eq!(refused["field"], "find_to");

    // Without script: the button lists the slots as links that reopen the form with the slot
    // and every typed value.
    let page = clerk
        .post(
            "/dang-ky",
            &[
                ("title", "Họp chuyên đề"),
                ("chair_id", &chair_s),
                ("duration", "60"),
                ("find_from", "2027-03-09"),
                ("find_to", "2027-03-09"),
                ("step", "find"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("value=\"Họp chuyên đề\""));
    let at = page.body.find("href=\"/dang-ky/moi?").expect("a slot link");
    let href = page.body[at + 6..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#x3D;", "=");
    assert!(href.contains("day=2027-03-09"), "{href}");
    assert!(href.contains("start=09%3A00"), "{href}");
    assert!(href.contains("title=H"), "{href}");
    let reopened = clerk.get(&href).await;
    assert_eq!(reopened.status, Status::Ok);
    assert!(reopened.body.contains("value=\"Họp chuyên đề\""));
    assert!(reopened.body.contains("value=\"09:00\""));
    assert!(reopened.body.contains("value=\"10:00\""));
    assert!(
        reopened.body.contains("Không có trùng lịch hay lưu ý nào."),
        "the chosen slot is checked: {}",
        reopened.body
    );
}

/// A request of agency A, submitted then returned by the office.
async fn returned(app: &TestApp, o: &Office) -> i64 {
    let body = json!({"title": "Họp về giải phóng mặt bằng", "room_id": o.rooms[1], "starts_at": "2027-03-16T14:00", "ends_at": "2027-03-16T15:30", "attendees": [{"agency_id": o.agency_b}], "agenda": "Báo cáo tiến độ", "online_link": "https://hop.example.vn/gpmb", "submit": true});
    let m = api_as(
        app,
        Method::Post,
        "/api/v1/meetings",
        &o.clerk_a,
        Some(body),
        Status::Created,
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    api_as(
        app,
        Method::Post,
        &format!("/api/v1/meetings/{id}/return"),
        &o.staff,
        Some(json!({"reason": "Bổ sung thành phần"})),
        Status::Ok,
    )
    .await;
    id
}

#[rocket::async_test]
async fn a_returned_request_is_edited_with_its_version_and_submitted_again() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = returned(&app, &o).await;
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains(&format!("href=\"/cuoc-hop/{id}/sua\"")));
    let edit = clerk.get(&format!("/cuoc-hop/{id}/sua")).await;
    assert_eq!(edit.status, Status::Ok, "{}", edit.body);
    let b = &edit.body;
    assert!(b.contains("value=\"Họp về giải phóng mặt bằng\""));
    assert!(b.contains("value=\"2027-03-16\""));
    assert!(b.contains("value=\"14:00\"") && b.contains("value=\"15:30\""));
    assert!(b.contains(&format!("value=\"{}\" checked", o.agency_b)));
    assert!(b.contains("Báo cáo tiến độ</textarea>"));
    let m = meeting(&app, &o, id).await;
    let version = m["version"].as_i64().unwrap().to_string();
    assert!(
        b.contains(&format!("name=\"version\" value=\"{version}\"")),
        "{b}"
    );

    // Someone else changes it meanwhile (through the API): the page's edit is refused.
    let patch = json!({"title": "Họp về giải phóng mặt bằng (sửa)", "room_id": o.rooms[1], "starts_at": "2027-03-16T14:00", "ends_at": "2027-03-16T15:30", "attendees": [{"agency_id": o.agency_b}], "online_link": "https://hop.example.vn/gpmb"});
    let (s, _, _) = app
        .call(
            Method::Patch,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.clerk_a),
            Some(&patch),
            &[("If-Match", format!("\"{version}\""))],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let room = o.rooms[1].to_string();
    let agency_b = o.agency_b.to_string();
    let fields = |version: &str| {
        vec![
            (
                "title".to_string(),
                "Họp về giải phóng mặt bằng đợt 2".to_string(),
            ),
            ("day".into(), "2027-03-17".into()),
            ("start".into(), "14:00".into()),
            ("end".into(), "15:30".into()),
            ("room_id".into(), room.clone()),
            ("agencies".into(), agency_b.clone()),
            (
                "agenda".into(),
                "Báo cáo tiến độ, bổ sung thành phần".into(),
            ),
            // The form shows the link the API set; a browser sends it back.
            ("online_link".into(), "https://hop.example.vn/gpmb".into()),
            ("version".into(), version.to_string()),
        ]
    };
    let stale = fields(&version);
    let stale: Vec<(&str, &str)> = stale
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = clerk.post(&format!("/cuoc-hop/{id}/sua"), &stale).await;
    assert_eq!(
        refused.status,
        Status::PreconditionFailed,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("đã được người khác sửa"),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains("value=\"Họp về giải phóng mặt bằng đợt 2\""));
    let m = meeting(&app, &o, id).await;
    assert_eq!(
        m["title"], "Họp về giải phóng mặt bằng (sửa)",
        "not overwritten"
    );

    // From the current version the edit is saved.
    let fresh = m["version"].as_i64().unwrap().to_string();
    let current = fields(&fresh);
    let current: Vec<(&str, &str)> = current
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = clerk.post(&format!("/cuoc-hop/{id}/sua"), &current).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let m = meeting(&app, &o, id).await;
    assert_eq!(m["title"], "Họp về giải phóng mặt bằng đợt 2");
    assert_eq!(m["status"], "returned");
    assert_eq!(m["online_link"], "https://hop.example.vn/gpmb");

    // Then it is sent for approval again from its page.
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains(&format!("/cuoc-hop/{id}/gui-duyet")));
    let sent = clerk.post(&format!("/cuoc-hop/{id}/gui-duyet"), &[]).await;
    assert_eq!(sent.status, Status::SeeOther);
    let page = clerk.get(sent.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Chờ duyệt"), "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "Đã gửi duyệt đăng ký #{id} «Họp về giải phóng mặt bằng đợt 2»."
        )),
        "{}",
        page.body
    );
}

#[rocket::async_test]
async fn only_the_owning_agency_s_clerk_edits_and_a_withdrawn_request_is_not_edited() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = returned(&app, &o).await;
    let path = format!("/cuoc-hop/{id}/sua");

    let mut other = app.signed_in(&o.clerk_b).await;
    assert_eq!(other.get(&path).await.status, Status::NotFound);
    other.get("/dang-ky/moi").await;
    let refused = other
        .post(&path, &[("title", "Sửa trộm"), ("version", "1")])
        .await;
    assert_eq!(refused.status, Status::NotFound);
    let mut staff = app.signed_in(&o.staff).await;
    assert_eq!(staff.get(&path).await.status, Status::Forbidden);
    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        !page.body.contains(&path),
        "the office does not edit an agency's request"
    );

    // The clerk withdraws it from its page; then it can no longer be edited.
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let page = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains(&format!("/cuoc-hop/{id}/rut")));
    // Withdrawing is asked again first, on a page (no JavaScript needed).
    let asked = clerk.post(&format!("/cuoc-hop/{id}/rut"), &[]).await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    assert!(asked.body.contains(&format!("Rút đăng ký #{id} «")));
    assert!(asked.body.contains("name=\"confirmed\" value=\"true\""));
    let done = clerk
        .post(&format!("/cuoc-hop/{id}/rut"), &[("confirmed", "true")])
        .await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = clerk.get(done.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Đã rút"), "{}", page.body);
    assert!(page.body.contains(&format!("Đã rút đăng ký #{id} «")));
    assert!(!page.body.contains(&format!("href=\"{path}\"")));
    assert_eq!(clerk.get(&path).await.status, Status::Conflict);
}

#[rocket::async_test]
async fn a_conflicting_request_offers_find_a_time_from_its_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    approved(&app, &o, "Họp giao ban quý I", o.rooms[2], o.leaders[0]).await;
    let body = json!({"title": "Họp trùng phòng", "room_id": o.rooms[2], "starts_at": "2027-03-09T08:30", "ends_at": "2027-03-09T09:30", "submit": true});
    let m = api_as(
        &app,
        Method::Post,
        "/api/v1/meetings",
        &o.clerk_a,
        Some(body),
        Status::Created,
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    let find = format!("/cuoc-hop/{id}/tim-gio");

    let mut staff = app.signed_in(&o.staff).await;
    let queue = staff.get("/hang-doi").await;
    let row = queue
        .body
        .split("<tr")
        .find(|r| r.contains("Họp trùng phòng"))
        .expect("in the queue");
    assert!(row.contains("trùng lịch, cần tìm giờ khác"), "{row}");
    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page.body.contains(&find), "{}", page.body);
    let slots = staff.get(&find).await;
    assert_eq!(slots.status, Status::Ok, "{}", slots.body);
    assert!(slots.body.contains("Thứ Ba 09/03/2027"), "{}", slots.body);
    assert!(!slots.body.contains("/sua?"), "the office does not edit");
    // Each slot is a link for the office: the meeting's reschedule form with the slot and room.
    let links: Vec<String> = slots
        .body
        .replace("&#x3D;", "=")
        .split(&format!("href=\"/cuoc-hop/{id}?starts_at="))
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&")
                .replace("&#x3D;", "=")
        })
        .collect();
    assert!(!links.is_empty(), "{}", slots.body);
    assert!(slots.body.contains("Dời lịch sang: "));
    assert!(links[0].starts_with("2027-03-09T"), "{links:?}");
    // Spread over several working days, never across lunch.
    let days: std::collections::BTreeSet<&str> = links.iter().map(|l| &l[..10]).collect();
    assert!(days.len() > 1, "{links:?}");
    for l in &links {
        let start = &l[11..16];
        let end = &l.split("ends_at=").nth(1).unwrap()[11..16];
        assert!(end <= "11:30" || start >= "13:30", "{l}");
        assert!(l.contains("&room_id="), "{l}");
    }
    assert!(links.iter().all(|l| l.ends_with("#gio-moi")), "{links:?}");
    let href = format!("/cuoc-hop/{id}?starts_at={}", links[0]);
    let target = staff.get(href.split('#').next().unwrap()).await;
    assert_eq!(target.status, Status::Ok, "the link lands on the meeting");
    // The request waits: the slot fills the return's proposal, the form the link points at.
    let start = &links[0][..16];
    let form = target
        .body
        .split("<form")
        .find(|f| f.contains("id=\"gio-moi\""))
        .expect("the form that takes the offered time");
    assert!(form.contains(&format!("/cuoc-hop/{id}/tra-lai")), "{form}");
    assert!(form.contains(&format!("value=\"{start}\"")), "{form}");

    let mut clerk = app.signed_in(&o.clerk_a).await;
    let slots = clerk.get(&find).await;
    let at = slots
        .body
        .find(&format!("href=\"/cuoc-hop/{id}/sua?"))
        .expect("a slot link");
    let href = slots.body[at + 6..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#x3D;", "=");
    let edit = clerk.get(&href).await;
    assert_eq!(edit.status, Status::Ok, "{}", edit.body);
    assert!(edit.body.contains("value=\"Họp trùng phòng\""));
    assert!(
        edit.body.contains("Không có trùng lịch hay lưu ý nào."),
        "{}",
        edit.body
    );

    let mut other = app.signed_in(&o.clerk_b).await;
    assert_eq!(other.get(&find).await.status, Status::NotFound);
}
