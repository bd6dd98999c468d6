//! Scheduled messages and the recipient's language (issue #17 items 2, 5, 6): the office's
//! daily digest, the documents-deadline reminder, the secretary's agenda, withdrawals told to
//! the office, and the SMTP settings page. The jobs run through `domain::reminders::run_due`,
//! the function each instance's scheduler calls, at a chosen instant; one test runs them through
//! the scheduler of two real servers on one database.

use crate::helpers::*;
use chrono::{Duration, NaiveDate, NaiveTime};
use lichhop::domain::clock;
use lichhop::domain::reminders::{run_due, Times};
use rocket::http::{Method, Status};
use serde_json::{json, Value};

/// Every job due from midnight, so a pass at any time of day runs them all.
fn all_due() -> Times {
    Times {
        digest_at: NaiveTime::MIN,
        agenda_at: NaiveTime::MIN,
        reminder_at: NaiveTime::MIN,
    }
}

fn request_on(o: &Office, day: NaiveDate, title: &str, visibility: &str) -> Value {
    json!({
        "title": title,
        "kind": "hop",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[0],
        "starts_at": format!("{day}T08:00"),
        "ends_at": format!("{day}T10:00"),
        "visibility": visibility,
        "expected_attendance": 10,
        "preparing_agency_id": o.agency_b,
    })
}

async fn give_email(app: &TestApp, who: &Principal, email: &str) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut a = who.account.clone().into_active_model();
    a.email = Set(Some(email.into()));
    a.update(&app.db().conn).await.unwrap();
}

async fn patch_account(app: &TestApp, o: &Office, who: &Principal, body: Value) -> (Status, Value) {
    let path = format!("/api/v1/accounts/{}", who.account.id);
    let (s, _, v) = app
        .call(Method::Patch, &path, Some(&o.admin), Some(&body), &[])
        .await;
    (s, v)
}

fn to_of<'a>(msgs: &'a [Value], address: &str) -> Vec<&'a Value> {
    msgs.iter()
        .filter(|m| m["to"].as_str().unwrap_or("").contains(address))
        .collect()
}

fn subject(m: &Value) -> &str {
    m["subject"].as_str().unwrap_or("")
}

async fn job_runs(app: &TestApp, kind: &str) -> Vec<entity::job_run::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::job_run::Entity::find()
        .filter(entity::job_run::Column::Kind.eq(kind))
        .all(&app.db().conn)
        .await
        .unwrap()
}

async fn with_sink() -> (SmtpSink, TestApp) {
    let sink = SmtpSink::start();
    let app = spawn_app_with(&sink.settings()).await;
    (sink, app)
}

#[rocket::async_test]
async fn office_accounts_choose_each_request_or_one_digest_a_day() {
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    give_email(&app, &o.staff, "chuyenvien@example.vn").await;
    give_email(&app, &o.approver, "lanhdao.vp@example.vn").await;
    let (s, v) = patch_account(&app, &o, &o.staff, json!({"digest": true})).await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["digest"], true);

    let first = app
        .submitted(
            &o.clerk_a,
            request_on(&o, day(2027, 3, 9), "Họp thứ nhất", "public"),
        )
        .await;
    app.submitted(
        &o.clerk_a,
        request_on(&o, day(2027, 3, 10), "Họp thứ hai", "internal"),
    )
    .await;
    // The approver, who takes each request, has two messages; the staff member none yet, though
    // both requests are in the staff member's inbox.
    let msgs = sink.wait_for(2).await;
    assert_eq!(to_of(&msgs, "lanhdao.vp@example.vn").len(), 2, "{msgs:?}");
    assert!(to_of(&msgs, "chuyenvien@example.vn").is_empty());
    let mut b = app.signed_in(&o.staff).await;
    let inbox = b.get("/thong-bao").await;
    assert!(inbox.body.contains("Họp thứ hai"), "{}", inbox.body);

    // The day's pass: one digest listing both requests.
    let ran = run_due(app.db(), &all_due(), clock::now()).await.unwrap();
    assert!(ran.0.iter().any(|r| r.starts_with("digest:")), "{ran:?}");
    let msgs = sink.wait_for(3).await;
    let digest = to_of(&msgs, "chuyenvien@example.vn");
    assert_eq!(digest.len(), 1, "{msgs:?}");
    assert!(
        subject(digest[0]).starts_with("Tổng hợp đăng ký họp mới"),
        "{}",
        subject(digest[0])
    );
    let text = digest[0]["text"].as_str().unwrap();
    assert!(
        text.contains("Họp thứ nhất") && text.contains("Họp thứ hai"),
        "{text}"
    );
    assert!(text.contains(&format!("#{first}")), "{text}");

    // A second pass the same day, here or in another instance, sends nothing more.
    let again = run_due(app.db(), &all_due(), clock::now()).await.unwrap();
    assert!(
        !again.0.iter().any(|r| r.starts_with("digest:")),
        "{again:?}"
    );
    assert_eq!(job_runs(&app, "digest").await.len(), 1);
    let rows = app.outbox_settled().await;
    assert_eq!(
        rows.iter().filter(|r| r.kind == "digest").count(),
        1,
        "{rows:?}"
    );

    // The next day's digest lists what came since.
    app.submitted(
        &o.clerk_a,
        request_on(&o, day(2027, 3, 11), "Họp thứ ba", "public"),
    )
    .await;
    let tomorrow = clock::now() + Duration::days(1);
    run_due(app.db(), &all_due(), tomorrow).await.unwrap();
    // Written for tomorrow, so not due to the sender yet: read the outbox as it is.
    let rows = app.outbox().await;
    let digests: Vec<_> = rows.iter().filter(|r| r.kind == "digest").collect();
    assert_eq!(digests.len(), 2, "{rows:?}");
    let facts: Value = serde_json::from_str(&digests[1].facts).unwrap();
    let listed = facts["lines"].to_string();
    assert!(listed.contains("Họp thứ ba"), "{listed}");
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A working day whose meeting has its documents due within one working day from `today`
/// (the deadline being `lead` working days before it).
async fn meeting_day_due_tomorrow(app: &TestApp, today: NaiveDate) -> NaiveDate {
    use lichhop::domain::working_days::Calendar;
    let lead = lichhop::domain::settings::load(app.db())
        .await
        .unwrap()
        .documents_lead_working_days;
    let cal = Calendar::load(
        &app.db().conn,
        today - Duration::days(30),
        today + Duration::days(60),
    )
    .await
    .unwrap();
    (1..40)
        .map(|n| today + Duration::days(n))
        .find(|d| {
            let due = cal.deadline(*d, lead);
            cal.is_working_day(*d) && cal.deadline(due, 1) <= today && today <= due
        })
        .expect("a meeting day")
}

#[rocket::async_test]
async fn the_agencies_are_reminded_once_when_documents_are_due_within_a_working_day() {
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;
    give_email(&app, &o.clerk_b, "vanthu.snv@example.vn").await;
    let today = clock::office_date(clock::now());
    let soon = meeting_day_due_tomorrow(&app, today).await;
    let due = app
        .submitted(
            &o.clerk_a,
            request_on(&o, soon, "Họp cần tài liệu", "public"),
        )
        .await;
    // Far away: its documents are not due yet.
    app.submitted(
        &o.clerk_a,
        request_on(&o, soon + Duration::days(21), "Họp còn xa", "public"),
    )
    .await;
    let before = app.outbox_settled().await.len();

    let ran = run_due(app.db(), &all_due(), clock::now()).await.unwrap();
    assert!(ran.0.contains(&format!("documents_due:{due}")), "{ran:?}");
    let rows = app.outbox_settled().await;
    let reminders: Vec<_> = rows.iter().filter(|r| r.kind == "documents_due").collect();
    // The requesting and the preparing agency's clerks, about that meeting only.
    let mut to: Vec<&str> = reminders
        .iter()
        .map(|r| r.recipient_email.as_str())
        .collect();
    to.sort();
    assert_eq!(
        to,
        ["vanthu.snv@example.vn", "vanthu.stc@example.vn"],
        "{rows:?}"
    );
    assert!(reminders.iter().all(|r| r.meeting_id == Some(due as i32)));
    let msgs = sink.wait_for(rows.len()).await;
    let got = to_of(&msgs, "vanthu.stc@example.vn");
    let reminder = got.last().unwrap();
    assert!(
        subject(reminder).starts_with("Sắp hết hạn gửi tài liệu họp"),
        "{reminder}"
    );
    assert!(reminder["text"]
        .as_str()
        .unwrap()
        .contains("chưa có tài liệu"));
    assert!(rows.len() > before);

    // Once per meeting: the next pass (and the next day's) reminds of nothing again.
    let again = run_due(app.db(), &all_due(), clock::now()).await.unwrap();
    assert!(
        !again.0.iter().any(|r| r.starts_with("documents_due")),
        "{again:?}"
    );
    assert_eq!(
        app.outbox_settled()
            .await
            .iter()
            .filter(|r| r.kind == "documents_due")
            .count(),
        2
    );
    // The clerk's inbox has it too.
    let mut b = app.signed_in(&o.clerk_a).await;
    assert!(b.get("/thong-bao").await.body.contains("Họp cần tài liệu"));
}

#[rocket::async_test]
async fn a_leaders_secretary_gets_the_next_working_days_agenda_once_from_two_instances() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(&sink.settings()).await;
    let o = app.office().await;
    let secretary = app
        .principal("thuky.ct", entity::Role::OfficeStaff, None)
        .await;
    give_email(&app, &secretary, "thuky.chutich@example.vn").await;
    // The link is checked: a person who is not a leader is refused, naming the field.
    let not_leader = app.head_of(o.agency_b).await;
    let (s, v) = patch_account(&app, &o, &secretary, json!({"secretary_of": not_leader})).await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert!(v.to_string().contains("secretary_of"), "{v}");
    let (s, v) = patch_account(&app, &o, &secretary, json!({"secretary_of": o.leaders[1]})).await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["secretary_of"], o.leaders[1]);

    // Tomorrow's (next working day's) meetings of the leader, a confidential one among them.
    let today = clock::office_date(clock::now());
    let cal = lichhop::domain::working_days::Calendar::load(
        &app.db().conn,
        today,
        today + Duration::days(40),
    )
    .await
    .unwrap();
    let next = (1..40)
        .map(|n| today + Duration::days(n))
        .find(|d| cal.is_working_day(*d))
        .unwrap();
    let mut body = request_on(&o, next, "Họp kín về nhân sự", "confidential");
    body["starts_at"] = json!(format!("{next}T14:00"));
    body["ends_at"] = json!(format!("{next}T15:30"));
    let id = app.submitted(&o.clerk_a, body).await;
    app.approve(&o.approver, id).await;

    // Two instances on one database, each with its scheduler, plus a pass of our own.
    let mut settings = sink.settings();
    settings.push(("jobs_poll_ms", 20.into()));
    settings.push(("agenda_at", "00:00".into()));
    let servers = [
        serve_with(app.data_dir.path(), &app.database_url, &settings).await,
        serve_with(app.data_dir.path(), &app.database_url, &settings).await,
    ];
    let ours = run_due(app.db(), &all_due(), clock::now()).await.unwrap();
    for _ in 0..200 {
        if !job_runs(&app, "agenda").await.is_empty() {
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let runs = job_runs(&app, "agenda").await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].run_key, next.to_string());
    let rows = app.outbox_settled().await;
    let agendas: Vec<_> = rows.iter().filter(|r| r.kind == "agenda").collect();
    assert_eq!(
        agendas.len(),
        1,
        "one agenda, whoever ran it: {rows:?} {ours:?}"
    );
    let msgs = sink.wait_for(rows.len()).await;
    // (The secretary, office staff, was also told of the new request.)
    let got: Vec<_> = to_of(&msgs, "thuky.chutich@example.vn")
        .into_iter()
        .filter(|m| subject(m).starts_with("Lịch làm việc"))
        .collect();
    assert_eq!(got.len(), 1, "{msgs:?}");
    assert!(subject(got[0]).starts_with(&format!("Lịch làm việc ngày {}", next.format("%d/%m/%Y"))));
    let text = got[0]["text"].as_str().unwrap();
    assert!(text.contains("14:00 – 15:30"), "{text}");
    assert!(
        text.contains("Họp kín về nhân sự"),
        "confidential included: {text}"
    );
    drop(servers);
}

#[rocket::async_test]
async fn messages_are_written_in_the_recipients_language_and_withdrawals_reach_the_office() {
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    give_email(&app, &o.clerk_a, "vanthu.stc@example.vn").await;
    give_email(&app, &o.staff, "chuyenvien@example.vn").await;
    // The language is checked, naming the field; English is stored.
    let (s, v) = patch_account(&app, &o, &o.clerk_a, json!({"lang": "fr"})).await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert!(v.to_string().contains("lang"), "{v}");
    let (s, v) = patch_account(&app, &o, &o.clerk_a, json!({"lang": "en"})).await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["lang"], "en");

    let id = app
        .approved(
            &o,
            &o.clerk_a,
            &request_on(&o, day(2027, 3, 9), "Họp giao ban", "public"),
        )
        .await;
    let (s, v) = app
        .act(
            &o.clerk_a,
            id,
            "withdraw",
            json!({"reason": "Lãnh đạo đi công tác"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let rows = app.outbox_settled().await;
    let msgs = sink.wait_for(rows.len()).await;
    let clerk = to_of(&msgs, "vanthu.stc@example.vn");
    assert!(
        clerk
            .iter()
            .any(|m| subject(m).starts_with("Meeting request received")),
        "English for the clerk: {clerk:?}"
    );
    let staff = to_of(&msgs, "chuyenvien@example.vn");
    assert!(staff
        .iter()
        .any(|m| subject(m).starts_with("Đăng ký họp mới")));
    let withdrawn: Vec<_> = staff
        .iter()
        .filter(|m| subject(m).starts_with("Đơn vị rút đăng ký họp"))
        .collect();
    assert_eq!(withdrawn.len(), 1, "{staff:?}");
    assert!(withdrawn[0]["text"]
        .as_str()
        .unwrap()
        .contains("Lãnh đạo đi công tác"));

    // The account's own page keeps the choice.
    let mut b = app.signed_in(&o.staff).await;
    let saved = b
        .post(
            "/tai-khoan/thu-dien-tu",
            &[
                ("email", "chuyenvien@example.vn"),
                ("email_notifications", "true"),
                ("digest", "true"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(saved.status, Status::Ok, "{}", saved.body);
    let refused = b
        .post(
            "/tai-khoan/thu-dien-tu",
            &[("email", "chuyenvien@example.vn"), ("lang", "xx")],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    assert!(
        refused.body.contains(r#"name="digest""#),
        "{}",
        refused.body
    );
    let (_, _, me) = app
        .call(
            Method::Get,
            &format!("/api/v1/accounts/{}", o.staff.account.id),
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(me["digest"], true, "{me}");
    assert_eq!(me["lang"], "en", "{me}");
}

#[rocket::async_test]
async fn the_admin_sets_a_secretary_and_sees_the_relay_and_sender_but_no_password() {
    let sink = SmtpSink::start();
    let mut settings = sink.settings();
    settings[0].1 = json!(format!(
        "smtps://hopthu:MatKhauBiMat@127.0.0.1:{}",
        sink.port
    ));
    let app = spawn_app_with(&settings).await;
    let o = app.office().await;
    let mut b = app.signed_in(&o.admin).await;
    let page = b.get("/quan-tri/thu-di").await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.body.contains("127.0.0.1"), "{}", page.body);
    assert!(
        page.body.contains("vanphong@ubnd.example.vn"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("MatKhauBiMat"));

    // The accounts page offers the leaders and saves the link.
    let path = format!("/quan-tri/tai-khoan/{}", o.staff.account.id);
    let form = b.get(&path).await;
    assert!(
        form.body.contains(r#"name="secretary_of""#),
        "{}",
        form.body
    );
    let leader = o.leaders[0].to_string();
    let saved = b
        .post(
            &path,
            &[
                ("display_name", "Thư ký Chủ tịch"),
                ("role", "office_staff"),
                ("agency_id", ""),
                ("email", "thuky@example.vn"),
                ("lang", "vi"),
                ("secretary_of", &leader),
            ],
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let refused = b
        .post(
            &path,
            &[
                ("display_name", "Thư ký Chủ tịch"),
                ("role", "office_staff"),
                ("email", "khong-phai-thu"),
                ("secretary_of", &leader),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    use sea_orm::EntityTrait;
    let a = entity::account::Entity::find_by_id(o.staff.account.id)
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.secretary_of, Some(o.leaders[0]));
    assert_eq!(a.email.as_deref(), Some("thuky@example.vn"));
}

#[rocket::async_test]
async fn one_occurrence_cancelled_or_moved_sends_invitees_a_cancel_or_request_of_that_occurrence_only(
) {
    let (sink, app) = with_sink().await;
    let o = app.office().await;
    let invitee = app.head_of(o.agency_b).await;
    let body = json!({
        "title": "Giao ban công tác cải cách hành chính",
        "kind": "hop",
        "chair_id": o.leaders[2],
        "room_id": o.rooms[3],
        "starts_at": "2027-03-01T08:00",
        "ends_at": "2027-03-01T09:00",
        "rrule": "FREQ=WEEKLY;COUNT=4",
        "visibility": "public",
        "attendees": [{"person_id": invitee, "role": "required"}],
    });
    let id = app.approved(&o, &o.clerk_a, &body).await;
    let before = app.outbox_settled().await.len();
    let path = format!("/api/v1/meetings/{id}/occurrences/2027-03-08/cancel");
    let (s, _, v) = app
        .call(
            Method::Post,
            &path,
            Some(&o.approver),
            Some(&json!({"reason": "Trùng lịch tiếp dân"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let rows = app.outbox_settled().await;
    let cancels: Vec<_> = rows[before..]
        .iter()
        .filter(|r| r.kind == "occurrence_cancelled" && r.ics_method.as_deref() == Some("CANCEL"))
        .collect();
    // The invitee and the chair, each once.
    assert_eq!(cancels.len(), 2, "{rows:?}");
    let msgs = sink.wait_for(rows.len()).await;
    let (_, _, meeting) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{id}"),
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    let cancel = msgs
        .iter()
        .find(|m| m["message_id"] == cancels[0].message_id.as_str())
        .unwrap();
    assert!(subject(cancel).starts_with("Hủy một buổi họp"), "{cancel}");
    let cal = &cancel["calendars"][0];
    assert_eq!(cal["method"], "CANCEL");
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "that occurrence only: {cal}");
    assert_eq!(events[0]["uid"], meeting["uid"]);
    assert_eq!(events[0]["status"], "CANCELLED");
    assert_eq!(events[0]["dtstart"], "2027-03-08T08:00:00+07:00");
    let raw = cal["raw"].as_str().unwrap();
    assert!(
        raw.contains("RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20270308T080000"),
        "{raw}"
    );
    assert!(!raw.contains("RRULE"), "{raw}");
    crate::feeds::assert_wire_format(raw.as_bytes());

    // Moving another session: an updated REQUEST of that session, at its new time.
    let before = rows.len();
    let path = format!("/api/v1/meetings/{id}/occurrences/2027-03-15/reschedule");
    let (s, _, v) = app
        .call(
            Method::Post,
            &path,
            Some(&o.approver),
            Some(&json!({"starts_at": "2027-03-15T10:00", "reason": "Lãnh đạo bận buổi sáng"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let rows = app.outbox_settled().await;
    let moved: Vec<_> = rows[before..]
        .iter()
        .filter(|r| r.kind == "occurrence_moved" && r.ics_method.as_deref() == Some("REQUEST"))
        .collect();
    assert_eq!(moved.len(), 2, "{rows:?}");
    let msgs = sink.wait_for(rows.len()).await;
    let update = msgs
        .iter()
        .find(|m| m["message_id"] == moved[0].message_id.as_str())
        .unwrap();
    let cal = &update["calendars"][0];
    assert_eq!(cal["method"], "REQUEST");
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{cal}");
    assert_eq!(events[0]["dtstart"], "2027-03-15T10:00:00+07:00");
    assert!(events[0]["sequence"].as_i64().unwrap() >= 1);
    let raw = cal["raw"].as_str().unwrap();
    assert!(
        raw.contains("RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20270315T080000"),
        "{raw}"
    );
    crate::feeds::assert_wire_format(raw.as_bytes());
}

#[rocket::async_test]
async fn invalid_addresses_are_refused_where_persons_are_edited_on_pages_and_api() {
    let app = spawn_app().await;
    let o = app.office().await;
    let body = json!({
        "full_name": "Nguyễn Văn Thử",
        "position": "Chuyên viên",
        "agency_id": o.agency_a,
        "email": "nguyen van thu@",
    });
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/persons",
            Some(&o.admin),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{v}");
    assert_eq!(v["field"], "email", "{v}");
    let mut b = app.signed_in(&o.admin).await;
    let agency = o.agency_a.to_string();
    let page = b
        .post(
            "/quan-tri/can-bo",
            &[
                ("full_name", "Nguyễn Văn Thử"),
                ("position", "Chuyên viên"),
                ("agency_id", &agency),
                ("email", "khong-phai-dia-chi"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity, "{}", page.body);
    assert!(page.body.contains("khong-phai-dia-chi"));
    let ok = b
        .post(
            "/quan-tri/can-bo",
            &[
                ("full_name", "Nguyễn Văn Thử"),
                ("position", "Chuyên viên"),
                ("agency_id", &agency),
                ("email", "thu.nv@example.vn"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(ok.status, Status::SeeOther, "{}", ok.body);
}

/// The server binary with its log captured: the relay's password, API tokens and passwords
/// never appear in it, even when the relay fails and requests are refused.
#[rocket::async_test]
async fn no_password_or_token_reaches_the_log() {
    let app = spawn_app().await;
    let o = app.office().await;
    let sink = SmtpSink::start();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_path = app.data_dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let secret = "MatKhauHopThuRatBiMat";
    // smtps against a plain relay: every attempt fails and is logged with the relay's error.
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_lichhop"))
        .arg("serve")
        .current_dir(app.data_dir.path())
        .env("DATABASE_URL", &app.database_url)
        .env("LICHHOP_DATA_DIR", app.data_dir.path())
        .env("LICHHOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ROCKET_CONFIG", app.data_dir.path().join("none.toml"))
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("ROCKET_PORT", port.to_string())
        .env(
            "LICHHOP_SMTP_URL",
            format!("smtps://hopthu:{secret}@127.0.0.1:{}", sink.port),
        )
        .env("LICHHOP_MAIL_POLL_MS", "50")
        .env("LICHHOP_MAIL_RETRY_MS", "50")
        .env("LICHHOP_MAIL_MAX_ATTEMPTS", "2")
        .env("LICHHOP_LOG", "debug")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("the server binary starts");
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    for _ in 0..300 {
        if rocket::tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (s, _) = http(addr, "GET", "/api/v1/notifications", &o.clerk_a.token, "").await;
    assert_eq!(s, 200);
    let (s, _) = http(
        addr,
        "GET",
        "/api/v1/notifications",
        "sai-token-ABCDEF123456",
        "",
    )
    .await;
    assert_eq!(s, 401);
    // A message for the server to send (this process has no relay, so it is written here).
    use sea_orm::{ActiveModelTrait, Set};
    let now = clock::now();
    entity::outbox::ActiveModel {
        message_id: Set("<log-test@lichhop>".into()),
        recipient_email: Set("kiemtra@example.vn".into()),
        recipient_name: Set("Kiểm tra".into()),
        lang: Set("vi".into()),
        kind: Set("test".into()),
        subject: Set("Thư thử".into()),
        facts: Set("{}".into()),
        status: Set("queued".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db().conn)
    .await
    .unwrap();
    let rows = app.outbox_settled().await;
    assert_eq!(rows[0].status, "failed", "{rows:?}");
    server.kill().unwrap();
    server.wait().unwrap();
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(text.contains("outbox"), "the log was captured: {text}");
    for never in [
        secret,
        o.clerk_a.token.as_str(),
        "sai-token-ABCDEF123456",
        ADMIN_PASSWORD,
        PRINCIPAL_PASSWORD,
    ] {
        assert!(!text.contains(never), "{never} in the log:\n{text}");
    }
}
