//! Find a time: the earliest free slots with the rooms that fit.

use crate::helpers::*;
use rocket::http::{Method, Status};
use serde_json::{json, Value};

async fn find(app: &TestApp, who: &Principal, query: &str) -> (Status, Value) {
    let (s, _, v) = app
        .call(
            Method::Get,
            &format!("/api/v1/availability?{query}"),
            Some(who),
            None,
            &[],
        )
        .await;
    (s, v)
}

/// (date, from) of each slot.
fn starts(v: &Value) -> Vec<(String, String)> {
    v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["date"].as_str().unwrap().to_string(),
                s["from"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn at(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(d, t)| (d.to_string(), t.to_string()))
        .collect()
}

fn meeting(o: &Office, room: usize, date: &str, from: &str, to: &str) -> Value {
    json!({
        "title": format!("Đã duyệt {date} {from}"),
        "room_id": o.rooms[room],
        "starts_at": format!("{date}T{from}"),
        "ends_at": format!("{date}T{to}"),
    })
}

async fn post(app: &TestApp, who: &Principal, path: &str, body: Value) {
    let (s, _, v) = app
        .call(Method::Post, path, Some(who), Some(&body), &[])
        .await;
    assert_eq!(s, Status::Created, "{path}: {v}");
}

#[rocket::async_test]
async fn the_earliest_slots_keep_the_room_buffer_and_wait_for_the_chair() {
    let app = spawn_app().await;
    let o = app.office().await;
    // Only "Hội trường A" seats 200.
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(&o, 0, "2027-03-09", "07:30", "09:00"),
    )
    .await;
    let q = "from=2027-03-09&to=2027-03-09&duration_minutes=60&min_capacity=200&limit=3";
    let (s, v) = find(&app, &o.clerk_a, q).await;
    assert_eq!(s, Status::Ok, "{v}");
    // 09:00 is inside the 15-minute setup buffer; 09:30 is the first start on the grid. The
    // next ones do not overlap it, and 11:00–12:00 would run into the lunch break.
    assert_eq!(
        starts(&v),
        at(&[
            ("2027-03-09", "09:30"),
            ("2027-03-09", "10:30"),
            ("2027-03-09", "13:30")
        ])
    );
    let slot = &v["slots"][0];
    assert_eq!(slot["to"], "10:30");
    assert_eq!(
        slot["rooms"],
        json!([{"id": o.rooms[0], "name": "Hội trường A", "capacity": 250}])
    );
    assert_eq!(slot["starts_at"], "2027-03-09T02:30:00Z");

    // The chair is in another approved meeting 10:00–12:00: the first common slot is after
    // the lunch break (12:00–13:00 would cross it).
    let mut chaired = meeting(&o, 2, "2027-03-09", "10:00", "12:00");
    chaired["chair_id"] = json!(o.leaders[1]);
    app.approved(&o, &o.clerk_a, &chaired).await;
    let (_, v) = find(&app, &o.clerk_a, &format!("{q}&chair_id={}", o.leaders[1])).await;
    assert_eq!(
        starts(&v),
        at(&[
            ("2027-03-09", "13:30"),
            ("2027-03-09", "14:30"),
            ("2027-03-09", "15:30")
        ])
    );
    // Two hours: the morning after the meeting, or the afternoon; never across lunch.
    let (_, v) = find(
        &app,
        &o.clerk_a,
        "from=2027-03-09&to=2027-03-09&duration_minutes=120&min_capacity=200&limit=50",
    )
    .await;
    assert_eq!(
        starts(&v),
        at(&[("2027-03-09", "09:30"), ("2027-03-09", "13:30")])
    );
    // Asked for 15:00: the slot ending at closing time (17:00) comes first.
    let (_, v) = find(
        &app,
        &o.clerk_a,
        "from=2027-03-09&to=2027-03-09&duration_minutes=120&min_capacity=200&at=15:00",
    )
    .await;
    assert_eq!(
        (v["slots"][0]["from"].as_str(), v["slots"][0]["to"].as_str()),
        (Some("15:00"), Some("17:00")),
        "{v}"
    );
}

#[rocket::async_test]
async fn closures_holidays_and_substitute_days_are_skipped_make_up_days_are_offered() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.enter_holidays(&o, 2027).await;
    // Nghỉ bù on Wednesday 10 Feb, maintenance of the hall on Thursday 11 Feb, and a make-up
    // working day on Saturday 13 Feb.
    post(
        &app,
        &o.admin,
        "/api/v1/closures",
        json!({"starts_on": "2027-02-10", "kind": "holiday", "reason": "Nghỉ bù Tết"}),
    )
    .await;
    post(
        &app,
        &o.admin,
        "/api/v1/closures",
        json!({"starts_on": "2027-02-11", "room_id": o.rooms[0], "reason": "Bảo trì hội trường"}),
    )
    .await;
    post(
        &app,
        &o.admin,
        "/api/v1/working-days",
        json!({"on_date": "2027-02-13", "reason": "Làm bù"}),
    )
    .await;
    // A 9-hour meeting holds the lunch break and fits only at 07:30 or 08:00: one a day.
    let (s, v) = find(
        &app,
        &o.staff,
        "from=2027-02-04&to=2027-02-14&duration_minutes=540&min_capacity=200&limit=20",
    )
    .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(
        starts(&v),
        at(&[
            ("2027-02-04", "07:30"),
            ("2027-02-12", "07:30"),
            ("2027-02-13", "07:30"),
        ])
    );
    // Other rooms are open on the 11th.
    let (_, v) = find(
        &app,
        &o.staff,
        "from=2027-02-11&to=2027-02-11&duration_minutes=540&limit=1",
    )
    .await;
    let rooms = v["slots"][0]["rooms"].as_array().unwrap();
    assert!(!rooms.is_empty());
    assert!(rooms.iter().all(|r| r["id"] != o.rooms[0]));
}

#[rocket::async_test]
async fn rooms_fit_the_equipment_and_busy_attendees_are_waited_for() {
    let app = spawn_app().await;
    let o = app.office().await;
    let (_, v) = find(
        &app,
        &o.clerk_a,
        "from=2027-03-10&to=2027-03-10&duration_minutes=60&min_capacity=40&equipment=video_conference&limit=1",
    )
    .await;
    let names: Vec<&str> = v["slots"][0]["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    // Smallest room that fits first.
    assert_eq!(names, ["Phòng họp trực tuyến", "Phòng họp số 1"]);

    // The head of agency B attends (agency B invited) an approved meeting 07:30–11:00.
    let mut busy = meeting(&o, 1, "2027-03-10", "07:30", "11:00");
    busy["attendees"] = json!([{"agency_id": o.agency_b}]);
    app.approved(&o, &o.clerk_a, &busy).await;
    let head_b = app.head_of(o.agency_b).await;
    let (_, v) = find(
        &app,
        &o.clerk_a,
        &format!("from=2027-03-10&to=2027-03-10&duration_minutes=60&person_ids={head_b}&limit=1"),
    )
    .await;
    // 11:00–12:00 would run into the lunch break.
    assert_eq!(starts(&v), at(&[("2027-03-10", "13:30")]));

    // Nothing fits: no slot, not an error.
    let (s, v) = find(
        &app,
        &o.clerk_a,
        "from=2027-03-10&to=2027-03-10&duration_minutes=60&min_capacity=1000",
    )
    .await;
    assert_eq!(
        (s, v["slots"].as_array().map(Vec::len)),
        (Status::Ok, Some(0))
    );
}

#[rocket::async_test]
async fn bad_queries_are_refused_naming_the_parameter() {
    let app = spawn_app().await;
    let o = app.office().await;
    for (query, field) in [
        (
            "from=2027-03-10&duration_minutes=60&equipment=teleporter",
            "equipment[0]",
        ),
        ("from=2027-03-10", "duration_minutes"),
        ("duration_minutes=60", "from"),
        ("from=10/03/2027&duration_minutes=60", "from"),
        ("from=2027-03-10&to=2027-03-01&duration_minutes=60", "to"),
        ("from=2027-03-10&to=2027-12-31&duration_minutes=60", "to"),
        ("from=2027-03-10&duration_minutes=2000", "duration_minutes"),
        ("from=2027-03-10&duration_minutes=60&at=9h", "at"),
        (
            "from=2027-03-10&duration_minutes=60&person_ids=1,x",
            "person_ids",
        ),
    ] {
        let (s, v) = find(&app, &o.clerk_a, query).await;
        assert_eq!(
            (s, v["field"].as_str()),
            (Status::UnprocessableEntity, Some(field)),
            "{query}: {v}"
        );
    }
    let (s, _, _) = app
        .call(
            Method::Get,
            "/api/v1/availability?from=2027-03-10&duration_minutes=60",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::Unauthorized);
}

#[rocket::async_test]
async fn slots_spread_over_the_next_working_days_never_cross_lunch_and_say_when_late() {
    let app = spawn_app().await;
    let o = app.office().await;
    let today = lichhop::domain::clock::office_date(lichhop::domain::clock::now());
    let q = format!("from={today}&duration_minutes=90");
    let (s, v) = find(&app, &o.clerk_a, &q).await;
    assert_eq!(s, Status::Ok, "{v}");
    let slots = v["slots"].as_array().unwrap();
    // The office's defaults: five working days, three a day.
    let mut per_day: std::collections::BTreeMap<&str, usize> = Default::default();
    for slot in slots {
        *per_day.entry(slot["date"].as_str().unwrap()).or_default() += 1;
        let (from, to) = (slot["from"].as_str().unwrap(), slot["to"].as_str().unwrap());
        assert!(to <= "11:30" || from >= "13:30", "across lunch: {slot}");
        let date: chrono::NaiveDate = slot["date"].as_str().unwrap().parse().unwrap();
        assert!(!matches!(
            chrono::Datelike::weekday(&date),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        ));
        let starts: chrono::DateTime<chrono::Utc> =
            slot["starts_at"].as_str().unwrap().parse().unwrap();
        assert!(
            starts >= lichhop::domain::clock::now(),
            "in the past: {slot}"
        );
    }
    assert_eq!(per_day.len(), 5, "{v}");
    // Three a day, none overlapping (today may have fewer left).
    assert!(per_day.values().skip(1).all(|n| *n == 3), "{per_day:?}");
    // Registering now for the next working day is late (two working days' lead): marked.
    let first_day = per_day.keys().next().unwrap();
    let first = slots.iter().find(|s| s["date"] == *first_day).unwrap();
    assert_eq!(first["late"], true, "{first}");
    assert!(first["warnings"]
        .as_array()
        .unwrap()
        .contains(&json!("late")));
    // Slots far ahead are clean, and the time asked ranks first.
    let (_, v) = find(
        &app,
        &o.clerk_a,
        "from=2027-03-09&duration_minutes=60&at=14:00&limit=4",
    )
    .await;
    // The time asked, then the nearest that overlap none chosen (13:30 and 14:30 would), then
    // the next day at that time.
    assert_eq!(
        starts(&v),
        at(&[
            ("2027-03-09", "14:00"),
            ("2027-03-09", "15:00"),
            ("2027-03-09", "16:00"),
            ("2027-03-10", "14:00"),
        ])
    );
    assert_eq!(v["slots"][0]["from"], "14:00", "{v}");
    assert_eq!(v["slots"][0]["late"], false);
    assert_eq!(v["slots"][0]["warnings"], json!([]));
}
