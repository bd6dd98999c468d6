//! Telling people (issue #17): decisions write the outbox in their own transaction, the sender
//! delivers it to a real SMTP server (aiosmtpd), and what arrives is read with Python's `email`
//! and `icalendar`.

use crate::helpers::*;
use rocket::http::Status;
use serde_json::{json, Value};

pub(crate) fn request(o: &Office, invitees: &[i32], visibility: &str) -> Value {
    let attendees: Vec<Value> = invitees
        .iter()
        .map(|p| json!({"person_id": p, "role": "required"}))
        .collect();
    json!({
        "title": "Họp rà soát tiến độ dự án đường ven biển",
        "agenda": "Báo cáo tiến độ; kiến nghị",
        "kind": "hop",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[0],
        "starts_at": "2027-03-09T08:00",
        "ends_at": "2027-03-09T10:30",
        "visibility": visibility,
        "expected_attendance": 10,
        "attendees": attendees,
    })
}

pub(crate) async fn with_sink() -> (SmtpSink, TestApp) {
    let sink = SmtpSink::start();
    let app = spawn_app_with(&sink.settings()).await;
    (sink, app)
}

pub(crate) async fn person_email(app: &TestApp, id: i32) -> String {
    use sea_orm::EntityTrait;
    entity::person::Entity::find_by_id(id)
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap()
        .email
        .unwrap()
}

pub(crate) async fn give_email(app: &TestApp, who: &Principal, email: &str) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut a = who.account.clone().into_active_model();
    a.email = Set(Some(email.into()));
    a.update(&app.db().conn).await.unwrap();
}

pub(crate) fn to_of<'a>(msgs: &'a [Value], address: &str) -> Vec<&'a Value> {
    msgs.iter()
        .filter(|m| m["to"].as_str().unwrap_or("").contains(address))
        .collect()
}

#[rocket::async_test]
async fn clerks_staff_and_invitees_are_told_each_decision_with_itip_invitations() {
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;
    give_email(&app, &o.staff, "chuyenvien@example.vn").await;
    let invitee = app.head_of(o.agency_b).await;
    let invitee_mail = person_email(&app, invitee).await;
    let chair_mail = person_email(&app, o.leaders[1]).await;

    // Submitted: the clerk hears it was received, the office's staff that it waits.
    let id = app
        .submitted(&o.clerk_a, request(&o, &[invitee], "confidential"))
        .await;
    let msgs = sink.wait_for(2).await;
    let clerk = to_of(&msgs, "vanthu.stc@example.vn");
    assert_eq!(clerk.len(), 1, "{msgs:?}");
    assert!(clerk[0]["subject"]
        .as_str()
        .unwrap()
        .starts_with("Đã nhận đăng ký họp"));
    assert_eq!(
        clerk[0]["raw_subject_ascii"], true,
        "UTF-8 subject is RFC 2047 encoded"
    );
    assert_eq!(to_of(&msgs, "chuyenvien@example.vn").len(), 1, "{msgs:?}");

    // Approved: the clerk hears it with room and time; the chair and the invitee get an iTIP
    // REQUEST with the feed's UID.
    app.approve(&o.approver, id).await;
    let (_, _, meeting) = app
        .call(
            rocket::http::Method::Get,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    let uid = meeting["uid"].as_str().unwrap().to_string();
    let msgs = sink.wait_for(5).await;
    let approved = to_of(&msgs, "vanthu.stc@example.vn");
    assert_eq!(approved.len(), 2);
    let text = approved[1]["text"].as_str().unwrap();
    assert!(text.contains("09/03/2027 08:00"), "{text}");
    assert!(approved[1]["calendars"].as_array().unwrap().is_empty());
    for address in [&invitee_mail, &chair_mail] {
        let got = to_of(&msgs, address);
        assert_eq!(got.len(), 1, "{address}: {msgs:?}");
        let m = got[0];
        for part in [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar",
        ] {
            assert!(
                m["parts"].as_array().unwrap().iter().any(|p| p == part),
                "{part} in {:?}",
                m["parts"]
            );
        }
        assert_eq!(m["attachments"][0]["filename"], "invite.ics");
        let cal = &m["calendars"][0];
        assert_eq!(cal["params"]["method"], "REQUEST");
        assert_eq!(
            cal["params"]["charset"].as_str().unwrap().to_lowercase(),
            "utf-8"
        );
        assert_eq!(cal["method"], "REQUEST");
        let ev = &cal["events"][0];
        assert_eq!(ev["uid"], uid.as_str());
        assert_eq!(ev["dtstart"], "2027-03-09T08:00:00+07:00");
        assert_eq!(ev["dtstart_tzid"], "Asia/Ho_Chi_Minh");
        assert_eq!(ev["organizer"], "mailto:vanphong@ubnd.example.vn");
        // Invitees see a confidential meeting's details.
        assert_eq!(ev["summary"], "Họp rà soát tiến độ dự án đường ven biển");
        let attendee = ev["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["address"] == format!("mailto:{invitee_mail}"))
            .expect("the invitee is an ATTENDEE");
        assert_eq!(attendee["partstat"], "NEEDS-ACTION");
        let raw = cal["raw"].as_str().unwrap().as_bytes();
        crate::feeds::assert_wire_format(raw);
        // The feed tests' independent readers (Thunderbird's ical.js; Python's icalendar with
        // recurring-ical-events) see the one occurrence, at 08:00 in Hà Nội.
        crate::feeds::require_clients();
        for (program, script) in [("node", "expand.mjs"), (".venv/bin/python", "expand.py")] {
            let program = match program.strip_prefix('.') {
                Some(_) => crate::feeds::clients_dir()
                    .join(program)
                    .display()
                    .to_string(),
                None => program.to_string(),
            };
            let args = [script, crate::feeds::FROM, crate::feeds::TO];
            let seen = crate::feeds::run_client(&program, &args, raw);
            assert_eq!(seen.len(), 1, "{script}: {seen:?}");
            assert_eq!(seen[0]["start"], "2027-03-09T01:00:00Z", "{script}");
            assert_eq!(seen[0]["uid"], uid.as_str(), "{script}");
        }
    }
    let first_sequence = to_of(&msgs, &invitee_mail)[0]["calendars"][0]["events"][0]["sequence"]
        .as_i64()
        .unwrap();

    // Moved: an updated REQUEST with a higher SEQUENCE; then cancelled: a CANCEL.
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "reschedule",
            json!({"starts_at": "2027-03-10T14:00", "ends_at": "2027-03-10T15:00", "reason": "Lãnh đạo bận"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let (s, v) = app
        .act(
            &o.approver,
            id,
            "cancel",
            json!({"reason": "Lãnh đạo đi công tác"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let msgs = sink.wait_for(11).await;
    let to_invitee = to_of(&msgs, &invitee_mail);
    assert_eq!(to_invitee.len(), 3, "{to_invitee:?}");
    let moved = &to_invitee[1]["calendars"][0];
    assert_eq!(moved["method"], "REQUEST");
    assert_eq!(moved["events"][0]["dtstart"], "2027-03-10T14:00:00+07:00");
    let moved_sequence = moved["events"][0]["sequence"].as_i64().unwrap();
    assert!(moved_sequence > first_sequence);
    let cancelled = &to_invitee[2]["calendars"][0];
    assert_eq!(cancelled["params"]["method"], "CANCEL");
    assert_eq!(cancelled["method"], "CANCEL");
    assert_eq!(cancelled["events"][0]["uid"], uid.as_str());
    assert_eq!(cancelled["events"][0]["status"], "CANCELLED");
    assert!(cancelled["events"][0]["sequence"].as_i64().unwrap() > moved_sequence);
    let clerk = to_of(&msgs, "vanthu.stc@example.vn");
    let last = clerk.last().unwrap();
    assert!(last["text"]
        .as_str()
        .unwrap()
        .contains("Lãnh đạo đi công tác"));

    // Every row was sent once, each with its own Message-ID, which is what arrived.
    let rows = app.outbox_settled().await;
    assert!(rows.iter().all(|r| r.status == "sent" && r.attempts == 1));
    let mut ids: Vec<&str> = msgs
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), msgs.len());
    assert_eq!(rows.len(), msgs.len());
}

#[rocket::async_test]
async fn a_permanent_refusal_fails_at_once_and_a_temporary_one_is_retried_until_sent() {
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;

    sink.answer(Some("550 5.1.1 Mailbox unavailable"));
    app.submitted(&o.clerk_a, request(&o, &[], "public")).await;
    let rows = app.outbox_settled().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "failed");
    assert_eq!(rows[0].attempts, 1, "a 5xx is not retried");
    assert!(rows[0].last_answer.as_deref().unwrap().contains("550"));

    sink.answer(Some("451 4.3.0 Try again later"));
    app.submitted(&o.clerk_a, request(&o, &[], "public")).await;
    // Wait until the relay has refused it at least once, then let it accept.
    let mut refused = false;
    for _ in 0..100 {
        let rows = app.outbox().await;
        if rows[1]
            .last_answer
            .as_deref()
            .is_some_and(|a| a.contains("451"))
        {
            refused = true;
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(refused, "{:?}", app.outbox().await);
    sink.answer(None);
    let rows = app.outbox_settled().await;
    assert_eq!(rows[1].status, "sent", "{:?}", rows[1]);
    assert!(rows[1].attempts >= 2);
    let msgs = sink.messages();
    assert_eq!(
        msgs.len(),
        1,
        "the refused one never arrived, the retried one once"
    );
    assert_eq!(msgs[0]["message_id"], rows[1].message_id.as_str());
}

#[rocket::async_test]
async fn without_a_relay_nothing_is_queued_and_the_inbox_still_tells() {
    let app = spawn_app().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;
    let id = app.submitted(&o.clerk_a, request(&o, &[], "public")).await;
    app.approve(&o.approver, id).await;
    assert!(app.outbox().await.is_empty());
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let inbox = entity::notification::Entity::find()
        .filter(entity::notification::Column::AccountId.eq(o.clerk_a.account.id))
        .all(&app.db().conn)
        .await
        .unwrap();
    let kinds: Vec<&str> = inbox.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, ["received", "approve"]);
}

#[rocket::async_test]
async fn the_inbox_lists_each_decision_counts_unread_and_marks_read() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app.submitted(&o.clerk_a, request(&o, &[], "public")).await;
    app.approve(&o.approver, id).await;

    // The API: newest first, worded, linked to the meeting; the other agency hears nothing.
    let path = "/api/v1/notifications";
    let (s, _, inbox) = app
        .call(rocket::http::Method::Get, path, Some(&o.clerk_a), None, &[])
        .await;
    assert_eq!(s, Status::Ok, "{inbox}");
    assert_eq!(inbox["unread"], 2);
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items[0]["kind"], "approve");
    assert_eq!(items[0]["meeting_id"], id);
    assert!(items[0]["text"]
        .as_str()
        .unwrap()
        .contains("09/03/2027 08:00"));
    assert!(items[0]["text_en"]
        .as_str()
        .unwrap()
        .contains("is approved"));
    let (_, _, other) = app
        .call(rocket::http::Method::Get, path, Some(&o.clerk_b), None, &[])
        .await;
    assert_eq!(other["unread"], 0);
    assert!(other["items"].as_array().unwrap().is_empty());
    let (_, _, staff) = app
        .call(rocket::http::Method::Get, path, Some(&o.staff), None, &[])
        .await;
    assert_eq!(staff["items"][0]["kind"], "new_request");

    // Another account cannot mark the clerk's entry; the clerk can.
    let first = json!({"id": items[0]["id"]});
    let read = "/api/v1/notifications/read";
    let post = rocket::http::Method::Post;
    let (_, _, v) = app
        .call(post, read, Some(&o.clerk_b), Some(&first), &[])
        .await;
    assert_eq!(v["marked"], 0);
    let (_, _, v) = app
        .call(post, read, Some(&o.clerk_a), Some(&first), &[])
        .await;
    assert_eq!(v["marked"], 1);
    let (s, _, v) = app
        .call(post, read, Some(&o.clerk_a), Some(&json!({"id": "x"})), &[])
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("id"))
    );

    // The page: the header counts what is unread; marking all read empties the count.
    let mut b = app.signed_in(&o.clerk_a).await;
    let page = b.get("/thong-bao").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains(r#"<span class="badge""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(r#"href="/cuoc-hop/{id}""#)));
    assert!(page.body.contains("đã được duyệt"));
    let done = b.post("/thong-bao/da-doc", &[]).await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let page = b.get("/thong-bao").await;
    assert!(!page.body.contains(r#"<span class="badge""#));
    let (_, _, v) = app
        .call(rocket::http::Method::Get, path, Some(&o.clerk_a), None, &[])
        .await;
    assert_eq!(v["unread"], 0);
}

#[rocket::async_test]
async fn the_admin_sees_the_outbox_sends_a_test_and_resends_a_failed_message() {
    // Without a relay the page says e-mail is off and a test message is refused.
    let app = spawn_app().await;
    let o = app.office().await;
    let mut b = app.signed_in(&o.admin).await;
    let page = b.get("/quan-tri/thu-di").await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.body.contains("đang tắt"), "{}", page.body);
    let refused = b
        .post(
            "/quan-tri/thu-di/thu-thu",
            &[("email", "vanphong@example.vn")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    drop(b);
    drop(app);

    let sink = SmtpSink::start();
    let mut settings = sink.settings();
    // The page names the relay's host only (config::redact_url drops a password too).
    settings[0].1 = json!(format!("smtp://127.0.0.1:{}?tls=opportunistic", sink.port));
    let app = spawn_app_with(&settings).await;
    let o = app.office().await;
    let mut b = app.signed_in(&o.admin).await;
    let page = b.get("/quan-tri/thu-di").await;
    assert!(page.body.contains("smtp://127.0.0.1"), "{}", page.body);
    assert!(!page.body.contains("opportunistic"));

    // An invalid address is refused naming the field; a valid one arrives.
    let refused = b
        .post(
            "/quan-tri/thu-di/thu-thu",
            &[("email", "khong-phai-dia-chi")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(refused.body.contains("khong-phai-dia-chi"));
    let sent = b
        .post(
            "/quan-tri/thu-di/thu-thu",
            &[("email", "kiemtra@example.vn")],
        )
        .await;
    assert_eq!(sent.status, Status::SeeOther, "{}", sent.body);
    let msgs = sink.wait_for(1).await;
    assert!(msgs[0]["to"]
        .as_str()
        .unwrap()
        .ends_with("<kiemtra@example.vn>"));

    // Refused for good, shown with the relay's answer, then sent again by "Gửi lại".
    sink.answer(Some("550 5.7.1 Relaying denied"));
    b.post(
        "/quan-tri/thu-di/thu-thu",
        &[("email", "kiemtra@example.vn")],
    )
    .await;
    let rows = app.outbox_settled().await;
    assert_eq!(rows[1].status, "failed");
    let page = b.get("/quan-tri/thu-di").await;
    assert!(page.body.contains("Relaying denied"), "{}", page.body);
    assert!(page.body.contains("Gửi lại"));
    sink.answer(None);
    let again = b
        .post(
            "/quan-tri/thu-di/gui-lai",
            &[("id", &rows[1].id.to_string())],
        )
        .await;
    assert_eq!(again.status, Status::SeeOther, "{}", again.body);
    let msgs = sink.wait_for(2).await;
    assert_eq!(msgs[1]["message_id"], rows[1].message_id.as_str());
    // A message that did not fail cannot be sent again.
    let twice = b
        .post(
            "/quan-tri/thu-di/gui-lai",
            &[("id", &rows[0].id.to_string())],
        )
        .await;
    assert_eq!(twice.status, Status::UnprocessableEntity);
}

/// Every outbox row was sent, once: the sink holds exactly one copy of each Message-ID.
async fn each_sent_once(app: &TestApp, sink: &SmtpSink) {
    let rows = app.outbox_settled().await;
    let msgs = sink.wait_for(rows.len()).await;
    // A late duplicate would arrive after the rows settled: give it time to show.
    rocket::tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let msgs = if sink.messages().len() > msgs.len() {
        sink.messages()
    } else {
        msgs
    };
    let mut arrived: Vec<&str> = msgs
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    arrived.sort();
    let mut written: Vec<&str> = rows.iter().map(|r| r.message_id.as_str()).collect();
    written.sort();
    assert_eq!(arrived, written, "each message arrived once");
    assert!(rows.iter().all(|r| r.status == "sent"), "{rows:?}");
}

#[rocket::async_test]
async fn two_instances_deliver_two_hundred_messages_each_exactly_once() {
    let sink = SmtpSink::start();
    let mut settings = sink.settings();
    settings.push(("mail_poll_ms", 20.into()));
    let app = spawn_app_with(&settings).await;
    let servers = [
        serve_with(app.data_dir.path(), &app.database_url, &settings).await,
        serve_with(app.data_dir.path(), &app.database_url, &settings).await,
    ];
    // Queued as the admin's test messages are: 200 rows, each due at once, while three
    // senders (this app's and the two servers') claim them.
    for i in 0..200 {
        lichhop::domain::notifications::queue_test(app.db(), &format!("nguoinhan{i}@example.vn"))
            .await
            .unwrap();
    }
    each_sent_once(&app, &sink).await;
    assert!(app.outbox().await.iter().all(|r| r.attempts == 1));
    drop(servers);
}

/// A free loopback port, with nothing listening on it yet.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server binary on `port`, sending to a relay at `smtp_port`.
fn start_binary(app: &TestApp, port: u16, smtp_port: u16) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_lichhop"))
        .arg("serve")
        .current_dir(app.data_dir.path())
        .env("DATABASE_URL", &app.database_url)
        .env("LICHHOP_DATA_DIR", app.data_dir.path())
        .env("LICHHOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ROCKET_CONFIG", app.data_dir.path().join("none.toml"))
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_PORT", port.to_string())
        .env("LICHHOP_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("LICHHOP_MAIL_POLL_MS", "50")
        .env("LICHHOP_MAIL_RETRY_MS", "100")
        .env("LICHHOP_MAIL_MAX_ATTEMPTS", "1000")
        .env("LICHHOP_MAIL_LEASE_SECONDS", "2")
        .env("LICHHOP_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server binary starts")
}

async fn until_listening(port: u16) -> std::net::SocketAddr {
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    for _ in 0..300 {
        if rocket::tokio::net::TcpStream::connect(addr).await.is_ok() {
            return addr;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not listen on {port}");
}

#[rocket::async_test]
async fn killed_between_the_decision_and_the_sending_a_restarted_server_sends_each_once() {
    let app = spawn_app().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;
    let invitee = app.head_of(o.agency_b).await;
    let id = app
        .submitted(&o.clerk_a, request(&o, &[invitee], "public"))
        .await;
    // No relay listens yet: what the decision writes cannot leave.
    let smtp_port = free_port();
    let port = free_port();
    let mut server = start_binary(&app, port, smtp_port);
    let addr = until_listening(port).await;
    let path = format!("/api/v1/meetings/{id}/approve");
    let (s, body) = http(addr, "POST", &path, &o.approver.token, "{}").await;
    assert_eq!(s, 200, "{body}");
    // kill -9 right after the commit.
    server.kill().unwrap();
    server.wait().unwrap();
    let written = app.outbox().await;
    assert!(written.len() >= 3, "clerk, chair, invitee: {written:?}");
    assert!(written.iter().all(|r| r.status != "sent"));

    // The relay comes up on that port; the restarted server sends what was committed, once.
    let sink = SmtpSink::start_on(smtp_port);
    let mut server = start_binary(&app, port, smtp_port);
    until_listening(port).await;
    each_sent_once(&app, &sink).await;
    server.kill().unwrap();
    server.wait().unwrap();
}

#[rocket::async_test]
async fn each_account_chooses_its_address_and_whether_it_gets_e_mail() {
    let (sink, app) = with_sink().await;
    let o = app.office().await;

    // The clerk's own page: an invalid address is refused beside its field, a valid one kept.
    let mut b = app.signed_in(&o.clerk_a).await;
    let refused = b
        .post(
            "/tai-khoan/thu-dien-tu",
            &[("email", "vanthu@"), ("email_notifications", "true")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains(r#"value="vanthu@""#),
        "{}",
        refused.body
    );
    let saved = b
        .post(
            "/tai-khoan/thu-dien-tu",
            &[
                ("email", "vanthu.stc@example.vn"),
                ("email_notifications", "true"),
            ],
        )
        .await;
    assert_eq!(saved.status, Status::Ok, "{}", saved.body);
    assert!(saved.body.contains(r#"value="vanthu.stc@example.vn""#));

    // The admin's API refuses an invalid address naming the field, and shows the choice.
    let path = format!("/api/v1/accounts/{}", o.clerk_b.account.id);
    let patch = rocket::http::Method::Patch;
    let bad = json!({"email": "khong hop le@example.vn"});
    let (s, _, v) = app
        .call(patch, &path, Some(&o.admin), Some(&bad), &[])
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("email"))
    );
    let good = json!({"email": "vanthu.syt@example.vn", "email_notifications": false});
    let (s, _, v) = app
        .call(patch, &path, Some(&o.admin), Some(&good), &[])
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["email"], "vanthu.syt@example.vn");
    assert_eq!(v["email_notifications"], false);

    // Clerk A gets e-mail; clerk B, who chose the inbox only, gets none but sees it in the app.
    app.submitted(&o.clerk_a, request(&o, &[], "public")).await;
    app.submitted(&o.clerk_b, request(&o, &[], "public")).await;
    let rows = app.outbox_settled().await;
    assert!(rows
        .iter()
        .any(|r| r.recipient_email == "vanthu.stc@example.vn"));
    assert!(rows
        .iter()
        .all(|r| r.recipient_email != "vanthu.syt@example.vn"));
    sink.wait_for(rows.len()).await;
    let (_, _, inbox) = app
        .call(
            rocket::http::Method::Get,
            "/api/v1/notifications",
            Some(&o.clerk_b),
            None,
            &[],
        )
        .await;
    assert_eq!(inbox["items"][0]["kind"], "received");
}
