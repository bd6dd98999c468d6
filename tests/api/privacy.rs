//! What others may not see (issue #19): another agency's confidential meetings reach a clerk only
//! as "Bận" (busy), with neither id nor title, wherever other meetings show — conflict check,
//! the form's live check, find a time, availability, calendars and their API, the lobby screen —
//! while the office and the agency itself still see them; and public output (the public feed,
//! the weekly schedule page, its embed and API, the lobby) names people by name and position
//! only, never their e-mail addresses or phone numbers.

use crate::helpers::*;
use lichhop::domain::clock;
use rocket::http::{Header, Method, Status};
use serde_json::{json, Value};

/// The day of the probes: a Wednesday far from the demo's meetings.
const DAY: &str = "2027-03-10";

/// Does `text` name meeting `id` the ways our outputs do ("#12", "/cuoc-hop/12")?
fn names_id(text: &str, id: i64) -> bool {
    ["#", "/cuoc-hop/"].iter().any(|prefix| {
        let needle = format!("{prefix}{id}");
        text.match_indices(&needle).any(|(at, _)| {
            !text[at + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    })
}

/// Agency A's confidential meetings: their titles and ids.
struct Secrets {
    titles: Vec<&'static str>,
    ids: Vec<i64>,
}

impl Secrets {
    /// Fails when `text` (an answer to `what`) shows any of them.
    fn assert_hidden_in(&self, what: &str, text: &str) {
        for t in &self.titles {
            assert!(!text.contains(t), "{what} shows {t:?}: {text}");
        }
        for id in &self.ids {
            assert!(!names_id(text, *id), "{what} names #{id}: {text}");
        }
    }
}

/// A page or feed as anyone gets it, in Vietnamese; it must answer 200.
async fn anonymous_get(app: &TestApp, path: &str) -> String {
    let res = app
        .client
        .get(path.to_string())
        .header(Header::new("Accept-Language", "vi"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok, "{path}");
    res.into_string().await.unwrap()
}

async fn call_ok(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Principal,
    body: Option<&Value>,
) -> Value {
    let (s, _, v) = app.call(method, path, Some(who), body, &[]).await;
    assert_eq!(s, Status::Ok, "{path}: {v}");
    v
}

/// Agency A registers three confidential meetings: an approved one on DAY 14:00–15:00 in `room`
/// (chair leader 0, leader 1 required), a pending one on DAY 16:00–17:00 in the same room, and
/// an approved one today 20:00–21:00 (for the lobby screen; registered for A by the office).
async fn confidential_meetings(app: &TestApp, o: &Office, room: i32) -> Secrets {
    let today = clock::office_date(clock::now());
    let titles = vec![
        "Họp kín về phương án nhân sự Sở Tài chính",
        "Họp kín rà soát hồ sơ thanh tra",
        "Họp kín Ban Chỉ đạo hôm nay",
    ];
    let body = |title: &str, day: String, from: &str, to: &str| {
        json!({"title": title, "room_id": room, "chair_id": o.leaders[0],
               "attendees": [{"person_id": o.leaders[1], "role": "required"}],
               "starts_at": format!("{day}T{from}"), "ends_at": format!("{day}T{to}"),
               "visibility": "confidential", "submit": true})
    };
    let approved = app
        .approved(
            o,
            &o.clerk_a,
            &body(titles[0], DAY.into(), "14:00", "15:00"),
        )
        .await;
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_a),
            Some(&body(titles[1], DAY.into(), "16:00", "17:00")),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let pending = m["id"].as_i64().unwrap();
    // Registered by the office for agency A: tonight may already be past in Hà Nội, and only
    // the office records a meeting that has started.
    let mut tonight = body(titles[2], today.to_string(), "20:00", "21:00");
    tonight["requesting_agency_id"] = json!(o.agency_a);
    let tonight = app.approved(o, &o.staff, &tonight).await;
    Secrets {
        titles,
        ids: vec![approved, pending, tonight],
    }
}

/// The probes: times on DAY that run into A's meetings by room, chair, attendee and setup
/// buffer; as (start, end, with the chair and the attendee).
const PROBES: [(&str, &str, bool); 3] = [
    ("14:15", "14:45", true),
    ("15:05", "15:30", false),
    ("16:15", "16:45", true),
];

fn probe_body(o: &Office, room: i32, (from, to, people): (&str, &str, bool)) -> Value {
    let mut b = json!({"title": "Họp thử giờ", "room_id": room,
        "starts_at": format!("{DAY}T{from}"), "ends_at": format!("{DAY}T{to}")});
    if people {
        b["chair_id"] = json!(o.leaders[0]);
        b["attendees"] = json!([{"person_id": o.leaders[1], "role": "required"}]);
    }
    b
}

fn probe_form(
    o: &Office,
    room: &str,
    (from, to, people): (&str, &str, bool),
) -> Vec<(String, String)> {
    let mut f = vec![
        ("day".to_string(), DAY.to_string()),
        ("start".into(), from.into()),
        ("end".into(), to.into()),
        ("room_id".into(), room.into()),
    ];
    if people {
        f.push(("chair_id".into(), o.leaders[0].to_string()));
        f.push(("persons".into(), o.leaders[1].to_string()));
    }
    f
}

async fn post_form(b: &mut Browser<'_>, path: &str, fields: &[(String, String)]) -> PageAnswer {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &fields).await
}

#[rocket::async_test]
async fn another_agencys_confidential_meeting_is_only_busy_wherever_a_clerk_looks() {
    let app = spawn_app().await;
    let o = app.office().await;
    let room = o.rooms[2];
    let secrets = confidential_meetings(&app, &o, room).await;
    let today = clock::office_date(clock::now());

    // The conflict check (API): every kind of collision is there, each only "Bận".
    let mut kinds = std::collections::BTreeSet::new();
    for p in PROBES {
        let v = call_ok(
            &app,
            Method::Post,
            "/api/v1/conflicts",
            &o.clerk_b,
            Some(&probe_body(&o, room, p)),
        )
        .await;
        secrets.assert_hidden_in("POST /api/v1/conflicts", &v.to_string());
        for c in v["conflicts"].as_array().unwrap() {
            if c["meeting"].is_null() {
                continue;
            }
            kinds.insert(c["kind"].as_str().unwrap().to_string());
            assert_eq!(c["meeting"]["busy"], true, "{c}");
            assert!(
                c["meeting"]["id"].is_null() && c["meeting"]["title"].is_null(),
                "{c}"
            );
            assert!(c["message_vi"].as_str().unwrap().contains("«Bận»"), "{c}");
            assert!(
                c["message_en"].as_str().unwrap().contains("\"Busy\""),
                "{c}"
            );
        }
    }
    for kind in [
        "room_overlap",
        "room_buffer",
        "room_pending_overlap",
        "chair_overlap",
        "attendee_busy",
    ] {
        assert!(kinds.contains(kind), "{kind} not probed: {kinds:?}");
    }

    // A saved request of B at the same time: its conflicts, as B reads them.
    let mut own = probe_body(&o, room, PROBES[0]);
    own["submit"] = json!(true);
    let (s, _, m) = app
        .call(
            Method::Post,
            "/api/v1/meetings",
            Some(&o.clerk_b),
            Some(&own),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{m}");
    let b_request = m["id"].as_i64().unwrap();
    let v = call_ok(
        &app,
        Method::Get,
        &format!("/api/v1/meetings/{b_request}/conflicts"),
        &o.clerk_b,
        None,
    )
    .await;
    assert!(v["errors"].as_u64().unwrap() > 0, "{v}");
    secrets.assert_hidden_in("GET /api/v1/meetings/<id>/conflicts", &v.to_string());

    // Availability and the calendars' API.
    let path = format!(
        "/api/v1/availability?from={DAY}&to={DAY}&duration_minutes=30&chair_id={}",
        o.leaders[0]
    );
    let v = call_ok(&app, Method::Get, &path, &o.clerk_b, None).await;
    secrets.assert_hidden_in("availability", &v.to_string());
    let path = format!("/api/v1/occurrences?from={today}&to={DAY}");
    let v = call_ok(&app, Method::Get, &path, &o.clerk_b, None).await;
    for occ in v.as_array().unwrap() {
        assert!(
            !secrets.ids.contains(&occ["meeting_id"].as_i64().unwrap()),
            "{occ}"
        );
    }

    // The pages: the live check, find a time, the calendars.
    let mut b = app.signed_in(&o.clerk_b).await;
    b.get("/dang-ky/moi").await;
    let room_s = room.to_string();
    let mut busy_hints = 0;
    for p in PROBES {
        let answer = post_form(&mut b, "/dang-ky/kiem-tra", &probe_form(&o, &room_s, p)).await;
        assert_eq!(answer.status, Status::Ok, "{}", answer.body);
        secrets.assert_hidden_in("/dang-ky/kiem-tra", &answer.body);
        let hints: Value = serde_json::from_str(&answer.body).unwrap();
        // B's own request (registered above) shows in detail; A's meetings only as busy.
        for h in hints["conflicts"].as_array().unwrap() {
            if !h["meeting"].is_null() && h["meeting"]["id"].is_null() {
                assert_eq!(h["meeting"]["title"], "Bận", "{h}");
                busy_hints += 1;
            }
        }
    }
    assert!(
        busy_hints >= 3,
        "the live check saw the meetings: {busy_hints}"
    );
    let find = probe_form(&o, &room_s, PROBES[0]);
    let answer = post_form(&mut b, "/dang-ky/tim-gio", &find).await;
    assert_eq!(answer.status, Status::Ok, "{}", answer.body);
    secrets.assert_hidden_in("/dang-ky/tim-gio", &answer.body);
    let answer = b.get(&format!("/cuoc-hop/{b_request}/tim-gio")).await;
    assert_eq!(answer.status, Status::Ok);
    secrets.assert_hidden_in("/cuoc-hop/<id>/tim-gio", &answer.body);
    for path in [
        format!("/lich-phong?tuan={DAY}"),
        format!("/lich-phong?tuan={today}"),
        format!("/lich-phong/ngay?ngay={DAY}"),
        format!("/lich-phong/ngay?ngay={today}"),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, Status::Ok, "{path}");
        secrets.assert_hidden_in(&path, &page.body);
        assert!(page.body.contains("Bận"), "{path} shows the room busy");
    }

    // The lobby screen, for anyone in the hall.
    let lobby = anonymous_get(&app, "/man-hinh").await;
    secrets.assert_hidden_in("/man-hinh", &lobby);
    assert!(
        lobby.contains("20:00–21:00") && lobby.contains("Bận"),
        "{lobby}"
    );

    // The office, and agency A itself, still see them.
    let mut staff_probe = probe_body(&o, room, PROBES[0]);
    staff_probe["requesting_agency_id"] = json!(o.agency_b);
    for (who, body) in [
        (&o.staff, staff_probe),
        (&o.clerk_a, probe_body(&o, room, PROBES[0])),
    ] {
        let v = call_ok(&app, Method::Post, "/api/v1/conflicts", who, Some(&body)).await;
        let c = v["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "room_overlap")
            .unwrap()
            .clone();
        assert_eq!(c["meeting"]["id"], secrets.ids[0], "{c}");
        assert_eq!(c["meeting"]["title"], secrets.titles[0], "{c}");
        assert_eq!(c["meeting"]["busy"], false, "{c}");
        assert!(
            names_id(c["message_vi"].as_str().unwrap(), secrets.ids[0]),
            "{c}"
        );
    }
    let mut a = app.signed_in(&o.clerk_a).await;
    a.get("/dang-ky/moi").await;
    let answer = post_form(
        &mut a,
        "/dang-ky/kiem-tra",
        &probe_form(&o, &room_s, PROBES[0]),
    )
    .await;
    assert!(answer.body.contains(secrets.titles[0]), "{}", answer.body);
    let mut staff = app.signed_in(&o.staff).await;
    for viewer in [&mut a, &mut staff] {
        let page = viewer.get(&format!("/lich-phong?tuan={DAY}")).await;
        for (title, id) in secrets.titles.iter().zip(&secrets.ids).take(2) {
            assert!(page.body.contains(title), "{title}");
            assert!(
                page.body.contains(&format!("href=\"/cuoc-hop/{id}\"")),
                "{id}"
            );
        }
    }
}

/// Every person and agency gets an e-mail address and a phone number; returns them.
async fn give_everyone_addresses(app: &TestApp) -> Vec<String> {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let mut contacts = Vec::new();
    for p in entity::person::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap()
    {
        let (email, phone) = (
            format!("canbo{}@quangngai.gov.vn", p.id),
            format!("0913 {:06}", p.id),
        );
        contacts.push(email.clone());
        contacts.push(phone.clone());
        let mut a: entity::person::ActiveModel = p.into();
        a.email = Set(Some(email));
        a.phone = Set(Some(phone));
        a.update(&app.db().conn).await.unwrap();
    }
    for g in entity::agency::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap()
    {
        let email = format!("donvi{}@quangngai.gov.vn", g.id);
        contacts.push(email.clone());
        let mut a: entity::agency::ActiveModel = g.into();
        a.email = Set(Some(email));
        a.update(&app.db().conn).await.unwrap();
    }
    contacts
}

/// An e-mail address anywhere in `text`: an "@" right after a letter or digit.
fn has_email(text: &str) -> bool {
    text.match_indices('@').any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[rocket::async_test]
async fn public_output_names_people_without_their_addresses_or_phones() {
    let app = spawn_app().await;
    let o = app.office().await;
    let contacts = give_everyone_addresses(&app).await;
    let today = clock::office_date(clock::now());
    let week = clock::week_start(today);
    let title = "Tiếp đoàn công tác Bộ Kế hoạch và Đầu tư";
    let body = json!({"title": title, "room_id": o.rooms[4], "chair_id": o.leaders[0],
        "attendees": [{"person_id": o.leaders[1], "role": "required"},
                      {"person_id": o.leaders[2], "role": "optional"},
                      {"agency_id": o.agency_b}],
        "starts_at": format!("{today}T19:00"), "ends_at": format!("{today}T19:30"),
        "visibility": "public", "submit": true, "requesting_agency_id": o.agency_a,
        "past_reason": "Ghi nhận cuộc tiếp đoàn"});
    // Registered by the office for agency A: 19:00 today may already be past in Hà Nội.
    app.approved(&o, &o.staff, &body).await;
    // The public schedule shows what was published.
    app.publish(&o, &week.to_string()).await;
    let chair = {
        use sea_orm::EntityTrait;
        entity::person::Entity::find_by_id(o.leaders[0])
            .one(&app.db().conn)
            .await
            .unwrap()
            .unwrap()
    };

    let feed = anonymous_get(&app, "/feeds/public.ics").await;
    let outputs = [
        ("/feeds/public.ics".to_string(), feed.clone()),
        (
            format!("/lich-cong-tac?tuan={week}"),
            anonymous_get(&app, &format!("/lich-cong-tac?tuan={week}")).await,
        ),
        (
            format!("/lich-cong-tac?tuan={week}&embed=1"),
            anonymous_get(&app, &format!("/lich-cong-tac?tuan={week}&embed=1")).await,
        ),
        (
            format!("/api/v1/schedule/{week}"),
            anonymous_get(&app, &format!("/api/v1/schedule/{week}")).await,
        ),
        (
            "/man-hinh".to_string(),
            anonymous_get(&app, "/man-hinh").await,
        ),
    ];
    for (path, text) in &outputs {
        // The meeting and its chair are there, by name and position.
        assert!(text.contains(title), "{path} lists the meeting");
        assert!(text.contains(&chair.full_name), "{path} names the chair");
        for c in &contacts {
            assert!(!text.contains(c.as_str()), "{path} shows {c}");
        }
        // (An event's UID is "id@host" by RFC 5545 §3.8.4.7's advice: an id, not an address.)
        let shown: Vec<&str> = text.lines().filter(|l| !l.starts_with("UID:")).collect();
        let shown = shown.join("\n");
        assert!(!has_email(&shown), "{path} shows an e-mail address: {text}");
    }
    assert!(!feed.contains("mailto:"));
    assert!(
        feed.contains(&format!("urn:lichhop:person:{}", chair.id)),
        "attendees stay, as names"
    );
    // It still parses, with the chair as an attendee named by position and name.
    let unfolded = lichhop::feeds::rfc5545::unfold(&feed);
    let cal = ical::IcalParser::new(std::io::BufReader::new(unfolded.as_bytes()))
        .next()
        .expect("one calendar")
        .expect("the ical crate parses it");
    let ev = cal
        .events
        .iter()
        .find(|e| {
            e.properties
                .iter()
                .any(|p| p.name == "SUMMARY" && p.value.as_deref() == Some(title))
        })
        .expect("the meeting is in the feed");
    let chair_line = ev
        .properties
        .iter()
        .find(|p| {
            p.name == "ATTENDEE"
                && p.params
                    .as_ref()
                    .is_some_and(|ps| ps.iter().any(|(k, v)| k == "ROLE" && v == &["CHAIR"]))
        })
        .expect("the chair attends");
    assert_eq!(
        chair_line.value.as_deref(),
        Some(format!("urn:lichhop:person:{}", chair.id).as_str())
    );
    let cn = chair_line
        .params
        .as_ref()
        .unwrap()
        .iter()
        .find(|(k, _)| k == "CN");
    assert!(
        cn.is_some_and(|(_, v)| v[0].contains(&chair.full_name)),
        "{cn:?}"
    );

    // A signed-in official's own feed keeps the addresses, for replying from a calendar.
    let (s, _, t) = app
        .call(
            Method::Post,
            "/api/v1/feed-tokens",
            Some(&o.staff),
            Some(&json!({"scope": "person", "person_id": o.leaders[0]})),
            &[],
        )
        .await;
    assert_eq!(s, Status::Created, "{t}");
    let url = t["url"].as_str().unwrap();
    let path = &url[url.find("/feeds/").unwrap()..];
    let own = anonymous_get(&app, path).await;
    assert!(
        own.contains(&format!("mailto:canbo{}@quangngai.gov.vn", chair.id)),
        "{own}"
    );
}
