//! Issue #19 (hardening), feeds and import: a series' refusal names the days that collide; a
//! feed changed within one second never answers 304 to the date it was served under (on one
//! instance or two); an imported invitation is read in its own time zone, and a repeat rule the
//! registration would refuse is not prefilled.

use crate::helpers::*;
use crate::http_client::{get_head, header_in};
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// 7. A series refusal names the occurrence.

fn single(title: &str, day: &str, room: i32, chair: i32) -> Value {
    json!({
        "title": title,
        "chair_id": chair,
        "room_id": room,
        "starts_at": format!("{day}T08:30"),
        "ends_at": format!("{day}T09:30"),
        "visibility": "public",
        "submit": true,
    })
}

async fn approve(app: &TestApp, o: &Office, id: i64, lang: &str) -> (Status, Value) {
    let (s, _, v) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/approve"),
            Some(&o.approver),
            None,
            &[("Accept-Language", lang.to_string())],
        )
        .await;
    (s, v)
}

#[rocket::async_test]
async fn a_series_refused_at_approval_names_the_days_that_collide() {
    let app = spawn_app().await;
    let o = app.office().await;
    // Approved single meetings: one in the series' room on its 7th Monday, one chaired by the
    // series' chair on its 9th.
    let mut ids = vec![];
    for (title, day, room, chair) in [
        ("Họp phòng 5", "2027-07-19", o.rooms[4], o.leaders[3]),
        ("Làm việc với xã", "2027-08-02", o.rooms[5], o.leaders[1]),
    ] {
        let body = single(title, day, room, chair);
        ids.push(app.approved(&o, &o.clerk_b, &body).await);
    }
    let (in_room, same_chair) = (ids[0], ids[1]);
    let series = json!({
        "title": "Giao ban tuần",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[4],
        "starts_at": "2027-06-07T08:00",
        "ends_at": "2027-06-07T09:00",
        "rrule": "FREQ=WEEKLY;COUNT=10",
        "visibility": "public",
        "submit": true,
    });
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&series),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let id = m["id"].as_i64().unwrap();

    let (s, v) = approve(&app, &o, id, "vi").await;
    assert_eq!(s, Status::Conflict, "{v}");
    assert_eq!(v["error"], "room_overlap", "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains(&format!("#{in_room}")), "{message}");
    assert!(message.contains("19/07/2027"), "{message}");
    assert!(
        !message.contains("2027-07-19"),
        "no ISO dates in Vietnamese: {message}"
    );
    assert_eq!(v["dates"], json!(["2027-07-19"]), "{v}");

    // In English too; and once the room is free, the chair's other meeting is named by its day.
    let (s, v) = approve(&app, &o, id, "en").await;
    assert_eq!(s, Status::Conflict, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("collides") && message.contains("19/07/2027"),
        "{message}"
    );
    let (s, _, _) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{in_room}/cancel"),
            Some(&o.approver),
            Some(&json!({"reason": "Đổi kế hoạch"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, v) = approve(&app, &o, id, "vi").await;
    assert_eq!(s, Status::Conflict, "{v}");
    assert_eq!(v["error"], "chair_overlap", "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains(&format!("#{same_chair}")), "{message}");
    assert!(message.contains("02/08/2027"), "{message}");
    assert_eq!(v["dates"], json!(["2027-08-02"]), "{v}");

    // The OpenAPI document describes the field.
    let doc = app.get_json("/api/openapi.json", Status::Ok).await;
    let body = &doc["components"]["schemas"]["ErrorBody"]["properties"];
    assert_eq!(body["dates"]["type"], "array", "{body}");
}

// ---------------------------------------------------------------------------------------------
// 16. If-Modified-Since and a change made in the same second.

/// A public meeting on 2027-05-`day` at `hour`:00 (each attempt of a test its own hour, so a
/// retry does not collide with the meeting of the attempt before).
fn public_meeting(o: &Office, title: &str, day: u32, hour: u32) -> Value {
    json!({
        "title": title,
        "chair_id": o.leaders[1],
        "room_id": o.rooms[0],
        "starts_at": format!("2027-05-{day:02}T{hour:02}:00"),
        "ends_at": format!("2027-05-{day:02}T{hour:02}:45"),
        "visibility": "public",
        "submit": true,
    })
}

/// A change to what feeds show: a public meeting registered, approved and its week published
/// (the public feed serves publications).
async fn change(app: &TestApp, o: &Office, title: &str, day: u32, attempt: u32) {
    app.approved(o, &o.clerk_a, &public_meeting(o, title, day, 7 + attempt))
        .await;
    app.publish(o, &format!("2027-05-{day:02}")).await;
}

/// GET through the test client: status, Last-Modified, body.
async fn fetch(app: &TestApp, path: &str, ims: Option<&str>) -> (Status, String, String) {
    let mut req = app.client.get(path.to_string());
    if let Some(d) = ims {
        req = req.header(Header::new("If-Modified-Since", d.to_string()));
    }
    let res = req.dispatch().await;
    let status = res.status();
    let lm = res
        .headers()
        .get_one("Last-Modified")
        .unwrap_or("")
        .to_string();
    (status, lm, res.into_string().await.unwrap_or_default())
}

/// Waits for the start of a second, so that what follows fits in it.
async fn start_of_a_second() -> i64 {
    let now = chrono::Utc::now();
    let left = 1_000 - now.timestamp_subsec_millis() as u64;
    rocket::tokio::time::sleep(std::time::Duration::from_millis(left + 5)).await;
    chrono::Utc::now().timestamp()
}

#[rocket::async_test]
async fn a_feed_changed_twice_in_one_second_is_not_answered_304_by_date() {
    let app = spawn_app().await;
    let o = app.office().await;
    let token = app.office_feed(&o).await;
    let feeds = ["/feeds/public.ics".to_string(), token];
    for attempt in 1..=8 {
        let second = start_of_a_second().await;
        // First change, then each feed as a client stores it.
        change(&app, &o, &format!("Họp lần {attempt}a"), 3, attempt).await;
        let mut served = vec![];
        for f in &feeds {
            let (s, lm, _) = fetch(&app, f, None).await;
            assert_eq!(s, Status::Ok);
            served.push(lm);
        }
        // A second change within the same second.
        let title = format!("Họp lần {attempt}b");
        change(&app, &o, &title, 4, attempt).await;
        if chrono::Utc::now().timestamp() != second {
            continue; // the second ran out: that is not the case under test; again
        }
        for (f, lm) in feeds.iter().zip(&served) {
            let (s, new_lm, body) = fetch(&app, f, Some(lm)).await;
            assert_eq!(s, Status::Ok, "{f}: revalidated with {lm} after a change");
            assert!(body.contains(&title), "{f}: the change is in the feed");
            assert_ne!(&new_lm, lm, "{f}: a new generation, a new date");
            // Unchanged since: 304 by that date.
            let (s, _, _) = fetch(&app, f, Some(&new_lm)).await;
            assert_eq!(s, Status::NotModified, "{f}");
        }
        return;
    }
    panic!("two changes and two feed fetches never fitted in one second");
}

/// GET over TCP from a real server: (status, Last-Modified).
async fn tcp_fetch(addr: std::net::SocketAddr, path: &str, ims: Option<&str>) -> (u16, String) {
    let headers: Vec<_> = ims.map(|d| ("If-Modified-Since", d)).into_iter().collect();
    let (status, head) = get_head(addr, path, &headers).await;
    let lm = header_in(&head, "last-modified").unwrap_or("").to_string();
    (status, lm)
}

#[rocket::async_test]
async fn instances_sharing_the_database_agree_on_the_date_and_never_reuse_it() {
    let app = spawn_app().await;
    let o = app.office().await;
    let other = serve(app.data_dir.path(), &app.database_url).await;
    let token = app.office_feed(&o).await;
    for attempt in 1..=8 {
        let second = start_of_a_second().await;
        change(&app, &o, &format!("Họp {attempt}a"), 5, attempt).await;
        // This instance serves the feed; a change follows in the same second; the client
        // then asks the other instance, which builds the feed on its own.
        let (s, lm, _) = fetch(&app, &token, None).await;
        assert_eq!(s, Status::Ok);
        change(&app, &o, &format!("Họp {attempt}b"), 6, attempt).await;
        if chrono::Utc::now().timestamp() != second {
            continue;
        }
        let (s, other_lm) = tcp_fetch(other.addr, &token, Some(&lm)).await;
        assert_eq!(s, 200, "the other instance must not answer 304 to {lm}");
        assert_ne!(other_lm, lm);
        // Both instances serve the new data under one date.
        let (s, here_lm, _) = fetch(&app, &token, Some(&other_lm)).await;
        assert_eq!((s, &here_lm), (Status::NotModified, &other_lm));
        assert_eq!(tcp_fetch(other.addr, &token, Some(&other_lm)).await.0, 304);
        return;
    }
    panic!("the changes never fitted in one second");
}

// ---------------------------------------------------------------------------------------------
// 17, 18. Import: the file's own zone; repeat rules the registration would refuse.

async fn prefill(app: &TestApp, o: &Office, ics: &str, lang: Option<&str>) -> Value {
    let mut req = app
        .client
        .post("/api/v1/import/meeting")
        .header(Header::new(
            "Authorization",
            format!("Bearer {}", o.clerk_a.token),
        ))
        .header(ContentType::new("text", "calendar"))
        .body(ics);
    if let Some(l) = lang {
        req = req.header(Header::new("Accept-Language", l.to_string()));
    }
    let res = req.dispatch().await;
    json_of(res, Status::Ok).await
}

/// An invitation: optional VTIMEZONE blocks, then one event from `start` to `end` (local
/// times in `tzid`), with extra lines.
fn invitation(zones: &str, tzid: &str, start: &str, end: &str, extra: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n\
         VERSION:2.0\r\nMETHOD:REQUEST\r\n{zones}BEGIN:VEVENT\r\nUID:hop-1@example.kr\r\n\
         SUMMARY:Hội nghị xúc tiến đầu tư\r\nDTSTART;TZID=\"{tzid}\":{start}\r\n\
         DTEND;TZID=\"{tzid}\":{end}\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

const KOREA: &str = "BEGIN:VTIMEZONE\r\nTZID:Korea Standard Time\r\nBEGIN:STANDARD\r\n\
DTSTART:16010101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// A zone no name table knows, with daylight saving by yearly rules (like central Europe).
const CUSTOM_DST: &str = "BEGIN:VTIMEZONE\r\nTZID:Giờ đối tác\r\n\
BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n\
TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n\
BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n\
TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

fn times(v: &Value) -> (String, String, String) {
    let m = &v["meeting"];
    (
        m["starts_at"].as_str().unwrap_or_default().to_string(),
        m["ends_at"].as_str().unwrap_or_default().to_string(),
        m["time_zone"].as_str().unwrap_or_default().to_string(),
    )
}

fn hanoi(start: &str, end: &str) -> (String, String, String) {
    (start.into(), end.into(), "Asia/Ho_Chi_Minh".into())
}

#[rocket::async_test]
async fn an_invitation_is_read_in_the_time_zone_its_file_defines() {
    let app = spawn_app().await;
    let o = app.office().await;
    let ics = invitation(
        KOREA,
        "Korea Standard Time",
        "20270412T100000",
        "20270412T113000",
        "",
    );
    let v = prefill(&app, &o, &ics, None).await;
    assert_eq!(
        times(&v),
        hanoi("2027-04-12T08:00", "2027-04-12T09:30"),
        "{v}"
    );
    assert_eq!(v["warnings"], json!([]), "{v}");

    // The file's own rules for daylight saving: +02:00 in July, +01:00 in January.
    let summer = invitation(
        CUSTOM_DST,
        "Giờ đối tác",
        "20270705T100000",
        "20270705T110000",
        "",
    );
    let v = prefill(&app, &o, &summer, None).await;
    assert_eq!(
        times(&v),
        hanoi("2027-07-05T15:00", "2027-07-05T16:00"),
        "{v}"
    );
    let winter = invitation(
        CUSTOM_DST,
        "Giờ đối tác",
        "20270111T100000",
        "20270111T110000",
        "",
    );
    let v = prefill(&app, &o, &winter, None).await;
    assert_eq!(
        times(&v),
        hanoi("2027-01-11T16:00", "2027-01-11T17:00"),
        "{v}"
    );
    assert_eq!(v["warnings"], json!([]), "{v}");
}

#[rocket::async_test]
async fn windows_and_iana_zone_names_are_understood_without_a_vtimezone() {
    let app = spawn_app().await;
    let o = app.office().await;
    for (tzid, start, end, expected) in [
        (
            "Tokyo Standard Time",
            "20270412T100000",
            "20270412T110000",
            hanoi("2027-04-12T08:00", "2027-04-12T09:00"),
        ),
        (
            "Korea Standard Time",
            "20270412T100000",
            "20270412T110000",
            hanoi("2027-04-12T08:00", "2027-04-12T09:00"),
        ),
        (
            "Romance Standard Time",
            "20270705T100000",
            "20270705T110000",
            hanoi("2027-07-05T15:00", "2027-07-05T16:00"),
        ),
        (
            "Europe/Paris",
            "20270705T100000",
            "20270705T110000",
            hanoi("2027-07-05T15:00", "2027-07-05T16:00"),
        ),
        (
            "Europe/Paris",
            "20270111T100000",
            "20270111T110000",
            hanoi("2027-01-11T16:00", "2027-01-11T17:00"),
        ),
        (
            "India Standard Time",
            "20270412T100000",
            "20270412T110000",
            hanoi("2027-04-12T11:30", "2027-04-12T12:30"),
        ),
    ] {
        let v = prefill(&app, &o, &invitation("", tzid, start, end, ""), None).await;
        assert_eq!(times(&v), expected, "{tzid}: {v}");
        assert_eq!(v["warnings"], json!([]), "{tzid}: {v}");
    }
}

#[rocket::async_test]
async fn an_unknown_zone_is_taken_as_office_time_with_a_warning_in_the_users_language() {
    let app = spawn_app().await;
    let o = app.office().await;
    let ics = invitation("", "Giờ sao Hỏa", "20270412T100000", "20270412T110000", "");
    let v = prefill(&app, &o, &ics, None).await;
    assert_eq!(
        times(&v),
        hanoi("2027-04-12T10:00", "2027-04-12T11:00"),
        "{v}"
    );
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(
        w.len(),
        1,
        "one warning for the zone of DTSTART and DTEND: {v}"
    );
    let w = w[0].as_str().unwrap();
    assert!(
        w.contains("Không nhận ra múi giờ") && w.contains("Giờ sao Hỏa"),
        "{w}"
    );
    let v = prefill(&app, &o, &ics, Some("en-GB,en;q=0.9")).await;
    let w = v["warnings"][0].as_str().unwrap();
    assert!(
        w.contains("Unknown time zone") && w.contains("Giờ sao Hỏa"),
        "{w}"
    );
}

#[rocket::async_test]
async fn a_repeat_rule_the_registration_would_refuse_is_not_prefilled_and_the_warning_says_why() {
    let app = spawn_app().await;
    let o = app.office().await;
    let with_rule = |rule: &str| {
        invitation(
            KOREA,
            "Korea Standard Time",
            "20270412T100000",
            "20270412T110000",
            &format!("RRULE:{rule}\r\n"),
        )
    };
    // A rule the registration accepts is carried over, without a warning.
    let v = prefill(&app, &o, &with_rule("FREQ=WEEKLY;COUNT=4"), None).await;
    assert_eq!(v["meeting"]["rrule"], "FREQ=WEEKLY;COUNT=4", "{v}");
    assert_eq!(v["warnings"], json!([]), "{v}");
    for (rule, vi, en) in [
        (
            "FREQ=SECONDLY;COUNT=5",
            "hằng ngày, hằng tuần",
            "daily, weekly",
        ),
        ("FREQ=DAILY;COUNT=1000000", "260", "260"),
        ("FREQ=BANANA;;X==Y", "không hợp lệ", "Invalid"),
    ] {
        let v = prefill(&app, &o, &with_rule(rule), None).await;
        assert_eq!(v["meeting"]["rrule"], Value::Null, "{rule}: {v}");
        let w = v["warnings"].as_array().unwrap();
        assert_eq!(w.len(), 1, "{rule}: {v}");
        let w = w[0].as_str().unwrap();
        assert!(
            w.contains("Quy tắc lặp") && w.contains(rule) && w.contains(vi),
            "{w}"
        );
        let v = prefill(&app, &o, &with_rule(rule), Some("en")).await;
        let w = v["warnings"][0].as_str().unwrap();
        assert!(w.contains("repeat rule") && w.contains(en), "{w}");
    }
}
