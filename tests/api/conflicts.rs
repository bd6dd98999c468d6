//! Conflicts as clerks see them before submitting and the office before deciding.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

/// A request on `date` from `from` to `to` (local "HH:MM").
fn request(o: &Office, date: &str, from: &str, to: &str, room: Option<usize>) -> Value {
    json!({
        "title": format!("Họp {date} {from}"),
        "kind": "hop",
        "room_id": room.map(|i| o.rooms[i]),
        "starts_at": format!("{date}T{from}"),
        "ends_at": format!("{date}T{to}"),
        "expected_attendance": 15,
    })
}

pub async fn pending(app: &TestApp, o: &Office, body: &Value) -> i64 {
    let mut body = body.clone();
    body["submit"] = json!(true);
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    m["id"].as_i64().unwrap()
}

pub async fn check(app: &TestApp, who: &Principal, body: &Value) -> Vec<Value> {
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/conflicts",
            Some(who),
            Some(body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    v["conflicts"].as_array().unwrap().clone()
}

fn of_kind<'a>(cs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    cs.iter().filter(|c| c["kind"] == kind).collect()
}

fn kinds(cs: &[Value]) -> Vec<&str> {
    cs.iter().map(|c| c["kind"].as_str().unwrap()).collect()
}

async fn meeting_count(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::meeting::Entity::find()
        .count(&app.db().conn)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn the_room_taken_by_an_approved_meeting_is_an_error_naming_it_and_nothing_is_saved() {
    let app = spawn_app().await;
    let o = app.office().await;
    let a = app
        .approved(
            &o,
            &o.clerk_a,
            &request(&o, "2027-03-02", "08:00", "09:30", Some(1)),
        )
        .await;
    let b = pending(
        &app,
        &o,
        &request(&o, "2027-03-02", "10:00", "11:00", Some(1)),
    )
    .await;
    let before = meeting_count(&app).await;

    // Agency A's clerk sees its own meetings named; another agency's only that the room is busy.
    let theirs = check(
        &app,
        &o.clerk_b,
        &request(&o, "2027-03-02", "08:30", "09:00", Some(1)),
    )
    .await;
    assert_eq!(kinds(&theirs), ["room_overlap"], "{theirs:?}");
    assert_eq!(theirs[0]["meeting"]["busy"], true);
    assert!(theirs[0]["meeting"]["id"].is_null() && theirs[0]["meeting"]["title"].is_null());
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-02", "08:30", "09:00", Some(1)),
    )
    .await;
    assert_eq!(kinds(&cs), ["room_overlap"], "{cs:?}");
    let c = cs[0].clone();
    assert_eq!(c["severity"], "error");
    assert_eq!(c["date"], "2027-03-02");
    assert_eq!(c["meeting"]["id"], a);
    assert_eq!(c["meeting"]["title"], "Họp 2027-03-02 08:00");
    assert_eq!(c["room"]["id"], o.rooms[1]);
    let message = c["message_vi"].as_str().unwrap();
    assert!(
        message.contains("Lịch họp này đã trùng với Phòng họp số 1 ("),
        "the room named once, as it is called: {message}"
    );
    assert!(
        !message.to_lowercase().contains("phòng họp phòng"),
        "{message}"
    );

    // 09:40 is within the 15-minute setup buffer after 09:30, and overlaps the pending request.
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-02", "09:40", "10:30", Some(1)),
    )
    .await;
    let mut k = kinds(&cs);
    k.sort();
    assert_eq!(k, ["room_buffer", "room_pending_overlap"], "{cs:?}");
    assert!(cs.iter().all(|c| c["severity"] == "warning"));
    assert_eq!(of_kind(&cs, "room_buffer")[0]["meeting"]["id"], a);
    assert_eq!(of_kind(&cs, "room_pending_overlap")[0]["meeting"]["id"], b);

    // Back-to-back beyond the buffer, another room: clean.
    let cs = check(
        &app,
        &o.clerk_b,
        &request(&o, "2027-03-02", "09:45", "10:00", Some(1)),
    )
    .await;
    assert!(cs.is_empty(), "{cs:?}");
    let cs = check(
        &app,
        &o.clerk_b,
        &request(&o, "2027-03-02", "08:00", "09:30", Some(2)),
    )
    .await;
    assert!(cs.is_empty(), "{cs:?}");

    // What blocks approval comes with other times that work, nearest the time asked first:
    // the same time in another room.
    let (_, _, v) = app
        .call(
            Method::Post,
            "/api/v1/conflicts",
            Some(&o.clerk_b),
            Some(&request(&o, "2027-03-02", "08:30", "09:00", Some(1))),
            &[],
        )
        .await;
    let first = &v["alternatives"][0];
    assert_eq!(
        (first["date"].as_str(), first["from"].as_str()),
        (Some("2027-03-02"), Some("08:30")),
        "{v}"
    );
    let rooms: Vec<i64> = first["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(
        !rooms.is_empty() && !rooms.contains(&(o.rooms[1] as i64)),
        "{v}"
    );
    assert_eq!(v["alternatives"].as_array().unwrap().len(), 5);

    assert_eq!(meeting_count(&app).await, before, "checking saves nothing");
}

#[rocket::async_test]
async fn the_chair_in_two_places_and_busy_attendees_are_named() {
    let app = spawn_app().await;
    let o = app.office().await;
    let head_b = app.head_of(o.agency_b).await;
    let mut first = request(&o, "2027-03-03", "14:00", "16:00", Some(0));
    first["chair_id"] = json!(o.leaders[1]);
    first["attendees"] = json!([{"agency_id": o.agency_b}]);
    let a = app.approved(&o, &o.clerk_a, &first).await;

    // Same chair, other room: an error naming the chair and the meeting.
    let mut draft = request(&o, "2027-03-03", "15:00", "16:00", Some(2));
    draft["chair_id"] = json!(o.leaders[1]);
    let cs = check(&app, &o.clerk_a, &draft).await;
    assert_eq!(kinds(&cs), ["chair_overlap"], "{cs:?}");
    assert_eq!(cs[0]["severity"], "error");
    assert_eq!(cs[0]["person"]["id"], o.leaders[1]);
    assert_eq!(cs[0]["meeting"]["id"], a);

    // The head of agency B is already there (agency B is invited): a warning naming her.
    let mut draft = request(&o, "2027-03-03", "15:00", "16:00", Some(2));
    draft["attendees"] = json!([{"person_id": head_b}]);
    let cs = check(&app, &o.clerk_b, &draft).await;
    assert_eq!(kinds(&cs), ["attendee_busy"], "{cs:?}");
    assert_eq!(cs[0]["severity"], "warning");
    assert_eq!(cs[0]["person"]["id"], head_b);
    assert!(cs[0]["person"]["name"]
        .as_str()
        .unwrap()
        .contains("Sở Y tế"));

    // Inviting the whole agency B: its head again. An optional attendee is no conflict.
    draft["attendees"] = json!([{"agency_id": o.agency_b}]);
    let cs = check(&app, &o.clerk_b, &draft).await;
    assert_eq!(kinds(&cs), ["attendee_busy"], "{cs:?}");
    assert_eq!(cs[0]["person"]["id"], head_b);
    draft["attendees"] = json!([{"agency_id": o.agency_b, "role": "optional"}]);
    assert!(check(&app, &o.clerk_b, &draft).await.is_empty());

    // The chair of the approved meeting, invited as a required attendee elsewhere.
    draft["attendees"] = json!([{"person_id": o.leaders[1]}]);
    let cs = check(&app, &o.clerk_b, &draft).await;
    assert_eq!(kinds(&cs), ["attendee_busy"], "{cs:?}");
    assert_eq!(cs[0]["person"]["id"], o.leaders[1]);
}

/// The check keeps persons, rooms and closures in memory. A change made through the API, or
/// straight in the database (as another instance or an import would), is seen by the very next
/// check: triggers count the changes and the check compares the count.
#[rocket::async_test]
async fn a_change_to_rooms_persons_or_closures_is_seen_by_the_next_check() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let o = app.office().await;
    let conn = app.db().conn.clone();
    let sql = |s: String| {
        let conn = conn.clone();
        async move {
            conn.execute_unprepared(&s).await.unwrap();
        }
    };
    // Room index 4 seats 20.
    let mut draft = request(&o, "2027-03-04", "08:00", "09:00", Some(4));
    draft["expected_attendance"] = json!(35);
    assert_eq!(kinds(&check(&app, &o.clerk_a, &draft).await), ["capacity"]);
    let (s, _, v) = app
        .call(
            Method::Patch,
            &format!("/api/v1/rooms/{}", o.rooms[4]),
            Some(&o.admin),
            Some(&json!({"capacity": 40})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert!(check(&app, &o.clerk_a, &draft).await.is_empty());
    sql(format!(
        "UPDATE room SET capacity = 30 WHERE id = {}",
        o.rooms[4]
    ))
    .await;
    let cs = check(&app, &o.clerk_a, &draft).await;
    assert_eq!(kinds(&cs), ["capacity"]);
    assert!(cs[0]["message_en"].as_str().unwrap().contains("seats 30"));

    // A closure of the room that day, entered outside the app.
    sql(format!(
        "INSERT INTO closure (starts_on, ends_on, room_id, kind, reason, created_at) \
         VALUES ('2027-03-04', '2027-03-04', {}, 'maintenance', 'Sửa điều hoà', '2027-01-01T00:00:00+00:00')",
        o.rooms[4]
    ))
    .await;
    let cs = check(&app, &o.clerk_a, &draft).await;
    let mut k = kinds(&cs);
    k.sort();
    assert_eq!(k, ["capacity", "closure"]);

    // An agency is represented by its head: a new director, entered outside the app, heads it
    // from the next check on.
    let head_b = app.head_of(o.agency_b).await;
    let mut first = request(&o, "2027-03-05", "14:00", "16:00", Some(0));
    first["attendees"] = json!([{"agency_id": o.agency_b}]);
    app.approved(&o, &o.clerk_a, &first).await;
    let mut draft = request(&o, "2027-03-05", "15:00", "16:00", Some(2));
    draft["attendees"] = json!([{"agency_id": o.agency_b}]);
    let cs = check(&app, &o.clerk_b, &draft).await;
    assert_eq!(kinds(&cs), ["attendee_busy"], "{cs:?}");
    assert_eq!(cs[0]["person"]["id"], head_b);
    sql(format!(
        "INSERT INTO person (full_name, position, agency_id, is_leader, sort_order, active, created_at) \
         VALUES ('Trần Văn Mới', 'Giám đốc', {}, false, -1, true, '2027-01-01T00:00:00+00:00')",
        o.agency_b
    ))
    .await;
    let new_head = app.head_of(o.agency_b).await;
    assert_ne!(new_head, head_b);
    let cs = check(&app, &o.clerk_b, &draft).await;
    assert_eq!(kinds(&cs), ["attendee_busy"], "{cs:?}");
    assert_eq!(cs[0]["person"]["id"], new_head);
    assert!(cs[0]["person"]["name"]
        .as_str()
        .unwrap()
        .contains("Trần Văn Mới"));
}

#[rocket::async_test]
async fn a_field_trip_over_several_days_occupies_its_chair_throughout() {
    let app = spawn_app().await;
    let o = app.office().await;
    let trip = json!({
        "title": "Kiểm tra thực địa đặc khu",
        "kind": "cong_tac",
        "chair_id": o.leaders[2],
        "location": "Đặc khu Lý Sơn",
        "starts_at": "2027-03-15T07:00",
        "ends_at": "2027-03-18T18:00",
    });
    let t = app.approved(&o, &o.clerk_a, &trip).await;
    for day in ["2027-03-15", "2027-03-17", "2027-03-18"] {
        let mut draft = request(&o, day, "14:00", "15:00", Some(1));
        draft["chair_id"] = json!(o.leaders[2]);
        let cs = check(&app, &o.clerk_a, &draft).await;
        assert_eq!(kinds(&cs), ["chair_overlap"], "{day}: {cs:?}");
        assert_eq!(cs[0]["meeting"]["id"], t);
    }
    let mut after = request(&o, "2027-03-19", "08:00", "09:00", Some(1));
    after["chair_id"] = json!(o.leaders[2]);
    assert!(check(&app, &o.clerk_b, &after).await.is_empty());
}

#[rocket::async_test]
async fn a_room_too_small_or_without_the_equipment_is_flagged() {
    let app = spawn_app().await;
    let o = app.office().await;
    // Room index 4: "Phòng họp số 5", 20 seats, projector only.
    let mut draft = request(&o, "2027-03-04", "08:00", "09:00", Some(4));
    draft["expected_attendance"] = json!(35);
    draft["equipment"] = json!(["projector", "video_conference"]);
    let cs = check(&app, &o.clerk_a, &draft).await;
    let mut k = kinds(&cs);
    k.sort();
    assert_eq!(k, ["capacity", "equipment_missing"], "{cs:?}");
    let eq = of_kind(&cs, "equipment_missing")[0];
    assert_eq!(eq["room"]["id"], o.rooms[4]);
    assert!(eq["message_vi"]
        .as_str()
        .unwrap()
        .contains("Hệ thống họp trực tuyến"));
    assert!(of_kind(&cs, "capacity")[0]["message_en"]
        .as_str()
        .unwrap()
        .contains("seats 20, 35 are expected"));
    assert!(of_kind(&cs, "capacity")[0]["message_vi"]
        .as_str()
        .unwrap()
        .starts_with("Phòng họp số 5 chỉ có 20 chỗ"));
}

#[rocket::async_test]
async fn closures_holidays_weekends_and_office_hours_are_flagged() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.enter_holidays(&o, 2027).await;
    // Tết 2027 in a room: the office is closed, an error naming the closure.
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-02-08", "08:00", "09:00", Some(1)),
    )
    .await;
    assert_eq!(kinds(&cs), ["holiday"], "{cs:?}");
    assert_eq!(cs[0]["severity"], "error");
    assert!(cs[0]["closure_id"].is_i64());
    assert!(cs[0]["message_vi"]
        .as_str()
        .unwrap()
        .contains("Tết Nguyên đán"));

    // A room under maintenance: error naming the room; other rooms are fine.
    let (s, _, c) = app
        .call(
            Method::Post,
            "/api/v1/closures",
            Some(&o.admin),
            Some(&json!({"starts_on": "2027-03-08", "ends_on": "2027-03-10",
                         "room_id": o.rooms[2], "reason": "Sửa chữa hệ thống âm thanh"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{c}");
    assert_eq!(c["kind"], "maintenance");
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-09", "08:00", "09:00", Some(2)),
    )
    .await;
    assert_eq!(kinds(&cs), ["closure"], "{cs:?}");
    assert_eq!(
        (cs[0]["severity"].as_str(), &cs[0]["room"]["id"]),
        (Some("error"), &json!(o.rooms[2]))
    );
    assert!(check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-09", "08:00", "09:00", Some(1))
    )
    .await
    .is_empty());

    // A holiday not entered as a closure (Giỗ Tổ 2028, computed from the lunar calendar).
    let hung_kings_2028 = lichhop::domain::holidays::public_holidays(2028)
        .into_iter()
        .find(|h| h.name_vi == "Giỗ Tổ Hùng Vương")
        .unwrap()
        .date
        .to_string();
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, &hung_kings_2028, "08:00", "09:00", Some(1)),
    )
    .await;
    assert_eq!(kinds(&cs), ["holiday"], "{cs:?}");
    assert_eq!(cs[0]["severity"], "warning");

    // Saturday, and an evening: outside office hours (07:30–17:00 Monday–Friday).
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-13", "08:00", "09:00", Some(1)),
    )
    .await;
    assert_eq!(kinds(&cs), ["outside_hours"], "{cs:?}");
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-12", "16:30", "18:00", Some(1)),
    )
    .await;
    assert_eq!(kinds(&cs), ["outside_hours"], "{cs:?}");
    assert!(cs[0]["message_vi"]
        .as_str()
        .unwrap()
        .contains("07:30–17:00"));

    // A make-up working day (làm bù) on that Saturday is a working day.
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/working-days",
            Some(&o.admin),
            Some(&json!({"on_date": "2027-03-13", "reason": "Làm bù"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    assert!(check(
        &app,
        &o.clerk_a,
        &request(&o, "2027-03-13", "08:00", "09:00", Some(1))
    )
    .await
    .is_empty());
}

#[rocket::async_test]
async fn a_series_is_checked_occurrence_by_occurrence_over_its_whole_span() {
    let app = spawn_app().await;
    let o = app.office().await;
    // An approved meeting on the 4th Tuesday, a room closure on the 6th.
    let a = app
        .approved(
            &o,
            &o.clerk_a,
            &request(&o, "2027-03-23", "08:30", "09:30", Some(1)),
        )
        .await;
    let (s, _, _) = app
        .call(
            Method::Post,
            "/api/v1/closures",
            Some(&o.admin),
            Some(&json!({"starts_on": "2027-04-06", "room_id": o.rooms[1], "reason": "Bảo trì"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created);
    let mut series = request(&o, "2027-03-02", "08:00", "09:00", Some(1));
    series["rrule"] = json!("FREQ=WEEKLY;COUNT=8");
    let cs = check(&app, &o.clerk_a, &series).await;
    let found: Vec<(&str, &str)> = cs
        .iter()
        .map(|c| (c["date"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [("2027-03-23", "room_overlap"), ("2027-04-06", "closure")],
        "{cs:?}"
    );
    assert_eq!(cs[0]["meeting"]["id"], a);
}

/// The next working day after today (office time), at least `days` calendar days ahead.
fn working_day_ahead(days: i64) -> String {
    use chrono::{Datelike, Weekday};
    let mut d =
        lichhop::domain::clock::office_date(chrono::Utc::now()) + chrono::Duration::days(days);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || lichhop::domain::holidays::is_public_holiday(d).is_some()
    {
        d += chrono::Duration::days(1);
    }
    d.to_string()
}

#[rocket::async_test]
async fn a_request_for_the_next_working_day_is_late() {
    let app = spawn_app().await;
    let o = app.office().await;
    let soon = working_day_ahead(1);
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, &soon, "08:00", "09:00", None),
    )
    .await;
    let late = of_kind(&cs, "late_registration");
    assert_eq!(late.len(), 1, "{cs:?}");
    assert_eq!(late[0]["date"], soon.as_str());
    // Tomorrow is late by the lead days (2 working days) or, earlier, by the weekly cut-off
    // (Thursday 16:00 of the week before), whichever came first.
    let message = late[0]["message_vi"].as_str().unwrap();
    assert!(
        message.contains("2 ngày làm việc") || message.contains("chốt đăng ký lúc"),
        "{message}"
    );
    let later = working_day_ahead(30);
    let cs = check(
        &app,
        &o.clerk_a,
        &request(&o, &later, "08:00", "09:00", None),
    )
    .await;
    assert!(of_kind(&cs, "late_registration").is_empty(), "{cs:?}");
}

#[rocket::async_test]
async fn a_saved_request_shows_its_conflicts_to_the_office_and_its_agency_only() {
    let app = spawn_app().await;
    let o = app.office().await;
    let a = app
        .approved(
            &o,
            &o.clerk_a,
            &request(&o, "2027-03-16", "08:00", "10:00", Some(1)),
        )
        .await;
    let b = pending(
        &app,
        &o,
        &request(&o, "2027-03-16", "09:00", "10:00", Some(1)),
    )
    .await;
    let path = format!("/api/v1/meetings/{b}/conflicts");
    for who in [&o.clerk_a, &o.staff, &o.approver] {
        let (s, _, v) = app.call(Method::Get, &path, Some(who), None, &[]).await;
        assert_eq!(s, Status::Ok, "{v}");
        assert_eq!(v["errors"], 1);
        assert_eq!(v["conflicts"][0]["kind"], "room_overlap");
        assert_eq!(v["conflicts"][0]["meeting"]["id"], a);
    }
    let (s, _, _) = app
        .call(Method::Get, &path, Some(&o.clerk_b), None, &[])
        .await;
    assert_eq!(s, Status::NotFound);
    // The approved meeting never collides with itself; the pending one is a warning to it.
    let (_, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/meetings/{a}/conflicts"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(v["errors"], 0, "{v}");
    assert_eq!(v["conflicts"][0]["kind"], "room_pending_overlap");
    // Editing a: checking its new content leaves a itself out.
    let (s, _, v) = app
        .call(
            Method::Post,
            &format!("/api/v1/conflicts?meeting_id={a}"),
            Some(&o.staff),
            Some(
                &json!({"requesting_agency_id": o.agency_a, "title": "Dời giờ",
                         "room_id": o.rooms[1], "starts_at": "2027-03-16T08:00",
                         "ends_at": "2027-03-16T09:00"}),
            ),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(v["errors"], 0, "{v}");
    // Bad input is refused naming the field, as on POST /meetings.
    let mut bad = request(&o, "2027-03-16", "08:00", "09:00", Some(1));
    bad["ends_at"] = json!("2027-03-16T07:00");
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/conflicts",
            Some(&o.clerk_a),
            Some(&bad),
            &[],
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("ends_at"))
    );
    let (s, _, _) = app
        .call(Method::Post, "/api/v1/conflicts", None, Some(&bad), &[])
        .await;
    assert_eq!(s, Status::Unauthorized);
}

#[rocket::async_test]
async fn public_holidays_are_entered_for_several_years_lunar_ones_included_idempotently() {
    let app = spawn_app().await;
    let o = app.office().await;
    let tet = [
        (2026, "2026-02-16", "2026-02-20"),
        (2027, "2027-02-05", "2027-02-09"),
        (2028, "2028-01-25", "2028-01-29"),
        (2030, "2030-02-01", "2030-02-05"),
    ];
    for (year, from, to) in tet {
        let path = format!("/api/v1/closures/holidays/{year}");
        let (s, _, v) = app
            .call(Method::Post, &path, Some(&o.admin), None, &[])
            .await;
        assert_eq!(s, Status::Ok, "{v}");
        let rows = v["created"].as_array().unwrap();
        // New Year, Tết (one row of 5 days), Hùng Kings, 30/4, 1/5, National Day (2 days).
        assert_eq!(rows.len(), 6, "{year}: {v}");
        let t = rows
            .iter()
            .find(|c| c["reason"] == "Tết Nguyên đán")
            .unwrap();
        assert_eq!(
            (t["starts_on"].as_str(), t["ends_on"].as_str()),
            (Some(from), Some(to)),
            "{year}"
        );
        assert_eq!(t["kind"], "holiday");
        // Again: nothing new.
        let (_, _, v) = app
            .call(Method::Post, &path, Some(&o.admin), None, &[])
            .await;
        assert_eq!(v["created"].as_array().unwrap().len(), 0);
        assert_eq!(v["closures"].as_array().unwrap().len(), 6);
    }
    let (s, _, _) = app
        .call(Method::Get, "/api/v1/closures", None, None, &[])
        .await;
    assert_eq!(s, Status::Unauthorized);
    let (s, _, v) = app
        .call(
            Method::Get,
            "/api/v1/closures?from=2026-04-01&to=2026-04-30",
            Some(&o.clerk_a),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let days: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["starts_on"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2026-04-26", "2026-04-30"]);

    // Only the administrator changes the calendar.
    let (s, _, _) = app
        .call(
            Method::Post,
            "/api/v1/closures/holidays/2029",
            Some(&o.approver),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Forbidden);
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/closures/holidays/1800",
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (Status::UnprocessableEntity, Some("year"))
    );
    let id = v_first_id(&app, &o).await;
    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("/api/v1/closures/{id}"),
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NoContent);
    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("/api/v1/closures/{id}"),
            Some(&o.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NotFound);
}

async fn v_first_id(app: &TestApp, o: &Office) -> i64 {
    let (_, _, v) = app
        .call(Method::Get, "/api/v1/closures", Some(&o.staff), None, &[])
        .await;
    v[0]["id"].as_i64().unwrap()
}

/// On PostgreSQL the check's lookups run on sessions that keep generic plans (planning the
/// search's OR of index ranges cost more than running it); every other query keeps custom
/// plans. On SQLite both are the one pool.
#[rocket::async_test]
async fn the_check_s_lookups_run_on_generic_plans_on_postgresql() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let db = app.db();
    if test_backend() != "postgres" {
        assert_eq!(db.kind(), "sqlite");
        return;
    }
    let show = |conn: sea_orm::DatabaseConnection, setting: &'static str| async move {
        let row = conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                format!("SHOW {setting}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<String>(0).unwrap()
    };
    assert_eq!(
        show(db.lookups().clone(), "plan_cache_mode").await,
        "force_generic_plan"
    );
    assert_eq!(show(db.conn.clone(), "plan_cache_mode").await, "auto");
    // Both pools without JIT (see db::connect).
    assert_eq!(show(db.lookups().clone(), "jit").await, "off");
    assert_eq!(show(db.conn.clone(), "jit").await, "off");
}
