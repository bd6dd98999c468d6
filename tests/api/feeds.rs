//! iCalendar feeds as calendar clients see them: tokens, conditional requests, cancellation,
//! confidential blocks, series with overrides, and what independent parsers (ical.js of
//! Thunderbird, Python's icalendar + recurring-ical-events, the `ical` crate) make of them.

use crate::helpers::*;
use crate::http_client::header_in;
use rocket::http::{Header, Method, Status};
use serde_json::{json, Value};
use std::path::PathBuf;

fn meeting(o: &Office, title: &str, day: u32, hour: u32, visibility: &str) -> Value {
    json!({
        "title": title,
        "agenda": "1. Báo cáo tiến độ; kiến nghị, đề xuất\n2. Kết luận \\ phân công",
        "kind": "hop",
        "chair_id": o.leaders[1],
        "room_id": o.rooms[0],
        "starts_at": format!("2027-03-{day:02}T{hour:02}:00"),
        "ends_at": format!("2027-03-{day:02}T{:02}:30", hour + 1),
        "visibility": visibility,
        "attendees": [{"agency_id": o.agency_b}, {"person_id": o.leaders[2], "role": "optional"}],
        "preparing_agency_id": o.agency_a,
        "online_link": "https://hop.example.gov.vn/phong-5",
        "submit": true,
    })
}

async fn create(app: &TestApp, who: &Principal, body: &Value) -> i64 {
    let (s, _, m) = app
        .call(Method::Post, "/api/v1/meetings", Some(who), Some(body), &[])
        .await;
    assert_eq!(s, Status::Created, "{m}");
    m["id"].as_i64().unwrap()
}

async fn act(app: &TestApp, who: &Principal, id: i64, action: &str, body: Value) {
    let (s, _, v) = app
        .call(
            Method::Post,
            &format!("/api/v1/meetings/{id}/{action}"),
            Some(who),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{action}: {v}");
}

async fn token(app: &TestApp, who: &Principal, body: Value) -> (Status, Value) {
    let (s, _, v) = app
        .call(
            Method::Post,
            "/api/v1/feed-tokens",
            Some(who),
            Some(&body),
            &[],
        )
        .await;
    (s, v)
}

async fn list_tokens(app: &TestApp, who: &Principal) -> (Status, Value) {
    let (s, _, v) = app
        .call(Method::Get, "/api/v1/feed-tokens", Some(who), None, &[])
        .await;
    (s, v)
}

async fn feed_path(app: &TestApp, who: &Principal, body: Value) -> String {
    let (s, v) = token(app, who, body).await;
    assert_eq!(s, Status::Created, "{v}");
    format!("/feeds/{}.ics", v["secret"].as_str().unwrap())
}

/// GET a feed: status, headers of interest, body text.
async fn fetch(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (Status, Vec<(String, String)>, Vec<u8>) {
    let mut req = app.client.get(path.to_string());
    for (k, v) in headers {
        req = req.header(Header::new(k.to_string(), v.to_string()));
    }
    let res = req.dispatch().await;
    let status = res.status();
    let hs = res
        .headers()
        .iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect();
    let body = res.into_bytes().await.unwrap_or_default();
    (status, hs, body)
}

fn header<'a>(hs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    hs.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(crate) async fn text(app: &TestApp, path: &str) -> String {
    let (s, _, body) = fetch(app, path, &[]).await;
    assert_eq!(s, Status::Ok, "GET {path}");
    String::from_utf8(body).expect("feed is UTF-8")
}

/// The VEVENT blocks of a feed (unfolded), each as its lines: those of 2027, where the tests put
/// their meetings (the demo province's own meetings are around today).
pub(crate) fn vevents(ics: &str) -> Vec<Vec<String>> {
    all_vevents(ics)
        .into_iter()
        .filter(|ev| prop(ev, "DTSTART").is_some_and(|v| v.starts_with("2027")))
        .collect()
}

fn all_vevents(ics: &str) -> Vec<Vec<String>> {
    let unfolded = lichhop::feeds::rfc5545::unfold(ics);
    let mut out = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    for line in unfolded.lines() {
        match line {
            "BEGIN:VEVENT" => cur = Some(Vec::new()),
            "END:VEVENT" => out.extend(cur.take()),
            l => {
                if let Some(c) = cur.as_mut() {
                    c.push(l.to_string());
                }
            }
        }
    }
    out
}

pub(crate) fn prop<'a>(ev: &'a [String], name: &str) -> Option<&'a str> {
    ev.iter().find_map(|l| {
        let (head, value) = l.split_once(':')?;
        (head == name || head.starts_with(&format!("{name};"))).then_some(value)
    })
}

/// RFC 5545 §3.1 at the byte level: CRLF only, ≤ 75 octets a line, UTF-8 never split.
pub(crate) fn assert_wire_format(ics: &[u8]) {
    let text = std::str::from_utf8(ics).expect("UTF-8");
    assert!(text.ends_with("\r\n"));
    for (i, line) in text.split("\r\n").enumerate() {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare LF/CR on line {i}"
        );
        assert!(
            line.len() <= 75,
            "line {i} has {} octets: {line:?}",
            line.len()
        );
    }
}

#[rocket::async_test]
async fn feed_tokens_are_created_listed_and_revoked_and_a_revoked_feed_is_gone_at_once() {
    let app = spawn_app().await;
    let o = app.office().await;

    // A clerk: its own agency's feed, yes; another agency's, a room's, the office's: no.
    let (s, t) = token(
        &app,
        &o.clerk_a,
        json!({"scope": "agency", "label": "Lịch của Sở"}),
    )
    .await;
    assert_eq!(s, Status::Created, "{t}");
    let secret = t["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64, "256 random bits, hex");
    assert!(t["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/feeds/{secret}.ics")));
    assert!(t["webcal_url"].as_str().unwrap().starts_with("webcal://"));
    assert!(t.get("token_hash").is_none());
    for body in [
        json!({"scope": "agency", "agency_id": o.agency_b}),
        json!({"scope": "room", "room_id": o.rooms[0]}),
        json!({"scope": "office"}),
        json!({"scope": "person", "person_id": o.leaders[0]}),
    ] {
        let (s, e) = token(&app, &o.clerk_a, body.clone()).await;
        assert_eq!(s, Status::Forbidden, "{body} → {e}");
    }
    let (s, e) = token(&app, &o.staff, json!({"scope": "room"})).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (Status::UnprocessableEntity, Some("room_id"))
    );
    let (s, _) = token(
        &app,
        &o.staff,
        json!({"scope": "room", "room_id": o.rooms[1]}),
    )
    .await;
    assert_eq!(s, Status::Created);

    // Listing: one's own; the office sees all. The secret is never listed.
    let (s, mine) = list_tokens(&app, &o.clerk_a).await;
    assert_eq!((s, mine.as_array().unwrap().len()), (Status::Ok, 1));
    assert!(!mine.to_string().contains(secret));
    let (_, all) = list_tokens(&app, &o.staff).await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    let path = format!("/feeds/{secret}.ics");
    let (s, hs, body) = fetch(&app, &path, &[]).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(
        header(&hs, "Content-Type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(body.starts_with(b"BEGIN:VCALENDAR\r\n"));

    // Another clerk cannot revoke it; its owner can, and the feed is gone at once.
    let id = t["id"].as_i64().unwrap();
    let del = format!("/api/v1/feed-tokens/{id}");
    let (s, _, _) = app
        .call(Method::Delete, &del, Some(&o.clerk_b), None, &[])
        .await;
    assert_eq!(s, Status::NotFound);
    let (s, _, _) = app
        .call(Method::Delete, &del, Some(&o.clerk_a), None, &[])
        .await;
    assert_eq!(s, Status::NoContent);
    assert_eq!(fetch(&app, &path, &[]).await.0, Status::NotFound);
    assert_eq!(
        fetch(&app, "/feeds/0123.ics", &[]).await.0,
        Status::NotFound
    );
    let (_, mine) = list_tokens(&app, &o.clerk_a).await;
    assert_eq!(mine[0]["revoked"], true);
}

#[rocket::async_test]
async fn feeds_revalidate_with_304_answer_head_and_gzip() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.approved(&o, &o.clerk_a, &meeting(&o, "Họp giao ban", 2, 8, "public"))
        .await;
    app.publish(&o, "2027-03-01").await;

    let (s, hs, body) = fetch(&app, "/feeds/public.ics", &[]).await;
    assert_eq!(s, Status::Ok);
    let etag = header(&hs, "ETag").unwrap().to_string();
    let last_modified = header(&hs, "Last-Modified").unwrap().to_string();
    assert!(last_modified.ends_with(" GMT"), "{last_modified}");

    let (s, hs304, b) = fetch(&app, "/feeds/public.ics", &[("If-None-Match", &etag)]).await;
    assert_eq!((s, b.len()), (Status::NotModified, 0));
    assert_eq!(header(&hs304, "ETag"), Some(etag.as_str()));
    // The 304 repeats the validators and caching headers; the security headers stay those of
    // the stored 200.
    assert_eq!(header(&hs304, "Vary"), Some("Accept-Encoding"));
    assert!(header(&hs304, "Cache-Control").is_some());
    assert!(header(&hs, "Content-Security-Policy").is_some());
    assert_eq!(header(&hs, "X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(header(&hs304, "Content-Security-Policy"), None);
    let (s, _, _) = fetch(
        &app,
        "/feeds/public.ics",
        &[("If-Modified-Since", &last_modified)],
    )
    .await;
    assert_eq!(s, Status::NotModified);
    let (s, _, _) = fetch(&app, "/feeds/public.ics", &[("If-None-Match", "\"other\"")]).await;
    assert_eq!(s, Status::Ok);

    let res = app.client.head("/feeds/public.ics").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.headers().get_one("ETag"), Some(etag.as_str()));
    assert!(res.into_bytes().await.unwrap_or_default().is_empty());

    let (s, hs, gz) = fetch(
        &app,
        "/feeds/public.ics",
        &[("Accept-Encoding", "gzip, br")],
    )
    .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(header(&hs, "Content-Encoding"), Some("gzip"));
    assert_eq!(header(&hs, "Vary"), Some("Accept-Encoding"));
    let mut plain = Vec::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, body);
    let gz_etag = header(&hs, "ETag").unwrap().to_string();
    assert_ne!(gz_etag, etag);
    let (s, _, _) = fetch(
        &app,
        "/feeds/public.ics",
        &[("If-None-Match", &gz_etag), ("Accept-Encoding", "gzip")],
    )
    .await;
    assert_eq!(s, Status::NotModified);

    // A decision alone changes nothing the public sees: the feed is still the published one.
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(&o, "Họp bàn thứ hai", 3, 8, "public"),
    )
    .await;
    let (s, _, _) = fetch(&app, "/feeds/public.ics", &[("If-None-Match", &etag)]).await;
    assert_eq!(s, Status::NotModified, "a decision is not a publication");
    // A publication is a new generation: the feed is rebuilt.
    assert_eq!(app.publish(&o, "2027-03-01").await, 1);
    let (s, hs, body2) = fetch(&app, "/feeds/public.ics", &[("If-None-Match", &etag)]).await;
    assert_eq!(s, Status::Ok);
    assert_ne!(header(&hs, "ETag"), Some(etag.as_str()));
    assert_eq!(vevents(std::str::from_utf8(&body2).unwrap()).len(), 2);
}

#[rocket::async_test]
async fn a_cancelled_meeting_stays_in_the_feed_as_cancelled_with_a_higher_sequence() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = app
        .approved(
            &o,
            &o.clerk_a,
            &meeting(&o, "Hội nghị tổng kết", 4, 14, "public"),
        )
        .await;
    let person = feed_path(
        &app,
        &o.staff,
        json!({"scope": "person", "person_id": o.leaders[1]}),
    )
    .await;
    app.publish(&o, "2027-03-01").await;
    for path in ["/feeds/public.ics", person.as_str()] {
        let evs = vevents(&text(&app, path).await);
        assert_eq!(evs.len(), 1, "{path}");
        assert_eq!(prop(&evs[0], "STATUS"), Some("CONFIRMED"));
    }
    let before = vevents(&text(&app, "/feeds/public.ics").await).remove(0);
    act(
        &app,
        &o.approver,
        id,
        "cancel",
        json!({"reason": "Lãnh đạo bận đột xuất"}),
    )
    .await;
    // The public sees the cancellation once it is published ("(Hủy)" in the adjustment).
    let evs = vevents(&text(&app, "/feeds/public.ics").await);
    assert_eq!(
        prop(&evs[0], "STATUS"),
        Some("CONFIRMED"),
        "not published yet"
    );
    app.publish(&o, "2027-03-01").await;
    for path in ["/feeds/public.ics", person.as_str()] {
        let evs = vevents(&text(&app, path).await);
        assert_eq!(evs.len(), 1, "{path}: still there so clients remove it");
        let ev = &evs[0];
        assert_eq!(prop(ev, "STATUS"), Some("CANCELLED"));
        assert_eq!(prop(ev, "UID"), prop(&before, "UID"));
        let seq = |e: &[String]| prop(e, "SEQUENCE").unwrap().parse::<i32>().unwrap();
        assert!(seq(ev) > seq(&before));
    }
    // Past the configured window it is gone from the person's feed.
    let mut s = lichhop::domain::settings::load(app.db()).await.unwrap();
    s.cancelled_in_feeds_days = 0;
    lichhop::domain::settings::save(app.db(), &s).await.unwrap();
    // Same second as the cancellation: only strictly older changes drop out. Age the row.
    age_meeting(&app, id, 2).await;
    assert!(vevents(&text(&app, &person).await).is_empty());
    // And from the public feed with the next adjustment, which no longer carries it.
    app.publish(&o, "2027-03-01").await;
    assert!(vevents(&text(&app, "/feeds/public.ics").await).is_empty());
}

async fn age_meeting(app: &TestApp, id: i64, days: i64) {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let db = app.db();
    let m = entity::meeting::Entity::find_by_id(id as i32)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    let when = m.updated_at - chrono::Duration::days(days);
    let mut a: entity::meeting::ActiveModel = m.into();
    a.updated_at = Set(when);
    a.update(&db.conn).await.unwrap();
}

#[rocket::async_test]
async fn a_confidential_meeting_is_a_busy_block_outside_its_owner_feed() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(&o, "Họp bàn phương án nhân sự", 5, 8, "confidential"),
    )
    .await;
    let office = feed_path(&app, &o.staff, json!({"scope": "office"})).await;
    let person = feed_path(
        &app,
        &o.staff,
        json!({"scope": "person", "person_id": o.leaders[1]}),
    )
    .await;
    let own = feed_path(&app, &o.clerk_a, json!({"scope": "agency"})).await;
    for path in [office.as_str(), person.as_str()] {
        let ics = text(&app, path).await;
        assert!(
            !ics.contains("nhân sự") && !ics.contains("Báo cáo"),
            "{path}: {ics}"
        );
        let evs = vevents(&ics);
        assert_eq!(evs.len(), 1);
        assert_eq!(prop(&evs[0], "SUMMARY"), Some("Bận"));
        assert_eq!(prop(&evs[0], "CLASS"), Some("CONFIDENTIAL"));
        for absent in ["DESCRIPTION", "LOCATION", "ATTENDEE", "ORGANIZER", "URL"] {
            assert_eq!(prop(&evs[0], absent), None, "{absent} in {path}");
        }
    }
    let evs = vevents(&text(&app, &own).await);
    assert_eq!(prop(&evs[0], "SUMMARY"), Some("Họp bàn phương án nhân sự"));
    app.publish(&o, "2027-03-01").await;
    let public = text(&app, "/feeds/public.ics").await;
    assert!(vevents(&public).is_empty() && !public.contains("nhân sự"));
}

#[rocket::async_test]
async fn tentative_requests_show_only_where_asked_for() {
    let app = spawn_app().await;
    let o = app.office().await;
    create(
        &app,
        &o.clerk_a,
        &meeting(&o, "Đăng ký chờ duyệt", 8, 8, "public"),
    )
    .await;
    let with = feed_path(
        &app,
        &o.staff,
        json!({"scope": "person", "person_id": o.leaders[1], "include_tentative": true}),
    )
    .await;
    let without = feed_path(
        &app,
        &o.staff,
        json!({"scope": "person", "person_id": o.leaders[1]}),
    )
    .await;
    let office = feed_path(&app, &o.staff, json!({"scope": "office"})).await;
    for path in [with.as_str(), office.as_str()] {
        let evs = vevents(&text(&app, path).await);
        assert_eq!(prop(&evs[0], "STATUS"), Some("TENTATIVE"), "{path}");
    }
    assert!(vevents(&text(&app, &without).await).is_empty());
    app.publish(&o, "2027-03-08").await;
    assert!(vevents(&text(&app, "/feeds/public.ics").await).is_empty());
}

/// A weekly series with an excluded date, one occurrence moved and one cancelled.
async fn series_with_overrides(app: &TestApp, o: &Office) -> i64 {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
    let mut body = meeting(
        o,
        "Giao ban định kỳ: tiến độ giải phóng mặt bằng, tái định cư và giải ngân vốn đầu tư công",
        1,
        8,
        "public",
    );
    body["rrule"] = json!("FREQ=WEEKLY;COUNT=6");
    body["exdates"] = json!(["2027-03-15"]);
    let id = app.approved(o, &o.clerk_a, &body).await;
    // Per-occurrence changes as the office records them (is_override, own sequence).
    let db = app.db();
    let occ = entity::occurrence::Entity::find()
        .filter(entity::occurrence::Column::MeetingId.eq(id as i32))
        .order_by_asc(entity::occurrence::Column::RecurrenceId)
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(occ.len(), 5);
    let now = lichhop::domain::clock::now();
    let moved = occ[1].clone();
    let mut a: entity::occurrence::ActiveModel = moved.clone().into();
    a.starts_at = Set(moved.starts_at + chrono::Duration::hours(6));
    a.ends_at = Set(moved.ends_at + chrono::Duration::hours(6));
    a.is_override = Set(true);
    a.sequence = Set(moved.sequence + 1);
    a.updated_at = Set(now);
    a.update(&db.conn).await.unwrap();
    let cancelled = occ[3].clone();
    let mut a: entity::occurrence::ActiveModel = cancelled.clone().into();
    a.status = Set(entity::MeetingStatus::Cancelled);
    a.is_override = Set(true);
    a.sequence = Set(cancelled.sequence + 1);
    a.updated_at = Set(now);
    a.update(&db.conn).await.unwrap();
    id
}

/// Our own expansion: the meeting's occurrence rows that are not cancelled, as (start, end) UTC.
async fn our_occurrences(app: &TestApp, id: i64) -> Vec<(String, String)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::occurrence::Entity::find()
        .filter(entity::occurrence::Column::MeetingId.eq(id as i32))
        .order_by_asc(entity::occurrence::Column::StartsAt)
        .all(&app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.status != entity::MeetingStatus::Cancelled)
        .map(|o| {
            let f = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            (f(o.starts_at), f(o.ends_at))
        })
        .collect()
}

#[rocket::async_test]
async fn a_series_is_one_rrule_event_with_exdate_and_recurrence_id_overrides() {
    let app = spawn_app().await;
    let o = app.office().await;
    let id = series_with_overrides(&app, &o).await;
    // The office's feed: live data, the series as the office keeps it.
    let office = feed_path(&app, &o.staff, json!({"scope": "office"})).await;
    let ics = text(&app, &office).await;
    assert_wire_format(ics.as_bytes());
    for needed in [
        "\r\nMETHOD:PUBLISH\r\n",
        "\r\nCALSCALE:GREGORIAN\r\n",
        "\r\nVERSION:2.0\r\n",
        "\r\nX-WR-TIMEZONE:Asia/Ho_Chi_Minh\r\n",
        "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n",
        "\r\nX-PUBLISHED-TTL:PT1H\r\n",
        "\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\n",
        "\r\nNAME:",
        "\r\nX-WR-CALNAME:",
    ] {
        assert!(ics.contains(needed), "missing {needed:?}");
    }
    // Folding, byte by byte: the long Vietnamese title spans physical lines of at most 75
    // octets, each valid UTF-8 (checked above), and unfolds back to exactly the escaped title.
    let title =
        "Giao ban định kỳ: tiến độ giải phóng mặt bằng, tái định cư và giải ngân vốn đầu tư công";
    let at = ics.find("\r\nSUMMARY:Giao ban định kỳ").expect("summary") + 2;
    let physical: Vec<&str> = ics[at..].split("\r\n").take(3).collect();
    assert!(
        physical[0].len() <= 75 && physical[0].len() > 70,
        "{physical:?}"
    );
    assert!(physical[1].starts_with(' '), "folded: {physical:?}");
    // The office's feed holds its other meetings too: this series' events.
    let evs: Vec<_> = vevents(&ics)
        .into_iter()
        .filter(|e| prop(e, "SUMMARY").is_some_and(|t| t.starts_with("Giao ban định kỳ")))
        .collect();
    assert_eq!(
        prop(&evs[0], "SUMMARY").map(str::to_string),
        Some(lichhop::feeds::rfc5545::escape_text(title))
    );
    assert_eq!(evs.len(), 3, "master + moved + cancelled");
    let master = &evs[0];
    assert_eq!(prop(master, "RRULE"), Some("FREQ=WEEKLY;COUNT=6"));
    assert_eq!(
        master
            .iter()
            .find(|l| l.starts_with("EXDATE"))
            .map(String::as_str),
        Some("EXDATE;TZID=Asia/Ho_Chi_Minh:20270315T080000")
    );
    assert_eq!(
        master
            .iter()
            .find(|l| l.starts_with("DTSTART"))
            .map(String::as_str),
        Some("DTSTART;TZID=Asia/Ho_Chi_Minh:20270301T080000")
    );
    // TEXT escaping: ; , \ and the newline of the agenda.
    let desc = prop(master, "DESCRIPTION").unwrap();
    assert!(
        desc.contains(
            "Nội dung: 1. Báo cáo tiến độ\\; kiến nghị\\, đề xuất\\n2. Kết luận \\\\ phân công"
        ),
        "{desc}"
    );
    assert!(prop(master, "LOCATION").is_some());
    assert!(prop(master, "ORGANIZER").is_some());
    assert!(master
        .iter()
        .any(|l| l.starts_with("ATTENDEE;") && l.contains("ROLE=CHAIR")));
    assert!(master
        .iter()
        .any(|l| l.starts_with("ATTENDEE;") && l.contains("ROLE=OPT-PARTICIPANT")));
    assert!(prop(master, "URL").unwrap().contains("/cuoc-hop/"));
    let moved = &evs[1];
    assert_eq!(
        moved
            .iter()
            .find(|l| l.starts_with("RECURRENCE-ID"))
            .map(String::as_str),
        Some("RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20270308T080000")
    );
    assert_eq!(prop(moved, "DTSTART"), Some("20270308T140000"));
    assert_eq!(prop(moved, "STATUS"), Some("CONFIRMED"));
    assert_eq!(prop(&evs[2], "STATUS"), Some("CANCELLED"));
    assert_eq!(prop(&evs[2], "RECURRENCE-ID"), Some("20270329T080000"));

    // The public feed: what was published, each published occurrence an instance of the
    // meeting (its UID, the occurrence's RECURRENCE-ID); a week not published adds nothing.
    for week in ["2027-03-01", "2027-03-08", "2027-03-22"] {
        app.publish(&o, week).await;
    }
    let ics = text(&app, "/feeds/public.ics").await;
    assert_wire_format(ics.as_bytes());
    for needed in [
        "\r\nMETHOD:PUBLISH\r\n",
        "\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\n",
        "\r\nX-WR-TIMEZONE:Asia/Ho_Chi_Minh\r\n",
        "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n",
    ] {
        assert!(ics.contains(needed), "missing {needed:?}");
    }
    let evs = vevents(&ics);
    let starts: Vec<_> = evs.iter().map(|e| prop(e, "DTSTART").unwrap()).collect();
    assert_eq!(
        starts,
        ["20270301T080000", "20270308T140000", "20270322T080000"],
        "published weeks only (not 05/4)"
    );
    let uid = prop(master, "UID").unwrap();
    for ev in &evs {
        assert_eq!(prop(ev, "UID"), Some(uid));
        assert_eq!(prop(ev, "STATUS"), Some("CONFIRMED"));
        assert_eq!(prop(ev, "RRULE"), None);
        assert!(prop(ev, "RECURRENCE-ID").is_some());
        assert!(prop(ev, "DTEND").is_some() && prop(ev, "SEQUENCE").is_some());
        assert_eq!(
            prop(ev, "SUMMARY").map(lichhop::feeds::rfc5545::unescape_text),
            Some(title.to_string())
        );
        assert!(prop(ev, "LOCATION").is_some());
        assert!(prop(ev, "URL")
            .unwrap()
            .ends_with(&format!("/cuoc-hop/{id}")));
        // Names and positions only: no organizer's address, the chair by a URN.
        assert_eq!(prop(ev, "ORGANIZER"), None);
        assert!(ev.iter().any(|l| l.starts_with("ATTENDEE;")
            && l.contains("ROLE=CHAIR")
            && l.ends_with(&format!(":urn:lichhop:person:{}", o.leaders[1]))));
        assert!(prop(ev, "DESCRIPTION").unwrap().contains("Chủ trì: "));
    }
    assert_eq!(
        evs[1]
            .iter()
            .find(|l| l.starts_with("RECURRENCE-ID"))
            .map(String::as_str),
        Some("RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20270308T080000")
    );
    assert!(!ics.contains("mailto:"), "{ics}");
}

/// Rooms and persons carry no change stamp of their own; the change counter of the reference
/// tables is part of the feed's generation, so a rename reaches subscribers at the next poll.
#[rocket::async_test]
async fn a_renamed_room_reaches_the_feed_at_the_next_poll() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(&o, "Họp giao ban", 3, 8, "internal"),
    )
    .await;
    let path = feed_path(
        &app,
        &o.staff,
        json!({"scope": "room", "room_id": o.rooms[0]}),
    )
    .await;
    let location = |ics: &str| {
        let evs = vevents(ics);
        assert_eq!(evs.len(), 1, "{ics}");
        prop(&evs[0], "LOCATION").unwrap().to_string()
    };
    let before = location(&text(&app, &path).await);
    let (s, _, v) = app
        .call(
            Method::Patch,
            &format!("/api/v1/rooms/{}", o.rooms[0]),
            Some(&o.admin),
            Some(&json!({"name": "Hội trường Diên Hồng"})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let after = location(&text(&app, &path).await);
    assert!(!before.contains("Diên Hồng"), "{before}");
    assert!(after.contains("Hội trường Diên Hồng"), "{after}");
}

#[rocket::async_test]
async fn a_room_feed_cancels_an_occurrence_moved_to_another_room() {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
    let app = spawn_app().await;
    let o = app.office().await;
    let mut body = meeting(&o, "Giao ban tuần", 1, 8, "internal");
    body["rrule"] = json!("FREQ=WEEKLY;COUNT=3");
    let id = app.approved(&o, &o.clerk_a, &body).await;
    let occ = entity::occurrence::Entity::find()
        .filter(entity::occurrence::Column::MeetingId.eq(id as i32))
        .order_by_asc(entity::occurrence::Column::RecurrenceId)
        .all(&app.db().conn)
        .await
        .unwrap();
    let mut a: entity::occurrence::ActiveModel = occ[1].clone().into();
    a.room_id = Set(Some(o.rooms[1]));
    a.is_override = Set(true);
    a.updated_at = Set(lichhop::domain::clock::now());
    a.update(&app.db().conn).await.unwrap();
    let room0 = feed_path(
        &app,
        &o.staff,
        json!({"scope": "room", "room_id": o.rooms[0]}),
    )
    .await;
    let room1 = feed_path(
        &app,
        &o.staff,
        json!({"scope": "room", "room_id": o.rooms[1]}),
    )
    .await;
    let evs = vevents(&text(&app, &room0).await);
    assert_eq!(evs.len(), 2);
    assert_eq!(
        prop(&evs[1], "STATUS"),
        Some("CANCELLED"),
        "moved away from this room"
    );
    let evs = vevents(&text(&app, &room1).await);
    assert_eq!(
        prop(&evs[0], "STATUS"),
        Some("CANCELLED"),
        "the series is not in room 1"
    );
    assert_eq!(
        prop(&evs[1], "STATUS"),
        Some("CONFIRMED"),
        "but this occurrence is"
    );
}

// ---------------------------------------------------------------------------
// Independent parsers
// ---------------------------------------------------------------------------

pub(crate) fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ical-clients")
}

const INSTALL: &str = "install the test parsers first:\n  (cd tests/ical-clients && npm ci)\n  \
     python3 -m venv tests/ical-clients/.venv && \
     tests/ical-clients/.venv/bin/pip install -r tests/ical-clients/requirements.txt";

/// Runs a parser script on the feed; its JSON list of occurrences.
pub(crate) fn run_client(program: &str, args: &[&str], ics: &[u8]) -> Vec<Value> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .current_dir(clients_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}; {INSTALL}"));
    child.stdin.take().unwrap().write_all(ics).unwrap();
    let out = child.wait_with_output().unwrap();
    json_list_of(&out, &format!("{program} {args:?} ({INSTALL})"))
}

pub(crate) fn require_clients() {
    let dir = clients_dir();
    assert!(
        dir.join("node_modules/ical.js").exists(),
        "ical.js is missing; {INSTALL}"
    );
    assert!(
        dir.join(".venv/bin/python").exists(),
        "the Python venv is missing; {INSTALL}"
    );
}

pub(crate) const FROM: &str = "2027-01-01T00:00:00Z";
pub(crate) const TO: &str = "2028-01-01T00:00:00Z";

#[rocket::async_test]
async fn thunderbird_and_python_clients_expand_every_feed_like_we_do() {
    require_clients();
    let app = spawn_app().await;
    let o = app.office().await;
    let series = series_with_overrides(&app, &o).await;
    let single = app
        .approved(
            &o,
            &o.clerk_a,
            &meeting(
                &o,
                "Tiếp đoàn công tác, \"Bộ KH&ĐT\"; làm việc",
                26,
                14,
                "public",
            ),
        )
        .await;
    let cancelled = app
        .approved(&o, &o.clerk_a, &meeting(&o, "Họp bị hủy", 25, 8, "public"))
        .await;
    act(
        &app,
        &o.approver,
        cancelled,
        "cancel",
        json!({"reason": "Hoãn"}),
    )
    .await;
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(&o, "Họp mật", 24, 8, "confidential"),
    )
    .await;
    // The public feed serves what was published: every week of the series and the others.
    for week in [
        "2027-03-01",
        "2027-03-08",
        "2027-03-15",
        "2027-03-22",
        "2027-03-29",
        "2027-04-05",
    ] {
        app.publish(&o, week).await;
    }

    let feeds = [
        "/feeds/public.ics".to_string(),
        feed_path(&app, &o.staff, json!({"scope": "office"})).await,
        feed_path(
            &app,
            &o.staff,
            json!({"scope": "person", "person_id": o.leaders[1], "include_tentative": true}),
        )
        .await,
        feed_path(
            &app,
            &o.staff,
            json!({"scope": "room", "room_id": o.rooms[0]}),
        )
        .await,
        feed_path(&app, &o.clerk_a, json!({"scope": "agency"})).await,
    ];
    let mut expected: Vec<(String, String)> = our_occurrences(&app, series).await;
    expected.extend(our_occurrences(&app, single).await);
    expected.sort();
    for path in &feeds {
        let ics = text(&app, path).await;
        assert_wire_format(ics.as_bytes());

        // The ical crate's parser, after our unfolding, then un-escaping.
        let unfolded = lichhop::feeds::rfc5545::unfold(&ics);
        let cal = ical::IcalParser::new(std::io::BufReader::new(unfolded.as_bytes()))
            .next()
            .expect("one calendar")
            .expect("ical crate parses it");
        assert!(!cal.timezones.is_empty());
        let summaries: Vec<String> = cal
            .events
            .iter()
            .flat_map(|e| e.properties.iter())
            .filter(|p| p.name == "SUMMARY")
            .map(|p| lichhop::feeds::rfc5545::unescape_text(p.value.as_deref().unwrap_or("")))
            .collect();
        if path.contains("public") {
            assert!(
                summaries
                    .iter()
                    .any(|s| s == "Tiếp đoàn công tác, \"Bộ KH&ĐT\"; làm việc"),
                "{summaries:?}"
            );
        }

        for (program, script) in [("node", "expand.mjs"), (".venv/bin/python", "expand.py")] {
            let program = if program.starts_with('.') {
                clients_dir().join(program).display().to_string()
            } else {
                program.to_string()
            };
            let seen = run_client(&program, &[script, FROM, TO], ics.as_bytes());
            let mut live: Vec<(String, String)> = seen
                .iter()
                .filter(|o| o["status"] != "CANCELLED")
                .filter(|o| o["summary"] != "Bận" && o["summary"] != "Họp mật")
                .map(|o| {
                    (
                        o["start"].as_str().unwrap().to_string(),
                        o["end"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            live.sort();
            assert_eq!(live, expected, "{script} on {path}");
            // The confidential meeting is a busy block wherever it appears outside its owner.
            for o in &seen {
                if o["summary"] == "Họp mật" {
                    assert!(
                        path.contains(&feeds[4]),
                        "{script}: details leaked into {path}"
                    );
                }
            }
            // Vietnamese and escaped characters survive the trip.
            if path.contains("public") {
                assert!(
                    seen.iter()
                        .any(|o| o["summary"] == "Tiếp đoàn công tác, \"Bộ KH&ĐT\"; làm việc"),
                    "{script}: {seen:?}"
                );
            }
        }
    }
}

/// GET over real TCP: (status, ETag).
async fn tcp_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let (status, head) = crate::http_client::get_head(addr, path, &[]).await;
    (status, header_in(&head, "etag").unwrap_or("").to_string())
}

#[rocket::async_test]
async fn two_instances_sharing_the_database_serve_the_same_bytes_and_both_see_changes() {
    let app = spawn_app().await;
    let o = app.office().await;
    app.approved(&o, &o.clerk_a, &meeting(&o, "Họp giao ban", 2, 8, "public"))
        .await;
    let a = serve(app.data_dir.path(), &app.database_url).await;
    let b = serve(app.data_dir.path(), &app.database_url).await;
    let path = feed_path(&app, &o.staff, json!({"scope": "office"})).await;
    let (sa, ea) = tcp_get(a.addr, &path).await;
    let (sb, eb) = tcp_get(b.addr, &path).await;
    assert_eq!((sa, sb), (200, 200));
    assert!(!ea.is_empty());
    assert_eq!(ea, eb, "same data, same bytes, same ETag");
    // A change made through one instance (here: the test client) reaches both caches.
    app.approved(&o, &o.clerk_a, &meeting(&o, "Họp bổ sung", 3, 8, "public"))
        .await;
    let (_, ea2) = tcp_get(a.addr, &path).await;
    let (_, eb2) = tcp_get(b.addr, &path).await;
    assert_ne!(ea2, ea);
    assert_eq!(ea2, eb2);
    // Revoked through the API: both instances answer 404 at once.
    let (_, list) = list_tokens(&app, &o.staff).await;
    let id = list[0]["id"].as_i64().unwrap();
    let (s, _, _) = app
        .call(
            Method::Delete,
            &format!("/api/v1/feed-tokens/{id}"),
            Some(&o.staff),
            None,
            &[],
        )
        .await;
    assert_eq!(s, Status::NoContent);
    assert_eq!(tcp_get(a.addr, &path).await.0, 404);
    assert_eq!(tcp_get(b.addr, &path).await.0, 404);
}

#[rocket::async_test]
async fn within_the_recheck_interval_a_feed_is_not_rechecked_but_a_revocation_here_is_at_once() {
    let data_dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(data_dir.path()).await;
    let figment = test_figment(data_dir.path(), &url).merge(("feed_recheck_ms", 60_000));
    let rocket = lichhop::app::build(figment).await.unwrap();
    let app = TestApp {
        client: rocket::local::asynchronous::Client::tracked(rocket)
            .await
            .unwrap(),
        database_url: url,
        data_dir,
    };
    let o = app.office().await;
    let path = feed_path(&app, &o.staff, json!({"scope": "office"})).await;
    let (_, hs, _) = fetch(&app, &path, &[]).await;
    let etag = header(&hs, "ETag").unwrap().to_string();
    // Within the recheck interval a change is not looked for: the same bytes are served.
    app.approved(&o, &o.clerk_a, &meeting(&o, "Họp mới", 2, 8, "public"))
        .await;
    let (s, _, _) = fetch(&app, &path, &[("If-None-Match", &etag)]).await;
    assert_eq!(s, Status::NotModified);
    // A revocation through this instance is not delayed by it.
    let (_, list) = list_tokens(&app, &o.staff).await;
    let id = list[0]["id"].as_i64().unwrap();
    let del = format!("/api/v1/feed-tokens/{id}");
    let (s, _, _) = app
        .call(Method::Delete, &del, Some(&o.staff), None, &[])
        .await;
    assert_eq!(s, Status::NoContent);
    assert_eq!(fetch(&app, &path, &[]).await.0, Status::NotFound);
}

/// The public feed is made of publications: a meeting of three days is three rows of the
/// schedule but one event; a week not published adds nothing; rows of a snapshot stored before
/// rows kept their instants are left out of the feed (the page still shows them).
#[rocket::async_test]
async fn the_public_feed_serves_the_latest_revision_of_each_published_week() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = spawn_app().await;
    let o = app.office().await;
    let mut trip = meeting(&o, "Kiểm tra thực địa ba ngày", 2, 8, "public");
    trip["ends_at"] = json!("2027-03-04T17:00");
    app.approved(&o, &o.clerk_a, &trip).await;
    app.approved(
        &o,
        &o.clerk_a,
        &meeting(&o, "Họp tuần chưa phát hành", 9, 8, "public"),
    )
    .await;
    app.publish(&o, "2027-03-01").await;
    let (s, _, week) = app
        .call(Method::Get, "/api/v1/schedule/2027-03-01", None, None, &[])
        .await;
    assert_eq!(s, Status::Ok);
    let rows: Vec<&Value> = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["items"].as_array().unwrap())
        .collect();
    assert_eq!(rows.len(), 3, "a row on each day: {week}");
    assert!(
        rows.iter().all(|r| r.get("uid").is_none()),
        "no UID on pages"
    );

    let ics = text(&app, "/feeds/public.ics").await;
    let evs = vevents(&ics);
    assert_eq!(
        evs.len(),
        1,
        "one event for three days, none of 08/3: {ics}"
    );
    assert_eq!(prop(&evs[0], "DTSTART"), Some("20270302T080000"));
    assert_eq!(prop(&evs[0], "DTEND"), Some("20270304T170000"));
    assert_eq!(prop(&evs[0], "RECURRENCE-ID"), None);

    // An older snapshot: rows without instants, UID or sequence.
    let stored = entity::schedule_publication::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.week_start.to_string() == "2027-03-01")
        .unwrap();
    let mut old: Value = serde_json::from_str(stored.snapshot.as_deref().unwrap()).unwrap();
    for row in old.as_array_mut().unwrap() {
        for field in [
            "starts_at",
            "ends_at",
            "uid",
            "sequence",
            "recurrence_id",
            "chair_id",
        ] {
            row.as_object_mut().unwrap().remove(field);
        }
    }
    let mut a: entity::schedule_publication::ActiveModel = stored.into();
    a.snapshot = Set(Some(old.to_string()));
    a.update(&app.db().conn).await.unwrap();
    // A new publication elsewhere moves the generation; the old snapshot is read again.
    app.publish(&o, "2027-03-15").await;
    assert!(vevents(&text(&app, "/feeds/public.ics").await).is_empty());
    let (s, _, week) = app
        .call(Method::Get, "/api/v1/schedule/2027-03-01", None, None, &[])
        .await;
    assert_eq!(s, Status::Ok);
    assert!(week.to_string().contains("Kiểm tra thực địa ba ngày"));
}
