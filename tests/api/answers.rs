//! Invitees answer without an account (issue #17 item 4): the invitation that reaches the real
//! SMTP sink carries a personal link `/tra-loi/<token>`; following it answers, the meeting page
//! and the API show the answers, a later answer replaces an earlier one until the meeting starts,
//! and a revoked or unknown link is one and the same 404.

use crate::helpers::*;
use rocket::http::{Method, Status};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{json, Value};

fn request(o: &Office, invitees: &[i32]) -> Value {
    let attendees: Vec<Value> = invitees
        .iter()
        .map(|p| json!({"person_id": p, "role": "required"}))
        .collect();
    json!({
        "title": "Họp bàn phương án phòng chống lụt bão",
        "kind": "hop",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[0],
        "starts_at": "2027-03-09T08:00",
        "ends_at": "2027-03-09T10:30",
        "visibility": "confidential",
        "expected_attendance": 10,
        "attendees": attendees,
    })
}

async fn email_of(app: &TestApp, person: i32) -> String {
    entity::person::Entity::find_by_id(person)
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap()
        .email
        .unwrap()
}

/// Waits (up to 20 s) until `n` messages to `address` arrived; returns them, in arrival order.
async fn mail_to(sink: &SmtpSink, address: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got: Vec<Value> = sink
            .messages()
            .into_iter()
            .filter(|m| m["to"].as_str().unwrap_or("").contains(address))
            .collect();
        if got.len() >= n {
            return got;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{n} messages to {address}: {:?}", sink.messages());
}

/// The path of the answer link in the plain text of a message.
fn answer_path(message: &Value) -> String {
    let text = message["text"].as_str().unwrap_or_default();
    let at = text
        .find("/tra-loi/")
        .unwrap_or_else(|| panic!("the link in {text}"));
    let path: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert_eq!(path.len(), "/tra-loi/".len() + 64, "{path}");
    path
}

async fn answers_as(app: &TestApp, who: &Principal, id: i64) -> Value {
    app.meeting_as(who, id).await["answers"].clone()
}

#[rocket::async_test]
async fn an_invitee_answers_through_the_link_of_the_invitation_until_the_meeting_starts() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(&sink.settings()).await;
    let o = app.office().await;
    let invitee = app.head_of(o.agency_b).await;
    let other = app.head_of(o.agency_a).await;
    let invitee_mail = email_of(&app, invitee).await;
    let id = app
        .approved(&o, &o.clerk_a, &request(&o, &[invitee, other]))
        .await;
    let first = mail_to(&sink, &invitee_mail, 1).await;
    let path = answer_path(&first[0]);
    let token = path.trim_start_matches("/tra-loi/").to_string();
    // The HTML part carries it too.
    assert!(first[0]["html"].as_str().unwrap().contains(&path));

    // Only the token's hash is kept, and nowhere the token itself.
    let links = entity::answer_link::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap();
    assert!(!links.is_empty());
    assert!(links
        .iter()
        .any(|l| l.token_hash == lichhop::auth::token_hash(&token)));
    assert!(links.iter().all(|l| l.token_hash != token));
    for row in app.outbox().await {
        let text = format!("{row:?}");
        assert!(!text.contains(&token), "the outbox keeps no token");
    }

    // The page, without an account: the confidential meeting's details for its invitee.
    let mut b = Browser::new(&app);
    let page = b.get(&path).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("Họp bàn phương án phòng chống lụt bão"));
    assert!(page.body.contains("09/03/2027 08:00"));
    assert!(page.body.contains("Chưa trả lời"));

    // Absent without a reason: refused naming the field, the typed deputy name kept.
    let refused = b
        .post(
            &path,
            &[
                ("choice", "vang"),
                ("reason", "  "),
                ("deputy_name", "Lê Thị Gõ"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        Status::UnprocessableEntity,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("f-reason-error"), "{}", refused.body);
    assert!(refused.body.contains("Xin ghi lý do vắng."));
    assert!(refused.body.contains("value=\"Lê Thị Gõ\""));
    // A deputy without a position: the position is named.
    let refused = b
        .post(
            &path,
            &[("choice", "cu-nguoi"), ("deputy_name", "Lê Thị Gõ")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused.body.contains("f-deputy_position-error"));
    // Without the form's CSRF field: forbidden.
    let forged = b.post_raw(&path, form_body(&[("choice", "tham-du")])).await;
    assert_eq!(forged.status, Status::Forbidden);

    let saved = b
        .post(
            &path,
            &[("choice", "vang"), ("reason", "Đi công tác Hà Nội")],
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let shown = b.get(saved.location.as_deref().unwrap()).await;
    assert!(shown.body.contains("Đã ghi nhận trả lời"), "{}", shown.body);
    assert!(shown.body.contains("Đi công tác Hà Nội"));

    // The office, the requesting agency (page and API) see the summary; another agency does not.
    let mut staff = app.signed_in(&o.staff).await;
    let meeting_page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(
        meeting_page
            .body
            .contains("Đã xác nhận 1/2 · Vắng 1 · Cử người thay 0"),
        "{}",
        meeting_page.body
    );
    assert!(meeting_page.body.contains("Đi công tác Hà Nội"));
    let answers = answers_as(&app, &o.clerk_a, id).await;
    assert_eq!(answers["invited"], 2);
    assert_eq!(answers["answered"], 1);
    assert_eq!(answers["absent"], 1);
    let mine = answers["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["person_id"] == invitee)
        .unwrap()
        .clone();
    assert_eq!(mine["participation"], "declined");
    assert_eq!(mine["reason"], "Đi công tác Hà Nội");
    let (s, _, _) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NotFound);

    // A later answer replaces the earlier one, and both are in the history.
    let saved = b
        .post(
            &path,
            &[
                ("choice", "cu-nguoi"),
                ("reason", "Đi công tác Hà Nội"),
                ("deputy_name", "Lê Thị Gõ"),
                ("deputy_position", "Phó Giám đốc"),
            ],
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let answers = answers_as(&app, &o.staff, id).await;
    assert_eq!(
        (
            answers["answered"].clone(),
            answers["absent"].clone(),
            answers["deputy"].clone()
        ),
        (json!(1), json!(0), json!(1))
    );
    let mine = answers["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["person_id"] == invitee)
        .unwrap()
        .clone();
    assert_eq!(mine["participation"], "delegated");
    assert_eq!(mine["reason"], Value::Null);
    assert_eq!(mine["deputy_name"], "Lê Thị Gõ");
    assert_eq!(mine["deputy_position"], "Phó Giám đốc");
    let (s, _, events) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}/events"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("answer_"))
        .collect();
    assert_eq!(actions, ["answer_absent", "answer_deputy"]);

    // The moved meeting's REQUEST shows the answer as PARTSTAT and carries a working link.
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "reschedule",
            json!({"starts_at": "2027-03-10T14:00", "ends_at": "2027-03-10T15:00", "reason": "Trùng lịch tiếp khách"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let moved = mail_to(&sink, &invitee_mail, 2).await;
    assert_eq!(moved.len(), 2, "{moved:?}");
    let attendee = moved[1]["calendars"][0]["events"][0]["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["address"] == format!("mailto:{invitee_mail}"))
        .unwrap()
        .clone();
    assert_eq!(attendee["partstat"], "DELEGATED");
    let new_path = answer_path(&moved[1]);
    assert_ne!(new_path, path);
    for p in [&path, &new_path] {
        assert_eq!(
            b.get(p).await.status,
            Status::Ok,
            "the earlier link still works"
        );
    }

    // Once the meeting has started: a clear refusal, nothing changed.
    let mut m = entity::meeting::Entity::find_by_id(id as i32)
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    m.starts_at = Set(chrono::Utc::now() - chrono::Duration::minutes(5));
    m.update(&app.db().conn).await.unwrap();
    let late = b.post(&path, &[("choice", "tham-du")]).await;
    assert_eq!(late.status, Status::Conflict, "{}", late.body);
    assert!(
        late.body.contains("không thể thay đổi trả lời"),
        "{}",
        late.body
    );
    assert_eq!(
        answers_as(&app, &o.staff, id).await["deputy"],
        1,
        "the refused answer changed nothing"
    );
}

#[rocket::async_test]
async fn a_revoked_or_unknown_link_is_the_same_404_in_the_page_language() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(&sink.settings()).await;
    let o = app.office().await;
    let invitee = app.head_of(o.agency_b).await;
    let invitee_mail = email_of(&app, invitee).await;
    let id = app.approved(&o, &o.clerk_a, &request(&o, &[invitee])).await;
    let path = answer_path(&mail_to(&sink, &invitee_mail, 1).await[0]);
    let mut b = Browser::new(&app);
    assert_eq!(b.get(&path).await.status, Status::Ok);

    let unknown = b.get(&format!("/tra-loi/{}", "0".repeat(64))).await;
    assert_eq!(unknown.status, Status::NotFound);
    let (s, v) = app
        .act(&o.approver, id, "cancel", json!({"reason": "Lãnh đạo bận"}))
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let revoked = b.get(&path).await;
    assert_eq!(revoked.status, Status::NotFound);
    assert_eq!(
        revoked.body, unknown.body,
        "no hint whether the link existed"
    );
    assert!(revoked.body.contains("Liên kết trả lời không tồn tại"));
    let posted = b.post(&path, &[("choice", "tham-du")]).await;
    assert_eq!(posted.status, Status::NotFound);
    // The cancellation marked the link revoked for good.
    let links = entity::answer_link::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap();
    assert!(links.iter().all(|l| l.revoked_at.is_some()), "{links:?}");

    // In English after the language switch.
    b.get("/ngon-ngu/en?next=/").await;
    let english = b.get(&path).await;
    assert_eq!(english.status, Status::NotFound);
    assert!(
        english.body.contains("This answer link does not exist"),
        "{}",
        english.body
    );
}

#[rocket::async_test]
async fn the_answer_page_speaks_english_after_the_switch() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(&sink.settings()).await;
    let o = app.office().await;
    let invitee = app.head_of(o.agency_b).await;
    let invitee_mail = email_of(&app, invitee).await;
    app.approved(&o, &o.clerk_a, &request(&o, &[invitee])).await;
    let path = answer_path(&mail_to(&sink, &invitee_mail, 1).await[0]);
    let mut b = Browser::new(&app);
    b.get(&format!("/ngon-ngu/en?next={path}")).await;
    let page = b.get(&path).await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains("Answer a meeting invitation"),
        "{}",
        page.body
    );
    let refused = b.post(&path, &[("choice", "vang")]).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused
        .body
        .contains("Please give the reason for the absence."));
}

#[rocket::async_test]
async fn guessing_links_from_one_address_is_stopped_and_the_token_is_never_logged() {
    let app = spawn_app_with(&[("throttle_lock_after", 3.into())]).await;
    let o = app.office().await;
    let person = app.head_of(o.agency_a).await;
    let token = "5".repeat(64);
    app.answer_link(&o.clerk_a, o.agency_a, person, &token)
        .await;
    let get = |path: String, ip: &str| {
        app.client
            .get(path)
            .remote(format!("{ip}:40000").parse().unwrap())
            .dispatch()
    };
    assert_eq!(
        get(format!("/tra-loi/{token}"), "203.0.113.7")
            .await
            .status(),
        Status::Ok
    );
    for guess in 0..3 {
        let res = get(format!("/tra-loi/{guess:064}"), "203.0.113.7").await;
        assert_eq!(res.status(), Status::NotFound);
    }
    // The guesser's address is refused even with a real link; another address is not.
    let res = get(format!("/tra-loi/{token}"), "203.0.113.7").await;
    assert_eq!(res.status(), Status::TooManyRequests);
    let res = get(format!("/tra-loi/{token}"), "198.51.100.2").await;
    assert_eq!(res.status(), Status::Ok);
    // The misses are in the audit log by address, without the guessed secrets.
    let misses = entity::auth_event::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap();
    let misses: Vec<_> = misses.iter().filter(|e| e.username == "/tra-loi").collect();
    assert_eq!(misses.len(), 3);
    assert!(misses
        .iter()
        .all(|e| e.client_ip.as_deref() == Some("203.0.113.7")
            && !format!("{e:?}").contains(&"0".repeat(60))));
    assert_eq!(
        lichhop::error::loggable(&format!("/tra-loi/{token}")),
        "/tra-loi/…"
    );
}

#[rocket::async_test]
async fn the_office_hands_out_a_link_and_revokes_it() {
    let app = spawn_app().await;
    let o = app.office().await;
    let invitee = app.head_of(o.agency_b).await;
    let id = app.approved(&o, &o.clerk_a, &request(&o, &[invitee])).await;
    let path = format!("/api/v1/meetings/{id}/answer-links");
    // Clerks may not; a person not invited is refused naming the field.
    let (s, _, _) = app
        .call(
            Method::Post,
            &path,
            Some(&o.clerk_a),
            Some(&json!({"person_id": invitee})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden);
    let stranger = app.head_of(o.agency_a).await;
    let (s, _, v) = app
        .call(
            Method::Post,
            &path,
            Some(&o.staff),
            Some(&json!({"person_id": stranger})),
            &[],
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("person_id")),
        "{v}"
    );
    let (s, _, link) = app
        .call(
            Method::Post,
            &path,
            Some(&o.staff),
            Some(&json!({"person_id": invitee})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{link}");
    let link_path = link["path"].as_str().unwrap().to_string();
    assert!(link["url"].as_str().unwrap().ends_with(&link_path));
    let mut b = Browser::new(&app);
    assert_eq!(b.get(&link_path).await.status, Status::Ok);
    let answered = b.post(&link_path, &[("choice", "tham-du")]).await;
    assert_eq!(answered.status, Status::SeeOther);
    assert_eq!(answers_as(&app, &o.approver, id).await["attending"], 1);

    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("{path}/{invitee}"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NoContent);
    assert_eq!(b.get(&link_path).await.status, Status::NotFound);
    // The answer given stays.
    assert_eq!(answers_as(&app, &o.approver, id).await["attending"], 1);
}

#[rocket::async_test]
async fn the_office_makes_and_revokes_a_link_from_the_meeting_page() {
    let app = spawn_app().await;
    let o = app.office().await;
    let invitee = app.head_of(o.agency_b).await;
    let id = app.approved(&o, &o.clerk_a, &request(&o, &[invitee])).await;
    let mut staff = app.signed_in(&o.staff).await;
    let page = staff.get(&format!("/cuoc-hop/{id}")).await;
    assert!(page
        .body
        .contains("Đã xác nhận 0/1 · Vắng 0 · Cử người thay 0"));
    assert!(page.body.contains("Tạo liên kết trả lời"));
    // The requesting clerk sees the answers, not the office's link actions.
    let mut clerk = app.signed_in(&o.clerk_a).await;
    let theirs = clerk.get(&format!("/cuoc-hop/{id}")).await;
    assert!(theirs.body.contains("Đã xác nhận 0/1"));
    assert!(!theirs.body.contains("Tạo liên kết trả lời"));

    let made = staff
        .post(
            &format!("/cuoc-hop/{id}/lien-ket-tra-loi"),
            &[("person_id", &invitee.to_string())],
        )
        .await;
    assert_eq!(made.status, Status::Ok, "{}", made.body);
    let at = made.body.find("/tra-loi/").expect("the link is shown");
    let path = &made.body[at..at + "/tra-loi/".len() + 64];
    let mut invitee_browser = Browser::new(&app);
    assert_eq!(invitee_browser.get(path).await.status, Status::Ok);

    let revoked = staff
        .post(
            &format!("/cuoc-hop/{id}/thu-hoi-lien-ket"),
            &[("person_id", &invitee.to_string())],
        )
        .await;
    assert_eq!(revoked.status, Status::SeeOther);
    assert_eq!(invitee_browser.get(path).await.status, Status::NotFound);
}
